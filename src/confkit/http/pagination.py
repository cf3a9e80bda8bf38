"""One pagination helper for every provider (cursor, page token or Link header alike)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from confkit.errors import PaginationLoopError
from confkit.models import Page

T = TypeVar("T")


def paginate(
    fetch: Callable[[str | None], Page[T]], *, provider: str, max_pages: int | None = None
) -> Iterator[Page[T]]:
    """Yield pages from ``fetch(cursor)``, starting with ``cursor=None``, until no cursor is returned.

    Pages are yielded one at a time and never accumulated. A cursor the server has already returned
    raises :class:`PaginationLoopError` instead of looping forever.
    """
    seen: set[str] = set()
    cursor: str | None = None
    pages = 0
    while True:
        page = fetch(cursor)
        pages += 1
        yield page
        nxt = page.next_cursor or None
        if nxt is None or (max_pages is not None and pages >= max_pages):
            return
        if nxt in seen or nxt == cursor:
            raise PaginationLoopError(
                f"the server repeated a page cursor after {pages} pages; stopping instead of looping",
                provider=provider,
            )
        seen.add(nxt)
        cursor = nxt


def items(pages: Iterator[Page[T]]) -> Iterator[T]:
    for page in pages:
        yield from page.items
