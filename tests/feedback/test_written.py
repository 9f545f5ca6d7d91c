"""Feedback written by a model: the real app and database (both backends), the chat model
behind the fake OpenAI-compatible server on a real port, the report checked on the page,
in the API and in the export."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakes.http import serving
from fakes.openai_chat import Answer, FakeChat, as_json, user_prompt
from fastapi import FastAPI
from pydantic import SecretStr

from feedback.helpers import Client, ClientFactory, InterviewFactory, runner_of
from feedback.scenarios import WITH_WORDS, material_of
from interview_coach.config import Settings
from interview_coach.db.models import Interview
from interview_coach.feedback.offline import compose

KEY = "sk-feedback-test-0a1b2c3d4e"
MODEL = "coach-model"


def point(text: str, quote: str, question: int) -> dict[str, Any]:
    return {"text": text, "quote": quote, "question": question}


GOOD = {
    "summary": "You gave clear examples and kept your answers on the question.",
    "strengths": [point("You described your own actions.", "I built the retry logic", 2)],
    "content_and_structure": [
        point("You ended your story with its result.", "we cut failed payments by 40 percent", 2)
    ],
    "communication_and_delivery": [
        # Case, punctuation and spacing differ from the transcript: it still matches.
        point("Fillers crept into your opening.", "so  um I am a Backend engineer", 1)
    ],
    "presentation": [point("You answered directly.", "I talk to them directly.", 3)],
    "things_to_improve": [
        point("Say how the conversation went.", "I talk to them directly", 3),
        point("Invented words are dropped.", "I always deliver on time", 2),
        point("A quote from another answer is dropped.", "I built the retry logic", 1),
        point("Your pace was 180 words a minute.", "I like Python", 1),
    ],
}


@pytest.fixture
async def chat() -> AsyncIterator[tuple[FakeChat, str]]:
    fake = FakeChat(KEY, MODEL)
    async with serving(fake.app()) as url:
        yield fake, url


@pytest.fixture
def settings(settings: Settings, chat: tuple[FakeChat, str]) -> Settings:
    return settings.model_copy(
        update={
            "feedback_engine": "llm",
            "llm_base_url": f"{chat[1]}/v1",
            "llm_model": MODEL,
            "llm_api_key": SecretStr(KEY),
            "feedback_timeout_seconds": 1.0,
        }
    )


async def reported(
    app: FastAPI,
    new_client: ClientFactory,
    make_interview: InterviewFactory,
    fake: FakeChat,
    answer: Answer,
) -> tuple[Client, Interview]:
    """A finished interview whose feedback the model (answering ``answer``) was asked for."""
    fake.script.append(answer)
    client = await new_client()
    interview = await make_interview(client.user, WITH_WORDS)
    await client.http.get(f"/interview/{interview.id}/feedback")
    await runner_of(app).wait_idle()
    return client, interview


def section(html: str, key: str) -> str:
    match = re.search(rf'data-section="{key}".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


async def test_the_model_writes_the_report_on_the_offline_figures(
    app: FastAPI,
    new_client: ClientFactory,
    make_interview: InterviewFactory,
    chat: tuple[FakeChat, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake, _ = chat
    client, interview = await reported(app, new_client, make_interview, fake, as_json(GOOD))

    api = (await client.http.get(f"/api/interviews/{interview.id}/feedback")).json()
    assert api["status"] == "READY", api
    report = api["report"]
    assert report["engine"] == "llm" and report["note"] is None
    assert report["summary"] == GOOD["summary"]
    offline = compose(material_of(WITH_WORDS)).model_dump(mode="json")
    assert report["overall"] == offline["overall"], "the figures are the offline engine's"
    assert report["answers"] == offline["answers"]
    kept = [p["quote"] for p in report["things_to_improve"]]
    assert kept == ["I talk to them directly"], "invented, misattributed, numeric points go"
    assert report["presentation"] == [
        {"text": "You answered directly.", "quote": "I talk to them directly.", "answer": 3}
    ]

    # What the model was asked: the transcript by question and the measured figures.
    (body,) = fake.requests
    prompt = user_prompt(body)
    assert "Candidate's answer 2: At my last job we had a billing outage." in prompt
    figures = json.loads(
        prompt.split("use them, do not repeat them as numbers):\n")[1].split("\n\nThe transcript")[
            0
        ]
    )
    assert figures["overall"]["words_per_minute"] == offline["overall"]["words_per_minute"]
    assert body["response_format"]["json_schema"]["name"] == "WrittenReport"
    assert body["response_format"]["json_schema"]["strict"] is True

    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    assert "I built the retry logic" in section(page, "strengths")
    assert "I talk to them directly." in section(page, "presentation")
    assert "I always deliver on time" not in page
    assert "Written by an AI language model" in page
    assert "data-report-note" not in page
    export = (await client.http.get(f"/interview/{interview.id}/feedback.md")).text
    assert "## Presentation" in export and "Written by an AI language model" in export
    for shown in (page, export, json.dumps(api), caplog.text):
        assert KEY not in shown
    assert fake.authorizations == [f"Bearer {KEY}"]


NOTHING_QUOTED = {**GOOD, **{name: [] for name in GOOD if name != "summary"}}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(status=500), "failed; try again later"),
        (Answer(status=429), "refused for rate or quota"),
        (Answer("{not json"), "the model's answer was not JSON"),
        (as_json({"summary": "Fine."}), "did not fit the schema"),
        (Answer(json.dumps(GOOD), delay_seconds=3), "did not answer within 1 s"),
        (as_json(NOTHING_QUOTED), "the model's points did not quote your words"),
    ],
)
async def test_a_failed_model_shows_the_offline_report_with_a_note_and_retry(
    app: FastAPI,
    new_client: ClientFactory,
    make_interview: InterviewFactory,
    chat: tuple[FakeChat, str],
    answer: Answer,
    reason: str,
) -> None:
    fake, _ = chat
    client, interview = await reported(app, new_client, make_interview, fake, answer)

    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    assert 'data-state="ready"' in page
    note = re.search(r"data-report-note>\s*<p>(.*?)</p>", html.unescape(page), re.DOTALL)
    assert note is not None
    assert note.group(1).startswith("The AI-written report could not be made: ")
    assert reason in note.group(1)
    assert 'data-action="retry-ai"' in page
    assert "by fixed rules on this server" in page, "the page says the offline engine wrote it"
    offline = compose(material_of(WITH_WORDS))
    assert offline.summary in page
    export = (await client.http.get(f"/interview/{interview.id}/feedback.md")).text
    assert "The AI-written report could not be made" in export

    # Retry: the model works now, and its report replaces the offline one.
    fake.script.append(as_json(GOOD))
    retried = await client.post_form(f"/interview/{interview.id}/feedback/regenerate")
    assert retried.status_code == 303
    await runner_of(app).wait_idle()
    api = (await client.http.get(f"/api/interviews/{interview.id}/feedback")).json()
    assert api["report"]["engine"] == "llm" and api["report"]["note"] is None


async def test_a_wrong_key_is_never_shown(
    app: FastAPI,
    new_client: ClientFactory,
    make_interview: InterviewFactory,
    chat: tuple[FakeChat, str],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake, _ = chat
    fake.key = "sk-the-server-expects-another"
    client, interview = await reported(app, new_client, make_interview, fake, as_json(GOOD))
    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    assert "INTERVIEW_COACH_LLM_API_KEY was refused" in html.unescape(page)
    export = (await client.http.get(f"/interview/{interview.id}/feedback.md")).text
    api = (await client.http.get(f"/api/interviews/{interview.id}/feedback")).text
    for shown in (page, export, api, caplog.text, repr(settings)):
        assert KEY not in shown
