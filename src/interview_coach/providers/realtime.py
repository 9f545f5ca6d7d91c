"""The speech-to-speech providers' checks: connect and configure a session as an interview
would (the engine's own code), then close; no audio is spent."""

from __future__ import annotations

from interview_coach.config import Settings
from interview_coach.http_client import mask_key
from interview_coach.interviewer import gemini_live, openai_realtime
from interview_coach.interviewer.base import InterviewContext
from interview_coach.providers.registry import Outcome, provider_check

# The interview a check configures its session for: short, with the default persona.
CHECK_CONTEXT = InterviewContext(
    interview_id="providers-check",
    job_title="Software Engineer",
    persona="",
    job_description="",
    resume="",
    duration_seconds=600.0,
    elapsed_ms=0,
)


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
    session = await openai_realtime.probe(settings, CHECK_CONTEXT)
    return Outcome(True, f"session {session} configured (voice {settings.openai_voice})")


def _gemini_configured(settings: Settings) -> bool:
    return settings.interviewer_engine == "gemini-live"


def _gemini_describe(settings: Settings) -> str:
    where = settings.gemini_base_url or "Google's Gemini API"
    return (
        f"a Live session with {settings.gemini_model} at {where} "
        f"(key {mask_key(settings.gemini_api_key)})"
    )


@provider_check("Gemini Live", configured=_gemini_configured, describe=_gemini_describe)
async def check_gemini_live(settings: Settings) -> Outcome:
    model = await gemini_live.probe(settings, CHECK_CONTEXT)
    return Outcome(True, f"a session with {model} was set up")
