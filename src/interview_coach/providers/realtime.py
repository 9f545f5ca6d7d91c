"""The speech-to-speech providers' checks: connect and configure a session as an interview
would (the engine's own code), then close; no audio is spent."""

from __future__ import annotations

from interview_coach.config import Settings
from interview_coach.http_client import mask_key
from interview_coach.interviewer import openai_realtime
from interview_coach.providers.registry import Outcome, provider_check


def _openai_configured(settings: Settings) -> bool:
    return settings.interviewer_engine == "openai-realtime"


def _openai_describe(settings: Settings) -> str:
    where = settings.openai_base_url or openai_realtime.DEFAULT_BASE_URL
    return (
        f"a Realtime session with {settings.openai_realtime_model} at {where} "
        f"(key {mask_key(settings.openai_api_key)})"
    )


@provider_check("OpenAI Realtime", configured=_openai_configured, describe=_openai_describe)
async def check_openai_realtime(settings: Settings) -> Outcome:
    session = await openai_realtime.probe(settings)
    return Outcome(True, f"session {session} configured (voice {settings.openai_voice})")
