"""Group commit of final lines: many sessions' lines share transactions, each caller
returns only once its own line is committed, and one bad line fails only its caller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from interview_coach.db.models import TranscriptEntry, User
from interview_coach.interviews import service, transcripts
from interview_coach.interviews.enums import Speaker
from interview_coach.resources import Resources

UserFactory = Callable[..., Awaitable[User]]


@pytest.fixture
async def interviews(resources: Resources, make_user: UserFactory) -> list[str]:
    user = await make_user()
    async with resources.sessions() as db:
        created = [
            await service.create_interview(db, user.id, service.NewInterview(f"Role {n}"))
            for n in range(5)
        ]
    return [interview.id for interview in created]


@pytest.fixture
def commits(resources: Resources) -> Iterator[list[int]]:
    """Counts COMMITs on the engine: one entry per transaction committed."""
    seen: list[int] = []

    def on_commit(_connection: Any) -> None:
        seen.append(1)

    event.listen(resources.engine.sync_engine, "commit", on_commit)
    yield seen
    event.remove(resources.engine.sync_engine, "commit", on_commit)


def line(sequence: int, text: str = "hello") -> transcripts.Line:
    return transcripts.Line(sequence, Speaker.USER, text, offset_ms=sequence * 100, end_ms=None)


async def stored(resources: Resources, interview_id: str) -> list[tuple[int, str]]:
    async with resources.sessions() as db:
        rows = await db.scalars(
            select(TranscriptEntry)
            .where(TranscriptEntry.interview_id == interview_id)
            .order_by(TranscriptEntry.sequence)
        )
        return [(row.sequence, row.text) for row in rows]


async def test_lines_of_many_sessions_share_transactions_and_are_durable_on_return(
    resources: Resources, interviews: list[str], commits: list[int]
) -> None:
    """Fifty lines handed in at once from five interviews take far fewer than fifty
    commits, and each caller, when it returns, finds its line from another connection."""
    writer = transcripts.GroupCommit(resources.sessions)

    async def say(interview_id: str, sequence: int) -> bool:
        await writer.store(interview_id, line(sequence, f"line {sequence}"))
        return (sequence, f"line {sequence}") in await stored(resources, interview_id)

    durable = await asyncio.gather(
        *(say(interview_id, n) for n in range(10) for interview_id in interviews)
    )
    assert all(durable)
    assert len(commits) <= 5
    for interview_id in interviews:
        assert await stored(resources, interview_id) == [(n, f"line {n}") for n in range(10)]


async def test_a_bad_line_fails_only_its_own_caller(
    resources: Resources, interviews: list[str]
) -> None:
    """A replayed sequence (the key refuses it) in the middle of a batch: its caller gets
    the IntegrityError, the lines around it are stored all the same."""
    writer = transcripts.GroupCommit(resources.sessions)
    first, second = interviews[:2]
    await writer.store(first, line(0, "original"))
    results = await asyncio.gather(
        writer.store(first, line(1)),
        writer.store(first, line(0, "replayed")),
        writer.store(second, line(0)),
        writer.store(second, line(1)),
        return_exceptions=True,
    )
    assert results[0] is None and results[2] is None and results[3] is None
    assert isinstance(results[1], IntegrityError)
    assert await stored(resources, first) == [(0, "original"), (1, "hello")]
    assert await stored(resources, second) == [(0, "hello"), (1, "hello")]


async def test_drain_waits_for_every_line_handed_in(
    resources: Resources, interviews: list[str]
) -> None:
    """Shutdown: lines whose callers were cancelled after handing them in still land."""
    writer = transcripts.GroupCommit(resources.sessions)
    callers = [asyncio.create_task(writer.store(interviews[0], line(n))) for n in range(20)]
    await asyncio.sleep(0)  # every caller has queued its line
    for caller in callers:
        caller.cancel()
    await writer.drain()
    assert [sequence for sequence, _ in await stored(resources, interviews[0])] == list(range(20))
