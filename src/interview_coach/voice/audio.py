"""PCM16 conversions shared by the engines: bytes to arrays, and resampling with soxr."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import soxr

Pcm16 = npt.NDArray[np.int16]
Float32 = npt.NDArray[np.float32]


def pcm16_samples(pcm: bytes) -> Pcm16:
    """The samples of 16-bit little-endian PCM; an odd byte count is a caller's mistake."""
    if len(pcm) % 2:
        raise ValueError(f"PCM16 audio has an odd number of bytes ({len(pcm)})")
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16, copy=False)


def resample(samples: Pcm16, from_rate: int, to_rate: int) -> Pcm16:
    """``samples`` at ``to_rate`` (soxr's high quality; a few ms of CPU per 10 s)."""
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError(f"sample rates must be positive, not {from_rate} and {to_rate}")
    if from_rate == to_rate or samples.size == 0:
        return samples
    return np.asarray(soxr.resample(samples, from_rate, to_rate), dtype=np.int16)


def to_float(samples: Pcm16) -> Float32:
    """-1..1 floats, which Whisper takes."""
    return samples.astype(np.float32) / 32768.0
