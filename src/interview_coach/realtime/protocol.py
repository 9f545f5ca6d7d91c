"""The sans-I/O connection core: frames in, typed events out, frames back.

It knows the protocol's order (StartRequest first, audio only while live), the limits
(frame size, audio rate) and the encoding the client chose; it never touches a socket, a
clock or the database, so it is tested with plain values. Time is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from interview_coach.config import Settings
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime import codec
from interview_coach.realtime.codec import Encoding, Frame
from interview_coach.realtime.errors import CloseCode, ProtocolViolation

SAMPLE_RATES = frozenset({8000, 16000, 24000, 32000, 44100, 48000})
BYTES_PER_SAMPLE = 2  # 16-bit mono PCM


@dataclass(frozen=True)
class StartRequested:
    auth_token: str
    interview_id: str
    sample_rate_hertz: int


@dataclass(frozen=True)
class AudioReceived:
    pcm: bytes


@dataclass(frozen=True)
class EndRequested:
    pass


ClientEvent = StartRequested | AudioReceived | EndRequested


class Phase(Enum):
    AWAITING_START = auto()
    LIVE = auto()
    CLOSING = auto()


@dataclass(frozen=True)
class Limits:
    max_frame_bytes: int
    audio_rate_factor: float
    audio_burst_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_frame_bytes=settings.max_frame_bytes,
            audio_rate_factor=settings.audio_rate_factor,
            audio_burst_seconds=settings.audio_burst_seconds,
        )


class AudioRateLimiter:
    """Audio budget since the start: ``factor`` x the time live, plus ``burst`` seconds.

    It judges what the client *sent* in total against the time since the session went
    live, not the gaps between arrivals: when the server stalls (a slow handler, a model
    loading, a GC pause), audio piles up in the socket and then arrives as one burst, yet a
    client that sent in real time is still within its budget. A client that really streams
    faster than ``factor`` x real time exhausts the budget and is refused (a flood costs the
    server CPU and memory for nothing). The burst covers audio captured while connecting.
    """

    def __init__(self, sample_rate: int, factor: float, burst_seconds: float, now: float) -> None:
        self._bytes_per_second = sample_rate * BYTES_PER_SAMPLE
        self._factor = factor
        self._burst_seconds = burst_seconds
        self._started = now
        self._sent = 0

    def allow(self, size: int, now: float) -> bool:
        """Count ``size`` bytes arriving at ``now`` if they fit the budget."""
        live_seconds = max(0.0, now - self._started)
        budget = (live_seconds * self._factor + self._burst_seconds) * self._bytes_per_second
        if self._sent + size > budget:
            return False
        self._sent += size
        return True


class ConnectionCore:
    """One connection's protocol state. ``receive`` raises ``ProtocolViolation`` or returns
    an event (``None`` for a frame to ignore, e.g. audio after an EndRequest)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.phase = Phase.AWAITING_START
        # The encoding of the first frame; server messages use it (JSON before any frame).
        self.encoding: Encoding | None = None
        self._limiter: AudioRateLimiter | None = None

    def receive(self, frame: Frame, now: float) -> ClientEvent | None:
        if self.encoding is None:
            self.encoding = codec.encoding_of(frame)
        if codec.frame_size(frame) > self.limits.max_frame_bytes:
            raise ProtocolViolation(
                CloseCode.MESSAGE_TOO_BIG,
                f"Messages may be at most {self.limits.max_frame_bytes} bytes.",
            )
        if isinstance(frame, str) and (pcm := codec.audio_fast(frame)) is not None:
            return self._audio(pcm, now)
        message = codec.decode(frame)
        kind = message.WhichOneof("payload")
        if kind == "audio_chunk":
            return self._audio(message.audio_chunk.audio_content, now)
        if kind == "start_request":
            return self._start(message.start_request)
        return self._end()

    def encode(self, message: pb.ServerToClientMessage) -> Frame:
        return codec.encode(message, self.encoding or Encoding.JSON)

    def go_live(self, sample_rate: int, now: float) -> None:
        """The StartRequest was accepted: audio flows from here, metered from ``now``."""
        self.phase = Phase.LIVE
        limits = self.limits
        self._limiter = AudioRateLimiter(
            sample_rate, limits.audio_rate_factor, limits.audio_burst_seconds, now
        )

    def close(self) -> None:
        """The session is ending: later frames are ignored, not errors."""
        self.phase = Phase.CLOSING

    def _audio(self, pcm: bytes, now: float) -> AudioReceived | None:
        if self.phase is Phase.CLOSING:
            return None
        if self.phase is not Phase.LIVE or self._limiter is None:
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION, "Send a StartRequest before any audio."
            )
        if len(pcm) % BYTES_PER_SAMPLE:
            raise ProtocolViolation(
                CloseCode.INVALID_PAYLOAD, "Audio must be whole 16-bit samples (an even size)."
            )
        if not self._limiter.allow(len(pcm), now):
            raise ProtocolViolation(
                CloseCode.RATE_LIMITED,
                f"Audio arrived faster than {self.limits.audio_rate_factor:g}x real time.",
            )
        return AudioReceived(pcm)

    def _start(self, request: pb.StartRequest) -> StartRequested:
        if self.phase is not Phase.AWAITING_START:
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION, "This connection already sent a StartRequest."
            )
        config = request.audio_config
        if config.encoding != pb.AudioConfig.LINEAR_PCM:
            raise ProtocolViolation(
                CloseCode.BAD_REQUEST, "audioConfig.encoding must be LINEAR_PCM."
            )
        if config.sample_rate_hertz not in SAMPLE_RATES:
            rates = ", ".join(str(rate) for rate in sorted(SAMPLE_RATES))
            raise ProtocolViolation(
                CloseCode.BAD_REQUEST, f"audioConfig.sampleRateHertz must be one of {rates}."
            )
        if not request.interview_id:
            raise ProtocolViolation(CloseCode.BAD_REQUEST, "interviewId is required.")
        return StartRequested(request.auth_token, request.interview_id, config.sample_rate_hertz)

    def _end(self) -> EndRequested | None:
        if self.phase is Phase.AWAITING_START:
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION,
                "Nothing to end: this connection has not started a session.",
            )
        if self.phase is Phase.CLOSING:
            return None  # a repeated EndRequest: the first one is already being answered
        return EndRequested()
