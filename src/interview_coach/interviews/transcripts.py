"""Appending finished utterances, durable the moment they are said."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
    return TranscriptEntry(
        interview_id=interview_id,
        sequence=line.sequence,
        speaker=line.speaker,
        text=line.text,
        offset_ms=line.offset_ms,
        end_ms=line.end_ms,
        reply_latency_ms=line.reply_latency_ms,
    )


@dataclass(frozen=True)
class _Pending:
    interview_id: str
    line: Line
    stored: asyncio.Future[None]


class GroupCommit:
    """One writer for the final lines of many live sessions: lines that arrive while a
    commit is in flight go together in the next transaction, so a thousand sessions cost
    a few commits a second instead of hundreds (and SQLite's one writer is not fought
    over). ``store`` still returns only once its own line is committed. A batch that fails
    is retried line by line, so one bad line fails only its own caller. The writer runs
    while lines are waiting; ``drain`` waits until every line handed in is settled."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, max_batch: int = 500) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None

    async def store(self, interview_id: str, line: Line) -> None:
        """Durable when this returns; raises what committing this line alone raised."""
        loop = asyncio.get_running_loop()
        pending = _Pending(interview_id, line, loop.create_future())
        self._pending.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_all())
        await pending.stored

    async def drain(self) -> None:
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_all(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            await self._write(batch)

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            async with self._sessions() as db:
                db.add_all([_entry(p.interview_id, p.line) for p in batch])
                await db.commit()
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0], error)
                return
            for pending in batch:
                await self._write([pending])
            return
        for pending in batch:
            _settle(pending, None)


def _settle(pending: _Pending, error: Exception | None) -> None:
    if pending.stored.done():
        return
    if error is None:
        pending.stored.set_result(None)
    else:
        pending.stored.set_exception(error)
