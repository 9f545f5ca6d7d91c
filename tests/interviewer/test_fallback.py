"""The provider seam on its own: a scripted provider engine that fails in each way, the
mock standing in for the offline engine, and a sink that records (the real session, the
real offline engine and the fake OpenAI server are in tests/conversation/test_openai_*)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from interview_coach.errors import ProviderLost, ProviderUnavailable
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerSink,
    InterviewerState,
    NoticeKind,
)
from interview_coach.interviewer.fallback import FallbackInterviewer
from interview_coach.interviews.enums import Speaker


class Recorder:
    """An InterviewerSink that keeps every call in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.state: Mapping[str, Any] | None = None

    async def status(self, state: InterviewerState) -> None:
        self.calls.append(("status", state))

    async def partial(self, text: str) -> None:
        self.calls.append(("partial", text))

    async def final(self, text: str, *, reply_latency_ms: int | None = None) -> None:
        self.calls.append(("final", text))

    async def audio(self, pcm: bytes) -> None:
        self.calls.append(("audio", len(pcm)))

    async def cleared(self, heard_ms: int) -> None:
        self.calls.append(("cleared", heard_ms))

    async def user_partial(self, text: str, offset_ms: int) -> None:
        self.calls.append(("user_partial", text))

    async def user_final(self, text: str, offset_ms: int, end_ms: int) -> None:
        self.calls.append(("user_final", text))

    async def save_state(self, state: Mapping[str, Any]) -> None:
        self.state = state

    async def notice(self, kind: NoticeKind, message: str) -> None:
        self.calls.append(("notice", (kind, message)))

    def of(self, kind: str) -> list[Any]:
        return [value for name, value in self.calls if name == kind]


class Scripted(Interviewer):
    """A provider engine that says a line, hears an answer, then fails as told."""

    engine: ClassVar[str] = "openai-realtime"
    wants_audio: ClassVar[bool] = True

    def __init__(self, context: InterviewContext, failure: str) -> None:
        self.context = context
        self.failure = failure

    async def run(self, sink: InterviewerSink) -> None:
        if self.failure == "refused":
            raise ProviderUnavailable("openai-realtime", "the API key was refused")
        await sink.save_state({"conversation": "abc"})
        await sink.final("Hello. Tell me about a project you led?")
        await sink.user_final("I led the billing rewrite.", 1000, 3000)
        if self.failure == "slow":
            await sink.status(InterviewerState.THINKING)
            await asyncio.sleep(30)
        await sink.partial("That sounds")
        raise ProviderLost("openai-realtime", "the connection dropped")


class Standby(Interviewer):
    """Stands in for the offline engine: records the context it was built with."""

    engine: ClassVar[str] = "offline"
    built: ClassVar[list[InterviewContext]] = []

    def __init__(self, context: InterviewContext) -> None:
        Standby.built.append(context)

    async def run(self, sink: InterviewerSink) -> None:
        await sink.final("Offline line.")


def context(saved: Mapping[str, Any] | None = None) -> InterviewContext:
    return InterviewContext(
        interview_id="i1",
        job_title="Platform Engineer",
        persona="a friendly hiring manager",
        job_description="",
        resume="",
        duration_seconds=600,
        elapsed_ms=0,
        saved_state=saved,
    )


def wrapper(failure: str, *, allow: bool = True, saved: Any = None) -> FallbackInterviewer:
    Standby.built.clear()
    return FallbackInterviewer(
        context(saved),
        provider="openai-realtime",
        provider_factory=lambda ctx: Scripted(ctx, failure),
        offline_factory=Standby,
        allow_fallback=allow,
        reply_timeout_seconds=0.2,
    )


async def test_refused_at_start_falls_back_with_a_clear_notice() -> None:
    engine = wrapper("refused")
    assert engine.engine == "openai-realtime"
    sink = Recorder()
    await engine.run(sink)
    [(kind, message)] = sink.of("notice")
    assert kind is NoticeKind.ENGINE_FALLBACK
    assert "OpenAI Realtime" in message and "the API key was refused" in message
    assert "offline interviewer continues" in message
    assert sink.of("final") == ["Offline line."]
    assert engine.engine == "offline"


async def test_lost_mid_interview_keeps_every_line_and_hands_over_the_transcript() -> None:
    engine = wrapper("lost")
    sink = Recorder()
    await engine.run(sink)
    # The partial shown when the provider died is stored, then the offline engine speaks.
    assert sink.of("final") == [
        "Hello. Tell me about a project you led?",
        "That sounds",
        "Offline line.",
    ]
    [handed] = Standby.built
    assert [(line.speaker, line.text) for line in handed.transcript] == [
        (Speaker.AI, "Hello. Tell me about a project you led?"),
        (Speaker.USER, "I led the billing rewrite."),
        (Speaker.AI, "That sounds"),
    ]
    # Its own state: a plan on the question reached, not a greeting; the provider's kept.
    assert handed.saved_state is not None and handed.saved_state["dialogue"]["index"] == 0
    assert sink.state is not None
    assert sink.state["active"] == "offline"
    assert sink.state["engines"]["openai-realtime"] == {"conversation": "abc"}
    assert sink.state["engines"]["offline"] == handed.saved_state


async def test_a_rejoin_after_a_fallback_stays_offline() -> None:
    first = wrapper("lost")
    sink = Recorder()
    await first.run(sink)
    again = wrapper("lost", saved=sink.state)
    assert again.engine == "offline"
    [built] = Standby.built
    assert built.saved_state == sink.state["engines"]["offline"]  # type: ignore[index]


async def test_no_fallback_raises_after_storing_what_was_shown() -> None:
    engine = wrapper("lost", allow=False)
    sink = Recorder()
    with pytest.raises(ProviderLost):
        await engine.run(sink)
    assert sink.of("final")[-1] == "That sounds"
    assert Standby.built == [] and sink.of("notice") == []


async def test_a_slow_reply_is_abandoned_and_the_offline_engine_answers() -> None:
    engine = wrapper("slow")
    sink = Recorder()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(engine.run(sink), 5)
    assert loop.time() - started < 2  # 0.2 s timeout, not the provider's 30 s
    [(kind, message)] = sink.of("notice")
    assert kind is NoticeKind.ENGINE_FALLBACK and "no reply within 0.2 seconds" in message
    assert sink.of("status") == [InterviewerState.THINKING]
    assert sink.of("final")[-1] == "Offline line."
    assert Standby.built[0].transcript[-1].speaker is Speaker.USER
