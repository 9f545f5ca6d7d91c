"""The feedback page and the dashboard's trend on a phone, 390 px wide, in real Chromium
(issue 11, item 14): nothing cut off, and chart text no smaller than 12 px on screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from feedback.helpers import make_member, record_interview
from feedback.scenarios import T0, Recorded, demo
from feedback.test_browser import _claim, _complete, open_as_owner, report, shoot
from interview_coach.auth import web_sessions
from interview_coach.interviews.enums import Speaker
from interview_coach.resources import Resources
from interview_coach.web.deps import SESSION_COOKIE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Each visible chart text's size on screen: its CSS size times the SVG's scale.
CHART_TEXT_PX = """
() => [...document.querySelectorAll('svg.chart-svg text')]
  .filter((text) => text.getBoundingClientRect().width > 0)
  .map((text) => ({
    text: text.textContent,
    px: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
  }))
"""
# Whether an element's content is wider than its box (cut off or scrolled away).
OVERFLOWS = "(element) => element.scrollWidth > element.clientWidth + 1"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def screenshots(tmp_path: Path) -> Path:
    """Where test_browser.shoot writes (SCREENSHOTS_DIR refreshes the docs)."""
    directory = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def assert_readable_charts(page: Any) -> None:
    sizes = page.evaluate(CHART_TEXT_PX)
    assert sizes, "no chart text on screen"
    small = [size for size in sizes if size["px"] < 11.95]
    assert small == [], small


def test_feedback_on_a_phone_stacks_answers_and_keeps_chart_text_readable(
    live_server: Any, phone: Any, tmp_path: Path
) -> None:
    interview_id = open_as_owner(live_server, phone, demo(with_words=True), "Backend engineer")
    live_server.run(_claim(live_server.resources, interview_id))
    live_server.run(_complete(live_server.resources, interview_id))
    phone.goto(f"{live_server.web_url}/interview/{interview_id}/feedback")
    expect(report(phone, "ready")).to_be_visible()

    assert not phone.evaluate(f"({OVERFLOWS})(document.documentElement)")
    assert not phone.locator(".table-scroll").evaluate(OVERFLOWS)
    first = phone.locator("[data-answers] tr[data-answer='1']")
    expect(first.locator("td[data-label=Question]")).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert_readable_charts(phone)
    # The parts this changes, not the whole (very long) page.
    for part, name in (("[data-answers]", "answers"), (".charts", "charts")):
        phone.locator(part).screenshot(
            path=str(screenshots(tmp_path) / f"feedback-{name}-phone.png")
        )


async def _two_interviews(resources: Resources) -> str:
    user = await make_member(resources)
    for hours_ago, answer_s in ((5, 40), (0, 70)):
        recorded = Recorded(
            lines=[(Speaker.AI, "Tell me about a project you are proud of?", 1_000)],
            segments=[(4_000, 4_000 + answer_s * 1000)],
            length_ms=(answer_s + 20) * 1000,
            started_at=T0 - timedelta(hours=hours_ago),
        )
        await record_interview(resources, user, recorded, job_title="Backend engineer")
    async with resources.sessions() as db:
        return await web_sessions.open_session(db, user.id, timedelta(hours=1))


def test_dashboard_trend_on_a_phone(live_server: Any, phone: Any, tmp_path: Path) -> None:
    """Two interviews on one day: readable axis labels that tell them apart."""
    token = live_server.run(_two_interviews(live_server.resources))
    phone.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": token, "url": live_server.web_url}]
    )
    phone.goto(live_server.web_url)
    ticks = phone.locator("[data-history=trend] svg.chart-svg:visible text.tick")
    expect(ticks).to_have_count(2)
    first, last = ticks.all_text_contents()
    assert first != last
    assert_readable_charts(phone)
    assert not phone.evaluate(f"({OVERFLOWS})(document.documentElement)")
    shoot(phone, "dashboard-phone", tmp_path)
