"""A fake OpenAI-compatible speech server: ``/v1/audio/transcriptions`` and ``/v1/audio/speech``
as the real API takes and answers them, with real speech behind both.

It checks what a real server checks (the bearer key, the multipart fields, the WAV header and
its rate, the JSON body), transcribes uploads for real with the packaged Whisper and speaks
with the packaged Piper voice (the session's ``voice_engines``), so a round trip through it is
genuine. ``faults`` scripts failures per path: a status (401, 429, 500), ``"slow"`` or
``"malformed"``, each used once in order.
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.http import serving
from interview_coach.voice.audio import pcm16_samples, wav_bytes
from interview_coach.voice.engines import VoiceEngines

KEY = "sk-test-fake-speech-0123456789abcd"
OPENAI_PCM_RATE = 24_000
VOICES = frozenset({"alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"})
SLOW_SECONDS = 3.0  # longer than the tests' reply timeout, short enough to shut down


@dataclass
class FakeSpeechServer:
    """What was asked and answered, for tests to check; ``faults`` for tests to script."""

    voice: VoiceEngines
    key: str = KEY
    stt_models: frozenset[str] = frozenset({"whisper-1"})
    tts_models: frozenset[str] = frozenset({"tts-1"})
    faults: dict[str, list[int | str]] = field(default_factory=dict)
    heard: list[str] = field(default_factory=list)  # each transcription answered
    spoken: list[str] = field(default_factory=list)  # each input synthesised
    audio: list[bytes] = field(default_factory=list)  # the 24 kHz PCM sent for each
    uploads: list[dict[str, object]] = field(default_factory=list)  # fields and WAV facts
    requests: int = 0

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/audio/transcriptions", self._transcriptions, methods=["POST"]),
                Route("/v1/audio/speech", self._speech, methods=["POST"]),
            ]
        )

    async def _refusal(self, request: Request, path: str) -> Response | None:
        """The scripted fault for ``path``, else a 401 for a wrong key, else nothing."""
        self.requests += 1
        fault = self.faults.get(path, [])
        if fault:
            scripted = fault.pop(0)
            if scripted == "slow":
                await asyncio.sleep(SLOW_SECONDS)
            elif isinstance(scripted, int):
                code = "insufficient_quota" if scripted == 429 else None
                return _error(scripted, f"scripted failure {scripted}", code=code)
            else:
                return Response(b"<html>not the API</html>", media_type="text/html")
        given = request.headers.get("authorization", "")
        if given != f"Bearer {self.key}":
            # OpenAI echoes (part of) the key it was given: the client must not pass it on.
            message = f"Incorrect API key provided: {given.removeprefix('Bearer ')}."
            return _error(401, message, code="invalid_api_key")
        return None

    async def _transcriptions(self, request: Request) -> Response:
        if (refused := await self._refusal(request, "transcriptions")) is not None:
            return refused
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return _error(400, "Expected multipart/form-data.")
        form = await request.form()
        upload = form.get("file")
        model = form.get("model")
        if isinstance(upload, str) or upload is None:
            return _error(400, "Missing required parameter: 'file'.")
        if model not in self.stt_models:
            return _error(404, f"The model '{model}' does not exist.", code="model_not_found")
        if form.get("response_format", "json") != "json":
            return _error(400, "This fake answers response_format=json only.")
        data = await upload.read()
        try:
            with wave.open(io.BytesIO(data)) as wav:
                facts = {
                    "rate": wav.getframerate(),
                    "channels": wav.getnchannels(),
                    "width": wav.getsampwidth(),
                }
                pcm = wav.readframes(wav.getnframes())
        except wave.Error:
            return _error(400, "Invalid file format: not a WAV.")
        if facts["width"] != 2 or facts["channels"] != 1:
            return _error(400, f"Expected 16-bit mono WAV, got {facts}.")
        self.uploads.append(
            {**facts, "language": form.get("language"), "filename": upload.filename}
        )
        text = await asyncio.to_thread(self.voice.stt.transcribe, pcm, facts["rate"])
        self.heard.append(text)
        return JSONResponse({"text": text})

    async def _speech(self, request: Request) -> Response:
        if (refused := await self._refusal(request, "speech")) is not None:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.")
        if body.get("model") not in self.tts_models:
            return _error(404, f"The model '{body.get('model')}' does not exist.")
        if body.get("voice") not in VOICES:
            return _error(400, f"Invalid value for 'voice': {body.get('voice')!r}.")
        text = body.get("input")
        if not isinstance(text, str) or not text:
            return _error(400, "Missing required parameter: 'input'.")
        audio = body.get("response_format", "mp3")
        pcm = await asyncio.to_thread(self.voice.tts.synthesize, text, OPENAI_PCM_RATE)
        self.spoken.append(text)
        self.audio.append(pcm)
        if audio == "pcm":
            return Response(pcm, media_type="audio/pcm")
        if audio == "wav":
            wav = wav_bytes(pcm16_samples(pcm), OPENAI_PCM_RATE)
            return Response(wav, media_type="audio/wav")
        return _error(400, f"This fake speaks pcm and wav, not {audio!r}.")


def _error(status: int, message: str, *, code: str | None = None) -> JSONResponse:
    """OpenAI's error body."""
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    return JSONResponse(body, status_code=status)


@asynccontextmanager
async def speech_server(voice: VoiceEngines) -> AsyncIterator[tuple[FakeSpeechServer, str]]:
    """The fake on a real port; yields it and its ``…/v1`` base URL."""
    fake = FakeSpeechServer(voice)
    async with serving(fake.app()) as base_url:
        yield fake, f"{base_url}/v1"
