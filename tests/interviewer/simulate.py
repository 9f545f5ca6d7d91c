"""A simulated spoken interview: the dialogue against a clock and a candidate who answers
at typical lengths, so timing can be checked without audio."""

from __future__ import annotations

from dataclasses import dataclass, field

from interview_coach.interviewer.dialogue import (
    Answer,
    DialogueState,
    Reply,
    ReplyKind,
    current_question,
    opening,
    respond,
)
from interview_coach.interviewer.planner import Plan, QuestionKind, speaking_seconds

TURN_GAP_SECONDS = 1.0  # end of turn to the interviewer's first word
STORY = (
    "At my previous job we had a release that kept failing. I decided to rewrite the "
    "deployment scripts and I worked with the operations team every morning."
)
OUTCOME = "As a result we cut failed releases by half and the team trusted the pipeline again."
OWN_QUESTION = "What would my first project be, and how does the team measure success?"


@dataclass
class Simulation:
    """Who said what and when; ``clock`` is seconds since the interview started."""

    clock: float = 0.0
    replies: list[Reply] = field(default_factory=list)

    def hear(self, reply: Reply) -> None:
        self.replies.append(reply)
        self.clock += speaking_seconds(reply.text) + TURN_GAP_SECONDS


def typical_answer(reply: Reply, kind: QuestionKind, turn: int) -> Answer:
    """Main answers of 1:30-2:00 telling a story without its outcome; follow-ups of ~45 s
    give the outcome; the candidate's own questions take ~30 s."""
    if kind is QuestionKind.CANDIDATE_QUESTIONS:
        return Answer(OWN_QUESTION, 30.0)
    if reply.kind is ReplyKind.FOLLOW_UP:
        return Answer(OUTCOME, 45.0)
    return Answer(STORY, 90.0 + (turn * 7) % 31)


def run(plan: Plan, duration_seconds: float, persona: str) -> Simulation:
    """The whole interview with typical answers, until the close."""
    sim = Simulation()
    reply, state = opening(plan, DialogueState())
    sim.hear(reply)
    for turn in range(500):
        answer = typical_answer(reply, current_question(plan, state).kind, turn)
        sim.clock += answer.speech_seconds
        reply, state = respond(plan, state, answer, duration_seconds - sim.clock, persona)
        sim.hear(reply)
        if state.finished:
            return sim
    raise AssertionError("the interview never closed")
