"""Feedback fixtures: finished interviews with transcripts and speech segments in the real
database, the real app over ASGI with signed-in clients, and engines for background runs."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from feedback.helpers import (
    Client,
    ClientFactory,
    InterviewFactory,
    make_member,
    record_interview,
)
from feedback.scenarios import TIMING_ONLY, Recorded
from interview_coach.auth import web_sessions
from interview_coach.db.models import Interview, User
from interview_coach.feedback.runner import FeedbackRunner
from interview_coach.resources import Resources
from interview_coach.web.app import create_app
from interview_coach.web.csrf import COOKIE as CSRF_COOKIE
from interview_coach.web.deps import SESSION_COOKIE


@pytest.fixture
def make_interview(resources: Resources) -> InterviewFactory:
    """An interview taken through the real lifecycle (see ``helpers.record_interview``)."""

    async def factory(
        user: User, recorded: Recorded | None = TIMING_ONLY, **kwargs: Any
    ) -> Interview:
        return await record_interview(resources, user, recorded, **kwargs)

    return factory


@pytest.fixture
def app(resources: Resources) -> FastAPI:
    return create_app(resources)


@pytest.fixture
async def new_client(app: FastAPI, resources: Resources) -> AsyncIterator[ClientFactory]:
    """Signed-in clients for new users (sessions opened directly)."""
    opened: list[httpx.AsyncClient] = []

    async def factory() -> Client:
        user = await make_member(resources)
        async with resources.sessions() as db:
            token = await web_sessions.open_session(db, user.id, timedelta(hours=1))
        csrf = secrets.token_urlsafe(16)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            cookies={SESSION_COOKIE: token, CSRF_COOKIE: csrf},
        )
        opened.append(http)
        return Client(http, user, csrf)

    yield factory
    for http in opened:
        await http.aclose()
    runner: FeedbackRunner | None = getattr(app.state, "feedback_runner", None)
    if runner is not None:
        await runner.close()
