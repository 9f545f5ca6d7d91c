"""Who may go live in which interview: the admission rules of a live session.

A PENDING interview is started (lifecycle.start); an IN_PROGRESS one is rejoined with its
saved transcript; anything else is over (``InterviewOver``). A user may have one interview
in progress: going live in another PENDING one is refused (``OtherInterviewInProgress``),
because two live interviews would compete for the one microphone and the one
``getCurrent`` answer. The real-time server only maps these errors to close codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.base import utcnow
from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.errors import InterviewOver, OtherInterviewInProgress
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import InterviewStatus


@dataclass(frozen=True)
class Admission:
    interview: Interview
    started_at: datetime
    resumed: bool
    transcript: list[TranscriptEntry]


async def admit(
    db: AsyncSession, user_id: int, interview_id: str, *, now: datetime | None = None
) -> Admission:
    """Start or rejoin the user's interview; NotFound (also for someone else's),
    InterviewOver or OtherInterviewInProgress otherwise."""
    now = now or utcnow()
    interview = await service.get_owned(db, user_id, interview_id)
    if interview.status == InterviewStatus.PENDING:
        current = await service.get_current(db, user_id)
        if current is not None and current.id != interview.id:
            raise OtherInterviewInProgress(
                f"You already have an interview in progress ({current.job_title}). "
                "Rejoin it or end it before starting another."
            )
        if await lifecycle.start(db, interview.id, now=now):
            return Admission(interview, now, resumed=False, transcript=[])
        interview = await service.get_owned(db, user_id, interview_id)
    if interview.status != InterviewStatus.IN_PROGRESS or interview.started_at is None:
        raise InterviewOver("This interview has already ended.")
    await lifecycle.touch(db, interview.id, now=now)
    entries = await service.transcript(db, interview.id)
    return Admission(interview, interview.started_at, resumed=True, transcript=entries)
