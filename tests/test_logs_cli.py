"""``confkit logs collect | export | purge | status`` as a user runs them (the sandbox district)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from confkit.cli import app
from confkit.logs.export import CSV_COLUMNS, ocsf_missing


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for key in list(os.environ):
        if key.startswith("CONFKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "confkit.db"))
    return CliRunner()


@pytest.fixture
def collected(runner: CliRunner, tmp_path: Path) -> Path:
    result = runner.invoke(app, ["logs", "collect", "--sandbox", "--provider", "zoom", "--no-progress"])
    assert result.exit_code == 0, result.output
    return tmp_path / "confkit-sandbox.db"


def test_collect_status_export_purge_on_the_sandbox(runner: CliRunner, collected: Path, tmp_path: Path) -> None:
    assert stat.S_IMODE(collected.stat().st_mode) == 0o600
    assert not (tmp_path / "confkit.db").exists()  # the sandbox never writes into the real store
    status = runner.invoke(app, ["logs", "status", "--sandbox", "--json"])
    assert status.exit_code == 0, status.output
    streams = {s["stream"]: s for s in json.loads(status.output)["streams"]}
    assert set(streams) == {"signins", "operations", "participants"}
    assert all(s["events"] > 0 and s["last_error"] is None and s["collected_until"] for s in streams.values())

    out_file = tmp_path / "weakened.ocsf.jsonl"
    result = runner.invoke(app, ["logs", "export", "--sandbox", "--format", "ocsf", "--category", "setting_change",
                                 "-o", str(out_file)])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert docs and all(ocsf_missing(d) == [] for d in docs)
    assert any("Require a passcode when scheduling new meetings" in d["message"] and d["entity_result"]["data"]
               ["value"] == "Off" for d in docs)

    table = runner.invoke(app, ["logs", "export", "--sandbox", "-f", "csv", "--since", "2000-01-01", "-s", "signins"])
    assert table.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS and {r["stream"] for r in rows} == {"signins"}

    redacted = runner.invoke(app, ["logs", "export", "--sandbox", "-f", "ecs", "-s", "participants",
                                   "--redact", "email,name"])
    docs = [json.loads(line) for line in redacted.stdout.splitlines()]
    assert docs and all(d["user"].get("email", "h-").startswith("h-") for d in docs if "user" in d)
    assert not any("lincoln-usd.example" in d["event"]["original"].split("@")[0] for d in docs)

    nothing = runner.invoke(app, ["logs", "purge", "--sandbox", "--older-than", "3650d"])
    assert nothing.exit_code == 0 and "deleted 0 events" in nothing.output
    dry = runner.invoke(app, ["logs", "purge", "--sandbox", "--older-than", "7d", "--dry-run"])
    assert dry.exit_code == 0 and "would delete" in dry.output
    count = int(dry.output.split("would delete ")[1].split()[0])
    assert count > 0
    done = runner.invoke(app, ["logs", "purge", "--sandbox", "--older-than", "7d"])
    assert f"deleted {count} events" in done.output


def test_a_second_collect_adds_nothing(runner: CliRunner, collected: Path) -> None:
    def stored() -> dict[str, datetime]:
        out = runner.invoke(app, ["logs", "export", "--sandbox"]).stdout
        return {e["id"]: datetime.fromisoformat(e["time"]) for e in map(json.loads, out.splitlines())}

    before = stored()
    asked = datetime.now(UTC)
    again = runner.invoke(app, ["logs", "collect", "--sandbox", "-p", "zoom", "--no-progress", "-s", "signins",
                                "-s", "operations"])
    assert again.exit_code == 0, again.output
    status = json.loads(runner.invoke(app, ["logs", "status", "--sandbox", "--json"]).output)
    assert status["last_collect"]["events_dup"] > 0
    # The sandbox makes its traffic up to the current second from the real clock (staff sign out between
    # 21:00 and 22:00 UTC): an event that fell due between the two runs is new, and rightly so. Nothing
    # stored by the first run is stored again.
    new = set(stored()) - set(before)
    assert status["last_collect"]["events_new"] == len(new)
    after = stored()
    assert all(after[i] > asked - timedelta(minutes=5) for i in new)


def test_collect_with_redaction(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "redacted.db"
    result = runner.invoke(app, ["logs", "collect", "--sandbox", "-p", "zoom", "-s", "signins", "--no-progress",
                                 "--redact", "ip,email", "--store", str(store)])
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["logs", "export", "--store", str(store)])
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and all(e["actor"]["ip"].startswith("ip-") and e["actor"]["email"].startswith("h-")
                          for e in events)
    status = json.loads(runner.invoke(app, ["logs", "status", "--store", str(store), "--json"]).output)
    assert [s["redaction"] for s in status["streams"]] == ["email,ip"]
    assert runner.invoke(app, ["logs", "status", "--store", str(store)]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["logs", "collect", "--sandbox", "--since", "yesterday"], "cannot read the time"),
        (["logs", "collect", "--sandbox", "--redact", "ip,phone"], "cannot redact phone"),
        (["logs", "purge", "--sandbox", "--older-than", "six months"], "cannot read the duration"),
        (["logs", "collect", "--sandbox", "-p", "zoom", "-s", "nope"], "no log streams to collect"),
        (["logs", "collect"], "--provider"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner: CliRunner, args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["logs", "export", "--sandbox", "--since", "[/b]"], "cannot read the time '[/b]'"),  # not rich markup
        (["logs", "purge", "--sandbox", "--older-than", "[/x]"], "cannot read the duration '[/x]'"),
        (["logs", "export", "--sandbox", "--since", "2026-11-20", "--until", "2026-11-01"], "is not after --since"),
        (["logs", "export", "--sandbox", "-p", "teams"], "unknown provider 'teams'"),
        (["logs", "export", "--sandbox", "--since", "999999d"], "give a shorter age"),
        (["logs", "purge", "--sandbox", "--older-than", "0d"], "would delete every event"),
        (["logs", "purge", "--sandbox", "--older-than", "999999d"], "is too long"),
        (["logs", "export", "--sandbox", "-o", "."], "is a directory"),
        (["logs", "export", "--sandbox", "-o", "missing/out.jsonl"], "does not exist"),
        (["logs", "export", "--sandbox", "-o", "confkit-sandbox.db"], "is the store itself"),
        (["logs", "export", "--sandbox", "-o", "confkit-sandbox.db-wal"], "is the store itself"),
    ],
)
def test_more_bad_input_is_one_line_and_nothing_is_lost(runner: CliRunner, collected: Path, args: list[str],
                                                        needle: str) -> None:  # fmt: skip
    size = collected.stat().st_size
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output and len(result.output.splitlines()) <= 2
    assert collected.stat().st_size == size  # the store is untouched (was: truncated by -o STORE)
    status = json.loads(runner.invoke(app, ["logs", "status", "--sandbox", "--json"]).output)
    assert sum(s["events"] for s in status["streams"]) > 0


@pytest.mark.parametrize("command", [["status"], ["export"], ["purge", "--older-than", "180d"]])
def test_reading_commands_do_not_create_a_store(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo" / "x.db"
    result = runner.invoke(app, ["logs", *command, "--store", str(missing)])
    assert result.exit_code == 2 and "no confkit store at" in result.output
    assert not missing.exists() and not missing.parent.exists()


def test_a_file_that_is_not_a_store_is_named_and_left_alone(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"not a database, just notes\n" * 200)
    result = runner.invoke(app, ["logs", "status", "--store", str(bad)])
    assert result.exit_code == 2 and f"cannot use {bad} as a confkit store" in result.output
    assert bad.read_bytes() == b"not a database, just notes\n" * 200


def test_an_export_to_a_file_replaces_it_only_when_complete(runner: CliRunner, collected: Path,
                                                            tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "events.jsonl"
    out.write_text("previous export\n")
    result = runner.invoke(app, ["logs", "export", "--sandbox", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(line)["provider"] == "zoom" for line in lines)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
