"""The engine interface and the registry the web layer picks from.

An engine turns :class:`~interview_coach.feedback.material.Material` into a
:class:`~interview_coach.feedback.report.Report`. It may be slow (a language model), so it
runs in the background (see ``feedback.runner``); it may raise, which marks the report
FAILED with a retry. The page, API and export only ever see the ``Report``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from interview_coach.config import Settings
from interview_coach.feedback.material import Material
from interview_coach.feedback.offline import compose
from interview_coach.feedback.report import Report
from interview_coach.feedback.written import LlmEngine
from interview_coach.llm.client import ChatClient


class FeedbackEngine(Protocol):
    @property
    def name(self) -> str: ...

    async def generate(self, material: Material) -> Report: ...


class OfflineEngine:
    """Deterministic and local: figures from timing and words, sentences from templates."""

    @property
    def name(self) -> str:
        return "offline"

    async def generate(self, material: Material) -> Report:
        return compose(material, engine=self.name)


def _llm(settings: Settings) -> FeedbackEngine:
    return LlmEngine(ChatClient.from_settings(settings), settings.feedback_timeout_seconds)


ENGINES: dict[str, Callable[[Settings], FeedbackEngine]] = {
    "offline": lambda _settings: OfflineEngine(),
    "llm": _llm,
}

# What each engine means to the person reading the report (its name means nothing to them).
DESCRIPTIONS = {
    "offline": "Written automatically from when you spoke and what was transcribed, "
    "by fixed rules on this server (no AI model reads your interview)",
    "llm": "Written by an AI language model from your transcript; the figures were measured "
    "on this server by fixed rules",
}


def describe(name: str) -> str:
    """How the report was made, in words for its reader."""
    return DESCRIPTIONS.get(name, "Written automatically")


def get_engine(settings: Settings) -> FeedbackEngine:
    """The engine ``feedback_engine`` names."""
    name = settings.feedback_engine
    try:
        return ENGINES[name](settings)
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ValueError(f"unknown feedback engine {name!r}; known: {known}") from None
