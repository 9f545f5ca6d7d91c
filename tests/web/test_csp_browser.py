"""Every page under its Content-Security-Policy in real Chromium: a violation that the
browser reports in the console fails the test. The walk covers each page and state with
scripts: forms with errors, a live interview (its socket is checked against connect-src),
a feedback report swapped in by its script, the dashboard with its chart, the error page."""

from __future__ import annotations

from typing import Any

import pytest
from feedback.helpers import record_interview
from feedback.scenarios import demo
from playwright.sync_api import expect
from sqlalchemy import select

from interview_coach.config import Settings
from interview_coach.db.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The interviewer says its first line at once, then listens long enough for us to End."""
    return settings.model_copy(update={"interviewer_gap_seconds": 120.0})


class PolicyWatch:
    """The CSP violations Chromium reports and the policy each document arrived with."""

    def __init__(self, page: Any) -> None:
        self.violations: list[str] = []
        self.documents: dict[str, str | None] = {}
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"{message.type}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.request.resource_type == "document":
            self.documents[response.url] = response.headers.get("content-security-policy")


def test_every_page_passes_its_content_security_policy(live_server: Any, page: Any) -> None:
    watch = PolicyWatch(page)
    base = live_server.web_url

    page.goto(f"{base}/signup")
    page.locator("[data-action=signup]").click()
    expect(page.locator("[data-error=summary]")).to_be_visible()
    page.get_by_label("Email").fill("csp@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("[data-action=signup]").click()
    page.wait_for_url(f"{base}/")

    page.locator("[data-action=new-interview-empty]").click()
    page.locator("[data-action=create-interview]").click()
    expect(page.locator("[data-error=job_title]")).to_be_visible()
    page.get_by_label("Job title").fill("Site reliability engineer")
    page.locator("[data-action=create-interview]").click()
    page.wait_for_url("**/interview/*/session")
    page.get_by_role("button", name="Start interview").click()
    page.locator("[data-page=session][data-phase=live]").wait_for()
    expect(page.locator("[data-connection-text]")).to_have_text("Connected")
    page.get_by_role("button", name="End interview").click()
    page.wait_for_url("**/feedback")
    page.locator("[data-feedback-report][data-state]").wait_for()

    async def finished_with_report() -> str:
        async with live_server.resources.sessions() as db:
            user = (await db.scalars(select(User).where(User.email == "csp@example.com"))).one()
        interview = await record_interview(live_server.resources, user, demo(with_words=True))
        return interview.id

    interview_id = live_server.run(finished_with_report())
    page.goto(f"{base}/interview/{interview_id}/feedback")
    expect(page.locator("[data-feedback-report][data-state=ready]")).to_be_visible(timeout=20_000)
    page.goto(f"{base}/")
    page.goto(f"{base}/no/such/page")
    page.goto(f"{base}/")
    page.locator("[data-action=signout]").click()
    page.wait_for_url("**/signin")

    assert watch.violations == []
    assert len(watch.documents) >= 7
    missing = [url for url, policy in watch.documents.items() if not policy]
    assert missing == []
    assert all(live_server.realtime_url in policy for policy in watch.documents.values() if policy)
