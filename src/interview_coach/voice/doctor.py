"""``interview-coach doctor``: load the voice engines, then speak one line and hear it back.

It runs what a live interview needs at start-up, so a bad setting shows here (as the
``ConfigurationError`` naming it) and never in the middle of an interview.
"""

from __future__ import annotations

import time
from typing import Any, Protocol, runtime_checkable

from interview_coach.config import Settings
from interview_coach.voice.base import EndOfTurn, SpeechToText, TextToSpeech
from interview_coach.voice.engines import VoiceEngines, load_voice_engines

CHECK_LINE = "Tell me about a project you are proud of."
CHECK_RATE = 16_000


@runtime_checkable
class Described(Protocol):
    """What our engines say about themselves (not part of the engine interfaces)."""

    name: str
    model: str
    licence: str


def check(settings: Settings) -> dict[str, Any]:
    """Engine facts and timings; raises ``ConfigurationError`` for a bad setting."""
    started = time.perf_counter()
    engines = load_voice_engines(settings)
    try:
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        pcm = engines.tts.synthesize(CHECK_LINE, CHECK_RATE)
        spoken = time.perf_counter() - started
        started = time.perf_counter()
        heard = engines.stt.transcribe(pcm, CHECK_RATE)
        heard_in = time.perf_counter() - started
    finally:
        engines.close()
    return {
        "engines": engine_rows(engines),
        "workers": engines.pool.workers,
        "max_queue": engines.pool.max_queue,
        "line": CHECK_LINE,
        "heard": heard,
        "audio_seconds": round(len(pcm) / 2 / CHECK_RATE, 3),
        "load_seconds": round(loaded, 3),
        "synthesis_seconds": round(spoken, 3),
        "transcription_seconds": round(heard_in, 3),
    }


def engine_rows(engines: VoiceEngines) -> list[dict[str, str]]:
    roles: dict[str, SpeechToText | TextToSpeech | EndOfTurn | None] = {
        "stt": engines.stt,
        "tts": engines.tts,
        "end_of_turn": engines.end_of_turn,
    }
    rows = []
    for role, engine in roles.items():
        if engine is None:
            rows.append({"role": role, "name": "none", "model": "", "licence": ""})
        elif isinstance(engine, Described):
            rows.append(
                {
                    "role": role,
                    "name": engine.name,
                    "model": engine.model,
                    "licence": engine.licence,
                }
            )
        else:
            rows.append({"role": role, "name": engine.name, "model": "?", "licence": "?"})
    return rows


def report_text(report: dict[str, Any]) -> str:
    """The report for a terminal."""
    lines = [
        f"{row['role']:<12} {row['name']:<15} {row['model']}"
        + (f"\n{'':<28} licence: {row['licence']}" if row["licence"] else "")
        for row in report["engines"]
    ]
    lines += [
        f"inference    {report['workers']} workers, up to {report['max_queue']} waiting",
        f"loaded in    {report['load_seconds']:.2f} s",
        f"spoke        {report['line']!r}: {report['audio_seconds']:.2f} s of audio "
        f"in {report['synthesis_seconds']:.2f} s",
        f"heard        {report['heard']!r} in {report['transcription_seconds']:.2f} s",
    ]
    if not report["heard"]:
        lines.append("problem      nothing was heard back: check the STT and TTS settings")
    return "\n".join(lines)
