"""The only place interview status changes: atomic compare-and-set transitions.

Each transition is one ``UPDATE … WHERE id = ? AND status = expected``; the caller whose
update matched a row won, every racing caller sees ``False`` and must not act as winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, bindparam, case, exists, or_, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from interview_coach.db.base import utcnow
from interview_coach.db.group import Batched
from interview_coach.db.models import Interview
from interview_coach.interviews.enums import EndReason, InterviewStatus

ALLOWED: dict[InterviewStatus, frozenset[InterviewStatus]] = {
    InterviewStatus.PENDING: frozenset({InterviewStatus.IN_PROGRESS, InterviewStatus.ERROR}),
    InterviewStatus.IN_PROGRESS: frozenset({InterviewStatus.COMPLETED, InterviewStatus.ERROR}),
    InterviewStatus.COMPLETED: frozenset(),
    InterviewStatus.ERROR: frozenset(),
}
# Statuses nothing follows: the interview has ended, normally or not.
FINISHED = frozenset(status for status, after in ALLOWED.items() if not after)


class IllegalTransition(ValueError):
    """A programming error: the lifecycle never allows this edge."""


async def _compare_and_set(
    session: AsyncSession,
    interview_id: str,
    expected: InterviewStatus,
    new: InterviewStatus,
    *,
    now: datetime | None = None,
    **values: Any,
) -> bool:
    if new not in ALLOWED[expected]:
        raise IllegalTransition(f"{expected} -> {new}")
    now = now or utcnow()
    statement = (
        update(Interview)
        .where(Interview.id == interview_id, Interview.status == expected)
        .values(status=new, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    await session.commit()
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def start(session: AsyncSession, interview_id: str, *, now: datetime | None = None) -> bool:
    """PENDING → IN_PROGRESS with started_at; False when someone else already started it."""
    now = now or utcnow()
    return await _compare_and_set(
        session,
        interview_id,
        InterviewStatus.PENDING,
        InterviewStatus.IN_PROGRESS,
        started_at=now,
        last_seen_at=now,
        now=now,
    )


def _go_live_statement() -> Any:
    """Built once: an aliased subquery costs SQLAlchemy more to build than the database
    takes to run it (about a fifth of the real-time server's CPU in a burst of starts).
    Many (interview, owner) pairs in one statement: a burst of starts is one round trip."""
    pairs: Any = bindparam("pairs", expanding=True)
    interview_ids: Any = bindparam("ids", expanding=True)
    now = bindparam("at", type_=Interview.started_at.type)
    others = aliased(Interview)
    busy = exists().where(
        others.user_id == Interview.user_id,
        others.status == InterviewStatus.IN_PROGRESS,
        others.id != Interview.id,
    )
    pending = Interview.status == InterviewStatus.PENDING
    return (
        update(Interview)
        .where(
            Interview.id.in_(interview_ids),  # the primary key's index (row values: a scan)
            tuple_(Interview.id, Interview.user_id).in_(pairs),
            or_(
                and_(
                    Interview.status == InterviewStatus.IN_PROGRESS,
                    Interview.started_at.is_not(None),
                ),
                and_(pending, ~busy),
            ),
        )
        .values(
            status=InterviewStatus.IN_PROGRESS,
            started_at=case((pending, now), else_=Interview.started_at),
            updated_at=case((pending, now), else_=Interview.updated_at),
            last_seen_at=now,
        )
        .returning(Interview)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


_GO_LIVE = _go_live_statement()


async def go_live(
    session: AsyncSession,
    requests: Sequence[tuple[int, str]],
    *,
    now: datetime | None = None,
) -> list[Interview | None]:
    """For each (user, interview): start the user's PENDING interview (if no other of
    theirs is in progress) or touch their IN_PROGRESS one. All in one ``UPDATE …
    RETURNING`` inside the caller's transaction (the caller commits; the real-time server
    shares the statement and the commit among the sessions starting together). Each
    interview as it now is, or None when neither applies (the caller finds out why on its
    slow path). A start stamps ``started_at = last_seen_at = now``; a rejoin keeps
    ``started_at``. Two pairs of one user in one call would both pass the "none other in
    progress" test: the live server admits one user at a time (its user lock)."""
    if not requests:
        return []
    pairs = [(interview_id, user_id) for user_id, interview_id in requests]
    parameters = {"pairs": pairs, "ids": [i for i, _ in pairs], "at": now or utcnow()}
    live = {row.id: row for row in (await session.scalars(_GO_LIVE, parameters)).all()}
    return [live.get(interview_id) for _user_id, interview_id in requests]


def is_fresh_start(interview: Interview) -> bool:
    """Whether the ``go_live`` that returned it started it (rather than rejoined it)."""
    return interview.started_at is not None and interview.started_at == interview.last_seen_at


async def complete(
    session: AsyncSession,
    interview_id: str,
    reason: EndReason,
    *,
    now: datetime | None = None,
) -> bool:
    """IN_PROGRESS → COMPLETED with ended_at and why; False when it was already ended."""
    [ended] = await complete_all(session, [(interview_id, reason)], now=now)
    await session.commit()
    return ended


async def complete_all(
    session: AsyncSession,
    ends: Sequence[tuple[str, EndReason]],
    *,
    now: datetime | None = None,
) -> list[bool]:
    """Many IN_PROGRESS → COMPLETED, one ``UPDATE … RETURNING`` per end reason, inside the
    caller's transaction (the real-time server ends the sessions that end together in one
    commit). For each (interview, reason): whether this entry ended it (False when it was
    already ended, or an earlier entry of the same interview did)."""
    now = now or utcnow()
    by_reason: dict[EndReason, list[str]] = {}
    for interview_id, reason in ends:
        by_reason.setdefault(reason, []).append(interview_id)
    ended: set[str] = set()
    for reason, interview_ids in by_reason.items():
        statement = (
            update(Interview)
            .where(Interview.id.in_(interview_ids), Interview.status == InterviewStatus.IN_PROGRESS)
            .values(
                status=InterviewStatus.COMPLETED, updated_at=now, ended_at=now, end_reason=reason
            )
            .returning(Interview.id)
            .execution_options(synchronize_session=False)
        )
        ended.update((await session.scalars(statement)).all())
    claimed: list[bool] = []
    for interview_id, _reason in ends:
        claimed.append(interview_id in ended)
        ended.discard(interview_id)
    return claimed


async def fail(
    session: AsyncSession,
    interview_id: str,
    expected: InterviewStatus,
    *,
    now: datetime | None = None,
) -> bool:
    """PENDING or IN_PROGRESS → ERROR, for faults that leave nothing to resume."""
    now = now or utcnow()
    return await _compare_and_set(
        session,
        interview_id,
        expected,
        InterviewStatus.ERROR,
        ended_at=now,
        end_reason=EndReason.INTERNAL_ERROR,
        now=now,
    )


async def touch(
    session: AsyncSession, interview_ids: Sequence[str], *, now: datetime | None = None
) -> None:
    """Record that live connections still hold these interviews (for the rejoin grace
    period), in one statement inside the caller's transaction."""
    statement = (
        update(Interview)
        .where(Interview.id.in_(interview_ids), Interview.status == InterviewStatus.IN_PROGRESS)
        .values(last_seen_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def _complete_together(db: AsyncSession, ends: Sequence[tuple[str, EndReason]]) -> list[bool]:
    return await complete_all(db, ends)


async def _touch_together(db: AsyncSession, interview_ids: Sequence[str]) -> list[None]:
    await touch(db, interview_ids)
    return [None] * len(interview_ids)


# What the live sessions that end or check in together share (``db.group``).
ENDS: Batched[tuple[str, EndReason], bool] = Batched(_complete_together)
TOUCHES: Batched[str, None] = Batched(_touch_together)
