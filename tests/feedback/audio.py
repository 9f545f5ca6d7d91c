"""Spoken test audio with known boundaries: espeak-ng utterances placed at chosen offsets.

Nothing binary is committed: each test synthesises into its own tmp_path.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from array import array
from dataclasses import dataclass
from pathlib import Path

import pytest

from interview_coach.interviews.speech import Segment, SpeechSegmenter

SAMPLE_RATE = 16_000
# An utterance starts and ends where its samples first and last exceed this (of 32767).
TRIM_LEVEL = 300
NOISE_AMPLITUDE = 60  # light background noise, about -55 dBFS
# Three answers of different lengths (the segmenter tests and benchmarks/speech_activity.py).
ANSWERS = (
    "I led the migration of our billing system to a new database, and it went live "
    "without downtime.",
    "The result was that support tickets about invoices dropped by a third within two months.",
    "Yes, definitely.",
)


@dataclass(frozen=True)
class Placed:
    """Where an utterance's audible samples begin and end in the mix, in ms."""

    start_ms: int
    end_ms: int


def require_tools() -> None:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian package {tool}); run `make system-deps`")


def synthesise(text: str, directory: Path, name: str) -> array[int]:
    """``text`` spoken by espeak-ng, resampled to 16 kHz PCM16 mono, silence trimmed."""
    wav = directory / f"{name}.wav"
    raw = directory / f"{name}.raw"
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True, capture_output=True)
    subprocess.run(
        [
            "sox",
            str(wav),
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-b",
            "16",
            "-e",
            "signed-integer",
            "-t",
            "raw",
            str(raw),
        ],
        check=True,
        capture_output=True,
    )
    samples = array("h")
    samples.frombytes(raw.read_bytes())
    loud = [i for i, value in enumerate(samples) if abs(value) > TRIM_LEVEL]
    return samples[loud[0] : loud[-1] + 1]


def mix(
    utterances: list[tuple[int, array[int]]], total_ms: int, *, seed: int = 7
) -> tuple[bytes, list[Placed]]:
    """Place each (offset_ms, samples) on light noise; returns PCM16 bytes and the truth."""
    rng = random.Random(seed)
    total = total_ms * SAMPLE_RATE // 1000
    out = array("h", (rng.randint(-NOISE_AMPLITUDE, NOISE_AMPLITUDE) for _ in range(total)))
    truth = []
    for offset_ms, samples in utterances:
        first = offset_ms * SAMPLE_RATE // 1000
        assert first + len(samples) <= total, "utterance runs past the end of the mix"
        for i, value in enumerate(samples):
            out[first + i] = max(-32768, min(32767, out[first + i] + value))
        truth.append(Placed(offset_ms, offset_ms + len(samples) * 1000 // SAMPLE_RATE))
    return out.tobytes(), truth


def chunks(pcm: bytes, chunk_ms: int = 40) -> list[tuple[int, bytes]]:
    """(offset_ms, bytes) pieces as a client sends them."""
    size = SAMPLE_RATE * chunk_ms // 1000 * 2
    return [(i // 2 * 1000 // SAMPLE_RATE, pcm[i : i + size]) for i in range(0, len(pcm), size)]


def place(samples: list[array[int]], first_ms: int, gap_ms: int) -> list[tuple[int, array[int]]]:
    """Utterances one after another, ``gap_ms`` of silence between them."""
    placed, at = [], first_ms
    for utterance in samples:
        placed.append((at, utterance))
        at += len(utterance) * 1000 // SAMPLE_RATE + gap_ms
    return placed


def segment_all(pcm: bytes, chunk_ms: int = 40) -> list[Segment]:
    """Every segment the server's segmenter finds, fed ``chunk_ms`` pieces as a client sends."""
    segmenter = SpeechSegmenter()
    found: list[Segment] = []
    for offset_ms, chunk in chunks(pcm, chunk_ms):
        found += segmenter.feed(chunk, offset_ms)
    return found + segmenter.finish()
