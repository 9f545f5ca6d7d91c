"""Drops, rejoins, a second tab, and the grace period that completes abandoned interviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from interview_coach.db.base import utcnow
from interview_coach.interviewer.mock import script
from interview_coach.interviews import lifecycle
from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources

from .conftest import (
    Client,
    Seat,
    ServerFactory,
    client,
    eventually,
    load,
    stored_transcript,
    url_of,
)

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries

LINES = script("Platform Engineer", "a friendly hiring manager")


async def test_drop_leaves_interview_in_progress(
    server: RealtimeServer, seat: Seat, resources: Resources
) -> None:
    """A client that goes away without EndRequest leaves the interview IN_PROGRESS."""
    async with client(url_of(server)) as c:
        await c.join(seat)
        await c.finals(1)
    seen_before = (await load(resources, seat.interview.id)).last_seen_at

    async def detached() -> bool:
        return seat.interview.id not in server.sessions

    await eventually(detached)
    interview = await load(resources, seat.interview.id)
    assert interview.status == InterviewStatus.IN_PROGRESS
    assert interview.ended_at is None
    assert seen_before is not None and interview.last_seen_at is not None
    assert interview.last_seen_at >= seen_before


async def test_rejoin_resends_transcript_and_goes_on(url: str, seat: Seat, encoding: str) -> None:
    """A rejoin gets resumed=true, the saved lines as finals with their ids, then line 3."""
    async with client(url, encoding) as c:
        await c.join(seat)
        first = await c.finals(2)
    async with client(url, encoding) as c:
        start = await c.join(seat)
        resent = [(await c.expect("partial_transcript")).partial_transcript for _ in first]
        following = await c.finals(1)
    assert start.resumed
    assert start.elapsed_ms >= first[-1].offset_ms
    assert resent == first
    assert following[0].utterance_id == "u2"
    assert following[0].text == LINES[2]


async def test_newer_connection_replaces_older(
    url: str, seat: Seat, resources: Resources, encoding: str
) -> None:
    """A second connection takes over: the first gets SessionEnded(REPLACED) and closes."""
    async with client(url, encoding) as older:
        await older.join(seat)
        await older.finals(1)
        # The second tab opens now, as a person's would: opened at the start it idled past
        # the start timeout on a loaded machine while the first waited for its line.
        async with client(url, encoding) as newer:
            start = await newer.join(seat)
            ended = (await older.until("session_ended"))[-1].session_ended
            assert await older.closed() == CloseCode.NORMAL
            await newer.finals(2)
            await newer.end()
            await newer.until("session_ended")
    assert ended.reason == pb.SessionEnded.REPLACED
    assert start.resumed
    rows = await stored_transcript(resources, seat.interview.id)
    assert [r.sequence for r in rows] == list(range(len(rows)))
    assert [r.text for r in rows] == LINES[: len(rows)]
    assert (await load(resources, seat.interview.id)).end_reason == EndReason.USER_INITIATED


async def test_grace_period_completes_abandoned_interview(
    start_server: ServerFactory, seat: Seat, resources: Resources
) -> None:
    """With no connection for the grace period the interview is COMPLETED (ABANDONED)."""
    server = await start_server(rejoin_grace_seconds=0.3)
    async with client(url_of(server)) as c:
        await c.join(seat)

    async def completed() -> bool:
        return (await load(resources, seat.interview.id)).status == InterviewStatus.COMPLETED

    await eventually(completed)
    interview = await load(resources, seat.interview.id)
    assert interview.end_reason == EndReason.ABANDONED
    assert interview.ended_at is not None


async def test_sweeper_completes_interviews_left_before_a_restart(
    start_server: ServerFactory, seat: Seat, resources: Resources
) -> None:
    """An interview last seen by an earlier process is completed by a fresh server."""
    async with resources.sessions() as db:
        await lifecycle.start(db, seat.interview.id, now=utcnow() - timedelta(hours=1))
    await start_server(rejoin_grace_seconds=600)

    async def completed() -> bool:
        return (await load(resources, seat.interview.id)).end_reason == EndReason.ABANDONED

    await eventually(completed)


async def test_live_session_is_never_swept(
    start_server: ServerFactory, seat: Seat, resources: Resources
) -> None:
    """A connected interview is not abandoned even when its last_seen_at looks stale."""
    server = await start_server(rejoin_grace_seconds=0.01, touch_interval_seconds=60)
    async with client(url_of(server)) as c:
        await c.join(seat)
        await c.finals(1)
        assert await server.sweeper.sweep() == []
        await c.end()
        ended = (await c.until("session_ended"))[-1].session_ended
    assert ended.reason == pb.SessionEnded.USER_INITIATED
    assert (await load(resources, seat.interview.id)).end_reason == EndReason.USER_INITIATED


async def test_replacing_does_not_wait_for_an_unresponsive_older_client(
    server: RealtimeServer, seat: Seat
) -> None:
    """A stalled older tab (reading nothing, so no close reply) never delays the newer one:
    the newer tab is admitted while the older one's closing handshake still hangs."""
    async with client(url_of(server)) as older:
        await older.join(seat)
        await older.finals(1)
        older.ws.transport.pause_reading()  # the stall: nothing read, no close answered
        async with client(url_of(server)) as newer:
            start = await newer.join(seat)
            assert start.resumed
            assert not _is_closed(_server_side(server, older))
        older.ws.transport.resume_reading()
        kinds = [m.WhichOneof("payload") for m in await older.until("session_ended")]
        assert kinds[-1] == "session_ended"


def _server_side(server: RealtimeServer, peer: Client) -> Any:
    """The server's end of ``peer``'s socket, from either transport library's server."""
    listener: Any = server._server
    assert listener is not None
    [connection] = [
        c for c in listener.all_connections if c.remote_address == peer.ws.local_address
    ]
    return connection


def _is_closed(connection: Any) -> bool:
    state = getattr(connection, "state", None)  # websockets
    return state.name == "CLOSED" if state is not None else bool(connection.closed)  # picows
