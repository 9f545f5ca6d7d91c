"""The offline interviewer's pure audio logic, without sockets: turn cues, phrases, echo."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from interview_coach.interviewer.conversation import words_heard
from interview_coach.interviewer.echo import EchoReference, correlation
from interview_coach.interviewer.turns import (
    Hearing,
    PcmWindow,
    end_of_turn_silence_ms,
    sounds_finished,
)
from interview_coach.voice.engines import VoiceEngines

RATE = 16_000
CHUNK = RATE * 40 // 1000 * 2


@pytest.mark.parametrize(
    ("text", "finished"),
    [
        ("I moved the billing system to PostgreSQL.", True),
        ("We shipped it in May", True),
        ("and then I", True),  # "I" ends a clause often enough; only open words count
        ("I wrote the scripts and", False),
        ("The hardest part was, um", False),
        ("So the reason was because", False),
        ("", False),
    ],
)
def test_sounds_finished(text: str, finished: bool) -> None:
    assert sounds_finished(text) is finished


def test_an_open_sentence_gets_the_longer_silence() -> None:
    assert end_of_turn_silence_ms("It went live.", 600, 1500) == 600
    assert end_of_turn_silence_ms("It went live and", 600, 1500) == 1500


def test_pcm_window_cuts_by_time_and_restarts_after_a_gap() -> None:
    window = PcmWindow(RATE)
    window.append(b"\x01\x00" * 1600, 1000)  # 100 ms at 1000 ms
    window.append(b"\x02\x00" * 1600, 1100)
    assert window.end_ms == 1200
    assert window.cut(1100, 1150) == b"\x02\x00" * 800
    window.forget_before(1100)
    assert window.cut(1000, 1100) == b""
    window.append(b"\x03\x00" * 1600, 5000)  # a rejoin: a gap in the stream
    assert window.cut(1100, 1200) == b"" and window.end_ms == 5100


def _feed(hearing: Hearing, pcm: bytes, first_ms: int = 0) -> list[object]:
    events: list[object] = []
    for index in range(0, len(pcm), CHUNK):
        was_speaking = hearing.speaking
        heard = hearing.feed(pcm[index : index + CHUNK].ljust(CHUNK, b"\0"), first_ms + index // 32)
        if hearing.speaking and not was_speaking and not heard.phrases:
            events.append(("start", hearing.speech_start_ms))
        events.extend(heard.phrases)
    return events


def test_hearing_reports_speech_start_then_the_phrase(voice_engines: VoiceEngines) -> None:
    speech = voice_engines.tts.synthesize("I led the billing migration at Acme.", RATE)
    silence = b"\0" * (RATE * 2)  # 1 s
    hearing = Hearing(RATE)
    events = _feed(hearing, silence + speech + silence)
    assert [type(e).__name__ for e in events] == ["tuple", "Phrase"]
    start = events[0][1]  # type: ignore[index]
    phrase = events[1]
    assert 900 <= start <= 1300
    assert phrase.start_ms == start  # type: ignore[attr-defined]
    assert abs(phrase.end_ms - (1000 + len(speech) // 32)) < 300  # type: ignore[attr-defined]
    assert not hearing.speaking and not hearing.voiced_now


def test_echo_of_the_interviewer_is_recognised_and_another_voice_is_not(
    voice_engines: VoiceEngines,
) -> None:
    """Its own line coming back (quieter, delayed) correlates; the user's words do not."""
    line = voice_engines.tts.synthesize("Tell me about a project you are proud of.", 24_000)
    reference = EchoReference(24_000, RATE)
    clock = 100.0
    for index in range(0, len(line), 1920):
        reference.sent(line[index : index + 1920], clock)
        clock += 0.04
    echo = soxr.resample(np.frombuffer(line, dtype="<i2").astype(np.float32), 24_000, RATE)
    heard = (echo[8000:12800] * 0.4).astype("<i2").tobytes()
    assert reference.is_echo(heard)
    user = voice_engines.tts.synthesize("Sure, I built a payment service in Python.", RATE)
    assert not reference.is_echo(user[16000:25600])
    assert correlation(np.zeros(4800, dtype="<i2"), np.ones(9600)) == 0.0


def test_a_pause_in_sending_is_silence_in_the_reference() -> None:
    reference = EchoReference(RATE, RATE)
    tone = (np.sin(np.arange(3200) / 5) * 8000).astype("<i2").tobytes()  # 200 ms
    reference.sent(tone, 10.0)
    reference.sent(tone, 10.5)  # sent 300 ms after the first played out
    kept = reference._samples  # the timeline is what is under test
    assert len(kept) == 3200 + 4800 + 3200
    assert not kept[3200:8000].any()


def test_words_heard_keeps_only_what_was_played() -> None:
    spoken = [("Hi and welcome.", 1000), ("Tell me about your last project please.", 3000)]
    assert words_heard(spoken, 500) == "Hi"
    assert words_heard(spoken, 1000) == "Hi and welcome."
    assert words_heard(spoken, 2500) == "Hi and welcome. Tell me about"
    assert words_heard(spoken, 9000) == "Hi and welcome. Tell me about your last project please."
