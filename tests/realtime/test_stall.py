"""A server-side stall must not cut off a client that sent its audio in real time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import pytest
from conftest import LiveServer
from support import add_member

from interview_coach.config import Settings
from interview_coach.interviews import service
from interview_coach.realtime.errors import CloseCode

from .conftest import CHUNK_40MS, client, eventually

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries

STALL_SECONDS = 3.0
STREAM_CHUNKS = 150  # 6 s of 40 ms chunks
STALL_AT_CHUNK = 25  # 1 s in


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """The real web and real-time servers on their own loop, so the test can stall it; the
    interviewer keeps its real pace so it does not end the interview during the test."""
    server = LiveServer(
        settings.model_copy(
            update={"interviewer_gap_seconds": 60.0, "interviewer_word_seconds": 0.12}
        )
    ).start()
    yield server
    server.stop()


async def test_three_second_stall_keeps_a_real_time_session(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The server's loop blocks for 3 s while the client keeps sending 40 ms chunks on time;
    the audio that piled up arrives as one burst and the session carries on (no 4429), with
    every chunk handed to the speech processors (none dropped from their queue)."""
    caplog.set_level(logging.INFO, logger="interview_coach.realtime")
    user = live_server.run(add_member(live_server.resources))
    data = service.NewInterview(job_title="Platform Engineer", persona="a friendly manager")

    async def create() -> str:
        async with live_server.resources.sessions() as db:
            return (await service.create_interview(db, user.id, data)).id

    interview_id = live_server.run(create())
    token = live_server.resources.tickets.issue(user.id, interview_id)
    loop = asyncio.get_running_loop()
    async with client(live_server.realtime_url) as c:
        await c.start(token, interview_id)
        await c.expect("start_response")
        began = loop.time()
        for index in range(STREAM_CHUNKS):
            if index == STALL_AT_CHUNK:  # a blocking call on the server's event loop
                live_server._loop.call_soon_threadsafe(time.sleep, STALL_SECONDS)
            await asyncio.sleep(max(0.0, began + index * 0.04 - loop.time()))
            await c.audio(CHUNK_40MS)
        await c.end()
        messages = await c.until("session_ended", within=10)
        assert [m.error for m in messages if m.HasField("error")] == []
        assert await c.closed() == CloseCode.NORMAL
    assert live_server.realtime.sessions.audio_chunks_total == STREAM_CHUNKS

    def ended() -> list[logging.LogRecord]:
        return [r for r in caplog.records if getattr(r, "event", None) == "session.ended"]

    async def logged() -> bool:  # written by the server's thread after the close
        return bool(ended())

    await eventually(logged)
    [ended_line] = ended()
    counts = (ended_line.fields["audio_chunks"], ended_line.fields["audio_dropped"])
    assert counts == (STREAM_CHUNKS, 0)
