"""Link-header pagination and the repair of Webex's broken next links (no HTTP)."""

from __future__ import annotations

import httpx
import pytest

from confkit.providers.webex.paging import next_link, repair_next_url

BASE = "https://webexapis.com/v1"
SENT = {"meetingType": "meetingSeries", "hostEmail": "ada@d.example", "max": "50", "from": "2026-01-05T12:00:00Z"}


def params(url: str) -> dict[str, str]:
    return dict(httpx.URL(url).params)


def test_next_link_of_a_link_header() -> None:
    link = (
        '<https://webexapis.com/v1/people?max=10&cursor=abc>; rel="next", '
        '<https://webexapis.com/v1/people?max=10>; rel="first"'
    )
    response = httpx.Response(200, headers={"Link": link})
    assert next_link(response) == "https://webexapis.com/v1/people?max=10&cursor=abc"
    assert next_link(httpx.Response(200)) is None
    assert next_link(httpx.Response(200, headers={"Link": '<https://x.example/a>; rel="prev"'})) is None


def test_a_good_link_is_kept() -> None:
    url = "https://webexapis.com/v1/meetings?meetingType=meetingSeries&hostEmail=ada%40d.example&max=50&from=2026-01-05T12%3A00%3A00Z&cursor=X"
    assert params(repair_next_url(url, SENT, BASE)) == {**SENT, "cursor": "X"}


def test_max_null_is_replaced_by_the_original_max() -> None:
    repaired = repair_next_url("https://webexapis.com/v1/meetings?max=null&cursor=X", SENT, BASE)
    assert params(repaired) == {**SENT, "cursor": "X"}


def test_dropped_filters_are_added_back() -> None:
    repaired = repair_next_url("https://webexapis.com/v1/meetings?cursor=X&max=50", SENT, BASE)
    assert params(repaired)["hostEmail"] == "ada@d.example" and params(repaired)["meetingType"] == "meetingSeries"


@pytest.mark.parametrize("null", ["null", "None", "undefined"])
def test_other_null_spellings(null: str) -> None:
    assert params(repair_next_url(f"{BASE}/people?max={null}&cursor=Y", {"max": "100"}, BASE))["max"] == "100"


def test_a_server_value_wins_over_the_original() -> None:
    repaired = repair_next_url(f"{BASE}/people?max=100&cursor=Y", {"max": "1000"}, BASE)
    assert params(repaired)["max"] == "100"  # Webex clamped it; keep what the server says


def test_relative_links_are_resolved() -> None:
    assert repair_next_url("/v1/people?cursor=Z", {}, BASE) == "https://webexapis.com/v1/people?cursor=Z"


def test_the_token_never_leaves_the_configured_host() -> None:
    repaired = repair_next_url("http://evil.example:8080/v1/people?cursor=Z", {}, BASE)
    assert repaired.startswith("https://webexapis.com/v1/people")


def test_us_gov_links_stay_on_us_gov() -> None:
    gov = "https://api-usgov.webex.com/v1"
    repaired = repair_next_url("https://api-usgov.webex.com/v1/people?max=null&cursor=Z", {"max": "5"}, gov)
    assert repaired == "https://api-usgov.webex.com/v1/people?cursor=Z&max=5"


def test_webex_style_cursor_links_are_followed_opaquely() -> None:
    # The real service's links carry undocumented cursor parameters (developer.webex.com/docs/basics).
    link = f"{BASE}/people?displayName=Harold&max=10&before&after=Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hYmM"
    repaired = httpx.URL(repair_next_url(link, {"displayName": "Harold", "max": "10"}, BASE))
    assert repaired.params.multi_items() == [
        ("displayName", "Harold"),
        ("max", "10"),
        ("before", ""),
        ("after", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hYmM"),
    ]


def test_declared_parameter_links_of_the_fake_are_followed_as_they_are() -> None:
    # FakeWebex moves the declared `from` (meetings) or lists the next page by `id` (people).
    sent = {**SENT, "to": "2026-06-01T00:00:00Z"}
    link = (
        f"{BASE}/meetings?meetingType=meetingSeries&hostEmail=ada%40d.example&max=50"
        "&to=2026-06-01T00%3A00%3A00Z&from=2026-02-17T15%3A50%3A01Z"
    )
    assert params(repair_next_url(link, sent, BASE)) == {**sent, "from": "2026-02-17T15:50:01Z"}
    broken = f"{BASE}/meetings?max=null&from=2026-02-17T15%3A50%3A01Z"  # filters dropped: put back, from kept
    assert params(repair_next_url(broken, sent, BASE)) == {**sent, "from": "2026-02-17T15:50:01Z"}
