"""Who spoke when, split into questions and answers: pure, from lines and speech segments.

Answers come from the user's speech segments between the interviewer's turns, so they exist
even when nothing transcribed the user's words. Interviewer lines have a start time only;
their end is estimated (see ``thresholds.INTERVIEWER_WPM``) unless the source recorded it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise
from statistics import mean

from interview_coach.feedback.material import Line, Material
from interview_coach.feedback.report import LengthVerdict
from interview_coach.feedback.thresholds import (
    ANSWER_BREAK_MS,
    ANSWER_RANGE_MS,
    INTERVIEWER_WPM,
    LATE_QUESTION_MS,
    LONG_PAUSE_MS,
    MIN_ANSWER_SPEECH_MS,
    OVERLAP_MARGIN_MS,
)
from interview_coach.interviews.enums import Speaker
from interview_coach.interviews.language import count_words
from interview_coach.interviews.speech import Segment

# Interviewer prompts that ask for an answer without a question mark.
PROMPT = re.compile(
    r"\b(tell me|describe|walk me through|talk me through|explain|give me an example|"
    r"share an example|talk about)\b"
)


@dataclass(frozen=True)
class Turn:
    """One or more interviewer lines in a row, with nothing from the user in between."""

    text: str
    spans: tuple[tuple[int, int], ...]  # each line's start and (estimated) end
    estimated: bool

    @property
    def start_ms(self) -> int:
        return self.spans[0][0]

    @property
    def end_ms(self) -> int:
        return self.spans[-1][1]

    @property
    def speaking_ms(self) -> int:
        return sum(end - start for start, end in self.spans)

    @property
    def is_question(self) -> bool:
        """A question mark or a prompt ("Tell me about ...", "Describe ...")."""
        return "?" in self.text or PROMPT.search(self.text.lower()) is not None


@dataclass(frozen=True)
class Answer:
    """Everything the user said after one turn (or before the first one)."""

    number: int
    turn: Turn | None
    segments: tuple[Segment, ...]
    lines: tuple[Line, ...]

    @property
    def heard(self) -> bool:
        """At least ``MIN_ANSWER_SPEECH_MS`` of speech; words alone when no speech was timed."""
        if self.segments:
            return self.speaking_ms >= MIN_ANSWER_SPEECH_MS
        return bool(self.lines)

    @property
    def start_ms(self) -> int | None:
        if not self.heard:
            return None
        starts = [s.start_ms for s in self.segments] + [line.start_ms for line in self.lines]
        return min(starts, default=None)

    @property
    def end_ms(self) -> int | None:
        if not self.heard:
            return None
        return max((s.end_ms for s in self.segments), default=None)

    @property
    def duration_ms(self) -> int | None:
        if not self.segments or not self.heard:
            return None
        return self.segments[-1].end_ms - self.segments[0].start_ms

    @property
    def spoke_over(self) -> bool:
        """The answer began while the interviewer was still speaking (beyond the margin)."""
        start = self.start_ms
        if self.turn is None or start is None:
            return False
        return start < self.turn.end_ms - OVERLAP_MARGIN_MS

    @property
    def speaking_ms(self) -> int:
        return sum(s.duration_ms for s in self.segments)

    @property
    def wait_ms(self) -> int | None:
        """From the question's end to the answer; None when there was no wait to measure."""
        start = self.start_ms
        if self.turn is None or start is None or self.spoke_over:
            return None
        return max(0, start - self.turn.end_ms)

    @property
    def long_pauses(self) -> list[tuple[int, int]]:
        gaps = pairwise(self.segments)
        return [(a.end_ms, b.start_ms) for a, b in gaps if b.start_ms - a.end_ms > LONG_PAUSE_MS]

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines if line.text.strip())

    @property
    def length_verdict(self) -> LengthVerdict:
        if not self.heard:
            return "no_answer"
        duration = self.duration_ms
        if duration is None:
            return "unknown"
        if duration < ANSWER_RANGE_MS[0]:
            return "short"
        return "long" if duration > ANSWER_RANGE_MS[1] else "within"


@dataclass(frozen=True)
class Timing:
    session_ms: int
    turns: tuple[Turn, ...]
    segments: tuple[Segment, ...]
    answers: tuple[Answer, ...]

    @property
    def timed(self) -> list[Answer]:
        return [a for a in self.answers if a.duration_ms is not None]

    @property
    def questions(self) -> int:
        """Turns that asked something or got a full answer (a greeting or closing does not)."""
        return sum(1 for a in self.answers if a.turn is not None)

    @property
    def user_speaking_ms(self) -> int:
        return sum(s.duration_ms for s in self.segments)

    @property
    def interviewer_speaking_ms(self) -> int:
        return sum(t.speaking_ms for t in self.turns)

    @property
    def interviewer_estimated(self) -> bool:
        return any(t.estimated for t in self.turns)

    @property
    def talk_share(self) -> float | None:
        total = self.user_speaking_ms + self.interviewer_speaking_ms
        return self.user_speaking_ms / total if total and self.segments else None

    @property
    def longest(self) -> Answer | None:
        return max(self.timed, key=lambda a: a.duration_ms or 0, default=None)

    @property
    def average_answer_ms(self) -> int | None:
        durations = [a.duration_ms for a in self.timed if a.duration_ms is not None]
        return round(mean(durations)) if durations else None

    @property
    def average_wait_ms(self) -> int | None:
        waits = [a.wait_ms for a in self.answers if a.wait_ms is not None]
        return round(mean(waits)) if waits else None

    @property
    def spoke_over_count(self) -> int:
        return sum(1 for a in self.answers if a.spoke_over)

    @property
    def long_pause_count(self) -> int:
        return sum(len(a.long_pauses) for a in self.answers)


def estimated_end(line: Line, limit: int | None) -> tuple[int, bool]:
    """The line's end: recorded, or its words at ``INTERVIEWER_WPM``, never past ``limit``."""
    if line.end_ms is not None:
        end, estimated = line.end_ms, False
    else:
        end = line.start_ms + math.ceil(count_words(line.text) * 60_000 / INTERVIEWER_WPM)
        estimated = True
    if limit is not None:
        end = min(end, limit)
    return max(end, line.start_ms), estimated


def analyse(material: Material) -> Timing:
    session_ms = material.session_ms
    ai = [line for line in material.lines if line.speaker is Speaker.AI]
    user = [line for line in material.lines if line.speaker is Speaker.USER and line.text.strip()]
    segments = material.segments
    user_starts = sorted([s.start_ms for s in segments] + [line.start_ms for line in user])
    turns = _turns(ai, user_starts, session_ms or None)
    answers: list[Answer] = []
    if not turns:  # no interviewer lines at all: the user's speech is all there is
        for group_segments, group_lines in _split_at_silences(segments, user):
            answers.append(Answer(len(answers) + 1, None, group_segments, group_lines))
    for index, turn in enumerate(turns):
        window_end = turns[index + 1].start_ms if index + 1 < len(turns) else math.inf
        in_window = tuple(s for s in segments if turn.start_ms <= s.start_ms < window_end)
        lines = tuple(line for line in user if turn.start_ms <= line.start_ms < window_end)
        reply = Answer(len(answers) + 1, turn, in_window, lines)
        if _too_late_to_answer(turn, reply, session_ms):
            continue
        # A greeting's "thanks, happy to be here" is not an answer; a long reply is one.
        if turn.is_question or (reply.duration_ms or 0) >= ANSWER_RANGE_MS[0]:
            answers.append(reply)
    return Timing(session_ms, tuple(turns), segments, tuple(answers))


def _too_late_to_answer(turn: Turn, reply: Answer, session_ms: int) -> bool:
    """A question left unanswered because the interview ended just after it was asked."""
    return bool(session_ms) and not reply.heard and session_ms - turn.end_ms < LATE_QUESTION_MS


def _turns(ai: list[Line], user_starts: list[int], session_end: int | None) -> list[Turn]:
    """Group interviewer lines into turns: a turn ends at a question or where the user spoke.

    "Good. Next one: what ...?" is one turn; three questions in a row with no answer are
    three turns, each unanswered.
    """
    turns: list[Turn] = []
    group: list[Line] = []
    for index, line in enumerate(ai):
        group.append(line)
        following = ai[index + 1].start_ms if index + 1 < len(ai) else None
        user_between = any(
            line.start_ms <= start < (following if following is not None else math.inf)
            for start in user_starts
        )
        if following is None or user_between or "?" in line.text:
            turns.append(_turn(group, following if following is not None else session_end))
            group = []
    return turns


def _turn(lines: list[Line], limit: int | None) -> Turn:
    ends = [estimated_end(line, nxt.start_ms) for line, nxt in pairwise(lines)]
    ends.append(estimated_end(lines[-1], limit))
    return Turn(
        text=" ".join(line.text.strip() for line in lines),
        spans=tuple((line.start_ms, end) for line, (end, _) in zip(lines, ends, strict=True)),
        estimated=any(estimated for _, estimated in ends),
    )


def _split_at_silences(
    segments: tuple[Segment, ...], lines: list[Line]
) -> list[tuple[tuple[Segment, ...], tuple[Line, ...]]]:
    """Speech with no interviewer lines to split it: answers end at long silences."""
    if not segments:
        return [((), tuple(lines))] if lines else []
    groups: list[list[Segment]] = [[segments[0]]]
    for segment in segments[1:]:
        if segment.start_ms - groups[-1][-1].end_ms >= ANSWER_BREAK_MS:
            groups.append([])
        groups[-1].append(segment)
    starts = [-math.inf] + [group[0].start_ms for group in groups[1:]] + [math.inf]
    return [
        (tuple(group), tuple(line for line in lines if starts[i] <= line.start_ms < starts[i + 1]))
        for i, group in enumerate(groups)
    ]
