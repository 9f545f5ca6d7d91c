"""The dialogue: follow-ups come from the answer, repeat, silence, persona, time, and a
stored state that goes on from the same question."""

from __future__ import annotations

import json

import pytest

from interview_coach.errors import Conflict, ValidationFailed
from interview_coach.interviewer.dialogue import (
    Answer,
    DialogueState,
    ReplyKind,
    Silence,
    current_question,
    opening,
    respond,
)
from interview_coach.interviewer.planner import Plan, QuestionKind, build_plan

from .samples import NURSE_POSTING, NURSE_RESUME, PLATFORM_POSTING, PLATFORM_RESUME
from .simulate import OUTCOME, STORY, run

PERSONA = "a professional interviewer"
PLENTY = 1500.0  # seconds left: no time pressure
STORY_WITH_OUTCOME = f"{STORY} {OUTCOME}"
GENERAL = (
    "I think communication is really important and I always try to keep everyone aligned "
    "and informed, because that is how good teams work together every day."
)


def plan_for(persona: str = PERSONA, minutes: int = 30) -> Plan:
    return build_plan("Platform Engineer", PLATFORM_POSTING, PLATFORM_RESUME, persona, minutes * 60)


def at_first_main_question(plan: Plan) -> DialogueState:
    """Past the opener: the first question that takes follow-ups."""
    _, state = respond(plan, DialogueState(), Answer(STORY_WITH_OUTCOME, 90), PLENTY, PERSONA)
    assert current_question(plan, state).kind is QuestionKind.RESUME
    return state


def test_opening_on_a_fresh_state_greets_and_asks_the_opener() -> None:
    plan = plan_for()
    reply, state = opening(plan, DialogueState())
    assert reply.kind is ReplyKind.GREETING
    assert reply.text == f"{plan.greeting} {plan.questions[0].text}"
    assert state == DialogueState()


def test_no_follow_up_on_the_opener() -> None:
    plan = plan_for()
    reply, state = respond(plan, DialogueState(), Answer("Hi, I am Sam.", 3), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.QUESTION
    assert reply.text.endswith(plan.questions[1].text)
    assert state == DialogueState(index=1)


def test_answer_without_an_outcome_gets_the_outcome_follow_up() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, after = respond(plan, state, Answer(STORY, 95), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.FOLLOW_UP
    assert "outcome" in reply.text or "result" in reply.text
    assert after == DialogueState(index=state.index, follow_ups=1)


def test_answer_without_an_example_gets_asked_for_a_specific_one() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, _ = respond(plan, state, Answer(GENERAL, 60), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.FOLLOW_UP
    assert "specific" in reply.text or "particular" in reply.text


@pytest.mark.parametrize(
    "answer", [Answer("Yes, I did that once.", 4), Answer(STORY_WITH_OUTCOME, 6)]
)
def test_very_short_answer_is_invited_to_say_more(answer: Answer) -> None:
    plan = plan_for()
    reply, _ = respond(plan, at_first_main_question(plan), answer, PLENTY, PERSONA)
    assert reply.kind is ReplyKind.FOLLOW_UP
    assert "more" in reply.text


def test_complete_answer_moves_on_to_the_next_question() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, after = respond(plan, state, Answer(STORY_WITH_OUTCOME, 100), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.QUESTION
    assert reply.text.endswith(plan.questions[state.index + 1].text)
    assert after == DialogueState(index=state.index + 1)


def test_very_long_answer_gets_a_polite_redirect_then_the_next_question() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, after = respond(plan, state, Answer(STORY, 200), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.QUESTION
    assert "move on" in reply.text or "stop you there" in reply.text
    assert reply.text.endswith(plan.questions[state.index + 1].text)
    assert after.index == state.index + 1


@pytest.mark.parametrize(
    ("persona", "limit"), [("a friendly hiring manager", 1), ("a demanding senior engineer", 2)]
)
def test_follow_ups_per_question_depend_on_the_persona(persona: str, limit: int) -> None:
    plan = plan_for(persona)
    _, state = respond(plan, DialogueState(), Answer(STORY_WITH_OUTCOME, 90), PLENTY, persona)
    first = state.index
    kinds = []
    for _ in range(4):  # keeps giving general answers: follow-ups stop at the limit
        reply, state = respond(plan, state, Answer(GENERAL, 60), PLENTY, persona)
        kinds.append(reply.kind)
        if state.index != first:
            break
    assert kinds == [ReplyKind.FOLLOW_UP] * limit + [ReplyKind.QUESTION]


def test_persona_changes_the_follow_up_style() -> None:
    texts = {}
    for persona in ("a friendly hiring manager", "a demanding senior engineer"):
        plan = plan_for(persona)
        _, state = respond(plan, DialogueState(), Answer(STORY_WITH_OUTCOME, 90), PLENTY, persona)
        texts[persona] = respond(plan, state, Answer(STORY, 95), PLENTY, persona)[0].text
    assert texts["a friendly hiring manager"] != texts["a demanding senior engineer"]


@pytest.mark.parametrize(
    "request_text",
    [
        "Could you repeat the question?",
        "Sorry, can you say that again?",
        "Pardon?",
        "I didn't catch that.",
        "What was the question again?",
    ],
)
def test_asking_to_repeat_repeats_the_current_question(request_text: str) -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, after = respond(plan, state, Answer(request_text, 2), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.REPEAT
    assert reply.text.endswith(current_question(plan, state).text)
    assert after == state


def test_a_long_answer_mentioning_repeat_is_an_answer() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    text = f"{STORY_WITH_OUTCOME} I had to repeat the question to the whole team every week."
    reply, _ = respond(plan, state, Answer(text, 100), PLENTY, PERSONA)
    assert reply.kind is ReplyKind.QUESTION


def test_first_silence_prompts_and_the_second_moves_on() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    prompt, state2 = respond(plan, state, Silence(8), PLENTY, PERSONA)
    assert prompt.kind is ReplyKind.PROMPT
    assert "Take your time" in prompt.text and "repeat the question" in prompt.text
    assert state2 == DialogueState(index=state.index, silences=1)
    moved, state3 = respond(plan, state2, Silence(8), PLENTY, PERSONA)
    assert moved.kind is ReplyKind.QUESTION
    assert moved.text.endswith(plan.questions[state.index + 1].text)
    assert state3 == DialogueState(index=state.index + 1)


def test_an_answer_after_a_prompt_resets_the_silences() -> None:
    plan = plan_for()
    _, prompted = respond(plan, at_first_main_question(plan), Silence(8), PLENTY, PERSONA)
    _, after = respond(plan, prompted, Answer(STORY, 95), PLENTY, PERSONA)
    assert after.silences == 0 and after.follow_ups == 1


def test_behind_schedule_skips_follow_ups() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, _ = respond(plan, state, Answer(STORY, 95), 900, PERSONA)  # 9 questions in 15 min
    assert reply.kind is ReplyKind.QUESTION


def test_short_time_jumps_to_the_candidates_questions_then_closes() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    reply, state = respond(plan, state, Answer(STORY_WITH_OUTCOME, 100), 90, PERSONA)
    assert reply.text.endswith(plan.questions[-2].text)
    assert current_question(plan, state).kind is QuestionKind.CANDIDATE_QUESTIONS
    close, final = respond(plan, state, Answer("What is the team like?", 20), 60, PERSONA)
    assert close.kind is ReplyKind.CLOSE and close.text.endswith(plan.questions[-1].text)
    assert final.finished
    with pytest.raises(Conflict):
        respond(plan, final, Answer("One more thing", 3), 30, PERSONA)


def test_time_left_over_takes_reserve_questions() -> None:
    plan = plan_for(minutes=10)
    last_main = len(plan.questions) - 3
    reply, state = respond(
        plan, DialogueState(index=last_main), Answer(STORY_WITH_OUTCOME, 100), 400, PERSONA
    )
    assert reply.text.endswith(plan.reserve[0].text)
    assert state.index == len(plan.questions)
    reply, state = respond(plan, state, Answer(STORY_WITH_OUTCOME, 100), 300, PERSONA)
    assert reply.text.endswith(plan.reserve[1].text)
    reply, state = respond(plan, state, Answer(STORY_WITH_OUTCOME, 100), 100, PERSONA)
    assert current_question(plan, state).kind is QuestionKind.CANDIDATE_QUESTIONS


@pytest.mark.parametrize("minutes", [10, 30, 60])
@pytest.mark.parametrize(
    "persona", ["a friendly hiring manager", "a demanding senior engineer", ""]
)
@pytest.mark.parametrize(
    ("posting", "resume"),
    [(PLATFORM_POSTING, PLATFORM_RESUME), (NURSE_POSTING, NURSE_RESUME), ("", "")],
)
def test_simulated_interview_ends_within_ten_percent_of_its_length(
    minutes: int, persona: str, posting: str, resume: str
) -> None:
    duration = minutes * 60
    plan = build_plan("Engineer", posting, resume, persona, duration)
    sim = run(plan, duration, persona)
    assert abs(sim.clock - duration) <= 0.1 * duration, sim.clock
    assert sim.replies[0].kind is ReplyKind.GREETING
    assert sim.replies[-1].kind is ReplyKind.CLOSE
    assert sum(r.kind is ReplyKind.CLOSE for r in sim.replies) == 1
    assert any(r.text.endswith(plan.questions[-2].text) for r in sim.replies)


def test_the_interviewer_never_answers_for_the_candidate() -> None:
    """Every reply is one of the interviewer's own lines, never the candidate's words."""
    plan = plan_for()
    sim = run(plan, 1800, PERSONA)
    for reply in sim.replies:
        assert STORY not in reply.text and OUTCOME not in reply.text


def test_state_round_trips_and_a_restart_goes_on_from_the_same_question() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    _, state = respond(plan, state, Answer(STORY, 95), PLENTY, PERSONA)  # a follow-up asked
    stored = json.dumps({"plan": plan.to_dict(), "state": state.to_dict()})

    loaded = json.loads(stored)
    plan2, state2 = Plan.from_dict(loaded["plan"]), DialogueState.from_dict(loaded["state"])
    assert (plan2, state2) == (plan, state)
    reply, resumed = opening(plan2, state2)
    assert reply.kind is ReplyKind.QUESTION
    assert reply.text.startswith("Welcome back.")
    assert reply.text.endswith(current_question(plan, state).text)
    assert resumed == state
    # The follow-up already asked still counts: the next thin answer moves on.
    nxt, after = respond(plan2, resumed, Answer(STORY, 95), PLENTY, PERSONA)
    assert nxt.kind is ReplyKind.QUESTION and after.index == state.index + 1


def test_resuming_in_the_reserve_and_after_the_close() -> None:
    plan = plan_for(minutes=10)
    in_reserve = DialogueState(index=len(plan.questions) + 1)
    reply, _ = opening(plan, DialogueState.from_dict(in_reserve.to_dict()))
    assert reply.text.endswith(plan.reserve[1].text)
    finished = DialogueState(index=len(plan.questions) - 1, finished=True)
    assert opening(plan, finished)[0].kind is ReplyKind.CLOSE


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"index": -1},
        {"index": "2"},
        {"follow_ups": 1.5},
        {"silences": True},
        {"finished": "yes"},
    ],
)
def test_a_malformed_stored_state_is_a_clear_error(data: object) -> None:
    with pytest.raises(ValidationFailed):
        DialogueState.from_dict(data)


def test_a_state_past_the_plan_is_a_clear_error() -> None:
    plan = plan_for(minutes=10)
    with pytest.raises(ValidationFailed):
        opening(plan, DialogueState(index=len(plan.questions) + len(plan.reserve)))


def test_unicode_answers_are_read() -> None:
    plan = plan_for()
    state = at_first_main_question(plan)
    answer = Answer("Bei Björk & Söhne I rewrote the Überweisung service — it was hard. " * 3, 60)
    reply, _ = respond(plan, state, answer, PLENTY, PERSONA)
    assert reply.kind is ReplyKind.FOLLOW_UP and ("outcome" in reply.text or "result" in reply.text)
