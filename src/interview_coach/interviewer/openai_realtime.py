"""The OpenAI Realtime interviewer: speech to speech over the SDK's WebSocket client.

The user's audio (16 kHz) is resampled to 24 kHz PCM16 and appended to the provider's input
buffer; the provider's voice activity detection (server or semantic VAD) takes turns; its
audio (24 kHz) goes to the page, its transcripts both ways become our lines:

* user offsets are in the interview's time base: where this connection's first forwarded
  chunk sat, plus the provider's ``audio_start_ms``/``audio_end_ms`` into that audio;
* ``reply_latency_ms`` runs from the user's speech stopping to the reply's first audio;
* barge-in (speech started while the reply plays): the page drops its audio, the provider's
  item is truncated at what the page played (audio sent, less the page's jitter buffer), and
  the stored line keeps the words heard, approximated by the share of the audio played
  (``words_heard``: words are assumed evenly spread over the audio).

A new connection (a rejoin, or the one reconnect after a drop) gets the stored transcript as
conversation items, so the model goes on from there; a reply is asked for only when the
user spoke last (or nothing was said yet: the greeting). Refused at start (unreachable, 401,
429): ``ProviderUnavailable``; a drop that one reconnect cannot mend: ``ProviderLost``.
Messages name the host and the HTTP status, never the key.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import ssl
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

from openai import AsyncOpenAI
from openai.resources.realtime.realtime import AsyncRealtimeConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from interview_coach.config import Settings
from interview_coach.errors import ProviderLost, ProviderUnavailable
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerSink,
    InterviewerState,
    SpokenLine,
)
from interview_coach.interviewer.conversation import played_ms, words_heard
from interview_coach.interviewer.instructions import system_instruction
from interview_coach.interviews.enums import Speaker
from interview_coach.voice.audio import pcm16_samples, resample

log = logging.getLogger("interview_coach.interviewer")
# The websockets library logs every handshake header at DEBUG, the Authorization header with
# the API key among them: its connection logs here, and this logger never says DEBUG.
wire_log = logging.getLogger("interview_coach.interviewer.openai_wire")
wire_log.setLevel(logging.INFO)

ENGINE = "openai-realtime"
PROVIDER_RATE = 24_000  # PCM16 both ways
BYTES_PER_SAMPLE = 2
TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe"
DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class RealtimeConfig:
    """The settings this engine uses (the key as a plain string only in here)."""

    api_key: str
    base_url: str
    model: str
    voice: str
    turn_detection: str
    connect_timeout: float
    output_rate: int
    page_buffer_ms: int
    ca_file: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> RealtimeConfig:
        key = settings.openai_api_key
        return cls(
            api_key=key.get_secret_value() if key is not None else "",
            base_url=settings.openai_base_url or DEFAULT_BASE_URL,
            model=settings.openai_realtime_model,
            voice=settings.openai_voice,
            turn_detection=settings.openai_turn_detection,
            connect_timeout=settings.provider_connect_timeout_seconds,
            output_rate=settings.interviewer_audio_sample_rate,
            page_buffer_ms=settings.page_jitter_buffer_ms,
            ca_file=str(settings.provider_ca_file) if settings.provider_ca_file else None,
        )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url


@dataclass
class _Reply:
    """The assistant item being spoken."""

    item_id: str
    started: float | None = None  # loop time of its first audio
    sent_ms: int = 0
    text: str = ""
    interrupted: bool = False


@dataclass
class _Heard:
    """A user item: where it sits in the interview and its words so far."""

    start_ms: int
    end_ms: int | None = None
    text: str = ""


@dataclass
class _Turns:
    users: dict[str, _Heard] = field(default_factory=dict)
    reply: _Reply | None = None
    speech_end: float | None = None  # loop time the user's speech stopped


class OpenAIRealtimeInterviewer(Interviewer):
    wants_audio: ClassVar[bool] = True
    engine: ClassVar[str] = ENGINE

    def __init__(self, context: InterviewContext, config: RealtimeConfig) -> None:
        self._context = context
        self._config = config
        self._rate = context.sample_rate
        self._loop = asyncio.get_running_loop()
        self._conn: AsyncRealtimeConnection | None = None
        self._origin_ms: int | None = None  # interview time of this connection's audio start
        self._said: list[SpokenLine] = []  # lines said on this connection
        self._turns = _Turns()
        self._sink: InterviewerSink | None = None

    # ------------------------------------------------------------ audio in

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        conn = self._conn
        if conn is None:
            return  # connecting or reconnecting: the provider's VAD starts afresh
        if self._origin_ms is None:
            self._origin_ms = offset_ms
        samples = resample(pcm16_samples(pcm), self._rate, PROVIDER_RATE)
        audio = base64.b64encode(samples.astype("<i2").tobytes()).decode("ascii")
        with contextlib.suppress(ConnectionClosed):
            await _send(conn, {"type": "input_audio_buffer.append", "audio": audio})

    # ------------------------------------------------------------ the interview

    async def run(self, sink: InterviewerSink) -> None:
        self._sink = sink
        await self._open(first=True)
        reconnected = False
        while True:
            with contextlib.suppress(ConnectionClosed):
                await self._listen()
            self._conn = None
            if reconnected:
                raise ProviderLost(ENGINE, "the connection dropped again after a reconnect")
            reconnected = True
            log.warning("openai realtime connection dropped; reconnecting once")
            try:
                await self._open(first=False)
            except ProviderUnavailable as error:
                raise ProviderLost(ENGINE, f"the connection dropped ({error.message})") from None

    async def close(self, offset_ms: int) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def _open(self, *, first: bool) -> None:
        """Connect, configure the session, seed the transcript, ask for a reply if due."""
        conn = await self._connect()
        self._origin_ms = None
        self._turns = _Turns()
        await _send(conn, {"type": "session.update", "session": self._session()})
        transcript = (*self._context.transcript, *self._said)
        for line in transcript:
            await _send(conn, {"type": "conversation.item.create", "item": _item(line)})
        if not transcript or transcript[-1].speaker is Speaker.USER:
            await _send(conn, {"type": "response.create"})
            await self._out.status(InterviewerState.THINKING)
        elif first:
            await self._out.status(InterviewerState.LISTENING)
        self._conn = conn

    async def _connect(self) -> AsyncRealtimeConnection:
        config = self._config
        if not config.api_key:
            raise ProviderUnavailable(ENGINE, "INTERVIEW_COACH_OPENAI_API_KEY is not set")
        client = AsyncOpenAI(api_key=config.api_key, base_url=config.base_url)
        options: dict[str, Any] = {"open_timeout": config.connect_timeout, "logger": wire_log}
        if config.ca_file and config.base_url.startswith("https"):
            options["ssl"] = ssl.create_default_context(cafile=config.ca_file)
        manager = client.realtime.connect(
            model=config.model,
            websocket_connection_options=options,  # type: ignore[arg-type]
        )
        try:
            async with asyncio.timeout(config.connect_timeout):
                return await manager.enter()
        except InvalidStatus as error:
            raise ProviderUnavailable(ENGINE, _refusal(error.response.status_code)) from None
        except (OSError, TimeoutError, ConnectionClosed) as error:
            log.warning("openai realtime unreachable host=%s error=%s", config.host, type(error))
            raise ProviderUnavailable(ENGINE, f"could not connect to {config.host}") from None

    def _session(self) -> dict[str, Any]:
        audio_format = {"type": "audio/pcm", "rate": PROVIDER_RATE}
        return {
            "type": "realtime",
            "instructions": system_instruction(self._context),
            "output_modalities": ["audio"],
            "audio": {
                "input": {
                    "format": audio_format,
                    "transcription": {"model": TRANSCRIPTION_MODEL},
                    "turn_detection": {"type": self._config.turn_detection},
                },
                "output": {"format": audio_format, "voice": self._config.voice},
            },
        }

    @property
    def _out(self) -> InterviewerSink:
        assert self._sink is not None, "run() sets the sink"
        return self._sink

    # ------------------------------------------------------------ events

    async def _listen(self) -> None:
        conn = self._conn
        assert conn is not None
        async for event in conn:
            handler = _HANDLERS.get(event.type)
            if handler is not None:
                await handler(self, event)

    async def _speech_started(self, event: Any) -> None:
        start_ms = (self._origin_ms or 0) + event.audio_start_ms
        self._turns.users[event.item_id] = _Heard(start_ms)
        reply = self._turns.reply
        if reply is not None and reply.started is not None and not reply.interrupted:
            await self._barge_in(reply)

    async def _barge_in(self, reply: _Reply) -> None:
        """Stop our audio, cut the provider's item and our line at what was heard."""
        assert reply.started is not None
        reply.interrupted = True
        heard = played_ms(
            self._loop.time() - reply.started, reply.sent_ms, self._config.page_buffer_ms
        )
        await self._out.cleared(heard)
        if self._conn is not None:
            await _send(
                self._conn,
                {
                    "type": "conversation.item.truncate",
                    "item_id": reply.item_id,
                    "content_index": 0,
                    "audio_end_ms": heard,
                },
            )
        await self._final(words_heard([(reply.text, reply.sent_ms)], heard) or "…", None)
        await self._out.status(InterviewerState.LISTENING)

    async def _speech_stopped(self, event: Any) -> None:
        heard = self._turns.users.setdefault(event.item_id, _Heard(self._origin_ms or 0))
        heard.end_ms = (self._origin_ms or 0) + event.audio_end_ms
        self._turns.speech_end = self._loop.time()
        await self._out.status(InterviewerState.THINKING)

    async def _user_delta(self, event: Any) -> None:
        heard = self._turns.users.get(event.item_id)
        if heard is not None:
            heard.text += event.delta
            await self._out.user_partial(heard.text.strip(), heard.start_ms)

    async def _user_completed(self, event: Any) -> None:
        heard = self._turns.users.pop(event.item_id, None)
        text = event.transcript.strip()
        if heard is None or not text:
            return
        end_ms = heard.end_ms if heard.end_ms is not None else heard.start_ms
        self._said.append(SpokenLine(Speaker.USER, text, heard.start_ms, end_ms))
        await self._out.user_final(text, heard.start_ms, end_ms)

    def _reply_for(self, item_id: str) -> _Reply | None:
        """The reply this item belongs to; a new item starts a new reply."""
        reply = self._turns.reply
        if reply is None or reply.item_id != item_id:
            reply = self._turns.reply = _Reply(item_id)
        return None if reply.interrupted else reply

    async def _audio_delta(self, event: Any) -> None:
        reply = self._reply_for(event.item_id)
        if reply is None:
            return
        pcm = base64.b64decode(event.delta)
        if self._config.output_rate != PROVIDER_RATE:
            pcm = resample(pcm16_samples(pcm), PROVIDER_RATE, self._config.output_rate).tobytes()
        if reply.started is None:
            reply.started = self._loop.time()
            await self._out.status(InterviewerState.SPEAKING)
        reply.sent_ms += len(pcm) * 1000 // (self._config.output_rate * BYTES_PER_SAMPLE)
        await self._out.audio(pcm)

    async def _transcript_delta(self, event: Any) -> None:
        reply = self._reply_for(event.item_id)
        if reply is not None:
            reply.text += event.delta
            await self._out.partial(reply.text.strip())

    async def _transcript_done(self, event: Any) -> None:
        reply = self._reply_for(event.item_id)
        if reply is None:
            return
        latency = None
        if reply.started is not None and self._turns.speech_end is not None:
            latency = max(0, round((reply.started - self._turns.speech_end) * 1000))
        reply.interrupted = True  # done: later events for this item are stale
        await self._final(event.transcript.strip() or reply.text.strip(), latency)

    async def _final(self, text: str, latency: int | None) -> None:
        self._said.append(SpokenLine(Speaker.AI, text))
        await self._out.final(text, reply_latency_ms=latency)

    async def _response_done(self, event: Any) -> None:
        if self._turns.reply is not None and self._turns.reply.started is not None:
            await self._out.status(InterviewerState.LISTENING)

    async def _error(self, event: Any) -> None:
        error = event.error
        log.warning("openai realtime error type=%s code=%s", error.type, error.code)


_HANDLERS = {
    "input_audio_buffer.speech_started": OpenAIRealtimeInterviewer._speech_started,
    "input_audio_buffer.speech_stopped": OpenAIRealtimeInterviewer._speech_stopped,
    "conversation.item.input_audio_transcription.delta": OpenAIRealtimeInterviewer._user_delta,
    "conversation.item.input_audio_transcription.completed": (
        OpenAIRealtimeInterviewer._user_completed
    ),
    "response.output_audio.delta": OpenAIRealtimeInterviewer._audio_delta,
    "response.output_audio_transcript.delta": OpenAIRealtimeInterviewer._transcript_delta,
    "response.output_audio_transcript.done": OpenAIRealtimeInterviewer._transcript_done,
    "response.done": OpenAIRealtimeInterviewer._response_done,
    "error": OpenAIRealtimeInterviewer._error,
}


async def _send(conn: AsyncRealtimeConnection, event: dict[str, Any]) -> None:
    """One client event, as the API documents it (the SDK validates its shape)."""
    await conn.send(cast(Any, event))


def _item(line: SpokenLine) -> dict[str, Any]:
    """A stored line as a conversation item, so a new connection knows what was said."""
    if line.speaker is Speaker.USER:
        return {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": line.text}],
        }
    return {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": line.text}],
    }


def _refusal(status: int) -> str:
    if status in (401, 403):
        return f"the API key was refused (HTTP {status})"
    if status == 429:
        return "the quota or rate limit is exceeded (HTTP 429)"
    return f"the server refused the connection (HTTP {status})"


def openai_realtime_factory(settings: Settings) -> InterviewerFactory:
    config = RealtimeConfig.from_settings(settings)

    def create(context: InterviewContext) -> Interviewer:
        return OpenAIRealtimeInterviewer(context, config)

    return create


async def probe(settings: Settings, context: InterviewContext) -> str:
    """Connect and configure a session exactly as an interview does, then close without
    asking for a reply (what ``providers check`` runs; costs no audio). Returns the
    session's id; raises ``ProviderUnavailable`` with what to fix."""
    config = RealtimeConfig.from_settings(settings)
    engine = OpenAIRealtimeInterviewer(context, config)
    conn = await engine._connect()
    try:
        await _send(conn, {"type": "session.update", "session": engine._session()})
        async with asyncio.timeout(config.connect_timeout):
            async for event in conn:
                if event.type == "session.updated":
                    return str(getattr(event.session, "id", None) or "session")
                if event.type == "error":
                    raise ProviderUnavailable(
                        ENGINE, f"the session settings were refused: {event.error.message}"
                    )
    except TimeoutError:
        raise ProviderUnavailable(ENGINE, "the session was not confirmed in time") from None
    finally:
        await conn.close()
    raise ProviderUnavailable(ENGINE, "the connection closed before the session was confirmed")
