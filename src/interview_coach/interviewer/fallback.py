"""The seam between a cloud speech-to-speech provider and the offline interviewer.

``FallbackInterviewer`` runs the provider's engine (OpenAI Realtime, Gemini Live) and, when
it fails, the offline engine in its place, on the same connection:

* refused or unreachable at start (``ProviderUnavailable``), lost mid-interview
  (``ProviderLost``), or a reply later than ``provider_reply_timeout_seconds``: a line the
  provider had begun is stored as it was shown, the user gets ``ENGINE_FALLBACK`` (which
  provider, that the offline interviewer continues, what to check), and the offline engine
  goes on from the transcript (the stored one plus every line said on this connection,
  tracked through the sink), on the question the provider reached (``handover_state``);
* with ``provider_fallback`` off the error goes up instead: the session closes with its
  message and the interview stays IN_PROGRESS, to be rejoined.

A slow reply: the provider says THINKING when the user's turn ends; no word or sound within
the reply timeout abandons that turn. The provider's run is cancelled (its socket closes, so
the late reply is never played) and the offline planner answers the stored turn and carries
on: a provider that slow once is likely slow again, and two voices taking turns would
confuse the candidate more than one steady one.

Saved state is namespaced: ``{"version", "active", "engines": {engine: its own state}}``.
A rejoin after a fallback stays on the offline engine (``active``), so the candidate keeps
one voice and the offline plan it was following; a new interview tries the provider again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

from interview_coach.config import Settings
from interview_coach.errors import ProviderLost, ProviderUnavailable
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerSink,
    InterviewerState,
    NoticeKind,
    SpokenLine,
)
from interview_coach.interviewer.conversation import OfflineInterviewer, handover_state
from interview_coach.interviews.enums import Speaker

log = logging.getLogger("interview_coach.interviewer")

STATE_VERSION = 1
OFFLINE = OfflineInterviewer.engine
PROVIDER_NAMES = {"openai-realtime": "OpenAI Realtime", "gemini-live": "Gemini Live"}


def fallback_message(provider: str, reason: str) -> str:
    """What the user reads: which provider, why, that the interview goes on, what to check."""
    name = PROVIDER_NAMES.get(provider, provider)
    return (
        f"The {name} interviewer is not available ({reason}). The offline interviewer "
        "continues this interview. To use the AI interviewer, check the provider's API key, "
        "quota and network settings."
    )


class _Tracker:
    """The sink both engines speak through: forwards every call, keeps the lines said on
    this connection (and the one in progress) so a takeover loses none, and watches for a
    reply that does not come."""

    def __init__(self, sink: InterviewerSink, owner: FallbackInterviewer) -> None:
        self.sink = sink
        self._owner = owner
        self.lines: list[SpokenLine] = []
        self.ai_partial = ""
        self.user_partial_line: tuple[str, int] | None = None

    async def status(self, state: InterviewerState) -> None:
        self._owner.waiting(state is InterviewerState.THINKING)
        await self.sink.status(state)

    async def partial(self, text: str) -> None:
        self._owner.waiting(False)
        self.ai_partial = text
        await self.sink.partial(text)

    async def final(self, text: str, *, reply_latency_ms: int | None = None) -> None:
        self._owner.waiting(False)
        self.ai_partial = ""
        now = self._owner.elapsed_ms()
        self.lines.append(SpokenLine(Speaker.AI, text, now, now))
        await self.sink.final(text, reply_latency_ms=reply_latency_ms)

    async def audio(self, pcm: bytes) -> None:
        self._owner.waiting(False)
        await self.sink.audio(pcm)

    async def cleared(self, heard_ms: int) -> None:
        await self.sink.cleared(heard_ms)

    async def user_partial(self, text: str, offset_ms: int) -> None:
        self.user_partial_line = (text, offset_ms)
        await self.sink.user_partial(text, offset_ms)

    async def user_final(self, text: str, offset_ms: int, end_ms: int) -> None:
        self.user_partial_line = None
        self.lines.append(SpokenLine(Speaker.USER, text, offset_ms, end_ms))
        await self.sink.user_final(text, offset_ms, end_ms)

    async def save_state(self, state: Mapping[str, Any]) -> None:
        await self._owner.save(state)

    async def notice(self, kind: NoticeKind, message: str) -> None:
        await self.sink.notice(kind, message)

    async def settle(self) -> None:
        """Store the lines a failed engine had begun, as far as they were shown."""
        if self.ai_partial:
            await self.final(self.ai_partial)
        if self.user_partial_line is not None:
            text, offset_ms = self.user_partial_line
            await self.user_final(text, offset_ms, max(offset_ms, self._owner.elapsed_ms()))


class FallbackInterviewer(Interviewer):
    """A provider engine with the offline engine standing by (see the module docstring)."""

    wants_audio: ClassVar[bool] = True

    def __init__(
        self,
        context: InterviewContext,
        *,
        provider: str,
        provider_factory: InterviewerFactory,
        offline_factory: InterviewerFactory,
        allow_fallback: bool,
        reply_timeout_seconds: float,
    ) -> None:
        self._context = context
        self._provider_name = provider
        self._offline_factory = offline_factory
        self._allow_fallback = allow_fallback
        self._reply_timeout = reply_timeout_seconds
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time() - context.elapsed_ms / 1000
        self._state = _namespaced(context.saved_state)
        self._tracker: _Tracker | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._too_slow = asyncio.Event()
        self._active: Interviewer
        if self._state["active"] == OFFLINE:
            self._active = offline_factory(self._context_for(OFFLINE))
        else:
            self._state["active"] = provider
            self._active = provider_factory(self._context_for(provider))

    @property
    def engine(self) -> str:  # type: ignore[override]  # per instance: provider or offline
        return self._active.engine

    # ------------------------------------------------------------ audio in

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        # A failing provider's run reports it, and the offline engine takes over.
        with contextlib.suppress(ProviderUnavailable):
            await self._active.process(pcm, offset_ms)

    async def close(self, offset_ms: int) -> None:
        with contextlib.suppress(ProviderUnavailable):
            await self._active.close(offset_ms)

    # ------------------------------------------------------------ the interview

    async def run(self, sink: InterviewerSink) -> None:
        tracker = self._tracker = _Tracker(sink, self)
        if self._active.engine == OFFLINE:
            await self._active.run(tracker)
            return
        try:
            await self._run_provider(tracker)
            return
        except ProviderUnavailable as error:
            self.waiting(False)
            log.warning(
                "provider failed provider=%s code=%s lost=%s",
                self._provider_name,
                error.code,
                isinstance(error, ProviderLost),
            )
            if not self._allow_fallback:
                await tracker.settle()
                raise
            await self._take_over(tracker, error)
        await self._active.run(tracker)

    async def _run_provider(self, tracker: _Tracker) -> None:
        """The provider's run, cancelled when a reply is later than the timeout."""
        provider = self._loop.create_task(self._active.run(tracker))
        slow = self._loop.create_task(self._too_slow.wait())
        try:
            await asyncio.wait({provider, slow}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            slow.cancel()
            if not provider.done():
                provider.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await provider
        if provider.cancelled():
            seconds = f"{self._reply_timeout:g}"
            raise ProviderLost(self._provider_name, f"no reply within {seconds} seconds")
        provider.result()

    async def _take_over(self, tracker: _Tracker, error: ProviderUnavailable) -> None:
        """The offline engine goes on from every line said so far, on the provider's question."""
        await tracker.settle()
        with contextlib.suppress(ProviderUnavailable):
            await self._active.close(self.elapsed_ms())
        transcript = (*self._context.transcript, *tracker.lines)
        context = replace(self._context, transcript=transcript, elapsed_ms=self.elapsed_ms())
        offline_state = self._state["engines"].get(OFFLINE) or handover_state(context)
        self._state["active"] = OFFLINE
        self._state["engines"][OFFLINE] = offline_state
        await tracker.sink.save_state(self._state)
        self._active = self._offline_factory(replace(context, saved_state=offline_state))
        await tracker.notice(
            NoticeKind.ENGINE_FALLBACK, fallback_message(self._provider_name, error.message)
        )

    # ------------------------------------------------------------ helpers for the sink

    def elapsed_ms(self) -> int:
        return round((self._loop.time() - self._t0) * 1000)

    def waiting(self, thinking: bool) -> None:
        """THINKING starts the reply clock (once); any word or sound stops it."""
        if not thinking:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            return
        if self._deadline is None and self._active.engine != OFFLINE:
            self._deadline = self._loop.call_later(self._reply_timeout, self._too_slow.set)

    async def save(self, state: Mapping[str, Any]) -> None:
        """The active engine's state, under its own name, beside the other's."""
        assert self._tracker is not None
        self._state["engines"][self._active.engine] = dict(state)
        await self._tracker.sink.save_state(self._state)

    def _context_for(self, engine: str) -> InterviewContext:
        return replace(self._context, saved_state=self._state["engines"].get(engine))


def _namespaced(saved: Mapping[str, Any] | None) -> dict[str, Any]:
    """The wrapper's state; one saved by the offline engine alone (before this deployment
    used a provider) becomes the offline engine's namespace and keeps it active."""
    if saved and saved.get("version") == STATE_VERSION and isinstance(saved.get("engines"), dict):
        return {"version": STATE_VERSION, "active": saved.get("active"), **_copy(saved)}
    if saved and "plan" in saved:
        return {"version": STATE_VERSION, "active": OFFLINE, "engines": {OFFLINE: dict(saved)}}
    return {"version": STATE_VERSION, "active": None, "engines": {}}


def _copy(saved: Mapping[str, Any]) -> dict[str, Any]:
    return {"engines": {name: dict(state) for name, state in saved["engines"].items()}}


ProviderFactory = Callable[[Settings], InterviewerFactory]
"""Builds a provider's per-connection engine factory from settings (see ``engines``)."""


def fallback_factory(
    settings: Settings,
    provider: str,
    provider_factory: InterviewerFactory,
    offline: InterviewerFactory,
) -> InterviewerFactory:
    def create(context: InterviewContext) -> Interviewer:
        return FallbackInterviewer(
            context,
            provider=provider,
            provider_factory=provider_factory,
            offline_factory=offline,
            allow_fallback=settings.provider_fallback,
            reply_timeout_seconds=settings.provider_reply_timeout_seconds,
        )

    return create
