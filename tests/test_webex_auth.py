"""Webex authentication against FakeWebex: rotation persisted before use, crash safety, expiry warning,
service apps, personal tokens and configuration errors."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from confkit import tokenstore
from confkit.errors import AuthenticationError, ConfigurationError, PermissionDeniedError
from confkit.http import FakeClock
from confkit.http.oauth import HttpxClientAuth
from confkit.providers.webex import WebexProvider
from confkit.providers.webex import auth as webex_auth
from confkit.providers.webex.auth import RotatingTokenAuth
from confkit.providers.zoom import auth as zoom_auth
from confkit.testing.webex import ACCESS_TOKEN_TTL, FakeWebex
from confkit.tokenstore import FileTokenStore

START = datetime(2026, 1, 5, 12, tzinfo=UTC)
ADMIN = "it.admin@district.example"
CLIENT_ID, CLIENT_SECRET = "C-district", "s3cret-value"


class Crash(BaseException):
    """A simulated process crash: nothing after it runs, nothing may swallow it."""


@pytest.fixture
def fake() -> FakeWebex:
    fake = FakeWebex(clock=FakeClock(START))
    fake.add_person(ADMIN, "IT", "Admin", admin=True)
    return fake


@pytest.fixture
def consent(fake: FakeWebex) -> str:
    return fake.authorize_integration(CLIENT_ID, CLIENT_SECRET, ADMIN)


def connect(fake: FakeWebex, store: Path | str, **settings: Any) -> WebexProvider:
    base = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token_store": str(store)}
    return WebexProvider.from_settings(base | settings, client=httpx.Client(transport=fake), clock=fake.clock)


def stored(store: Path) -> dict[str, Any]:
    return json.loads((store / "webex-default.json").read_text())  # type: ignore[no-any-return]


def api_calls(fake: FakeWebex) -> list[httpx.Request]:
    return [r for r in fake.requests if not r.url.path.endswith("/access_token")]


def token_calls(fake: FakeWebex) -> list[httpx.Request]:
    return [r for r in fake.requests if r.url.path.endswith("/access_token")]


def refresh_with(fake: FakeWebex, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token}  # fmt: skip
    return httpx.Client(transport=fake).post("https://webexapis.com/v1/access_token", data=form)


def expire_access(fake: FakeWebex) -> None:
    assert isinstance(fake.clock, FakeClock)
    fake.clock.advance(ACCESS_TOKEN_TTL)


# -- rotation and the store ------------------------------------------------------------------------------


def test_rotated_refresh_token_is_stored_0600_and_survives_a_restart(
    fake: FakeWebex, consent: str, tmp_path: Path
) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        assert webex.get_user(ADMIN).email == ADMIN
    entry = stored(tmp_path)
    assert entry["refresh_token"] != consent and entry["client_id"] == CLIENT_ID
    assert (tmp_path / "webex-default.json").stat().st_mode & 0o777 == 0o600
    # The consent token is spent once its successor has been used.
    assert refresh_with(fake, consent).json()["error"] == "invalid_grant"
    # A restart adopts the stored access token: no new refresh.
    before = len(token_calls(fake))
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        assert webex.get_user(ADMIN).email == ADMIN
    assert len(token_calls(fake)) == before


def test_access_token_is_renewed_before_it_expires(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
        assert isinstance(fake.clock, FakeClock)
        fake.clock.advance(ACCESS_TOKEN_TTL - 200)  # inside the 300 s leeway
        webex.get_user(ADMIN)
    assert len(token_calls(fake)) == 2  # renewed ahead of time ...
    assert [r.url.path for r in api_calls(fake)].count("/v1/people") == 2  # ... so no request was refused


def test_expired_access_token_is_refreshed_once(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
        fake.expire_tokens()
        assert webex.get_user(ADMIN).email == ADMIN
        assert isinstance(webex.auth, RotatingTokenAuth) and webex.auth.refreshes == 2


def test_crash_after_receiving_a_rotated_token_before_saving_it(
    fake: FakeWebex, consent: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
    before = stored(tmp_path)
    expire_access(fake)  # the next run must refresh, and Webex answers with a rotated refresh token
    sent = len(fake.requests)

    def crash(src: Any, dst: Any) -> None:
        raise Crash  # the process dies between writing the new token and installing it

    monkeypatch.setattr(tokenstore.os, "replace", crash)
    with pytest.raises(Crash), connect(fake, tmp_path) as webex:
        webex.get_user(ADMIN)
    monkeypatch.undo()
    # The token endpoint answered, and nothing used the rotated token afterwards.
    assert [r.url.path for r in fake.requests[sent:]] == ["/v1/access_token"]
    assert stored(tmp_path) == before  # the old entry is whole
    # Restart: the stored refresh token was never superseded by a *used* token, so it still works.
    with connect(fake, tmp_path) as webex:
        assert webex.get_user(ADMIN).email == ADMIN
    assert stored(tmp_path)["refresh_token"] != before["refresh_token"]


def test_crash_after_saving_a_rotated_token_before_using_it(
    fake: FakeWebex, consent: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
    old = stored(tmp_path)["refresh_token"]
    expire_access(fake)
    real_save = FileTokenStore.save

    def save_then_crash(self: FileTokenStore, provider: str, tenant: str, entry: Any) -> None:
        real_save(self, provider, tenant, entry)
        raise Crash

    monkeypatch.setattr(FileTokenStore, "save", save_then_crash)
    sent = len(fake.requests)
    with pytest.raises(Crash), connect(fake, tmp_path) as webex:
        webex.get_user(ADMIN)
    monkeypatch.undo()
    assert [r.url.path for r in fake.requests[sent:]] == ["/v1/access_token"]  # saved, never used
    new = stored(tmp_path)["refresh_token"]
    assert new != old
    refreshes = len(token_calls(fake))
    with connect(fake, tmp_path) as webex:  # the restart finds the new pair on disk and uses it
        assert webex.get_user(ADMIN).email == ADMIN
    assert len(token_calls(fake)) == refreshes  # no second refresh
    assert refresh_with(fake, old).json()["error"] == "invalid_grant"  # the old one is spent now
    assert refresh_with(fake, new).status_code == 200


def test_a_newer_consent_in_the_settings_wins_over_the_store(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
    fake.expire_tokens()
    again = fake.authorize_integration(CLIENT_ID, CLIENT_SECRET, ADMIN)  # the admin consented again
    with connect(fake, tmp_path, refresh_token=again) as webex:
        assert webex.get_user(ADMIN).email == ADMIN
    assert stored(tmp_path)["refresh_token"] not in (consent, again)


def test_the_store_alone_is_enough_after_the_first_run(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    with connect(fake, tmp_path, refresh_token=consent) as webex:
        webex.get_user(ADMIN)
    expire_access(fake)
    with connect(fake, tmp_path) as webex:  # refresh_token removed from the config
        assert webex.get_user(ADMIN).email == ADMIN


def test_no_refresh_token_anywhere_is_a_configuration_error(fake: FakeWebex, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="refresh_token"), connect(fake, tmp_path) as webex:
        webex.get_user(ADMIN)


def test_refused_refresh_token_says_to_reauthorize(fake: FakeWebex, tmp_path: Path) -> None:
    fake.authorize_integration(CLIENT_ID, CLIENT_SECRET, ADMIN)
    with pytest.raises(AuthenticationError, match="authorize confkit again") as info:
        connect(fake, tmp_path, refresh_token="revoked-or-mistyped").get_user(ADMIN)
    assert info.value.vendor_code == "invalid_grant" and "revoked-or-mistyped" not in str(info.value)


def test_wrong_client_secret(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError, match="client_secret") as info:
        connect(fake, tmp_path, refresh_token=consent, client_secret="wrong").get_user(ADMIN)
    assert "wrong" not in str(info.value)


def test_concurrent_requests_refresh_once(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    webex = connect(fake, tmp_path, refresh_token=consent)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            webex.get_user(ADMIN)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(token_calls(fake)) == 1


def test_two_processes_share_one_refresh(fake: FakeWebex, consent: str, tmp_path: Path) -> None:
    first, second = connect(fake, tmp_path, refresh_token=consent), connect(fake, tmp_path, refresh_token=consent)
    first.get_user(ADMIN)
    second.get_user(ADMIN)  # finds the fresh entry on disk instead of spending the consent again
    assert len(token_calls(fake)) == 1


# -- expiry warning ----------------------------------------------------------------------------------------


def test_warning_when_the_refresh_token_nears_expiry(
    fake: FakeWebex, consent: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="confkit.webex"):
        webex = connect(fake, tmp_path, refresh_token=consent)
        webex.get_user(ADMIN)
        assert not caplog.records  # 90 days left
        assert isinstance(fake.clock, FakeClock)
        fake.clock.advance(timedelta(days=80).total_seconds())  # access token expired too
        webex.get_user(ADMIN)
        webex.get_user(ADMIN)
    warnings = [r for r in caplog.records if r.name == "confkit.webex" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "expires in 10 days" in text and "re-authorize" in text
    entry = stored(tmp_path)
    assert entry["refresh_token"] not in text and entry["access_token"] not in text and consent not in text
    assert isinstance(webex.auth, RotatingTokenAuth)
    assert webex.auth.refresh_token_expires_at == START + timedelta(days=90)


def test_tokens_never_reach_the_log(
    fake: FakeWebex, consent: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        webex = connect(fake, tmp_path, refresh_token=consent)
        webex.get_user(ADMIN)
        fake.expire_tokens()
        webex.get_user(ADMIN)
    entry = stored(tmp_path)
    for secret in (consent, entry["refresh_token"], entry["access_token"], CLIENT_SECRET):
        assert secret not in caplog.text


# -- service apps and personal tokens ----------------------------------------------------------------------


def test_service_app_mints_then_refreshes(fake: FakeWebex, tmp_path: Path) -> None:
    fake.add_service_app("APP-1", "C-service", "service-secret")
    minting = fake.personal_token(ADMIN)  # an integration token with spark:applications_token
    settings = {"auth": "service_app", "client_id": "C-service", "client_secret": "service-secret",
                "application_id": "APP-1", "target_org_id": fake.org_id, "applications_token": minting}  # fmt: skip
    with connect(fake, tmp_path, **settings) as webex:
        assert webex.get_user(ADMIN).email == ADMIN
        fake.expire_tokens()
        assert webex.get_user(ADMIN).email == ADMIN
    paths = [r.url.path for r in fake.requests]
    assert paths.count("/v1/applications/APP-1/token") == 1 and paths.count("/v1/access_token") == 1
    assert stored(tmp_path)["kind"] == "service_app"


def test_service_app_with_a_wrong_org(fake: FakeWebex, tmp_path: Path) -> None:
    fake.add_service_app("APP-1", "C-service", "service-secret")
    settings = {
        "auth": "service_app",
        "client_id": "C-service",
        "client_secret": "service-secret",
        "application_id": "APP-1",
        "target_org_id": "OTHER",
        "applications_token": fake.personal_token(ADMIN),
    }
    with pytest.raises(PermissionDeniedError, match="not authorized for the target organization"):
        connect(fake, tmp_path, **settings).get_user(ADMIN)  # fmt: skip


def test_personal_access_token(fake: FakeWebex, tmp_path: Path) -> None:
    webex = connect(fake, tmp_path, auth="personal", access_token=fake.personal_token(ADMIN))
    assert webex.get_user(ADMIN).email == ADMIN
    fake.expire_tokens()
    with pytest.raises(AuthenticationError, match="12 hours"):
        webex.get_user(ADMIN)
    assert not (tmp_path / "webex-default.json").exists()


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"auth": "integration", "client_id": None}, "client_id"),
        ({"auth": "personal"}, "access_token"),
        ({"auth": "service_app", "application_id": "A"}, "target_org_id"),
        ({"colour": "blue"}, "unknown setting 'colour'"),
        ({"auth": "magic"}, "auth"),
    ],
)
def test_configuration_errors(fake: FakeWebex, tmp_path: Path, settings: dict[str, Any], needle: str) -> None:
    base: dict[str, Any] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token_store": str(tmp_path)}
    merged = {k: v for k, v in (base | settings).items() if v is not None}
    with pytest.raises(ConfigurationError, match=needle):
        WebexProvider.from_settings(merged, client=httpx.Client(transport=fake))


# -- the authlib <-> httpx client authentication shared with Zoom (confkit.http.oauth) ---------------


@pytest.mark.parametrize(
    ("method", "header", "body"),
    [
        ("client_secret_post", None, b"grant_type=refresh_token&refresh_token=r+1&client_id=C-1&client_secret=s%26t"),
        ("client_secret_basic", "Basic Qy0xOnMmdA==", b"grant_type=refresh_token&refresh_token=r+1"),
    ],
)
def test_client_authentication_is_added_to_the_form_once(method: str, header: str | None, body: bytes) -> None:
    assert webex_auth._TokenClient.client_auth_class is HttpxClientAuth is zoom_auth._TokenClient.client_auth_class
    request = httpx.Request("POST", "https://webexapis.com/v1/access_token", data={"grant_type": "refresh_token",
                                                                                   "refresh_token": "r 1"})  # fmt: skip
    (sent,) = list(HttpxClientAuth("C-1", "s&t", method).auth_flow(request))
    assert sent.content == body and sent.headers["content-length"] == str(len(body))
    assert sent.headers.get("authorization") == header
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
