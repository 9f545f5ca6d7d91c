"""Text to speech with the espeak-ng program: always installed, instant, robotic; the fallback."""

from __future__ import annotations

import shutil
import subprocess

from interview_coach.voice.audio import resample, wav_samples

PROGRAM = "espeak-ng"
VOICE = "en-us"
TIMEOUT_SECONDS = 30.0


def available() -> bool:
    return shutil.which(PROGRAM) is not None


class EspeakTextToSpeech:
    """One espeak-ng process per sentence; the text goes in on stdin, never as an argument."""

    name = "espeak-ng"
    licence = "GPL-3.0-or-later (Debian package espeak-ng)"

    def __init__(self, voice: str = VOICE) -> None:
        self.voice = voice
        self.model = f"{shutil.which(PROGRAM) or PROGRAM} -v {voice}"

    def synthesize(self, text: str, sample_rate: int) -> bytes:
        if not text.strip():
            return b""
        done = subprocess.run(
            [PROGRAM, "--stdout", "-b", "1", "-v", self.voice, "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            check=True,
            timeout=TIMEOUT_SECONDS,
        )
        samples, rate = wav_samples(done.stdout)
        return resample(samples, rate, sample_rate).tobytes()
