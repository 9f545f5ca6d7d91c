"""The dashboard's history: per completed interview its length and headline, and the trend."""

from __future__ import annotations

import re
from datetime import timedelta

from feedback.helpers import ClientFactory, InterviewFactory
from feedback.scenarios import T0, TIMING_ONLY, Recorded

EARLIER = Recorded(segments=[(4_000, 40_000)], started_at=T0 - timedelta(days=1))


def item_html(page: str, interview_id: str) -> str:
    match = re.search(rf'data-interview-id="{interview_id}".*?</li>', page, re.S)
    assert match, f"interview {interview_id} is listed"
    return match.group(0)


async def test_completed_interview_shows_length_and_headline(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Took 5:00, average answer 1:00; an interview not yet done shows neither."""
    client = await new_client()
    done = await make_interview(client.user, TIMING_ONLY)
    pending = await make_interview(client.user, None)
    page = (await client.http.get("/")).text
    done_html = item_html(page, done.id)
    assert '<div data-history="length"><dt>Took</dt><dd>5:00</dd></div>' in done_html
    assert '<div data-history="headline"><dt>Average answer</dt><dd>1:00</dd></div>' in done_html
    assert "data-history" not in item_html(page, pending.id)


async def test_trend_across_interviews(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Oldest first, with the change, as text and as an SVG with a point per interview."""
    client = await new_client()
    await make_interview(client.user, TIMING_ONLY)
    await make_interview(client.user, EARLIER)
    page = (await client.http.get("/")).text
    assert (
        "Average answer length over your last 2 interviews, oldest first: 0:36, 1:00 (up 0:24)."
    ) in page
    trend = page.split('data-history="trend"', 1)[1].split("</section>", 1)[0]
    assert trend.count("<circle") == 2 * 2  # drawn wide and for phones
    assert "<title>01 Mar 2026, 09:30 UTC: average answer 0:36</title>" in trend
    assert "<title>02 Mar 2026, 09:30 UTC: average answer 1:00</title>" in trend


async def test_one_interview_has_no_trend_yet(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """With one completed interview the dashboard says what a trend needs."""
    client = await new_client()
    await make_interview(client.user, TIMING_ONLY)
    page = (await client.http.get("/")).text
    assert "Finish another interview to see how your average answer length changes." in page
    assert "<circle" not in page


async def test_history_is_per_user(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Someone else's interviews never feed your trend."""
    me, other = await new_client(), await new_client()
    await make_interview(me.user, TIMING_ONLY)
    await make_interview(other.user, EARLIER)
    page = (await me.http.get("/")).text
    assert "Finish another interview" in page
    assert "0:36" not in page
