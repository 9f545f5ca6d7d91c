"""Turning an authenticated StartRequest into a joinable interview, through the domain.

A PENDING interview is started (lifecycle.start); an IN_PROGRESS one is rejoined with its
saved transcript; anything else is over. A user may have one interview in progress: a
StartRequest for another PENDING one is refused with a message saying so, because two live
interviews would compete for the one microphone and the one ``getCurrent`` answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.auth.tickets import Ticket
from interview_coach.db.base import utcnow
from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.errors import InvalidTicket
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.realtime.errors import InterviewOver, OtherInterviewInProgress


@dataclass(frozen=True)
class Admission:
    interview: Interview
    started_at: datetime
    resumed: bool
    transcript: list[TranscriptEntry]


def check_ticket_scope(ticket: Ticket, interview_id: str) -> None:
    """A ticket opens only the interview it was issued for."""
    if ticket.interview_id != interview_id:
        raise InvalidTicket("This ticket is for another interview. Reload the page.")


async def admit(db: AsyncSession, ticket: Ticket, *, now: datetime | None = None) -> Admission:
    """Start or rejoin the ticket's interview; NotFound, InterviewOver or
    OtherInterviewInProgress otherwise."""
    now = now or utcnow()
    interview = await service.get_owned(db, ticket.user_id, ticket.interview_id)
    if interview.status == InterviewStatus.PENDING:
        current = await service.get_current(db, ticket.user_id)
        if current is not None and current.id != interview.id:
            raise OtherInterviewInProgress(
                f"You already have an interview in progress ({current.job_title}). "
                "Rejoin it or end it before starting another."
            )
        if await lifecycle.start(db, interview.id, now=now):
            return Admission(interview, now, resumed=False, transcript=[])
        interview = await service.get_owned(db, ticket.user_id, ticket.interview_id)
    if interview.status != InterviewStatus.IN_PROGRESS or interview.started_at is None:
        raise InterviewOver("This interview has already ended.")
    await lifecycle.touch(db, interview.id, now=now)
    entries = await service.transcript(db, interview.id)
    return Admission(interview, interview.started_at, resumed=True, transcript=entries)
