"""PCM16 conversions shared by the engines: bytes to arrays, and resampling with soxr."""

from __future__ import annotations

import io
import wave

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


def wav_bytes(samples: Pcm16, sample_rate: int) -> bytes:
    """A mono 16-bit WAV file of ``samples`` (what speech APIs take as an upload)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return out.getvalue()


def wav_samples(data: bytes) -> tuple[Pcm16, int]:
    """The samples and rate of a 16-bit WAV; a streamed header's huge length is ignored
    (espeak-ng and speech servers stream: read what actually came). Raises ``ValueError``."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2:
                raise ValueError(f"WAV has {8 * wav.getsampwidth()}-bit samples, not 16-bit")
            channels, rate = wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"not a WAV file ({error})") from None
    samples = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").astype(np.int16)
    if channels > 1:
        samples = samples[: samples.size // channels * channels].reshape(-1, channels)[:, 0]
    return np.ascontiguousarray(samples), rate
