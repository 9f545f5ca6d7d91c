"""Turn-taking from the user's audio, pure and I/O-free: what the conversation listens with.

``Hearing`` classifies the user's audio with the same smoothed voice-activity detection as
the timing metrics (``interviews.speech``), keeps the recent audio for speech-to-text, and
reports, after each chunk, what changed: a phrase ended (a pause long enough to end a
part), or a gap between words where the audio can be cut; whether the user is speaking,
since when, and where the stream is, it answers at any time. The conversation turns those
into decisions: an end of turn after a silence, a barge-in after sustained speech.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interview_coach.interviews.speech.detectors import BYTES_PER_SAMPLE, WebRtcDetector
from interview_coach.interviews.speech.segmenter import SpeechSegmenter

# A pause this long inside an answer ends a phrase: its audio goes to speech-to-text while
# the user goes on, so the end of the turn only has the last phrase left.
PHRASE_PAUSE_MS = 300
# A frame voiced this recently means the user is talking now (not pausing).
VOICED_NOW_MS = 60
# Unvoiced this long inside speech is a gap between words or sentences: a safe place to cut
# the answer into parts that are recognised while the user goes on.
WORD_GAP_MS = 120
# Audio kept around each phrase for the recogniser: the detector clips soft word edges.
PHRASE_PADDING_MS = 150
# Audio older than this (before the current turn) is dropped; a turn longer than this is
# transcribed in windows (``window_start`` moves).
KEPT_AUDIO_MS = 60_000
# Words that leave a sentence open: an answer ending on one is probably not finished.
OPEN_ENDINGS = frozenset(
    [
        "and",
        "but",
        "so",
        "because",
        "or",
        "um",
        "uh",
        "er",
        "like",
        "then",
        "that",
        "which",
        "the",
        "a",
        "an",
        "to",
        "with",
        "of",
        "if",
        "when",
        "also",
        "plus",
    ]
)


@dataclass(frozen=True)
class Phrase:
    """Speech from ``start_ms`` to ``end_ms`` (from the interview's start)."""

    start_ms: int
    end_ms: int


@dataclass
class Heard:
    """What one chunk changed (speech in progress is read from ``Hearing`` itself)."""

    phrases: list[Phrase] = field(default_factory=list)
    # A short gap between words inside speech, where the audio can be cut for recognition.
    gap_ms: int | None = None


class PcmWindow:
    """The user's recent audio with its position, so any stretch can be cut out of it."""

    def __init__(self, sample_rate: int) -> None:
        self._rate = sample_rate
        self._audio = bytearray()
        self._start_ms = 0

    @property
    def end_ms(self) -> int:
        return self._start_ms + self._ms(len(self._audio))

    def append(self, pcm: bytes, offset_ms: int) -> None:
        if not self._audio or abs(offset_ms - self.end_ms) > PHRASE_PADDING_MS:
            self._audio.clear()  # a gap in the stream (a rejoin): start afresh
            self._start_ms = offset_ms
        self._audio.extend(pcm)

    def cut(self, start_ms: int, end_ms: int) -> bytes:
        first = self._bytes(max(0, start_ms - self._start_ms))
        last = self._bytes(max(0, end_ms - self._start_ms))
        return bytes(self._audio[first:last])

    def forget_before(self, ms: int) -> None:
        drop = self._bytes(max(0, ms - self._start_ms))
        if drop:
            del self._audio[:drop]
            self._start_ms += self._ms(drop)

    def _ms(self, size: int) -> int:
        return size // BYTES_PER_SAMPLE * 1000 // self._rate

    def _bytes(self, ms: int) -> int:
        return ms * self._rate // 1000 * BYTES_PER_SAMPLE


class Hearing:
    """Feed it the user's audio chunks; it says where speech starts and phrases end."""

    def __init__(self, sample_rate: int, *, phrase_pause_ms: int = PHRASE_PAUSE_MS) -> None:
        self.sample_rate = sample_rate
        self._segmenter = SpeechSegmenter(WebRtcDetector(sample_rate), hangover_ms=phrase_pause_ms)
        self.audio = PcmWindow(sample_rate)
        self._gap_after_ms = -1  # the voiced frame whose following gap was reported

    @property
    def speaking(self) -> bool:
        return self._segmenter.in_speech

    @property
    def speech_start_ms(self) -> int | None:
        return self._segmenter.speech_start_ms

    @property
    def voiced_now(self) -> bool:
        """In speech and voiced in the last frames, not just in the pause after it."""
        return self.speaking and self.position_ms - self._segmenter.last_voiced_ms <= VOICED_NOW_MS

    @property
    def position_ms(self) -> int:
        return self._segmenter.position_ms

    def feed(self, pcm: bytes, offset_ms: int) -> Heard:
        heard = Heard()
        self.audio.append(pcm, offset_ms)
        for segment in self._segmenter.feed(pcm, offset_ms):
            heard.phrases.append(Phrase(segment.start_ms, segment.end_ms))
        voiced = self._segmenter.last_voiced_ms
        in_gap = self.speaking and self.position_ms - voiced >= WORD_GAP_MS
        if in_gap and voiced != self._gap_after_ms:
            self._gap_after_ms = voiced
            heard.gap_ms = voiced + WORD_GAP_MS // 2
        self.audio.forget_before(self.position_ms - KEPT_AUDIO_MS)
        return heard

    def phrase_audio(self, start_ms: int, end_ms: int, *, pad_start: bool, pad_end: bool) -> bytes:
        """The audio from ``start_ms`` to ``end_ms``, widened where it meets silence (the
        detector clips soft word edges), exact where it was cut between words."""
        start = start_ms - (PHRASE_PADDING_MS if pad_start else 0)
        return self.audio.cut(start, end_ms + (PHRASE_PADDING_MS if pad_end else 0))


def sounds_finished(text: str) -> bool:
    """A cheap end-of-turn cue from the words: does the answer so far end a sentence?"""
    words = text.strip().rstrip(".?!,;:…-").split()
    if not words:
        return False
    return words[-1].lower().strip("\"'") not in OPEN_ENDINGS


def end_of_turn_silence_ms(text: str, sure_ms: int, unsure_ms: int) -> int:
    """How long a silence ends the turn: short after a finished sentence, longer after an
    open one ("…and"), so a user who is thinking is not talked over."""
    return sure_ms if sounds_finished(text) else unsure_ms
