"""Report rows: one generation at a time per interview, by compare-and-set."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from feedback.helpers import InterviewFactory, make_member
from feedback.scenarios import TIMING_ONLY, material_of
from interview_coach.db.base import utcnow
from interview_coach.feedback import store
from interview_coach.feedback.offline import compose
from interview_coach.feedback.status import FeedbackStatus
from interview_coach.resources import Resources


async def finished_interview(resources: Resources, make_interview: InterviewFactory) -> str:
    return (await make_interview(await make_member(resources))).id


async def test_racing_first_claims_have_one_winner(
    resources: Resources, make_interview: InterviewFactory
) -> None:
    """Two requests opening the page at once: exactly one starts a generation."""
    interview_id = await finished_interview(resources, make_interview)

    async def claim() -> int | None:
        async with resources.sessions() as db:
            return await store.claim(db, interview_id, "offline")

    results = await asyncio.gather(claim(), claim(), claim())
    assert sorted(results, key=str) == [1, None, None]


async def test_regenerate_while_pending_does_nothing(
    resources: Resources, make_interview: InterviewFactory
) -> None:
    """A double click on "regenerate" while one runs claims nothing."""
    interview_id = await finished_interview(resources, make_interview)
    async with resources.sessions() as db:
        assert await store.claim(db, interview_id, "offline") == 1
        assert await store.claim(db, interview_id, "offline", again=True) is None


async def test_ready_report_is_claimed_again_only_on_request(
    resources: Resources, make_interview: InterviewFactory
) -> None:
    """Opening the page keeps a READY report; "regenerate" claims attempt 2."""
    interview_id = await finished_interview(resources, make_interview)
    async with resources.sessions() as db:
        assert await store.claim(db, interview_id, "offline") == 1
        assert await store.complete(db, interview_id, 1, compose(material_of(TIMING_ONLY)))
        assert await store.claim(db, interview_id, "offline") is None
        assert await store.claim(db, interview_id, "offline", again=True) == 2
        row = await store.get(db, interview_id)
    assert row is not None and row.status is FeedbackStatus.PENDING


async def test_superseded_attempt_cannot_write(
    resources: Resources, make_interview: InterviewFactory
) -> None:
    """A generator whose attempt was taken over stores nothing."""
    interview_id = await finished_interview(resources, make_interview)
    later = utcnow() + store.STALE_AFTER + timedelta(seconds=1)
    async with resources.sessions() as db:
        assert await store.claim(db, interview_id, "offline") == 1
        assert await store.claim(db, interview_id, "offline", now=later) == 2  # stale: taken over
        assert not await store.fail(db, interview_id, 1, "late failure")
        assert await store.complete(db, interview_id, 2, compose(material_of(TIMING_ONLY)))
        row = await store.get(db, interview_id)
    assert row is not None
    assert (row.status, row.attempt, row.error) == (FeedbackStatus.READY, 2, None)


async def test_failed_report_keeps_its_message_until_retried(
    resources: Resources, make_interview: InterviewFactory
) -> None:
    """FAILED shows the message; the retry clears it and claims the next attempt."""
    interview_id = await finished_interview(resources, make_interview)
    async with resources.sessions() as db:
        await store.claim(db, interview_id, "offline")
        assert await store.fail(db, interview_id, 1, "Try again in a moment.")
        row = await store.get(db, interview_id)
        assert row is not None and (row.status, row.error) == (
            FeedbackStatus.FAILED,
            "Try again in a moment.",
        )
        assert await store.claim(db, interview_id, "offline", again=True) == 2
        row = await store.get(db, interview_id)
    assert row is not None and (row.status, row.error) == (FeedbackStatus.PENDING, None)
