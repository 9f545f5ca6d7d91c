"""The planner: questions name the posting's and the resume's terms, fit the length, read
well aloud, and come out the same for the same inputs."""

from __future__ import annotations

import re
import time

import pytest

from interview_coach.errors import ValidationFailed
from interview_coach.interviewer.planner import Plan, Question, QuestionKind, build_plan
from interview_coach.interviewer.terms import posting_terms, resume_terms

from .samples import (
    NURSE_POSTING,
    NURSE_RESUME,
    PLATFORM_POSTING,
    PLATFORM_RESUME,
    UNICODE_POSTING,
    UNICODE_RESUME,
)

UNSPEAKABLE = re.compile(r"[()\[\]{}*_`#|•<>\n]")


def all_text(plan: Plan) -> str:
    return " ".join([plan.greeting, *(q.text for q in plan.questions + plan.reserve)])


def test_posting_terms_are_extracted() -> None:
    terms = posting_terms(PLATFORM_POSTING)
    assert {"Kubernetes", "PostgreSQL", "Terraform", "AWS", "Python"} <= set(terms.technologies)
    assert "experience with Kubernetes in production" in terms.requirements
    assert "design and operate our payment APIs on Kubernetes" in terms.responsibilities
    # The "About us" and "Benefits" sections give no questions.
    assert not any("lunch" in t or "holiday" in t for t in terms.requirements)


def test_resume_terms_are_extracted() -> None:
    terms = resume_terms(PLATFORM_RESUME)
    assert [(p.name, p.employer) for p in terms.projects] == [
        ("the billing migration", "Globex Corporation"),
        ("a real-time fraud detection service", "Globex Corporation"),
        ("the release process", "Initech"),
    ]
    assert terms.employers == ("Globex Corporation", "Initech")
    assert {"Python", "Go", "PostgreSQL", "Docker", "Kafka"} <= set(terms.skills)
    assert not any("Leeds" in s for s in terms.skills + terms.employers)


@pytest.mark.parametrize(
    ("posting", "resume", "posting_terms_named", "resume_terms_named"),
    [
        (
            PLATFORM_POSTING,
            PLATFORM_RESUME,
            ["Kubernetes", "PostgreSQL", "payment APIs"],
            ["the billing migration at Globex Corporation", "Initech"],
        ),
        (
            NURSE_POSTING,
            NURSE_RESUME,
            ["acute cardiac care", "coordinate a team of eight nurses"],
            ["falls-prevention checklist", "St Mary's Hospital", "Epic record system"],
        ),
        (UNICODE_POSTING, UNICODE_RESUME, ["Kafka Streams and ClickHouse"], ["Überweisung"]),
    ],
)
def test_questions_name_the_postings_and_the_resumes_terms(
    posting: str, resume: str, posting_terms_named: list[str], resume_terms_named: list[str]
) -> None:
    plan = build_plan("Engineer", posting, resume, "a professional interviewer", 1800)
    asked = " ".join(q.text for q in plan.questions)
    for term in posting_terms_named + resume_terms_named:
        assert term in asked
    kinds = {q.kind for q in plan.questions}
    assert {QuestionKind.RESUME, QuestionKind.POSTING, QuestionKind.BEHAVIOURAL} <= kinds


def test_the_brief_example_question_reads_naturally() -> None:
    plan = build_plan("Platform Engineer", PLATFORM_POSTING, PLATFORM_RESUME, "", 1800)
    texts = [q.text for q in plan.questions]
    assert any(
        t.startswith("Your resume mentions the billing migration at Globex Corporation.")
        or t.startswith("Your resume says you led the billing migration")
        or t.startswith("Tell me about the time you led the billing migration")
        for t in texts
    )
    resume_question = next(q for q in plan.questions if q.kind is QuestionKind.RESUME)
    assert resume_question.topic in resume_question.text


@pytest.mark.parametrize(("minutes", "low", "high"), [(10, 2, 4), (30, 8, 12), (60, 17, 24)])
def test_question_count_fits_the_length(minutes: int, low: int, high: int) -> None:
    plan = build_plan("Engineer", PLATFORM_POSTING, PLATFORM_RESUME, "", minutes * 60)
    main = [q for q in plan.questions[1:-2]]
    assert low <= len(main) <= high
    assert plan.reserve


def test_structure_opener_first_candidate_questions_then_close() -> None:
    for minutes in (10, 30, 60):
        plan = build_plan("Engineer", NURSE_POSTING, NURSE_RESUME, "", minutes * 60)
        kinds = [q.kind for q in plan.questions]
        assert kinds[0] is QuestionKind.OPENER
        assert kinds[-2:] == [QuestionKind.CANDIDATE_QUESTIONS, QuestionKind.CLOSE]
        assert QuestionKind.OPENER not in kinds[1:]
        assert all(q.kind not in (QuestionKind.CLOSE, QuestionKind.OPENER) for q in plan.reserve)
        assert len({q.text for q in plan.questions + plan.reserve}) == len(
            plan.questions + plan.reserve
        )


def test_empty_inputs_still_give_a_generic_interview_for_the_title() -> None:
    plan = build_plan("Data Analyst", "", "", "", 1800)
    main = plan.questions[1:-2]
    assert len(main) >= 8
    assert "Data Analyst" in plan.greeting and "Data Analyst" in plan.questions[0].text
    assert sum("Data Analyst" in q.text for q in main) >= 2
    assert {q.kind for q in main} == {QuestionKind.POSTING, QuestionKind.BEHAVIOURAL}


def test_empty_title_too() -> None:
    plan = build_plan("", "", "", "", 600)
    assert "this role" in plan.greeting
    assert "a professional interviewer" in plan.greeting
    assert len(plan.questions) >= 4


def test_texts_read_well_aloud() -> None:
    for posting, resume in [
        (PLATFORM_POSTING, PLATFORM_RESUME),
        (NURSE_POSTING, NURSE_RESUME),
        (UNICODE_POSTING, UNICODE_RESUME),
        ("**Must** have [Go](http://x) (3 yrs) | `k8s`", "- Built *the* thing (v2) #1"),
    ]:
        plan = build_plan("Engineer (Backend)", posting, resume, "a *friendly* (kind) coach", 3600)
        text = all_text(plan)
        assert not UNSPEAKABLE.search(text), UNSPEAKABLE.findall(text)
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert len(sentence.split()) <= 28, sentence


def test_same_inputs_same_plan_and_phrasing_varies_with_inputs() -> None:
    first = build_plan("Engineer", PLATFORM_POSTING, PLATFORM_RESUME, "a demanding lead", 1800)
    again = build_plan("Engineer", PLATFORM_POSTING, PLATFORM_RESUME, "a demanding lead", 1800)
    assert first == again
    titles = [f"Engineer {n}" for n in range(8)]
    openers_and_orders = {
        tuple(q.text.replace(t, "") for q in build_plan(t, "", "", "", 1800).questions)
        for t in titles
    }
    assert len(openers_and_orders) > 1


def test_persona_changes_the_phrasing() -> None:
    friendly = build_plan("Engineer", PLATFORM_POSTING, "", "a friendly hiring manager", 1800)
    demanding = build_plan("Engineer", PLATFORM_POSTING, "", "a demanding senior engineer", 1800)
    assert "I am a friendly hiring manager" in friendly.greeting
    assert "I am a demanding senior engineer" in demanding.greeting
    assert friendly.questions[0].text != demanding.questions[0].text
    assert friendly.questions[-1].text != demanding.questions[-1].text


def test_huge_inputs_are_bounded_in_time() -> None:
    posting = PLATFORM_POSTING * 2000 + "Experience with " + "Go " * 50_000
    resume = PLATFORM_RESUME * 2000 + "- Led " + "x" * 200_000
    started = time.perf_counter()
    plan = build_plan("Engineer " * 500, posting, resume, "a " + "very " * 5000 + "kind", 3600)
    assert time.perf_counter() - started < 2.0
    assert len(plan.greeting.split()) < 90
    assert all(len(q.text.split()) < 45 for q in plan.questions + plan.reserve)


def test_round_trip_through_json_shaped_dict() -> None:
    import json

    plan = build_plan("Engineer", UNICODE_POSTING, UNICODE_RESUME, "", 1800)
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"greeting": "Hi", "questions": "nope", "reserve": []},
        {"greeting": "Hi", "questions": [{"kind": "WHAT", "text": "?"}], "reserve": []},
        {"greeting": "Hi", "questions": [Question(QuestionKind.OPENER, "x").to_dict()]},
    ],
)
def test_a_malformed_stored_plan_is_a_clear_error(data: object) -> None:
    with pytest.raises(ValidationFailed):
        Plan.from_dict(data)
