"""A local OpenAI Realtime server: the real WebSocket protocol, a scripted model.

It speaks the GA Realtime events as the SDK's types define them (``openai/types/realtime``),
checks what the client sends (the Bearer key, ``session.update``'s fields, base64 PCM16 at
24 kHz in whole samples), and plays the model: each reply is real speech (espeak-ng at
24 kHz) streamed as ``response.output_audio.delta`` in real time with its transcript in
``response.output_audio_transcript.delta``s; it finds the user's speech itself by energy
(``speech_started``/``speech_stopped`` with ``audio_start_ms``/``audio_end_ms`` into the
audio it was sent), transcribes it from a script, answers, handles ``truncate``, and cancels
a reply the user talks over, as server VAD does.

``Failures`` tells it to refuse the handshake (401, 429), to drop the socket after a number
of replies, or to be slow to reply.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from interview_coach.voice.espeak_tts import EspeakTextToSpeech

RATE = 24_000
QUIET = logging.getLogger("tests.fakes.openai_realtime")  # headers (the key) stay unlogged
QUIET.setLevel(logging.INFO)
CHUNK_MS = 100
SPEECH_RMS = 500.0  # well above the test client's quiet room (about 30)
END_SILENCE_MS = 600
REPLIES = (
    "Hello, thank you for joining. Tell me about a project you led.",
    "That sounds like a big change. What was the hardest part of it, and why?",
    "Thank you. What would you do differently if you ran that project again?",
)


@dataclass
class Failures:
    refuse_status: int | None = None  # refuse every handshake with this HTTP status
    drop_after_replies: int | None = None  # close the socket once this many replies ended
    refuse_after_drop: bool = False  # and refuse to be reconnected
    reply_delay_seconds: float = 0.0  # wait this long before each answer to the user


@dataclass
class Connection:
    """What one client connection sent."""

    session: dict[str, Any] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    appended_bytes: int = 0
    appends: int = 0
    truncates: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class FakeRealtime:
    def __init__(self, api_key: str, user_lines: list[str] | None = None) -> None:
        self.api_key = api_key
        self.failures = Failures()
        self.user_lines = user_lines or ["I led the billing migration to PostgreSQL."]
        self.connections: list[Connection] = []
        self.replies_done = 0
        self.headers_seen: list[str] = []
        self._tts = EspeakTextToSpeech()
        self._audio: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._dropped = False

    # ------------------------------------------------------------ the handshake

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.headers_seen.append(request.headers.get("Authorization", ""))
        if not request.path.startswith("/v1/realtime?model="):
            return connection.respond(HTTPStatus.NOT_FOUND, "no such path\n")
        if self.failures.refuse_status is not None:
            return connection.respond(self.failures.refuse_status, '{"error": "refused"}\n')
        if self._dropped and self.failures.refuse_after_drop:
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "gone\n")
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return connection.respond(HTTPStatus.UNAUTHORIZED, '{"error": "invalid_api_key"}\n')
        return None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        """Serve on a free port; yields the ``http://…/v1`` base URL for the client."""
        async with serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._check_request,
            max_size=None,
            logger=QUIET,
        ) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            yield f"http://127.0.0.1:{port}/v1"

    # ------------------------------------------------------------ one connection

    async def _handle(self, ws: ServerConnection) -> None:
        state = Connection()
        self.connections.append(state)
        session = _Session(self, ws, state)
        await session.send("session.created", session={"type": "realtime", "id": "sess_1"})
        try:
            async for frame in ws:
                await session.receive(json.loads(frame))
        finally:
            session.stop()

    def speech(self, text: str) -> bytes:
        if text not in self._audio:
            self._audio[text] = self._tts.synthesize(text, RATE)
        return self._audio[text]

    def next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids)}"

    def should_drop(self) -> bool:
        limit = self.failures.drop_after_replies
        if limit is not None and self.replies_done >= limit and not self._dropped:
            self._dropped = True
            return True
        return False


class _Session:
    """The model's side of one connection: VAD, transcription, replies."""

    def __init__(self, fake: FakeRealtime, ws: ServerConnection, state: Connection) -> None:
        self.fake = fake
        self.ws = ws
        self.state = state
        self.buffer_ms = 0.0  # audio received, in ms
        self.speech_start: float | None = None
        self.last_voice = 0.0
        self.user_item = ""
        self.reply: asyncio.Task[None] | None = None
        self.answered = 0

    async def send(self, kind: str, **fields: Any) -> None:
        event = {"type": kind, "event_id": self.fake.next_id("event"), **fields}
        await self.ws.send(json.dumps(event))

    def stop(self) -> None:
        if self.reply is not None:
            self.reply.cancel()

    async def receive(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "session.update":
            self._check_session(event.get("session", {}))
            await self.send("session.updated", session=event.get("session"))
        elif kind == "conversation.item.create":
            self.state.items.append(event["item"])
        elif kind == "response.create":
            self._respond(delay=0.0)
        elif kind == "input_audio_buffer.append":
            await self._append(event.get("audio", ""))
        elif kind == "conversation.item.truncate":
            self.state.truncates.append(event)
            await self.send(
                "conversation.item.truncated",
                item_id=event["item_id"],
                content_index=event["content_index"],
                audio_end_ms=event["audio_end_ms"],
            )
        elif kind == "response.cancel":
            self.stop()
        else:
            self.state.problems.append(f"unexpected event {kind!r}")

    def _check_session(self, session: dict[str, Any]) -> None:
        problems = self.state.problems
        self.state.session = session
        audio = session.get("audio", {})
        wanted = {"type": "audio/pcm", "rate": RATE}
        if session.get("type") != "realtime":
            problems.append("session.type is not realtime")
        if not session.get("instructions"):
            problems.append("no instructions")
        if audio.get("input", {}).get("format") != wanted:
            problems.append("input format is not PCM16 at 24 kHz")
        if audio.get("output", {}).get("format") != wanted:
            problems.append("output format is not PCM16 at 24 kHz")
        if not audio.get("input", {}).get("transcription", {}).get("model"):
            problems.append("input transcription is off")
        detection = audio.get("input", {}).get("turn_detection", {}).get("type")
        if detection not in ("server_vad", "semantic_vad"):
            problems.append(f"turn detection {detection!r}")
        if not audio.get("output", {}).get("voice"):
            problems.append("no voice")

    # ------------------------------------------------------------ listening

    async def _append(self, audio: str) -> None:
        pcm = base64.b64decode(audio, validate=True)
        if len(pcm) % 2:
            self.state.problems.append("odd byte count in input audio")
            return
        self.state.appended_bytes += len(pcm)
        self.state.appends += 1
        start_ms = self.buffer_ms
        self.buffer_ms += len(pcm) / 2 / RATE * 1000
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        loud = samples.size > 0 and float(np.sqrt(np.mean(samples**2))) > SPEECH_RMS
        if loud:
            self.last_voice = self.buffer_ms
            if self.speech_start is None:
                await self._speech_started(start_ms)
        elif self.speech_start is not None and self.buffer_ms - self.last_voice >= END_SILENCE_MS:
            await self._speech_stopped()

    async def _speech_started(self, start_ms: float) -> None:
        self.speech_start = start_ms
        self.user_item = self.fake.next_id("item")
        if self.reply is not None and not self.reply.done():
            self.reply.cancel()  # server VAD interrupts the response
        await self.send(
            "input_audio_buffer.speech_started",
            audio_start_ms=round(start_ms),
            item_id=self.user_item,
        )

    async def _speech_stopped(self) -> None:
        item = self.user_item
        self.speech_start = None
        await self.send(
            "input_audio_buffer.speech_stopped", audio_end_ms=round(self.last_voice), item_id=item
        )
        await self.send("input_audio_buffer.committed", item_id=item, previous_item_id=None)
        lines = self.fake.user_lines
        text = lines[min(self.answered, len(lines) - 1)]
        self.answered += 1
        half = len(text.split()) // 2
        words = text.split()
        for delta in (" ".join(words[:half]), " " + " ".join(words[half:])):
            await self.send(
                "conversation.item.input_audio_transcription.delta",
                item_id=item,
                content_index=0,
                delta=delta,
            )
        await self.send(
            "conversation.item.input_audio_transcription.completed",
            item_id=item,
            content_index=0,
            transcript=text,
            usage={"type": "duration", "seconds": 1.0},
        )
        self._respond(delay=self.fake.failures.reply_delay_seconds)

    # ------------------------------------------------------------ speaking

    def _respond(self, delay: float) -> None:
        self.stop()
        self.reply = asyncio.get_running_loop().create_task(self._speak(delay))

    async def _speak(self, delay: float) -> None:
        await asyncio.sleep(delay)
        text = REPLIES[min(self.fake.replies_done, len(REPLIES) - 1)]
        response_id = self.fake.next_id("resp")
        item_id = self.fake.next_id("item")
        where = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        response = {"id": response_id, "object": "realtime.response"}
        await self.send("response.created", response={**response, "status": "in_progress"})
        pcm = self.fake.speech(text)
        chunk = RATE * CHUNK_MS // 1000 * 2
        words = text.split()
        loop = asyncio.get_running_loop()
        began = loop.time()
        said = 0
        status = "cancelled"
        try:
            for index, first in enumerate(range(0, len(pcm), chunk)):
                part = base64.b64encode(pcm[first : first + chunk]).decode("ascii")
                await self.send("response.output_audio.delta", content_index=0, delta=part, **where)
                shown = -(-len(words) * (first + chunk) // len(pcm))
                if shown > said:
                    delta = (" " if said else "") + " ".join(words[said:shown])
                    said = shown
                    await self.send(
                        "response.output_audio_transcript.delta",
                        content_index=0,
                        delta=delta,
                        **where,
                    )
                await asyncio.sleep(max(0.0, began + (index + 1) * CHUNK_MS / 1000 - loop.time()))
            await self.send(
                "response.output_audio_transcript.done", content_index=0, transcript=text, **where
            )
            await self.send("response.output_audio.done", content_index=0, **where)
            status = "completed"
        finally:
            if status == "completed":
                self.fake.replies_done += 1
            with contextlib.suppress(Exception):
                await self.send(
                    "response.done",
                    response={**response, "status": status},
                )
            if self.fake.should_drop():
                self.ws.transport.abort()
