"""Recurrence: RFC 5545 RRULE semantics as confkit's interchange form.

:class:`Recurrence` is a structured view of one RRULE (the subset that conferencing platforms use:
FREQ, INTERVAL, BYDAY with optional ordinals, BYMONTHDAY, BYMONTH, BYSETPOS, COUNT, UNTIL).
``Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10")`` and ``rec.rrule`` convert both ways; every
rule is also validated by python-dateutil's RFC 5545 parser, which is used for expansion too
(:meth:`Recurrence.occurrences`). Each provider maps this model to its own form and raises
:class:`~confkit.errors.UnrepresentableError` for what it cannot express.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from typing import Any

from dateutil.rrule import rrulestr
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_SUPPORTED_KEYS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST"}


class Frequency(StrEnum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


class Recurrence(BaseModel):
    """One RFC 5545 recurrence rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    freq: Frequency
    interval: int = Field(default=1, ge=1)
    by_day: tuple[str, ...] = Field(default=(), description='Weekdays, optionally with ordinal: "MO", "-1FR".')
    by_month_day: tuple[int, ...] = ()
    by_month: tuple[int, ...] = ()
    by_set_pos: tuple[int, ...] = ()
    count: int | None = Field(default=None, ge=1)
    until: AwareDatetime | None = None

    @field_validator("by_day")
    @classmethod
    def _check_by_day(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            m = _BYDAY.match(item)
            if not m:
                raise ValueError(f"BYDAY value {item!r} is not a weekday like MO or -1FR")
            if m.group(1) and not (1 <= abs(int(m.group(1))) <= 53):
                raise ValueError(f"BYDAY ordinal in {item!r} must be 1..53 or -53..-1")
        return value

    @field_validator("by_month_day")
    @classmethod
    def _check_month_day(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for d in value:
            if d == 0 or not -31 <= d <= 31:
                raise ValueError(f"BYMONTHDAY {d} must be 1..31 or -31..-1")
        return value

    @field_validator("by_month")
    @classmethod
    def _check_month(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for m in value:
            if not 1 <= m <= 12:
                raise ValueError(f"BYMONTH {m} must be 1..12")
        return value

    @field_validator("until")
    @classmethod
    def _until_utc(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    @model_validator(mode="after")
    def _count_xor_until(self) -> Recurrence:
        if self.count is not None and self.until is not None:
            raise ValueError("COUNT and UNTIL cannot both be set (RFC 5545)")
        return self

    # -- RRULE text --------------------------------------------------------------------------------

    @property
    def rrule(self) -> str:
        """The rule as RRULE text without the ``RRULE:`` prefix, in a stable key order."""
        parts = [f"FREQ={self.freq.value}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.by_day:
            parts.append("BYDAY=" + ",".join(self.by_day))
        if self.by_month_day:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in self.by_month_day))
        if self.by_month:
            parts.append("BYMONTH=" + ",".join(str(m) for m in self.by_month))
        if self.by_set_pos:
            parts.append("BYSETPOS=" + ",".join(str(p) for p in self.by_set_pos))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append("UNTIL=" + self.until.strftime("%Y%m%dT%H%M%SZ"))
        return ";".join(parts)

    def __str__(self) -> str:
        return self.rrule

    @classmethod
    def parse(cls, text: str) -> Recurrence:
        """Parse RRULE text (with or without the ``RRULE:`` prefix).

        Raises ``ValueError`` naming the part that is wrong.
        """
        body = text.strip()
        if body.upper().startswith("RRULE:"):
            body = body[6:]
        if not body:
            raise ValueError("empty RRULE")
        # dateutil is the RFC 5545 authority: if it refuses the rule, so do we.
        try:
            rrulestr(body, dtstart=datetime(2000, 1, 1, tzinfo=UTC))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a valid RRULE: {body!r} ({exc})") from None
        fields: dict[str, str] = {}
        for part in body.split(";"):
            if not part:
                continue
            key, sep, value = part.partition("=")
            key = key.strip().upper()
            if not sep or not value:
                raise ValueError(f"RRULE part {part!r} is not KEY=VALUE")
            if key not in _SUPPORTED_KEYS:
                raise ValueError(f"RRULE part {key} is not supported by confkit's recurrence model")
            fields[key] = value.strip().upper()
        if "FREQ" not in fields:
            raise ValueError("RRULE has no FREQ")
        data: dict[str, Any] = {"freq": fields["FREQ"]}
        if "INTERVAL" in fields:
            data["interval"] = int(fields["INTERVAL"])
        if "BYDAY" in fields:
            data["by_day"] = tuple(fields["BYDAY"].split(","))
        if "BYMONTHDAY" in fields:
            data["by_month_day"] = tuple(int(v) for v in fields["BYMONTHDAY"].split(","))
        if "BYMONTH" in fields:
            data["by_month"] = tuple(int(v) for v in fields["BYMONTH"].split(","))
        if "BYSETPOS" in fields:
            data["by_set_pos"] = tuple(int(v) for v in fields["BYSETPOS"].split(","))
        if "COUNT" in fields:
            data["count"] = int(fields["COUNT"])
        if "UNTIL" in fields:
            data["until"] = _parse_until(fields["UNTIL"])
        return cls(**data)

    def occurrences(self, start: datetime, limit: int = 1000) -> Iterator[datetime]:
        """Expand the rule from ``start`` (the first occurrence, as DTSTART), at most ``limit`` times."""
        rule = rrulestr(self.rrule, dtstart=start.astimezone(UTC) if self.until is not None else start)
        return islice(iter(rule), limit)


def _parse_until(value: str) -> datetime:
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC)
    raise ValueError(f"UNTIL {value!r} is not YYYYMMDD or YYYYMMDDTHHMMSSZ")


def split_by_day(item: str) -> tuple[int | None, str]:
    """``"-1FR"`` -> ``(-1, "FR")``; ``"MO"`` -> ``(None, "MO")``."""
    m = _BYDAY.match(item)
    if not m:
        raise ValueError(f"BYDAY value {item!r} is not a weekday")
    return (int(m.group(1)) if m.group(1) else None, m.group(2))


__all__ = ["WEEKDAYS", "Frequency", "Recurrence", "split_by_day"]
