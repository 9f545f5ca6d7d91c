"""Appending finished utterances, durable the moment they are said."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import TranscriptEntry
from interview_coach.interviews.enums import Speaker


async def append(
    session: AsyncSession,
    interview_id: str,
    sequence: int,
    speaker: Speaker,
    text: str,
    offset_ms: int,
) -> TranscriptEntry:
    """Insert and commit; the (interview, sequence) key makes a replayed write fail loudly."""
    entry = TranscriptEntry(
        interview_id=interview_id,
        sequence=sequence,
        speaker=speaker,
        text=text,
        offset_ms=offset_ms,
    )
    session.add(entry)
    await session.commit()
    return entry
