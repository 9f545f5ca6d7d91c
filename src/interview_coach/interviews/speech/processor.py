"""The real-time server's audio processor: voice-activity detection on the user's audio.

The server hands each live session's audio to its processors in a task of their own
(``realtime.processors.AudioPump``), never on the receive path. WebRTC VAD costs about a
third of a millisecond of CPU per audio-second (docs/performance.md), so detection runs
inline in that task; each finished segment is committed at once, so a crash loses nothing
already said. A storage fault is logged and the segment kept for the next write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from interview_coach.interviews.speech import store
from interview_coach.interviews.speech.detectors import WEBRTC_SAMPLE_RATES, WebRtcDetector
from interview_coach.interviews.speech.segmenter import Segment, SpeechSegmenter
from interview_coach.resources import Resources

log = logging.getLogger(__name__)


class SessionInfo(Protocol):
    """What the processor needs from the server's ``ProcessorContext``."""

    @property
    def interview_id(self) -> str: ...

    @property
    def sample_rate(self) -> int: ...


class SpeechActivityProcessor:
    """Finds the user's speech segments and stores each as soon as it is finished."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        interview_id: str,
        segmenter: SpeechSegmenter,
    ) -> None:
        self._sessions = sessions
        self._interview_id = interview_id
        self._segmenter = segmenter
        self._unsaved: list[Segment] = []

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        finished = self._segmenter.feed(pcm, offset_ms)
        if finished or self._unsaved:
            await self._save(finished)

    async def close(self, offset_ms: int) -> None:
        """The connection's audio ended: the segment still open ends where speech did."""
        await self._save(self._segmenter.finish())

    async def _save(self, finished: list[Segment]) -> None:
        self._unsaved.extend(finished)
        while self._unsaved:
            segment = self._unsaved[0]
            try:
                async with self._sessions() as session:
                    await store.record(session, self._interview_id, segment)
            except Exception:
                log.exception("could not store a speech segment; will retry with the next one")
                return
            self._unsaved.pop(0)


class NoSpeechActivity:
    """For sample rates the detector cannot read: the session runs, timing is not measured."""

    async def process(self, pcm: bytes, offset_ms: int) -> None:
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
