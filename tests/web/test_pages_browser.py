"""The foundation pages driven in real Chromium against the live servers."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from sqlalchemy import func, select

from interview_coach.auth.users import create_user
from interview_coach.db.models import Interview

from .conftest import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser


def _email() -> str:
    return f"person-{secrets.token_hex(4)}@example.com"


def _make_account(live_server: Any, email: str) -> None:
    async def create() -> None:
        async with live_server.resources.sessions() as session:
            await create_user(session, email, PASSWORD, "Sam")

    live_server.run(create())


def _interview_count(live_server: Any) -> int:
    async def count() -> int:
        async with live_server.resources.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Interview)) or 0)

    return live_server.run(count())


def test_sign_up_create_interview_and_see_it_listed(live_server: Any, page: Any) -> None:
    """Sign up → empty dashboard → create an interview → its session page → listed."""
    page.goto(f"{live_server.web_url}/signup")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Email").fill(_email())
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("[data-action=signup]").click()

    page.locator("[data-empty=interviews]").wait_for()
    assert page.url == f"{live_server.web_url}/"
    page.locator("[data-action=new-interview]").click()

    page.get_by_label("Job title").fill("Data analyst")
    page.get_by_label("A friendly hiring manager").check()
    page.get_by_label("10 minutes").check()
    page.locator("[data-action=create-interview]").click()

    page.wait_for_url(re.compile(r"/interview/[A-Za-z0-9_-]{22}/session$"))
    interview_id = page.url.split("/")[-2]
    page.goto(f"{live_server.web_url}/")
    item = page.locator(f"[data-interview-id='{interview_id}']")
    assert item.get_attribute("data-status") == "PENDING"
    assert "Data analyst" in item.inner_text()
    assert item.locator("[data-link=interview]").get_attribute("href") == (
        f"/interview/{interview_id}/session"
    )


def test_keyboard_only_sign_in(live_server: Any, page: Any) -> None:
    """Tab and Enter alone sign in, and the focused button shows a visible focus ring."""
    email = _email()
    _make_account(live_server, email)
    page.goto(f"{live_server.web_url}/signin")
    assert page.evaluate("document.activeElement.id") == "email"  # autofocus
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
          const el = document.activeElement, style = getComputedStyle(el);
          return {action: el.dataset.action, outline: style.outlineStyle,
                  width: parseFloat(style.outlineWidth)};
        }"""
    )
    assert focused["action"] == "signin"
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    page.locator("[data-empty=interviews]").wait_for()
    assert page.locator("[data-user-email]").inner_text() == "Sam"


def test_skip_link_is_the_first_tab_stop(live_server: Any, page: Any) -> None:
    """The first Tab on a page without autofocus reaches "Skip to content", shown on focus."""
    email = _email()
    _make_account(live_server, email)
    page.goto(f"{live_server.web_url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.locator("[data-empty=interviews]").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0


def test_double_click_on_create_makes_one_interview(live_server: Any, page: Any) -> None:
    """A double click on "Create interview" submits once and makes one interview."""
    email = _email()
    _make_account(live_server, email)
    sign_in_page(page, live_server.web_url, email, "/interviews/new")
    page.get_by_label("Job title").fill("Designer")
    page.locator("[data-action=create-interview]").dblclick()
    page.wait_for_url(re.compile(r"/interview/[A-Za-z0-9_-]{22}/session$"))
    assert _interview_count(live_server) == 1


def test_invalid_form_keeps_input_and_marks_the_field(live_server: Any, page: Any) -> None:
    """Without a job title the form keeps the pasted text and puts focus on the title."""
    email = _email()
    _make_account(live_server, email)
    sign_in_page(page, live_server.web_url, email, "/interviews/new")
    page.get_by_label("Your resume").fill("Ten years of Python.")
    page.locator("#persona_custom").fill("a sceptical CTO")
    page.locator("[data-action=create-interview]").click()
    page.locator("[data-error=job_title]").wait_for()
    assert page.get_by_label("Job title").get_attribute("aria-invalid") == "true"
    # Focus lands on what to fix.
    page.wait_for_function("() => document.activeElement.id === 'job_title'")
    assert page.get_by_label("Your resume").input_value() == "Ten years of Python."
    assert page.locator("#persona_custom").input_value() == "a sceptical CTO"
    assert page.get_by_label("Describe your own").is_checked()  # typing picked it
    assert _interview_count(live_server) == 0
