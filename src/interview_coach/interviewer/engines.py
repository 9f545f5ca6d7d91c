"""Which interviewer runs a session, chosen by ``INTERVIEW_COACH_INTERVIEWER_ENGINE``."""

from __future__ import annotations

from interview_coach.config import Settings
from interview_coach.interviewer.base import InterviewerFactory
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.mock import mock_factory
from interview_coach.voice.engines import load_voice_engines


def interviewer_factory(settings: Settings) -> InterviewerFactory:
    """The configured engine. The offline one loads its models here, once per process, so
    a missing model fails at start-up with the setting to fix, not mid-interview."""
    if settings.interviewer_engine == "mock":
        return mock_factory(settings)
    return offline_factory(settings, load_voice_engines(settings))
