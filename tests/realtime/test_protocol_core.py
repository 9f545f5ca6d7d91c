"""The sans-I/O core, without sockets: decoding, order, limits and encoding."""

from __future__ import annotations

import json

import pytest
from google.protobuf import json_format

from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime import codec, messages
from interview_coach.realtime.codec import Encoding
from interview_coach.realtime.errors import CloseCode, ProtocolViolation
from interview_coach.realtime.protocol import (
    AudioRateLimiter,
    AudioReceived,
    ConnectionCore,
    EndRequested,
    Limits,
    StartRequested,
)

LIMITS = Limits(max_frame_bytes=4000, audio_rate_factor=2.0, audio_burst_seconds=1.0)


def frame(message: pb.ClientToServerMessage, encoding: Encoding) -> bytes | str:
    if encoding is Encoding.BINARY:
        return message.SerializeToString()
    return json_format.MessageToJson(message)


def start_message(rate: int = 16000) -> pb.ClientToServerMessage:
    config = pb.AudioConfig(encoding=pb.AudioConfig.LINEAR_PCM, sample_rate_hertz=rate)
    request = pb.StartRequest(auth_token="t", interview_id="i", audio_config=config)
    return pb.ClientToServerMessage(start_request=request)


def audio_message(size: int) -> pb.ClientToServerMessage:
    return pb.ClientToServerMessage(audio_chunk=pb.AudioChunk(audio_content=b"\x00" * size))


def live_core(encoding: Encoding = Encoding.BINARY) -> ConnectionCore:
    core = ConnectionCore(LIMITS)
    assert isinstance(core.receive(frame(start_message(), encoding), 0.0), StartRequested)
    core.go_live(16000, now=0.0)
    return core


def violation(core: ConnectionCore, data: bytes | str) -> CloseCode:
    with pytest.raises(ProtocolViolation) as raised:
        core.receive(data, 0.0)
    return raised.value.close_code


@pytest.mark.parametrize("encoding", list(Encoding))
def test_start_request_decodes_to_event(encoding: Encoding) -> None:
    """A StartRequest in either encoding becomes the same typed event."""
    core = ConnectionCore(LIMITS)
    assert core.receive(frame(start_message(48000), encoding), 0.0) == StartRequested(
        "t", "i", 48000
    )
    assert core.encoding is encoding


@pytest.mark.parametrize("encoding", list(Encoding))
def test_server_answers_in_the_clients_encoding(encoding: Encoding) -> None:
    """Once a frame arrived, server messages use its encoding (JSON before any frame)."""
    core = ConnectionCore(LIMITS)
    assert isinstance(core.encode(messages.error(1008, "x")), str)
    core.receive(frame(start_message(), encoding), 0.0)
    encoded = core.encode(messages.error(1008, "x"))
    assert isinstance(encoded, bytes if encoding is Encoding.BINARY else str)


def test_json_output_is_canonical_proto3() -> None:
    """lowerCamelCase names, enum names, int64 as strings, defaults present."""
    message = messages.transcript(3, messages.Speaker.AI, "Hi", 1500, is_final=True)
    assert json.loads(codec.encode(message, Encoding.JSON)) == {
        "partialTranscript": {
            "text": "Hi",
            "speaker": "AI",
            "isFinal": True,
            "utteranceId": "u3",
            "offsetMs": "1500",
        }
    }


def test_audio_before_start_is_refused() -> None:
    """Audio in the opening phase is a 1008 violation."""
    assert violation(ConnectionCore(LIMITS), frame(audio_message(2), Encoding.BINARY)) == 1008


def test_end_before_start_is_refused() -> None:
    """EndRequest with nothing started is a 1008 violation."""
    end = pb.ClientToServerMessage(end_request=pb.EndRequest())
    assert violation(ConnectionCore(LIMITS), frame(end, Encoding.JSON)) == 1008


def test_frames_after_close_are_ignored() -> None:
    """Once the session is ending, audio and repeated EndRequests are dropped quietly."""
    core = live_core()
    end = frame(pb.ClientToServerMessage(end_request=pb.EndRequest()), Encoding.BINARY)
    assert core.receive(end, 0.0) == EndRequested()
    core.close()
    assert core.receive(end, 0.0) is None
    assert core.receive(frame(audio_message(2), Encoding.BINARY), 0.0) is None


def test_oversized_frame_is_refused_before_decoding() -> None:
    """A frame over max_frame_bytes is 1009 whatever it contains."""
    assert violation(live_core(), b"\xff" * 4001) == CloseCode.MESSAGE_TOO_BIG


def test_empty_message_is_refused() -> None:
    """A message with no payload set is 1007."""
    assert violation(ConnectionCore(LIMITS), "{}") == CloseCode.INVALID_PAYLOAD


def test_audio_within_rate_passes_and_flood_is_refused() -> None:
    """Audio is accepted up to the burst, then refused with 4429 until time refills it."""
    core = live_core()
    chunk = frame(audio_message(640), Encoding.BINARY)  # 20 ms at 16 kHz
    for _ in range(50):  # exactly 1 s of burst
        assert isinstance(core.receive(chunk, 0.0), AudioReceived)
    assert violation(core, chunk) == CloseCode.RATE_LIMITED


def test_rate_limiter_refills_at_the_factor() -> None:
    """At 2x real time, 1 s of waiting allows 2 s of audio again."""
    limiter = AudioRateLimiter(16000, factor=2.0, burst_seconds=1.0, now=0.0)
    assert limiter.allow(32000, 0.0)
    assert not limiter.allow(2, 0.0)
    assert limiter.allow(32000, 0.5)  # refilled 0.5 s x 2 x 32000 bytes, capped at 1 s
    assert not limiter.allow(2, 0.5)


def test_real_time_stream_is_never_limited() -> None:
    """A client sending exactly real time for a minute is never cut off."""
    core = live_core(Encoding.JSON)
    chunk = frame(audio_message(1280), Encoding.JSON)  # 40 ms
    for i in range(1500):
        assert isinstance(core.receive(chunk, i * 0.04), AudioReceived)


def test_audio_held_up_by_a_server_stall_is_not_limited() -> None:
    """A client sending 40 ms chunks in real time while the server stalls for 3 s: the
    piled-up chunks arrive at once after the stall and are all accepted."""
    core = live_core()
    chunk = frame(audio_message(1280), Encoding.BINARY)  # 40 ms
    sent = 0
    for _ in range(25):  # 1 s on time
        assert isinstance(core.receive(chunk, sent * 0.04), AudioReceived)
        sent += 1
    for _ in range(75):  # 3 s sent during the stall, all read at its end
        assert isinstance(core.receive(chunk, 4.0), AudioReceived)
        sent += 1
    for _ in range(25):  # on time again
        assert isinstance(core.receive(chunk, sent * 0.04), AudioReceived)
        sent += 1


def test_sustained_stream_above_the_factor_is_refused() -> None:
    """At 3x real time (the limit is 2x) the budget runs out after the burst is used up."""
    core = live_core()
    chunk = frame(audio_message(1280), Encoding.BINARY)  # 40 ms of audio every 13.3 ms
    with pytest.raises(ProtocolViolation) as raised:
        for i in range(1000):
            core.receive(chunk, i * 0.04 / 3)
    assert raised.value.close_code == CloseCode.RATE_LIMITED
    # Chunk i is accepted while (i + 1) x 1280 <= (2 x i x 0.04 / 3 + 1) x 32000: up to 72.
    assert i == 73
