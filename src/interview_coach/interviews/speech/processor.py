"""The real-time server's audio processor: voice-activity detection on the user's audio.

WebRTC VAD with smoothing costs about 0.2 ms of CPU per audio-second (docs/performance.md),
so it is an inline processor (``realtime.processors.InlineAudioProcessor``): detection runs
in the receive loop as each chunk arrives; each finished segment is committed at once by a
writer task of its own, so a crash loses nothing already said and a slow database never
delays the audio.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from interview_coach.interviews.speech import store
from interview_coach.interviews.speech.detectors import WEBRTC_SAMPLE_RATES, WebRtcDetector
from interview_coach.interviews.speech.segmenter import Segment, SpeechSegmenter
from interview_coach.resources import Resources

log = logging.getLogger(__name__)

# A segment that cannot be stored is retried after these pauses, then given up (logged).
RETRY_DELAYS_SECONDS = (0.1, 0.5, 2.0)


class SessionInfo(Protocol):
    """What the processor needs from the server's ``ProcessorContext``."""

    @property
    def interview_id(self) -> str: ...

    @property
    def sample_rate(self) -> int: ...


class SpeechActivityProcessor:
    """Finds the user's speech segments and stores each as soon as it is finished.

    Detection runs inline (it is cheap); storing runs in a writer task of its own, so a slow
    database never holds up the audio queue that other processors share.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        interview_id: str,
        segmenter: SpeechSegmenter,
    ) -> None:
        self._sessions = sessions
        self._interview_id = interview_id
        self._segmenter = segmenter
        self._pending: asyncio.Queue[Segment | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    def feed(self, pcm: bytes, offset_ms: int) -> None:
        for segment in self._segmenter.feed(pcm, offset_ms):
            self._enqueue(segment)

    async def close(self, offset_ms: int) -> None:
        """The connection's audio ended: the open segment ends where speech did; all stored."""
        for segment in self._segmenter.finish():
            self._enqueue(segment)
        if self._writer is not None:
            self._pending.put_nowait(None)
            # Shielded: if the server stops waiting, the writer still stores what it holds.
            await asyncio.shield(self._writer)

    def _enqueue(self, segment: Segment) -> None:
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write())
        self._pending.put_nowait(segment)

    async def _write(self) -> None:
        while (segment := await self._pending.get()) is not None:
            for delay in (*RETRY_DELAYS_SECONDS, None):
                try:
                    async with self._sessions() as session:
                        await store.record(session, self._interview_id, segment)
                    break
                except Exception:
                    if delay is None:
                        log.exception("speech segment %s lost: could not store it", segment)
                        break
                    log.warning("could not store a speech segment; retrying in %ss", delay)
                    await asyncio.sleep(delay)


class NoSpeechActivity:
    """For sample rates the detector cannot read: the session runs, timing is not measured."""

    def feed(self, pcm: bytes, offset_ms: int) -> None:
        return None

    async def close(self, offset_ms: int) -> None:
        return None


def speech_activity(
    resources: Resources,
) -> Callable[[SessionInfo], SpeechActivityProcessor | NoSpeechActivity]:
    """The factory the real-time server registers: one processor per live session."""

    def factory(context: SessionInfo) -> SpeechActivityProcessor | NoSpeechActivity:
        if context.sample_rate not in WEBRTC_SAMPLE_RATES:
            log.info("speech activity not measured at %d Hz", context.sample_rate)
            return NoSpeechActivity()
        segmenter = SpeechSegmenter(WebRtcDetector(context.sample_rate))
        return SpeechActivityProcessor(resources.sessions, context.interview_id, segmenter)

    return factory
