"""Appending finished utterances, durable the moment they are said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.group import Batched, GroupTransaction
from interview_coach.db.models import TranscriptEntry
from interview_coach.interviews.enums import Speaker


def utterance_id(sequence: int) -> str:
    """Stable across reconnects and pages: the transcript sequence the line is stored under.

    The real-time server sends it with each line, and the session page renders saved lines
    under the same id, so a line resent on rejoin replaces itself instead of doubling.
    """
    return f"u{sequence}"


@dataclass(frozen=True)
class Line:
    """One finished utterance as the live session stores it."""

    sequence: int
    speaker: Speaker
    text: str
    offset_ms: int
    end_ms: int | None = None
    reply_latency_ms: int | None = None


async def append(session: AsyncSession, interview_id: str, line: Line) -> TranscriptEntry:
    """Insert and commit; the (interview, sequence) key makes a replayed write fail loudly."""
    entry = _entry(interview_id, line)
    session.add(entry)
    await session.commit()
    return entry


def _entry(interview_id: str, line: Line) -> TranscriptEntry:
    return TranscriptEntry(**_row(interview_id, line))


def _row(interview_id: str, line: Line) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "sequence": line.sequence,
        "speaker": line.speaker,
        "text": line.text,
        "offset_ms": line.offset_ms,
        "end_ms": line.end_ms,
        "reply_latency_ms": line.reply_latency_ms,
    }


async def _insert_together(db: AsyncSession, lines: Sequence[tuple[str, Line]]) -> list[None]:
    """One executemany: the ORM's flush sent one INSERT per line on SQLite (it needs each
    row's id back), each a thread hop through a loaded event loop: a batch of 500 lines
    took seconds to commit and every start queued behind it."""
    await db.execute(insert(TranscriptEntry), [_row(i, line) for i, line in lines])
    return [None] * len(lines)


LINES: Batched[tuple[str, Line], None] = Batched(_insert_together)


async def store(group: GroupTransaction, interview_id: str, line: Line) -> None:
    """Durable when this returns, committed together with other sessions' writes; raises
    what committing this line alone raised (a replayed sequence: IntegrityError)."""

    await group.run(LINES, (interview_id, line))
