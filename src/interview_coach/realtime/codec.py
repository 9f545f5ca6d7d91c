"""Frames to protobuf messages and back, without I/O.

Binary frames carry binary protobuf; text frames carry the canonical proto3 JSON mapping
(what a browser speaks), parsed strictly: unknown fields are an error. Binary parsing keeps
protobuf's forward compatibility (unknown fields are skipped), since only a program can
produce it.
"""

from __future__ import annotations

import binascii
import json
import re
from enum import StrEnum

import pybase64
from google.protobuf import json_format
from google.protobuf.message import DecodeError

from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode, ProtocolViolation

Frame = bytes | str

# The exact text a browser's JSON.stringify gives for an audio chunk (optionally with an
# utteranceId of id characters), with standard padded base64: parsed without json_format.
# Anything else, including every other spelling json_format would also accept, goes the
# slow path, so what is accepted and what it means never depend on the path taken.
_AUDIO_HEAD = '{"audioChunk":{"audioContent":"'
_AUDIO_TAIL = re.compile(r'"(?:,"utteranceId":"[A-Za-z0-9_-]*")?\}\}')


class Encoding(StrEnum):
    BINARY = "binary"
    JSON = "json"


def encoding_of(frame: Frame) -> Encoding:
    return Encoding.BINARY if isinstance(frame, bytes) else Encoding.JSON


def frame_size(frame: Frame) -> int:
    """Bytes on the wire (text frames are UTF-8; JSON is nearly always ASCII)."""
    if isinstance(frame, bytes) or frame.isascii():
        return len(frame)
    return len(frame.encode("utf-8"))


def decode(frame: Frame) -> pb.ClientToServerMessage:
    """The message in ``frame``, or ``ProtocolViolation`` (1007) saying what is wrong."""
    message = pb.ClientToServerMessage()
    try:
        if isinstance(frame, bytes):
            message.ParseFromString(frame)
        else:
            json_format.Parse(frame, message, ignore_unknown_fields=False)
    except (DecodeError, json_format.ParseError) as error:
        kind = "protobuf" if isinstance(frame, bytes) else "JSON"
        detail = _first_line(str(error))
        raise ProtocolViolation(
            CloseCode.INVALID_PAYLOAD, f"Could not decode the {kind} message: {detail}"
        ) from None
    if message.WhichOneof("payload") is None:
        raise ProtocolViolation(
            CloseCode.INVALID_PAYLOAD,
            "The message has no payload: expected startRequest, audioChunk or endRequest.",
        )
    return message


def audio_fast(frame: str) -> bytes | None:
    """The PCM of a JSON audio chunk in its usual exact shape, or None to decode in full.

    Audio is nearly every frame a browser sends; json_format spends most of a frame's
    CPU building a generic message. Equivalence with ``decode`` is property-tested.
    """
    if not frame.startswith(_AUDIO_HEAD):
        return None
    quote = frame.find('"', len(_AUDIO_HEAD))
    if quote < 0 or _AUDIO_TAIL.fullmatch(frame, quote) is None:
        return None
    try:  # strict: the standard alphabet, whole quads, padding only at the end (SIMD:
        # a sixth of binascii's time on a 40 ms chunk)
        audio: bytes = pybase64.b64decode(frame[len(_AUDIO_HEAD) : quote], validate=True)
    except (binascii.Error, ValueError):
        return None
    return audio


def encode(message: pb.ServerToClientMessage, encoding: Encoding) -> Frame:
    if encoding is Encoding.BINARY:
        data: bytes = message.SerializeToString()
        return data
    if message.WhichOneof("payload") == "partial_transcript":
        return _partial_json(message.partial_transcript)
    text: str = json_format.MessageToJson(
        message, indent=None, always_print_fields_with_no_presence=True
    )
    return text


def _partial_json(partial: pb.PartialTranscript) -> str:
    """What ``json_format.MessageToJson`` writes for a transcript update (several a second
    per session), at a fifth of its cost: the fields that are set in field order, then the
    rest with their defaults, int64 as a string, an unknown enum value as its number.
    Equality with json_format is property-tested."""
    speaker = partial.speaker
    fields = (
        ("text", partial.text, partial.text != ""),
        ("speaker", _SPEAKER_NAMES.get(speaker, speaker), speaker != 0),
        ("isFinal", partial.is_final, partial.is_final),
        ("utteranceId", partial.utterance_id, partial.utterance_id != ""),
        ("offsetMs", str(partial.offset_ms), partial.offset_ms != 0),
    )
    body = {name: value for name, value, present in fields if present}
    body.update((name, value) for name, value, present in fields if not present)
    return json.dumps({"partialTranscript": body})


_SPEAKER_NAMES = {number: name for name, number in pb.Speaker.items()}


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "malformed"
    return line[:limit]
