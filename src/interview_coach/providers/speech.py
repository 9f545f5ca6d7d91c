"""The speech server's check: the start-up check ``serve`` makes, then one line spoken with
the configured text-to-speech and heard back with the configured speech-to-text (``doctor``)."""

from __future__ import annotations

import asyncio

from interview_coach.config import Settings
from interview_coach.http_client import mask_key
from interview_coach.providers.registry import Outcome, provider_check
from interview_coach.voice import doctor
from interview_coach.voice.http_speech import ENGINE
from interview_coach.voice.wer import word_error_rate

# More wrong words than this in the line heard back means the set-up does not work.
MAX_WORD_ERROR_RATE = 0.25


def _configured(settings: Settings) -> bool:
    return ENGINE in (settings.stt_engine, settings.tts_engine)


def _describe(settings: Settings) -> str:
    parts = []
    if settings.tts_engine == ENGINE:
        parts.append(f"TTS {settings.speech_tts_model} ({settings.speech_tts_voice})")
    if settings.stt_engine == ENGINE:
        parts.append(f"STT {settings.speech_stt_model}")
    return (
        f"{' and '.join(parts)} at {settings.speech_base_url} "
        f"(key {mask_key(settings.speech_api_key)}): one line spoken, then heard back"
    )


@provider_check("speech server", configured=_configured, describe=_describe)
async def check_speech(settings: Settings) -> Outcome:
    report = await asyncio.to_thread(doctor.check, settings)
    wer = word_error_rate(report["line"], report["heard"])
    detail = (
        f"spoke {report['audio_seconds']:.2f} s of audio in {report['synthesis_seconds']:.2f} s, "
        f"heard {report['heard']!r} in {report['transcription_seconds']:.2f} s, "
        f"word error rate {wer:.2f}"
    )
    if wer > MAX_WORD_ERROR_RATE:
        detail += (
            f" (above {MAX_WORD_ERROR_RATE}): check INTERVIEW_COACH_SPEECH_STT_MODEL, "
            "INTERVIEW_COACH_SPEECH_TTS_MODEL and INTERVIEW_COACH_STT_LANGUAGE"
        )
    return Outcome(wer <= MAX_WORD_ERROR_RATE, detail)
