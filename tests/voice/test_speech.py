"""Real speech through the real engines: synthesised answers transcribed by Whisper tiny.en,
and every TTS engine's audio at the requested rate, heard back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from feedback.audio import SAMPLE_RATE, require_tools, synthesise
from wer import word_error_rate, words

from interview_coach.voice.base import TextToSpeech
from interview_coach.voice.engines import JOE_LICENCE, VoiceEngines
from interview_coach.voice.espeak_tts import EspeakTextToSpeech
from interview_coach.voice.piper_tts import PiperTextToSpeech, packaged_voice
from voice.scripts import ANSWERS, INTERVIEWER_LINE

MAX_ANSWER_WER = 0.25
MAX_LINE_WER = 0.15
PROTOCOL_RATE = 24_000


PAUSE = bytes(2 * SAMPLE_RATE // 2)  # half a second between answers


def _heard_answers(voice_engines: VoiceEngines, spoken: list[bytes]) -> str:
    """All answers in one call: each Whisper call costs about 0.6 CPU-s whatever its length."""
    return voice_engines.stt.transcribe(PAUSE.join(spoken), SAMPLE_RATE)


def test_espeak_answers_are_transcribed(voice_engines: VoiceEngines, tmp_path: Path) -> None:
    """espeak-ng audio made the way the feedback tests make it (16 kHz, trimmed)."""
    require_tools()
    spoken = [synthesise(a, tmp_path, f"answer{i}").tobytes() for i, a in enumerate(ANSWERS)]
    heard = _heard_answers(voice_engines, spoken)
    assert word_error_rate(" ".join(ANSWERS), heard) <= MAX_ANSWER_WER, heard


def test_piper_answers_are_transcribed(voice_engines: VoiceEngines) -> None:
    spoken = [voice_engines.tts.synthesize(answer, SAMPLE_RATE) for answer in ANSWERS]
    heard = _heard_answers(voice_engines, spoken)
    assert word_error_rate(" ".join(ANSWERS), heard) <= MAX_ANSWER_WER, heard


def test_silence_is_no_speech(voice_engines: VoiceEngines) -> None:
    two_seconds = bytes(2 * 2 * SAMPLE_RATE)
    assert voice_engines.stt.transcribe(two_seconds, SAMPLE_RATE) == ""
    assert voice_engines.stt.transcribe(b"", SAMPLE_RATE) == ""


def test_odd_byte_count_is_refused(voice_engines: VoiceEngines) -> None:
    with pytest.raises(ValueError, match="odd number of bytes"):
        voice_engines.stt.transcribe(b"\x00\x01\x02", SAMPLE_RATE)


def _engines(voice_engines: VoiceEngines) -> dict[str, TextToSpeech]:
    return {"piper": voice_engines.tts, "espeak-ng": EspeakTextToSpeech()}


@pytest.mark.parametrize("engine", ["piper", "espeak-ng"])
def test_tts_round_trip_at_the_requested_rate(voice_engines: VoiceEngines, engine: str) -> None:
    """The interviewer's line at 24 kHz is heard back, lasts as long as speech does, and the
    same line asked for at 16 kHz has two thirds the samples (so the rate really changed)."""
    tts = _engines(voice_engines)[engine]
    assert tts.name == engine
    pcm = tts.synthesize(INTERVIEWER_LINE, PROTOCOL_RATE)
    samples = np.frombuffer(pcm, dtype="<i2")
    seconds = len(samples) / PROTOCOL_RATE
    per_word = seconds / len(words(INTERVIEWER_LINE))
    assert 0.2 < per_word < 0.6, f"{seconds:.2f} s for the line: not speech at {PROTOCOL_RATE} Hz"
    assert np.abs(samples).max() > 5_000
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500  # not silence
    heard = voice_engines.stt.transcribe(pcm, PROTOCOL_RATE)
    assert word_error_rate(INTERVIEWER_LINE, heard) <= MAX_LINE_WER, heard
    at_16k = len(tts.synthesize(INTERVIEWER_LINE, 16_000)) / 2
    # Piper speaks the same way every time here (``tts_variation`` off); a wrong rate is off
    # by a third or more.
    assert len(samples) / at_16k == pytest.approx(PROTOCOL_RATE / 16_000, rel=0.06)


@pytest.mark.parametrize("engine", ["piper", "espeak-ng"])
def test_tts_of_nothing_is_no_audio(voice_engines: VoiceEngines, engine: str) -> None:
    assert _engines(voice_engines)[engine].synthesize("   ", PROTOCOL_RATE) == b""


def test_espeak_text_is_never_an_option() -> None:
    """A line starting with a dash is spoken, not taken as an espeak-ng option."""
    pcm = EspeakTextToSpeech().synthesize("--help me understand the role.", 16_000)
    assert len(pcm) > 16_000  # more than half a second of speech


def test_piper_without_variation_speaks_a_line_the_same_way_every_time(
    voice_engines: VoiceEngines,
) -> None:
    """``tts_variation`` off (the tests' voice): the same samples each call; on (the
    default), Piper draws timing and tone afresh, so repeated lines differ."""
    same = {voice_engines.tts.synthesize(INTERVIEWER_LINE, PROTOCOL_RATE) for _ in range(3)}
    assert len(same) == 1
    varied = PiperTextToSpeech(packaged_voice(), licence=JOE_LICENCE)
    drawn = {varied.synthesize(INTERVIEWER_LINE, PROTOCOL_RATE) for _ in range(3)}
    assert len(drawn) > 1
