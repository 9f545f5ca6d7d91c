"""What a language model is asked and what of its answer is used: pure, no I/O.

With a chat endpoint configured (``llm_base_url``), the offline interviewer asks it for the
plan (:func:`plan_messages`, :func:`plan_from`) and for each follow-up or next question
(:func:`line_messages`, :func:`line_from`). The planner and the dialogue rules still decide
*what move* comes next (follow up, move on, wrap up: they keep the interview on time); the
model only words it. Every answer is checked here, and anything unusable (empty, too long to
speak, more than one question, an answer given for the candidate, markdown) gives way to the
planner's own line for that turn.

The prompt text is in ``prompts/writer-v1.md``, after the speech-to-speech engines' brief
(``instructions.system_instruction``: the job, the resume, the persona and the rules).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel

from interview_coach.interviewer.base import InterviewContext
from interview_coach.interviewer.dialogue import DialogueState, Reply, ReplyKind, current_question
from interview_coach.interviewer.instructions import system_instruction
from interview_coach.interviewer.planner import Plan, Question, QuestionKind, fitted
from interview_coach.interviews.enums import Speaker

WRITER_VERSION = "writer-v1"
MAX_LINE_WORDS = 45
MAX_GREETING_WORDS = 60
DIALOGUE_LINES = 12  # the latest lines of the interview the model sees
WRITTEN = frozenset({ReplyKind.FOLLOW_UP, ReplyKind.QUESTION})
SPEAKER_NAMES = {Speaker.AI: "Interviewer", Speaker.USER: "Candidate"}
# Lines that answer, coach or grade on the candidate's behalf.
ANSWERS_FOR_THEM = re.compile(
    r"\b(you (?:could|might|should|would|can) (?:say|mention|answer|talk about|start)|"
    r"a (?:good|great|strong|better) answer|the (?:right|correct|best) answer|"
    r"(?:try|consider) (?:saying|mentioning)|here(?:'s| is) (?:an|a|my) (?:example|answer)|"
    r"i would (?:say|answer)|great answer|good answer|well done)\b",
    re.IGNORECASE,
)
MARKUP = re.compile(r"[*#`\[\]{}<>]|^\s*(?:-|\d+\.)\s", re.MULTILINE)


class PlannedQuestion(BaseModel):
    kind: Literal["RESUME", "POSTING", "BEHAVIOURAL"]
    topic: str
    text: str


class PlanAnswer(BaseModel):
    """The plan as the model writes it; the wrap-up stays the persona's own."""

    greeting: str
    opener: str
    questions: list[PlannedQuestion]


class LineAnswer(BaseModel):
    text: str


@cache
def _sections(version: str = WRITER_VERSION) -> dict[str, str]:
    text = (resources.files(__package__) / "prompts" / f"{version}.md").read_text("utf-8")
    parts = re.split(r"^## (\w+)\n", text, flags=re.MULTILINE)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def line_problem(text: str, *, question: bool = True) -> str | None:
    """Why ``text`` must not be spoken as the interviewer's line, or None when it may."""
    if not text.strip():
        return "it is empty"
    limit = MAX_LINE_WORDS if question else MAX_GREETING_WORDS
    if len(text.split()) > limit:
        return f"it is longer than {limit} words"
    if MARKUP.search(text):
        return "it contains markup or a list"
    if ANSWERS_FOR_THEM.search(text):
        return "it answers or grades for the candidate"
    asks = text.count("?")
    if question and (asks != 1 or not text.rstrip(" \"'”").endswith("?")):
        return "it is not exactly one question"
    if not question and asks:
        return "it asks a question"
    return None


def plan_messages(context: InterviewContext, fallback: Plan) -> list[dict[str, str]]:
    """Ask for as many questions as the planner fitted (and its reserve) to the length."""
    count = len(fallback.questions) - 3 + len(fallback.reserve)
    task = _sections()["plan"].format(
        minutes=max(1, round(context.duration_seconds / 60)),
        count=max(1, count),
        max_words=MAX_LINE_WORDS,
    )
    return [
        {"role": "system", "content": f"{system_instruction(context)}\n\n{task}"},
        {"role": "user", "content": "Write the interview plan now."},
    ]


def plan_from(answer: PlanAnswer, context: InterviewContext, fallback: Plan) -> Plan:
    """The model's plan, fitted to the length like the planner's: a greeting or opener that
    fails the checks is the planner's, bad questions are dropped, and when too few are left
    the planner's questions follow them."""
    greeting = answer.greeting.strip()
    if line_problem(greeting, question=False):
        greeting = fallback.greeting
    opener = fallback.questions[0]
    if not line_problem(answer.opener):
        opener = Question(QuestionKind.OPENER, answer.opener.strip())
    topics: set[str] = set()
    written: list[Question] = []
    for item in answer.questions:
        topic = item.topic.strip().lower()
        if line_problem(item.text) or (topic and topic in topics):
            continue
        topics.add(topic)
        written.append(Question(QuestionKind(item.kind), item.text.strip(), item.topic.strip()))
    planner_own = [*fallback.questions[1:-2], *fallback.reserve]
    return fitted(
        greeting,
        opener,
        [*written, *planner_own],
        context.persona,
        context.duration_seconds,
    )


def line_task(plan: Plan, state: DialogueState, reply: Reply) -> str | None:
    """What the model is asked to say for the planner's ``reply``, or None when the
    planner's words are used as they are (greeting, prompts, repeats, the close)."""
    if reply.kind not in WRITTEN:
        return None
    question = current_question(plan, state)
    if reply.kind is ReplyKind.FOLLOW_UP:
        return (
            f'one follow-up question on the candidate\'s last answer to "{question.text}". '
            f'The plain version would be: "{reply.text}". Make it specific to what they said.'
        )
    return (
        "briefly acknowledge the last answer without judging it, then ask the next "
        f'question, in your own words but asking the same thing: "{question.text}"'
    )


def line_messages(
    context: InterviewContext, task: str, dialogue: Sequence[tuple[Speaker, str]]
) -> list[dict[str, str]]:
    said = "\n".join(
        f"{SPEAKER_NAMES[speaker]}: {' '.join(text.split())}"
        for speaker, text in dialogue[-DIALOGUE_LINES:]
    )
    brief = _sections()["line"].format(task=task, max_words=MAX_LINE_WORDS, dialogue=said)
    return [
        {"role": "system", "content": system_instruction(context)},
        {"role": "user", "content": brief},
    ]


def line_from(answer: LineAnswer, reply: Reply) -> Reply | None:
    """The model's line in place of the planner's, or None when it fails the checks."""
    if line_problem(answer.text):
        return None
    return Reply(reply.kind, " ".join(answer.text.split()))
