from __future__ import annotations

import pytest

from confkit.errors import PaginationLoopError
from confkit.http.pagination import items, paginate
from confkit.models import Page


def pages_from(cursors: list[str | None]) -> list[Page[int]]:
    return [Page(items=[i], next_cursor=c) for i, c in enumerate(cursors)]


def test_follows_cursors_until_none() -> None:
    book = {
        None: Page(items=[1, 2], next_cursor="a"),
        "a": Page(items=[3], next_cursor="b"),
        "b": Page(items=[4], next_cursor=""),
    }
    calls: list[str | None] = []

    def fetch(cursor: str | None) -> Page[int]:
        calls.append(cursor)
        return book[cursor]

    assert list(items(paginate(fetch, provider="t"))) == [1, 2, 3, 4]
    assert calls == [None, "a", "b"]


def test_stops_on_a_repeated_cursor() -> None:
    book = {
        None: Page(items=[1], next_cursor="a"),
        "a": Page(items=[2], next_cursor="b"),
        "b": Page(items=[3], next_cursor="a"),
    }
    seen: list[int] = []
    with pytest.raises(PaginationLoopError, match="repeated a page cursor"):
        for page in paginate(lambda c: book[c], provider="t"):
            seen += page.items
    assert seen == [1, 2, 3]


def test_stops_when_the_server_returns_the_same_cursor() -> None:
    with pytest.raises(PaginationLoopError):
        list(paginate(lambda c: Page(items=[0], next_cursor="same"), provider="t"))


def test_is_lazy() -> None:
    calls = 0

    def fetch(cursor: str | None) -> Page[int]:
        nonlocal calls
        calls += 1
        return Page(items=[calls], next_cursor=str(calls))

    gen = paginate(fetch, provider="t")
    next(gen)
    assert calls == 1
