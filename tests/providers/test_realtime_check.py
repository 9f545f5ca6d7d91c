"""`providers check` against a fake OpenAI Realtime server speaking the real protocol: the
check opens and configures a session with the engine's own code, and a refused key says so
without showing it."""

from __future__ import annotations

import json

from fakes.openai_realtime import FakeRealtime

from .test_check import check

REALTIME_KEY = "sk-realtime-fake-key-99998888abcd"


def _env(url: str, key: str = REALTIME_KEY) -> dict[str, str]:
    return {
        "INTERVIEW_COACH_INTERVIEWER_ENGINE": "openai-realtime",
        "INTERVIEW_COACH_OPENAI_BASE_URL": url,
        "INTERVIEW_COACH_OPENAI_API_KEY": key,
        "INTERVIEW_COACH_PROVIDER_CONNECT_TIMEOUT_SECONDS": "5",
    }


async def test_a_realtime_session_is_opened_and_configured() -> None:
    fake = FakeRealtime(REALTIME_KEY)
    async with fake.running() as url:
        code, out, err = await check(_env(url), "--json")
    assert code == 0, out + err
    (result,) = json.loads(out)
    assert result["name"] == "OpenAI Realtime" and result["ok"] is True
    assert "sk-…abcd" in result["checks"]
    (connection,) = fake.connections
    assert connection.session is not None and connection.problems == []
    assert connection.appends == 0, "the check spends no audio"
    assert REALTIME_KEY not in out + err


async def test_a_refused_key_fails_and_is_never_shown() -> None:
    wrong = "sk-wrong-realtime-key-77776666"
    fake = FakeRealtime(REALTIME_KEY)
    async with fake.running() as url:
        code, out, err = await check(_env(url, wrong))
    assert code == 2
    assert "OpenAI Realtime" in out and "the API key was refused (HTTP 401)" in out
    assert wrong not in out + err and REALTIME_KEY not in out + err
