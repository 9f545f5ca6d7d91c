"""A fake OpenAI-compatible chat server: ``POST /v1/chat/completions`` as the real API has it.

It checks what a real server checks (the bearer key, the model, the messages' shape, a
``response_format`` of type ``json_schema`` with a name, a schema and ``strict``) and answers
with the real response shape (``chat.completion`` with ``choices[0].message.content``) or the
real error shape (``{"error": {"message", "type", "code"}}``). Each test scripts the answers:
JSON text, a function of the request, an HTTP status or a slow answer. Requests are kept for
the test to inspect.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ROLES = {"system", "user", "assistant", "developer"}
ERRORS = {
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    404: ("The model does not exist.", "invalid_request_error", "model_not_found"),
    429: ("You exceeded your current quota.", "insufficient_quota", "insufficient_quota"),
    500: ("The server had an error.", "server_error", None),
}


@dataclass(frozen=True)
class Answer:
    """One scripted answer: ``content`` (text, or made from the request body), or an HTTP
    ``status`` with the API's error body; after ``delay_seconds``."""

    content: str | Callable[[dict[str, Any]], str] = ""
    status: int = 200
    delay_seconds: float = 0.0


def as_json(data: Any) -> Answer:
    return Answer(json.dumps(data))


@dataclass
class FakeChat:
    key: str
    model: str
    script: list[Answer] = field(default_factory=list)  # answered in order
    default: Answer | None = None  # once the script is used up
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"])])

    async def _complete(self, request: Request) -> JSONResponse:
        self.authorizations.append(request.headers.get("authorization", ""))
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return _error(401)
        body = await request.json()
        self.requests.append(body)
        problem = _request_problem(body)
        if problem:
            return _error(400, problem)
        if body["model"] != self.model:
            return _error(404)
        answer = self.script.pop(0) if self.script else self.default
        if answer is None:
            return _error(500)
        if answer.delay_seconds:
            await asyncio.sleep(answer.delay_seconds)
        if answer.status != 200:
            return _error(answer.status)
        content = answer.content(body) if callable(answer.content) else answer.content
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )


def _request_problem(body: Any) -> str | None:
    """What a real server would refuse in the request body, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return "'model' is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    for message in messages:
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            return "each message needs a valid 'role'"
        if not isinstance(message.get("content"), str):
            return "each message needs string 'content'"
    response_format = body.get("response_format")
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return "'response_format' must be of type 'json_schema'"
    schema = response_format.get("json_schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("name"), str):
        return "'json_schema.name' is required"
    if schema.get("strict") is not True or not isinstance(schema.get("schema"), dict):
        return "'json_schema' must be strict with a 'schema' object"
    return None


def _error(status: int, message: str | None = None) -> JSONResponse:
    text, kind, code = ERRORS.get(status, ("Invalid request.", "invalid_request_error", None))
    return JSONResponse(
        {"error": {"message": message or text, "type": kind, "param": None, "code": code}},
        status_code=status,
    )


def user_prompt(body: dict[str, Any]) -> str:
    """All the request's message text, for answers that depend on what was asked."""
    return "\n".join(message["content"] for message in body["messages"])
