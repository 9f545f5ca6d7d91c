"""HTTP to AI providers (speech servers, chat endpoints): one way to build the client, retry,
and turn a failure into a message that names the setting to fix and never holds the key.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from interview_coach.config import Settings, env_name
from interview_coach.errors import ConfigurationError, ProviderUnavailable

log = logging.getLogger(__name__)
# Answers worth one more try: the request changed nothing on the server (transcribing,
# speaking and chatting are all read-only), and the cause may pass in a moment.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_DELAY_SECONDS = 0.5
MAX_RETRY_DELAY_SECONDS = 2.0
SERVER_TEXT_CHARS = 200


class ProviderHttpError(ProviderUnavailable):
    """A provider's HTTP API failed; ``field`` is the setting the message tells the user to fix."""

    def __init__(self, provider: str, message: str, *, field: str) -> None:
        super().__init__(provider, message)
        self.field = field


@dataclass(frozen=True)
class Endpoint:
    """One provider API as the settings give it, with the names of those settings."""

    provider: str  # what the user calls it: "speech server", "LLM endpoint"
    base_url: str
    key: SecretStr | None
    url_setting: str  # INTERVIEW_COACH_... names, for messages
    key_setting: str
    connect_timeout: float
    reply_timeout: float
    ca_file: Path | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"


def endpoint_from(
    settings: Settings, provider: str, *, url: str, key: str, reply_timeout: float
) -> Endpoint:
    """The endpoint whose URL and key are the settings named ``url`` and ``key``."""
    base_url = getattr(settings, url)
    if not base_url:
        raise ConfigurationError(
            f"{env_name(url)} is unset; set it to the {provider}'s …/v1 URL.", field=env_name(url)
        )
    return Endpoint(
        provider=provider,
        base_url=base_url,
        key=getattr(settings, key),
        url_setting=env_name(url),
        key_setting=env_name(key),
        connect_timeout=settings.provider_connect_timeout_seconds,
        reply_timeout=reply_timeout,
        ca_file=settings.provider_ca_file,
    )


def mask_key(key: SecretStr | None) -> str:
    """At most the key's first three and last four characters ("sk-…abcd")."""
    if key is None or not key.get_secret_value():
        return "unset"
    value = key.get_secret_value()
    return f"{value[:3]}…{value[-4:]}" if len(value) >= 16 else "…"


def async_client(endpoint: Endpoint) -> httpx.AsyncClient:
    """A client with the settings' timeouts, the key as a bearer token and any extra CA."""
    verify: ssl.SSLContext | bool = True
    if endpoint.ca_file is not None:
        verify = ssl.create_default_context()
        try:
            verify.load_verify_locations(cafile=str(endpoint.ca_file))
        except (OSError, ssl.SSLError) as error:
            raise ConfigurationError(
                f"{env_name('provider_ca_file')}: cannot read CA certificates from "
                f"{endpoint.ca_file} ({type(error).__name__}); give a PEM file or unset it.",
                field=env_name("provider_ca_file"),
            ) from None
    headers = {}
    if endpoint.key is not None and endpoint.key.get_secret_value():
        headers["Authorization"] = f"Bearer {endpoint.key.get_secret_value()}"
    timeout = httpx.Timeout(endpoint.reply_timeout, connect=endpoint.connect_timeout)
    return httpx.AsyncClient(headers=headers, timeout=timeout, verify=verify)


async def post(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    path: str,
    *,
    model_setting: str,
    **request: Any,
) -> httpx.Response:
    """POST ``path``; one retry when nothing was sent or the server asks to come back.

    Raises ``ProviderHttpError`` naming the setting to fix; a read timeout is not retried
    (the answer is already late for a live conversation).
    """
    for attempt in (1, 2):
        try:
            response = await client.post(endpoint.url(path), **request)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            if attempt == 1:
                await asyncio.sleep(RETRY_DELAY_SECONDS)
                continue
            raise _unreachable(endpoint, error) from None
        except httpx.TimeoutException as error:
            raise _late(endpoint, path, error) from None
        except httpx.HTTPError as error:
            raise _unreachable(endpoint, error) from None
        if response.is_success:
            return response
        if attempt == 1 and _worth_retrying(response):
            await asyncio.sleep(_retry_delay(response))
            continue
        raise refused(endpoint, path, response, model_setting=model_setting)
    raise AssertionError("unreachable")  # pragma: no cover


def _worth_retrying(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES and _error_code(response) != "insufficient_quota"


def _retry_delay(response: httpx.Response) -> float:
    try:
        asked = float(response.headers.get("retry-after", RETRY_DELAY_SECONDS))
    except ValueError:
        asked = RETRY_DELAY_SECONDS
    return max(0.0, min(asked, MAX_RETRY_DELAY_SECONDS))


def _unreachable(endpoint: Endpoint, error: Exception) -> ProviderHttpError:
    name = type(error).__name__
    log.warning("%s at %s unreachable: %s", endpoint.provider, endpoint.base_url, name)
    return ProviderHttpError(
        endpoint.provider,
        f"{endpoint.url_setting}: cannot reach the {endpoint.provider} at {endpoint.base_url} "
        f"({name}); check the URL and that the server is running.",
        field=endpoint.url_setting,
    )


def _late(endpoint: Endpoint, path: str, error: Exception) -> ProviderHttpError:
    return ProviderHttpError(
        endpoint.provider,
        f"The {endpoint.provider} at {endpoint.base_url} did not answer {path} within "
        f"{endpoint.reply_timeout:g} s ({type(error).__name__}); a faster server or a longer "
        "INTERVIEW_COACH_PROVIDER_REPLY_TIMEOUT_SECONDS fixes it.",
        field="INTERVIEW_COACH_PROVIDER_REPLY_TIMEOUT_SECONDS",
    )


def refused(
    endpoint: Endpoint, path: str, response: httpx.Response, *, model_setting: str
) -> ProviderHttpError:
    """The error for an answer that is not a success, naming the setting most likely wrong."""
    status = response.status_code
    said = server_text(response, endpoint.key)
    where = f"the {endpoint.provider} at {endpoint.base_url}"
    if status in (401, 403):
        field = endpoint.key_setting
        fix = f"{field} was refused by {where}; set the key it expects"
    elif status == 429:
        field = endpoint.key_setting
        fix = f"{where} refused for rate or quota; check the account behind {field}"
    elif status == 404:
        field = model_setting
        fix = (
            f"{where} has no {path} or no such model; check {model_setting} and that "
            f"{endpoint.url_setting} ends in /v1"
        )
    elif 400 <= status < 500:
        field = model_setting
        fix = f"{where} rejected the request; check {model_setting}"
    else:
        field = endpoint.url_setting
        fix = f"{where} failed; try again later or check the server at {endpoint.url_setting}"
    log.warning("%s answered %s to %s", endpoint.provider, status, path)
    return ProviderHttpError(
        endpoint.provider, f"{fix} (HTTP {status}{': ' + said if said else ''}).", field=field
    )


def malformed(endpoint: Endpoint, path: str, what: str) -> ProviderHttpError:
    """The server answered 2xx with something that is not the API's answer."""
    return ProviderHttpError(
        endpoint.provider,
        f"The {endpoint.provider} at {endpoint.base_url} answered {path} with {what}; "
        f"{endpoint.url_setting} must point at an OpenAI-compatible API (…/v1).",
        field=endpoint.url_setting,
    )


def server_text(response: httpx.Response, key: SecretStr | None) -> str:
    """The server's own error message, short, with the key cut out should it echo it."""
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        text = str(error.get("message") if isinstance(error, dict) else error or body)
    except ValueError:
        text = response.text
    return scrub(" ".join(text.split())[:SERVER_TEXT_CHARS], key)


def scrub(text: str, key: SecretStr | None) -> str:
    """``text`` with every occurrence of the key replaced by its mask."""
    if key is None or not key.get_secret_value():
        return text
    return text.replace(key.get_secret_value(), mask_key(key))


def _error_code(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return error.get("code") if isinstance(error, dict) else None
