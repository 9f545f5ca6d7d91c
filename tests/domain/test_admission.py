"""The admission rules of a live session, in the domain, without a socket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from support import add_member

from interview_coach.db.models import Interview
from interview_coach.errors import InterviewOver, NotFound, OtherInterviewInProgress
from interview_coach.interviews import lifecycle, service, transcripts
from interview_coach.interviews.admission import admit
from interview_coach.interviews.enums import EndReason, InterviewStatus, Speaker
from interview_coach.resources import Resources


async def _interview(resources: Resources, user_id: int) -> Interview:
    async with resources.sessions() as db:
        return await service.create_interview(db, user_id, service.NewInterview("Engineer"))


async def test_first_admission_starts_and_the_next_rejoins(resources: Resources) -> None:
    """PENDING goes IN_PROGRESS; admitting again rejoins it with the same start time."""
    user = await add_member(resources)
    interview = await _interview(resources, user.id)
    async with resources.sessions() as db:
        first = await admit(db, user.id, interview.id)
        again = await admit(db, user.id, interview.id)
    assert (first.resumed, again.resumed) == (False, True)
    assert again.interview.status == InterviewStatus.IN_PROGRESS
    assert again.started_at == first.started_at


async def test_one_interview_in_progress_per_user(resources: Resources) -> None:
    """Starting a second PENDING interview while one runs is refused, naming the first."""
    user = await add_member(resources)
    running, other = await _interview(resources, user.id), await _interview(resources, user.id)
    async with resources.sessions() as db:
        await admit(db, user.id, running.id)
        with pytest.raises(OtherInterviewInProgress, match="Engineer"):
            await admit(db, user.id, other.id)


async def test_ended_and_foreign_interviews_are_refused(resources: Resources) -> None:
    """A completed interview is over; someone else's is NotFound, like a missing one."""
    owner, stranger = await add_member(resources), await add_member(resources)
    interview = await _interview(resources, owner.id)
    async with resources.sessions() as db:
        await admit(db, owner.id, interview.id)
        await lifecycle.complete(db, interview.id, EndReason.USER_INITIATED)
        with pytest.raises(InterviewOver):
            await admit(db, owner.id, interview.id)
        with pytest.raises(NotFound):
            await admit(db, stranger.id, interview.id)


@contextmanager
def statements(resources: Resources) -> Iterator[list[str]]:
    """The SQL statements sent to the database while the block runs (BEGIN and COMMIT are
    not cursor statements on either driver)."""
    seen: list[str] = []

    def before(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split()[0].upper())

    engine = resources.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


async def test_a_start_is_one_statement_and_a_rejoin_adds_the_transcript_read(
    resources: Resources,
) -> None:
    """Ownership, status, the one-in-progress rule and the start are one UPDATE; a rejoin
    adds only the read of its saved lines, which it gets back in order."""
    user = await add_member(resources)
    interview = await _interview(resources, user.id)
    async with resources.sessions() as db:
        with statements(resources) as started:
            first = await admit(db, user.id, interview.id)
        await transcripts.append(db, interview.id, transcripts.Line(0, Speaker.AI, "Hi", 0))
        with statements(resources) as rejoined:
            again = await admit(db, user.id, interview.id)
    assert started == ["UPDATE"]
    assert first.resumed is False and first.transcript == []
    assert rejoined == ["UPDATE", "SELECT"]
    assert again.resumed is True and again.started_at == first.started_at
    assert [entry.text for entry in again.transcript] == ["Hi"]
