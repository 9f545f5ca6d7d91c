"""A spoken interview with both voice engines on a speech server (``openai-http``): the
interviewer's audio is what the server synthesised, and the user's words are what it heard.

The fake server (``fakes.openai_speech``) speaks with Piper and transcribes with Whisper, so
the conversation runs on real speech; the engines reach it over real HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest
from fakes.openai_speech import KEY, FakeSpeechServer, speech_server
from support import add_member
from voice.fixtures import VOICE_SETTINGS
from wer import word_error_rate

from interview_coach.config import Settings
from interview_coach.db.models import Interview
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.resources import Resources
from interview_coach.voice.base import split_sentences
from interview_coach.voice.engines import VoiceEngines, load_voice_engines

from .client import AI_RATE, RATE, SpokenClient, is_final, is_kind
from .conftest import ServerFactory
from .test_spoken_session import OPENER_ANSWER, seat_for, speech, stored_lines

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
async def remote_voice(
    voice_engines: VoiceEngines,
) -> AsyncIterator[tuple[FakeSpeechServer, VoiceEngines]]:
    async with speech_server(voice_engines) as (fake, url):
        settings = Settings(
            **{
                **VOICE_SETTINGS,
                "stt_engine": "openai-http",
                "tts_engine": "openai-http",
                "speech_base_url": url,
                "speech_api_key": KEY,
                "inference_workers": 1,
            }
        )
        engines = await asyncio.to_thread(load_voice_engines, settings)
        try:
            yield fake, engines
        finally:
            await asyncio.to_thread(engines.close)


async def test_a_session_speaks_and_hears_through_the_speech_server(
    start_spoken_server: ServerFactory,
    resources: Resources,
    voice_engines: VoiceEngines,
    remote_voice: tuple[FakeSpeechServer, VoiceEngines],
) -> None:
    fake, engines = remote_voice
    server = await start_spoken_server(engines)
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    answer = await speech(voice_engines, OPENER_ANSWER)
    # The one inference thread stays busy all along: a network engine must not need it.
    release = threading.Event()
    blocker = asyncio.ensure_future(engines.pool.run(release.wait, 120))
    try:
        greeting, heard = await _converse(
            f"ws://127.0.0.1:{server.port}", token, interview_id, fake, answer
        )
    finally:
        release.set()
        await blocker

    assert word_error_rate(OPENER_ANSWER, heard) <= 0.25
    assert all(upload["rate"] == RATE for upload in fake.uploads)
    stored = [entry.text for entry in await stored_lines(resources, interview_id)]
    assert greeting in stored and heard in stored


async def _converse(
    url: str, token: str, interview_id: str, fake: FakeSpeechServer, answer: bytes
) -> tuple[str, str]:
    """The greeting heard and one answer given; returns both lines' texts."""
    client = SpokenClient(url)
    client.loopback = False
    async with client.session(token, interview_id):
        await client.wait_for(is_kind("start_response"), 10)
        greeting = await client.wait_for(is_final(pb.AI), 60)
        line = greeting.message.partial_transcript
        sentences = split_sentences(line.text)
        assert fake.spoken[-len(sentences) :] == sentences, "each sentence asked of the server"
        sent = b"".join(fake.audio[-len(sentences) :])
        assert client.audio_of(line.utterance_id) == sent, "the page got the server's audio"
        assert len(sent) / 2 / AI_RATE > 3.0

        uploads_before = len(fake.uploads)
        said = client.say(answer)
        mark = len(client.received)
        await said.wait()
        user_line = await client.wait_for(is_final(pb.USER), 30, after=mark)
        await client.end()
        await client.wait_for(is_kind("session_ended"), 10)
    heard = user_line.message.partial_transcript.text
    parts = [part for part in fake.heard[uploads_before:] if part]
    assert parts and " ".join(parts) == heard, "the user's words are the server's"
    return line.text, heard


async def test_a_speech_server_failing_mid_interview_closes_clearly_and_keeps_everything(
    start_spoken_server: ServerFactory,
    resources: Resources,
    voice_engines: VoiceEngines,
    remote_voice: tuple[FakeSpeechServer, VoiceEngines],
) -> None:
    """The server stops transcribing after the greeting: the page gets an Error (1013) that
    says what failed and that the interview is saved, the greeting stays stored, and the
    interview stays IN_PROGRESS to be rejoined; the key is in no message."""
    fake, engines = remote_voice
    server = await start_spoken_server(engines)
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    answer = await speech(voice_engines, OPENER_ANSWER)
    client = SpokenClient(f"ws://127.0.0.1:{server.port}")
    client.loopback = False
    async with client.session(token, interview_id):
        greeting = await client.wait_for(is_final(pb.AI), 60)
        fake.faults["transcriptions"] = [500] * 20  # more than the engine retries
        client.say(answer)
        error = await client.wait_for(is_kind("error"), 60)
    assert error.message.error.code == CloseCode.TRY_AGAIN_LATER
    text = error.message.error.message
    assert "speech server" in text.lower() and "rejoin" in text.lower()
    assert KEY not in text
    stored = [entry.text for entry in await stored_lines(resources, interview_id)]
    assert greeting.message.partial_transcript.text in stored
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id)
    assert interview is not None and interview.status == InterviewStatus.IN_PROGRESS
