"""One live interview on one connection: the receive loop, the interviewer, the clock.

Everything that ends a session (EndRequest, the interviewer finishing, the duration running
out, a newer connection, a server restart, a protocol fault, a drop) goes through one
``_finish``: the first caller wins and the others wait for it, and the final status is set
only through ``lifecycle`` (compare-and-set), so no two paths race to end an interview.
A drop, a fault or a restart leave the interview IN_PROGRESS to be rejoined.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from interview_coach.db.base import utcnow
from interview_coach.db.group import GroupTransaction
from interview_coach.db.models import Interview
from interview_coach.errors import ProviderUnavailable
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerState,
    NoticeKind,
    SpokenLine,
)
from interview_coach.interviews import conversation_state, lifecycle, transcripts
from interview_coach.interviews.admission import Admission
from interview_coach.interviews.enums import EndReason, Speaker
from interview_coach.realtime import logs, messages
from interview_coach.realtime.codec import Frame
from interview_coach.realtime.errors import CloseCode, ProtocolViolation
from interview_coach.realtime.processors import (
    AnyAudioProcessor,
    AudioProcessorFactory,
    AudioPump,
    ProcessorContext,
)
from interview_coach.realtime.protocol import (
    BYTES_PER_SAMPLE,
    AudioReceived,
    ConnectionCore,
    EndRequested,
)
from interview_coach.realtime.registry import SessionRegistry, SessionStats
from interview_coach.realtime.transport import Transport, TransportClosed
from interview_coach.resources import Resources

T = TypeVar("T")

RESTARTING_MESSAGE = "The server is restarting; reconnect to continue the interview."
INTERNAL_MESSAGE = "Something went wrong on the server; reconnect to continue the interview."


@dataclass(frozen=True)
class _Utterance:
    """A line being spoken: its transcript sequence (the utterance id) and start offset."""

    sequence: int
    offset_ms: int


@dataclass(frozen=True)
class Ended:
    reason: EndReason


@dataclass(frozen=True)
class Replaced:
    pass


@dataclass(frozen=True)
class Faulted:
    close_code: CloseCode
    message: str


@dataclass(frozen=True)
class Dropped:
    pass


Outcome = Ended | Replaced | Faulted | Dropped


@dataclass(frozen=True)
class SessionDeps:
    """What every session of one server shares."""

    resources: Resources
    registry: SessionRegistry
    interviewer_factory: InterviewerFactory
    processor_factories: Sequence[AudioProcessorFactory]
    writes: GroupTransaction


class LiveSession:
    def __init__(
        self,
        deps: SessionDeps,
        *,
        session_id: str,
        user_id: int,
        transport: Transport,
        core: ConnectionCore,
        admission: Admission,
        sample_rate: int,
    ) -> None:
        self.session_id = session_id
        self.user_id = user_id
        self.stats = SessionStats()
        self._deps = deps
        self._settings = deps.resources.settings
        self._transport = transport
        self._core = core
        self._admission = admission
        self._sample_rate = sample_rate
        self._interview: Interview = admission.interview
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time()
        self._next_sequence = admission.transcript[-1].sequence + 1 if admission.transcript else 0
        self._speaking: dict[Speaker, _Utterance] = {}
        self._audio_ms0 = 0
        self._samples = 0
        self._pump: AudioPump | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._writes: set[asyncio.Task[Any]] = set()
        self._settled: asyncio.Future[None] | None = None
        self._goodbye: asyncio.Task[None] | None = None
        self._log = {
            "session": session_id,
            "interview": self._interview.id,
            "user": user_id,
            "remote": transport.remote,
        }

    @property
    def interview_id(self) -> str:
        return self._interview.id

    @property
    def duration_seconds(self) -> float:
        return self._interview.duration_minutes * self._settings.interview_seconds_per_minute

    def elapsed_ms(self) -> int:
        """Milliseconds since the interview first started (the transcript's time base)."""
        return int((self._loop.time() - self._t0) * 1000)

    # ------------------------------------------------------------ opening

    async def begin(self) -> None:
        """Answer the StartRequest, resend the saved transcript, start the interviewer."""
        now = self._loop.time()
        elapsed = max(0.0, (utcnow() - self._admission.started_at).total_seconds())
        self._t0 = now - elapsed
        self._audio_ms0 = self.elapsed_ms()
        self._core.go_live(self._sample_rate, now)
        interviewer = self._deps.interviewer_factory(self._context())
        await self._send(
            messages.start_response(
                session_id=self.session_id,
                duration_seconds=math.ceil(self.duration_seconds),
                ai_sample_rate_hertz=self._settings.interviewer_audio_sample_rate,
                elapsed_ms=self._audio_ms0,
                resumed=self._admission.resumed,
                interviewer_engine=interviewer.engine,
            )
        )
        for entry in self._admission.transcript:
            await self._send(
                messages.transcript(
                    entry.sequence, entry.speaker, entry.text, entry.offset_ms, is_final=True
                )
            )
        self._start_audio_pump(interviewer)
        self._tasks = [
            self._loop.create_task(self._interview_task(interviewer)),
            self._loop.create_task(self._clock_task()),
        ]
        logs.event(
            "session.started",
            resumed=self._admission.resumed,
            resent=len(self._admission.transcript),
            elapsed_ms=self._audio_ms0,
            encoding=self._core.encoding,
            **self._log,
        )

    def _context(self) -> InterviewContext:
        interview = self._interview
        return InterviewContext(
            interview_id=interview.id,
            job_title=interview.job_title,
            persona=interview.persona,
            job_description=interview.job_description,
            resume=interview.resume,
            duration_seconds=self.duration_seconds,
            elapsed_ms=self._audio_ms0,
            transcript=tuple(
                SpokenLine(entry.speaker, entry.text, entry.offset_ms, entry.end_ms)
                for entry in self._admission.transcript
            ),
            saved_state=interview.interviewer_state,
            sample_rate=self._sample_rate,
        )

    def _start_audio_pump(self, interviewer: Interviewer) -> None:
        context = ProcessorContext(
            session_id=self.session_id,
            interview_id=self.interview_id,
            user_id=self.user_id,
            sample_rate=self._sample_rate,
        )
        processors: list[AnyAudioProcessor] = [
            factory(context) for factory in self._deps.processor_factories
        ]
        if interviewer.wants_audio:
            processors.append(interviewer)
        if processors:
            self._pump = AudioPump(processors, self._settings.audio_queue_chunks)

    # ------------------------------------------------------------ receiving

    async def run(self) -> None:
        """Read frames until the session ends; returns once the connection is closed."""
        outcome: Outcome
        try:
            outcome = await self._transport.consume(self._on_frame)
        except TransportClosed:
            outcome = Dropped()
        except ProtocolViolation as violation:
            outcome = Faulted(violation.close_code, violation.message)
        except Exception:
            logs.log.exception("receive loop failed %s", logs.fields(**self._log))
            outcome = Faulted(CloseCode.INTERNAL_ERROR, INTERNAL_MESSAGE)
        await self._finish(outcome)
        if self._goodbye is not None:
            await self._goodbye

    def _on_frame(self, frame: Frame) -> Outcome | None:
        """One message from the client (hot path: called per audio chunk, never waits);
        an outcome when it ends the session."""
        event = self._core.receive(frame, self._loop.time())
        if type(event) is AudioReceived:
            self._on_audio(event.pcm)
        elif type(event) is EndRequested:
            return Ended(EndReason.USER_INITIATED)
        return None

    def _on_audio(self, pcm: bytes) -> None:
        """Count the chunk and hand it to the processors; never waits (hot path)."""
        self.stats.audio_chunks += 1
        self.stats.audio_bytes += len(pcm)
        if self._pump is not None:
            self._pump.offer(pcm, self._audio_offset_ms())
        self._samples += len(pcm) // BYTES_PER_SAMPLE

    def _audio_offset_ms(self) -> int:
        """Where the next audio starts: this connection's start plus the audio received."""
        return self._audio_ms0 + self._samples * 1000 // self._sample_rate

    # ------------------------------------------------------------ the interviewer's sink

    async def status(self, state: InterviewerState) -> None:
        await self._send(messages.status(state))

    async def partial(self, text: str) -> None:
        line = self._utterance(Speaker.AI, self.elapsed_ms())
        await self._send(
            messages.transcript(line.sequence, Speaker.AI, text, line.offset_ms, is_final=False)
        )

    async def final(self, text: str, *, reply_latency_ms: int | None = None) -> None:
        now = self.elapsed_ms()
        await self._finalise(Speaker.AI, text, now, now, reply_latency_ms)

    async def audio(self, pcm: bytes) -> None:
        line = self._utterance(Speaker.AI, self.elapsed_ms())
        await self._send(messages.audio(pcm, line.sequence))

    async def cleared(self, heard_ms: int) -> None:
        line = self._speaking.get(Speaker.AI)
        if line is not None:
            await self._send(messages.playback_cleared(line.sequence, heard_ms))

    async def user_partial(self, text: str, offset_ms: int) -> None:
        line = self._utterance(Speaker.USER, offset_ms)
        await self._send(
            messages.transcript(line.sequence, Speaker.USER, text, line.offset_ms, is_final=False)
        )

    async def user_final(self, text: str, offset_ms: int, end_ms: int) -> None:
        await self._finalise(Speaker.USER, text, offset_ms, end_ms)

    async def save_state(self, state: Mapping[str, Any]) -> None:
        await self._durably(self._save_state(state))

    async def notice(self, kind: NoticeKind, message: str) -> None:
        await self._send(messages.notice(kind, message))

    def _utterance(self, speaker: Speaker, offset_ms: int) -> _Utterance:
        """The speaker's line in progress, or a new one with the next sequence: lines of the
        two speakers may overlap (barge-in), so each takes its id when it starts."""
        line = self._speaking.get(speaker)
        if line is None:
            line = self._speaking[speaker] = _Utterance(self._next_sequence, offset_ms)
            self._next_sequence += 1
        return line

    async def _finalise(
        self,
        speaker: Speaker,
        text: str,
        offset_ms: int,
        end_ms: int,
        reply_latency_ms: int | None = None,
    ) -> None:
        """Stored first, then sent: a crash after this line loses nothing that was said."""
        line = self._utterance(speaker, offset_ms)
        stored = transcripts.Line(
            line.sequence, speaker, text, line.offset_ms, end_ms, reply_latency_ms
        )
        await self._durably(self._store(stored))
        del self._speaking[speaker]
        await self._send(
            messages.transcript(line.sequence, speaker, text, line.offset_ms, is_final=True)
        )

    # ------------------------------------------------------------ background tasks

    async def _interview_task(self, interviewer: Interviewer) -> None:
        try:
            await interviewer.run(self)
        except ProviderUnavailable as error:
            # The AI provider failed and the fallback is off: say so and close; the
            # interview stays IN_PROGRESS, to be rejoined.
            logs.event("session.provider_failed", code=error.code, **self._log)
            await self._finish(Faulted(CloseCode.TRY_AGAIN_LATER, provider_message(error)))
            return
        except Exception:
            logs.log.exception("interviewer failed %s", logs.fields(**self._log))
            await self._finish(Faulted(CloseCode.INTERNAL_ERROR, INTERNAL_MESSAGE))
            return
        await self._finish(Ended(EndReason.AI_INITIATED))

    async def _clock_task(self) -> None:
        """Ends the interview when its duration runs out; meanwhile keeps last_seen_at fresh."""
        deadline = self._t0 + self.duration_seconds
        while (remaining := deadline - self._loop.time()) > 0:
            await asyncio.sleep(min(remaining, self._settings.touch_interval_seconds))
            if self._loop.time() < deadline:
                await self._durably(self._touch())
        await self._finish(Ended(EndReason.TIMEOUT))

    async def _durably(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a database write to completion even if the calling task is cancelled;
        ``_finish`` waits for such writes before it settles the interview."""
        task = self._loop.create_task(work)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return await asyncio.shield(task)

    async def _store(self, line: transcripts.Line) -> None:
        await transcripts.store(self._deps.writes, self.interview_id, line)

    async def _save_state(self, state: Mapping[str, Any]) -> None:
        async with self._deps.resources.sessions() as db:
            await conversation_state.save(db, self.interview_id, state)

    async def _touch(self) -> None:
        await self._deps.writes.run(lifecycle.TOUCHES, self.interview_id)

    # ------------------------------------------------------------ ending

    async def replace(self) -> None:
        """A newer connection takes the interview: tell this one and close it."""
        await self._finish(Replaced())

    async def shutdown(self) -> None:
        """The server is stopping: close with 1012; the interview stays rejoinable."""
        await self._finish(Faulted(CloseCode.SERVICE_RESTART, RESTARTING_MESSAGE))

    async def _finish(self, outcome: Outcome) -> None:
        """End the session once, whoever asks first. Returns when the interview is settled
        (tasks stopped, writes landed, status recorded); the goodbye (last message and the
        closing handshake, which a dead client can stall) goes on in the background, and
        the connection's own handler waits for it in ``run``."""
        if self._settled is not None:
            await asyncio.shield(self._settled)
            return
        self._settled = self._loop.create_future()
        self._core.close()
        try:
            reported = await self._wind_down(outcome)
        finally:
            self._deps.registry.detach(self)
            self._settled.set_result(None)
        self._goodbye = self._loop.create_task(self._say_goodbye(reported))

    async def _wind_down(self, outcome: Outcome) -> Outcome:
        try:
            await self._stop_tasks()
            return await self._settle(outcome)
        except Exception:
            logs.log.exception("ending the session failed %s", logs.fields(**self._log))
            return Faulted(CloseCode.INTERNAL_ERROR, INTERNAL_MESSAGE)

    async def _stop_tasks(self) -> None:
        """Stop the interviewer and the clock (not the caller), let writes land, drain audio."""
        current = asyncio.current_task()
        others = [task for task in self._tasks if task is not current]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        if self._pump is not None:
            await self._pump.close(self._audio_offset_ms())
            self.stats.audio_dropped = self._pump.dropped

    async def _settle(self, outcome: Outcome) -> Outcome:
        """Record the outcome in the database; returns what actually happened (another
        path may have ended the interview first, e.g. the grace sweeper)."""
        writes = self._deps.writes
        if not isinstance(outcome, Ended):
            await writes.run(lifecycle.TOUCHES, self.interview_id)
            return outcome
        if await writes.run(lifecycle.ENDS, (self.interview_id, outcome.reason)):
            return outcome
        async with self._deps.resources.sessions() as db:
            stored = await db.get(Interview, self.interview_id, populate_existing=True)
        reason = stored.end_reason if stored is not None else None
        return Ended(reason or outcome.reason)

    async def _say_goodbye(self, outcome: Outcome) -> None:
        try:
            if isinstance(outcome, Ended):
                await self._send(messages.ended(outcome.reason))
                await self._transport.close(CloseCode.NORMAL, outcome.reason.lower())
            elif isinstance(outcome, Replaced):
                await self._send(messages.replaced())
                await self._transport.close(CloseCode.NORMAL, "replaced")
            elif isinstance(outcome, Faulted):
                await self._send(messages.error(outcome.close_code, outcome.message))
                await self._transport.close(outcome.close_code, outcome.close_code.name.lower())
            else:
                await self._transport.close(CloseCode.NORMAL, "dropped")
        finally:
            logs.event(
                "session.ended",
                outcome=_describe(outcome),
                audio_chunks=self.stats.audio_chunks,
                audio_bytes=self.stats.audio_bytes,
                audio_dropped=self.stats.audio_dropped,
                elapsed_ms=self.elapsed_ms(),
                **self._log,
            )

    async def _send(self, message: messages.Message) -> None:
        """Send if the connection is still there; a gone client is the receive loop's news."""
        with contextlib.suppress(TransportClosed):
            await self._transport.send(self._core.encode(message))


def provider_message(error: ProviderUnavailable) -> str:
    """Why the session closed when the provider failed and no fallback is allowed."""
    return (
        f"The AI interviewer ({error.provider}) is not available ({error.message}). "
        "Your interview is saved: rejoin to continue once the provider is reachable."
    )


def _describe(outcome: Outcome) -> str:
    if isinstance(outcome, Ended):
        return f"ended:{outcome.reason}"
    if isinstance(outcome, Faulted):
        return f"closed:{int(outcome.close_code)}"
    return type(outcome).__name__.lower()
