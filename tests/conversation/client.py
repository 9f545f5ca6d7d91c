"""A spoken protocol client: a microphone that streams in real time, ears that keep time.

It speaks the real protocol over a real WebSocket, like the session page: after the start it
sends a 40 ms chunk every 40 ms (silence with faint noise unless something is being said),
and records every server message with the loop time it arrived. ``loopback`` plays the
interviewer's audio back into the microphone, as speakers next to a microphone would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from array import array
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import numpy as np
import soxr
from websockets.asyncio.client import connect

from interview_coach.proto import interview_pb2 as pb

DEBUG = bool(os.environ.get("DEBUG_SPOKEN_CLIENT"))
RATE = 16_000
AI_RATE = 24_000
CHUNK_MS = 40
CHUNK_BYTES = RATE * CHUNK_MS // 1000 * 2
NOISE = 30  # about -60 dBFS: a quiet room, never speech to the detector


@dataclass(frozen=True)
class Received:
    at: float
    message: pb.ServerToClientMessage

    @property
    def kind(self) -> str:
        return str(self.message.WhichOneof("payload"))


def quiet_chunk(rng: random.Random) -> bytes:
    return array("h", (rng.randint(-NOISE, NOISE) for _ in range(CHUNK_BYTES // 2))).tobytes()


class SpokenClient:
    def __init__(self, url: str) -> None:
        self._url = url
        self.received: list[Received] = []
        self._mic = bytearray()
        self._said = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._rng = random.Random(11)
        self._loop = asyncio.get_running_loop()
        self.loopback = False
        self.loopback_gain = 0.5
        self.sent_ms = 0  # audio sent so far, in ms from this connection's start

    @asynccontextmanager
    async def session(self, token: str, interview_id: str) -> AsyncIterator[SpokenClient]:
        async with connect(self._url, max_size=None) as ws:
            self._ws = ws
            config = pb.AudioConfig(encoding=pb.AudioConfig.LINEAR_PCM, sample_rate_hertz=RATE)
            start = pb.StartRequest(
                auth_token=token, interview_id=interview_id, audio_config=config
            )
            await ws.send(pb.ClientToServerMessage(start_request=start).SerializeToString())
            tasks = [
                asyncio.create_task(self._receive()),
                asyncio.create_task(self._stream()),
            ]
            try:
                yield self
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------ microphone

    def say(self, pcm: bytes) -> asyncio.Event:
        """Queue speech (PCM16 at 16 kHz); the event is set once all of it has been sent."""
        self._mic.extend(pcm)
        self._said = asyncio.Event()
        return self._said

    async def end(self) -> None:
        await self._ws.send(
            pb.ClientToServerMessage(end_request=pb.EndRequest()).SerializeToString()
        )

    async def _stream(self) -> None:
        first = self._loop.time()
        sent = 0
        while True:
            if self._mic:
                chunk = bytes(self._mic[:CHUNK_BYTES]).ljust(CHUNK_BYTES, b"\0")
                del self._mic[:CHUNK_BYTES]
                if not self._mic:
                    self._said.set()
            else:
                chunk = quiet_chunk(self._rng)
            with contextlib.suppress(Exception):
                await self._ws.send(
                    pb.ClientToServerMessage(
                        audio_chunk=pb.AudioChunk(audio_content=chunk)
                    ).SerializeToString()
                )
            sent += 1
            self.sent_ms = sent * CHUNK_MS
            await asyncio.sleep(max(0.0, first + sent * CHUNK_MS / 1000 - self._loop.time()))

    # ------------------------------------------------------------ ears

    async def _receive(self) -> None:
        async for frame in self._ws:
            assert isinstance(frame, bytes)
            message = pb.ServerToClientMessage()
            message.ParseFromString(frame)
            if self.loopback and message.HasField("audio_chunk"):
                self._mic.extend(echo_of(message.audio_chunk.audio_content, self.loopback_gain))
            if DEBUG:
                kind = message.WhichOneof("payload")
                detail = (
                    ""
                    if kind == "audio_chunk"
                    else str(getattr(message, str(kind))).replace("\n", " ")
                )
                print(f"{self._loop.time():.2f} sent_ms={self.sent_ms} {kind} {detail}", flush=True)
            async with self._arrived:
                self.received.append(Received(self._loop.time(), message))
                self._arrived.notify_all()

    async def wait_for(
        self, check: Callable[[Received], bool], within: float, after: int = 0
    ) -> Received:
        """The first message from index ``after`` on that passes ``check``."""
        async with asyncio.timeout(within), self._arrived:
            while True:
                for item in self.received[after:]:
                    if check(item):
                        return item
                await self._arrived.wait()

    def index_of(self, item: Received) -> int:
        return self.received.index(item)

    def finals(self, speaker: int) -> list[pb.PartialTranscript]:
        return [
            r.message.partial_transcript
            for r in self.received
            if r.kind == "partial_transcript"
            and r.message.partial_transcript.is_final
            and r.message.partial_transcript.speaker == speaker
        ]

    def audio_of(self, utterance_id: str) -> bytes:
        return b"".join(
            r.message.audio_chunk.audio_content
            for r in self.received
            if r.kind == "audio_chunk" and r.message.audio_chunk.utterance_id == utterance_id
        )


def echo_of(pcm24: bytes, gain: float) -> bytes:
    """Interviewer audio as the microphone hears it from the speakers: 16 kHz, quieter."""
    audio = np.frombuffer(pcm24, dtype="<i2").astype(np.float32)
    resampled = soxr.resample(audio, AI_RATE, RATE) * gain
    return np.clip(resampled, -32768, 32767).astype("<i2").tobytes()


def is_final(speaker: int) -> Callable[[Received], bool]:
    def check(item: Received) -> bool:
        part = item.message.partial_transcript
        return item.kind == "partial_transcript" and part.is_final and part.speaker == speaker

    return check


def is_speaking(speaker: int) -> Callable[[Received], bool]:
    """The first caption of a line (sent just before its audio), final or not."""

    def check(item: Received) -> bool:
        part = item.message.partial_transcript
        return item.kind == "partial_transcript" and part.speaker == speaker and bool(part.text)

    return check


def is_kind(kind: str) -> Callable[[Received], bool]:
    return lambda item: item.kind == kind
