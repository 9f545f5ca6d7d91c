"""Turn a stream of PCM into finished speech segments; pure and I/O-free.

Frame decisions from a :class:`FrameDetector` flicker, so they are smoothed:

* a segment starts only after ``min_speech_ms`` of voiced frames (short gaps of up to
  ``onset_gap_ms`` allowed while counting), so clicks and coughs are not speech; Pipecat
  uses the same 0.2 s start threshold;
* it ends after ``hangover_ms`` of silence, so the short pauses between words and phrases
  stay inside one segment. The end reported is the last voiced frame less the detector's
  own trailing delay, not the end of the hangover, so boundaries stay close to the speech.

A segment is emitted once it is finished, which is what lets the caller store it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_coach.interviews.speech.detectors import (
    BYTES_PER_SAMPLE,
    FrameDetector,
    WebRtcDetector,
    frame_bytes,
)

MIN_SPEECH_MS = 200  # Pipecat's start threshold (0.2 s of speech)
ONSET_GAP_MS = 100  # unvoiced frames tolerated while a start is being confirmed
HANGOVER_MS = 400  # between Pipecat's 0.2 s and OpenAI server VAD's 0.5 s end of speech
RESYNC_MS = 500  # an offset this far from the counted position is a gap in the stream


@dataclass(frozen=True, order=True)
class Segment:
    """Speech from ``start_ms`` to ``end_ms``, both from the session start."""

    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


class SpeechSegmenter:
    """Feed it consecutive chunks of PCM16 mono; it returns segments as they finish."""

    def __init__(
        self,
        detector: FrameDetector | None = None,
        *,
        min_speech_ms: int = MIN_SPEECH_MS,
        onset_gap_ms: int = ONSET_GAP_MS,
        hangover_ms: int = HANGOVER_MS,
    ) -> None:
        self._detector: FrameDetector = detector or WebRtcDetector()
        self._frame_ms = self._detector.frame_ms
        self._rate = self._detector.sample_rate
        self._frame_bytes = frame_bytes(self._rate, self._frame_ms)
        self._min_speech_ms = min_speech_ms
        self._onset_gap_ms = onset_gap_ms
        self._hangover_ms = hangover_ms
        self._buffer = bytearray()
        self._position_ms: int | None = None  # start of the first byte in the buffer
        self._onset_start: int | None = None
        self._onset_voiced_ms = 0
        self._segment_start: int | None = None
        self._last_voiced_end = 0
        self._floor_ms = 0  # no segment may start before the end of the last one

    @property
    def in_speech(self) -> bool:
        return self._segment_start is not None

    @property
    def speech_start_ms(self) -> int | None:
        """Where the segment in progress began (None outside speech)."""
        return self._segment_start

    @property
    def last_voiced_ms(self) -> int:
        """The end of the last frame the detector called speech."""
        return self._last_voiced_end

    @property
    def position_ms(self) -> int:
        """The end of the audio classified so far, from the session start."""
        return self._position_ms if self._position_ms is not None else self._floor_ms

    def feed(self, pcm: bytes, offset_ms: int) -> list[Segment]:
        """Add a chunk that starts ``offset_ms`` after the session start."""
        finished: list[Segment] = []
        expected = self._expected_offset()
        if expected is None:
            self._position_ms = offset_ms
        elif abs(offset_ms - expected) > RESYNC_MS:
            finished.extend(self._close())
            self._buffer.clear()
            self._position_ms = max(offset_ms, self._floor_ms)
        size = self._frame_bytes
        if not self._buffer and len(pcm) % size == 0:  # the usual case: whole frames, no copy
            for used in range(0, len(pcm), size):
                segment = self._step(self._detector.is_speech(pcm[used : used + size]))
                if segment is not None:
                    finished.append(segment)
            return finished
        self._buffer.extend(pcm)
        view = memoryview(self._buffer)
        used = 0
        while len(self._buffer) - used >= size:
            frame = bytes(view[used : used + size])
            used += size
            segment = self._step(self._detector.is_speech(frame))
            if segment is not None:
                finished.append(segment)
        view.release()
        del self._buffer[:used]
        return finished

    def finish(self) -> list[Segment]:
        """End of the stream: the segment still open, if any, is finished where speech ended."""
        finished = self._close()
        self._buffer.clear()
        self._position_ms = None
        return finished

    def _expected_offset(self) -> int | None:
        if self._position_ms is None:
            return None
        buffered_ms = len(self._buffer) // BYTES_PER_SAMPLE * 1000 // self._rate
        return self._position_ms + buffered_ms

    def _step(self, speech: bool) -> Segment | None:
        assert self._position_ms is not None
        start = self._position_ms
        end = start + self._frame_ms
        self._position_ms = end
        if self._segment_start is not None:
            if speech:
                self._last_voiced_end = end
            elif end - self._last_voiced_end >= self._hangover_ms:
                return self._emit()
            return None
        if speech:
            if self._onset_start is None:
                self._onset_start = start
                self._onset_voiced_ms = 0
            self._onset_voiced_ms += self._frame_ms
            self._last_voiced_end = end
            if self._onset_voiced_ms >= self._min_speech_ms:
                self._segment_start = self._onset_start
        elif self._onset_start is not None and end - self._last_voiced_end > self._onset_gap_ms:
            self._onset_start = None
        return None

    def _close(self) -> list[Segment]:
        self._onset_start = None
        return [self._emit()] if self._segment_start is not None else []

    def _emit(self) -> Segment:
        assert self._segment_start is not None
        end = max(self._segment_start + 1, self._last_voiced_end - self._detector.trailing_ms)
        segment = Segment(self._segment_start, end)
        self._segment_start = None
        self._onset_start = None
        self._floor_ms = segment.end_ms
        return segment
