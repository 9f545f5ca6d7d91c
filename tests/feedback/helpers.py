"""Test doubles and helpers shared by the feedback tests (fixtures live in conftest)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from fastapi import FastAPI
from support import add_member
from support import eventually as shared_eventually

from feedback.scenarios import TIMING_ONLY, Recorded
from interview_coach.db.models import Interview, User
from interview_coach.feedback.engines import FeedbackEngine, OfflineEngine
from interview_coach.feedback.material import Material
from interview_coach.feedback.report import Report
from interview_coach.feedback.runner import FeedbackRunner
from interview_coach.interviews import lifecycle, service, transcripts
from interview_coach.interviews.speech import Segment
from interview_coach.interviews.speech import store as speech_store
from interview_coach.resources import Resources

InterviewFactory = Callable[..., Awaitable[Interview]]


class GatedEngine(OfflineEngine):
    """The offline engine, held until the test opens the gate; counts its runs."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.runs = 0

    async def generate(self, material: Material) -> Report:
        self.runs += 1
        await self.gate.wait()
        return await super().generate(material)


class FailingOnceEngine(OfflineEngine):
    """Raises on its first run (as a flaky model service would), then works."""

    def __init__(self) -> None:
        self.runs = 0

    async def generate(self, material: Material) -> Report:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("model service unavailable")
        return await super().generate(material)


# ---------------------------------------------------------------- web


def use_engine(app: FastAPI, engine: FeedbackEngine) -> None:
    """Make the app's runner (created on the first feedback request) use this engine."""
    app.state.feedback_engine = engine


def runner_of(app: FastAPI) -> FeedbackRunner:
    """The runner a feedback request created for the app."""
    runner: FeedbackRunner = app.state.feedback_runner
    return runner


@dataclass
class Client:
    """A signed-in browser-like client: session cookie and the CSRF double-submit token."""

    http: httpx.AsyncClient
    user: User
    csrf: str

    async def post_form(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        return await self.http.post(path, data={"csrf_token": self.csrf, **(data or {})})


ClientFactory = Callable[[], Awaitable[Client]]


async def make_member(resources: Resources) -> User:
    return await add_member(resources)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    await shared_eventually(check, within)


async def record_interview(
    resources: Resources,
    user: User,
    recorded: Recorded | None = TIMING_ONLY,
    *,
    finished: bool = True,
    job_title: str = "Backend engineer",
) -> Interview:
    """An interview taken through the real lifecycle, with its transcript and segments.

    ``recorded=None`` leaves it PENDING; ``finished=False`` leaves it IN_PROGRESS.
    """
    data = service.NewInterview(job_title=job_title, duration_minutes=10)
    async with resources.sessions() as db:
        interview = await service.create_interview(db, user.id, data)
        if recorded is None:
            return interview
        assert await lifecycle.start(db, interview.id, now=recorded.started_at)
        for sequence, (speaker, text, at) in enumerate(recorded.lines):
            await transcripts.append(
                db, interview.id, transcripts.Line(sequence, speaker, text, at)
            )
        for start, end in recorded.segments:
            await speech_store.record(db, interview.id, Segment(start, end))
        if finished:
            end_at = recorded.started_at + timedelta(milliseconds=recorded.length_ms)
            assert await lifecycle.complete(db, interview.id, recorded.reason, now=end_at)
        return await service.get_owned(db, user.id, interview.id)
