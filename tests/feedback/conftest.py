"""Feedback fixtures: finished interviews with transcripts and speech segments in the real
database, the real app over ASGI with signed-in clients, and engines for background runs."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from feedback.helpers import Client, ClientFactory, InterviewFactory, make_member
from feedback.scenarios import TIMING_ONLY, Recorded
from interview_coach.auth import web_sessions
from interview_coach.db.models import Interview, User
from interview_coach.feedback.runner import FeedbackRunner
from interview_coach.interviews import lifecycle, service, transcripts
from interview_coach.interviews.speech import Segment
from interview_coach.interviews.speech import store as speech_store
from interview_coach.resources import Resources
from interview_coach.web.app import create_app
from interview_coach.web.csrf import COOKIE as CSRF_COOKIE
from interview_coach.web.deps import SESSION_COOKIE


@pytest.fixture
def make_interview(resources: Resources) -> InterviewFactory:
    """An interview taken through the real lifecycle, with its transcript and segments.

    ``recorded=None`` leaves it PENDING; ``finished=False`` leaves it IN_PROGRESS.
    """

    async def factory(
        user: User,
        recorded: Recorded | None = TIMING_ONLY,
        *,
        finished: bool = True,
        job_title: str = "Backend engineer",
    ) -> Interview:
        data = service.NewInterview(job_title=job_title, duration_minutes=10)
        async with resources.sessions() as db:
            interview = await service.create_interview(db, user.id, data)
            if recorded is None:
                return interview
            assert await lifecycle.start(db, interview.id, now=recorded.started_at)
            for sequence, (speaker, text, at) in enumerate(recorded.lines):
                await transcripts.append(db, interview.id, sequence, speaker, text, at)
            for start, end in recorded.segments:
                await speech_store.record(db, interview.id, Segment(start, end))
            if finished:
                end_at = recorded.started_at + timedelta(milliseconds=recorded.length_ms)
                assert await lifecycle.complete(db, interview.id, recorded.reason, now=end_at)
            return await service.get_owned(db, user.id, interview.id)

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
