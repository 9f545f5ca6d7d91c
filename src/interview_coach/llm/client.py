"""One client for any OpenAI-compatible ``/v1/chat/completions`` endpoint.

Plain ``httpx`` rather than the ``openai`` SDK: the same request works against OpenAI,
Ollama, vLLM and llama.cpp's server; the SDK's automatic retries would silently multiply the
per-turn time limit; and we want one exact deadline per call. Every answer is structured:
the request carries a strict JSON schema (``response_format`` ``json_schema``) and the reply
is validated again with pydantic, because small local servers ignore the schema.

The key travels only in the ``Authorization`` header. Error messages name what went wrong
(unreachable, refused with a status, too slow, not the JSON asked for) and never carry the
key, the request or the server's body.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from interview_coach.config import Settings
from interview_coach.errors import ProviderUnavailable

M = TypeVar("M", bound=BaseModel)
PROVIDER = "llm"
FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
STATUS_REASONS = {
    401: "the key was refused (401)",
    403: "the key may not use this model (403)",
    404: "the endpoint or model was not found (404)",
    429: "the quota or rate limit was exceeded (429)",
}


class ChatFailed(ProviderUnavailable):
    """The chat endpoint gave no usable answer; ``message`` is safe to show and log."""

    def __init__(self, message: str) -> None:
        super().__init__(PROVIDER, message)


class ChatReplyInvalid(ChatFailed):
    """An answer came, but not the JSON the schema asked for."""


@dataclass(frozen=True)
class ChatClient:
    base_url: str
    model: str
    api_key: SecretStr | None = None
    timeout_seconds: float = 6.0
    ca_file: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatClient | None:
        """The configured endpoint, or None when ``llm_base_url`` is unset."""
        if not settings.llm_base_url:
            return None
        return cls(
            base_url=settings.llm_base_url.rstrip("/"),
            model=settings.llm_model or "default",
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
            ca_file=settings.provider_ca_file,
        )

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
        headers = (
            {"Authorization": f"Bearer {self.api_key.get_secret_value()}"} if self.api_key else {}
        )
        try:
            async with httpx.AsyncClient(verify=self._verify(), timeout=None) as http:
                response = await http.post(
                    f"{self.base_url}/chat/completions", json=body, headers=headers
                )
        except httpx.HTTPError as error:
            raise ChatFailed(
                f"the model server could not be reached ({type(error).__name__})"
            ) from None
        if response.status_code != 200:
            reason = STATUS_REASONS.get(response.status_code)
            raise ChatFailed(reason or f"the model server answered {response.status_code}")
        return _content(response)

    def _verify(self) -> ssl.SSLContext | bool:
        if self.ca_file is None:
            return True
        return ssl.create_default_context(cafile=str(self.ca_file))


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
