"""Speech over HTTP: OpenAI-compatible ``/v1/audio/transcriptions`` and ``/v1/audio/speech``.

This is how a deployment moves inference off its real-time machines: OpenAI itself, or a
speech server the operator runs on a GPU box (speaches / faster-whisper-server, LocalAI).
These engines wait on the network, not on a CPU, so they never take an inference thread:
every request is a coroutine on one background event loop (``SpeechServer``, one per
process, with its connection pool kept alive). The conversation awaits
``transcribe_async`` / ``synthesize_async`` (``VoiceEngines.transcribe`` picks them); the
blocking ``transcribe`` / ``synthesize`` of the engine interfaces wait on the same coroutine,
for the start-up check, ``doctor`` and scripts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import numpy as np

from interview_coach.config import Settings, env_name
from interview_coach.http_client import Endpoint, async_client, endpoint_from, malformed, post
from interview_coach.voice.audio import pcm16_samples, resample, wav_bytes, wav_samples

T = TypeVar("T")
ENGINE = "openai-http"
UPLOAD_RATE = 16_000  # what we send: Whisper's own rate, the smallest honest upload
OPENAI_PCM_RATE = 24_000  # response_format=pcm is raw 16-bit mono at 24 kHz
# Shorter than this holds no word, and OpenAI refuses it ("audio_too_short").
MIN_SECONDS = 0.1
TRANSCRIPTIONS = "audio/transcriptions"
SPEECH = "audio/speech"


def endpoint(settings: Settings) -> Endpoint:
    """The speech server from the settings; a missing URL names the setting."""
    return endpoint_from(
        settings,
        "speech server",
        url="speech_base_url",
        key="speech_api_key",
        reply_timeout=settings.provider_reply_timeout_seconds,
    )


class SpeechServer:
    """The client of one speech server, on its own event loop thread so any caller (the
    server's loop, a test's loop, a plain thread) can use it without tying it to theirs."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="speech-http", daemon=True
        )
        self._thread.start()
        try:
            self._client = self._wait(self._make_client())
        except BaseException:
            self._stop_loop()
            raise

    async def _make_client(self) -> httpx.AsyncClient:
        return async_client(self.endpoint)

    def submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``work`` on this server's loop."""
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    async def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Await ``work`` from another event loop; cancelling it cancels the request."""
        return await asyncio.wrap_future(self.submit(work))

    def _wait(self, work: Coroutine[Any, Any, T]) -> T:
        return self.submit(work).result()

    async def post(self, path: str, *, model_setting: str, **request: Any) -> httpx.Response:
        return await post(self._client, self.endpoint, path, model_setting=model_setting, **request)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._wait(self._client.aclose())
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class HttpSpeechToText:
    """``POST /v1/audio/transcriptions``: a WAV upload, ``response_format=json``."""

    name = ENGINE
    licence = "the speech server's"

    def __init__(self, server: SpeechServer, *, model: str, language: str) -> None:
        self.server = server
        self.model = f"{model} at {server.endpoint.base_url}"
        self._model = model
        self._language = language

    def transcribe(self, pcm: bytes, sample_rate: int) -> str:
        return self.server.submit(self._request(pcm, sample_rate)).result()

    async def transcribe_async(self, pcm: bytes, sample_rate: int) -> str:
        return await self.server.call(self._request(pcm, sample_rate))

    async def _request(self, pcm: bytes, sample_rate: int) -> str:
        samples = resample(pcm16_samples(pcm), sample_rate, UPLOAD_RATE)
        if samples.size < MIN_SECONDS * UPLOAD_RATE:
            return ""
        response = await self.server.post(
            TRANSCRIPTIONS,
            model_setting=env_name("speech_stt_model"),
            files={"file": ("speech.wav", wav_bytes(samples, UPLOAD_RATE), "audio/wav")},
            data={"model": self._model, "language": self._language, "response_format": "json"},
        )
        try:
            text = response.json()["text"]
        except (ValueError, KeyError, TypeError):
            text = None
        if not isinstance(text, str):
            raise malformed(self.server.endpoint, TRANSCRIPTIONS, "no JSON object with a text")
        return text.strip()


class HttpTextToSpeech:
    """``POST /v1/audio/speech``: raw 24 kHz PCM or a WAV, resampled to the rate asked for."""

    name = ENGINE
    licence = "the speech server's"

    def __init__(self, server: SpeechServer, *, model: str, voice: str, audio: str) -> None:
        self.server = server
        self.model = f"{model} ({voice}) at {server.endpoint.base_url}"
        self._model = model
        self._voice = voice
        self._format = audio

    def synthesize(self, text: str, sample_rate: int) -> bytes:
        return self.server.submit(self._request(text, sample_rate)).result()

    async def synthesize_async(self, text: str, sample_rate: int) -> bytes:
        return await self.server.call(self._request(text, sample_rate))

    async def _request(self, text: str, sample_rate: int) -> bytes:
        if not text.strip():
            return b""
        response = await self.server.post(
            SPEECH,
            model_setting=env_name("speech_tts_model"),
            json={
                "model": self._model,
                "input": text,
                "voice": self._voice,
                "response_format": self._format,
            },
        )
        samples, rate = self._decode(response)
        return resample(samples, rate, sample_rate).tobytes()

    def _decode(self, response: httpx.Response) -> tuple[np.ndarray[Any, Any], int]:
        """A WAV (whatever was asked: some servers send one for pcm too) or raw 24 kHz."""
        body = response.content
        if body.startswith(b"RIFF"):
            try:
                return wav_samples(body)
            except ValueError as error:
                raise malformed(self.server.endpoint, SPEECH, str(error)) from None
        content_type = response.headers.get("content-type", "")
        if self._format == "wav" or content_type.startswith(("application/json", "text/")):
            raise malformed(
                self.server.endpoint, SPEECH, f"{content_type or 'no content type'}, not audio"
            )
        if not body or len(body) % 2:
            raise malformed(self.server.endpoint, SPEECH, f"{len(body)} bytes, not 16-bit PCM")
        return pcm16_samples(body), OPENAI_PCM_RATE
