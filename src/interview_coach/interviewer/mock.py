"""The spec's MVP interviewer: a fixed series of lines, streamed word by word at timed
intervals and phrased with the interview's job title and persona. It ignores user audio.

Timeline per line: THINKING for ``delay``, SPEAKING while the words stream (one partial per
``word`` seconds, then the final), LISTENING for ``gap``. After the last line it returns,
which the session turns into an AI-initiated end (COMPLETED, never ERROR).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from interview_coach.config import Settings
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerSink,
    InterviewerState,
)


@dataclass(frozen=True)
class MockTimings:
    delay: float
    word: float
    gap: float

    @classmethod
    def from_settings(cls, settings: Settings) -> MockTimings:
        return cls(
            delay=settings.interviewer_delay_seconds,
            word=settings.interviewer_word_seconds,
            gap=settings.interviewer_gap_seconds,
        )


def script(job_title: str, persona: str) -> list[str]:
    """The lines, in order; a rejoin skips those already stored."""
    who = persona.strip().rstrip(".") or "a professional interviewer"
    return [
        f"Hello, and thank you for joining. I will be interviewing you today for the "
        f"{job_title} role, as {who}.",
        f"To start, could you walk me through your background and what draws you to the "
        f"{job_title} position?",
        "Tell me about a challenging project you worked on. What was your role, and how did "
        "it turn out?",
        f"How would you spend your first ninety days as a {job_title} here?",
        "Describe a time you disagreed with a colleague. How did you resolve it?",
        "Thank you, that is all the questions I have. We will wrap up here, and your "
        "feedback will be ready shortly.",
    ]


class MockInterviewer(Interviewer):
    def __init__(self, context: InterviewContext, timings: MockTimings) -> None:
        self._lines = script(context.job_title, context.persona)[context.ai_lines_spoken :]
        self._timings = timings

    async def run(self, sink: InterviewerSink) -> None:
        for line in self._lines:
            await sink.status(InterviewerState.THINKING)
            await asyncio.sleep(self._timings.delay)
            await sink.status(InterviewerState.SPEAKING)
            words = line.split()
            for count in range(1, len(words)):
                await sink.partial(" ".join(words[:count]))
                await asyncio.sleep(self._timings.word)
            await sink.final(line)
            await sink.status(InterviewerState.LISTENING)
            await asyncio.sleep(self._timings.gap)


def mock_factory(settings: Settings) -> InterviewerFactory:
    timings = MockTimings.from_settings(settings)

    def create(context: InterviewContext) -> Interviewer:
        return MockInterviewer(context, timings)

    return create
