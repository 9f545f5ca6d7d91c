"""Every foundation page state, light and dark: readable contrast, and a screenshot.

Screenshots go to the test's temp dir; set ``SCREENSHOTS_DIR=docs/screenshots`` to refresh
the ones in the docs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_coach.auth.users import create_user
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import EndReason

from .conftest import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser

# WCAG 2.1 AA: 4.5:1 for text, 3:1 for the edges of controls and the focus indicator.
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

CONTRAST_JS = """
() => {
  const parse = (c) => {
    const p = c.match(/[\\d.]+%?/g).map((v, i) =>
      v.endsWith('%') ? parseFloat(v) / 100 * (i < 3 ? 255 : 1) : parseFloat(v));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    const white = {r: 255, g: 255, b: 255, a: 1};
    return layers.reverse().reduce((acc, layer) => over(layer, acc), white);
  };
  const lum = ({r, g, b}) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const classes = (el) => typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes(el);
  const text = [], edges = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const bg = background(el);
    if (own) {
      const fg = over(parse(getComputedStyle(el).color), bg);
      text.push({el: name(el), text: el.textContent.trim().slice(0, 40), ratio: ratio(fg, bg)});
    }
    if (el.matches('input:not([type=hidden]):not([type=radio]), textarea')) {
      const edge = over(parse(getComputedStyle(el).borderTopColor), background(el.parentElement));
      edges.push({el: name(el), ratio: ratio(edge, background(el.parentElement))});
    }
  }
  return {text, edges};
}
"""

FOCUS_JS = """
() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor};
}
"""


@pytest.fixture
def account(live_server: Any) -> str:
    """An account with no interviews yet."""
    email = f"visual-{secrets.token_hex(4)}@example.com"

    async def create() -> None:
        async with live_server.resources.sessions() as session:
            await create_user(session, email, PASSWORD, "Sam Candidate")

    live_server.run(create())
    return email


@pytest.fixture(params=["light", "dark"])
def scheme_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1000, "height": 760}, color_scheme=request.param
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shoot(
    request: pytest.FixtureRequest, tmp_path: Path, scheme_page: Any
) -> Callable[[str], Path]:
    scheme = request.node.callspec.params["scheme_page"]
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)

    def take(name: str) -> Path:
        path = folder / f"{name}-{scheme}.png"
        folder.mkdir(parents=True, exist_ok=True)
        scheme_page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _assert_readable(page: Any) -> None:
    """Every visible text meets 4.5:1 and every field edge 3:1 against what is behind it."""
    found = page.evaluate(CONTRAST_JS)
    assert found["text"], "no text found: the page did not render"
    low_text = [t for t in found["text"] if t["ratio"] < TEXT_CONTRAST]
    low_edges = [e for e in found["edges"] if e["ratio"] < NON_TEXT_CONTRAST]
    assert low_text == [], low_text
    assert low_edges == [], low_edges


def _seed_interviews(live_server: Any, email: str) -> None:
    """One interview in each status, so every badge shows."""

    async def seed() -> None:
        async with live_server.resources.sessions() as session:
            from interview_coach.auth.users import get_by_email

            user = await get_by_email(session, email)
            assert user is not None
            made = []
            for title, persona, minutes in (
                ("Product designer", "a friendly hiring manager", 10),
                ("Site reliability engineer", "a demanding senior engineer", 60),
                ("Data analyst", "a sceptical CTO who asks about scaling", 30),
                ("Backend engineer", "a professional interviewer", 30),
            ):
                data = service.NewInterview(title, persona=persona, duration_minutes=minutes)
                made.append(await service.create_interview(session, user.id, data))
            backend, analyst, sre, _ = made[::-1]
            await lifecycle.start(session, backend.id)
            await lifecycle.complete(session, backend.id, EndReason.USER_INITIATED)
            await lifecycle.start(session, analyst.id)
            await lifecycle.fail(session, sre.id, sre.status)

    live_server.run(seed())


def test_sign_up_with_errors(live_server: Any, scheme_page: Any, shoot: Any) -> None:
    """The sign-up form with field errors is readable in this colour scheme."""
    scheme_page.goto(f"{live_server.web_url}/signup")
    scheme_page.get_by_label("Email").fill("sam@example")
    scheme_page.get_by_label("Password").fill("short")
    scheme_page.locator("[data-action=signup]").click()
    scheme_page.locator("[data-error=password]").wait_for()
    _assert_readable(scheme_page)
    shoot("signup-errors")


def test_sign_in_with_error(live_server: Any, scheme_page: Any, shoot: Any) -> None:
    """The sign-in error and the focus ring are readable in this colour scheme."""
    scheme_page.goto(f"{live_server.web_url}/signin")
    scheme_page.get_by_label("Email").fill("sam@example.com")
    scheme_page.get_by_label("Password").fill("wrong password")
    scheme_page.locator("[data-action=signin]").click()
    scheme_page.locator("[data-error=signin]").wait_for()
    scheme_page.get_by_label("Password").focus()
    scheme_page.keyboard.press("Tab")
    focus = scheme_page.evaluate(FOCUS_JS)
    assert focus["outline"] == "solid" and focus["width"] >= 3
    _assert_readable(scheme_page)
    shoot("signin-error")


def test_dashboard_empty(live_server: Any, account: str, scheme_page: Any, shoot: Any) -> None:
    """The empty dashboard says what to do, readable in this colour scheme."""
    sign_in_page(scheme_page, live_server.web_url, account)
    scheme_page.locator("[data-empty=interviews]").wait_for()
    _assert_readable(scheme_page)
    shoot("dashboard-empty")


def test_dashboard_with_interviews(
    live_server: Any, account: str, scheme_page: Any, shoot: Any
) -> None:
    """Every status badge and date on the dashboard is readable in this colour scheme."""
    _seed_interviews(live_server, account)
    sign_in_page(scheme_page, live_server.web_url, account)
    statuses = scheme_page.locator("[data-interview-id]").evaluate_all(
        "items => items.map(i => i.dataset.status)"
    )
    assert sorted(statuses) == ["COMPLETED", "ERROR", "IN_PROGRESS", "PENDING"]
    _assert_readable(scheme_page)
    shoot("dashboard")


def test_new_interview_with_errors(
    live_server: Any, account: str, scheme_page: Any, shoot: Any
) -> None:
    """The new-interview form with errors is readable in this colour scheme."""
    sign_in_page(scheme_page, live_server.web_url, account, "/interviews/new")
    scheme_page.get_by_label("Job description").fill("We build payment APIs in Python.")
    scheme_page.get_by_label("Describe your own").check()
    scheme_page.locator("[data-action=create-interview]").click()
    scheme_page.locator("[data-error=job_title]").wait_for()
    _assert_readable(scheme_page)
    shoot("new-interview-errors")


def test_narrow_screen_has_no_sideways_scroll(
    live_server: Any, account: str, browser: Any, tmp_path: Path
) -> None:
    """On a 360 px wide phone the pages fit the width."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        _seed_interviews(live_server, account)
        sign_in_page(page, live_server.web_url, account)
        for path in ("/", "/interviews/new"):
            page.goto(f"{live_server.web_url}{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            page.screenshot(path=str(tmp_path / f"narrow{path.replace('/', '-')}.png"))
            assert overflow <= 0, path
    finally:
        context.close()
