"""CPU cost and accuracy of the server's voice-activity detection (not a test: it measures).

Synthesises spoken answers with espeak-ng at known offsets on light noise (the same audio
as tests/feedback/test_speech.py), then times, single-threaded, CPU per second of audio:
WebRTC VAD alone, and the whole segmenter the real-time server runs (WebRTC plus smoothing,
fed 40 ms chunks). Prints the segments found against the truth.

    .venv/bin/python benchmarks/speech_activity.py --repeat 20
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import webrtcvad

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from feedback.audio import ANSWERS, SAMPLE_RATE, mix, place, require_tools, segment_all, synthesise

from interview_coach.interviews.speech.detectors import (
    WEBRTC_AGGRESSIVENESS,
    WEBRTC_FRAME_MS,
    frame_bytes,
)


def webrtc_only(pcm: bytes) -> None:
    vad = webrtcvad.Vad(WEBRTC_AGGRESSIVENESS)
    size = frame_bytes(SAMPLE_RATE, WEBRTC_FRAME_MS)
    for start in range(0, len(pcm) - size + 1, size):
        vad.is_speech(pcm[start : start + size], SAMPLE_RATE)


def cpu_ms_per_audio_second(work: Callable[[bytes], object], pcm: bytes, repeat: int) -> float:
    """The best of ``repeat`` runs (least disturbed by other processes)."""
    seconds = len(pcm) / (SAMPLE_RATE * 2)
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        work(pcm)
        runs.append(time.process_time() - started)
    return min(runs) * 1000 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    require_tools()
    with tempfile.TemporaryDirectory() as directory:
        samples = [synthesise(text, Path(directory), f"a{i}") for i, text in enumerate(ANSWERS)]
    placed = place(samples, 1_500, 2_500)
    pcm, truth = mix(placed, placed[-1][0] + len(samples[-1]) * 1000 // SAMPLE_RATE + 2_500)
    print(f"audio: {len(pcm) / (SAMPLE_RATE * 2):.1f} s, {len(truth)} utterances")
    for found, placed_at in zip(segment_all(pcm), truth, strict=False):
        print(
            f"  truth {placed_at.start_ms / 1000:6.2f}-{placed_at.end_ms / 1000:6.2f} s"
            f"  found {found.start_ms / 1000:6.2f}-{found.end_ms / 1000:6.2f} s"
            f"  (start {found.start_ms - placed_at.start_ms:+d} ms,"
            f" end {found.end_ms - placed_at.end_ms:+d} ms)"
        )
    webrtc = cpu_ms_per_audio_second(webrtc_only, pcm, args.repeat)
    full = cpu_ms_per_audio_second(segment_all, pcm, args.repeat)
    print(f"WebRTC VAD alone:          {webrtc:.3f} ms CPU per audio-second")
    print(f"segmenter (40 ms chunks):  {full:.3f} ms CPU per audio-second")
    print(f"per 1000 live sessions:    {full * 100:.0f}% of one core")


if __name__ == "__main__":
    main()
