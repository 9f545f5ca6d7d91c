"""One client for any OpenAI-compatible ``/v1/chat/completions`` endpoint.

Plain HTTP (``http_client``, shared with the speech engines: the key as a bearer token, the
extra CA, one retry where safe, errors naming the setting to fix with the key masked) rather
than the ``openai`` SDK: the same request works against OpenAI, Ollama, vLLM and llama.cpp's
server; the SDK's own retries would multiply the per-turn time limit; and each call here has
one exact deadline. Every answer is structured:
the request carries a strict JSON schema (``response_format`` ``json_schema``) and the reply
is validated again with pydantic, because small local servers ignore the schema.

The key travels only in the ``Authorization`` header and never in a message.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from interview_coach.config import Settings, env_name
from interview_coach.errors import ProviderUnavailable
from interview_coach.http_client import (
    Endpoint,
    ProviderHttpError,
    async_client,
    endpoint_from,
    post,
)

M = TypeVar("M", bound=BaseModel)
PROVIDER = "llm"
FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
PATH = "chat/completions"
MODEL_SETTING = env_name("llm_model")


class ChatFailed(ProviderUnavailable):
    """The chat endpoint gave no usable answer; ``message`` is safe to show and log."""

    def __init__(self, message: str) -> None:
        super().__init__(PROVIDER, message)


class ChatReplyInvalid(ChatFailed):
    """An answer came, but not the JSON the schema asked for."""


@dataclass(frozen=True)
class ChatClient:
    endpoint: Endpoint
    model: str

    @property
    def timeout_seconds(self) -> float:
        return self.endpoint.reply_timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatClient | None:
        """The configured endpoint, or None when ``llm_base_url`` is unset."""
        if not settings.llm_base_url:
            return None
        endpoint = endpoint_from(
            settings,
            "LLM endpoint",
            url="llm_base_url",
            key="llm_api_key",
            reply_timeout=settings.llm_timeout_seconds,
        )
        return cls(endpoint, settings.llm_model or "default")

    async def ask(
        self,
        messages: list[dict[str, str]],
        answer: type[M],
        *,
        timeout_seconds: float | None = None,
    ) -> M:
        """The model's answer to ``messages`` as an ``answer``; raises :class:`ChatFailed`."""
        limit = self.timeout_seconds if timeout_seconds is None else timeout_seconds
        try:
            async with asyncio.timeout(limit):
                content = await self._complete(messages, answer)
        except TimeoutError:
            raise ChatFailed(f"the model did not answer within {limit:g} s") from None
        except ProviderHttpError as error:
            raise ChatFailed(error.message) from None
        return parse(content, answer)

    async def _complete(self, messages: list[dict[str, str]], answer: type[BaseModel]) -> str:
        body = {
            "model": self.model,
            "messages": messages,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": answer.__name__,
                    "strict": True,
                    "schema": strict_schema(answer),
                },
            },
        }
        async with async_client(self.endpoint) as http:
            response = await post(http, self.endpoint, PATH, model_setting=MODEL_SETTING, json=body)
        return _content(response)


def _content(response: httpx.Response) -> str:
    """The first choice's message text, from the chat completion's JSON."""
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ChatReplyInvalid("the model server's answer was not a chat completion") from None
    if not isinstance(content, str) or not content.strip():
        raise ChatReplyInvalid("the model's answer was empty")
    return content


def parse(content: str, answer: type[M]) -> M:
    """The reply as ``answer``; a fenced block is unwrapped (small models add one)."""
    fenced = FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except ValueError:
        raise ChatReplyInvalid("the model's answer was not JSON") from None
    try:
        return answer.model_validate(data)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "the answer"
        raise ChatReplyInvalid(f"the model's answer did not fit the schema (at {where})") from None


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema as strict structured output wants it: every object closed
    (``additionalProperties: false``) with every property required."""
    schema = model.model_json_schema()
    for node in _objects(schema):
        node["additionalProperties"] = False
        node["required"] = list(node.get("properties", {}))
    return schema


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found
