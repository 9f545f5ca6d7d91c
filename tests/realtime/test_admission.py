"""Who may start or rejoin which interview, and the Error and close code for each refusal."""

from __future__ import annotations

import time

from interview_coach.auth.tickets import TicketSigner
from interview_coach.interviews import lifecycle
from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.realtime.errors import CloseCode
from interview_coach.resources import Resources

from .conftest import Seat, SeatFactory, client, load


async def refusal(
    url: str, token: str, interview_id: str, encoding: str = "binary"
) -> tuple[int, int | None, str]:
    """Start with ``token`` and return (Error.code, close code, Error.message)."""
    async with client(url, encoding) as c:
        await c.start(token, interview_id)
        error, code = await c.error_and_close()
    return error.code, code, error.message


async def test_expired_token(url: str, seat: Seat, resources: Resources, encoding: str) -> None:
    """A correctly signed but expired ticket gets 4402 so the page can fetch a new one."""
    key = resources.settings.signing_key()
    past = TicketSigner(key, resources.tickets.max_age_seconds, clock=lambda: time.time() - 3600)
    token = past.issue(seat.user.id, seat.interview.id)
    code, closed, message = await refusal(url, token, seat.interview.id, encoding)
    assert code == closed == CloseCode.EXPIRED_TOKEN
    assert "expired" in message


async def test_ticket_for_another_interview(url: str, make_seat: SeatFactory) -> None:
    """A ticket opens only the interview it was issued for (4401)."""
    first = await make_seat()
    second = await make_seat(user=first.user)
    code, closed, _ = await refusal(url, first.token, second.interview.id)
    assert code == closed == CloseCode.INVALID_TOKEN


async def test_another_users_interview_is_not_found(
    url: str, make_seat: SeatFactory, resources: Resources
) -> None:
    """Someone else's interview gets 404 with the same words as one that does not exist."""
    mine, theirs = await make_seat(), await make_seat()
    foreign = resources.tickets.issue(mine.user.id, theirs.interview.id)
    missing = resources.tickets.issue(mine.user.id, "no-such-interview")
    foreign_answer = await refusal(url, foreign, theirs.interview.id)
    missing_answer = await refusal(url, missing, "no-such-interview")
    assert foreign_answer == missing_answer
    assert foreign_answer[:2] == (CloseCode.NOT_FOUND, CloseCode.NOT_FOUND)
    assert (await load(resources, theirs.interview.id)).status == InterviewStatus.PENDING


async def test_unknown_interview(url: str, seat: Seat, resources: Resources, encoding: str) -> None:
    """An interview id that does not exist gets 4404 and the close."""
    token = resources.tickets.issue(seat.user.id, "does-not-exist")
    code, closed, message = await refusal(url, token, "does-not-exist", encoding)
    assert code == closed == CloseCode.NOT_FOUND
    assert message == "Interview not found."


async def test_completed_interview(url: str, seat: Seat, resources: Resources) -> None:
    """A COMPLETED interview cannot be joined again (4410) and stays as it was."""
    async with resources.sessions() as db:
        await lifecycle.start(db, seat.interview.id)
        await lifecycle.complete(db, seat.interview.id, EndReason.USER_INITIATED)
    code, closed, message = await refusal(url, seat.token, seat.interview.id)
    assert code == closed == CloseCode.INTERVIEW_OVER
    assert "already ended" in message
    assert (await load(resources, seat.interview.id)).end_reason == EndReason.USER_INITIATED


async def test_second_interview_while_one_in_progress(
    url: str, make_seat: SeatFactory, resources: Resources
) -> None:
    """Starting another interview while one is IN_PROGRESS is refused with 4409, clearly."""
    first = await make_seat(job_title="Data Analyst")
    second = await make_seat(user=first.user)
    async with resources.sessions() as db:
        await lifecycle.start(db, first.interview.id)
    code, closed, message = await refusal(url, second.token, second.interview.id)
    assert code == closed == CloseCode.OTHER_INTERVIEW_IN_PROGRESS
    assert "Data Analyst" in message
    assert (await load(resources, second.interview.id)).status == InterviewStatus.PENDING


async def test_no_start_request_in_time(url: str, seat: Seat, resources: Resources) -> None:
    """A connection that sends nothing gets Error 4408 after the start timeout."""
    async with client(url, "json") as c:
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.START_TIMEOUT
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.PENDING


async def test_audio_before_start(url: str, encoding: str) -> None:
    """Audio before a StartRequest breaks the protocol order (1008)."""
    async with client(url, encoding) as c:
        await c.audio()
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.POLICY_VIOLATION


async def test_end_request_before_start(url: str, encoding: str) -> None:
    """EndRequest before any StartRequest gets a clear Error saying there is nothing to end."""
    async with client(url, encoding) as c:
        await c.end()
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.POLICY_VIOLATION
    assert "Nothing to end" in error.message


async def test_unsupported_sample_rate(url: str, seat: Seat) -> None:
    """A StartRequest with an unusable audio config gets 4400 naming the field."""
    async with client(url) as c:
        await c.start(seat.token, seat.interview.id, rate=12345)
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.BAD_REQUEST
    assert "sampleRateHertz" in error.message
