"""The OpenAI Realtime interviewer through the real server, against a local fake that speaks
the Realtime protocol (tests/fakes/openai_realtime.py), with the offline interviewer (the
session's loaded voice engines) standing by for every fault."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from fakes.openai_realtime import REPLIES, FakeRealtime
from pydantic import SecretStr
from support import add_member

from interview_coach.db.models import Interview
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.fallback import fallback_factory
from interview_coach.interviewer.openai_realtime import openai_realtime_factory
from interview_coach.interviews.enums import InterviewStatus, Speaker
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

from .client import AI_RATE, RATE, SpokenClient, is_final, is_kind, is_speaking
from .test_spoken_session import seat_for, speech, stored_lines

pytestmark = pytest.mark.timeout(180)

KEY = "sk-test-fake-realtime-5c1f9e"
ANSWER = "At Acme Payments I led the billing migration from MySQL to PostgreSQL last year."


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeRealtime, str]]:
    server = FakeRealtime(KEY)
    async with server.running() as base_url:
        yield server, base_url


async def realtime_server(
    resources: Resources, voice: VoiceEngines, base_url: str, **overrides: object
) -> RealtimeServer:
    """The real server with the composition ``engines.interviewer_factory`` builds, sharing
    the session's loaded voice engines."""
    settings = resources.settings.model_copy(
        update={
            "interviewer_engine": "openai-realtime",
            "openai_api_key": SecretStr(KEY),
            "openai_base_url": base_url,
            "provider_connect_timeout_seconds": 3.0,
            **overrides,
        }
    )
    res = dataclasses.replace(resources, settings=settings)
    factory = fallback_factory(
        settings,
        "openai-realtime",
        openai_realtime_factory(settings),
        offline_factory(settings, voice),
    )
    server = RealtimeServer(res, interviewer_factory=factory)
    await server.start("127.0.0.1", 0)
    return server


Start = Callable[..., Awaitable[tuple[str, str, SpokenClient]]]


@pytest.fixture
async def start(resources: Resources, voice_engines: VoiceEngines) -> AsyncIterator[Start]:
    """A server against the fake at ``base_url``, a new interview and a spoken client."""
    started: list[RealtimeServer] = []

    async def factory(base_url: str, **overrides: object) -> tuple[str, str, SpokenClient]:
        server = await realtime_server(resources, voice_engines, base_url, **overrides)
        started.append(server)
        member = await add_member(resources)
        interview_id, token = await seat_for(resources, member.id)
        return interview_id, token, SpokenClient(f"ws://127.0.0.1:{server.port}")

    yield factory
    for server in started:
        await server.stop()


async def status_of(resources: Resources, interview_id: str) -> InterviewStatus:
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id, populate_existing=True)
    assert interview is not None
    return interview.status


def assert_no_key(caplog: pytest.LogCaptureFixture, client: SpokenClient) -> None:
    assert KEY not in caplog.text
    assert all(KEY not in str(r.message) for r in client.received)


async def test_transcripts_and_audio_both_ways(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider, base_url = fake
    interview_id, token, client = await start(base_url)
    answer = await speech(voice_engines, ANSWER)
    async with client.session(token, interview_id):
        start = await client.wait_for(is_kind("start_response"), 10)
        assert start.message.start_response.interviewer_engine == "openai-realtime"
        greeting = await client.wait_for(is_final(pb.AI), 20)
        line = greeting.message.partial_transcript
        assert line.text == REPLIES[0]
        # The provider's 24 kHz audio reaches the page sample for sample.
        assert client.audio_of(line.utterance_id) == provider.speech(REPLIES[0])

        said = client.say(answer)
        spoke_from = client.sent_ms
        await said.wait()
        spoke_to = client.sent_ms
        user = await client.wait_for(is_final(pb.USER), 20)
        reply = await client.wait_for(is_final(pb.AI), 20, after=client.index_of(user))
        assert reply.message.partial_transcript.text == REPLIES[1]
    connection = provider.connections[0]
    assert connection.problems == []
    assert connection.session is not None
    detection = resources.settings.openai_turn_detection
    assert connection.session["audio"]["input"]["turn_detection"] == {"type": detection}
    assert "Platform Engineer" in connection.session["instructions"]
    # 40 ms of 16 kHz in (1280 bytes) is 40 ms at 24 kHz out (1920 bytes), every chunk.
    assert connection.appends > 50
    assert connection.appended_bytes == connection.appends * 40 * AI_RATE // 1000 * 2
    assert provider.headers_seen == [f"Bearer {KEY}"]

    lines = await stored_lines(resources, interview_id)
    assert [(entry.speaker, entry.text) for entry in lines] == [
        (Speaker.AI, REPLIES[0]),
        (Speaker.USER, provider.user_lines[0]),
        (Speaker.AI, REPLIES[1]),
    ]
    # The user's line sits where the speech was sent (the interview's time base), within the
    # fake's energy detection and the speech's own leading and trailing quiet.
    user_line = lines[1]
    ms0 = start.message.start_response.elapsed_ms
    assert spoke_from + ms0 - 100 <= user_line.offset_ms <= spoke_from + ms0 + 600
    assert user_line.end_ms is not None
    assert spoke_to + ms0 - 1200 <= user_line.end_ms <= spoke_to + ms0 + 100
    assert lines[2].reply_latency_ms is not None and 0 <= lines[2].reply_latency_ms < 3000
    assert all(KEY not in entry.text for entry in lines)
    assert_no_key(caplog, client)
    assert len(answer) / 2 / RATE > 2


async def test_speaking_over_the_reply_clears_and_truncates(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
) -> None:
    provider, base_url = fake
    interview_id, token, client = await start(base_url)
    answer = await speech(voice_engines, ANSWER)
    loop = asyncio.get_running_loop()
    async with client.session(token, interview_id):
        first_audio = await client.wait_for(is_kind("audio_chunk"), 20)
        await asyncio.sleep(1.5)
        cut_in = loop.time()
        client.say(answer)
        cleared = await client.wait_for(is_kind("playback_cleared"), 5)
        cut = await client.wait_for(is_final(pb.AI), 5)
    heard_ms = cleared.message.playback_cleared.heard_ms
    [truncate] = provider.connections[0].truncates
    assert truncate["audio_end_ms"] == heard_ms
    assert truncate["content_index"] == 0 and truncate["item_id"].startswith("item_")
    # Heard: from the first audio to the user's voice, less the page's 150 ms buffer.
    elapsed_ms = (cut_in - first_audio.at) * 1000
    assert elapsed_ms - 400 <= heard_ms <= elapsed_ms + 600
    words = cut.message.partial_transcript.text.split()
    assert 0 < len(words) < len(REPLIES[0].split())
    assert REPLIES[0].split()[: len(words)] == words
    lines = await stored_lines(resources, interview_id)
    assert lines[0].text == cut.message.partial_transcript.text


@pytest.mark.parametrize("failure", ["401", "429", "unreachable"])
async def test_refused_at_start_falls_back_to_the_offline_interviewer(
    failure: str,
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider, base_url = fake
    if failure == "unreachable":
        base_url = "http://127.0.0.1:9/v1"  # discard port: connection refused
    else:
        provider.failures.refuse_status = int(failure)
    interview_id, token, client = await start(base_url)
    async with client.session(token, interview_id):
        notice = await client.wait_for(is_kind("session_notice"), 15)
        # The same path after the notice for every failure: one waits for the whole
        # greeting (about 20 s of real time), the others for its first caption.
        whole = failure == "401"
        greeting = await client.wait_for(is_final(pb.AI) if whole else is_speaking(pb.AI), 60)
    message = notice.message.session_notice
    assert message.kind == pb.SessionNotice.ENGINE_FALLBACK
    assert (
        "OpenAI Realtime" in message.message and "offline interviewer continues" in message.message
    )
    expected = {"401": "HTTP 401", "429": "HTTP 429", "unreachable": "could not connect"}
    assert expected[failure] in message.message
    assert greeting.message.partial_transcript.text.startswith("Hi")  # the offline greeting
    assert await status_of(resources, interview_id) is InterviewStatus.IN_PROGRESS
    assert_no_key(caplog, client)


async def test_without_fallback_the_session_closes_with_a_clear_error(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
) -> None:
    provider, base_url = fake
    provider.failures.refuse_status = 401
    interview_id, token, client = await start(base_url, provider_fallback=False)
    async with client.session(token, interview_id):
        error = await client.wait_for(is_kind("error"), 15)
        await asyncio.sleep(0.3)
    assert "HTTP 401" in error.message.error.message
    assert "rejoin" in error.message.error.message and KEY not in error.message.error.message
    assert not [r for r in client.received if r.kind == "session_notice"]
    assert await status_of(resources, interview_id) is InterviewStatus.IN_PROGRESS


async def test_a_drop_reconnects_once_with_the_transcript(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
) -> None:
    provider, base_url = fake
    provider.failures.drop_after_replies = 1
    interview_id, token, client = await start(base_url)
    answer = await speech(voice_engines, ANSWER)
    async with client.session(token, interview_id):
        await client.wait_for(is_final(pb.AI), 20)
        for _ in range(100):
            if len(provider.connections) == 2:
                break
            await asyncio.sleep(0.05)
        client.say(answer)
        user = await client.wait_for(is_final(pb.USER), 20)
        await client.wait_for(is_final(pb.AI), 20, after=client.index_of(user))
    assert len(provider.connections) == 2
    seeded = provider.connections[1].items
    assert seeded == [
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": REPLIES[0]}],
        }
    ]
    assert not [r for r in client.received if r.kind == "session_notice"]


async def test_a_drop_that_cannot_reconnect_goes_on_offline_losing_no_line(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
) -> None:
    provider, base_url = fake
    provider.failures.drop_after_replies = 1
    provider.failures.refuse_after_drop = True
    interview_id, token, client = await start(base_url, answer_wait_seconds=2.0)
    async with client.session(token, interview_id):
        greeting = await client.wait_for(is_final(pb.AI), 20)
        notice = await client.wait_for(is_kind("session_notice"), 15)
        offline = await client.wait_for(is_final(pb.AI), 60, after=client.index_of(notice))
    assert greeting.message.partial_transcript.text == REPLIES[0]
    assert notice.message.session_notice.kind == pb.SessionNotice.ENGINE_FALLBACK
    lines = await stored_lines(resources, interview_id)
    assert [entry.text for entry in lines] == [REPLIES[0], offline.message.partial_transcript.text]
    # The offline interviewer did not start over with its greeting.
    assert not offline.message.partial_transcript.text.startswith("Hi, and welcome")
    assert len(provider.headers_seen) == 2  # one reconnect was tried
    assert await status_of(resources, interview_id) is InterviewStatus.IN_PROGRESS


async def test_a_slow_reply_shows_thinking_then_the_offline_interviewer_answers(
    fake: tuple[FakeRealtime, str],
    start: Start,
    resources: Resources,
    voice_engines: VoiceEngines,
) -> None:
    provider, base_url = fake
    provider.failures.reply_delay_seconds = 20.0
    interview_id, token, client = await start(base_url, provider_reply_timeout_seconds=1.5)
    answer = await speech(voice_engines, ANSWER)
    async with client.session(token, interview_id):
        await client.wait_for(is_final(pb.AI), 20)
        client.say(answer)
        user = await client.wait_for(is_final(pb.USER), 20)
        mark = client.index_of(user)
        notice = await client.wait_for(is_kind("session_notice"), 10, after=mark)
        reply = await client.wait_for(is_final(pb.AI), 60, after=mark)
    statuses = [
        (r.at, r.message.interviewer_status.state)
        for r in client.received[mark - 5 : client.index_of(notice)]
        if r.kind == "interviewer_status"
    ]
    assert statuses and statuses[-1][1] == pb.InterviewerStatus.THINKING
    waited = notice.at - statuses[-1][0]
    assert 1.2 <= waited <= 3.0
    assert "no reply within 1.5 seconds" in notice.message.session_notice.message
    assert reply.message.partial_transcript.text not in REPLIES
    lines = await stored_lines(resources, interview_id)
    assert [entry.speaker for entry in lines] == [Speaker.AI, Speaker.USER, Speaker.AI]
