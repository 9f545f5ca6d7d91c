"""An interviewer engine made for the browser voice tests: real espeak-ng speech at 24 kHz,
streamed in real time like a speaking engine, and steps the test asks for (barge-in, user
lines, notices). The real conversation engine will replace it in these tests later.

The test drives it from its own thread: ``VoiceControl.do(step)`` queues a step on the
server's loop; the interviewer of the current connection runs the steps in order.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerSink,
    InterviewerState,
    NoticeKind,
)

RATE = 24000
CHUNK_MS = 40
CHUNK_BYTES = RATE * CHUNK_MS // 1000 * 2

SENTENCES = (
    "Hello, and thank you for joining me today.",
    "Could you tell me about a project you are proud of?",
)

Step = Callable[[InterviewerSink], Awaitable[None]]


def speech(text: str, folder: Path) -> bytes:
    """Raw PCM16 LE mono at 24 kHz of ``text`` spoken by espeak-ng (resampled by sox)."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is needed for the voice tests (apt-get install {tool})")
    wav = folder / "speech.wav"
    raw = folder / "speech.raw"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", str(wav), text], check=True)
    subprocess.run(
        ["sox", str(wav), "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed", "-L", str(raw)],
        check=True,
    )
    return raw.read_bytes()


def make_speech() -> tuple[bytes, ...]:
    with tempfile.TemporaryDirectory() as folder:
        return tuple(speech(sentence, Path(folder)) for sentence in SENTENCES)


async def stream(sink: InterviewerSink, pcm: bytes) -> None:
    """Send ``pcm`` in 40 ms chunks paced by the loop clock (no drift, no burst)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, offset in enumerate(range(0, len(pcm), CHUNK_BYTES)):
        delay = start + index * CHUNK_MS / 1000 - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await sink.audio(pcm[offset : offset + CHUNK_BYTES])


@dataclass
class VoiceControl:
    """Shared by the test and every interviewer the factory makes (one per connection)."""

    audio: tuple[bytes, ...]
    server: Any = None  # tests/conftest.py's LiveServer, set once it runs
    steps: asyncio.Queue[Step] = field(default_factory=asyncio.Queue)
    done: list[str] = field(default_factory=list)

    def factory(self, context: InterviewContext) -> Interviewer:
        return VoiceTestInterviewer(self)

    def do(self, step: Step) -> None:
        """Queue a step for the interviewer of the live connection (or the next one)."""
        self.server.run(self.steps.put(step))

    # ---------------------------------------------------------------- the steps
    def speak(self, *, cut_after_ms: int | None = None, late_ms: int = 1000) -> Step:
        """Both sentences, each partial just before its audio, then the final. With
        ``cut_after_ms``: barge-in after that much audio, ``late_ms`` more chunks of the same
        utterance (which the page must drop), then the final with only what was heard."""

        async def step(sink: InterviewerSink) -> None:
            await sink.status(InterviewerState.SPEAKING)
            said = ""
            for sentence, pcm in zip(SENTENCES, self.audio, strict=True):
                said = f"{said} {sentence}".strip()
                await sink.partial(said)
                if cut_after_ms is not None:
                    cut = cut_after_ms * RATE // 1000 * 2
                    await stream(sink, pcm[:cut])
                    await sink.cleared(cut_after_ms)
                    await stream(sink, pcm[cut : cut + late_ms * RATE // 1000 * 2])
                    said = "Hello, and thank you"
                    break
                await stream(sink, pcm)
            await sink.final(said)
            await sink.status(InterviewerState.LISTENING)
            self.done.append("speak")

        return step

    def user_line(self, *parts: str) -> Step:
        """The user's line growing phrase by phrase, then its final (the last part)."""

        async def step(sink: InterviewerSink) -> None:
            for text in parts[:-1]:
                await sink.user_partial(text, 5000)
                await asyncio.sleep(0.4)
            await sink.user_final(parts[-1], 5000, 5000 + 400 * len(parts))
            self.done.append("user_line")

        return step

    def notice(self, kind: NoticeKind, message: str = "") -> Step:
        async def step(sink: InterviewerSink) -> None:
            await sink.notice(kind, message)
            self.done.append(f"notice:{kind}")

        return step


class VoiceTestInterviewer(Interviewer):
    # Stands in for the offline voice engine, so the page shows that engine's name.
    engine: ClassVar[str] = "offline"

    def __init__(self, control: VoiceControl) -> None:
        self._control = control

    async def run(self, sink: InterviewerSink) -> None:
        await sink.status(InterviewerState.LISTENING)
        while True:
            step = await self._control.steps.get()
            await step(sink)
