"""Interview queries and commands: validation, ownership, ordering, idempotent create."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from interview_coach.db.models import Interview, User
from interview_coach.errors import NotFound, ValidationFailed
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.enums import DEFAULT_PERSONA, InterviewStatus
from interview_coach.resources import Resources

UserFactory = Callable[..., Awaitable[User]]


async def _count(resources: Resources) -> int:
    async with resources.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Interview)) or 0)


async def test_create_trims_and_defaults(resources: Resources, make_user: UserFactory) -> None:
    """Whitespace is trimmed; an empty persona becomes the default interviewer."""
    user = await make_user()
    data = service.NewInterview("  Engineer  ", " desc ", " cv ", "  ", 60)
    async with resources.sessions() as session:
        interview = await service.create_interview(session, user.id, data)
    assert (interview.job_title, interview.job_description, interview.resume) == (
        "Engineer",
        "desc",
        "cv",
    )
    assert interview.persona == DEFAULT_PERSONA
    assert interview.status == InterviewStatus.PENDING


async def test_ids_are_unguessable_and_url_safe(
    resources: Resources, make_user: UserFactory
) -> None:
    """Ids carry 128 random bits in URL-safe characters."""
    user = await make_user()
    async with resources.sessions() as session:
        ids = {
            (await service.create_interview(session, user.id, service.NewInterview("E"))).id
            for _ in range(5)
        }
    assert len(ids) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)


def test_ids_never_start_with_a_dash() -> None:
    """A leading ``-`` reads as an option on a command line; random and keyed ids avoid it
    (with plain base64 one id in 64 had it: 2,000 draws of each found some every time)."""
    random_ids = [service.new_interview_id() for _ in range(2000)]
    keyed_ids = [service.interview_id_for(7, service.new_request_key()) for _ in range(2000)]
    assert [i for i in random_ids + keyed_ids if i.startswith("-")] == []
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in random_ids + keyed_ids)
    assert len(set(random_ids)) == len(random_ids)


def test_validation_reports_every_bad_field() -> None:
    """All problems come back at once, keyed by field."""
    data = service.NewInterview("", "x" * 20_001, "", "p" * 501, 45)
    with pytest.raises(ValidationFailed) as failure:
        data.validated()
    assert set(failure.value.errors) == {
        "job_title",
        "job_description",
        "persona",
        "duration_minutes",
    }


async def test_get_owned_hides_other_users_interviews(
    resources: Resources, make_user: UserFactory
) -> None:
    """Another user's interview raises NotFound, exactly like a missing one."""
    owner, other = await make_user(), await make_user()
    async with resources.sessions() as session:
        interview = await service.create_interview(session, owner.id, service.NewInterview("E"))
        assert (await service.get_owned(session, owner.id, interview.id)).id == interview.id
        with pytest.raises(NotFound) as foreign:
            await service.get_owned(session, other.id, interview.id)
        with pytest.raises(NotFound) as missing:
            await service.get_owned(session, other.id, "missing")
    assert foreign.value.message == missing.value.message


async def test_get_current_picks_own_in_progress(
    resources: Resources, make_user: UserFactory
) -> None:
    """Only the user's own IN_PROGRESS interview is current."""
    me, other = await make_user(), await make_user()
    async with resources.sessions() as session:
        mine = await service.create_interview(session, me.id, service.NewInterview("Mine"))
        theirs = await service.create_interview(session, other.id, service.NewInterview("T"))
        assert await service.get_current(session, me.id) is None
        await lifecycle.start(session, theirs.id)
        assert await service.get_current(session, me.id) is None
        await lifecycle.start(session, mine.id)
        current = await service.get_current(session, me.id)
    assert current is not None and current.id == mine.id


async def test_same_request_key_returns_the_first_interview(
    resources: Resources, make_user: UserFactory
) -> None:
    """A repeated keyed create returns the original and stores nothing new."""
    user = await make_user()
    key = service.new_request_key()
    async with resources.sessions() as session:
        first = await service.create_interview(
            session, user.id, service.NewInterview("First"), request_key=key
        )
        again = await service.create_interview(
            session, user.id, service.NewInterview("Second"), request_key=key
        )
    assert again.id == first.id
    assert again.job_title == "First"
    assert await _count(resources) == 1


async def test_racing_keyed_creates_make_one_interview(
    resources: Resources, make_user: UserFactory
) -> None:
    """Concurrent creates with one key on separate connections all get the same interview."""
    user = await make_user()
    key = service.new_request_key()

    async def create() -> str:
        async with resources.sessions() as session:
            interview = await service.create_interview(
                session, user.id, service.NewInterview("E"), request_key=key
            )
            return interview.id

    ids = await asyncio.gather(*(create() for _ in range(8)))
    assert len(set(ids)) == 1
    assert await _count(resources) == 1


async def test_create_that_loses_the_race_returns_the_winner(
    resources: Resources, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the row appears between the check and the insert, the insert's conflict is caught."""
    user = await make_user()
    key = service.new_request_key()
    async with resources.sessions() as session:
        winner = await service.create_interview(
            session, user.id, service.NewInterview("Winner"), request_key=key
        )
    async with resources.sessions() as late:
        real_get = late.get
        looks = 0

        async def stale_get(*args: Any, **kwargs: Any) -> Any:
            nonlocal looks
            looks += 1
            return None if looks == 1 else await real_get(*args, **kwargs)

        monkeypatch.setattr(late, "get", stale_get)
        loser = await service.create_interview(
            late, user.id, service.NewInterview("Loser"), request_key=key
        )
    assert (loser.id, loser.job_title) == (winner.id, "Winner")
    assert await _count(resources) == 1


async def test_one_key_two_users_two_interviews(
    resources: Resources, make_user: UserFactory
) -> None:
    """A key only deduplicates within one user: nobody can land on another's interview."""
    first, second = await make_user(), await make_user()
    key = service.new_request_key()
    async with resources.sessions() as session:
        a = await service.create_interview(
            session, first.id, service.NewInterview("A"), request_key=key
        )
        b = await service.create_interview(
            session, second.id, service.NewInterview("B"), request_key=key
        )
    assert a.id != b.id
    assert (a.user_id, b.user_id) == (first.id, second.id)


async def test_malformed_request_key_is_a_programming_error(
    resources: Resources, make_user: UserFactory
) -> None:
    """Keys must come from new_request_key(); anything else is refused before writing."""
    user = await make_user()
    async with resources.sessions() as session:
        with pytest.raises(ValueError):
            await service.create_interview(
                session, user.id, service.NewInterview("E"), request_key="short"
            )
    assert await _count(resources) == 0
