"""The LLM endpoint's check: one tiny structured request through the app's own chat client
(``llm.client``), so the check exercises exactly what the interviewer and feedback use."""

from __future__ import annotations

from pydantic import BaseModel

from interview_coach.config import Settings, env_name
from interview_coach.errors import ConfigurationError
from interview_coach.http_client import mask_key
from interview_coach.llm.client import ChatClient, ChatReplyInvalid
from interview_coach.providers.registry import Outcome, provider_check

PROMPT = 'Answer with the JSON object {"ready": true} and nothing else.'


class Ready(BaseModel):
    ready: bool


def _configured(settings: Settings) -> bool:
    return bool(settings.llm_base_url) or settings.feedback_engine == "llm"


def _describe(settings: Settings) -> str:
    return (
        f"one structured chat answer from {settings.llm_model or '(no model)'} at "
        f"{settings.llm_base_url or '(no URL)'} (key {mask_key(settings.llm_api_key)})"
    )


def client(settings: Settings) -> ChatClient:
    chat = ChatClient.from_settings(settings) if settings.llm_model else None
    if chat is None:
        missing = "llm_base_url" if not settings.llm_base_url else "llm_model"
        raise ConfigurationError(
            f"{env_name(missing)} is unset; set it to use the LLM endpoint.",
            field=env_name(missing),
        )
    return chat


@provider_check("LLM endpoint", configured=_configured, describe=_describe)
async def check_chat(settings: Settings) -> Outcome:
    try:
        answer = await client(settings).ask([{"role": "user", "content": PROMPT}], Ready)
    except ChatReplyInvalid as error:
        return Outcome(
            False,
            f"{error.message}; set {env_name('llm_model')} to a model that follows a JSON "
            "schema (structured output)",
        )
    if answer.ready:
        return Outcome(True, "answered the schema")
    return Outcome(False, f"answered ready=false; check {env_name('llm_model')}")
