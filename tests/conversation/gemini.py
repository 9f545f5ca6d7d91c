"""The Gemini Live set-up the tests share: the fake's script with real espeak-ng speech, the
fake on wss with a certificate made now, and a real server running the Gemini engine
(wrapped with the offline fallback, as ``interviewer.engines`` builds it)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

from fakes.gemini_live import FakeGeminiLive, Script, self_signed
from pydantic import SecretStr

from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.fallback import fallback_factory
from interview_coach.interviewer.gemini_live import gemini_factory
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines
from interview_coach.voice.espeak_tts import EspeakTextToSpeech

KEY = "AIzaFAKE-test-key-0123456789abcdef"
LINES = [
    "Hello and thank you for joining. Could you tell me about your background?",
    "Thank you. Tell me about a project you are proud of.",
    "Great. What would you do in your first month here?",
    "Thank you, that is all from me today.",
]
ANSWERS = [
    "I build payment systems in Python.",
    "I led the billing migration to PostgreSQL.",
    "I would meet the team and learn the systems.",
]


@cache
def speech(text: str, rate: int) -> bytes:
    return EspeakTextToSpeech().synthesize(text, rate)


def script(**faults: Any) -> Script:
    lines = faults.pop("lines", LINES)
    return Script(
        lines=lines,
        speech={line: speech(line, 24_000) for line in lines},
        answers=faults.pop("answers", ANSWERS),
        api_key=KEY,
        **faults,
    )


@asynccontextmanager
async def gemini_server(
    resources: Resources,
    voice: VoiceEngines,
    folder: Path,
    fake_script: Script,
    **overrides: Any,
) -> AsyncIterator[tuple[RealtimeServer, FakeGeminiLive]]:
    """The fake Gemini Live and a real-time server whose interviewer talks to it."""
    cert, key = self_signed(folder)
    fake = FakeGeminiLive(fake_script, cert, key)
    async with fake.running():
        settings = resources.settings.model_copy(
            update={
                "interviewer_engine": "gemini-live",
                "gemini_api_key": SecretStr(KEY),
                "gemini_base_url": fake.base_url,
                "provider_ca_file": cert,
                "provider_connect_timeout_seconds": 2.0,
                **overrides,
            }
        )
        res = dataclasses.replace(resources, settings=settings)
        factory = fallback_factory(
            settings, "gemini-live", gemini_factory(settings), offline_factory(settings, voice)
        )
        server = RealtimeServer(res, interviewer_factory=factory)
        await server.start("127.0.0.1", 0)
        try:
            yield server, fake
        finally:
            await server.stop()
