"""`interview-coach providers check` as a real process against fake providers on real ports:
the speech server (real Whisper and Piper behind it) and an OpenAI-compatible chat endpoint."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes.http import serving
from fakes.openai_chat import Answer, FakeChat, as_json
from fakes.openai_speech import KEY, FakeSpeechServer, speech_server

from interview_coach.voice.engines import VoiceEngines

pytestmark = pytest.mark.timeout(240)
SRC = Path(__file__).resolve().parents[2] / "src"
CHAT_KEY = "sk-chat-fake-key-000011112222zyxw"
CHAT_MODEL = "tiny-chat"


@dataclass
class Providers:
    speech: FakeSpeechServer
    speech_url: str
    chat: FakeChat
    chat_url: str

    def env(self, **changes: str) -> dict[str, str]:
        settings = {
            "INTERVIEW_COACH_STT_ENGINE": "openai-http",
            "INTERVIEW_COACH_TTS_ENGINE": "openai-http",
            "INTERVIEW_COACH_SPEECH_BASE_URL": self.speech_url,
            "INTERVIEW_COACH_SPEECH_API_KEY": KEY,
            "INTERVIEW_COACH_LLM_BASE_URL": self.chat_url,
            "INTERVIEW_COACH_LLM_MODEL": CHAT_MODEL,
            "INTERVIEW_COACH_LLM_API_KEY": CHAT_KEY,
            "INTERVIEW_COACH_INFERENCE_WORKERS": "1",
        }
        return {**settings, **changes}


@pytest.fixture
async def providers(voice_engines: VoiceEngines) -> AsyncIterator[Providers]:
    chat = FakeChat(key=CHAT_KEY, model=CHAT_MODEL, default=as_json({"ready": True}))
    async with (
        speech_server(voice_engines) as (speech, speech_url),
        serving(chat.app()) as chat_url,
    ):
        yield Providers(speech, speech_url, chat, f"{chat_url}/v1")


async def check(env: dict[str, str], *flags: str) -> tuple[int, str, str]:
    """Run the command; the fakes keep serving on this loop meanwhile."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_COACH_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "interview_coach.cli",
        "providers",
        "check",
        *flags,
        env={**clean, "PYTHONPATH": str(SRC), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert KEY not in text and CHAT_KEY not in text


async def test_all_pass_with_timings_and_masked_keys(providers: Providers) -> None:
    code, out, err = await check(providers.env())
    assert code == 0, out + err
    speech_line, heard_line, chat_line, _, summary = out.strip().splitlines()
    assert speech_line.startswith("speech server") and " PASS " in speech_line
    assert "sk-…abcd" in speech_line, "the key is shown masked"
    shown = re.search(r"heard (['\"]).+\1 in [\d.]+ s, word error rate ([\d.]+)$", heard_line)
    assert shown is not None, heard_line
    assert float(shown.group(2)) <= 0.25
    assert providers.speech.spoken and providers.speech.heard, "both ways went to the server"
    assert chat_line.startswith("LLM endpoint") and " PASS " in chat_line
    assert "sk-…zyxw" in chat_line
    assert summary == "2 of 2 checks passed"
    assert providers.chat.requests[0]["response_format"]["json_schema"]["schema"]["required"]
    assert_no_key(out, err)


async def test_a_refused_key_fails_with_the_setting_to_fix(providers: Providers) -> None:
    wrong = "sk-wrong-but-secret-key-5555"
    code, out, err = await check(providers.env(INTERVIEW_COACH_SPEECH_API_KEY=wrong), "--json")
    assert code == 2
    results = {result["name"]: result for result in json.loads(out)}
    speech = results["speech server"]
    assert speech["ok"] is False
    assert "INTERVIEW_COACH_SPEECH_API_KEY was refused" in speech["detail"]
    assert speech["seconds"] > 0
    assert results["LLM endpoint"]["ok"] is True
    assert wrong not in out + err
    assert_no_key(out, err)


async def test_a_bad_chat_answer_fails(providers: Providers) -> None:
    providers.chat.default = Answer("Sure! Here you go.")
    env = providers.env(INTERVIEW_COACH_STT_ENGINE="faster-whisper")
    env.pop("INTERVIEW_COACH_TTS_ENGINE")  # speech stays offline: only the chat is checked
    code, out, err = await check(env)
    assert code == 2
    assert "speech server" not in out
    assert "fix: the model's answer was not JSON" in out
    assert "INTERVIEW_COACH_LLM_MODEL to a model that follows a JSON schema" in out
    assert_no_key(out, err)


async def test_nothing_configured_is_not_a_pass() -> None:
    code, out, _ = await check({})
    assert code == 2
    assert "nothing was checked" in out
