"""Small first-use defects (issue 11, item 17) in real Chromium against the live servers:
forms that check as you type, a title that is never cut silently, times in the reader's
time zone, and a focus ring that does not look like an error."""

from __future__ import annotations

import colorsys
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from interview_coach.auth.users import create_user, get_by_email
from interview_coach.interviews import service

from .conftest import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def email(live_server: Any) -> str:
    address = f"first-{secrets.token_hex(4)}@example.com"

    async def create() -> None:
        async with live_server.resources.sessions() as session:
            await create_user(session, address, PASSWORD, "Sam")

    live_server.run(create())
    return address


@pytest.fixture
def new_york(browser: Any) -> Iterator[Any]:
    """A browser in New York, in January (UTC-5, "EST")."""
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, timezone_id="America/New_York", locale="en-US"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _pending_interview(live_server: Any, address: str) -> str:
    async def create() -> str:
        async with live_server.resources.sessions() as session:
            user = await get_by_email(session, address)
            assert user is not None
            interview = await service.create_interview(
                session, user.id, service.NewInterview("Data analyst")
            )
            return interview.id

    return str(live_server.run(create()))


def test_title_is_counted_and_never_cut(live_server: Any, page: Any, email: str) -> None:
    """210 characters stay in the field; the count says how many are over, live."""
    sign_in_page(page, live_server.web_url, email)
    page.goto(f"{live_server.web_url}/interviews/new")
    title = page.get_by_label("Job title")
    count = page.locator("[data-char-count=job_title]")
    title.fill("x" * 37)
    expect(count).to_have_text("37 of 200 characters")
    title.fill("x" * 210)
    assert len(title.input_value()) == 210
    error = page.locator("[data-error=job_title]")
    expect(error).to_contain_text("10 characters too many: the limit is 200")
    expect(title).to_have_attribute("aria-invalid", "true")
    title.press("End")
    for _ in range(10):
        title.press("Backspace")
    expect(error).to_have_count(0)
    expect(title).not_to_have_attribute("aria-invalid", "true")
    expect(count).to_have_text("200 of 200 characters")


def test_server_error_clears_as_you_type(live_server: Any, page: Any, email: str) -> None:
    """Submit without a title: the error shows; typing one removes it before resubmitting."""
    sign_in_page(page, live_server.web_url, email)
    page.goto(f"{live_server.web_url}/interviews/new")
    page.locator("[data-action=create-interview]").click()
    error = page.locator("[data-error=job_title]")
    expect(error).to_contain_text("Enter the job title")
    page.get_by_label("Job title").type("Data")
    expect(error).to_have_count(0)
    page.get_by_label("Job title").fill("")
    page.get_by_label("Job description").focus()  # leaving it empty says so again
    expect(error).to_contain_text("Enter the job title")


def test_times_are_shown_in_the_readers_time_zone(
    live_server: Any, new_york: Any, email: str
) -> None:
    interview_id = _pending_interview(live_server, email)
    sign_in_page(new_york, live_server.web_url, email)
    created = new_york.locator(f"[data-interview-id='{interview_id}'] time").first
    expect(created).to_have_attribute("data-localised", "")
    text = created.inner_text()
    assert "UTC" not in text
    assert re.search(r"E[SD]T|GMT-[45]", text), text
    assert "UTC" in (created.get_attribute("title") or "")


def test_focus_ring_on_an_empty_field_is_not_the_error_colour(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.web_url}/signin")
    page.get_by_label("Email").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    colours = page.evaluate(
        """() => ({
          ring: getComputedStyle(document.activeElement).outlineColor,
          danger: getComputedStyle(document.documentElement).getPropertyValue('--danger'),
        })"""
    )
    distance = abs(_hue(colours["ring"]) - _hue(colours["danger"])) % 360
    assert min(distance, 360 - distance) > 45, colours


def _hue(css: str) -> float:
    """Hue in degrees of "rgb(r, g, b)" or "#rrggbb"."""
    css = css.strip()
    if css.startswith("#"):
        r, g, b = (int(css[i : i + 2], 16) for i in (1, 3, 5))
    else:
        r, g, b = (int(part) for part in re.findall(r"\d+", css)[:3])
    return colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)[0] * 360
