"""The Gemini Live interviewer: Google's speech-to-speech model plays the interviewer.

The user's audio goes to the model as 16 kHz PCM (``send_realtime_input``); the model's
24 kHz speech comes back with a transcription of both speakers, which become our lines
(stored as finals like every other line). ``interrupted`` is our barge-in; ``turn_complete``
our status.

A Gemini Live connection lives about ten minutes. The model sends resumption handles as it
goes; on ``go_away`` a new connection is opened with the latest handle while the old one
still speaks, the user's audio arriving meanwhile is kept and replayed into the new one,
and the switch is silent. A connection that drops without warning is reopened with the
handle; when that fails the session is told (``ProviderLost``) and goes on without us. The
handle is also saved with the interview, so a rejoin soon after resumes the same model
session; a rejoin without one gives the model the stored transcript.

The API key travels in a header; it never reaches a log (the WebSocket library's debug log
of headers is redacted) or an error message (start-up faults become ``ProviderUnavailable``
with our own words).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

import certifi
from google import genai
from google.genai import errors as genai_errors
from google.genai import live, types
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

from interview_coach.config import Settings
from interview_coach.errors import ConfigurationError, ProviderLost, ProviderUnavailable
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerSink,
    InterviewerState,
    SpokenLine,
)
from interview_coach.interviewer.instructions import system_instruction
from interview_coach.interviewer.turns import Hearing
from interview_coach.interviews.enums import Speaker
from interview_coach.interviews.speech.detectors import BYTES_PER_SAMPLE
from interview_coach.voice.audio import pcm16_samples, resample

log = logging.getLogger(__name__)
# The WebSocket library logs every request header at DEBUG, the key among them: its logger
# for our connections is held at INFO, and redacts the key should anyone lower it.
wire_log = logging.getLogger(f"{__name__}.wire")
wire_log.setLevel(logging.INFO)

PROVIDER = "gemini-live"
ENGINE = "gemini-live"
INPUT_RATE = 16_000
INPUT_MIME = f"audio/pcm;rate={INPUT_RATE}"
MODEL_RATE = 24_000
# Google keeps a resumption handle usable for two hours after its connection ended.
HANDLE_LIFETIME_SECONDS = 2 * 3600
# Context compression: past this many tokens the oldest turns slide out (the system
# instruction stays), so a 60-minute interview never hits the model's context limit.
COMPRESSION_TRIGGER_TOKENS = 25_600
RECONNECT_ATTEMPTS = 2
# The user's audio kept while a connection is being replaced (40 ms chunks: 30 s).
MAX_BUFFERED_CHUNKS = 750
BEGIN_PROMPT = "The candidate has joined the call. Begin the interview now."
RESUME_PROMPT = (
    "The connection dropped and the candidate has rejoined. The conversation so far is "
    "above. Go on from exactly where it stopped: do not greet again and do not repeat a "
    "question that was answered."
)


@dataclass(frozen=True)
class GeminiOptions:
    """What a connection needs, from settings; the key stays a secret until the client."""

    api_key: str
    model: str
    base_url: str | None
    voice: str | None
    ca_file: Path | None
    connect_timeout: float
    output_rate: int
    page_buffer_ms: int

    @classmethod
    def from_settings(cls, settings: Settings) -> GeminiOptions:
        if settings.gemini_api_key is None or not settings.gemini_api_key.get_secret_value():
            raise ConfigurationError(
                "The gemini-live interviewer needs INTERVIEW_COACH_GEMINI_API_KEY."
            )
        return cls(
            api_key=settings.gemini_api_key.get_secret_value(),
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            voice=settings.gemini_voice,
            ca_file=settings.provider_ca_file,
            connect_timeout=settings.provider_connect_timeout_seconds,
            output_rate=settings.interviewer_audio_sample_rate,
            page_buffer_ms=settings.page_jitter_buffer_ms,
        )

    def redact(self, text: str) -> str:
        return text.replace(self.api_key, "[redacted]") if self.api_key else text


class _Redact(logging.Filter):
    """Replaces the keys in any record of the wire log (header dumps at DEBUG)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


_redact = _Redact()
wire_log.addFilter(_redact)


def _ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """The public roots, plus the operator's own CA (a self-hosted proxy, the tests' fake)."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def make_client(options: GeminiOptions) -> genai.Client:
    _redact.secrets.add(options.api_key)
    http = types.HttpOptions(
        base_url=options.base_url,
        async_client_args={
            "ssl": _ssl_context(options.ca_file),
            "open_timeout": options.connect_timeout,
            "logger": wire_log,
        },
    )
    return genai.Client(api_key=options.api_key, http_options=http)


def live_config(context: InterviewContext, options: GeminiOptions, handle: str | None) -> Any:
    """The session's setup: spoken replies, the interviewer's brief, both transcriptions,
    resumption (from ``handle`` when given) and a sliding context window."""
    speech = None
    if options.voice:
        voice = types.VoiceConfig(
            prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=options.voice)
        )
        speech = types.SpeechConfig(voice_config=voice)
    return types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        system_instruction=system_instruction(context),
        speech_config=speech,
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        session_resumption=types.SessionResumptionConfig(handle=handle),
        context_window_compression=types.ContextWindowCompressionConfig(
            trigger_tokens=COMPRESSION_TRIGGER_TOKENS, sliding_window=types.SlidingWindow()
        ),
    )


# ---------------------------------------------------------------- start-up faults

KEY_MESSAGE = "Gemini Live refused the API key; check INTERVIEW_COACH_GEMINI_API_KEY."
QUOTA_MESSAGE = "Gemini Live says this key's quota is used up; try again later or check its plan."


def _is_quota(text: str) -> bool:
    lowered = text.lower()
    return "quota" in lowered or "resource_exhausted" in lowered or "exhausted" in lowered


def describe_failure(error: BaseException, options: GeminiOptions) -> str:
    """A message safe to show for a connection that did not open (never the key)."""
    host = urlparse(options.base_url or "https://generativelanguage.googleapis.com").netloc
    if isinstance(error, InvalidStatus):
        code = error.response.status_code
        if code in (401, 403):
            return KEY_MESSAGE
        if code == 429:
            return QUOTA_MESSAGE
        return f"Gemini Live at {host} refused the connection (HTTP {code})."
    if isinstance(error, genai_errors.APIError):
        detail = f"{error.status or ''} {error.message or ''}"
        # 1008 (policy violation) is how the Live API closes on a key it refuses.
        if error.code in (401, 403, 1008) or "api key" in detail.lower() or "PERMISSION" in detail:
            return KEY_MESSAGE
        if error.code == 429 or _is_quota(detail):
            return QUOTA_MESSAGE
        return f"Gemini Live at {host} closed the connection (code {error.code})."
    if isinstance(error, TimeoutError):
        return f"Gemini Live at {host} did not answer in time."
    return f"Gemini Live at {host} could not be reached."


def _lost_or_refused(error: BaseException) -> bool:
    """True for faults that mean the provider is not there or will not serve us."""
    return isinstance(
        error,
        OSError | TimeoutError | InvalidHandshake | InvalidURI | genai_errors.APIError,
    )


# ---------------------------------------------------------------- one connection


class _Link:
    """One open Gemini Live connection and the task reading it into the engine's queue."""

    def __init__(self, session: live.AsyncSession, stack: AsyncExitStack) -> None:
        self.session = session
        self._stack = stack
        self.reader: asyncio.Task[None] | None = None

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._stack.aclose()


@dataclass
class _Line:
    """The interviewer's line being spoken: its words so far and its audio."""

    text: str = ""
    audio_ms: int = 0
    first_audio_at: float | None = None


@dataclass
class _UserTurn:
    text: str = ""
    start_ms: int | None = None
    end_ms: int = 0


class GeminiLiveInterviewer(Interviewer):
    wants_audio: ClassVar[bool] = True
    engine: ClassVar[str] = ENGINE

    def __init__(
        self, context: InterviewContext, options: GeminiOptions, client: genai.Client
    ) -> None:
        self._context = context
        self._options = options
        self._client = client
        self._loop = asyncio.get_running_loop()
        self._hearing = Hearing(INPUT_RATE)
        self._lines: list[SpokenLine] = list(context.transcript)
        self._handle: str | None = None
        self._link: _Link | None = None
        self._switching = False
        self._buffer: list[bytes] = []
        self._events: asyncio.Queue[tuple[_Link, Any]] = asyncio.Queue()
        self._sink: InterviewerSink | None = None
        self._line = _Line()
        self._user = _UserTurn()
        self._speech_end_at: float | None = None  # loop time the user's last phrase ended
        self._replacement: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ the audio pump's side

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        if self._context.sample_rate != INPUT_RATE:
            samples = resample(pcm16_samples(pcm), self._context.sample_rate, INPUT_RATE)
            pcm = samples.tobytes()
        heard = self._hearing.feed(pcm, offset_ms)
        if self._hearing.speaking and self._user.start_ms is None:
            self._user.start_ms = self._hearing.speech_start_ms
        for phrase in heard.phrases:
            if self._user.start_ms is None:
                self._user.start_ms = phrase.start_ms
            self._user.end_ms = phrase.end_ms
            behind_ms = self._hearing.position_ms - phrase.end_ms
            self._speech_end_at = self._loop.time() - behind_ms / 1000
        await self._forward(pcm)

    async def _forward(self, pcm: bytes) -> None:
        """Send to the model, or keep it while the connection is being replaced."""
        link = self._link
        if link is None or self._switching or not await self._send_audio(link, pcm):
            self._keep(pcm)

    async def _send_audio(self, link: _Link, pcm: bytes) -> bool:
        try:
            await link.session.send_realtime_input(audio=types.Blob(data=pcm, mime_type=INPUT_MIME))
        except Exception:
            return False  # the reader sees the drop and reconnects; this goes then
        return True

    def _keep(self, pcm: bytes) -> None:
        self._buffer.append(pcm)
        del self._buffer[:-MAX_BUFFERED_CHUNKS]

    async def close(self, offset_ms: int) -> None:
        """No more audio: what the user said and the model transcribed is stored."""
        if self._sink is not None and self._user.text:
            await self._finish_user_turn()

    # ------------------------------------------------------------ the conversation

    async def run(self, sink: InterviewerSink) -> None:
        self._sink = sink
        try:
            await self._attach(await self._open_first())
            while True:
                link, item = await self._events.get()
                if link is not self._link:
                    continue  # a replaced connection's last words
                if isinstance(item, BaseException):
                    await self._recover(item)
                    continue
                await self._handle_message(item)
        finally:
            await self._close_all()

    async def _open_first(self) -> _Link:
        """Resume the saved model session if its handle is still alive; else start fresh,
        with the stored transcript when there is one. Start-up faults are ours to word."""
        handle = self._saved_handle()
        if handle is not None:
            try:
                return await self._open(handle)
            except Exception as error:
                if describe_failure(error, self._options) in (KEY_MESSAGE, QUOTA_MESSAGE):
                    raise self._unavailable(error) from None
                log.info("gemini handle not resumed (%s); starting afresh", type(error).__name__)
        try:
            link = await self._open(None)
        except Exception as error:
            raise self._unavailable(error) from None
        await self._introduce(link)
        return link

    def _unavailable(self, error: BaseException) -> ProviderUnavailable:
        message = describe_failure(error, self._options)
        log.warning(
            "gemini live unavailable: %s (%s)", message, self._options.redact(type(error).__name__)
        )
        return ProviderUnavailable(PROVIDER, message)

    def _saved_handle(self) -> str | None:
        saved = self._context.saved_state or {}
        handle, saved_at = saved.get("handle"), saved.get("saved_at")
        if saved.get("engine") != ENGINE or not isinstance(handle, str) or not handle:
            return None
        if not isinstance(saved_at, int | float):
            return None
        return handle if time.time() - saved_at < HANDLE_LIFETIME_SECONDS else None

    async def _open(self, handle: str | None) -> _Link:
        config = live_config(self._context, self._options, handle)
        stack = AsyncExitStack()
        try:
            async with asyncio.timeout(self._options.connect_timeout):
                session = await stack.enter_async_context(
                    self._client.aio.live.connect(model=self._options.model, config=config)
                )
        except BaseException:
            await stack.aclose()
            raise
        return _Link(session, stack)

    async def _introduce(self, link: _Link) -> None:
        """A new model session: the lines so far (a rejoin), then the cue to go on."""
        turns: list[types.Content | types.ContentDict] = [
            types.Content(
                role="model" if line.speaker is Speaker.AI else "user",
                parts=[types.Part(text=line.text)],
            )
            for line in self._lines
        ]
        prompt = RESUME_PROMPT if turns else BEGIN_PROMPT
        turns.append(types.Content(role="user", parts=[types.Part(text=prompt)]))
        await link.session.send_client_content(turns=turns, turn_complete=True)
        await self._out.status(InterviewerState.THINKING)

    async def _attach(self, link: _Link) -> None:
        """Make ``link`` the current connection: start reading it, then replay the audio
        kept meanwhile, in order, before new audio goes straight through again."""
        self._link = link
        link.reader = self._loop.create_task(self._read(link))
        while self._buffer:
            if not await self._send_audio(link, self._buffer[0]):
                return  # dropped again: the reader reports it
            del self._buffer[0]
        self._switching = False

    async def _read(self, link: _Link) -> None:
        try:
            while True:
                async for message in link.session.receive():
                    self._events.put_nowait((link, message))
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            self._events.put_nowait((link, error))

    async def _recover(self, error: BaseException) -> None:
        """The connection dropped without warning: reopen it with the handle, else lost."""
        if self._replacement is not None and not self._replacement.done():
            self._switching = True
            await self._replacement  # go_away already opening the next one
            return
        log.warning("gemini live connection lost (%s); resuming", type(error).__name__)
        self._switching = True
        old = self._link
        if old is not None:
            await old.close()
        for attempt in range(RECONNECT_ATTEMPTS):
            try:
                link = await self._reopen()
            except Exception as failure:
                log.warning(
                    "gemini live resume attempt %d failed (%s)",
                    attempt + 1,
                    type(failure).__name__,
                )
                await asyncio.sleep(0.2 * (attempt + 1))
                continue
            await self._attach(link)
            return
        raise ProviderLost(PROVIDER, "Gemini Live dropped the interview and could not resume it.")

    async def _reopen(self) -> _Link:
        if self._handle is not None:
            return await self._open(self._handle)
        link = await self._open(None)
        await self._introduce(link)
        return link

    async def _replace(self) -> None:
        """go_away: open the next connection with the latest handle while the old one still
        serves; the user's audio is kept from the switch on and replayed into the new one."""
        try:
            link = await self._reopen()
        except Exception as error:
            log.warning("gemini live replacement failed (%s)", type(error).__name__)
            return  # the old one's close is then an ordinary drop
        old = self._link
        await self._attach(link)
        if old is not None:
            await old.close()

    async def _close_all(self) -> None:
        if self._replacement is not None:
            self._replacement.cancel()
            await asyncio.gather(self._replacement, return_exceptions=True)
        if self._link is not None:
            await self._link.close()

    @property
    def _out(self) -> InterviewerSink:
        assert self._sink is not None, "run() sets the sink"
        return self._sink

    # ------------------------------------------------------------ what the model says

    async def _handle_message(self, message: types.LiveServerMessage) -> None:
        update = message.session_resumption_update
        if update is not None and update.resumable and update.new_handle:
            await self._keep_handle(update.new_handle)
        if message.go_away is not None and self._replacement is None:
            log.info("gemini live go_away (time left %s)", message.go_away.time_left)
            self._switching = True  # the user's audio now waits for the next connection
            self._replacement = self._loop.create_task(self._replace())
            self._replacement.add_done_callback(lambda _: setattr(self, "_replacement", None))
        content = message.server_content
        if content is None:
            return
        if content.input_transcription is not None and content.input_transcription.text:
            await self._user_words(content.input_transcription.text)
        if content.input_transcription is not None and content.input_transcription.finished:
            await self._finish_user_turn()
        if content.model_turn is not None:
            for part in content.model_turn.parts or []:
                if part.inline_data is not None and part.inline_data.data:
                    await self._model_audio(part.inline_data.data)
        if content.output_transcription is not None and content.output_transcription.text:
            await self._model_words(content.output_transcription.text)
        if content.interrupted:
            await self._interrupted()
        # Not generation_complete: the model has sent all its audio then, but the page is
        # still playing it and the user may still cut in; the line ends at turn_complete.
        if content.turn_complete:
            await self._turn_complete()

    async def _keep_handle(self, handle: str) -> None:
        self._handle = handle
        await self._out.save_state(saved_handle_state(handle, time.time()))

    async def _user_words(self, text: str) -> None:
        self._user.text += text
        start = self._user.start_ms
        if start is None:
            start = self._user.start_ms = self._hearing.speech_start_ms or self._hearing.position_ms
        await self._out.user_partial(_tidy(self._user.text), start)

    async def _finish_user_turn(self) -> None:
        turn, self._user = self._user, _UserTurn()
        text = _tidy(turn.text)
        if not text:
            return
        start = turn.start_ms if turn.start_ms is not None else self._hearing.position_ms
        end = max(turn.end_ms, start)
        await self._out.user_final(text, start, end)
        self._lines.append(SpokenLine(Speaker.USER, text, start, end))
        if not self._line.text and self._line.first_audio_at is None:
            await self._out.status(InterviewerState.THINKING)

    async def _starting_to_speak(self) -> None:
        """The model's first output of a turn ends the user's turn."""
        if self._line.first_audio_at is None and not self._line.text and self._user.text:
            await self._finish_user_turn()

    async def _model_audio(self, pcm: bytes) -> None:
        await self._starting_to_speak()
        line = self._line
        if line.first_audio_at is None:
            line.first_audio_at = self._loop.time()
            await self._out.status(InterviewerState.SPEAKING)
        if self._options.output_rate != MODEL_RATE:
            pcm = resample(pcm16_samples(pcm), MODEL_RATE, self._options.output_rate).tobytes()
        line.audio_ms += len(pcm) * 1000 // (self._options.output_rate * BYTES_PER_SAMPLE)
        await self._out.audio(pcm)

    async def _model_words(self, text: str) -> None:
        await self._starting_to_speak()
        self._line.text += text
        await self._out.partial(_tidy(self._line.text))

    async def _interrupted(self) -> None:
        """The user spoke over the model: the page drops what it has not played, and the
        stored line keeps only the words heard (by the share of the audio played)."""
        line = self._line
        if line.first_audio_at is None and not line.text:
            return
        heard_ms = self._heard_ms(line)
        await self._out.cleared(heard_ms)
        words = _tidy(line.text).split()
        kept = len(words) * heard_ms // max(1, line.audio_ms)
        await self._end_line(" ".join(words[:kept]) or "…")

    def _heard_ms(self, line: _Line) -> int:
        if line.first_audio_at is None:
            return 0
        played = (self._loop.time() - line.first_audio_at) * 1000 - self._options.page_buffer_ms
        return max(0, min(line.audio_ms, round(played)))

    async def _turn_complete(self) -> None:
        if self._line.text or self._line.first_audio_at is not None:
            await self._end_line(_tidy(self._line.text) or "…")
        else:
            await self._out.status(InterviewerState.LISTENING)

    async def _end_line(self, text: str) -> None:
        line, self._line = self._line, _Line()
        latency_ms = None
        if line.first_audio_at is not None and self._speech_end_at is not None:
            latency_ms = max(0, round((line.first_audio_at - self._speech_end_at) * 1000))
        self._speech_end_at = None
        await self._out.final(text, reply_latency_ms=latency_ms)
        self._lines.append(SpokenLine(Speaker.AI, text))
        await self._out.status(InterviewerState.LISTENING)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def gemini_factory(settings: Settings) -> InterviewerFactory:
    """One engine per connection; the settings are checked once, at start-up."""
    options = GeminiOptions.from_settings(settings)

    def create(context: InterviewContext) -> Interviewer:
        return GeminiLiveInterviewer(context, options, make_client(options))

    return create


def saved_handle_state(handle: str, saved_at: float) -> Mapping[str, Any]:
    """The shape this engine saves (for tests and for tools that read it)."""
    return {"engine": ENGINE, "handle": handle, "saved_at": saved_at}


# How long a check listens after the set-up: a refused key or quota closes the socket then.
PROBE_LISTEN_SECONDS = 1.0


async def probe(settings: Settings, context: InterviewContext) -> str:
    """Open a Live session with the interview's set-up and close it without a turn (what
    ``providers check`` runs; costs no audio). Raises ``ProviderUnavailable``."""
    options = GeminiOptions.from_settings(settings)
    client = make_client(options)
    try:
        async with asyncio.timeout(options.connect_timeout):
            connection = client.aio.live.connect(
                model=options.model, config=live_config(context, options, None)
            )
            async with connection as session:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(PROBE_LISTEN_SECONDS):
                        async for _ in session.receive():
                            break
    except Exception as error:
        raise ProviderUnavailable(PROVIDER, describe_failure(error, options)) from None
    return options.model
