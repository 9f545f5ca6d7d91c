"""Frames the server must refuse, limits it enforces, and audio it accepts and counts."""

from __future__ import annotations

import contextlib
import json
import logging

import pytest
from google.protobuf import json_format
from websockets.exceptions import ConnectionClosed

from interview_coach.interviews.enums import InterviewStatus
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.realtime.processors import ProcessorContext
from interview_coach.realtime.server import HARD_CAP_FACTOR, RealtimeServer
from interview_coach.resources import Resources

from .conftest import CHUNK_40MS, Seat, ServerFactory, client, eventually, load, url_of

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries


async def test_malformed_binary_frame(url: str) -> None:
    """Bytes that are not protobuf get Error 1007 as binary protobuf, then the close."""
    async with client(url, "binary") as c:
        await c.ws.send(b"\xff\xff\xff")
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.INVALID_PAYLOAD


async def test_malformed_json_frame(url: str) -> None:
    """Text that is not JSON gets Error 1007 as JSON, then the close."""
    async with client(url, "json") as c:
        await c.ws.send("{not json")
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.INVALID_PAYLOAD


async def test_json_with_unknown_field(url: str, seat: Seat) -> None:
    """Unknown JSON fields are rejected (1007) with the field named, not silently dropped."""
    request = {
        "authToken": seat.token,
        "interviewId": seat.interview.id,
        "audioConfig": {"encoding": "LINEAR_PCM", "sampleRateHertz": 16000},
        "userId": 7,
    }
    frame = json.dumps({"startRequest": request})
    async with client(url, "json") as c:
        await c.ws.send(frame)
        error, code = await c.error_and_close()
    assert error.code == code == CloseCode.INVALID_PAYLOAD
    assert "userId" in error.message


async def test_oversized_frame(url: str, seat: Seat, resources: Resources, encoding: str) -> None:
    """A frame above max_frame_bytes gets Error 1009; the interview stays rejoinable."""
    async with client(url, encoding) as c:
        await c.join(seat)
        await c.audio(b"\x00" * (resources.settings.max_frame_bytes + 2))
        messages = await c.until("error")
        code = await c.closed()
    assert messages[-1].error.code == code == CloseCode.MESSAGE_TOO_BIG
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.IN_PROGRESS


async def test_audio_flood(url: str, seat: Seat, resources: Resources, encoding: str) -> None:
    """Audio much faster than real time is cut off with 4429 once the burst is spent."""
    burst_chunks = int(resources.settings.audio_burst_seconds / 0.04)
    async with client(url, encoding) as c:
        await c.join(seat)
        for _ in range(burst_chunks + 20):
            await c.audio()
        messages = await c.until("error")
        code = await c.closed()
    assert messages[-1].error.code == code == CloseCode.RATE_LIMITED
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.IN_PROGRESS


async def test_odd_sized_audio(url: str, seat: Seat) -> None:
    """Audio that is not whole 16-bit samples gets 1007."""
    async with client(url) as c:
        await c.join(seat)
        await c.audio(b"\x00\x01\x02")
        error = (await c.until("error"))[-1].error
    assert error.code == CloseCode.INVALID_PAYLOAD


async def test_second_start_request(url: str, seat: Seat) -> None:
    """A second StartRequest on a live connection is a protocol violation (1008)."""
    async with client(url) as c:
        await c.join(seat)
        await c.start(seat.token, seat.interview.id)
        error = (await c.until("error"))[-1].error
        code = await c.closed()
    assert error.code == code == CloseCode.POLICY_VIOLATION


async def test_audio_chunks_are_counted(
    server: RealtimeServer, seat: Seat, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Accepted chunks show on the live session's counter and in the end-of-session log."""
    caplog.set_level(logging.INFO, logger="interview_coach.realtime")
    async with client(url_of(server), encoding) as c:
        await c.join(seat)
        for _ in range(10):
            await c.audio()

        async def counted() -> bool:
            session = server.sessions.get(seat.interview.id)
            return session is not None and session.stats.audio_chunks == 10

        await eventually(counted)
        await c.end()
        await c.closed()

    def ended() -> list[logging.LogRecord]:
        return [r for r in caplog.records if getattr(r, "event", None) == "session.ended"]

    async def logged() -> bool:
        return bool(ended())

    await eventually(logged)
    assert ended()[-1].fields["audio_chunks"] == 10  # type: ignore[attr-defined]
    assert server.sessions.audio_chunks_total == 10
    assert seat.token not in caplog.text


class Recorder:
    """An audio processor that remembers what it was given."""

    def __init__(self, context: ProcessorContext) -> None:
        self.context = context
        self.chunks: list[tuple[int, int]] = []
        self.closed_at: int | None = None

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        self.chunks.append((len(pcm), offset_ms))

    async def close(self, offset_ms: int) -> None:
        self.closed_at = offset_ms


async def test_audio_reaches_processors_with_offsets(
    start_server: ServerFactory, seat: Seat
) -> None:
    """Each chunk reaches every processor with its offset from the start, then close."""
    recorders: list[Recorder] = []

    def factory(context: ProcessorContext) -> Recorder:
        recorders.append(Recorder(context))
        return recorders[-1]

    server = await start_server(server_kwargs={"audio_processors": [factory]})
    async with client(url_of(server)) as c:
        start = await c.join(seat)
        for _ in range(5):
            await c.audio()
        await c.end()
        await c.closed()
    [recorder] = recorders
    base = start.elapsed_ms
    assert recorder.context.sample_rate == 16000
    assert recorder.chunks == [(len(CHUNK_40MS), base + 40 * i) for i in range(5)]
    assert recorder.closed_at == base + 200


class InlineRecorder(Recorder):
    """An inline processor: ``feed`` runs in the receive loop; one chunk in makes it fail."""

    def __init__(self, context: ProcessorContext, fail_at: int | None = None) -> None:
        super().__init__(context)
        self.fail_at = fail_at

    def feed(self, pcm: bytes, offset_ms: int) -> None:
        if len(self.chunks) == self.fail_at:
            raise RuntimeError("inline processor broke")
        self.chunks.append((len(pcm), offset_ms))


async def test_inline_and_queued_processors_each_get_every_chunk_in_order(
    start_server: ServerFactory, seat: Seat, caplog: pytest.LogCaptureFixture
) -> None:
    """Inline processors are fed in the receive loop, queued ones in the pump, each in
    order; an inline one that raises is logged and left out, the session and the others go
    on."""
    made: dict[str, Recorder] = {}

    def inline(context: ProcessorContext) -> Recorder:
        made["inline"] = InlineRecorder(context)
        return made["inline"]

    def breaking(context: ProcessorContext) -> Recorder:
        made["breaking"] = InlineRecorder(context, fail_at=2)
        return made["breaking"]

    def queued(context: ProcessorContext) -> Recorder:
        made["queued"] = Recorder(context)
        return made["queued"]

    server = await start_server(server_kwargs={"audio_processors": [inline, breaking, queued]})
    async with client(url_of(server)) as c:
        start = await c.join(seat)
        for _ in range(5):
            await c.audio()
        await c.end()
        ended = (await c.until("session_ended"))[-1].session_ended
        await c.closed()
    assert ended.reason == pb.SessionEnded.USER_INITIATED
    every = [(len(CHUNK_40MS), start.elapsed_ms + 40 * i) for i in range(5)]
    assert made["inline"].chunks == every
    assert made["queued"].chunks == every
    assert made["inline"].closed_at == made["queued"].closed_at == start.elapsed_ms + 200
    assert made["breaking"].chunks == every[:2]
    assert made["breaking"].closed_at is None  # removed: not closed
    assert "audio processor InlineRecorder failed; removed" in caplog.text


async def test_repeated_end_request(url: str, seat: Seat, resources: Resources) -> None:
    """Two EndRequests in a row get one SessionEnded and a normal close."""
    async with client(url) as c:
        await c.join(seat)
        await c.end()
        await c.end()
        messages = await c.until("session_ended")
        code = await c.closed()
    assert code == CloseCode.NORMAL
    assert [m.WhichOneof("payload") for m in messages].count("session_ended") == 1
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.COMPLETED


async def test_a_fragmented_message_is_one_message(
    server: RealtimeServer, seat: Seat, encoding: str
) -> None:
    """A chunk sent in three fragments (a client may split any message) arrives whole: one
    chunk of its full size, and the session goes on."""
    recorder: list[int] = []
    async with client(url_of(server), encoding) as c:
        await c.join(seat)
        message = pb.ClientToServerMessage(audio_chunk=pb.AudioChunk(audio_content=CHUNK_40MS))
        frame: bytes | str = (
            message.SerializeToString()
            if encoding == "binary"
            else json_format.MessageToJson(message, indent=None)
        )
        third = len(frame) // 3
        await c.ws.send([frame[:third], frame[third : 2 * third], frame[2 * third :]])

        async def counted() -> bool:
            session = server.sessions.get(seat.interview.id)
            if session is not None:
                recorder[:] = [session.stats.audio_chunks, session.stats.audio_bytes]
            return recorder == [1, len(CHUNK_40MS)]

        await eventually(counted)
        await c.end()
        assert (await c.until("session_ended"))[-1].session_ended.reason == (
            pb.SessionEnded.USER_INITIATED
        )


async def test_fragments_past_the_size_cap_close_with_1009(
    server: RealtimeServer, seat: Seat, resources: Resources
) -> None:
    """Fragments that add up to more than the transport's cap close the connection with
    1009 however small each fragment is, before the message is ever whole (so no Error
    message: that is the protocol's answer to a whole message over ``max_frame_bytes``);
    the interview stays rejoinable."""
    cap = resources.settings.max_frame_bytes * HARD_CAP_FACTOR
    async with client(url_of(server), "binary") as c:
        await c.join(seat)
        await c.ws.send([b"\x00" * (cap // 4)] * 5)
        kinds = []
        with contextlib.suppress(ConnectionClosed):
            while True:
                kinds.append((await c.recv()).WhichOneof("payload"))
        assert "error" not in kinds
        assert await c.closed() == CloseCode.MESSAGE_TOO_BIG
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.IN_PROGRESS
