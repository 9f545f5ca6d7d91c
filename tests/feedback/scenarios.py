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


# ---------------------------------------------------------------- a realistic demo
# For the screenshots: the mock interviewer's script and answers spoken at a realistic pace.

DEMO_STEPS: list[tuple[str, str | None, float, tuple[float, ...]]] = [
    # (interviewer line, your answer, your words per minute, pauses inside the answer in s)
    (
        "Hello, and thank you for joining. I will be interviewing you today for the Backend "
        "engineer role, as a professional interviewer.",
        "Thank you, happy to be here.",
        150,
        (),
    ),
    (
        "To start, could you walk me through your background and what draws you to the "
        "Backend engineer position?",
        "Sure. I have been a backend engineer for about six years, mostly in Python and Go. "
        "At my last company I worked on the payments team, where we processed around two "
        "million transactions a day. Um, before that I was at a small startup building "
        "internal tools. What draws me to this role is the scale of your platform and, you "
        "know, the focus on reliability, which is the part of the work I enjoy most.",
        142,
        (0.8, 1.1),
    ),
    (
        "Tell me about a challenging project you worked on. What was your role, and how did "
        "it turn out?",
        "At my previous job we had a billing system that failed every month-end because of "
        "batch jobs that ran for hours. I was responsible for making it reliable before a big "
        "customer launch. I decided to split the batch into small idempotent jobs on a queue, "
        "and I built a dashboard so the team could see failures early. Basically we rolled it "
        "out one region at a time. As a result the month-end run went from nine hours to "
        "forty minutes, and we had no missed invoices for the next two quarters.",
        150,
        (0.9, 3.4, 0.7),
    ),
    (
        "How would you spend your first ninety days as a Backend engineer here?",
        "In the first month I would, like, listen a lot: read the incident reports, pair with "
        "people on the team and learn how deploys work. In the second month I'd pick one small "
        "reliability problem and fix it end to end. By the third month I would like to own a "
        "service and, um, propose one improvement with a clear measure of success.",
        128,
        (1.2,),
    ),
    (
        "Describe a time you disagreed with a colleague. How did you resolve it?",
        "Uh, a colleague wanted to rewrite our API in a new framework. I thought it was too "
        "risky. So I suggested we compare both options on one endpoint first. We did, and the "
        "rewrite was slower, so we kept the old one.",
        138,
        (),
    ),
    (
        "Thank you, that is all the questions I have. We will wrap up here, and your feedback "
        "will be ready shortly.",
        None,
        0,
        (),
    ),
]


def demo(*, with_words: bool) -> Recorded:
    """The demo interview; the interviewer speaks at 150 wpm, you answer 1 to 2 s later."""
    from interview_coach.interviews.language import count_words

    lines: list[Utterance] = []
    segments: list[tuple[int, int]] = []
    at = 2_000
    for question, answer, wpm, pauses in DEMO_STEPS:
        lines.append((Speaker.AI, question, at))
        at += count_words(question) * 400 + 1_400
        if answer is None:
            break
        if with_words:
            lines.append((Speaker.USER, answer, at))
        speaking = round(count_words(answer) * 60_000 / wpm) - round(sum(pauses) * 1000)
        pieces = len(pauses) + 1
        for index in range(pieces):
            length = speaking // pieces
            segments.append((at, at + length))
            at += length + (round(pauses[index] * 1000) if index < len(pauses) else 0)
        at += 2_500
    return Recorded(
        lines=lines,
        segments=segments,
        length_ms=at + 8_000,
        reason=EndReason.AI_INITIATED,
        started_at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC),
    )
