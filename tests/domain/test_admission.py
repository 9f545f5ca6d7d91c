"""The admission rules of a live session, in the domain, without a socket."""

from __future__ import annotations

import pytest
from support import add_member

from interview_coach.db.models import Interview
from interview_coach.errors import InterviewOver, NotFound, OtherInterviewInProgress
from interview_coach.interviews import lifecycle, service
from interview_coach.interviews.admission import admit
from interview_coach.interviews.enums import EndReason, InterviewStatus
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
