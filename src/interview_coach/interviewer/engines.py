"""Which interviewer runs a session: ``INTERVIEW_COACH_INTERVIEWER_ENGINE``."""

from __future__ import annotations

from interview_coach.config import Settings
from interview_coach.errors import ConfigurationError
from interview_coach.interviewer.base import InterviewerFactory
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.fallback import ProviderFactory, fallback_factory
from interview_coach.interviewer.gemini_live import gemini_factory
from interview_coach.interviewer.mock import mock_factory
from interview_coach.interviewer.openai_realtime import openai_realtime_factory
from interview_coach.voice.engines import load_voice_engines

# The speech-to-speech providers, by engine name; each runs wrapped with the offline
# fallback. A provider's module registers here (one line per provider).
PROVIDERS: dict[str, ProviderFactory] = {
    "gemini-live": gemini_factory,
    "openai-realtime": openai_realtime_factory,
}


def interviewer_factory(settings: Settings) -> InterviewerFactory:
    """The configured engine. The offline one loads its models here, once per process, so
    a missing model fails at start-up with the setting to fix, not mid-interview; a
    provider's engine loads them too, so its fallback to the offline one is instant."""
    engine = settings.interviewer_engine
    if engine == "mock":
        return mock_factory(settings)
    offline = offline_factory(settings, load_voice_engines(settings))
    if engine == "offline":
        return offline
    provider = PROVIDERS.get(engine)
    if provider is None:
        raise ConfigurationError(
            f"INTERVIEW_COACH_INTERVIEWER_ENGINE={engine} is not available in this build."
        )
    return fallback_factory(settings, engine, provider(settings), offline)
