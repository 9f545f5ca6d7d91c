"""The offline engine on fixed transcripts and segments: every figure checked by hand.

The fixed interview (conftest): 5:00 long, four interviewer lines (three questions and a
closing remark) and six speech segments. Interviewer line ends are estimated at 150 words
per minute: 5, 8, 8 and 5 words give 2.0, 3.2, 3.2 and 2.0 s.
"""

from __future__ import annotations

import pytest

from feedback.scenarios import QUESTIONS, TIMING_ONLY, WITH_WORDS, Recorded, material_of
from interview_coach.feedback.offline import compose
from interview_coach.feedback.report import Report
from interview_coach.interviews.enums import Speaker


def report_for(recorded: Recorded) -> Report:
    return compose(material_of(recorded))


def all_points(report: Report) -> list[str]:
    sections = (
        report.strengths,
        report.content_and_structure,
        report.communication_and_delivery,
        report.things_to_improve,
    )
    return [point.text for section in sections for point in section]


def test_answers_from_segments_between_questions() -> None:
    """Each question's answer spans its segments; wait counts from the estimated line end."""
    answers = report_for(TIMING_ONLY).answers
    got = [
        (a.number, a.question_start_ms, a.start_ms, a.end_ms, a.duration_ms, a.speaking_ms)
        for a in answers
    ]
    assert got == [
        (1, 1_000, 4_000, 40_000, 36_000, 35_000),
        (2, 60_000, 65_000, 195_000, 130_000, 125_000),
        (3, 200_000, 210_000, 225_000, 15_000, 15_000),
    ]
    assert [a.wait_ms for a in answers] == [1_000, 1_800, 6_800]
    assert [a.length_verdict for a in answers] == ["within", "long", "short"]
    assert [[(p.start_ms, p.end_ms) for p in a.long_pauses] for a in answers] == [
        [],
        [(100_000, 104_000)],
        [],
    ]


def test_closing_remark_is_not_a_question() -> None:
    """'Thank you, that is all.' has no '?' and no answer, so it is not counted."""
    report = report_for(TIMING_ONLY)
    assert [a.question for a in report.answers] == [text for _, text, _ in QUESTIONS[:3]]
    assert report.overall.questions == 3


def test_overall_figures_from_timing_alone() -> None:
    """Talk share, averages and counts without any of the user's words."""
    overall = report_for(TIMING_ONLY).overall
    assert overall.model_dump() == {
        "session_ms": 300_000,
        "planned_ms": 600_000,
        "questions": 3,
        "answered": 3,
        "user_speaking_ms": 175_000,
        "interviewer_speaking_ms": 10_400,
        "interviewer_timing_estimated": True,
        "talk_share": 0.944,  # 175 / (175 + 10.4)
        "longest_answer_number": 2,
        "longest_answer_ms": 130_000,
        "average_answer_ms": 60_333,  # (36 + 130 + 15) / 3 s
        "average_wait_ms": 3_200,  # (1.0 + 1.8 + 6.8) / 3 s
        "long_pauses": 1,
        "has_user_words": False,
        "words": None,
        "words_per_minute": None,
        "fillers": {},
        "fillers_per_minute": None,
        "weighted_fillers_per_minute": None,
        "star_complete_answers": None,
    }


def test_headline_is_average_answer_length() -> None:
    """The dashboard figure: 60.3 s shown as 1:00."""
    headline = report_for(TIMING_ONLY).headline
    assert (headline.label, headline.value, headline.display) == ("Average answer", 60.3, "1:00")


def test_word_figures_per_answer() -> None:
    """Words, pace, fillers and STAR cues per answer, over each answer's duration."""
    answers = report_for(WITH_WORDS).answers
    assert [a.words for a in answers] == [19, 39, 6]
    assert [a.words_per_minute for a in answers] == [32, 18, 24]  # 19/0.6, 39/2.1667, 6/0.25
    assert [a.fillers for a in answers] == [
        {"like": 1, "so": 1, "um": 1},
        {"you know": 1},
        {"uh": 1},
    ]
    # (1 + .5 + .5) / 0.6, 0.5 / 2.1667, 1 / 0.25
    assert [a.weighted_fillers_per_minute for a in answers] == [3.3, 0.2, 4.0]
    assert [a.star for a in answers] == [[], ["situation", "task", "action", "result"], []]


def test_word_figures_overall() -> None:
    """64 words and 5 fillers over 181 s of answers."""
    overall = report_for(WITH_WORDS).overall
    assert overall.has_user_words
    assert overall.words == 64
    assert overall.words_per_minute == 21  # 64 / 3.0167
    assert overall.fillers == {"like": 1, "so": 1, "uh": 1, "um": 1, "you know": 1}
    assert overall.fillers_per_minute == 1.7
    assert overall.weighted_fillers_per_minute == 1.2  # 3.5 weighted over 3.0167 min
    assert overall.star_complete_answers == 1


def test_quotes_are_the_users_words() -> None:
    """The STAR strength quotes the sentence that names the result."""
    report = report_for(WITH_WORDS)
    star = [p for p in report.strengths if "STAR" in p.text]
    assert [(p.answer, p.quote) for p in star] == [
        (2, "As a result we cut failed payments by 40 percent.")
    ]
    user_text = " ".join(text for speaker, text, _ in WITH_WORDS.lines if speaker is Speaker.USER)
    sections = [*report.strengths, *report.communication_and_delivery, *report.things_to_improve]
    quotes = [p.quote for p in sections if p.quote]
    assert quotes
    assert all(q.rstrip("…") in user_text for q in quotes)


def test_timing_only_report_says_so_and_quotes_nothing() -> None:
    """Without the user's words: a timing-only summary, no quotes, no pace or filler claims."""
    report = report_for(TIMING_ONLY)
    assert "not transcribed" in report.summary
    assert "timing alone" in report.summary
    points = [*report.strengths, *report.things_to_improve, *report.communication_and_delivery]
    assert all(p.quote is None for p in points)
    assert not any("words per minute" in text for text in all_points(report))


def test_timing_only_report_still_has_advice() -> None:
    """Long, short, talk share over 90%, long pause and slow start are all raised."""
    texts = [p.text for p in report_for(TIMING_ONLY).things_to_improve]
    assert any(t.startswith("Answer 3 lasted under 0:30") for t in texts)
    assert any(t.startswith("Answer 2 ran over 2:00 (the longest 2:10)") for t in texts)
    assert any("94% of the talk time" in t for t in texts)
    assert any(t.startswith("Answer 2 had silences over 2.5 s") for t in texts)
    assert any(t.startswith("Before answer 3 you waited over 5 s") for t in texts)


@pytest.mark.parametrize("recorded", [TIMING_ONLY, WITH_WORDS], ids=["timing", "words"])
def test_never_guesses_emotion_or_confidence(recorded: Recorded) -> None:
    """Only observations: no words about feelings, confidence or nerves."""
    report = report_for(recorded)
    text = " ".join([report.summary, *all_points(report)]).lower()
    for word in ("confiden", "nervous", "anxi", "emotion", "calm", "stress", "comfortable"):
        assert word not in text


def test_no_speech_at_all() -> None:
    """Questions asked, nothing heard: every question unanswered, a microphone hint."""
    report = report_for(Recorded(segments=[]))
    assert report.summary.startswith("No speech from you was detected in this 5:00 interview")
    assert [(a.number, a.length_verdict) for a in report.answers] == [
        (1, "no_answer"),
        (2, "no_answer"),
        (3, "no_answer"),
    ]
    assert report.overall.answered == 0
    assert report.overall.talk_share is None
    assert report.headline.display == "no answers heard"


def test_speech_without_questions_splits_at_long_silences() -> None:
    """With no interviewer lines, silences of 5 s or more separate answers."""
    recorded = Recorded(lines=[], segments=[(0, 3_000), (4_000, 6_000), (12_000, 20_000)])
    answers = report_for(recorded).answers
    assert [(a.question, a.start_ms, a.end_ms) for a in answers] == [
        (None, 0, 6_000),
        (None, 12_000, 20_000),
    ]


def test_same_material_same_report() -> None:
    """Deterministic: two runs give identical JSON."""
    first = report_for(WITH_WORDS).model_dump_json()
    assert report_for(WITH_WORDS).model_dump_json() == first


def test_reply_to_a_greeting_is_not_an_answer() -> None:
    """A short reply to a remark is talk, not an answer; a prompt without '?' is a question."""
    recorded = Recorded(
        lines=[
            (Speaker.AI, "Hello, and thank you for joining.", 0),
            (Speaker.AI, "Tell me about a recent project.", 8_000),
        ],
        segments=[(3_000, 5_000), (10_000, 50_000)],
        length_ms=60_000,
    )
    report = report_for(recorded)
    assert [(a.number, a.question, a.duration_ms) for a in report.answers] == [
        (1, "Tell me about a recent project.", 40_000)
    ]
    assert report.overall.user_speaking_ms == 42_000  # the reply still counts as talk


def test_long_reply_to_a_remark_is_an_answer() -> None:
    """Thirty seconds or more after a remark is treated as an answer to it."""
    recorded = Recorded(
        lines=[(Speaker.AI, "Let us begin with your background.", 0)],
        segments=[(2_000, 40_000)],
        length_ms=45_000,
    )
    assert [a.duration_ms for a in report_for(recorded).answers] == [38_000]
