"""The chat client against the fake OpenAI-compatible server on a real port."""

from __future__ import annotations

import logging

import pytest
from fakes.http import serving
from fakes.openai_chat import Answer, FakeChat, as_json
from pydantic import BaseModel, SecretStr

from interview_coach.config import Settings
from interview_coach.llm.client import ChatClient, ChatFailed, ChatReplyInvalid, strict_schema

KEY = "sk-test-9f8e7d6c5b4a"
MODEL = "small-model"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]


class Greeting(BaseModel):
    text: str
    words: int


def client_for(base_url: str, *, key: str = KEY, timeout: float = 5.0) -> ChatClient:
    settings = Settings(
        llm_base_url=f"{base_url}/v1",
        llm_model=MODEL,
        llm_api_key=SecretStr(key),
        llm_timeout_seconds=timeout,
    )
    client = ChatClient.from_settings(settings)
    assert client is not None
    return client


async def test_asks_with_a_strict_schema_and_validates_the_answer() -> None:
    fake = FakeChat(KEY, MODEL, [as_json({"text": "Hello", "words": 1})])
    async with serving(fake.app()) as url:
        answer = await client_for(url).ask(MESSAGES, Greeting)
    assert answer == Greeting(text="Hello", words=1)
    (body,) = fake.requests
    assert body["model"] == MODEL and body["messages"] == MESSAGES
    schema = body["response_format"]["json_schema"]
    assert schema["name"] == "Greeting" and schema["strict"] is True
    assert schema["schema"]["additionalProperties"] is False
    assert schema["schema"]["required"] == ["text", "words"]
    assert fake.authorizations == [f"Bearer {KEY}"]
    assert KEY not in str(body), "the key travels only in the header"


async def test_a_fenced_answer_from_a_small_model_is_unwrapped() -> None:
    fake = FakeChat(KEY, MODEL, [Answer('```json\n{"text": "Hi", "words": 1}\n```')])
    async with serving(fake.app()) as url:
        assert (await client_for(url).ask(MESSAGES, Greeting)).text == "Hi"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer("not json at all"), "not JSON"),
        (as_json({"text": "Hello"}), "did not fit the schema (at words)"),
        (as_json({"text": "Hello", "words": "many"}), "did not fit the schema (at words)"),
        (Answer(""), "empty"),
    ],
)
async def test_an_answer_that_is_not_the_schema_is_refused(answer: Answer, reason: str) -> None:
    fake = FakeChat(KEY, MODEL, [answer])
    async with serving(fake.app()) as url:
        with pytest.raises(ChatReplyInvalid) as raised:
            await client_for(url).ask(MESSAGES, Greeting)
    assert reason in raised.value.message


@pytest.mark.parametrize(
    ("status", "reason"),
    [(429, "rate or quota"), (500, "(HTTP 500"), (404, "no such model")],
)
async def test_http_errors_name_the_cause(status: int, reason: str) -> None:
    fake = FakeChat(KEY, MODEL, [Answer(status=status)])
    async with serving(fake.app()) as url:
        with pytest.raises(ChatFailed) as raised:
            await client_for(url).ask(MESSAGES, Greeting)
    assert reason in raised.value.message and raised.value.provider == "llm"


async def test_a_wrong_key_is_refused_and_never_in_the_message_or_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "sk-wrong-123456789"
    fake = FakeChat(KEY, MODEL, [as_json({"text": "Hi", "words": 1})])
    async with serving(fake.app()) as url:
        with pytest.raises(ChatFailed) as raised:
            await client_for(url, key=wrong).ask(MESSAGES, Greeting)
    assert "INTERVIEW_COACH_LLM_API_KEY was refused" in raised.value.message
    assert fake.authorizations == [f"Bearer {wrong}"]
    assert wrong not in raised.value.message and wrong not in caplog.text


async def test_a_slow_answer_is_abandoned_at_the_limit() -> None:
    fake = FakeChat(KEY, MODEL, [Answer('{"text": "Hi", "words": 1}', delay_seconds=3)])
    async with serving(fake.app()) as url:
        with pytest.raises(ChatFailed) as raised:
            await client_for(url, timeout=0.3).ask(MESSAGES, Greeting)
    assert "within 0.3 s" in raised.value.message


async def test_an_unreachable_server_is_a_chat_failure() -> None:
    async with serving(FakeChat(KEY, MODEL).app()) as url:
        pass  # stopped: nothing listens there now
    with pytest.raises(ChatFailed) as raised:
        await client_for(url).ask(MESSAGES, Greeting)
    assert "cannot reach the LLM endpoint" in raised.value.message


def test_from_settings_only_when_an_endpoint_is_set(settings: Settings) -> None:
    assert ChatClient.from_settings(settings) is None
    configured = settings.model_copy(
        update={"llm_base_url": "http://127.0.0.1:11434/v1/", "llm_model": "llama3.2"}
    )
    client = ChatClient.from_settings(configured)
    assert client is not None and client.endpoint.base_url == "http://127.0.0.1:11434/v1/"
    assert client.model == "llama3.2" and client.timeout_seconds == settings.llm_timeout_seconds


def test_strict_schema_closes_nested_objects() -> None:
    class Outer(BaseModel):
        inner: list[Greeting]

    schema = strict_schema(Outer)
    nested = schema["$defs"]["Greeting"]
    assert nested["additionalProperties"] is False and nested["required"] == ["text", "words"]


async def test_a_model_the_server_does_not_have_is_named() -> None:
    fake = FakeChat(KEY, "another-model", [as_json({"text": "Hi", "words": 1})])
    async with serving(fake.app()) as url:
        with pytest.raises(ChatFailed) as raised:
            await client_for(url).ask(MESSAGES, Greeting)
    assert "no such model; check INTERVIEW_COACH_LLM_MODEL" in raised.value.message
    assert fake.requests[0]["model"] == MODEL
