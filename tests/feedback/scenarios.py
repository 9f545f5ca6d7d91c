"""A fixed interview, as database rows (conftest) or pure material (engine tests).

Its figures are checked by hand in test_engine.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from interview_coach.feedback.material import Line, Material
from interview_coach.interviews.enums import EndReason, InterviewStatus, Speaker
from interview_coach.interviews.speech import Segment

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

QUESTIONS = [
    (Speaker.AI, "Welcome. Tell me about yourself?", 1_000),
    (Speaker.AI, "What is a project you are proud of?", 60_000),
    (Speaker.AI, "How do you handle disagreement with a colleague?", 200_000),
    (Speaker.AI, "Thank you, that is all.", 290_000),
]
ANSWERS = [
    (
        Speaker.USER,
        "So, um, I am a backend engineer with six years of experience. "
        "I like Python and, like, distributed systems.",
        4_000,
    ),
    (
        Speaker.USER,
        "At my last job we had a billing outage. I had to fix it fast. "
        "I decided to add a queue, you know, and I built the retry logic. "
        "As a result we cut failed payments by 40 percent.",
        65_000,
    ),
    (Speaker.USER, "Uh, I talk to them directly.", 210_000),
]
SEGMENTS = [
    (4_000, 20_000),
    (21_000, 40_000),
    (65_000, 100_000),
    (104_000, 150_000),
    (151_000, 195_000),
    (210_000, 225_000),
]
LENGTH_MS = 300_000
Utterance = tuple[Speaker, str, int]


@dataclass(frozen=True)
class Recorded:
    """What a finished interview leaves behind."""

    lines: Sequence[Utterance] = field(default_factory=lambda: QUESTIONS)
    segments: Sequence[tuple[int, int]] = field(default_factory=lambda: SEGMENTS)
    length_ms: int = LENGTH_MS
    reason: EndReason = EndReason.USER_INITIATED
    started_at: datetime = T0


TIMING_ONLY = Recorded()
WITH_WORDS = Recorded(lines=sorted([*QUESTIONS, *ANSWERS], key=lambda line: line[2]))


def material_of(recorded: Recorded, *, planned_minutes: int = 10) -> Material:
    """The same interview as pure material, for the engine without a database."""
    return Material(
        interview_id="fixed",
        job_title="Backend engineer",
        job_description="",
        status=InterviewStatus.COMPLETED,
        end_reason=recorded.reason,
        started_at=recorded.started_at,
        ended_at=recorded.started_at + timedelta(milliseconds=recorded.length_ms),
        planned_ms=planned_minutes * 60_000,
        lines=tuple(Line(s, text, at) for s, text, at in recorded.lines),
        segments=tuple(Segment(a, b) for a, b in recorded.segments),
    )
