"""Bad input: one line naming the problem, exit code 2, no traceback, no secret echoed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from confkit.cli import app

SECRET = "s3cr3t-DO-NOT-PRINT-123"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for key in list(__import__("os").environ):
        if key.startswith("CONFKIT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    return CliRunner()


def check_one_line_error(result: object, *needles: str) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    for needle in needles:
        assert needle in output, output
    assert SECRET not in output
    return output


def test_unknown_provider(runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "list", "--provider", "skype"])
    check_one_line_error(result, "unknown provider 'skype'", "zoom")


def test_no_provider_named(runner: CliRunner) -> None:
    check_one_line_error(runner.invoke(app, ["users", "list"]), "--provider")


def test_missing_credentials(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "confkit.toml").write_text(f'[zoom]\naccount_id = "acc"\nclient_id = "cid"\n# {SECRET}\n')
    out = check_one_line_error(
        runner.invoke(app, ["users", "list", "-p", "zoom"]), "client_secret", "CONFKIT_ZOOM_CLIENT_SECRET"
    )
    assert "missing setting" in out


def test_malformed_config_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "confkit.toml").write_text(f'[zoom]\nclient_secret = "{SECRET}"\naccount_id = \n')
    out = check_one_line_error(runner.invoke(app, ["users", "list", "-p", "zoom"]), "confkit.toml", "line 3")
    assert "not valid TOML" in out


def test_config_file_that_does_not_exist(runner: CliRunner) -> None:
    check_one_line_error(
        runner.invoke(app, ["users", "list", "-p", "zoom", "--config", "nope.toml"]), "nope.toml does not exist"
    )


def test_unknown_setting_is_named_value_not_echoed(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "confkit.toml").write_text(
        f'[zoom]\naccount_id = "a"\nclient_id = "c"\nclient_secret = "x"\nclient_secert = "{SECRET}"\n'
    )
    check_one_line_error(runner.invoke(app, ["users", "list", "-p", "zoom"]), "client_secert")


CREATE = [
    "meetings",
    "create",
    "--sandbox",
    "-p",
    "zoom",
    "--host",
    "x@y.example",
    "--topic",
    "t",
    "--start",
    "2030-01-01T10:00:00Z",
]


def test_bad_rrule(runner: CliRunner) -> None:
    check_one_line_error(runner.invoke(app, [*CREATE, "--rrule", "FREQ=SOMETIMES"]), "--rrule")


def test_unrepresentable_recurrence_is_refused_before_sending(runner: CliRunner) -> None:
    result = runner.invoke(app, [*CREATE, "--rrule", "FREQ=YEARLY;COUNT=2"])
    check_one_line_error(result, "Zoom cannot express", "YEARLY")


def test_wrong_credentials_end_to_end(tmp_path: Path) -> None:
    """The real CLI in a subprocess against FakeZoom on a loopback socket: a wrong secret."""
    import os
    import subprocess
    import sys

    from confkit.testing.serve import serve
    from confkit.testing.zoom import FakeZoom

    fake = FakeZoom(client_secret="the-right-secret")
    routes = {"/oauth/": "https://zoom.us", "/v2/": "https://api.zoom.us"}
    with serve(fake, routes) as base:
        (tmp_path / "confkit.toml").write_text(
            f'[zoom]\naccount_id = "fake-account-id"\nclient_id = "fake-client-id"\n'
            f'client_secret_env = "MY_ZOOM_SECRET"\nbase_url = "{base}/v2"\ntoken_url = "{base}/oauth/token"\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")}
        env["MY_ZOOM_SECRET"] = SECRET
        run = subprocess.run(
            [sys.executable, "-m", "confkit", "users", "list", "-p", "zoom"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = run.stdout + run.stderr
        assert run.returncode == 2, output
        assert "Traceback" not in output and SECRET not in output
        assert len([line for line in output.splitlines() if line.strip()]) == 1, output
        assert "rejected the Server-to-Server OAuth credentials" in output and "invalid_client" in output
        # and with the right secret the same command works
        env["MY_ZOOM_SECRET"] = "the-right-secret"
        fake.add_user("ada.adams@staff.example", first_name="Ada", last_name="Adams")
        ok = subprocess.run(
            [sys.executable, "-m", "confkit", "users", "list", "-p", "zoom", "--format", "csv"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ok.returncode == 0, ok.stderr
        assert "ada.adams@staff.example" in ok.stdout
