"""The offline spoken interviewer: it speaks, listens, understands the answer, follows up.

One ``OfflineInterviewer`` per live connection. The words come from the planner and the
dialogue rules (``planner``, ``dialogue``: pure, no I/O); the voice from the speech engines
(``voice``: speech-to-text and text-to-speech in a bounded worker pool, never on the event
loop). This module only orchestrates, as three cooperating parts:

* ``process`` (the session's audio pump) runs voice-activity detection on each chunk,
  inline because it is cheap, and posts what it heard to the conversation; it flags a
  barge-in when the user talks over the interviewer for ``barge_in_ms`` (not counting the
  first ``echo_guard_ms`` of playback, and never when the audio is our own echo);
* ``_say`` synthesises a reply sentence by sentence (the next one while the current one
  plays), sends each sentence's caption just before its audio, paces the audio in real
  time a little ahead of playback, and stops at once on a barge-in, keeping only the words
  the user heard;
* ``_listen`` cuts the answer at gaps between words and recognises each part once, as soon
  as it is cut (so the end of the turn has only the last part left), shows the line
  growing, ends the turn after a silence (longer when the words so far leave a sentence
  open) and prompts a silent user.

Where it is in the interview (plan, dialogue state, whether it is waiting for an answer)
is saved through the sink after every turn, so a rejoin or a restart goes on from there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from interview_coach.config import Settings
from interview_coach.interviewer.base import (
    InterviewContext,
    Interviewer,
    InterviewerFactory,
    InterviewerSink,
    InterviewerState,
    NoticeKind,
)
from interview_coach.interviewer.dialogue import (
    Answer,
    DialogueState,
    Reply,
    ReplyKind,
    Silence,
    opening,
    respond,
)
from interview_coach.interviewer.echo import EchoReference
from interview_coach.interviewer.planner import Plan, build_plan
from interview_coach.interviewer.turns import (
    Hearing,
    Phrase,
    end_of_turn_silence_ms,
)
from interview_coach.interviews.enums import Speaker
from interview_coach.interviews.speech.detectors import BYTES_PER_SAMPLE
from interview_coach.voice.base import split_sentences
from interview_coach.voice.engines import VoiceEngines
from interview_coach.voice.errors import PoolSaturated

T = TypeVar("T")

STATE_VERSION = 1
CHUNK_MS = 40  # interviewer audio goes out in 40 ms chunks, like the user's
# While the user talks, the answer is cut at gaps between words into parts of at least
# this much speech, each recognised once as soon as it is cut: the page shows the line
# growing, and the end of the turn has only the last part left (the recogniser costs a
# fixed ~0.6 CPU-s a call, whatever the length, plus its decoding of each word once).
PART_MS = 2500
# With no gap between words for this long, the answer is cut anyway.
FORCED_CUT_MS = 8000
# A recognition not back after this long means the server is busy: the page says so.
TRANSCRIPT_LATE_SECONDS = 2.0
# The latest stretch of "speech" compared with what the interviewer sent, for echo; a
# barge-in needs this many checks in a row (one per chunk) to find a voice that is not
# the echo, so one window that straddles a jump in playback timing cannot trigger it.
ECHO_WINDOW_MS = 300
VOICE_CHECKS = 3
DELAYED_MESSAGE = (
    "The server is busy, so your words are taking a little longer to appear. "
    "Keep going: nothing is lost."
)


@dataclass(frozen=True)
class _Progress:
    """The user is still talking; ``end_ms`` is a place to cut what came before."""

    end_ms: int
    between_words: bool


@dataclass(frozen=True)
class ConversationTimings:
    """Turn-taking thresholds, from settings (docs/protocol.md explains each)."""

    end_silence_ms: int
    open_end_silence_ms: int
    answer_wait_seconds: float
    barge_in_ms: int
    echo_guard_ms: int
    lead_ms: int
    page_buffer_ms: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConversationTimings:
        return cls(
            end_silence_ms=settings.turn_end_silence_ms,
            open_end_silence_ms=settings.turn_open_end_silence_ms,
            answer_wait_seconds=settings.answer_wait_seconds,
            barge_in_ms=settings.barge_in_ms,
            echo_guard_ms=settings.echo_guard_ms,
            lead_ms=settings.interviewer_audio_lead_ms,
            page_buffer_ms=settings.page_jitter_buffer_ms,
        )


class _Transcript:
    """The user's current turn: its parts, each recognised once, in order."""

    def __init__(self) -> None:
        self.start_ms: int | None = None
        self.end_ms = 0  # where the last finished phrase ended
        self.speech_ms = 0
        self.cut_ms = 0  # audio before this is in a part already
        self.parts: list[asyncio.Task[str]] = []
        self.open = False  # speech heard since the last finished phrase

    def begin(self, start_ms: int) -> None:
        if self.start_ms is None:
            self.start_ms = self.cut_ms = start_ms

    def text_so_far(self) -> str:
        """The parts recognised so far, up to the first one still running."""
        done: list[str] = []
        for part in self.parts:
            if not part.done() or part.cancelled():
                break
            done.append(part.result())
        return _joined(done)

    async def text(self) -> str:
        return _joined(await asyncio.gather(*self.parts))


def _joined(parts: list[str]) -> str:
    return " ".join(text for text in parts if text)


class OfflineInterviewer(Interviewer):
    wants_audio: ClassVar[bool] = True
    engine: ClassVar[str] = "offline"

    def __init__(
        self,
        context: InterviewContext,
        voice: VoiceEngines,
        *,
        sample_rate: int,
        output_rate: int,
        timings: ConversationTimings,
    ) -> None:
        self._context = context
        self._voice = voice
        self._rate = sample_rate
        self._output_rate = output_rate
        self._timings = timings
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time() - context.elapsed_ms / 1000
        self._hearing = Hearing(sample_rate)
        self._echo = EchoReference(output_rate, sample_rate)
        self._heard: asyncio.Queue[Phrase | _Progress | int] = asyncio.Queue()
        self._voice_checks = 0
        self._barge_in = asyncio.Event()
        self._speaking_since_ms: int | None = None  # user-audio time playback began
        self._floor_ms = 0  # phrases that start before this are not the user's turn
        self._delayed = False
        self._sink: InterviewerSink | None = None
        self._turn: _Transcript | None = None  # the user's turn being listened to
        self._last_cut_ms = 0  # where the user's audio was last cut for recognition

    # ------------------------------------------------------------ the audio pump's side

    async def process(self, pcm: bytes, offset_ms: int) -> None:
        heard = self._hearing.feed(pcm, offset_ms)
        for phrase in heard.phrases:
            self._heard.put_nowait(phrase)
        if self._hearing.speaking:
            position = self._hearing.position_ms
            self._heard.put_nowait(position)
            if heard.gap_ms is not None:
                self._heard.put_nowait(_Progress(heard.gap_ms, between_words=True))
            elif position - self._last_cut_ms >= FORCED_CUT_MS:
                self._last_cut_ms = position
                self._heard.put_nowait(_Progress(position, between_words=False))
            self._check_barge_in()

    async def close(self, offset_ms: int) -> None:
        """The connection ended (a drop, End, the time limit): an answer being given is
        recognised and stored, so nothing said is lost and a rejoin replies to it."""
        turn = self._turn
        if turn is None or turn.start_ms is None or self._sink is None:
            return
        end_ms = self._hearing.position_ms if self._hearing.speaking else turn.end_ms
        if end_ms > turn.cut_ms:
            self._cut(turn, end_ms, pad_end=True)
        text = await turn.text()
        if text:
            await self._sink.user_final(text, turn.start_ms, end_ms)

    def _check_barge_in(self) -> None:
        since = self._speaking_since_ms
        start = self._hearing.speech_start_ms
        if since is None or start is None or self._barge_in.is_set():
            self._voice_checks = 0
            return
        if not self._hearing.voiced_now:
            return
        start = max(start, since + self._timings.echo_guard_ms)
        if self._hearing.position_ms - start < self._timings.barge_in_ms:
            return
        position = self._hearing.position_ms
        recent = self._hearing.audio.cut(max(start, position - ECHO_WINDOW_MS), position)
        if self._echo.is_echo(recent):
            self._voice_checks = 0
            return
        self._voice_checks += 1
        if self._voice_checks >= VOICE_CHECKS:
            self._floor_ms = start
            self._barge_in.set()

    # ------------------------------------------------------------ the conversation

    async def run(self, sink: InterviewerSink) -> None:
        self._sink = sink
        plan, state, reply = self._restore()
        before = state
        latency_from: float | None = None
        while True:
            if reply is not None:
                await self._save(plan, state, pending=reply)
                said = await self._say(reply, latency_from)
                if said is None:
                    state = before  # the user spoke first: that reply was never said
                await self._save(plan, state)
                if said is not None and reply.kind is ReplyKind.CLOSE:
                    return
            event, latency_from = await self._listen()
            before = state
            reply, state = respond(plan, state, event, self._remaining(), self._context.persona)

    def _restore(self) -> tuple[Plan, DialogueState, Reply | None]:
        """Where to start: a new plan and its greeting; or, from the saved state, the line a
        restart cut short said again, the reply to an answer stored just before a restart,
        or (a question asked and not yet answered) nothing: listen on, never ask twice."""
        context = self._context
        saved = context.saved_state
        if not saved or saved.get("version") != STATE_VERSION:
            plan = build_plan(
                context.job_title,
                context.job_description,
                context.resume,
                context.persona,
                context.duration_seconds,
            )
            reply, state = opening(plan, DialogueState())
            return plan, state, reply
        plan = Plan.from_dict(saved["plan"])
        state = DialogueState.from_dict(saved["dialogue"])
        pending = saved.get("pending")
        if pending:
            return plan, state, Reply(ReplyKind(pending["kind"]), pending["text"])
        last = context.transcript[-1] if context.transcript else None
        if last is not None and last.speaker is Speaker.USER:
            seconds = ((last.end_ms or last.offset_ms) - last.offset_ms) / 1000
            answer = Answer(last.text, seconds)
            reply, state = respond(plan, state, answer, self._remaining(), context.persona)
            return plan, state, reply
        return plan, state, None

    async def _save(self, plan: Plan, state: DialogueState, pending: Reply | None = None) -> None:
        snapshot: dict[str, Any] = {
            "version": STATE_VERSION,
            "plan": plan.to_dict(),
            "dialogue": state.to_dict(),
            "pending": {"kind": str(pending.kind), "text": pending.text} if pending else None,
        }
        await self._out.save_state(snapshot)

    @property
    def _out(self) -> InterviewerSink:
        assert self._sink is not None, "run() sets the sink"
        return self._sink

    def _remaining(self) -> float:
        return self._context.duration_seconds - (self._loop.time() - self._t0)

    # ------------------------------------------------------------ speaking

    async def _say(self, reply: Reply, latency_from: float | None) -> str | None:
        """Speak ``reply``; returns the words the user heard (all, unless they cut in), or
        None when the user started talking before its first sound: the interviewer never
        starts a line while the user speaks."""
        sink = self._out
        sentences = split_sentences(reply.text) or [reply.text]
        await sink.status(InterviewerState.THINKING)
        self._barge_in.clear()
        synth = self._synthesise(sentences[0])
        spoken: list[tuple[str, int]] = []  # (sentence, audio ms) sent so far
        started: float | None = None
        sent_ms = 0
        latency_ms: int | None = None
        interrupted = False
        for index, sentence in enumerate(sentences):
            pcm = await synth
            if self._barge_in.is_set():
                interrupted = True
                break
            if index + 1 < len(sentences):
                synth = self._synthesise(sentences[index + 1])
            if started is None:
                if self._hearing.speaking:
                    synth.cancel()
                    await sink.status(InterviewerState.LISTENING)
                    return None
                started = self._loop.time()
                self._speaking_since_ms = self._hearing.position_ms
                await sink.status(InterviewerState.SPEAKING)
                if latency_from is not None:
                    latency_ms = round((started - latency_from) * 1000)
            spoken.append((sentence, self._duration_ms(pcm)))
            await sink.partial(" ".join(text for text, _ in spoken))
            sent_ms, interrupted = await self._stream(pcm, started, sent_ms)
            if interrupted:
                break
        if not interrupted:
            interrupted = await self._until_played(started, sent_ms)
        if interrupted:
            synth.cancel()
            heard_ms = self._heard_ms(started, sent_ms)
            await sink.cleared(heard_ms)
            text = words_heard(spoken, heard_ms)
        else:
            text = " ".join(sentence for sentence, _ in spoken)
        self._speaking_since_ms = None
        await sink.final(text or "…", reply_latency_ms=latency_ms)
        await sink.status(InterviewerState.LISTENING)
        if not interrupted:
            self._floor_ms = self._hearing.position_ms
        return text

    def _duration_ms(self, pcm: bytes) -> int:
        """How long interviewer audio plays."""
        return len(pcm) * 1000 // (self._output_rate * BYTES_PER_SAMPLE)

    def _synthesise(self, sentence: str) -> asyncio.Future[bytes]:
        tts = self._voice.tts
        return asyncio.ensure_future(self._when_room(tts.synthesize, sentence, self._output_rate))

    async def _stream(self, pcm: bytes, started: float, sent_ms: int) -> tuple[int, bool]:
        """Send ``pcm`` in chunks, ``lead_ms`` ahead of real time; stop on a barge-in."""
        sink = self._out
        chunk = self._output_rate * CHUNK_MS // 1000 * BYTES_PER_SAMPLE
        for first in range(0, len(pcm), chunk):
            due = started + (sent_ms - self._timings.lead_ms) / 1000
            wait = due - self._loop.time()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._barge_in.wait(), wait)
            if self._barge_in.is_set():
                return sent_ms, True
            part = pcm[first : first + chunk]
            await sink.audio(part)
            self._echo.sent(part, self._loop.time())
            sent_ms += self._duration_ms(part)
        return sent_ms, self._barge_in.is_set()

    async def _until_played(self, started: float | None, sent_ms: int) -> bool:
        """Wait until the page has played what was sent; True if the user cut in meanwhile."""
        if started is None:
            return False
        end = started + (sent_ms + self._timings.page_buffer_ms) / 1000
        wait = end - self._loop.time()
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._barge_in.wait(), wait)
        return self._barge_in.is_set()

    def _heard_ms(self, started: float | None, sent_ms: int) -> int:
        if started is None:
            return 0
        played = (self._loop.time() - started) * 1000 - self._timings.page_buffer_ms
        return max(0, min(sent_ms, round(played)))

    # ------------------------------------------------------------ listening

    async def _listen(self) -> tuple[Answer | Silence, float | None]:
        """Wait for the user's turn to end; returns it and when (loop time) their speech
        ended, or a Silence when they said nothing for ``answer_wait_seconds``."""
        turn = self._turn = _Transcript()
        waiting_since = self._loop.time()
        shown = ""
        while True:
            try:
                item = await asyncio.wait_for(
                    self._heard.get(), self._silence_timeout(turn, waiting_since)
                )
            except TimeoutError:
                if turn.start_ms is None and not self._hearing.speaking:
                    return Silence(self._loop.time() - waiting_since), None
                item = None
            if turn.start_ms is None and self._hearing.speaking:
                waiting_since = self._loop.time()  # talking is not silence
            self._follow(turn, item)
            if turn.text_so_far() != shown and turn.start_ms is not None:
                shown = turn.text_so_far()
                await self._out.user_partial(shown, turn.start_ms)
            if turn.start_ms is None or turn.open or self._hearing.speaking:
                continue
            silence = self._hearing.position_ms - turn.end_ms
            needed = end_of_turn_silence_ms(
                shown, self._timings.end_silence_ms, self._timings.open_end_silence_ms
            )
            if silence < needed:
                continue
            text = await turn.text()
            if text:
                return await self._answered(turn, text)
            turn = self._turn = _Transcript()  # no words: a cough, noise
            shown = ""
            waiting_since = self._loop.time()

    def _follow(self, turn: _Transcript, item: Phrase | _Progress | int | None) -> None:
        """Update the turn with one thing heard: speech goes on (a position), a place to
        cut between words, or a finished phrase (the pause after it ends a part)."""
        if isinstance(item, int):
            if turn.start_ms is not None and item > turn.end_ms:
                turn.open = True
        elif isinstance(item, _Progress):
            start = self._hearing.speech_start_ms
            if item.end_ms <= self._floor_ms or start is None:
                return
            turn.begin(max(start, self._floor_ms))
            turn.open = True
            if item.end_ms - turn.cut_ms >= (PART_MS if item.between_words else 0):
                self._cut(turn, item.end_ms, pad_end=False)
        elif isinstance(item, Phrase):
            if item.end_ms <= self._floor_ms:
                return  # before the question ended: noise or our own echo
            start = max(item.start_ms, self._floor_ms)
            turn.begin(start)
            turn.speech_ms += item.end_ms - start
            turn.end_ms = item.end_ms
            turn.open = False
            if item.end_ms > turn.cut_ms:
                self._cut(turn, item.end_ms, pad_end=True)

    def _cut(self, turn: _Transcript, end_ms: int, *, pad_end: bool) -> None:
        """Send the turn's audio from its last cut to ``end_ms`` for recognition."""
        pcm = self._hearing.phrase_audio(
            turn.cut_ms,
            end_ms,
            pad_start=not turn.parts or turn.cut_ms == turn.end_ms,
            pad_end=pad_end,
        )
        turn.parts.append(asyncio.ensure_future(self._transcribe(pcm)))
        turn.cut_ms = end_ms
        self._last_cut_ms = end_ms

    def _silence_timeout(self, turn: _Transcript, waiting_since: float) -> float:
        """How long to wait for the next thing heard: the answer wait before any speech,
        then a short tick so the end-of-turn silence is judged even if audio stops."""
        if turn.start_ms is None:
            return max(0.05, waiting_since + self._timings.answer_wait_seconds - self._loop.time())
        return self._timings.end_silence_ms / 1000 / 4

    async def _transcribe(self, pcm: bytes) -> str:
        """Recognise ``pcm`` in the pool; when the pool is busy for so long that the words
        are late, the page is told (and told again when recognition has caught up)."""
        job = asyncio.ensure_future(self._recognise_when_room(pcm))
        try:
            done, _ = await asyncio.wait({job}, timeout=TRANSCRIPT_LATE_SECONDS)
            if not done:
                await self._tell_delay(True)
            text = await job
        finally:
            job.cancel()
        await self._tell_delay(self._voice.pool.saturated)
        return text.strip()

    async def _recognise_when_room(self, pcm: bytes) -> str:
        return await self._when_room(self._voice.stt.transcribe, pcm, self._rate)

    async def _when_room(self, fn: Callable[..., T], *args: Any) -> T:
        """Run in the pool; a full queue is no failure: retry until there is room (the page
        is told the transcript is delayed meanwhile)."""
        while True:
            with contextlib.suppress(PoolSaturated):
                return await self._voice.pool.run(fn, *args)
            await self._tell_delay(True)
            await asyncio.sleep(0.2)

    async def _tell_delay(self, delayed: bool) -> None:
        if delayed == self._delayed:
            return
        self._delayed = delayed
        kind = NoticeKind.TRANSCRIPT_DELAYED if delayed else NoticeKind.TRANSCRIPT_CAUGHT_UP
        await self._out.notice(kind, DELAYED_MESSAGE if delayed else "")

    async def _answered(self, turn: _Transcript, text: str) -> tuple[Answer, float]:
        assert turn.start_ms is not None
        self._turn = None
        await self._out.user_final(text, turn.start_ms, turn.end_ms)
        behind_ms = self._hearing.position_ms - turn.end_ms
        speech_end = self._loop.time() - behind_ms / 1000
        return Answer(text, turn.speech_ms / 1000), speech_end


def words_heard(spoken: list[tuple[str, int]], heard_ms: int) -> str:
    """The words of the sentences sent that were played by ``heard_ms`` (a sentence's words
    take equal shares of its audio)."""
    words: list[str] = []
    for sentence, duration_ms in spoken:
        parts = sentence.split()
        if heard_ms >= duration_ms:
            words.extend(parts)
            heard_ms -= duration_ms
            continue
        words.extend(parts[: len(parts) * heard_ms // max(1, duration_ms)])
        break
    return " ".join(words)


def handover_state(context: InterviewContext) -> dict[str, Any]:
    """A saved state for taking over an interview another engine began (a provider that
    failed): a plan for it, on the question the interviewer's lines reached, so the
    offline interviewer neither greets again nor asks from the start. ``_restore`` then
    replies to an answer stored last, or listens on after a question stored last."""
    plan = build_plan(
        context.job_title,
        context.job_description,
        context.resume,
        context.persona,
        context.duration_seconds,
    )
    asked = sum(1 for line in context.transcript if line.speaker is Speaker.AI and "?" in line.text)
    index = max(0, min(asked - 1, len(plan.questions) - 3))
    return {
        "version": STATE_VERSION,
        "plan": plan.to_dict(),
        "dialogue": DialogueState(index=index).to_dict(),
        "pending": None,
    }


def offline_factory(settings: Settings, voice: VoiceEngines) -> InterviewerFactory:
    """One engine per connection, sharing the process's loaded voice engines."""
    timings = ConversationTimings.from_settings(settings)

    def create(context: InterviewContext) -> Interviewer:
        return OfflineInterviewer(
            context,
            voice,
            sample_rate=context.sample_rate,
            output_rate=settings.interviewer_audio_sample_rate,
            timings=timings,
        )

    return create
