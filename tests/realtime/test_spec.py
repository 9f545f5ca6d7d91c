"""The seed spec's four backend tests, in both encodings."""

from __future__ import annotations

from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.resources import Resources

from .conftest import Seat, client, load

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries


async def test_successful_connection_and_authentication(
    url: str, seat: Seat, encoding: str
) -> None:
    """A valid StartRequest gets a StartResponse saying what the client needs to start."""
    async with client(url, encoding) as c:
        response = await c.join(seat)
    assert response.session_id
    assert response.duration_seconds == 30 * 60
    assert response.ai_sample_rate_hertz == 24000
    assert not response.resumed
    assert 0 <= response.elapsed_ms < 2000


async def test_invalid_token_gets_error_and_close(url: str, seat: Seat, encoding: str) -> None:
    """A token that fails its signature check gets Error 4401, then the close."""
    async with client(url, encoding) as c:
        await c.start(seat.token + "x", seat.interview.id)
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.INVALID_TOKEN
    assert "not valid" in error.message


async def test_start_marks_interview_in_progress(
    url: str, seat: Seat, resources: Resources
) -> None:
    """After the StartRequest the interview is IN_PROGRESS with started_at set."""
    async with client(url) as c:
        await c.join(seat)
        interview = await load(resources, seat.interview.id)
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.started_at is not None


async def test_end_request_completes_interview(
    url: str, seat: Seat, resources: Resources, encoding: str
) -> None:
    """EndRequest: COMPLETED with ended_at, SessionEnded(USER_INITIATED), normal close."""
    async with client(url, encoding) as c:
        await c.join(seat)
        await c.end()
        ended = (await c.until("session_ended"))[-1].session_ended
        code = await c.closed()
    assert ended.reason == pb.SessionEnded.USER_INITIATED
    assert code == CloseCode.NORMAL
    interview = await load(resources, seat.interview.id)
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.end_reason == EndReason.USER_INITIATED
    assert interview.ended_at is not None
