"""Who may go live in which interview: the admission rules of a live session.

A PENDING interview is started (lifecycle.start); an IN_PROGRESS one is rejoined with its
saved transcript; anything else is over (``InterviewOver``). A user may have one interview
in progress: going live in another PENDING one is refused (``OtherInterviewInProgress``),
because two live interviews would compete for the one microphone and the one
``getCurrent`` answer. The real-time server only maps these errors to close codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.base import utcnow
from interview_coach.db.group import Batched, GroupTransaction
from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.errors import InterviewOver, NotFound, OtherInterviewInProgress
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import InterviewStatus


@dataclass(frozen=True)
class Admission:
    interview: Interview
    started_at: datetime
    resumed: bool
    transcript: list[TranscriptEntry]


async def admit(
    db: AsyncSession,
    user_id: int,
    interview_id: str,
    *,
    now: datetime | None = None,
    group: GroupTransaction | None = None,
) -> Admission:
    """Start or rejoin the user's interview; NotFound (also for someone else's),
    InterviewOver or OtherInterviewInProgress otherwise. A start is one statement, in
    ``group``'s shared transaction when given (else in ``db``'s, committed here); a rejoin
    adds the transcript read; only a refusal looks further."""
    now = now or utcnow()
    if not service.INTERVIEW_ID_PATTERN.fullmatch(interview_id):
        raise NotFound("Interview not found.")
    for _attempt in range(2):  # the interview may change between the update and the why
        interview = await _go_live(db, group, user_id, interview_id, now)
        if interview is not None:
            return await _admitted(db, interview)
        await _refusal(db, user_id, interview_id)
    raise InterviewOver("This interview has already ended.")


async def _go_live_together(
    db: AsyncSession, requests: Sequence[tuple[int, str, datetime]]
) -> list[Interview | None]:
    """Sessions starting together: one statement (stamped with the first one's time)."""
    pairs = [(user_id, interview_id) for user_id, interview_id, _now in requests]
    return await lifecycle.go_live(db, pairs, now=requests[0][2])


GO_LIVE = Batched(_go_live_together)


async def _go_live(
    db: AsyncSession,
    group: GroupTransaction | None,
    user_id: int,
    interview_id: str,
    now: datetime,
) -> Interview | None:
    if group is not None:
        return await group.run(GO_LIVE, (user_id, interview_id, now))
    [interview] = await lifecycle.go_live(db, [(user_id, interview_id)], now=now)
    await db.commit()
    return interview


async def _admitted(db: AsyncSession, interview: Interview) -> Admission:
    assert interview.started_at is not None
    if lifecycle.is_fresh_start(interview):  # this connection started it
        return Admission(interview, interview.started_at, resumed=False, transcript=[])
    entries = await service.transcript(db, interview.id)
    return Admission(interview, interview.started_at, resumed=True, transcript=entries)


async def _refusal(db: AsyncSession, user_id: int, interview_id: str) -> None:
    """Raise why ``go_live`` matched nothing; returns when nothing explains it (a race)."""
    interview = await service.get_owned(db, user_id, interview_id)
    if interview.status == InterviewStatus.PENDING:
        current = await service.get_current(db, user_id)
        if current is not None and current.id != interview.id:
            raise OtherInterviewInProgress(
                f"You already have an interview in progress ({current.job_title}). "
                "Rejoin it or end it before starting another."
            )
        return
    if interview.status != InterviewStatus.IN_PROGRESS or interview.started_at is None:
        raise InterviewOver("This interview has already ended.")
