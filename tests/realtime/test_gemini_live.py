"""The Gemini Live interviewer on both databases: one exchange through the real server and
the fake Gemini Live (the real-time heavy cases are in tests/conversation, on SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conversation.client import RATE, SpokenClient, is_kind
from conversation.gemini import ANSWERS, LINES, gemini_server, script, speech
from conversation.test_spoken_session import seat_for, stored_lines
from support import add_member

from interview_coach.proto import interview_pb2 as pb
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

pytestmark = pytest.mark.timeout(120)
WAIT = 30.0


async def test_one_exchange_is_stored(
    resources: Resources, voice_engines: VoiceEngines, tmp_path: Path
) -> None:
    user = await add_member(resources)
    interview_id, token = await seat_for(resources, user.id)
    async with gemini_server(resources, voice_engines, tmp_path, script()) as (server, _fake):
        client = SpokenClient(f"ws://127.0.0.1:{server.port}")
        async with client.session(token, interview_id):
            await client.wait_for(lambda _: len(client.finals(pb.AI)) >= 1, WAIT)
            await client.say(speech(ANSWERS[0], RATE)).wait()
            await client.wait_for(lambda _: len(client.finals(pb.AI)) >= 2, WAIT)
            await client.end()
            await client.wait_for(is_kind("session_ended"), WAIT)
    stored = await stored_lines(resources, interview_id)
    assert [line.text for line in stored] == [LINES[0], ANSWERS[0], LINES[1]]
