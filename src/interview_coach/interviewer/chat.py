"""The I/O half of :mod:`.writer`: asks the chat endpoint, and falls back on any failure.

A failure (unreachable, refused, slower than ``llm_timeout_seconds``, not the JSON asked
for, or a line the checks reject) costs one turn of the model's words, never the turn: the
planner's line is said instead and the interview goes on. What went wrong is logged by its
safe message (never the key, which only the client's Authorization header carries).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from interview_coach.interviewer.base import InterviewContext
from interview_coach.interviewer.dialogue import DialogueState, Reply
from interview_coach.interviewer.planner import Plan
from interview_coach.interviewer.writer import (
    LineAnswer,
    PlanAnswer,
    line_from,
    line_messages,
    line_task,
    plan_from,
    plan_messages,
)
from interview_coach.interviews.enums import Speaker
from interview_coach.llm.client import ChatClient, ChatFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatWriter:
    client: ChatClient

    async def plan(self, context: InterviewContext, fallback: Plan) -> Plan:
        """The model's plan, or ``fallback`` (the planner's) when it gives none."""
        try:
            answer = await self.client.ask(plan_messages(context, fallback), PlanAnswer)
        except ChatFailed as error:
            log.warning(
                "interview %s: the planner's plan is used: %s", context.interview_id, error.message
            )
            return fallback
        return plan_from(answer, context, fallback)

    async def line(
        self,
        context: InterviewContext,
        plan: Plan,
        state: DialogueState,
        reply: Reply,
        dialogue: Sequence[tuple[Speaker, str]],
    ) -> Reply:
        """The model's words for the planner's ``reply`` (the move it chose in ``state``),
        or ``reply`` itself when the model gives nothing usable in time."""
        task = line_task(plan, state, reply)
        if task is None:
            return reply
        try:
            answer = await self.client.ask(line_messages(context, task, dialogue), LineAnswer)
        except ChatFailed as error:
            log.warning(
                "interview %s: the planner's line is used: %s", context.interview_id, error.message
            )
            return reply
        written = line_from(answer, reply)
        if written is None:
            log.warning("interview %s: the model's line was rejected", context.interview_id)
            return reply
        return written
