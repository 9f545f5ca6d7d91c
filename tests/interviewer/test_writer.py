"""What of a model's answer the interviewer uses (pure: interviewer.writer)."""

from __future__ import annotations

import pytest

from interview_coach.interviewer.base import InterviewContext
from interview_coach.interviewer.dialogue import Answer, DialogueState, Reply, ReplyKind, respond
from interview_coach.interviewer.planner import (
    Plan,
    QuestionKind,
    build_plan,
    expected_seconds,
    speaking_seconds,
)
from interview_coach.interviewer.writer import (
    LineAnswer,
    PlanAnswer,
    PlannedQuestion,
    line_from,
    line_messages,
    line_problem,
    line_task,
    plan_from,
    plan_messages,
)
from interview_coach.interviews.enums import Speaker

from .samples import PLATFORM_POSTING, PLATFORM_RESUME

PERSONA = "a friendly hiring manager"


def context(minutes: int = 30) -> InterviewContext:
    return InterviewContext(
        interview_id="i1",
        job_title="Platform Engineer",
        persona=PERSONA,
        job_description=PLATFORM_POSTING,
        resume=PLATFORM_RESUME,
        duration_seconds=minutes * 60,
        elapsed_ms=0,
    )


def planner(ctx: InterviewContext) -> Plan:
    return build_plan(
        ctx.job_title, ctx.job_description, ctx.resume, ctx.persona, ctx.duration_seconds
    )


def written(count: int) -> PlanAnswer:
    return PlanAnswer(
        greeting="Hello, I'm Sam. We'll talk about your work for about thirty minutes.",
        opener="To start, how would you describe your career so far?",
        questions=[
            PlannedQuestion(
                kind="RESUME", topic=f"topic {n}", text=f"What did you learn from project {n}?"
            )
            for n in range(count)
        ],
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "it is empty"),
        ("Why? " + "word " * 50 + "?", "longer than 45 words"),
        ("**Great.** What happened next?", "markup"),
        ("- What was the result?", "markup"),
        ("You could say that you led the team. What did you do?", "answers or grades"),
        ("Great answer! What did you learn?", "answers or grades"),
        ("What was hard? And what was the result?", "not exactly one question"),
        ("Tell me more about that.", "not exactly one question"),
    ],
)
def test_lines_that_may_not_be_spoken(text: str, problem: str) -> None:
    found = line_problem(text)
    assert found is not None and problem in found


def test_a_plain_spoken_question_passes() -> None:
    assert line_problem("Thanks. How did you roll the migration back when it failed?") is None
    assert line_problem("Hello, I'm Sam.", question=False) is None
    assert line_problem("Hello, ready?", question=False) == "it asks a question"


def test_the_models_plan_is_fitted_to_the_length_like_the_planners() -> None:
    ctx = context(15)
    fallback = planner(ctx)
    plan = plan_from(written(30), ctx, fallback)
    kinds = [q.kind for q in plan.questions]
    assert kinds[0] is QuestionKind.OPENER
    assert kinds[-2:] == [QuestionKind.CANDIDATE_QUESTIONS, QuestionKind.CLOSE]
    main = plan.questions[1:-2]
    assert main and all(q.text.startswith("What did you learn from project") for q in main)
    spent = speaking_seconds(plan.greeting) + sum(expected_seconds(q) for q in plan.questions[:-2])
    assert spent <= ctx.duration_seconds, "fits the length"
    assert plan.reserve, "the next written questions are in reserve"
    assert plan.greeting.startswith("Hello, I'm Sam")
    assert plan.questions[0].text == "To start, how would you describe your career so far?"
    assert Plan.from_dict(plan.to_dict()) == plan, "stored like the planner's"


def test_bad_parts_of_the_plan_give_way_to_the_planners() -> None:
    ctx = context()
    fallback = planner(ctx)
    answer = written(2)
    answer.greeting = "Hi! Ready to begin?"
    answer.opener = "You could say you are a great engineer. Who are you?"
    answer.questions.append(PlannedQuestion(kind="POSTING", topic="k8s", text="Tell me."))
    answer.questions.append(answer.questions[0])  # a repeated topic
    plan = plan_from(answer, ctx, fallback)
    assert plan.greeting == fallback.greeting
    assert plan.questions[0] == fallback.questions[0]
    texts = [q.text for q in plan.questions]
    assert texts.count("What did you learn from project 0?") == 1
    assert "Tell me." not in texts
    assert texts[1:3] == [
        "What did you learn from project 0?",
        "What did you learn from project 1?",
    ]
    assert texts[3] == fallback.questions[1].text, "too few written: the planner's follow"


def test_the_plan_prompt_asks_for_what_fits_and_carries_the_brief() -> None:
    ctx = context()
    fallback = planner(ctx)
    system, user = plan_messages(ctx, fallback)
    count = len(fallback.questions) - 3 + len(fallback.reserve)
    assert f'"questions": {count} questions' in system["content"]
    assert "Globex Corporation" in system["content"] and "Kubernetes" in system["content"]
    assert "Never ask two questions in one turn" in system["content"], "the shared rules"
    assert user["role"] == "user"


def test_the_model_words_follow_ups_and_next_questions_only() -> None:
    ctx = context()
    plan = planner(ctx)
    reply, after = respond(plan, DialogueState(index=1), Answer("Yes.", 2.0), 1500, PERSONA)
    assert reply.kind is ReplyKind.FOLLOW_UP
    task = line_task(plan, after, reply)
    assert task is not None and plan.questions[1].text in task and reply.text in task
    moved = Reply(ReplyKind.QUESTION, "Thanks. " + plan.questions[2].text)
    task = line_task(plan, DialogueState(index=2), moved)
    assert task is not None and plan.questions[2].text in task
    for kind in (ReplyKind.GREETING, ReplyKind.PROMPT, ReplyKind.REPEAT, ReplyKind.CLOSE):
        assert line_task(plan, after, Reply(kind, "Hello.")) is None


def test_the_line_prompt_shows_the_latest_dialogue() -> None:
    dialogue = [(Speaker.AI, f"Question {n}?") for n in range(20)]
    dialogue.append((Speaker.USER, "I led  the\nmigration."))
    _, user = line_messages(context(), "ask for the result", dialogue)
    assert "What to say next: ask for the result" in user["content"]
    assert "Candidate: I led the migration." in user["content"]
    assert "Question 19?" in user["content"] and "Question 5?" not in user["content"]


def test_a_written_line_replaces_the_planners_only_when_it_passes() -> None:
    reply = Reply(ReplyKind.FOLLOW_UP, "What was the result?")
    good = line_from(LineAnswer(text="And how did the  migration end?"), reply)
    assert good == Reply(ReplyKind.FOLLOW_UP, "And how did the migration end?")
    assert line_from(LineAnswer(text="A good answer would mention costs. Why?"), reply) is None
