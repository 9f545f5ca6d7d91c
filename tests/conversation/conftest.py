"""A real server running the offline interviewer with the session's shared voice engines.

These tests talk in real time, so they run on SQLite alone (the database paths they use are
the same as every other real-time test's, which run on both databases).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from interview_coach.config import Settings
from interview_coach.db.migrate import upgrade
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

JOB_DESCRIPTION = (
    "We are hiring a platform engineer to run our Kubernetes clusters in production.\n"
    "- Experience with Terraform and AWS\n"
    "- On-call ownership of incident response\n"
)
RESUME = (
    "Backend engineer at Acme Payments, 2019-2024.\n"
    "Led the billing migration from MySQL to PostgreSQL.\n"
    "Skills: Python, Kubernetes, Terraform.\n"
)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'conversation.db'}"
    upgrade(url)
    return url


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "interviewer_engine": "offline",
            "answer_wait_seconds": 4.0,
            "start_timeout_seconds": 2.0,
        }
    )


ServerFactory = Callable[..., Awaitable[RealtimeServer]]


@pytest.fixture
async def start_spoken_server(
    resources: Resources, voice_engines: VoiceEngines
) -> AsyncIterator[ServerFactory]:
    """Servers on port 0 that share the loaded models; all stopped afterwards."""
    started: list[RealtimeServer] = []

    async def factory(voice: VoiceEngines | None = None, **overrides: Any) -> RealtimeServer:
        res = dataclasses.replace(
            resources, settings=resources.settings.model_copy(update=overrides)
        )
        engines = voice or voice_engines
        server = RealtimeServer(res, interviewer_factory=offline_factory(res.settings, engines))
        await server.start("127.0.0.1", 0)
        started.append(server)
        return server

    yield factory
    for server in started:
        await server.stop()
