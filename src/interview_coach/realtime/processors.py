"""The audio processor hook: where user audio goes after the serializer.

Each live session passes its user audio chunks, with their offset in milliseconds from the
interview's start, to the processors built by the server's factories (a voice-activity
detector, a speech-to-text stream, an AI engine that wants audio). Async processors run in a
task fed by a bounded queue, so a slow processor never stalls the receive loop; when the
queue is full the chunk is dropped for them and counted, the connection stays up. Inline
processors (cheap, never waiting: the voice-activity detector) run in the receive loop
itself: one fewer queue hop and task switch per chunk, on the path every live session
takes 25 times a second.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_SECONDS = 5.0


class AudioProcessor(Protocol):
    async def process(self, pcm: bytes, offset_ms: int) -> None: ...

    async def close(self, offset_ms: int) -> None:
        """The connection's audio has ended at ``offset_ms``; flush and release."""


@runtime_checkable
class InlineAudioProcessor(Protocol):
    def feed(self, pcm: bytes, offset_ms: int) -> None:
        """Take a chunk now; must never block (hand slow work to a task of its own)."""

    async def close(self, offset_ms: int) -> None:
        """The connection's audio has ended at ``offset_ms``; flush and release."""


AnyAudioProcessor = AudioProcessor | InlineAudioProcessor


@dataclass(frozen=True)
class ProcessorContext:
    session_id: str
    interview_id: str
    user_id: int
    sample_rate: int


AudioProcessorFactory = Callable[[ProcessorContext], AnyAudioProcessor]

_Item = tuple[bytes, int]


class AudioPump:
    """Inline processors called at once; a bounded queue and one task that hands each chunk
    to every async processor in order (the task only exists if there is one)."""

    def __init__(self, processors: Sequence[AnyAudioProcessor], max_chunks: int) -> None:
        self._inline = [p for p in processors if isinstance(p, InlineAudioProcessor)]
        self._processors = [p for p in processors if not isinstance(p, InlineAudioProcessor)]
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue(max_chunks)
        self._task = (
            asyncio.get_running_loop().create_task(self._run()) if self._processors else None
        )
        self._end_ms = 0
        self.dropped = 0

    def offer(self, pcm: bytes, offset_ms: int) -> bool:
        """Feed the inline processors and queue the chunk for the others, without waiting;
        False (and counted) when the async processors lag."""
        for processor in self._inline:
            try:
                processor.feed(pcm, offset_ms)
            except Exception:
                self._remove(processor)
        if self._task is None:
            return True
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
                if self._task is not None:
                    await self._queue.put(None)
                    await self._task
                for processor in list(self._inline):
                    await self._call(processor, processor.close(offset_ms))
        except TimeoutError:
            log.warning("audio processors did not finish in %ss", CLOSE_TIMEOUT_SECONDS)
            if self._task is not None:
                self._task.cancel()

    async def _run(self) -> None:
        while (item := await self._queue.get()) is not None:
            pcm, offset_ms = item
            for processor in list(self._processors):
                await self._call(processor, processor.process(pcm, offset_ms))
        for processor in list(self._processors):
            await self._call(processor, processor.close(self._end_ms))

    async def _call(self, processor: AnyAudioProcessor, step: Awaitable[None]) -> None:
        """Run one processor step; a processor that raises is logged and left out."""
        try:
            await step
        except Exception:
            self._remove(processor)

    def _remove(self, processor: AnyAudioProcessor) -> None:
        """Called from an ``except`` block: logs the error with its traceback."""
        log.exception("audio processor %s failed; removed", type(processor).__name__)
        for group in (self._inline, self._processors):
            if processor in group:
                group.remove(processor)  # type: ignore[arg-type]
