"""The registry of provider checks and the runner behind ``interview-coach providers check``.

A check is ``async def check(settings) -> Outcome``, registered with ``@provider_check`` and
a ``configured(settings)`` predicate; the runner times it, bounds it, turns any failure into
a message with every key masked, and skips checks whose provider is not configured. A new
provider plugs in with a module under ``interview_coach.providers`` that registers its check,
named in ``CHECK_MODULES`` (imported when the checks run, so nothing loads at start-up).
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import SecretStr

from interview_coach.config import Settings
from interview_coach.errors import AppError
from interview_coach.http_client import scrub

CHECK_MODULES = (
    "interview_coach.providers.speech",
    "interview_coach.providers.chat",
    "interview_coach.providers.realtime",
)
# A check gets this long on top of the settings' own limits before it is called failed.
SLACK_SECONDS = 30.0


@dataclass(frozen=True)
class Outcome:
    """What a check found: ``detail`` is the result, or what to fix when ``ok`` is False."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    checks: str  # what it does, in a line
    ok: bool
    seconds: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


CheckFunction = Callable[[Settings], Awaitable[Outcome]]


@dataclass(frozen=True)
class ProviderCheck:
    name: str
    describe: Callable[[Settings], str]  # what it checks with these settings (no key)
    configured: Callable[[Settings], bool]
    run: CheckFunction


_CHECKS: dict[str, ProviderCheck] = {}


def provider_check(
    name: str, *, configured: Callable[[Settings], bool], describe: Callable[[Settings], str]
) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``check`` under ``name`` (one per provider; registering again replaces it)."""

    def register(check: CheckFunction) -> CheckFunction:
        _CHECKS[name] = ProviderCheck(name, describe, configured, check)
        return check

    return register


def registered() -> list[ProviderCheck]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return list(_CHECKS.values())


async def run_checks(settings: Settings) -> list[CheckResult]:
    """Every configured provider's check, one after another (each is timed on its own)."""
    return [await _run(check, settings) for check in registered() if check.configured(settings)]


async def _run(check: ProviderCheck, settings: Settings) -> CheckResult:
    limit = settings.provider_connect_timeout_seconds + SLACK_SECONDS
    started = time.perf_counter()
    try:
        outcome = await asyncio.wait_for(check.run(settings), limit)
    except TimeoutError:
        outcome = Outcome(False, f"no result within {limit:g} s")
    except AppError as error:
        outcome = Outcome(False, error.message)
    except Exception as error:  # a check must report, whatever broke inside it
        outcome = Outcome(False, f"{type(error).__name__}: {error}")
    return CheckResult(
        name=check.name,
        checks=masked(check.describe(settings), settings),
        ok=outcome.ok,
        seconds=round(time.perf_counter() - started, 3),
        detail=masked(outcome.detail, settings),
    )


def masked(text: str, settings: Settings) -> str:
    """``text`` with every key in the settings masked, whatever a provider echoed."""
    for value in settings.model_dump().values():
        if isinstance(value, SecretStr):
            text = scrub(text, value)
    return text


def report_text(results: list[CheckResult]) -> str:
    """The report for a terminal: a line per check, then its result or what to fix."""
    if not results:
        return NOTHING_CONFIGURED
    lines = []
    for result in results:
        verdict = "PASS" if result.ok else "FAIL"
        lines.append(f"{result.name:<16} {verdict}  {result.seconds:6.2f} s  {result.checks}")
        lines.append(f"{'':<16} {'' if result.ok else 'fix: '}{result.detail}")
    passed = sum(result.ok for result in results)
    lines.append(f"{passed} of {len(results)} checks passed")
    return "\n".join(lines)


NOTHING_CONFIGURED = (
    "No AI provider is configured, so nothing was checked. Set INTERVIEW_COACH_SPEECH_BASE_URL "
    "with an openai-http engine, INTERVIEW_COACH_LLM_BASE_URL, or an interviewer engine "
    "that uses a provider (run `interview-coach doctor` for the offline engines)."
)
