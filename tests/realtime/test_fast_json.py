"""The fast JSON paths agree with json_format on every frame. Audio chunks in: whatever the
fast path takes, json_format takes too with the same audio; whatever it leaves, json_format
judges. Transcript updates out: the same text as json_format's, character for character."""

from __future__ import annotations

import base64
import json

from google.protobuf import json_format
from hypothesis import given
from hypothesis import strategies as st

from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime import codec
from interview_coach.realtime.errors import ProtocolViolation
from interview_coach.realtime.protocol import AudioReceived, ConnectionCore, Limits

LIMITS = Limits(max_frame_bytes=100_000, audio_rate_factor=1000.0, audio_burst_seconds=1000.0)
B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \\"{}:,'


def browser_frame(pcm: bytes, utterance: str | None = None) -> str:
    """What ``JSON.stringify`` makes of an audio chunk in the session page."""
    chunk = {"audioContent": base64.b64encode(pcm).decode()}
    if utterance is not None:
        chunk["utteranceId"] = utterance
    return json.dumps({"audioChunk": chunk}, separators=(",", ":"))


def mutate(text: str, position: int, insert: str, cut: int) -> str:
    """``text`` with ``cut`` characters at ``position`` replaced by ``insert``."""
    position %= len(text) + 1
    return text[:position] + insert + text[position + cut :]


NEAR_MISSES = st.builds(
    mutate,
    st.builds(
        browser_frame,
        st.binary(max_size=64),
        st.none() | st.text("abcu0123456789_-", max_size=6),
    ),
    st.integers(min_value=0, max_value=200),
    st.text(B64_CHARS, max_size=3),
    st.integers(min_value=0, max_value=3),
)


def slow_audio(frame: str) -> bytes | None:
    """json_format's verdict: the audio of an audio chunk, or None for a refused frame or
    another kind of message."""
    try:
        message = codec.decode(frame)
    except ProtocolViolation:
        return None
    return message.audio_chunk.audio_content if message.HasField("audio_chunk") else None


@given(
    pcm=st.binary(max_size=2000),
    utterance=st.none() | st.from_regex(r"[a-z0-9_-]{0,8}", fullmatch=True),
)
def test_browser_frames_take_the_fast_path_with_json_formats_result(
    pcm: bytes, utterance: str | None
) -> None:
    frame = browser_frame(pcm, utterance)
    assert codec.audio_fast(frame) == pcm
    assert slow_audio(frame) == pcm


@given(frame=NEAR_MISSES)
def test_near_misses_agree_with_json_format(frame: str) -> None:
    """Frames one edit away from the browser's shape: if the fast path takes one, json_format
    accepts it as the same audio chunk (the fast path never refuses; it falls back)."""
    fast = codec.audio_fast(frame)
    if fast is not None:
        assert slow_audio(frame) == fast


@given(frame=NEAR_MISSES)
def test_the_core_judges_every_frame_as_json_format_does(frame: str) -> None:
    """Through ConnectionCore, a live connection gets the same audio or the same refusal
    whichever path a frame took."""
    core = ConnectionCore(LIMITS)
    core.encoding = codec.Encoding.JSON
    core.go_live(16000, 0.0)
    expected = slow_audio(frame)
    try:
        event = core.receive(frame, 1.0)
    except ProtocolViolation:
        assert expected is None or len(expected) % 2  # refused: malformed or odd audio
        return
    if isinstance(event, AudioReceived):
        assert event.pcm == expected
    else:
        assert expected is None


def test_other_spellings_are_left_to_json_format() -> None:
    """Whitespace, proto field names and unpadded base64 are valid proto3 JSON too, just
    not the fast shape; unknown fields are refused by json_format as before."""
    for frame in (
        '{"audioChunk": {"audioContent": "AAA="}}',
        '{"audio_chunk":{"audio_content":"AAA="}}',
        '{"audioChunk":{"audioContent":"AAA"}}',
    ):
        assert codec.audio_fast(frame) is None
        assert slow_audio(frame) == b"\x00\x00"
    unknown = '{"audioChunk":{"audioContent":"AAA=","volume":3}}'
    assert codec.audio_fast(unknown) is None
    assert slow_audio(unknown) is None


INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(
    text=st.text(),
    speaker=st.integers(min_value=0, max_value=4),  # 3 and 4: values a newer peer may add
    is_final=st.booleans(),
    utterance_id=st.text(max_size=8),
    offset_ms=INT64 | st.just(0),
)
def test_transcript_updates_are_written_as_json_format_writes_them(
    text: str, speaker: int, is_final: bool, utterance_id: str, offset_ms: int
) -> None:
    partial = pb.PartialTranscript(
        text=text,
        speaker=speaker,  # type: ignore[arg-type]
        is_final=is_final,
        utterance_id=utterance_id,
        offset_ms=offset_ms,
    )
    message = pb.ServerToClientMessage(partial_transcript=partial)
    expected = json_format.MessageToJson(
        message, indent=None, always_print_fields_with_no_presence=True
    )
    assert codec.encode(message, codec.Encoding.JSON) == expected
