"""What an interviewer engine is, independent of the wire protocol.

The session gives an engine an ``InterviewContext`` (the interview and what was already
said) and a ``InterviewerSink`` to speak through. The mock streams scripted lines; an AI
provider with audio in and out (Gemini Live, OpenAI Realtime) fits the same shape: it reads
the user's audio through ``process`` and streams text and audio out through the sink.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from interview_coach.interviews.enums import Speaker


class NoticeKind(StrEnum):
    """Things the user should know that are not errors (the page shows them)."""

    TRANSCRIPT_DELAYED = "TRANSCRIPT_DELAYED"
    TRANSCRIPT_CAUGHT_UP = "TRANSCRIPT_CAUGHT_UP"
    ENGINE_FALLBACK = "ENGINE_FALLBACK"


class InterviewerState(StrEnum):
    """What the interviewer is doing, shown on the page so it never has to guess."""

    LISTENING = "LISTENING"
    THINKING = "THINKING"
    SPEAKING = "SPEAKING"


@dataclass(frozen=True)
class SpokenLine:
    speaker: Speaker
    text: str
    offset_ms: int = 0
    end_ms: int | None = None


@dataclass(frozen=True)
class InterviewContext:
    """Everything an engine may use to phrase and resume the interview."""

    interview_id: str
    job_title: str
    persona: str
    job_description: str
    resume: str
    duration_seconds: float
    elapsed_ms: int
    transcript: tuple[SpokenLine, ...] = ()
    # The user's audio rate (StartRequest.audio_config), for engines that listen.
    sample_rate: int = 16_000
    # What the engine saved with ``InterviewerSink.save_state`` last time (None when new).
    saved_state: Mapping[str, Any] | None = None

    @property
    def ai_lines_spoken(self) -> int:
        """How many interviewer lines are already stored: where a rejoin goes on from."""
        return sum(1 for line in self.transcript if line.speaker is Speaker.AI)


class InterviewerSink(Protocol):
    """How an engine speaks; the session turns each call into protocol messages."""

    async def status(self, state: InterviewerState) -> None: ...

    async def partial(self, text: str) -> None:
        """The current interviewer utterance so far (replaces the previous partial)."""

    async def final(self, text: str, *, reply_latency_ms: int | None = None) -> None:
        """The finished utterance: stored durably, then sent; the next call starts a new one.
        ``reply_latency_ms``: from the end of the user's speech to this line's first audio."""

    async def audio(self, pcm: bytes) -> None:
        """Interviewer speech of the current utterance, 16-bit PCM at the server's
        ``interviewer_audio_sample_rate``."""

    async def cleared(self, heard_ms: int) -> None:
        """Barge-in: the page drops the current utterance's unplayed audio; call ``final``
        next with only the words that were heard."""

    async def user_partial(self, text: str, offset_ms: int) -> None:
        """The user's current utterance so far (transcribed phrase by phrase)."""

    async def user_final(self, text: str, offset_ms: int, end_ms: int) -> None:
        """The user's finished utterance: stored durably, then sent."""

    async def save_state(self, state: Mapping[str, Any]) -> None:
        """Store where the engine is, durably; handed back as ``InterviewContext.saved_state``."""

    async def notice(self, kind: NoticeKind, message: str) -> None:
        """Tell the user something about the session that is not an error."""


class Interviewer(ABC):
    """One engine per live connection; the session cancels ``run`` when the connection ends.

    Engines that need the user's audio set ``wants_audio`` and override ``process`` and
    ``close``; the session then feeds them like any other audio processor, off the receive
    path.
    """

    wants_audio: ClassVar[bool] = False
    engine: ClassVar[str] = "mock"

    @abstractmethod
    async def run(self, sink: InterviewerSink) -> None:
        """Conduct the interview; returning means the interviewer has ended it."""

    async def process(self, pcm: bytes, offset_ms: int) -> None:  # noqa: B027 (optional)
        """A chunk of user audio, ``offset_ms`` from the interview's start."""

    async def close(self, offset_ms: int) -> None:  # noqa: B027 (optional)
        """No more user audio will arrive on this connection."""


InterviewerFactory = Callable[[InterviewContext], Interviewer]
