"""The shared conformance suite: every provider, against its fake, the same assertions.

A provider joins by adding ``tests/harnesses/<name>.py`` with a ``HARNESS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from confkit.capabilities import Operation
from confkit.errors import NotFoundError, UnsupportedOperationError
from confkit.models import UserStatus
from confkit.provider import Provider
from confkit.sandbox import District
from tests.harnesses import Harness, all_harnesses

HARNESSES = all_harnesses()
pytestmark = pytest.mark.conformance

VERBS: dict[Operation, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
    Operation.LIST_USERS: ("iter_user_pages", (), {}),
    Operation.GET_USER: ("get_user", ("x",), {}),
    Operation.CREATE_USER: ("create_user", (None,), {}),
    Operation.SET_USER_STATUS: ("set_user_status", ("x",), {"active": True}),
    Operation.LIST_MEETINGS: ("iter_meeting_pages", ("x",), {}),
    Operation.GET_MEETING: ("get_meeting", ("x",), {}),
    Operation.CREATE_MEETING: ("create_meeting", ("x", None), {}),
    Operation.UPDATE_MEETING: ("update_meeting", ("x", None), {}),
    Operation.DELETE_MEETING: ("delete_meeting", ("x",), {}),
    Operation.GET_ACCOUNT_SETTINGS: ("get_account_settings", (), {}),
    Operation.UPDATE_ACCOUNT_SETTINGS: ("update_account_settings", ({},), {}),
}


@pytest.fixture(params=HARNESSES, ids=[h.name for h in HARNESSES])
def harness(request: pytest.FixtureRequest) -> Harness:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def env(harness: Harness) -> Iterator[tuple[Any, Provider, District]]:
    fake, provider, district, _ = harness.build()
    with provider:
        yield fake, provider, district


def test_every_verb_is_declared_and_declarations_match_code(harness: Harness) -> None:
    cls = __import__("confkit.registry", fromlist=["provider_class"]).provider_class(harness.name)
    for op, (method, _, _) in VERBS.items():
        declared = cls.capabilities.operations.get(op)
        assert declared is not None, f"{harness.name} does not declare {op}"
        implemented = getattr(cls, method) is not getattr(Provider, method)
        assert declared.supported == implemented, f"{harness.name}.{method}: declared {declared} vs code"
        if not declared.supported:
            assert declared.reason in ("api_limit", "not_built") and declared.note


def test_unsupported_verbs_raise_the_declared_reason(env: tuple[Any, Provider, District]) -> None:
    _, provider, _ = env
    for op, (method, args, kwargs) in VERBS.items():
        declared = provider.capabilities.operation(op)
        if declared.supported:
            continue
        with pytest.raises(UnsupportedOperationError) as info:
            result = getattr(provider, method)(*args, **kwargs)
            if hasattr(result, "__next__"):
                next(result)
        assert info.value.reason == declared.reason and info.value.operation == op.value
        assert provider.display_name in str(info.value)


def test_users_list_over_several_pages(harness: Harness, env: tuple[Any, Provider, District]) -> None:
    _, provider, district = env
    pages = list(provider.iter_user_pages(page_size=harness.user_page_size))
    assert len(pages) >= 2
    emails = {u.email.lower() for p in pages for u in p.items}
    assert {p.email.lower() for p in district.people} <= emails
    user = pages[0].items[0]
    assert user.provider == harness.name and user.raw


def test_get_user(env: tuple[Any, Provider, District]) -> None:
    _, provider, district = env
    teacher = district.teachers[0]
    listed = next(u for u in provider.list_users() if u.email.lower() == teacher.email.lower())
    got = provider.get_user(listed.id or listed.email)
    assert got.email.lower() == teacher.email.lower() and got.id == listed.id
    assert got.status is UserStatus.ACTIVE


def test_meetings_of_a_host(harness: Harness, env: tuple[Any, Provider, District]) -> None:
    _, provider, district = env
    host = harness.host(district)
    topics = {m.topic for m in provider.list_meetings(host)}
    expected = {m.topic for m in district.meetings if m.host_email.lower() == host.lower()}
    assert expected and expected <= topics


def test_meeting_lifecycle(harness: Harness, env: tuple[Any, Provider, District]) -> None:
    _, provider, district = env
    host = harness.host(district)
    data = harness.meeting(district)
    created = provider.create_meeting(host, data)
    assert created.provider == harness.name and created.id and created.topic == data.topic and created.raw
    got = provider.get_meeting(created.id)
    assert got.id == created.id and got.topic == data.topic
    assert got.recurrence == data.recurrence
    for field in ("waiting_room", "join_before_host", "mute_on_entry", "authenticated_only"):
        wanted = getattr(data.security, field)
        if wanted is not None:
            assert getattr(got.security, field) == wanted, field
    updated = provider.update_meeting(created.id, harness.update)
    if harness.update.topic:
        assert updated.topic == harness.update.topic
    if harness.update.security is not None:
        for field, wanted in harness.update.security.model_dump(exclude_none=True).items():
            if field != "passcode":
                assert getattr(updated.security, field) == wanted, field
    provider.delete_meeting(created.id)
    with pytest.raises(NotFoundError):
        provider.get_meeting(created.id)


def test_429_then_success(env: tuple[Any, Provider, District]) -> None:
    fake, provider, _ = env
    next(provider.iter_user_pages())
    before = len(fake.requests)
    fake.rate_limit_next()
    assert next(provider.iter_user_pages()).items
    statuses = len(fake.requests) - before
    assert statuses == 2  # the 429 and the retry


def test_5xx_on_a_read_is_retried(env: tuple[Any, Provider, District]) -> None:
    fake, provider, _ = env
    next(provider.iter_user_pages())
    fake.server_error_next(503)
    assert next(provider.iter_user_pages()).items


def test_expired_token_is_renewed(env: tuple[Any, Provider, District]) -> None:
    fake, provider, _ = env
    next(provider.iter_user_pages())
    fake.expire_tokens()
    assert next(provider.iter_user_pages()).items


def test_account_settings(env: tuple[Any, Provider, District]) -> None:
    _, provider, _ = env
    if not provider.capabilities.operation(Operation.GET_ACCOUNT_SETTINGS).supported:
        pytest.skip("not supported by this provider (declared)")
    settings = provider.get_account_settings()
    assert settings.provider == provider.name and settings.sections
