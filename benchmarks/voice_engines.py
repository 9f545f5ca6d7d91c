"""CPU and wall time of the voice engines on this machine (not a test: it measures).

Loads the engines as the server does (``load_voice_engines``, default settings: Whisper tiny.en,
Piper en_US-joe-medium), then, one call at a time:

- speech to text: answers of several lengths spoken by Piper at 16 kHz, transcribed; CPU and
  wall per call, real-time factor (CPU-seconds per audio-second), the fixed cost per call (the
  CPU a 0.5 s phrase costs) and the word error rate against the script;
- text to speech, per engine: the interviewer's line sentence by sentence at 24 kHz; CPU and
  wall per sentence, real-time factor and first-sentence latency (start to first audio ready);
- the pool: two transcriptions at once through ``InferencePool`` against one after the other.

    .venv/bin/python benchmarks/voice_engines.py --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from voice.scripts import ANSWERS, INTERVIEWER_LINE
from wer import word_error_rate

from interview_coach.config import Settings
from interview_coach.voice.base import TextToSpeech, split_sentences
from interview_coach.voice.engines import VoiceEngines, load_voice_engines
from interview_coach.voice.espeak_tts import EspeakTextToSpeech

T = TypeVar("T")
STT_RATE = 16_000
TTS_RATE = 24_000


@dataclass(frozen=True)
class Timed:
    cpu: float
    wall: float


def cpu_seconds() -> float:
    """CPU of this process and its children (espeak-ng runs as a child process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(work: Callable[[], T]) -> tuple[T, Timed]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = work()
    return result, Timed(cpu_seconds() - cpu, time.perf_counter() - wall)


def best(runs: list[Timed]) -> Timed:
    """The least disturbed run (the machine is shared)."""
    return min(runs, key=lambda run: run.cpu)


def seconds_of(pcm: bytes, rate: int) -> float:
    return len(pcm) / 2 / rate


def bench_stt(engines: VoiceEngines, repeat: int) -> None:
    phrases = {
        "short phrase": "Yes, I did.",
        **{f"answer {i + 1}": a for i, a in enumerate(ANSWERS)},
    }
    print("\n### Speech to text: faster-whisper, Whisper tiny.en, int8, 1 thread per call\n")
    print("| Audio | Length | CPU per call | Wall per call | RTF (CPU / audio) | WER |")
    print("| --- | --- | --- | --- | --- | --- |")
    silence = bytes(STT_RATE)  # 0.5 s: the fixed cost every call pays
    _, fixed = timed(lambda: engines.stt.transcribe(silence, STT_RATE))
    fixed = best(
        [fixed]
        + [timed(lambda: engines.stt.transcribe(silence, STT_RATE))[1] for _ in range(repeat)]
    )
    print(
        f"| silence | 0.50 s | {fixed.cpu:.2f} s | {fixed.wall:.2f} s | {fixed.cpu / 0.5:.2f} | - |"
    )
    for label, script in phrases.items():
        pcm = engines.tts.synthesize(script, STT_RATE)
        runs = [timed(lambda pcm=pcm: engines.stt.transcribe(pcm, STT_RATE)) for _ in range(repeat)]
        heard = runs[0][0]
        run = best([r for _, r in runs])
        audio = seconds_of(pcm, STT_RATE)
        print(
            f"| {label} | {audio:.2f} s | {run.cpu:.2f} s | {run.wall:.2f} s "
            f"| {run.cpu / audio:.3f} | {word_error_rate(script, heard):.2f} |"
        )
    marginal = (run.cpu - fixed.cpu) / (audio - 0.5)
    print(
        f"\nFixed cost per call (0.5 s of silence): {fixed.cpu:.2f} CPU-s; each further second "
        f"of audio adds about {marginal:.3f} CPU-s (from the last answer)."
    )


def bench_tts(tts: TextToSpeech, repeat: int) -> None:
    sentences = split_sentences(INTERVIEWER_LINE)
    cpu: list[float] = []
    wall: list[float] = []
    audio: list[float] = []
    first: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        for i, sentence in enumerate(sentences):
            pcm, run = timed(lambda sentence=sentence: tts.synthesize(sentence, TTS_RATE))
            if i == 0:
                first.append(time.perf_counter() - started)
            cpu.append(run.cpu)
            wall.append(run.wall)
            audio.append(seconds_of(pcm, TTS_RATE))
    print(
        f"| {tts.name} | {statistics.median(cpu):.3f} s | {statistics.median(wall):.3f} s "
        f"| {sum(cpu) / sum(audio):.3f} | {min(first):.3f} s, {statistics.median(first):.3f} s |"
    )


async def bench_pool(engines: VoiceEngines) -> None:
    pcm = engines.tts.synthesize(ANSWERS[0], STT_RATE)
    cpu, one_by_one = cpu_seconds(), time.perf_counter()
    for _ in range(2):
        await engines.pool.run(engines.stt.transcribe, pcm, STT_RATE)
    one_by_one, serial_cpu = time.perf_counter() - one_by_one, cpu_seconds() - cpu
    cpu, together = cpu_seconds(), time.perf_counter()
    calls = (engines.pool.run(engines.stt.transcribe, pcm, STT_RATE) for _ in range(2))
    await asyncio.gather(*calls)
    together, cpu = time.perf_counter() - together, cpu_seconds() - cpu
    print(
        f"\nTwo {seconds_of(pcm, STT_RATE):.1f} s transcriptions through the pool "
        f"({engines.pool.workers} workers): one after the other {one_by_one:.2f} s wall "
        f"({serial_cpu:.2f} CPU-s), at once {together:.2f} s wall ({cpu:.2f} CPU-s, "
        f"{cpu / together:.2f} cores busy on average)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    engines, load = timed(lambda: load_voice_engines(settings))
    print(f"Loading (Whisper, Piper, warm-up calls): {load.cpu:.2f} CPU-s, {load.wall:.2f} s wall.")
    try:
        bench_stt(engines, args.repeat)
        print(
            f"\n### Text to speech: {INTERVIEWER_LINE!r}, {len(split_sentences(INTERVIEWER_LINE))} "
            f"sentences at {TTS_RATE} Hz\n"
        )
        print(
            "| Engine | CPU per sentence | Wall per sentence | RTF | First sentence: best, median |"
        )
        print("| --- | --- | --- | --- | --- |")
        for tts in (engines.tts, EspeakTextToSpeech()):
            bench_tts(tts, args.repeat)
        asyncio.run(bench_pool(engines))
    finally:
        engines.close()


if __name__ == "__main__":
    main()
