"""The Gemini Live interviewer through the real server, against a fake Gemini Live that
speaks the real wire protocol over wss (self-signed, trusted through provider_ca_file):
transcripts and audio both ways, barge-in, go-away and drop with resumption, a rejoin, and
each start-up fault falling back to the offline interviewer. SQLite (real time)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from fakes.gemini_live import field_of
from support import add_member

from interview_coach.proto import interview_pb2 as pb
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

from .client import RATE, SpokenClient, is_kind, is_speaking
from .gemini import ANSWERS, KEY, LINES, gemini_server, script, speech
from .test_spoken_session import seat_for, stored_lines

pytestmark = pytest.mark.timeout(120)
AI, USER = pb.AI, pb.USER
WAIT = 30.0


def ai_final_count(client: SpokenClient, count: int):
    return lambda _: len(client.finals(AI)) >= count


def user_final_count(client: SpokenClient, count: int):
    return lambda _: len(client.finals(USER)) >= count


def kinds(client: SpokenClient) -> set[str]:
    return {item.kind for item in client.received}


async def converse(client: SpokenClient, turns: int) -> None:
    """The model speaks, the user answers with real speech, ``turns`` times."""
    for turn in range(turns):
        await client.wait_for(ai_final_count(client, turn + 1), WAIT)
        await client.say(speech(ANSWERS[turn], RATE)).wait()
        await client.wait_for(user_final_count(client, turn + 1), WAIT)
    await client.wait_for(ai_final_count(client, turns + 1), WAIT)


async def test_transcripts_and_audio_both_ways(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script()) as (server, fake):
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            start = await client.wait_for(is_kind("start_response"), WAIT)
            assert start.message.start_response.interviewer_engine == "gemini-live"
            assert start.message.start_response.ai_sample_rate_hertz == 24_000
            await converse(client, 1)
            await client.end()
            await client.wait_for(is_kind("session_ended"), WAIT)
    first = client.finals(AI)[0]
    assert first.text == LINES[0]
    assert client.audio_of(first.utterance_id) == speech(LINES[0], 24_000)  # 24 kHz, whole
    assert client.finals(USER)[0].text == ANSWERS[0]
    assert client.finals(AI)[1].text == LINES[1]
    states = [
        r.message.interviewer_status.state
        for r in client.received
        if r.kind == "interviewer_status"
    ]
    assert pb.InterviewerStatus.THINKING in states and pb.InterviewerStatus.SPEAKING in states
    assert states[-1] == pb.InterviewerStatus.LISTENING
    stored = await stored_lines(resources, interview_id)
    assert [(line.speaker.value, line.text) for line in stored] == [
        ("AI", LINES[0]),
        ("USER", ANSWERS[0]),
        ("AI", LINES[1]),
    ]
    answer = stored[1]
    assert answer.offset_ms > stored[0].offset_ms and answer.end_ms > answer.offset_ms
    assert stored[2].reply_latency_ms is not None and stored[2].reply_latency_ms >= 0
    # What the SDK sent, checked by the fake: the setup and 16 kHz audio.
    (connection,) = fake.connections
    setup = connection.setup
    assert setup["model"] == f"models/{resources.settings.gemini_model}"
    assert setup["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert "Platform Engineer" in setup["systemInstruction"]["parts"][0]["text"]
    assert "inputAudioTranscription" in setup and "outputAudioTranscription" in setup
    assert "sessionResumption" in setup
    assert field_of(setup["contextWindowCompression"], "slidingWindow") is not None
    assert connection.mime_types == {"audio/pcm;rate=16000"}
    assert connection.audio_ms > 2000
    assert connection.headers["x-goog-api-key"] == KEY


async def test_interruption_clears_playback_and_keeps_the_words_heard(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    long_line = (
        "Hello and thank you for joining today. Before we start, let me explain how this "
        "interview will work, what I will ask you about, and how long each part will take."
    )
    fake_script = script(lines=[long_line, *LINES[1:]])
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, fake_script) as (server, fake):
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            await client.wait_for(is_kind("audio_chunk"), WAIT)
            await asyncio.sleep(2.0)
            client.say(speech(ANSWERS[0], RATE))
            cleared = await client.wait_for(is_kind("playback_cleared"), WAIT)
            await client.wait_for(ai_final_count(client, 1), WAIT)
    assert fake.interruptions == 1
    first = client.finals(AI)[0]
    assert cleared.message.playback_cleared.utterance_id == first.utterance_id
    heard = cleared.message.playback_cleared.heard_ms
    assert 1000 < heard < 4000
    words = long_line.split()
    kept = first.text.split()
    assert 0 < len(kept) < len(words) and words[: len(kept)] == kept
    stored = await stored_lines(resources, interview_id)
    assert stored[0].text == first.text


@pytest.mark.parametrize("fault", ["go_away", "drop"])
async def test_connection_replaced_without_the_user_noticing(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path, fault: str
) -> None:
    faults = {"go_away_after_turn": 1} if fault == "go_away" else {"drop_after_turn": 1}
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script(**faults)) as (
        server,
        fake,
    ):
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            await converse(client, 2)
    assert len(fake.connections) == 2
    first, second = fake.connections
    assert first.closed_by in ("server:1000", "server:drop", "client")
    assert second.setup["sessionResumption"]["handle"] == "handle-1"
    assert second.client_content == []  # resumed, not re-told the story
    assert [line.text for line in client.finals(AI)] == LINES[:3]
    assert [line.text for line in client.finals(USER)] == ANSWERS[:2]
    assert "error" not in kinds(client) and "session_notice" not in kinds(client)
    stored = await stored_lines(resources, interview_id)
    assert [line.text for line in stored] == [LINES[0], ANSWERS[0], LINES[1], ANSWERS[1], LINES[2]]


async def test_rejoin_resumes_with_the_saved_handle(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script()) as (server, fake):
        url = f"ws://127.0.0.1:{server.port}"
        client = SpokenClient(url)
        async with client.session(token, interview_id):
            await converse(client, 1)
        again = SpokenClient(url)
        token = resources.tickets.issue(user.id, interview_id)
        async with again.session(token, interview_id):
            await again.wait_for(is_kind("start_response"), WAIT)
            await again.say(speech(ANSWERS[1], RATE)).wait()
            await again.wait_for(lambda _: len(again.finals(AI)) >= 3, WAIT)
    assert fake.connections[1].setup["sessionResumption"]["handle"] == "handle-2"
    assert [line.text for line in again.finals(AI)] == LINES[:3]


async def test_rejoin_without_a_handle_tells_the_model_the_transcript(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script()) as (server, fake):
        url = f"ws://127.0.0.1:{server.port}"
        client = SpokenClient(url)
        async with client.session(token, interview_id):
            await converse(client, 1)
        fake.state.handles.clear()  # the handles expired
        again = SpokenClient(url)
        token = resources.tickets.issue(user.id, interview_id)
        async with again.session(token, interview_id):
            await again.wait_for(lambda _: len(again.finals(AI)) >= 3, WAIT)
    third = fake.connections[-1]
    assert "handle" not in third.setup["sessionResumption"]
    (told,) = third.client_content
    texts = [(turn["role"], turn["parts"][0]["text"]) for turn in told["turns"]]
    assert texts[:3] == [("model", LINES[0]), ("user", ANSWERS[0]), ("model", LINES[1])]
    assert told["turnComplete"] is True


FAULTS = {
    "key": "refused the API key",
    "quota": "quota",
    "http-403": "refused the API key",
    "http-429": "quota",
    "unreachable": "could not be reached",
    "slow": "did not answer in time",
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_start_faults_fall_back_to_the_offline_interviewer(
    resources: Resources,
    voice_engines: VoiceEngines,
    tmp_path: Path,
    fault: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    faults: dict[str, object] = {}
    overrides: dict[str, object] = {}
    if fault in ("key", "quota", "http-403", "http-429"):
        faults["refuse"] = fault
    elif fault == "slow":
        faults["setup_delay"] = 5.0
    else:
        overrides["gemini_base_url"] = "https://127.0.0.1:1"  # nothing listens there
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script(**faults), **overrides) as (
        server,
        _fake,
    ):
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            notice = await client.wait_for(is_kind("session_notice"), WAIT)
            # Every fault takes the same path after the notice: one plays the greeting to
            # its stored end (about 20 s of real time), the others only until it speaks.
            whole = fault == next(iter(FAULTS))
            await client.wait_for(ai_final_count(client, 1) if whole else is_speaking(AI), 60)
    message = notice.message.session_notice
    assert message.kind == pb.SessionNotice.ENGINE_FALLBACK
    assert FAULTS[fault] in message.message and KEY not in message.message
    assert "error" not in kinds(client)
    if whole:
        stored = await stored_lines(resources, interview_id)
        assert stored and stored[0].text == client.finals(AI)[0].text
        assert all(KEY not in line.text for line in stored)
    assert KEY not in caplog.text
