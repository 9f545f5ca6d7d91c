"""Feedback that contradicted itself in a first-time walk-through (issue 11, item 16): a
0:00 answer counted as answered, a question asked just before the end reported as
unanswered, "0.0 s wait" when the user spoke over the interviewer, and a strength that
says nothing. Pure: fixed material through the offline engine."""

from __future__ import annotations

from feedback.scenarios import QUESTIONS, SEGMENTS, Recorded, material_of
from feedback.test_engine import all_points
from interview_coach.feedback.offline import compose
from interview_coach.feedback.report import Report
from interview_coach.interviews.enums import Speaker


def report_for(recorded: Recorded) -> Report:
    return compose(material_of(recorded))


def test_an_answer_under_a_second_is_not_an_answer() -> None:
    """A 0.3 s blip after question 3 leaves it unanswered: 2 of 3, not 3 of 3."""
    blip = [*SEGMENTS[:5], (210_000, 210_300)]
    report = report_for(Recorded(segments=blip))
    third = report.answers[2]
    assert (third.length_verdict, third.duration_ms, third.wait_ms) == ("no_answer", None, None)
    assert (report.overall.answered, report.overall.questions) == (2, 3)
    assert "you answered 2 of 3 questions" in report.summary
    assert not any(text.startswith("You answered every question") for text in all_points(report))


def test_a_question_asked_just_before_the_end_is_left_out() -> None:
    """The user ends 5 s after question 2 was asked: nothing says it went unanswered."""
    lines = [QUESTIONS[0], (Speaker.AI, "What is a project you are proud of?", 60_000)]
    report = report_for(Recorded(lines=lines, segments=SEGMENTS[:2], length_ms=65_000))
    assert [a.question for a in report.answers] == [QUESTIONS[0][1]]
    assert (report.overall.answered, report.overall.questions) == (1, 1)
    assert not any("no answer" in text.lower() for text in all_points(report))


def test_a_question_with_time_to_answer_still_counts_as_unanswered() -> None:
    """The same question 60 s before the end, unanswered, is reported."""
    lines = [QUESTIONS[0], (Speaker.AI, "What is a project you are proud of?", 60_000)]
    report = report_for(Recorded(lines=lines, segments=SEGMENTS[:2], length_ms=125_000))
    assert (report.overall.answered, report.overall.questions) == (1, 2)
    assert any("No answer was heard to question 2" in text for text in all_points(report))


def test_speaking_over_the_interviewer_is_not_a_zero_wait() -> None:
    """Starting 0.5 s into a 2 s question is speaking over it, said so, with no wait figure."""
    segments = [(1_500, 40_000), *SEGMENTS[2:]]  # question 1 runs 1.0-3.0 s (estimated)
    report = report_for(Recorded(segments=segments))
    first = report.answers[0]
    assert (first.spoke_over, first.wait_ms) == (True, None)
    assert [a.spoke_over for a in report.answers[1:]] == [False, False]
    assert report.overall.average_wait_ms == round((1_800 + 6_800) / 2)
    delivery = [p.text for p in report.communication_and_delivery]
    assert any("started speaking before the interviewer had finished" in t for t in delivery)


def test_no_strength_rather_than_an_empty_one() -> None:
    """With nothing that went well, Strengths stays empty instead of "You completed ..."."""
    lines = [(Speaker.AI, "Tell me about yourself?", 5_000)]
    report = report_for(Recorded(lines=lines, segments=[(1_000, 3_000)], length_ms=60_000))
    assert report.strengths == []
    assert not any("You completed" in text for text in all_points(report))
