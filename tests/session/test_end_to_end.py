"""One interview from sign-up to feedback with nothing fake but Chromium's microphone: the
real web app, real-time server, mock interviewer and database."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from session_driver import PASSWORD, LiveServer

from interview_coach.config import Settings
from interview_coach.db.models import Interview
from interview_coach.interviews import service
from interview_coach.interviews.enums import EndReason, InterviewStatus, Speaker

pytestmark = [pytest.mark.browser, pytest.mark.all_databases]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The interviewer says its first line at once, then listens long enough for us to End."""
    return settings.model_copy(update={"interviewer_gap_seconds": 120.0})


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Poll a server-side condition (the browser side uses Playwright's own waiting)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_interview_from_sign_up_to_feedback(live_server: LiveServer, page: Any) -> None:
    """Sign up, create, go live, hear the interviewer, stream audio, End, read feedback."""
    if live_server.realtime is None:
        pytest.fail("the real-time server is not importable")
    page.goto(f"{live_server.web_url}/signup")
    page.get_by_label("Name").fill("Sam Candidate")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("[data-action=signup]").click()
    page.locator("[data-action=new-interview]").click()
    page.get_by_label("Job title").fill("Site reliability engineer")
    page.get_by_label("10 minutes").check()
    page.locator("[data-action=create-interview]").click()
    page.wait_for_url("**/interview/*/session")
    interview_id = page.url.split("/interview/")[1].split("/")[0]

    page.get_by_role("button", name="Start interview").click()
    page.locator("[data-page=session][data-phase=live]").wait_for()
    expect(page.locator("[data-connection-text]")).to_have_text("Connected")
    first_line = page.locator("[data-transcript-log] [data-speaker=AI] .utterance-text").first
    expect(first_line).to_contain_text("Site reliability engineer")

    def chunks_counted() -> bool:
        async def count() -> int:
            live = live_server.realtime.sessions.get(interview_id)
            return live.stats.audio_chunks if live is not None else 0

        counted: int = live_server.run(count())
        return counted >= 10

    wait_until(chunks_counted, "the server to count 10 audio chunks")

    page.get_by_role("button", name="End interview").click()
    page.wait_for_url(f"**/interview/{interview_id}/feedback")

    async def stored() -> tuple[Interview, list[Any]]:
        async with live_server.resources.sessions() as db:
            interview = await db.get(Interview, interview_id)
            assert interview is not None
            return interview, await service.transcript(db, interview_id)

    interview, entries = live_server.run(stored())
    assert interview.status is InterviewStatus.COMPLETED
    assert interview.end_reason is EndReason.USER_INITIATED
    assert interview.started_at is not None and interview.ended_at is not None
    assert interview.started_at <= interview.ended_at
    assert entries and entries[0].speaker is Speaker.AI
    assert "Site reliability engineer" in entries[0].text
