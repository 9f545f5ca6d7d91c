"""InferencePool: work runs off the event loop, the queue is bounded, and backlog is visible."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from feedback.audio import synthesise

from interview_coach.voice.engines import VoiceEngines
from interview_coach.voice.errors import PoolSaturated
from interview_coach.voice.pool import InferencePool


class FakeClock:
    """Time that moves only when the test says, so backlog figures are exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _started(event: threading.Event) -> None:
    """Wait for a worker thread to signal, without blocking the loop."""
    assert await asyncio.get_running_loop().run_in_executor(None, event.wait, 10)


async def test_loop_stays_responsive_during_a_transcription(
    voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    """A real Whisper call takes most of a second of CPU; the loop keeps ticking meanwhile."""
    pcm = synthesise("I shipped the new checkout flow two weeks early.", tmp_path, "a")
    lags: list[float] = []

    ticked, done = asyncio.Event(), asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - before - 0.005)
            ticked.set()

    ticking = asyncio.create_task(ticker())
    await ticked.wait()  # the ticker runs before the job starts
    lags.clear()
    started = time.perf_counter()
    text = await voice_engines.pool.run(voice_engines.stt.transcribe, pcm.tobytes(), 16_000)
    took = time.perf_counter() - started
    done.set()
    await ticking
    assert "checkout" in text.lower()
    assert took > 0.2, "the job must be long enough for the lag check to mean something"
    assert len(lags) > 10
    # Blocking the loop would stall it for the whole job; allow for a busy shared machine.
    allowed = max(0.1, took / 4)
    assert max(lags) < allowed, f"event loop stalled {max(lags):.3f} s during a {took:.2f} s job"


async def test_full_queue_refuses_at_once_and_reports_backlog() -> None:
    clock = FakeClock()
    pool = InferencePool(workers=1, max_queue=2, saturated_after=0.5, clock=clock)
    gate, running = threading.Event(), threading.Event()

    def block() -> str:
        running.set()
        gate.wait(10)
        return "first"

    try:
        first = asyncio.create_task(pool.run(block))
        await _started(running)
        assert pool.backlog_seconds() == 0.0 and not pool.saturated  # busy, nothing waits
        queued = [asyncio.create_task(pool.run(lambda n=n: n)) for n in (1, 2)]
        await asyncio.sleep(0)  # both reach the queue
        assert pool.waiting == 2
        clock.now += 0.4
        assert pool.backlog_seconds() == pytest.approx(0.4)
        assert not pool.saturated  # waiting, but not yet past the threshold
        clock.now += 0.2
        assert pool.saturated
        async with asyncio.timeout(1):  # refused at once, not after the queue drains
            with pytest.raises(PoolSaturated):
                await pool.run(lambda: 3)
        gate.set()
        assert await first == "first"
        assert await asyncio.gather(*queued) == [1, 2]
        assert pool.waiting == 0 and pool.backlog_seconds() == 0.0 and not pool.saturated
        assert await pool.run(lambda: 4) == 4  # room again
    finally:
        gate.set()
        pool.close()


async def test_a_cancelled_waiting_job_leaves_the_queue() -> None:
    pool = InferencePool(workers=1, max_queue=1)
    gate, running = threading.Event(), threading.Event()
    ran: list[str] = []

    def block() -> None:
        running.set()
        gate.wait(10)

    try:
        first = asyncio.create_task(pool.run(block))
        await _started(running)
        waiting = asyncio.create_task(pool.run(ran.append, "cancelled job"))
        await asyncio.sleep(0)
        assert pool.waiting == 1
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert pool.waiting == 0
        replacement = asyncio.create_task(pool.run(ran.append, "next job"))  # room again
        gate.set()
        await first
        await replacement
        assert ran == ["next job"]
    finally:
        gate.set()
        pool.close()


async def test_a_closed_pool_takes_no_work() -> None:
    pool = InferencePool(workers=1, max_queue=1)
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.run(lambda: 1)


def test_pool_needs_a_worker_and_a_queue() -> None:
    with pytest.raises(ValueError):
        InferencePool(workers=0, max_queue=1)
