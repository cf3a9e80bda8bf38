"""RRULE <-> neutral Recurrence <-> Zoom recurrence object, property-tested."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confkit.errors import UnrepresentableError
from confkit.providers.zoom.mapping import recurrence_from_zoom, recurrence_to_zoom
from confkit.recurrence import WEEKDAYS, Frequency, Recurrence

ends = st.one_of(
    st.builds(lambda n: {"count": n}, st.integers(1, 60)),
    st.builds(
        lambda d: {"until": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=d)},
        st.integers(0, 60 * 24 * 365 * 2),
    ),
)


@st.composite
def zoom_expressible(draw: st.DrawFn) -> Recurrence:
    freq = draw(st.sampled_from([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY]))
    end = draw(ends)
    if freq is Frequency.DAILY:
        return Recurrence(freq=freq, interval=draw(st.integers(1, 90)), **end)
    if freq is Frequency.WEEKLY:
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
        ordered = tuple(sorted(days, key=lambda d: (WEEKDAYS.index(d) + 1) % 7))  # Zoom order: SU first
        return Recurrence(freq=freq, interval=draw(st.integers(1, 12)), by_day=ordered, **end)
    if draw(st.booleans()):
        return Recurrence(freq=freq, interval=draw(st.integers(1, 3)), by_month_day=(draw(st.integers(1, 31)),), **end)
    ordinal = draw(st.sampled_from([-1, 1, 2, 3, 4]))
    return Recurrence(
        freq=freq, interval=draw(st.integers(1, 3)), by_day=(f"{ordinal}{draw(st.sampled_from(WEEKDAYS))}",), **end
    )


@given(zoom_expressible())
def test_zoom_round_trip(rec: Recurrence) -> None:
    assert recurrence_from_zoom(recurrence_to_zoom(rec)) == rec


@given(zoom_expressible())
def test_rrule_text_round_trip(rec: Recurrence) -> None:
    assert Recurrence.parse(rec.rrule) == rec
    assert Recurrence.parse("RRULE:" + rec.rrule) == rec


@given(zoom_expressible())
def test_expansion_is_valid_rfc5545(rec: Recurrence) -> None:
    start = datetime(2025, 12, 31, 14, 0, tzinfo=UTC)
    occurrences = list(rec.occurrences(start, limit=5))
    assert all(o >= start for o in occurrences) and occurrences == sorted(occurrences)
    if rec.count is not None:
        assert len(occurrences) == min(rec.count, 5)
    if rec.until is not None:
        assert all(o <= rec.until for o in occurrences)


def test_zoom_weekly_days_string() -> None:
    rec = Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20251219T235900Z")
    assert recurrence_to_zoom(rec) == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2,4",
        "end_date_time": "2025-12-19T23:59:00Z",
    }


def test_zoom_monthly_last_friday() -> None:
    rec = Recurrence.parse("FREQ=MONTHLY;BYDAY=-1FR;COUNT=6")
    assert recurrence_to_zoom(rec) == {
        "type": 3,
        "repeat_interval": 1,
        "monthly_week": -1,
        "monthly_week_day": 6,
        "end_times": 6,
    }


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("FREQ=YEARLY;COUNT=3", "daily, weekly or monthly"),
        ("FREQ=DAILY;INTERVAL=91;COUNT=3", "maximum is 90"),
        ("FREQ=WEEKLY;INTERVAL=13;BYDAY=MO;COUNT=3", "maximum is 12"),
        ("FREQ=MONTHLY;INTERVAL=4;BYMONTHDAY=1;COUNT=3", "maximum is 3"),
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=61", "at most 60"),
        ("FREQ=WEEKLY;BYDAY=MO", "open-ended"),
        ("FREQ=WEEKLY;COUNT=4", "without BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=4", "one day"),
        ("FREQ=MONTHLY;BYDAY=5MO;COUNT=4", "1st-4th or last"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;COUNT=4", "several BYDAY"),
        ("FREQ=WEEKLY;BYDAY=2MO;COUNT=4", "ordinals only work monthly"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1;COUNT=4", "BYSETPOS"),
        ("FREQ=DAILY;BYDAY=MO;COUNT=4", "daily rule with BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4", "one day 1-31"),
    ],
)
def test_what_zoom_cannot_express_is_refused_clearly(rule: str, why: str) -> None:
    with pytest.raises(UnrepresentableError, match="Zoom cannot express") as info:
        recurrence_to_zoom(Recurrence.parse(rule))
    assert why in str(info.value)


@pytest.mark.parametrize(
    "text",
    ["", "FREQ=HOURLY", "BYDAY=MO", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;COUNT=2;UNTIL=20260101", "FREQ=DAILY;FOO=1"],
)
def test_bad_rrule_text(text: str) -> None:
    with pytest.raises(ValueError):
        Recurrence.parse(text)
