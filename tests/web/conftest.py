"""HTTP fixtures: the real FastAPI app over ASGI, a browser-like client, signed-in users."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from interview_coach.db.models import Interview, User
from interview_coach.interviews import service
from interview_coach.resources import Resources
from interview_coach.web.app import create_app

PASSWORD = "a web test password"
UserFactory = Callable[..., Awaitable[User]]
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Browser:
    """An httpx client that behaves like one browser: cookies, and the page's CSRF token."""

    http: httpx.AsyncClient
    user: User | None = None

    async def csrf_token(self) -> str:
        """The token a page would embed (fetching a page first sets the cookie)."""
        page = await self.http.get("/signin", follow_redirects=True)
        match = META_CSRF.search(page.text)
        assert match, "every page carries <meta name=csrf-token>"
        return match.group(1)

    async def post_form(self, path: str, data: dict[str, str]) -> httpx.Response:
        """Submit a form the way the page does, with its hidden csrf_token."""
        return await self.http.post(path, data={"csrf_token": await self.csrf_token(), **data})

    async def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return await self.post_form("/signin", {"email": email, "password": password})


BrowserFactory = Callable[..., Awaitable[Browser]]


def sign_in_page(page: Any, base: str, email: str, target: str = "/") -> None:
    """Sign in through the form in a real browser page and wait to land on ``target``."""
    page.goto(f"{base}/signin?next={target}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("[data-action=signin]").click()
    page.wait_for_url(f"{base}{target}")


@pytest.fixture
def app(resources: Resources) -> FastAPI:
    return create_app(resources)


@pytest.fixture
def make_account(make_user: UserFactory) -> UserFactory:
    """An account whose password is ``PASSWORD``."""

    async def factory(email: str | None = None) -> User:
        return await make_user(email, password=PASSWORD)

    return factory


@pytest.fixture
async def new_browser(app: FastAPI, make_account: UserFactory) -> AsyncIterator[BrowserFactory]:
    """Make browsers: anonymous, or signed in as a new user (``signed_in=True``)."""
    clients: list[httpx.AsyncClient] = []

    async def factory(*, signed_in: bool = False, scheme: str = "http") -> Browser:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://testserver"
        )
        clients.append(http)
        browser = Browser(http)
        if signed_in:
            browser.user = await make_account()
            response = await browser.sign_in(browser.user.email)
            assert response.status_code == 303, response.text
        return browser

    yield factory
    for http in clients:
        await http.aclose()


@pytest.fixture
async def anonymous(new_browser: BrowserFactory) -> Browser:
    return await new_browser()


@pytest.fixture
async def alice(new_browser: BrowserFactory) -> Browser:
    return await new_browser(signed_in=True)


@pytest.fixture
async def bob(new_browser: BrowserFactory) -> Browser:
    return await new_browser(signed_in=True)


InterviewFactory = Callable[..., Awaitable[Interview]]


@pytest.fixture
def make_interview(resources: Resources) -> InterviewFactory:
    async def factory(user: User, job_title: str = "Backend engineer") -> Interview:
        async with resources.sessions() as session:
            return await service.create_interview(
                session, user.id, service.NewInterview(job_title=job_title)
            )

    return factory
