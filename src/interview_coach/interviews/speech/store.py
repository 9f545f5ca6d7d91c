"""Speech segments in the database: each one committed the moment it is finished."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import SpeechSegment
from interview_coach.interviews.speech.segmenter import Segment


async def record(session: AsyncSession, interview_id: str, segment: Segment) -> None:
    """Insert and commit one finished segment, so a crash later loses nothing."""
    session.add(
        SpeechSegment(interview_id=interview_id, start_ms=segment.start_ms, end_ms=segment.end_ms)
    )
    await session.commit()


async def for_interview(session: AsyncSession, interview_id: str) -> list[Segment]:
    return (await for_interviews(session, [interview_id])).get(interview_id, [])


async def for_interviews(session: AsyncSession, ids: Iterable[str]) -> dict[str, list[Segment]]:
    """Each interview's segments in time order, in one query."""
    wanted = list(ids)
    if not wanted:
        return {}
    statement = (
        select(SpeechSegment.interview_id, SpeechSegment.start_ms, SpeechSegment.end_ms)
        .where(SpeechSegment.interview_id.in_(wanted))
        .order_by(SpeechSegment.interview_id, SpeechSegment.start_ms, SpeechSegment.id)
    )
    found: dict[str, list[Segment]] = defaultdict(list)
    for interview_id, start_ms, end_ms in await session.execute(statement):
        found[interview_id].append(Segment(start_ms, end_ms))
    return dict(found)
