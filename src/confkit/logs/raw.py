"""Vendor records kept as the JSON text they arrived in, for the pages where decoding them costs most.

A Google Reports page is a thousand activities of about a kilobyte each: decoded, ~6 MB of Python
dicts and lists, which the collector only needed for a few fields (the id's parts, the time, the
event names) and then encoded back to JSON to store. :class:`PageSplitter` reads such a page once
into each record's own JSON text (:data:`RawJSON`, a ``msgspec.Raw`` slice of the page, whitespace
removed) and, in a second pass that skips everything else, a dict of only the fields an index
needs. The record is stored as that text, which is the vendor's record exactly as sent (``raw`` of
the normalized event is it, decoded), and the stream's mapper computes the id and indexed columns
from the partial dict with the same code as from the whole record (tests compare the two).

Measured on the benchmark's Meet pages: about half the CPU of decoding, mapping and encoding each
activity, and far fewer objects to allocate and free per page. Small records (Zoom's, Webex's: a few
hundred bytes) gain nothing from it and keep the plain path.

A page msgspec cannot read this way (not JSON, not UTF-8, a field of an unexpected type) gives
``None``: the caller decodes it the usual way, so nothing depends on the vendor sending exactly the
expected shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import orjson

#: A vendor record as its JSON text (a slice of the page it came in; bytes-like, UTF-8).
RawJSON = msgspec.Raw


def is_raw(value: object) -> bool:
    return value.__class__ is RawJSON


def decoded(value: Any) -> Any:
    """The record itself: ``value`` decoded when it is :data:`RawJSON`, else ``value`` unchanged."""
    if value.__class__ is RawJSON:
        return orjson.loads(memoryview(value))
    return value


def text(value: msgspec.Raw) -> str:
    """The record's JSON text (UTF-8 checked by :meth:`PageSplitter.split`)."""
    return bytes(value).decode("utf-8")


class PageSplitter:
    """Reads a JSON page ``{items_key: [record, ...], field: ..., ...}`` into ``(keys, RawJSON)`` per record.

    ``keys`` is a ``TypedDict`` (``total=False``, values typed ``Any``) naming every field of a record
    the index needs, nested as in the record; ``fields`` are top-level fields wanted besides the items
    (e.g. ``nextPageToken``). Thread-safe (msgspec decoders keep no state between calls).
    """

    def __init__(self, items_key: str, keys: type, fields: Sequence[str] = ()) -> None:
        self.items_key = items_key
        self.fields = tuple(fields)
        raw_page = msgspec.defstruct(
            "RawPage", [("items", list[msgspec.Raw], msgspec.field(default_factory=list, name=items_key))]
        )
        key_page = msgspec.defstruct(
            "KeyPage",
            [("items", list[keys], msgspec.field(default_factory=list, name=items_key)),  # type: ignore[valid-type]
             *((name, Any, None) for name in self.fields)],
        )
        self._raw = msgspec.json.Decoder(raw_page)
        self._keys = msgspec.json.Decoder(key_page)

    def split(self, content: bytes) -> tuple[list[tuple[dict[str, Any], msgspec.Raw]], dict[str, Any]] | None:
        """The page's ``(keys, record text)`` pairs and its wanted ``fields``; ``None`` if it cannot be read
        this way (decode it the usual way instead)."""
        try:
            compact = msgspec.json.format(content, indent=-1)
            if not compact.isascii():
                compact.decode("utf-8")  # stored as text: refuse what is not UTF-8 here, not in the store
            raws: list[msgspec.Raw] = self._raw.decode(compact).items  # type: ignore[attr-defined]
            keyed: Any = self._keys.decode(compact)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, TypeError):
            return None
        items = keyed.items
        if len(items) != len(raws):  # pragma: no cover - both passes read the same array
            return None
        return list(zip(items, raws, strict=True)), {name: getattr(keyed, name) for name in self.fields}


__all__ = ["PageSplitter", "RawJSON", "decoded", "is_raw", "text"]
