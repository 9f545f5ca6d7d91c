"""The offline interviewer with a chat model writing its words, on the real server: the
plan and a follow-up come from the model (the fake OpenAI-compatible server on a real
port), a late answer gives the planner's line for that turn, and the interview goes on."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fakes.http import serving
from fakes.openai_chat import Answer, FakeChat
from pydantic import SecretStr
from support import add_member

from interview_coach.db.models import Interview
from interview_coach.interviewer.persona import style_for
from interview_coach.proto import interview_pb2 as pb
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

from .client import SpokenClient, is_final, is_kind
from .conftest import ServerFactory
from .test_spoken_session import (
    NO_OUTCOME_ANSWER,
    OPENER_ANSWER,
    PERSONA,
    next_ai_line,
    seat_for,
    speech,
    stored_lines,
)

pytestmark = pytest.mark.timeout(240)

KEY = "sk-interviewer-test-5e6f7a8b"
MODEL = "interviewer-model"
GREETING = "Hello, I am Sam from the platform team. We will talk for about thirty minutes."
OPENER = "To begin, how would you sum up your work as an engineer?"
FIRST = "What did you learn from leading the billing migration at Acme Payments?"
FOLLOW_UP = "How did the billing migration turn out for the finance team in the end?"
PLAN = {
    "greeting": GREETING,
    "opener": OPENER,
    "questions": [
        {"kind": "RESUME", "topic": "billing migration", "text": FIRST},
        *(
            {"kind": "POSTING", "topic": f"topic {n}", "text": f"How would you handle case {n}?"}
            for n in range(8)
        ),
    ],
}


def scripted(body: dict[str, Any]) -> str:
    name = body["response_format"]["json_schema"]["name"]
    return json.dumps(PLAN if name == "PlanAnswer" else {"text": FOLLOW_UP})


def statuses_between(client: SpokenClient, first: int, last: int) -> list[int]:
    return [
        item.message.interviewer_status.state
        for item in client.received[first:last]
        if item.kind == "interviewer_status"
    ]


async def test_the_model_writes_the_plan_and_follow_ups_and_a_late_reply_falls_back(
    start_spoken_server: ServerFactory,
    resources: Resources,
    voice_engines: VoiceEngines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    fake = FakeChat(
        KEY,
        MODEL,
        script=[
            Answer(scripted),  # the plan
            Answer(scripted, delay_seconds=5),  # the next question: too late
            Answer(scripted),  # the follow-up
        ],
    )
    async with serving(fake.app()) as url:
        server = await start_spoken_server(
            llm_base_url=f"{url}/v1",
            llm_model=MODEL,
            llm_api_key=SecretStr(KEY),
            llm_timeout_seconds=1.5,
        )
        member = await add_member(resources)
        interview_id, token = await seat_for(resources, member.id)
        opener_answer = await speech(voice_engines, OPENER_ANSWER)
        no_outcome_answer = await speech(voice_engines, NO_OUTCOME_ANSWER)
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            await client.wait_for(is_kind("start_response"), 10)
            greeting = await next_ai_line(client, 0)
            assert greeting.message.partial_transcript.text == f"{GREETING} {OPENER}"

            # The model is late with the next question: the planner's line, at once.
            said = client.say(opener_answer)
            mark = len(client.received)
            await said.wait()
            user_line = await client.wait_for(is_final(pb.USER), 20, after=mark)
            second = await next_ai_line(client, client.index_of(user_line))
            text = second.message.partial_transcript.text
            assert text.endswith(FIRST), "the model's planned question, in the planner's words"
            assert text.removesuffix(FIRST).strip() in style_for(PERSONA).acknowledge
            assert pb.InterviewerStatus.THINKING in statuses_between(
                client, client.index_of(user_line), client.index_of(second)
            )

            # The follow-up the model wrote is said as it wrote it.
            said = client.say(no_outcome_answer)
            mark = len(client.received)
            await said.wait()
            user_line = await client.wait_for(is_final(pb.USER), 20, after=mark)
            follow_up = await next_ai_line(client, client.index_of(user_line))
            assert follow_up.message.partial_transcript.text == FOLLOW_UP
            await client.end()
            await client.wait_for(is_kind("session_ended"), 10)

    names = [body["response_format"]["json_schema"]["name"] for body in fake.requests]
    assert names == ["PlanAnswer", "LineAnswer", "LineAnswer"]
    last_prompt = fake.requests[-1]["messages"][-1]["content"]
    answered = user_line.message.partial_transcript.text
    assert f"Candidate: {' '.join(answered.split())}" in last_prompt
    assert "Interviewer: " + text in last_prompt
    assert fake.authorizations == [f"Bearer {KEY}"] * 3

    texts = [entry.text for entry in await stored_lines(resources, interview_id)]
    assert texts[0] == f"{GREETING} {OPENER}" and FOLLOW_UP in texts
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id)
        assert interview is not None and interview.interviewer_state is not None
        stored = interview.interviewer_state["plan"]
    assert stored["greeting"] == GREETING, "the model's plan is stored: a rejoin asks no more"
    assert stored["questions"][1]["text"] == FIRST
    assert "the planner's line is used: the model did not answer within 1.5 s" in caplog.text
    assert KEY not in caplog.text


async def test_a_restart_asks_the_model_nothing_again(
    start_spoken_server: ServerFactory, resources: Resources
) -> None:
    """The model's plan is in the saved state: back after a restart, it goes on from it."""
    fake = FakeChat(KEY, MODEL, default=Answer(scripted))
    async with serving(fake.app()) as url:
        overrides: dict[str, Any] = {
            "llm_base_url": f"{url}/v1",
            "llm_model": MODEL,
            "llm_api_key": SecretStr(KEY),
        }
        server = await start_spoken_server(**overrides)
        member = await add_member(resources)
        interview_id, token = await seat_for(resources, member.id)
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            greeting = await next_ai_line(client, 0)
            await server.stop()
        assert greeting.message.partial_transcript.text == f"{GREETING} {OPENER}"

        restarted = await start_spoken_server(**overrides)
        again = SpokenClient(f"ws://127.0.0.1:{restarted.port}")
        async with again.session(resources.tickets.issue(member.id, interview_id), interview_id):
            start = await again.wait_for(is_kind("start_response"), 10)
            assert start.message.start_response.resumed
            resent = await again.wait_for(is_final(pb.AI), 5)
            assert resent.message.partial_transcript.text == f"{GREETING} {OPENER}"
    assert len(fake.requests) == 1, "only the first visit asked for the plan"
