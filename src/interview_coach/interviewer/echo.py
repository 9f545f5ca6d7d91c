"""Is the user's "speech" only the interviewer's own voice coming back through the speakers?

The browser's echo cancellation removes most of it; what is left can still look like speech
to voice-activity detection and make the interviewer interrupt itself, the most common
complaint about voice agents. Before a barge-in counts, the last stretch of microphone
audio is compared with what the interviewer sent in the last few seconds: a high normalised
cross-correlation at any delay means echo. FFT-based, about a millisecond per check, and
only run when a barge-in is about to happen.
"""

from __future__ import annotations

import numpy as np
import soxr

# How much sent audio to search for the echo: the page's jitter buffer, the output and
# input latencies of a browser and a room's delay add up to well under this.
REFERENCE_SECONDS = 3.0
# Normalised correlation above this is the interviewer's voice; a person talking over it
# scores far lower (below 0.2 on our tests), even in the same words.
ECHO_CORRELATION = 0.4


class EchoReference:
    """The interviewer audio sent lately, at the microphone's rate."""

    def __init__(self, output_rate: int, input_rate: int) -> None:
        self._output_rate = output_rate
        self._input_rate = input_rate
        self._kept = int(REFERENCE_SECONDS * input_rate)
        self._samples = np.zeros(0, dtype=np.float32)
        self._played_out = 0.0  # when (loop time) the audio sent so far ends playing

    def sent(self, pcm: bytes, now: float) -> None:
        """Record interviewer audio as it goes out (PCM16 at the output rate) at ``now``.
        A pause in sending (the next sentence still being synthesised) is a pause in what
        the speakers play, so it is kept as silence: the echo has it too."""
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        if self._output_rate != self._input_rate:
            audio = soxr.resample(audio, self._output_rate, self._input_rate)
        parts = [self._samples]
        if self._samples.size and now > self._played_out:
            gap = min(self._kept, int((now - self._played_out) * self._input_rate))
            parts.append(np.zeros(gap, dtype=np.float32))
        parts.append(audio)
        self._played_out = max(self._played_out, now) + len(audio) / self._input_rate
        self._samples = np.concatenate(parts)[-self._kept :]

    def is_echo(self, heard: bytes) -> bool:
        """True when ``heard`` (PCM16 at the input rate) closely follows audio we sent."""
        return correlation(np.frombuffer(heard, dtype="<i2"), self._samples) >= ECHO_CORRELATION


def correlation(heard: np.ndarray, reference: np.ndarray) -> float:
    """The largest normalised cross-correlation of ``heard`` against any stretch of
    ``reference`` (0 when either is silent or too short)."""
    signal = heard.astype(np.float64)
    ref = reference.astype(np.float64)
    n = len(signal)
    if n == 0 or len(ref) < n:
        return 0.0
    signal -= signal.mean()
    energy = float(np.dot(signal, signal))
    if energy <= 0.0:
        return 0.0
    size = 1 << int(np.ceil(np.log2(len(ref) + n)))
    spectrum = np.fft.rfft(ref, size) * np.conj(np.fft.rfft(signal, size))
    products = np.fft.irfft(spectrum, size)[: len(ref) - n + 1]
    squares = np.concatenate(([0.0], np.cumsum(ref * ref)))
    sums = np.concatenate(([0.0], np.cumsum(ref)))
    window_energy = (squares[n:] - squares[:-n]) - (sums[n:] - sums[:-n]) ** 2 / n
    valid = window_energy > energy * 1e-4
    if not valid.any():
        return 0.0
    scores = products[valid] / np.sqrt(window_energy[valid] * energy)
    return float(np.max(np.abs(scores)))
