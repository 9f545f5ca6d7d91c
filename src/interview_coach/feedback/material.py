"""What an engine is given: the interview's facts, read once from the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.interviews import service
from interview_coach.interviews.enums import EndReason, InterviewStatus, Speaker
from interview_coach.interviews.speech import Segment
from interview_coach.interviews.speech import store as speech_store


@dataclass(frozen=True)
class Line:
    """One finished utterance; ``end_ms`` only where the source recorded it."""

    speaker: Speaker
    text: str
    start_ms: int
    end_ms: int | None = None


@dataclass(frozen=True)
class Material:
    interview_id: str
    job_title: str
    job_description: str
    status: InterviewStatus
    end_reason: EndReason | None
    started_at: datetime | None
    ended_at: datetime | None
    planned_ms: int
    lines: tuple[Line, ...]
    segments: tuple[Segment, ...]

    @property
    def session_ms(self) -> int:
        """Start to end when both are known, otherwise up to the last thing recorded."""
        if self.started_at and self.ended_at:
            return max(0, int((self.ended_at - self.started_at).total_seconds() * 1000))
        ends = [s.end_ms for s in self.segments] + [line.start_ms for line in self.lines]
        return max(ends, default=0)

    @property
    def has_user_words(self) -> bool:
        return any(line.speaker is Speaker.USER and line.text.strip() for line in self.lines)


def material_from(interview: Interview, lines: list[Line], segments: list[Segment]) -> Material:
    return Material(
        interview_id=interview.id,
        job_title=interview.job_title,
        job_description=interview.job_description,
        status=interview.status,
        end_reason=interview.end_reason,
        started_at=interview.started_at,
        ended_at=interview.ended_at,
        planned_ms=interview.duration_minutes * 60_000,
        lines=tuple(sorted(lines, key=lambda line: line.start_ms)),
        segments=tuple(sorted(segments)),
    )


def lines_from(entries: Iterable[TranscriptEntry]) -> list[Line]:
    return [Line(entry.speaker, entry.text, entry.offset_ms, entry.end_ms) for entry in entries]


async def load(session: AsyncSession, interview: Interview) -> Material:
    entries = await service.transcript(session, interview.id)
    segments = await speech_store.for_interview(session, interview.id)
    return material_from(interview, lines_from(entries), segments)
