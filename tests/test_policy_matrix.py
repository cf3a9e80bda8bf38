"""The capability matrix: built from the providers' declarations; the docs page is generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from confkit.capabilities import Control, Support
from confkit.cli import app
from confkit.policy.matrix import build_matrix, to_markdown
from confkit.registry import provider_class

DOCS = Path(__file__).resolve().parents[1] / "docs" / "capabilities.md"


def test_cells_come_from_the_declarations() -> None:
    matrix = build_matrix()
    assert "zoom" in matrix.providers
    for cell in matrix.cells:
        declared = provider_class(cell.provider).capabilities.control(cell.control)
        assert cell.support is declared.support
        assert cell.levels == list(declared.levels)
        assert cell.lockable == declared.lockable
        assert cell.vendor_fields == list(declared.vendor_fields)
        assert cell.note == declared.note


def test_json_lists_every_control_for_every_provider() -> None:
    result = CliRunner().invoke(app, ["capabilities", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["controls"] == [c.value for c in Control]
    assert set(data["providers"]) >= {"zoom"}
    for control in Control:
        for provider in data["providers"]:
            cell = data["matrix"][control.value][provider]
            assert cell["support"] in {s.value for s in Support}
            assert isinstance(cell["vendor_fields"], list)
            assert set(cell) == {"support", "levels", "lockable", "vendor_fields", "note"}
            if cell["support"] != "none":
                assert cell["vendor_fields"], f"{provider} {control}: supported but no vendor field named"
    zoom = data["matrix"]["waiting_room"]["zoom"]
    assert zoom["support"] == "native" and zoom["lockable"] is True
    assert "meeting_security.waiting_room" in zoom["vendor_fields"]


def test_only_selected_providers_and_unknown_provider() -> None:
    result = CliRunner().invoke(app, ["capabilities", "-p", "zoom", "--format", "json"])
    assert json.loads(result.output)["providers"] == ["zoom"]
    bad = CliRunner().invoke(app, ["capabilities", "-p", "skype"])
    assert bad.exit_code == 2 and "unknown provider 'skype'" in bad.output


def test_broken_provider_is_skipped(monkeypatch: object) -> None:
    matrix = build_matrix(["zoom", "no-such-provider"])
    assert matrix.providers == ["zoom"]
    assert "no-such-provider" in matrix.skipped


def test_markdown_table_and_details() -> None:
    text = to_markdown(build_matrix(["zoom"]))
    assert text.startswith("# Capability matrix\n")
    assert "| `waiting_room` | native 🔒 |" in text
    assert "`meeting_security.waiting_room`" in text


def test_docs_page_matches_the_declarations() -> None:
    """docs/capabilities.md is generated: `confkit capabilities --format markdown > docs/capabilities.md`."""
    result = CliRunner().invoke(app, ["capabilities", "--format", "markdown"])
    assert result.exit_code == 0
    assert DOCS.read_text(encoding="utf-8") == result.output, (
        "docs/capabilities.md is stale: regenerate it with `confkit capabilities --format markdown > "
        "docs/capabilities.md`"
    )
