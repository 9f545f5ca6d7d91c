"""What the offline interviewer says next: a pure state machine over a :class:`Plan`.

The conversation calls :func:`opening` once per connection and :func:`respond` after every
answer or silence, and stores the returned :class:`DialogueState` each time, so a rejoin or
a restart goes on from the same question. Nothing here answers for the candidate: replies
are questions, follow-ups drawn from the answer, prompts, repeats and the close.

Time: ``remaining_seconds`` steers it. Follow-ups are skipped when the planned questions no
longer fit, reserve questions are taken when time is left after them, and it wraps up (the
candidate's questions, then the close) when about two minutes remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from interview_coach.errors import Conflict, ValidationFailed
from interview_coach.interviewer.persona import Style, pick, style_for
from interview_coach.interviewer.planner import (
    FOLLOW_UP_SECONDS,
    FOLLOWED_UP,
    WRAP_UP_SECONDS,
    Plan,
    Question,
    QuestionKind,
    expected_seconds,
)
from interview_coach.interviews.language import count_words, normalise, star_cues

SHORT_ANSWER_WORDS = 12
SHORT_ANSWER_SECONDS = 10.0
LONG_ANSWER_SECONDS = 180.0
FIT_FRACTION = 0.3  # one more question when a third of it fits: ending a little late beats early
MAX_REPEAT_REQUEST_WORDS = 20
WELCOME_BACK = "Welcome back. Let's pick up where we left off."

REPEAT_REQUEST = re.compile(
    r"\b(repeat (?:the|that|your|it)|repeat\b.*\bquestion|say (?:that|it) again|"
    r"could you repeat|can you repeat|please repeat|come again|pardon|"
    r"(?:didn't|did not|couldn't|could not) (?:catch|hear|get|understand) "
    r"(?:that|the question|it|you)|"
    r"what was the question|what's the question|one more time|rephrase)\b"
)
# A concrete example: a story told in the past, a time marker, or a STAR situation or action.
EXAMPLE = re.compile(
    r"\b(for example|for instance|one time|once|last (?:year|month|week|quarter)|"
    r"in (?:19|20)\d\d|i remember|at my (?:last|previous|current|old|first)|"
    r"(?:i|we) (?:was|were|had|did|made|got|went|ran|built|led|wrote|found|took|set|\w+ed))\b"
)
HAS_QUESTION = re.compile(r"\?|\b(what|how|why|when|who|which|could you|can you|is there)\b")


@dataclass(frozen=True)
class DialogueState:
    """Where the interview is; JSON-serialisable and stored after every turn."""

    index: int = 0  # current question in plan.questions, or reserve after them
    follow_ups: int = 0  # follow-ups asked on the current question
    silences: int = 0  # silence prompts given since the last answer
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "follow_ups": self.follow_ups,
            "silences": self.silences,
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: Any) -> DialogueState:
        """A stored state; a malformed one is a ``ValidationFailed`` naming the field."""
        if not isinstance(data, dict):
            raise ValidationFailed({"state": "The stored interview state is not an object."})
        counts = {name: data.get(name, 0) for name in ("index", "follow_ups", "silences")}
        for name, value in counts.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationFailed({name: f"The stored {name} must be a whole number."})
        finished = data.get("finished", False)
        if not isinstance(finished, bool):
            raise ValidationFailed({"finished": "The stored finished flag must be true or false."})
        return cls(finished=finished, **counts)


@dataclass(frozen=True)
class Answer:
    text: str
    speech_seconds: float


@dataclass(frozen=True)
class Silence:
    waited_seconds: float


class ReplyKind(StrEnum):
    GREETING = "GREETING"
    QUESTION = "QUESTION"
    FOLLOW_UP = "FOLLOW_UP"
    PROMPT = "PROMPT"
    REPEAT = "REPEAT"
    CLOSE = "CLOSE"


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    text: str


def current_question(plan: Plan, state: DialogueState) -> Question:
    """The question the state is on; an index past the plan and reserve is a bad state."""
    if state.index < len(plan.questions):
        return plan.questions[state.index]
    reserve = state.index - len(plan.questions)
    if reserve < len(plan.reserve):
        return plan.reserve[reserve]
    raise ValidationFailed({"index": "The stored interview state is past the end of its plan."})


def opening(plan: Plan, state: DialogueState) -> tuple[Reply, DialogueState]:
    """Greeting and first question on a fresh state; after a rejoin, the current question."""
    question = current_question(plan, state)
    if state.finished:
        return Reply(ReplyKind.CLOSE, question.text), state
    if state == DialogueState():
        return Reply(ReplyKind.GREETING, f"{plan.greeting} {question.text}"), state
    return Reply(ReplyKind.QUESTION, f"{WELCOME_BACK} {question.text}"), replace(state, silences=0)


def respond(
    plan: Plan,
    state: DialogueState,
    event: Answer | Silence,
    remaining_seconds: float,
    persona: str,
) -> tuple[Reply, DialogueState]:
    """The next reply to an answer or a silence, and the state after it."""
    if state.finished:
        raise Conflict("The interview is over; there is nothing more to say.")
    style = style_for(persona)
    question = current_question(plan, state)
    seed = (plan.greeting, state.index, state.follow_ups, state.silences)
    if isinstance(event, Silence):
        if state.silences == 0:
            return Reply(ReplyKind.PROMPT, pick(style.prompt, *seed)), replace(state, silences=1)
        return _advance(plan, state, remaining_seconds, pick(style.move_on, *seed))
    if _asks_to_repeat(event.text):
        text = f"{pick(style.repeat, *seed)} {question.text}"
        return Reply(ReplyKind.REPEAT, text), replace(state, silences=0)
    if question.kind is QuestionKind.CANDIDATE_QUESTIONS:
        return _advance(plan, state, remaining_seconds, _thanks_for_questions(event.text))
    if event.speech_seconds > LONG_ANSWER_SECONDS:
        return _advance(plan, state, remaining_seconds, pick(style.redirect, *seed))
    follow_up = _follow_up(style, question, event, state, seed)
    if follow_up and _may_follow_up(plan, state, style, remaining_seconds):
        return Reply(ReplyKind.FOLLOW_UP, follow_up), replace(
            state, follow_ups=state.follow_ups + 1, silences=0
        )
    return _advance(plan, state, remaining_seconds, pick(style.acknowledge, *seed))


def _asks_to_repeat(text: str) -> bool:
    return count_words(text) <= MAX_REPEAT_REQUEST_WORDS and bool(
        REPEAT_REQUEST.search(normalise(text))
    )


def _thanks_for_questions(text: str) -> str:
    if HAS_QUESTION.search(normalise(text)):
        return "Those are good questions. The hiring team will come back to you on them."
    return ""


def _follow_up(
    style: Style, question: Question, answer: Answer, state: DialogueState, seed: tuple[Any, ...]
) -> str:
    """The follow-up this answer calls for, or "" when it stands on its own. An answer to a
    follow-up is not asked for an example again (it was given or already asked for)."""
    if question.kind not in FOLLOWED_UP:
        return ""  # never on the opener's small talk, the candidate's questions or the close
    words = count_words(answer.text)
    if words < SHORT_ANSWER_WORDS or answer.speech_seconds < SHORT_ANSWER_SECONDS:
        return pick(style.invite_more, *seed)
    parts = {cue.part for cue in star_cues(answer.text)}
    has_example = bool(parts & {"situation", "action"}) or EXAMPLE.search(normalise(answer.text))
    if not has_example and state.follow_ups == 0:
        return pick(style.ask_example, *seed)
    if "result" not in parts:
        return pick(style.ask_outcome, *seed)
    return ""


def _may_follow_up(
    plan: Plan, state: DialogueState, style: Style, remaining_seconds: float
) -> bool:
    """Within the persona's limit, and only while the planned questions still fit."""
    if state.follow_ups >= style.max_follow_ups:
        return False
    still_planned = (
        plan.questions[state.index + 1 : -2] if state.index < len(plan.questions) else ()
    )
    needed = sum(expected_seconds(q) for q in still_planned) + WRAP_UP_SECONDS
    return remaining_seconds - needed >= FOLLOW_UP_SECONDS


def _fits(question: Question, remaining_seconds: float) -> bool:
    needed = FIT_FRACTION * expected_seconds(question, with_follow_up=False)
    return remaining_seconds - WRAP_UP_SECONDS >= needed


def _next_index(plan: Plan, index: int, remaining_seconds: float) -> int:
    """The planned question, then reserve ones while time is left, then the wrap-up."""
    candidate_questions, close = len(plan.questions) - 2, len(plan.questions) - 1
    if index in (candidate_questions, close):
        return close
    following = index + 1
    if following < candidate_questions:
        return (
            following
            if _fits(plan.questions[following], remaining_seconds)
            else (candidate_questions)
        )
    reserve = following - len(plan.questions) if index >= len(plan.questions) else 0
    if reserve < len(plan.reserve) and _fits(plan.reserve[reserve], remaining_seconds):
        return len(plan.questions) + reserve
    return candidate_questions


def _advance(
    plan: Plan, state: DialogueState, remaining_seconds: float, lead_in: str
) -> tuple[Reply, DialogueState]:
    index = _next_index(plan, state.index, remaining_seconds)
    question = current_question(plan, DialogueState(index=index))
    text = f"{lead_in} {question.text}".strip()
    if question.kind is QuestionKind.CLOSE:
        return Reply(ReplyKind.CLOSE, text), DialogueState(index=index, finished=True)
    return Reply(ReplyKind.QUESTION, text), DialogueState(index=index)
