"""The openai-http speech engines against a fake OpenAI-compatible server with real speech
behind it: round trips, faults that name the setting and never the key, the start-up check.

``load_voice_engines`` blocks on the server, which runs on the test's loop: tests call it
through ``asyncio.to_thread`` (as ``serve`` calls it before its loop serves anything).
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.openai_speech import KEY, FakeSpeechServer, speech_server
from wer import word_error_rate

from interview_coach.config import Settings, env_name
from interview_coach.http_client import ProviderHttpError
from interview_coach.voice import doctor
from interview_coach.voice.engines import VoiceEngines, load_voice_engines
from interview_coach.voice.errors import ConfigurationError
from voice.fixtures import VOICE_SETTINGS
from voice.scripts import ANSWERS, INTERVIEWER_LINE

RATE = 16_000
AI_RATE = 24_000


@pytest.fixture
async def fake(voice_engines: VoiceEngines) -> AsyncIterator[tuple[FakeSpeechServer, str]]:
    async with speech_server(voice_engines) as running:
        yield running


def http_settings(base_url: str, **changes: Any) -> Settings:
    both = {"stt_engine": "openai-http", "tts_engine": "openai-http"}
    return Settings(
        **{
            **VOICE_SETTINGS,
            **both,
            "speech_base_url": base_url,
            "speech_api_key": KEY,
            # Whisper and Piper behind the fake take seconds on a loaded CI box; the slow-
            # server test sets its own short limit.
            "provider_reply_timeout_seconds": 20.0,
            "provider_connect_timeout_seconds": 1.0,
            **changes,
        }
    )


async def load(settings: Settings) -> VoiceEngines:
    return await asyncio.to_thread(load_voice_engines, settings)


async def start_fails(settings: Settings, setting: str) -> str:
    with pytest.raises(ConfigurationError) as caught:
        await load(settings)
    assert setting in caught.value.message
    assert caught.value.field == setting
    return caught.value.message


async def test_transcription_round_trip_without_a_pool_thread(
    fake: tuple[FakeSpeechServer, str], voice_engines: VoiceEngines
) -> None:
    server, url = fake
    engines = await load(http_settings(url, tts_engine="piper", inference_workers=1))
    try:
        assert engines.stt.name == "openai-http"
        answer = await asyncio.to_thread(voice_engines.tts.synthesize, ANSWERS[0], RATE)
        # The only worker is busy: a network engine must not need it.
        release = threading.Event()
        blocker = asyncio.ensure_future(engines.pool.run(release.wait, 30))
        await asyncio.sleep(0.05)
        try:
            heard = await asyncio.wait_for(engines.transcribe(answer, RATE), 30)
        finally:
            release.set()
            await blocker
    finally:
        await asyncio.to_thread(engines.close)
    assert word_error_rate(ANSWERS[0], heard) <= 0.25
    assert server.heard[-1] == heard
    upload = server.uploads[-1]
    assert (upload["rate"], upload["channels"], upload["width"]) == (RATE, 1, 2)
    assert upload["language"] == "en"


@pytest.mark.parametrize("audio", ["pcm", "wav"])
async def test_speech_round_trip_at_the_rate_asked(
    fake: tuple[FakeSpeechServer, str], voice_engines: VoiceEngines, audio: str
) -> None:
    server, url = fake
    engines = await load(http_settings(url, stt_engine="faster-whisper", speech_tts_format=audio))
    try:
        at_24k = await engines.synthesize(INTERVIEWER_LINE, AI_RATE)
        at_16k = await engines.synthesize(INTERVIEWER_LINE, RATE)
        assert await engines.synthesize("  ", AI_RATE) == b""
    finally:
        await asyncio.to_thread(engines.close)
    assert server.spoken[-1] == INTERVIEWER_LINE
    seconds = len(at_24k) / 2 / AI_RATE
    assert 3.0 < seconds < 15.0
    # Piper varies its timing a little from call to call; a wrong rate is off by half.
    assert abs(len(at_16k) / 2 / RATE - seconds) < 0.1 * seconds, "resampled to the rate"
    heard = await asyncio.to_thread(voice_engines.stt.transcribe, at_24k, AI_RATE)
    assert word_error_rate(INTERVIEWER_LINE, heard) <= 0.25


async def test_no_speech_is_no_request(fake: tuple[FakeSpeechServer, str]) -> None:
    server, url = fake
    engines = await load(http_settings(url))
    try:
        before = server.requests
        assert await engines.transcribe(bytes(RATE // 20 * 2), RATE) == ""  # 50 ms
    finally:
        await asyncio.to_thread(engines.close)
    assert server.requests == before


async def test_wrong_key_fails_at_start_naming_the_key_setting(
    fake: tuple[FakeSpeechServer, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, url = fake
    wrong = "sk-wrong-key-that-must-never-show-9876"
    caplog.set_level(logging.DEBUG)
    message = await start_fails(
        http_settings(url, speech_api_key=wrong), "INTERVIEW_COACH_SPEECH_API_KEY"
    )
    assert "401" in message
    assert wrong not in message and wrong not in caplog.text
    assert "sk-…9876" in message, "the server's echo of the key is masked"


@pytest.mark.parametrize(
    ("path", "fault", "setting", "words"),
    [
        ("speech", 429, "INTERVIEW_COACH_SPEECH_API_KEY", "quota"),
        ("speech", "malformed", "INTERVIEW_COACH_SPEECH_BASE_URL", "OpenAI-compatible"),
        ("transcriptions", 500, "INTERVIEW_COACH_SPEECH_BASE_URL", "failed"),
        ("transcriptions", "slow", "INTERVIEW_COACH_PROVIDER_REPLY_TIMEOUT_SECONDS", "within 0.5"),
    ],
)
async def test_server_faults_at_start_name_the_setting(
    fake: tuple[FakeSpeechServer, str],
    caplog: pytest.LogCaptureFixture,
    path: str,
    fault: int | str,
    setting: str,
    words: str,
) -> None:
    server, url = fake
    server.faults[path] = [fault, fault]  # the retry meets it too
    caplog.set_level(logging.DEBUG)
    # Whisper behind the fake takes about a second: only the slow case has a short limit.
    settings = http_settings(url, provider_reply_timeout_seconds=0.5 if fault == "slow" else 5)
    message = await start_fails(settings, setting)
    assert words in message
    assert KEY not in message and KEY not in caplog.text


async def test_one_failure_is_retried(fake: tuple[FakeSpeechServer, str]) -> None:
    server, url = fake
    engines = await load(http_settings(url))
    try:
        server.faults["speech"] = [503]
        before = server.requests
        pcm = await engines.synthesize("Hello there.", AI_RATE)
    finally:
        await asyncio.to_thread(engines.close)
    assert pcm and server.requests == before + 2


async def test_mid_interview_failure_is_a_provider_error(
    fake: tuple[FakeSpeechServer, str],
) -> None:
    server, url = fake
    engines = await load(http_settings(url))
    try:
        server.faults["transcriptions"] = [401, 401]
        with pytest.raises(ProviderHttpError) as caught:
            await engines.transcribe(bytes(RATE), RATE)
    finally:
        await asyncio.to_thread(engines.close)
    assert caught.value.field == "INTERVIEW_COACH_SPEECH_API_KEY"
    assert caught.value.provider == "speech server"


async def test_unknown_models_name_their_settings(fake: tuple[FakeSpeechServer, str]) -> None:
    _, url = fake
    for setting in ("speech_stt_model", "speech_tts_model"):
        await start_fails(http_settings(url, **{setting: "nope"}), env_name(setting))


async def test_unreachable_server_names_the_url_setting(unused_tcp_port: int) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}/v1"
    message = await start_fails(http_settings(url), "INTERVIEW_COACH_SPEECH_BASE_URL")
    assert url in message


def test_missing_url_names_the_setting() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_voice_engines(http_settings("", speech_base_url=None))
    assert caught.value.field == "INTERVIEW_COACH_SPEECH_BASE_URL"


async def test_doctor_speaks_and_hears_through_the_server(
    fake: tuple[FakeSpeechServer, str],
) -> None:
    server, url = fake
    report = await asyncio.to_thread(doctor.check, http_settings(url))
    rows = {row["role"]: row for row in report["engines"]}
    assert rows["stt"]["name"] == rows["tts"]["name"] == "openai-http"
    assert url in rows["stt"]["model"] and "whisper-1" in rows["stt"]["model"]
    assert word_error_rate(doctor.CHECK_LINE, report["heard"]) <= 0.25
    assert doctor.CHECK_LINE in server.spoken and report["heard"] in server.heard


def test_unreadable_ca_file_names_the_setting(tmp_path: Path) -> None:
    before = threading.active_count()
    with pytest.raises(ConfigurationError) as caught:
        load_voice_engines(
            http_settings("https://speech.example/v1", provider_ca_file=tmp_path / "none.pem")
        )
    assert caught.value.field == "INTERVIEW_COACH_PROVIDER_CA_FILE"
    assert threading.active_count() == before, "the client's loop thread was stopped"


def test_serve_stops_at_start_when_the_server_is_unreachable(
    tmp_path: Path, unused_tcp_port: int
) -> None:
    """`interview-coach serve` as a real process: exit 2 and the setting, before serving."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_COACH_")}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"),
        INTERVIEW_COACH_DATA_DIR=str(tmp_path),
        INTERVIEW_COACH_WEB_PORT="0",
        INTERVIEW_COACH_REALTIME_PORT="0",
        INTERVIEW_COACH_STT_ENGINE="openai-http",
        INTERVIEW_COACH_SPEECH_BASE_URL=f"http://127.0.0.1:{unused_tcp_port}/v1",
        INTERVIEW_COACH_SPEECH_API_KEY=KEY,
    )
    done = subprocess.run(
        [sys.executable, "-m", "interview_coach.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "error: INTERVIEW_COACH_SPEECH_BASE_URL: cannot reach the speech server" in done.stderr
    assert "Interview Coach" not in done.stdout, "nothing was served"
    assert KEY not in done.stdout + done.stderr
