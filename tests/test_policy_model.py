"""The policy model and loader: the k12 baseline, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from confkit.capabilities import Control
from confkit.cli import app
from confkit.models import WaitingRoom
from confkit.policy import PolicyError, builtin_names, builtin_policy, load_policy, parse_policy

# -- the built-in baseline ------------------------------------------------------------------------


def test_k12_loads_and_governs_every_control() -> None:
    assert "k12" in builtin_names()
    k12 = builtin_policy("k12")
    assert k12.name == "k12"
    assert [c for c, _ in k12.entries()] == list(Control)
    assert k12.controls.waiting_room is not None and k12.controls.waiting_room.who is WaitingRoom.EVERYONE
    assert k12.controls.join_before_host is not None and not k12.controls.join_before_host.allowed
    assert k12.controls.auto_recording is not None and k12.controls.auto_recording.mode.value == "none"


def test_k12_cites_baseline_ids_or_says_why_not() -> None:
    k12 = builtin_policy("k12")
    for control, entry in k12.entries():
        assert entry.cis_zoom or entry.cisa_gws_meet, control
        if not entry.cis_zoom or not entry.cisa_gws_meet:
            assert entry.refs_note, f"{control}: an empty id list needs a refs_note saying why"
    # ids as published (notes/landscape.md §5): spot checks
    assert builtin_policy().controls.passcode_required.cis_zoom == ["1.1.1.4"]  # type: ignore[union-attr]
    assert builtin_policy().controls.external_participant_warning.cisa_gws_meet == ["GWS.MEET.4.1v1"]  # type: ignore[union-attr]
    assert builtin_policy().controls.auto_recording.cisa_gws_meet == ["GWS.MEET.5.1v1"]  # type: ignore[union-attr]


def test_everything_locked_where_lockable_in_k12() -> None:
    k12 = builtin_policy("k12")
    unlocked = [c for c, e in k12.entries() if not e.lock]
    assert unlocked == [Control.PASSCODE_STRENGTH]  # no platform declares a lock for it


def test_load_by_builtin_name_and_extends(tmp_path: Path) -> None:
    assert load_policy("k12") == builtin_policy("k12")
    path = tmp_path / "lincoln.toml"
    path.write_text(
        'extends = "k12"\nname = "lincoln"\n\n[controls.authenticated_only]\n'
        'allowed_domains = ["Staff.Lincoln.example", "students.lincoln.example"]\n'
    )
    policy = load_policy(path)
    assert policy.name == "lincoln"
    entry = policy.controls.authenticated_only
    assert entry is not None
    assert entry.allowed_domains == ["staff.lincoln.example", "students.lincoln.example"]
    assert entry.required and entry.lock and entry.cis_zoom == ["1.1.1.9"]  # the rest comes from k12
    assert policy.controls.waiting_room == builtin_policy().controls.waiting_room


def test_yaml_policy_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "name: mini\ncontrols:\n  mute_on_entry:\n    required: true\n  waiting_room:\n    who: outsiders\n"
    )
    policy = load_policy(path)
    assert [c for c, _ in policy.entries()] == [Control.WAITING_ROOM, Control.MUTE_ON_ENTRY]


# -- errors: file, line, field ------------------------------------------------------------------------

TOML_BAD_VALUE = """\
name = "lincoln"

[controls.join_before_host]
allowed = false

[controls.waiting_room]
lock = true
who = "somebody"
"""

YAML_BAD_VALUE = """\
name: lincoln
controls:
  mute_on_entry:
    required: true
  passcode_strength:
    require_letter: true
    min_length: 0
"""


@pytest.mark.parametrize(
    ("name", "text", "line", "field", "words"),
    [
        ("bad.toml", TOML_BAD_VALUE, 8, "controls.waiting_room.who", "'everyone', 'outsiders' or 'off'"),
        ("bad.yaml", YAML_BAD_VALUE, 7, "controls.passcode_strength.min_length", "greater than or equal to 1"),
        (
            "typo.toml",
            'name = "x"\n\n[controls.passcode_requird]\nrequired = true\n',
            3,
            "controls.passcode_requird",
            "did you mean 'passcode_required'",
        ),
        (
            "typo.yaml",
            "name: x\ncontrols:\n  waiting_room:\n    whom: everyone\n",
            4,
            "controls.waiting_room.whom",
            "unknown key",
        ),
        ("missing.toml", 'title = "no name"\n[controls.mute_on_entry]\nrequired = true\n', 1, "name", "missing"),
        (
            "domain.yaml",
            "name: x\ncontrols:\n  authenticated_only:\n    allowed_domains:\n      - ok.example\n"
            "      - not a domain\n",
            6,
            "controls.authenticated_only.allowed_domains.1",
            "pattern",
        ),
        (
            "inline.toml",
            'name = "x"\ncontrols.auto_recording = { mode = "always" }\n',
            2,
            "controls.auto_recording.mode",
            "'none', 'local' or 'cloud'",
        ),
    ],
)
def test_validation_errors_name_file_line_field(
    tmp_path: Path, name: str, text: str, line: int, field: str, words: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), line, field)
    assert str(error).startswith(f"{path}:{line}: {field}: ")
    assert words in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("syntax.toml", 'name = "x"\n[controls.waiting_room\nwho = "everyone"\n', 2),
        ("syntax.yaml", "name: x\ncontrols:\n  waiting_room: [a, b\n", 4),
        ("tabs.yaml", "name: x\ncontrols:\n\twaiting_room: {}\n", 3),
    ],
)
def test_syntax_errors_name_file_and_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: invalid ")


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no such policy file"):
        load_policy(tmp_path / "nope.toml")
    (tmp_path / "p.json").write_text("{}")
    with pytest.raises(PolicyError, match=r"use a \.toml, \.yaml or \.yml file"):
        load_policy(tmp_path / "p.json")
    with pytest.raises(PolicyError, match="extends must name a built-in"):
        parse_policy('name = "x"\nextends = "k13"\n', "x.toml", fmt="toml")


def test_cli_bad_policy_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFKIT_STORE", str(tmp_path / "store.db"))
    path = tmp_path / "district.yaml"
    path.write_text(YAML_BAD_VALUE)
    for command in (["audit"], ["enforce"]):
        result = CliRunner().invoke(app, [*command, "--sandbox", "-p", "zoom", "--policy", str(path)])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert f"{path}:7: controls.passcode_strength.min_length" in result.output
        assert "Traceback" not in result.output
