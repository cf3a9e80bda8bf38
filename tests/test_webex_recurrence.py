"""Webex's recurrence rules, enforced before a request is sent: never a silent change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confkit.errors import UnrepresentableError
from confkit.providers.webex.mapping import recurrence_from_webex, recurrence_to_webex
from confkit.recurrence import WEEKDAYS, Frequency, Recurrence

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
START = datetime(2026, 1, 6, 15, tzinfo=UTC)


def to_webex(text: str, start: datetime = START) -> str:
    return recurrence_to_webex(Recurrence.parse(text), start=start, now=NOW)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=10",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20260605T000000Z",
        "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12",
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6",
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=6",
        "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1;COUNT=5",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",  # open-ended: Webex allows it
    ],
)
def test_accepted_rules_pass_unchanged(rule: str) -> None:
    assert to_webex(rule) == Recurrence.parse(rule).rrule


@pytest.mark.parametrize(
    ("rule", "needle"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=10,11,12;COUNT=10", "BYMONTHDAY=10,11,12"),  # Webex would keep only 10
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=1,15;COUNT=4", "BYMONTHDAY=1,15"),
        ("FREQ=MONTHLY;BYDAY=1MO,3MO;COUNT=10", "BYDAY=1MO,3MO"),
        ("FREQ=YEARLY;BYMONTH=1,6;COUNT=4", "BYMONTH=1,6"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,-1;COUNT=4", "BYSETPOS=1,-1"),
    ],
)
def test_multi_valued_lists_are_refused(rule: str, needle: str) -> None:
    with pytest.raises(UnrepresentableError, match=needle):
        to_webex(rule)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=1900",  # 1826 dailies fit in five years
        "FREQ=WEEKLY;COUNT=262",
        "FREQ=MONTHLY;COUNT=61",
        "FREQ=YEARLY;COUNT=6",
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20310201T000000Z",
    ],
)
def test_series_beyond_five_years_is_refused(rule: str) -> None:
    with pytest.raises(UnrepresentableError, match="five years"):
        to_webex(rule)


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILY;COUNT=1825", "FREQ=WEEKLY;COUNT=260", "FREQ=MONTHLY;COUNT=59", "FREQ=YEARLY;COUNT=5"]
)
def test_series_within_five_years_passes(rule: str) -> None:
    assert to_webex(rule)


def test_five_years_count_from_now_not_from_the_start() -> None:
    late_start = NOW + timedelta(days=400)  # the fifth yearly occurrence falls in 2031-02
    with pytest.raises(UnrepresentableError, match="five years"):
        to_webex("FREQ=YEARLY;COUNT=5", start=late_start)


def test_reading_back() -> None:
    assert recurrence_from_webex("FREQ=DAILY;COUNT=10;INTERVAL=1") == Recurrence(freq=Frequency.DAILY, count=10)
    assert recurrence_from_webex(None) is None and recurrence_from_webex("") is None
    assert recurrence_from_webex("not a rule") is None


weekly = st.builds(
    Recurrence,
    freq=st.just(Frequency.WEEKLY),
    interval=st.integers(1, 4),
    by_day=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True).map(tuple),
    count=st.integers(1, 400),
)
monthly = st.builds(
    Recurrence,
    freq=st.just(Frequency.MONTHLY),
    interval=st.integers(1, 3),
    by_month_day=st.lists(st.integers(1, 28), min_size=1, max_size=3, unique=True).map(tuple),
    count=st.integers(1, 80),
)


@settings(max_examples=150, deadline=None)
@given(rule=st.one_of(weekly, monthly))
def test_accepted_rules_round_trip_and_refusals_are_exactly_webexs_rules(rule: Recurrence) -> None:
    horizon = NOW.replace(year=NOW.year + 5)
    last = list(rule.occurrences(START, limit=rule.count or 1))[-1]
    multi = len(rule.by_month_day) > 1
    try:
        text = recurrence_to_webex(rule, start=START, now=NOW)
    except UnrepresentableError:
        assert multi or last > horizon  # refused only for one of Webex's rules
        return
    assert not multi and last <= horizon
    assert recurrence_from_webex(text) == rule  # what Webex stores reads back as the same rule
