"""A bounded pool of worker threads for blocking inference, so the event loop never waits.

Speech models release the GIL while they compute (CTranslate2, onnxruntime), so threads give
real parallelism up to the number of cores. The queue is bounded: when it is full a call fails
at once with ``PoolSaturated``, and the caller shows the user a delay instead of piling work up.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from interview_coach.voice.errors import PoolSaturated

T = TypeVar("T")
# Jobs waiting longer than this while every worker is busy make the pool "saturated".
SATURATED_AFTER_SECONDS = 0.5


class InferencePool:
    """Bounded worker threads for blocking inference, sized from the cores; never on the loop."""

    def __init__(
        self,
        workers: int,
        max_queue: int,
        *,
        saturated_after: float = SATURATED_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if workers < 1 or max_queue < 1:
            raise ValueError(f"workers and max_queue must be >= 1, not {workers}, {max_queue}")
        self.workers = workers
        self.max_queue = max_queue
        self._saturated_after = saturated_after
        self._clock = clock
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inference")
        self._lock = threading.Lock()
        self._waiting: dict[int, float] = {}  # job number -> when it was queued
        self._busy = 0
        self._jobs = 0
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a worker thread; raises ``PoolSaturated`` if the queue is full."""
        job = self._enqueue()
        future: Future[T] = self._executor.submit(self._work, job, fn, *args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if future.cancel():  # never started: it no longer waits
                self._forget(job)
            raise

    def backlog_seconds(self) -> float:
        """How long the oldest waiting job has waited (0 when nothing waits)."""
        with self._lock:
            oldest = min(self._waiting.values(), default=None)
        return 0.0 if oldest is None else max(0.0, self._clock() - oldest)

    @property
    def waiting(self) -> int:
        """Jobs queued but not yet started."""
        with self._lock:
            return len(self._waiting)

    @property
    def saturated(self) -> bool:
        """All workers busy and jobs waiting longer than the threshold."""
        with self._lock:
            busy = self._busy
        return busy >= self.workers and self.backlog_seconds() > self._saturated_after

    def close(self) -> None:
        """Drop waiting jobs and wait for running ones; later calls raise ``RuntimeError``."""
        with self._lock:
            self._closed = True
            self._waiting.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _enqueue(self) -> int:
        with self._lock:
            if self._closed:
                raise RuntimeError("the inference pool is closed")
            if len(self._waiting) >= self.max_queue:
                raise PoolSaturated(
                    f"Speech processing is busy: {self.max_queue} jobs are waiting."
                )
            self._jobs += 1
            self._waiting[self._jobs] = self._clock()
            return self._jobs

    def _forget(self, job: int) -> None:
        with self._lock:
            self._waiting.pop(job, None)

    def _work(self, job: int, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            self._waiting.pop(job, None)
            self._busy += 1
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._busy -= 1
