"""Test doubles and helpers shared by the feedback tests (fixtures live in conftest)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from interview_coach.db.models import Interview, User
from interview_coach.feedback.engines import OfflineEngine
from interview_coach.feedback.material import Material
from interview_coach.feedback.report import Report
from interview_coach.feedback.runner import FeedbackRunner
from interview_coach.resources import Resources

InterviewFactory = Callable[..., Awaitable[Interview]]


class GatedEngine:
    """The offline engine, held until the test opens the gate; counts its runs."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.runs = 0
        self._inner = OfflineEngine()

    @property
    def name(self) -> str:
        return "offline"

    async def generate(self, material: Material) -> Report:
        self.runs += 1
        await self.gate.wait()
        return await self._inner.generate(material)


class FailingOnceEngine:
    """Raises on its first run (as a flaky model service would), then works."""

    def __init__(self) -> None:
        self.runs = 0
        self._inner = OfflineEngine()

    @property
    def name(self) -> str:
        return "offline"

    async def generate(self, material: Material) -> Report:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("model service unavailable")
        return await self._inner.generate(material)


# ---------------------------------------------------------------- web


def use_engine(app: FastAPI, resources: Resources, engine: object) -> FeedbackRunner:
    """Give the app a runner with this engine (what ``app.state.feedback_engine`` selects)."""
    runner = FeedbackRunner(resources.sessions, engine)  # type: ignore[arg-type]
    app.state.feedback_runner = runner
    return runner


def runner_of(app: FastAPI) -> FeedbackRunner:
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
    """A user row without a password: these tests never sign in with one (hashing is slow)."""
    async with resources.sessions() as db:
        user = User(email=f"{secrets.token_hex(6)}@example.com", password_hash="-")
        db.add(user)
        await db.commit()
        return user


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Wait for an effect that has no event to wait on (a row appearing in the database)."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)
