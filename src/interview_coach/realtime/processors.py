"""The audio processor hook: where user audio goes after the serializer.

Each live session passes its user audio chunks, with their offset in milliseconds from the
interview's start, to the processors built by the server's factories (a voice-activity
detector, a speech-to-text stream, an AI engine that wants audio). They run in a task fed by
a bounded queue, so a slow processor never stalls the receive loop; when the queue is full
the chunk is dropped for processors and counted, the connection stays up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_SECONDS = 5.0


class AudioProcessor(Protocol):
    async def process(self, pcm: bytes, offset_ms: int) -> None: ...

    async def close(self, offset_ms: int) -> None:
        """The connection's audio has ended at ``offset_ms``; flush and release."""


@dataclass(frozen=True)
class ProcessorContext:
    session_id: str
    interview_id: str
    user_id: int
    sample_rate: int


AudioProcessorFactory = Callable[[ProcessorContext], AudioProcessor]

_Item = tuple[bytes, int]


class AudioPump:
    """A bounded queue and one task that hands each chunk to every processor in order."""

    def __init__(self, processors: Sequence[AudioProcessor], max_chunks: int) -> None:
        self._processors = list(processors)
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue(max_chunks)
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._end_ms = 0
        self.dropped = 0

    def offer(self, pcm: bytes, offset_ms: int) -> bool:
        """Queue a chunk without waiting; False (and counted) when the processors lag."""
        try:
            self._queue.put_nowait((pcm, offset_ms))
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped == 1:
                log.warning("audio processors lag; dropping chunks offset_ms=%d", offset_ms)
            return False
        return True

    async def close(self, offset_ms: int) -> None:
        """Let queued chunks through, then close every processor (bounded in time)."""
        self._end_ms = offset_ms
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self._queue.put(None)
                await self._task
        except TimeoutError:
            log.warning("audio processors did not finish in %ss", CLOSE_TIMEOUT_SECONDS)
            self._task.cancel()

    async def _run(self) -> None:
        while (item := await self._queue.get()) is not None:
            pcm, offset_ms = item
            for processor in list(self._processors):
                await self._call(processor, processor.process(pcm, offset_ms))
        for processor in list(self._processors):
            await self._call(processor, processor.close(self._end_ms))

    async def _call(self, processor: AudioProcessor, step: Awaitable[None]) -> None:
        """Run one processor step; a processor that raises is logged and left out."""
        try:
            await step
        except Exception:
            log.exception("audio processor %s failed; removed", type(processor).__name__)
            if processor in self._processors:
                self._processors.remove(processor)
