"""The feedback page in a real Chromium against the live servers.

Screenshots of each state go to the test's temp dir; set ``SCREENSHOTS_DIR=docs/screenshots``
to refresh the ones in the docs.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from feedback.helpers import make_member, record_interview
from feedback.scenarios import T0, Recorded, demo
from interview_coach.auth import web_sessions
from interview_coach.db.models import Interview
from interview_coach.feedback import store
from interview_coach.feedback.material import load
from interview_coach.feedback.offline import compose
from interview_coach.feedback.report import Report
from interview_coach.interviews.enums import Speaker
from interview_coach.resources import Resources
from interview_coach.web.deps import SESSION_COOKIE

pytestmark = pytest.mark.browser


def shoot(page: Any, name: str, tmp_path: Path) -> None:
    directory = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"feedback-{name}.png"), full_page=True)


async def _interview(resources: Resources, recorded: Recorded, title: str) -> tuple[str, str]:
    """A finished interview and a sign-in token for its owner."""
    user = await make_member(resources)
    interview = await record_interview(resources, user, recorded, job_title=title)
    async with resources.sessions() as db:
        token = await web_sessions.open_session(db, user.id, timedelta(hours=1))
    return interview.id, token


async def _claim(resources: Resources, interview_id: str) -> None:
    """A generation in progress, as if another worker had just started it."""
    async with resources.sessions() as db:
        assert await store.claim(db, interview_id, "offline") == 1


async def _complete(resources: Resources, interview_id: str) -> Report:
    """What the offline engine would have stored."""
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id)
        assert interview is not None
        report = compose(await load(db, interview))
        assert await store.complete(db, interview_id, 1, report)
    return report


async def _fail(resources: Resources, interview_id: str) -> None:
    async with resources.sessions() as db:
        assert await store.fail(db, interview_id, 1, "Making your report took too long.")


def open_as_owner(live_server: Any, page: Any, recorded: Recorded, title: str) -> str:
    interview_id, token = live_server.run(_interview(live_server.resources, recorded, title))
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": live_server.web_url}])
    return str(interview_id)


DEMO = demo(with_words=True)
DEMO_TIMING_ONLY = demo(with_words=False)


def report(page: Any, state: str) -> Any:
    return page.locator(f"[data-feedback-report][data-state={state}]")


def test_finished_report_opens(live_server: Any, page: Any, tmp_path: Path) -> None:
    """A stored report opens at once: figures, sections, quotes, charts and transcript."""
    interview_id = open_as_owner(live_server, page, DEMO, "Backend engineer")
    live_server.run(_claim(live_server.resources, interview_id))
    stored = live_server.run(_complete(live_server.resources, interview_id))

    page.goto(f"{live_server.web_url}/interview/{interview_id}/feedback")
    expect(report(page, "ready")).to_be_visible()
    pace = stored.overall.words_per_minute
    expect(page.locator("[data-figure=pace] dd")).to_have_text(f"{pace} words/min")
    expect(page.locator("[data-section=strengths] blockquote").first).to_contain_text(
        "As a result the month-end run went from nine hours to forty minutes"
    )
    expect(page.locator("[data-chart=timeline] svg[role=img]:visible")).to_be_visible()
    expect(page.locator("[data-chart=answers] svg[role=img]:visible")).to_be_visible()
    expect(page.locator("[data-transcript] li")).to_have_count(len(DEMO.lines))
    export = page.locator("[data-action=export]")
    expect(export).to_have_attribute("href", f"/interview/{interview_id}/feedback.md")
    shoot(page, "ready", tmp_path)


def test_timing_only_report_opens(live_server: Any, page: Any, tmp_path: Path) -> None:
    """Without the user's words the page says the report is built from timing."""
    interview_id = open_as_owner(live_server, page, DEMO_TIMING_ONLY, "Backend engineer")
    live_server.run(_claim(live_server.resources, interview_id))
    live_server.run(_complete(live_server.resources, interview_id))

    page.goto(f"{live_server.web_url}/interview/{interview_id}/feedback")
    expect(report(page, "ready")).to_be_visible()
    expect(page.locator("[data-timing-only]")).to_be_visible()
    expect(page.locator("[data-transcript-no-user]")).to_be_visible()
    expect(page.locator("[data-figure=pace]")).to_have_count(0)
    shoot(page, "ready-timing-only", tmp_path)
    page.emulate_media(color_scheme="dark")
    shoot(page, "ready-timing-only-dark", tmp_path)


def test_page_updates_itself_when_the_report_is_ready(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    """Progress first; when the generation finishes the report appears without a reload."""
    interview_id = open_as_owner(live_server, page, DEMO, "Backend engineer")
    live_server.run(_claim(live_server.resources, interview_id))

    page.goto(f"{live_server.web_url}/interview/{interview_id}/feedback")
    expect(report(page, "generating")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    shoot(page, "generating", tmp_path)

    live_server.run(_complete(live_server.resources, interview_id))
    expect(report(page, "ready")).to_be_visible()
    expect(page.locator("[data-feedback-announcer]")).to_have_text("Your feedback report is ready.")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened


def test_failed_report_can_be_retried(live_server: Any, page: Any, tmp_path: Path) -> None:
    """FAILED says so and offers Try again; pressing it (keyboard) leads to the report."""
    interview_id = open_as_owner(live_server, page, DEMO_TIMING_ONLY, "Backend engineer")
    live_server.run(_claim(live_server.resources, interview_id))
    live_server.run(_fail(live_server.resources, interview_id))

    page.goto(f"{live_server.web_url}/interview/{interview_id}/feedback")
    expect(report(page, "failed")).to_be_visible()
    expect(page.locator("[data-report-error]")).to_contain_text("took too long")
    shoot(page, "failed", tmp_path)

    retry = page.locator("[data-action=retry]")
    retry.focus()
    page.keyboard.press("Enter")
    expect(report(page, "ready")).to_be_visible()


async def _history(resources: Resources) -> str:
    """Four finished interviews a few days apart, answers getting longer; a sign-in token."""
    user = await make_member(resources)
    for days_ago, answer_s in ((9, 22), (6, 38), (3, 51), (0, 74)):
        recorded = Recorded(
            lines=[(Speaker.AI, "Tell me about a project you are proud of?", 1_000)],
            segments=[(4_000, 4_000 + answer_s * 1000)],
            length_ms=(answer_s + 20) * 1000,
            started_at=T0 - timedelta(days=days_ago),
        )
        await record_interview(resources, user, recorded, job_title="Backend engineer")
    async with resources.sessions() as db:
        return await web_sessions.open_session(db, user.id, timedelta(hours=1))


def test_dashboard_shows_progress(live_server: Any, page: Any, tmp_path: Path) -> None:
    """The dashboard's trend chart and each interview's headline figure."""
    token = live_server.run(_history(live_server.resources))
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": live_server.web_url}])
    page.goto(live_server.web_url)
    trend = page.locator("[data-history=trend]")
    expect(trend.locator("svg[role=img]:visible circle")).to_have_count(4)
    expect(page.locator("[data-history=trend-text]")).to_contain_text(
        "0:22, 0:38, 0:51, 1:14 (up 0:52)"
    )
    expect(page.locator("[data-history=headline] dd").first).to_have_text("1:14")
    shoot(page, "dashboard-history", tmp_path)
