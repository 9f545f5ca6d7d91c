"""End to end: a real websockets client streams spoken audio to a real real-time server;
the user's speech segments land in the database while the session is still live."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection, connect

from feedback.audio import SAMPLE_RATE, Placed, chunks, mix, require_tools, synthesise
from feedback.helpers import InterviewFactory, eventually, make_member
from interview_coach.interviews.speech import Segment
from interview_coach.interviews.speech import store as speech_store
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources

TOLERANCE_MS = 100
WAIT_SECONDS = 20.0


@pytest.fixture
async def server(resources: Resources) -> AsyncIterator[RealtimeServer]:
    """The real server with its default processors. The test streams far faster than real
    time, so the rate limit and the processors' queue are widened (a real client's 40 ms
    pace never fills it); the mock interviewer waits a minute before its first line, so it
    never ends the session while the test streams."""
    update = {
        "audio_rate_factor": 200.0,
        "audio_burst_seconds": 120.0,
        "audio_queue_chunks": 4096,
        "interviewer_delay_seconds": 60.0,
    }
    fast = dataclasses.replace(resources, settings=resources.settings.model_copy(update=update))
    started = RealtimeServer(fast)
    await started.start("127.0.0.1", 0)
    yield started
    await started.stop()


def spoken(directory: Path) -> tuple[bytes, list[Placed]]:
    require_tools()
    first = synthesise("I spent three years running the payments platform.", directory, "a")
    second = synthesise("We moved it to a new cloud region with no downtime.", directory, "b")
    second_at = 1_000 + len(first) * 1000 // SAMPLE_RATE + 3_000
    end_ms = second_at + len(second) * 1000 // SAMPLE_RATE + 1_500
    return mix([(1_000, first), (second_at, second)], end_ms)


def message(**payload: object) -> bytes:
    return pb.ClientToServerMessage(**payload).SerializeToString()  # type: ignore[arg-type]


async def next_of(ws: ClientConnection, kind: str) -> pb.ServerToClientMessage:
    """Skip the interviewer's chatter up to the next message of ``kind``."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            received = pb.ServerToClientMessage()
            frame = await ws.recv()
            assert isinstance(frame, bytes)
            received.ParseFromString(frame)
            if received.WhichOneof("payload") == kind:
                return received


async def test_segments_stored_while_live(
    server: RealtimeServer,
    resources: Resources,
    make_interview: InterviewFactory,
    tmp_path: Path,
) -> None:
    """40 ms AudioChunks in; each answer's segment is stored before the session ends."""
    pcm, truth = spoken(tmp_path)
    interview = await make_interview(await make_member(resources), None)
    token = resources.tickets.issue(interview.user_id, interview.id)

    async def stored() -> list[Segment]:
        async with resources.sessions() as db:
            return await speech_store.for_interview(db, interview.id)

    async def has(count: int) -> bool:
        return len(await stored()) >= count

    config = pb.AudioConfig(encoding=pb.AudioConfig.LINEAR_PCM, sample_rate_hertz=SAMPLE_RATE)
    async with connect(f"ws://127.0.0.1:{server.port}", compression=None) as ws:
        await ws.send(
            message(
                start_request=pb.StartRequest(
                    auth_token=token, interview_id=interview.id, audio_config=config
                )
            )
        )
        start = (await next_of(ws, "start_response")).start_response
        pieces = chunks(pcm, 40)
        first_done = truth[0].end_ms + 1_000
        for offset_ms, chunk in pieces:
            if offset_ms >= first_done:
                break
            await ws.send(message(audio_chunk=pb.AudioChunk(audio_content=chunk)))
        await eventually(lambda: has(1))  # the first answer is saved mid-session
        for offset_ms, chunk in pieces:
            if offset_ms >= first_done:
                await ws.send(message(audio_chunk=pb.AudioChunk(audio_content=chunk)))
        await ws.send(message(end_request=pb.EndRequest()))
        await next_of(ws, "session_ended")

    await eventually(lambda: has(2))
    segments = await stored()
    assert len(segments) == 2
    for segment, placed in zip(segments, truth, strict=True):
        assert abs(segment.start_ms - start.elapsed_ms - placed.start_ms) <= TOLERANCE_MS
        assert abs(segment.end_ms - start.elapsed_ms - placed.end_ms) <= TOLERANCE_MS
