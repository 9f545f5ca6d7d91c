"""Garbage from many clients gets Error and close; a good client on the same server is
undisturbed. Hypothesis runs in a worker thread and drives each probe on the test's loop,
so the server and the good client keep running between examples."""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.realtime.server import RealtimeServer

from .conftest import Seat, ServerFactory, client, url_of

KEYS = st.sampled_from(
    ["startRequest", "audioChunk", "endRequest", "authToken", "interviewId", "audioContent"]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(), inner),
    max_leaves=12,
)
GARBAGE = st.binary(max_size=400) | JSON_VALUES.map(json.dumps)
REFUSALS = {
    CloseCode.INVALID_PAYLOAD,
    CloseCode.POLICY_VIOLATION,
    CloseCode.BAD_REQUEST,
    CloseCode.INVALID_TOKEN,
}


async def probe(url: str, frame: bytes | str) -> tuple[int, int | None]:
    """Send one frame on a fresh connection; the Error code and the close code."""
    async with client(url, "binary" if isinstance(frame, bytes) else "json") as c:
        await c.ws.send(frame)
        error, code = await c.error_and_close()
    return error.code, code


async def well_behaved(server: RealtimeServer, seat: Seat, done: asyncio.Event) -> int:
    """Join, stream 40 ms chunks in real time until ``done``, end; the SessionEnded reason."""
    sent = 0
    async with client(url_of(server)) as c:
        await c.join(seat)
        await c.finals(1)
        while not done.is_set() or sent < 10:
            await c.audio()
            sent += 1
            await asyncio.sleep(0.04)
        await c.end()
        messages = await c.until("session_ended")
        assert not any(m.HasField("error") for m in messages)
        assert await c.closed() == CloseCode.NORMAL
    assert server.sessions.audio_chunks_total == sent
    return messages[-1].session_ended.reason


async def test_garbage_is_refused_while_a_good_client_finishes(
    start_server: ServerFactory, seat: Seat
) -> None:
    """Random bytes and random JSON each get Error then the same close code; the good
    client's session ends normally at its own EndRequest."""
    # A start timeout well above a busy machine's scheduling delay: each probe must be
    # refused for its frame, not timed out before the frame is read.
    server = await start_server(interviewer_gap_seconds=30, start_timeout_seconds=3.0)
    url = url_of(server)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    good = asyncio.create_task(well_behaved(server, seat, done))

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(frame=GARBAGE)
    def garbage_is_refused(frame: bytes | str) -> None:
        error, code = asyncio.run_coroutine_threadsafe(probe(url, frame), loop).result(10)
        assert error == code
        assert code in REFUSALS

    try:
        await asyncio.to_thread(garbage_is_refused)
    finally:
        loop.call_soon_threadsafe(done.set)
    assert await good == pb.SessionEnded.USER_INITIATED
