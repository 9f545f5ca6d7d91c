"""`providers check` against fake OpenAI Realtime and Gemini Live servers speaking the real
protocols: the
check opens and configures a session with the engine's own code, and a refused key says so
without showing it."""

from __future__ import annotations

import json
from pathlib import Path

from conversation.gemini import KEY as GEMINI_KEY
from conversation.gemini import script
from fakes.gemini_live import FakeGeminiLive, self_signed
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


def _gemini_env(fake: FakeGeminiLive, cert: Path, key: str = GEMINI_KEY) -> dict[str, str]:
    return {
        "INTERVIEW_COACH_INTERVIEWER_ENGINE": "gemini-live",
        "INTERVIEW_COACH_GEMINI_BASE_URL": fake.base_url,
        "INTERVIEW_COACH_GEMINI_API_KEY": key,
        "INTERVIEW_COACH_PROVIDER_CA_FILE": str(cert),
        "INTERVIEW_COACH_PROVIDER_CONNECT_TIMEOUT_SECONDS": "5",
    }


async def test_a_gemini_live_session_is_set_up_over_tls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    fake = FakeGeminiLive(script(), cert, key)
    async with fake.running():
        code, out, err = await check(_gemini_env(fake, cert), "--json")
    assert code == 0, out + err
    (result,) = json.loads(out)
    assert result["name"] == "Gemini Live" and result["ok"] is True
    (connection,) = fake.connections
    assert connection.setup, "the interview's set-up message reached the model"
    assert connection.audio_ms == 0, "the check spends no audio"
    assert GEMINI_KEY not in out + err


async def test_a_gemini_quota_refusal_is_reported(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    fake = FakeGeminiLive(script(refuse="http-429"), cert, key)
    async with fake.running():
        code, out, err = await check(_gemini_env(fake, cert))
    assert code == 2
    assert "Gemini Live" in out and "FAIL" in out and "quota" in out.lower()
    assert GEMINI_KEY not in out + err
