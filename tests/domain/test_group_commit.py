"""Group commit of final lines: many sessions' lines share transactions, each caller
returns only once its own line is committed, and one bad line fails only its caller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from interview_coach.db.group import GroupTransaction
from interview_coach.db.models import Interview, TranscriptEntry, User
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


@pytest.fixture
def statements(resources: Resources) -> Iterator[list[str]]:
    """The statements sent on the engine (an executemany counts once)."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement.lstrip().upper())

    event.listen(resources.engine.sync_engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(resources.engine.sync_engine, "before_cursor_execute", on_execute)


async def one_interview_each(
    resources: Resources, make_user: UserFactory, count: int, *, started: bool = False
) -> list[tuple[int, str]]:
    """(user, interview) for ``count`` new users with one interview each."""
    from interview_coach.interviews import lifecycle

    made = []
    for n in range(count):
        user = await make_user()
        async with resources.sessions() as db:
            created = await service.create_interview(db, user.id, service.NewInterview(f"J{n}"))
            if started:
                await lifecycle.start(db, created.id)
        made.append((user.id, created.id))
    return made


def sent(statements: list[str], verb: str) -> int:
    return sum(1 for statement in statements if statement.startswith(verb))


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
    resources: Resources, interviews: list[str], commits: list[int], statements: list[str]
) -> None:
    """Fifty lines handed in at once from five interviews take far fewer than fifty
    commits and INSERTs (the ORM's flush sent one INSERT per line on SQLite), and each
    caller, when it returns, finds its line from another connection."""
    writer = GroupTransaction(resources.sessions)

    async def say(interview_id: str, sequence: int) -> bool:
        await transcripts.store(writer, interview_id, line(sequence, f"line {sequence}"))
        return (sequence, f"line {sequence}") in await stored(resources, interview_id)

    durable = await asyncio.gather(
        *(say(interview_id, n) for n in range(10) for interview_id in interviews)
    )
    assert all(durable)
    assert len(commits) <= 5
    assert sent(statements, "INSERT") <= 5
    for interview_id in interviews:
        assert await stored(resources, interview_id) == [(n, f"line {n}") for n in range(10)]


async def test_a_bad_line_fails_only_its_own_caller(
    resources: Resources, interviews: list[str]
) -> None:
    """A replayed sequence (the key refuses it) in the middle of a batch: its caller gets
    the IntegrityError, the lines around it are stored all the same."""
    writer = GroupTransaction(resources.sessions)
    first, second = interviews[:2]
    await transcripts.store(writer, first, line(0, "original"))
    results = await asyncio.gather(
        transcripts.store(writer, first, line(1)),
        transcripts.store(writer, first, line(0, "replayed")),
        transcripts.store(writer, second, line(0)),
        transcripts.store(writer, second, line(1)),
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
    writer = GroupTransaction(resources.sessions)
    callers = [
        asyncio.create_task(transcripts.store(writer, interviews[0], line(n))) for n in range(20)
    ]
    await asyncio.sleep(0)  # every caller has queued its line
    for caller in callers:
        caller.cancel()
    await writer.drain()
    assert [sequence for sequence, _ in await stored(resources, interviews[0])] == list(range(20))


async def test_starts_share_a_transaction_with_lines_and_each_gets_its_interview(
    resources: Resources,
    interviews: list[str],
    make_user: UserFactory,
    commits: list[int],
    statements: list[str],
) -> None:
    """Five users going live at once while lines are stored: one writer, a commit or two
    (on SQLite the starts no longer wait behind line commits for the write lock), the
    starts together one UPDATE, and each admission is its own fresh start; a refusal in
    the batch fails only its caller."""
    from interview_coach.errors import NotFound
    from interview_coach.interviews.admission import admit

    group = GroupTransaction(resources.sessions)
    pending = await one_interview_each(resources, make_user, 5)

    async def go_live(user_id: int, interview_id: str) -> Any:
        async with resources.sessions() as db:
            return await admit(db, user_id, interview_id, group=group)

    commits.clear()
    statements.clear()
    results = await asyncio.gather(
        *(go_live(user_id, interview_id) for user_id, interview_id in pending),
        go_live(pending[0][0], interviews[0]),  # someone else's interview: refused alone
        *(transcripts.store(group, interviews[1], line(n)) for n in range(5)),
        return_exceptions=True,
    )
    admissions, refused = results[:5], results[5]
    assert [a.interview.id for a in admissions] == [i for _, i in pending]
    assert not any(a.resumed for a in admissions)
    assert isinstance(refused, NotFound)
    assert len(commits) <= 3
    assert sent(statements, "UPDATE") <= 3  # five starts and a refusal's two tries, batched
    assert [s for s, _ in await stored(resources, interviews[1])] == list(range(5))
    async with resources.sessions() as db:
        again = await admit(db, pending[0][0], pending[0][1], group=group)
    assert again.resumed and again.started_at == admissions[0].started_at


async def test_sessions_ending_together_share_one_update_per_reason(
    resources: Resources, make_user: UserFactory, commits: list[int], statements: list[str]
) -> None:
    """Six live interviews ending at once (two reasons) plus one already over: two UPDATEs
    in one commit; each caller learns whether it was the one that ended its interview."""
    from interview_coach.interviews import lifecycle
    from interview_coach.interviews.enums import EndReason, InterviewStatus

    group = GroupTransaction(resources.sessions)
    live = [i for _, i in await one_interview_each(resources, make_user, 7, started=True)]
    async with resources.sessions() as db:
        assert await lifecycle.complete(db, live[6], EndReason.USER_INITIATED)
    reasons = [EndReason.TIMEOUT] * 3 + [EndReason.USER_INITIATED] * 4
    commits.clear()
    statements.clear()
    ended = await asyncio.gather(
        *(
            group.run(lifecycle.ENDS, (interview_id, reason))
            for interview_id, reason in zip(live, reasons, strict=True)
        )
    )
    assert ended == [True] * 6 + [False]
    assert sent(statements, "UPDATE") == 2 and len(commits) == 1
    async with resources.sessions() as db:
        for interview_id, reason in zip(live[:6], reasons[:6], strict=True):
            stored = await db.get(Interview, interview_id)
            assert stored is not None
            assert (stored.status, stored.end_reason) == (InterviewStatus.COMPLETED, reason)
