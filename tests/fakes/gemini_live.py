"""A local Gemini Live server speaking the real wire protocol, for tests.

wss with a self-signed certificate made in the test (``self_signed``), on the path the
google-genai SDK connects to (``/ws/google.ai.generativelanguage.<version>.GenerativeService.
BidiGenerateContent``), with the key in the ``x-goog-api-key`` header. It checks the setup
message as the SDK sends it, answers ``setupComplete``, takes ``realtimeInput`` audio (mime
type and rate checked), and plays a scripted model: it speaks its lines as real 24 kHz speech
with ``outputTranscription``, hears the user by energy and answers with the scripted
``inputTranscription``, is ``interrupted`` when the user speaks over it, sends
``turnComplete`` and ``sessionResumptionUpdate`` handles, and can send ``goAway`` then close,
drop the connection, refuse the key or the quota as the real API does, or be slow.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import re
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

# The SDK's path: /ws/google.ai.generativelanguage.{api_version}.GenerativeService.<method>
log = logging.getLogger(__name__)
quiet = logging.getLogger(f"{__name__}.wire")  # its DEBUG dump of request headers holds the key
quiet.setLevel(logging.INFO)
PATH = re.compile(
    r"/ws/google\.ai\.generativelanguage\.v1(alpha|beta)?\.GenerativeService\.BidiGenerateContent"
)
MODEL_RATE = 24_000
USER_RATE = 16_000
CHUNK_MS = 40
SPEECH_RMS = 500  # louder than this is the user talking (the client's room noise is ~20)
END_SILENCE_MS = 600  # this much quiet after speech ends the user's turn
INTERRUPT_SPEECH_MS = 200  # the user speaking this long over the model interrupts it
KEY_CLOSE = (1008, "API key not valid. Please pass a valid API key.")
QUOTA_CLOSE = (1011, "You exceeded your current quota, please check your plan and billing details.")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made now with the openssl program."""
    cert, key = folder / "gemini-fake.crt", folder / "gemini-fake.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Script:
    """What the fake model says and hears, and which faults it plays."""

    lines: list[str]  # the model's lines, in order
    speech: dict[str, bytes]  # each line's audio, PCM16 at 24 kHz
    answers: list[str]  # what the user is heard saying, turn by turn
    api_key: str = "fake-gemini-key"
    refuse: str | None = None  # "key" or "quota" (close after setup), "http-403", "http-429"
    setup_delay: float = 0.0
    reply_delay: float = 0.0
    go_away_after_turn: int | None = None  # after this many model turns on a connection
    go_away_time_left: float = 1.0
    drop_after_turn: int | None = None  # abrupt TCP close after this many model turns
    send_speed: float = 4.0  # audio goes out this many times faster than real time


@dataclass
class Connection:
    """What one client connection did, for the test to check."""

    headers: dict[str, str]
    setup: dict[str, Any] = field(default_factory=dict)
    client_content: list[dict[str, Any]] = field(default_factory=list)
    audio_ms: float = 0.0
    mime_types: set[str] = field(default_factory=set)
    closed_by: str = ""


class _State:
    """The conversation, shared by every connection (a resumed one goes on from here)."""

    def __init__(self) -> None:
        self.next_line = 0
        self.next_answer = 0
        self.faulted = False
        self.handles: dict[str, int] = {}  # handle -> line index at that point
        self.counter = itertools.count(1)


class FakeGeminiLive:
    def __init__(self, script: Script, cert: Path, key: Path) -> None:
        self.script = script
        self.connections: list[Connection] = []
        self.state = _State()
        self._ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ssl.load_cert_chain(cert, key)
        self.port = 0
        self.interruptions = 0

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeGeminiLive]:
        async with serve(
            self._serve,
            "127.0.0.1",
            0,
            ssl=self._ssl,
            process_request=self._check_request,
            max_size=None,
            logger=quiet,
        ) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            yield self

    # ------------------------------------------------------------ handshake

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if not PATH.fullmatch(request.path):
            return _http(HTTPStatus.NOT_FOUND, f"no such path {request.path}")
        refuse = self.script.refuse
        if refuse == "http-403":
            return _http(HTTPStatus.FORBIDDEN, "PERMISSION_DENIED")
        if refuse == "http-429":
            return _http(HTTPStatus.TOO_MANY_REQUESTS, "RESOURCE_EXHAUSTED")
        return None

    async def _serve(self, ws: ServerConnection) -> None:
        seen = Connection(headers={k.lower(): v for k, v in ws.request.headers.raw_items()})
        self.connections.append(seen)
        try:
            await _Session(self, ws, seen).run()
        except ConnectionClosed:
            seen.closed_by = seen.closed_by or "client"
        except Exception:
            log.exception("fake gemini live failed")
            raise

    def new_handle(self) -> str:
        handle = f"handle-{next(self.state.counter)}"
        self.state.handles[handle] = self.state.next_line
        return handle


def _http(status: HTTPStatus, body: str) -> Response:
    headers = Headers([("Content-Type", "text/plain")])
    return Response(status.value, status.phrase, headers, body.encode())


class _Session:
    """One connection's conversation."""

    def __init__(self, fake: FakeGeminiLive, ws: ServerConnection, seen: Connection) -> None:
        self.fake = fake
        self.script = fake.script
        self.ws = ws
        self.seen = seen
        self.loop = asyncio.get_running_loop()
        self.turns = 0
        self.speaking: asyncio.Task[None] | None = None
        self.playing_until = 0.0
        self.heard_ms = 0  # user speech in the current turn
        self.quiet_ms = 0
        self.over_ms = 0  # user speech while the model plays

    async def run(self) -> None:
        setup = json.loads(await self.ws.recv())["setup"]
        self.seen.setup = setup
        if self.seen.headers.get("x-goog-api-key") != self.script.api_key:
            await self._close(*KEY_CLOSE)
            return
        if self.script.refuse == "key":
            await self._close(*KEY_CLOSE)
            return
        if self.script.refuse == "quota":
            await self._close(*QUOTA_CLOSE)
            return
        handle = (setup.get("sessionResumption") or {}).get("handle")
        if handle is not None:
            if handle not in self.fake.state.handles:
                await self._close(1007, "Invalid session resumption handle.")
                return
            self.fake.state.next_line = self.fake.state.handles[handle]
        await asyncio.sleep(self.script.setup_delay)
        await self._send({"setupComplete": {}})
        async for frame in self.ws:
            message = json.loads(frame)
            if (content := field_of(message, "clientContent")) is not None:
                self.seen.client_content.append(content)
                if field_of(content, "turnComplete"):
                    self._speak_next()
            elif (realtime := field_of(message, "realtimeInput")) is not None:
                await self._hear(realtime)

    async def _send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def _close(self, code: int, reason: str) -> None:
        self.seen.closed_by = f"server:{code}"
        await self.ws.close(code, reason)

    # ------------------------------------------------------------ hearing

    async def _hear(self, realtime: dict[str, Any]) -> None:
        audio = realtime["audio"]
        mime = field_of(audio, "mimeType")
        self.seen.mime_types.add(mime)
        assert mime == f"audio/pcm;rate={USER_RATE}", mime
        pcm = _unb64(audio["data"])
        chunk_ms = len(pcm) / 2 / USER_RATE * 1000
        self.seen.audio_ms += chunk_ms
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        loud = samples.size > 0 and float(np.sqrt(np.mean(samples**2))) > SPEECH_RMS
        if loud:
            self.heard_ms += chunk_ms
            self.quiet_ms = 0
            if self.loop.time() < self.playing_until:
                self.over_ms += chunk_ms
                if self.over_ms >= INTERRUPT_SPEECH_MS:
                    await self._interrupt()
            return
        self.quiet_ms += chunk_ms
        if self.heard_ms >= 300 and self.quiet_ms >= END_SILENCE_MS:
            self.heard_ms = 0
            await self._answered()

    async def _answered(self) -> None:
        state = self.fake.state
        answers = self.script.answers
        text = answers[state.next_answer] if state.next_answer < len(answers) else "Yes."
        state.next_answer += 1
        words = text.split()
        half = len(words) // 2
        for piece in (" ".join(words[:half]), " " + " ".join(words[half:])):
            await self._send({"serverContent": {"inputTranscription": {"text": piece}}})
        self._speak_next()

    async def _interrupt(self) -> None:
        if self.speaking is not None and not self.speaking.done():
            self.speaking.cancel()
        self.playing_until = 0.0
        self.over_ms = 0
        self.fake.interruptions += 1
        await self._send({"serverContent": {"interrupted": True}})
        await self._send({"serverContent": {"turnComplete": True}})

    # ------------------------------------------------------------ speaking

    def _speak_next(self) -> None:
        state = self.fake.state
        if state.next_line >= len(self.script.lines):
            return
        line = self.script.lines[state.next_line]
        state.next_line += 1
        self.speaking = self.loop.create_task(self._speak(line))
        self.speaking.add_done_callback(_report)

    async def _speak(self, line: str) -> None:
        await asyncio.sleep(self.script.reply_delay)
        pcm = self.script.speech[line]
        chunk = MODEL_RATE * CHUNK_MS // 1000 * 2
        chunks = [pcm[i : i + chunk] for i in range(0, len(pcm), chunk)]
        words = line.split()
        started = self.loop.time()
        self.playing_until = started + len(pcm) / 2 / MODEL_RATE
        said = 0
        for index, part in enumerate(chunks):
            data = {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": _b64(part)}}
            await self._send({"serverContent": {"modelTurn": {"parts": [data]}}})
            due = len(words) * (index + 1) // len(chunks)
            if due > said:
                text = " " + " ".join(words[said:due])
                said = due
                await self._send({"serverContent": {"outputTranscription": {"text": text}}})
            await asyncio.sleep(CHUNK_MS / 1000 / self.script.send_speed)
        await self._send({"serverContent": {"generationComplete": True}})
        await asyncio.sleep(max(0.0, self.playing_until - self.loop.time()))
        self.playing_until = 0.0
        await self._send({"serverContent": {"turnComplete": True}})
        self.turns += 1
        update = {"newHandle": self.fake.new_handle(), "resumable": True}
        await self._send({"sessionResumptionUpdate": update})
        await self._after_turn()

    async def _after_turn(self) -> None:
        """A fault plays once per fake (the connection that replaces it goes on well)."""
        if self.fake.state.faulted:
            return
        if self.turns in (self.script.go_away_after_turn, self.script.drop_after_turn):
            self.fake.state.faulted = True
        if self.turns == self.script.go_away_after_turn:
            left = self.script.go_away_time_left
            await self._send({"goAway": {"timeLeft": f"{left}s"}})
            await asyncio.sleep(left)
            await self._close(1000, "session time limit")
        elif self.turns == self.script.drop_after_turn:
            self.seen.closed_by = "server:drop"
            self.ws.transport.abort()


def field_of(message: dict[str, Any], camel: str) -> Any:
    """A field by its JSON name or its proto name (the SDK sends some of each, as
    protobuf's JSON parser on the real server accepts both)."""
    if camel in message:
        return message[camel]
    return message.get(re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel))


def _report(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("fake gemini live speech failed", exc_info=task.exception())


def _unb64(text: str) -> bytes:
    """Base64 in either alphabet (the SDK sends the URL-safe one), padding optional."""
    text = text.translate(str.maketrans("-_", "+/"))
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
