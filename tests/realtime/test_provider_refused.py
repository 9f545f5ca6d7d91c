"""An AI provider refusing the session with the fallback off, on both databases: a clear
Error and close 1013, and the interview stays IN_PROGRESS (rejoinable), never ERROR."""

from __future__ import annotations

import pytest
from fakes.openai_realtime import FakeRealtime
from pydantic import SecretStr

from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.fallback import fallback_factory
from interview_coach.interviewer.openai_realtime import openai_realtime_factory
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.realtime.errors import CloseCode
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines

from .conftest import Seat, ServerFactory, client, load, url_of

KEY = "sk-test-refused-7d2a"


@pytest.mark.parametrize("status", [401, 429])
async def test_refused_without_fallback_closes_and_keeps_the_interview(
    status: int,
    start_server: ServerFactory,
    resources: Resources,
    seat: Seat,
    voice_engines: VoiceEngines,
) -> None:
    fake = FakeRealtime(KEY)
    fake.failures.refuse_status = status
    async with fake.running() as base_url:
        settings = resources.settings.model_copy(
            update={
                "openai_api_key": SecretStr(KEY),
                "openai_base_url": base_url,
                "provider_fallback": False,
            }
        )
        factory = fallback_factory(
            settings,
            "openai-realtime",
            openai_realtime_factory(settings),
            offline_factory(settings, voice_engines),
        )
        server = await start_server({"interviewer_factory": factory})
        async with client(url_of(server)) as c:
            start = await c.join(seat)
            assert start.interviewer_engine == "openai-realtime"
            error, code = await c.error_and_close()
    assert code == CloseCode.TRY_AGAIN_LATER == error.code
    assert f"HTTP {status}" in error.message and "rejoin" in error.message
    assert KEY not in error.message
    interview = await load(resources, seat.interview.id)
    assert interview.status is InterviewStatus.IN_PROGRESS
