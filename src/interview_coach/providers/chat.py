"""The LLM endpoint's check: one tiny structured request to ``/chat/completions``.

A plain POST for now: the chat client (branch ``llm-text``) was not on main when this was
written; once it is, this check should send its request through that client instead.
"""

from __future__ import annotations

import json

from interview_coach.config import Settings, env_name
from interview_coach.errors import ConfigurationError
from interview_coach.http_client import (
    Endpoint,
    async_client,
    endpoint_from,
    malformed,
    mask_key,
    post,
)
from interview_coach.providers.registry import Outcome, provider_check

PATH = "chat/completions"
SCHEMA = {
    "type": "object",
    "properties": {"ready": {"type": "boolean"}},
    "required": ["ready"],
    "additionalProperties": False,
}
PROMPT = 'Answer with the JSON object {"ready": true} and nothing else.'


def _configured(settings: Settings) -> bool:
    return bool(settings.llm_base_url) or settings.feedback_engine == "llm"


def _describe(settings: Settings) -> str:
    return (
        f"one structured chat answer from {settings.llm_model or '(no model)'} at "
        f"{settings.llm_base_url or '(no URL)'} (key {mask_key(settings.llm_api_key)})"
    )


def endpoint(settings: Settings) -> Endpoint:
    if not settings.llm_model:
        raise ConfigurationError(
            f"{env_name('llm_model')} is unset; set it to a model the endpoint serves.",
            field=env_name("llm_model"),
        )
    return endpoint_from(
        settings,
        "LLM endpoint",
        url="llm_base_url",
        key="llm_api_key",
        reply_timeout=settings.llm_timeout_seconds,
    )


async def ask(settings: Settings) -> bool:
    """The ``ready`` the model answered; raises ``ProviderHttpError`` naming the setting."""
    api = endpoint(settings)
    body = {
        "model": settings.llm_model,
        "messages": [{"role": "user", "content": PROMPT}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "ready", "schema": SCHEMA, "strict": True},
        },
        "max_tokens": 20,
    }
    async with async_client(api) as client:
        response = await post(client, api, PATH, model_setting=env_name("llm_model"), json=body)
    try:
        content = response.json()["choices"][0]["message"]["content"]
        ready = json.loads(content)["ready"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise malformed(api, PATH, "no JSON message matching the schema") from None
    if not isinstance(ready, bool):
        raise malformed(api, PATH, f"ready={ready!r}, not a boolean")
    return ready


@provider_check("LLM endpoint", configured=_configured, describe=_describe)
async def check_chat(settings: Settings) -> Outcome:
    ready = await ask(settings)
    if ready:
        return Outcome(True, "answered the schema")
    return Outcome(False, f"answered ready=false; check {env_name('llm_model')}")
