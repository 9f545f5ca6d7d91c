"""Fixtures for the session page tests: a signed-in tab, and a blank page for pure modules."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from session_driver import PASSWORD, Account, LiveServer, SessionPage

from interview_coach.auth import web_sessions
from interview_coach.auth.users import create_user
from interview_coach.web.deps import SESSION_COOKIE
from interview_coach.web.templating import STATIC_DIR


async def _new_account(server: LiveServer) -> Account:
    email = f"candidate-{secrets.token_hex(4)}@example.com"
    async with server.resources.sessions() as db:
        user = await create_user(db, email, PASSWORD, "Sam Candidate")
        cookie = await web_sessions.open_session(db, user.id, timedelta(days=1))
    return Account(user_id=user.id, email=email, cookie=cookie)


@pytest.fixture
def account(live_server: LiveServer) -> Account:
    created: Account = live_server.run(_new_account(live_server))
    return created


@pytest.fixture
def session(live_server: LiveServer, page: Any, account: Account) -> SessionPage:
    """A signed-in tab (cookie set directly; sign-up itself is covered end to end)."""
    page.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": account.cookie, "url": live_server.web_url}]
    )
    return SessionPage(live_server, page, account)


# ---------------------------------------------------------------- pure modules in a page

MODULE_ORIGIN = "http://modules.test"


@pytest.fixture
def module_page(page: Any) -> Iterator[Any]:
    """A blank page whose origin serves the app's static files, for testing pure ES modules
    (state machine, resampler, message decoding) in Chromium without any server."""

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(MODULE_ORIGIN)
        if path.startswith("/static/"):
            file = (STATIC_DIR / path.removeprefix("/static/")).resolve()
            if file.is_relative_to(STATIC_DIR.resolve()) and file.is_file():
                route.fulfill(body=file.read_bytes(), content_type=_content_type(file))
                return
            route.fulfill(status=404, body="not found")
            return
        route.fulfill(body="<!doctype html><title>modules</title>", content_type="text/html")

    page.route(f"{MODULE_ORIGIN}/**", serve)
    page.goto(f"{MODULE_ORIGIN}/")
    yield page


def _content_type(file: Path) -> str:
    return {".js": "text/javascript", ".css": "text/css"}.get(file.suffix, "text/plain")
