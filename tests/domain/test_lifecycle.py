"""Status changes: atomic compare-and-set, so racing callers never both win."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import Interview, User
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.resources import Resources

UserFactory = Callable[..., Awaitable[User]]

Transition = Callable[[AsyncSession], Awaitable[bool]]


@pytest.fixture
async def interview(resources: Resources, make_user: UserFactory) -> Interview:
    user = await make_user()
    async with resources.sessions() as session:
        return await service.create_interview(session, user.id, service.NewInterview("Engineer"))


async def _load(resources: Resources, interview_id: str) -> Interview:
    async with resources.sessions() as session:
        loaded = await session.get(Interview, interview_id)
    assert loaded is not None
    return loaded


async def _race(resources: Resources, attempts: list[Transition]) -> list[bool]:
    """Run each attempt at once, each on its own session (its own connection)."""

    async def attempt(transition: Transition) -> bool:
        async with resources.sessions() as session:
            return await transition(session)

    return list(await asyncio.gather(*(attempt(t) for t in attempts)))


async def test_start_sets_in_progress_and_started_at(
    resources: Resources, interview: Interview
) -> None:
    """PENDING → IN_PROGRESS stamps started_at and updated_at."""
    async with resources.sessions() as session:
        assert await lifecycle.start(session, interview.id) is True
    loaded = await _load(resources, interview.id)
    assert loaded.status == InterviewStatus.IN_PROGRESS
    assert loaded.started_at is not None
    assert loaded.updated_at == loaded.started_at
    assert loaded.ended_at is None


async def test_complete_sets_ended_at_and_reason(
    resources: Resources, interview: Interview
) -> None:
    """IN_PROGRESS → COMPLETED stamps ended_at and records why."""
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
        assert await lifecycle.complete(session, interview.id, EndReason.AI_INITIATED)
    loaded = await _load(resources, interview.id)
    assert loaded.status == InterviewStatus.COMPLETED
    assert loaded.end_reason == EndReason.AI_INITIATED
    assert loaded.ended_at is not None and loaded.started_at is not None
    assert loaded.ended_at >= loaded.started_at


async def test_ten_concurrent_starts_exactly_one_wins(
    resources: Resources, interview: Interview
) -> None:
    """Ten simultaneous starts on separate connections: exactly one gets True."""
    results = await _race(
        resources, [lambda s: lifecycle.start(s, interview.id) for _ in range(10)]
    )
    assert results.count(True) == 1
    assert (await _load(resources, interview.id)).status == InterviewStatus.IN_PROGRESS


async def test_concurrent_completes_exactly_one_wins(
    resources: Resources, interview: Interview
) -> None:
    """User end and timeout racing: one completes, the other sees False; one reason sticks."""
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
    reasons = [EndReason.USER_INITIATED, EndReason.TIMEOUT] * 5
    results = await _race(
        resources,
        [lambda s, r=reason: lifecycle.complete(s, interview.id, r) for reason in reasons],
    )
    assert results.count(True) == 1
    winner = reasons[results.index(True)]
    assert (await _load(resources, interview.id)).end_reason == winner


async def test_complete_racing_fail_exactly_one_wins(
    resources: Resources, interview: Interview
) -> None:
    """A completion and an error on the same live interview: one status, never both."""
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
    results = await _race(
        resources,
        [
            lambda s: lifecycle.complete(s, interview.id, EndReason.USER_INITIATED),
            lambda s: lifecycle.fail(s, interview.id, InterviewStatus.IN_PROGRESS),
        ]
        * 4,
    )
    assert results.count(True) == 1
    status = (await _load(resources, interview.id)).status
    expected = InterviewStatus.COMPLETED if results.index(True) % 2 == 0 else InterviewStatus.ERROR
    assert status == expected


async def test_losing_transition_changes_nothing(
    resources: Resources, interview: Interview
) -> None:
    """A second complete returns False and keeps the first end time and reason."""
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
        await lifecycle.complete(session, interview.id, EndReason.USER_INITIATED)
    first = await _load(resources, interview.id)
    async with resources.sessions() as session:
        assert await lifecycle.complete(session, interview.id, EndReason.TIMEOUT) is False
    again = await _load(resources, interview.id)
    assert (again.ended_at, again.end_reason) == (first.ended_at, EndReason.USER_INITIATED)


async def test_start_of_missing_interview_is_false(resources: Resources) -> None:
    """No row matched: the caller did not win."""
    async with resources.sessions() as session:
        assert await lifecycle.start(session, "no-such-interview") is False


async def test_fail_from_pending(resources: Resources, interview: Interview) -> None:
    """A fault before the start ends the interview as ERROR with INTERNAL_ERROR."""
    async with resources.sessions() as session:
        assert await lifecycle.fail(session, interview.id, InterviewStatus.PENDING)
    loaded = await _load(resources, interview.id)
    assert loaded.status == InterviewStatus.ERROR
    assert loaded.end_reason == EndReason.INTERNAL_ERROR


@pytest.mark.parametrize(
    ("expected", "new"),
    [
        (InterviewStatus.PENDING, InterviewStatus.COMPLETED),
        (InterviewStatus.COMPLETED, InterviewStatus.IN_PROGRESS),
        (InterviewStatus.COMPLETED, InterviewStatus.ERROR),
        (InterviewStatus.ERROR, InterviewStatus.PENDING),
        (InterviewStatus.IN_PROGRESS, InterviewStatus.PENDING),
    ],
)
async def test_illegal_transitions_raise(
    resources: Resources, interview: Interview, expected: InterviewStatus, new: InterviewStatus
) -> None:
    """Edges the lifecycle does not allow are programming errors, raised before any write."""
    async with resources.sessions() as session:
        with pytest.raises(lifecycle.IllegalTransition):
            await lifecycle._compare_and_set(session, interview.id, expected, new)
    assert (await _load(resources, interview.id)).status == InterviewStatus.PENDING


async def test_fail_from_a_final_status_raises(resources: Resources, interview: Interview) -> None:
    """fail() with a finished expected status is refused by the transition table."""
    async with resources.sessions() as session:
        with pytest.raises(lifecycle.IllegalTransition):
            await lifecycle.fail(session, interview.id, InterviewStatus.COMPLETED)


async def test_touch_only_moves_last_seen_of_live_interviews(
    resources: Resources, interview: Interview
) -> None:
    """touch() records liveness for IN_PROGRESS and ignores other statuses."""
    async with resources.sessions() as session:
        await lifecycle.touch(session, [interview.id])
        await session.commit()
    assert (await _load(resources, interview.id)).last_seen_at is None
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
        started = (await _load(resources, interview.id)).last_seen_at
        assert started is not None
        later = started.replace(year=started.year + 1)
        await lifecycle.touch(session, [interview.id], now=later)
        await session.commit()
    assert (await _load(resources, interview.id)).last_seen_at == later
