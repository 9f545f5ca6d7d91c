"""The new refusals as a person meets them in Chromium, readable at desktop and phone widths.

Screenshots go to the test's temp dir; set ``SCREENSHOTS_DIR=docs/screenshots`` to refresh
the ones in the docs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from interview_coach.config import Settings

from .conftest import PASSWORD
from .test_visual_browser import _assert_readable

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One sign-up per address, so the second shows the limit."""
    return settings.model_copy(update={"signup_max_per_address": 1})


@pytest.fixture(params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 800})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shoot(request: pytest.FixtureRequest, tmp_path: Path, sized_page: Any) -> Callable[[str], None]:
    width = request.node.callspec.params["sized_page"]
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)

    def take(name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        sized_page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)

    return take


def _sign_up(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("[data-action=signup]").click()


def test_weak_password_then_the_sign_up_limit(
    live_server: Any, sized_page: Any, shoot: Callable[[str], None]
) -> None:
    """A common password says why it is refused; past the sign-up limit the form says when
    to come back and keeps what was typed."""
    base = live_server.web_url
    _sign_up(sized_page, base, "sam@example.com", "password123")
    error = sized_page.locator("[data-error=password]")
    expect(error).to_contain_text("one of the most common passwords")
    _assert_readable(sized_page)
    shoot("signup-weak-password")

    sized_page.get_by_label("Password").fill(PASSWORD)
    sized_page.locator("[data-action=signup]").click()
    sized_page.wait_for_url(f"{base}/")
    sized_page.locator("[data-action=signout]").click()
    sized_page.wait_for_url("**/signin")

    _sign_up(sized_page, base, "second@example.com", PASSWORD)
    alert = sized_page.locator("[data-error=form]")
    expect(alert).to_contain_text("Too many new accounts from your network. Wait 60 minutes")
    expect(sized_page.get_by_label("Email")).to_have_value("second@example.com")
    _assert_readable(sized_page)
    shoot("signup-limit")


def test_empty_sign_in_says_what_is_missing(
    live_server: Any, sized_page: Any, shoot: Callable[[str], None]
) -> None:
    sized_page.goto(f"{live_server.web_url}/signin")
    sized_page.get_by_label("Email").fill("sam@example.com")
    sized_page.locator("[data-action=signin]").click()
    expect(sized_page.locator("[data-error=signin]")).to_have_text(
        "Enter both your email and your password."
    )
    _assert_readable(sized_page)
    shoot("signin-missing")
