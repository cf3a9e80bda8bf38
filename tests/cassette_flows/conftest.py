"""Shared fixtures of the cassette flows: recording config and where cassettes live.

Recorded from confkit's fakes with ``make record``; replayed offline by ``make test``. With
``CONFKIT_RECORD_LIVE=<provider>`` a flow connects to the real tenant configured in the environment
instead of the fake (see docs/recording.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from confkit.testing.recording import vcr_config as confkit_vcr_config

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


def live(provider: str) -> bool:
    return os.environ.get("CONFKIT_RECORD_LIVE", "") == provider


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return confkit_vcr_config()


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    # tests/cassette_flows/test_<provider>_flows.py -> cassettes/<provider>/
    provider = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").removesuffix("_flows")
    return str(CASSETTES / provider)
