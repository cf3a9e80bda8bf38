"""``kill -9`` at random points: a real ``confkit logs collect -p google`` process against FakeGoogle on a
loopback socket, killed with SIGKILL again and again, then run to the end. The stored set of events must be
exactly the served set: nothing lost, nothing twice.

The Google provider takes its hosts from the discovery documents (``https://admin.googleapis.com``) and the
key file (``token_uri``, which is also the JWT audience the token endpoint checks), and has no setting for a
root URL. The child process is therefore started through :data:`BOOT`, which gives every ``httpx.Client`` a
transport that sends requests for Google's hosts to the loopback server - everything else (CLI, config from
``CONFKIT_GOOGLE_*`` variables and confkit.toml, the key file, JWT signing, HTTP, the store) is the real thing.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from confkit.providers.google.logs import meet_events, setting_events
from confkit.testing.google import SANDBOX_SERVICE_ACCOUNT, FakeGoogle
from confkit.testing.serve import serve
from tests.killing import kill_at_random_points_then_finish

ADMIN = "it.admin@staff.kill-usd.example"
TENANT = "staff.kill-usd.example"  # customer_id my_customer: the admin's domain
#: Google's hosts the provider calls, and the paths they serve (for the loopback server's routes).
ROUTES = {"/token": "https://oauth2.googleapis.com", "/admin/": "https://admin.googleapis.com"}
BOOT = """
import os, httpx
base = os.environ["KILL_TEST_LOOPBACK"]
hosts = {"oauth2.googleapis.com", "admin.googleapis.com", "www.googleapis.com"}

class Loopback(httpx.HTTPTransport):
    def handle_request(self, request):
        if request.url.host in hosts:
            request.url = httpx.URL(base + request.url.raw_path.decode("ascii"))
        return super().handle_request(request)

class Client(httpx.Client):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("transport", Loopback())
        super().__init__(*args, **kwargs)

httpx.Client = Client
from confkit.cli import main
main()
"""
CLI = [sys.executable, "-c", BOOT, "logs", "collect", "-p", "google", "--no-progress"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def expected_ids(fake: FakeGoogle) -> set[str]:
    ids = {e["id"] for a in fake.log_records("meet") for e in meet_events(a, TENANT)}
    return ids | {e["id"] for a in fake.log_records("admin") for e in setting_events(a, TENANT)}




def test_kill_9_at_random_points_then_rerun(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    fake = FakeGoogle(seed=13, domains=("staff.kill-usd.example",))
    fake.add_user(ADMIN, first_name="IT", last_name="Admin", is_admin=True)
    fake.generate_log_traffic(
        meet=4000, admin=40, start=now - timedelta(days=150), end=now - timedelta(hours=2), domain=TENANT
    )
    fake.add_admin_setting_change(
        "SafetyDomainLockProto users_allowed_to_join",
        actor_email=ADMIN,
        time=now - timedelta(days=3),
        old_value="LOGGED_IN",
        new_value="ALL",
        org_unit="Students",
    )
    expected = expected_ids(fake)
    assert len(expected) == 4041
    db = tmp_path / "logs.db"
    key = tmp_path / "google-sa.json"
    key.write_text(json.dumps(SANDBOX_SERVICE_ACCOUNT), encoding="utf-8")
    config = tmp_path / "confkit.toml"
    config.write_text("[google]\nrate_limits = { reports = 100000, reports_filtered = 100000 }\n", encoding="utf-8")
    with serve(fake, routes=ROUTES) as base:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONFKIT_")},
            "HOME": str(tmp_path),
            "CONFKIT_CONFIG": str(config),
            "CONFKIT_STORE": str(db),
            "CONFKIT_GOOGLE_SERVICE_ACCOUNT_FILE": str(key),
            "CONFKIT_GOOGLE_ADMIN_EMAIL": ADMIN,
            "KILL_TEST_LOOPBACK": base,
        }
        kill_at_random_points_then_finish(CLI, env, tmp_path, db, expected, seed=20260105)
    assert any("/token" in str(r.url) for r in fake.requests)  # the real JWT-bearer exchange, over the socket
