"""Reply latency and capacity of spoken interviews (not a test: it measures).

Starts a real ``RealtimeServer`` in this process (SQLite in a temporary directory, the offline
interviewer, the voice engines loaded once with ``load_voice_engines`` and the default
settings: Whisper tiny.en, Piper, one inference worker per core), then, for each N, N spoken
clients at once (``tests/conversation/client.py``: real time, 40 ms chunks, loopback only).
Each client answers every interviewer line, after a short human pause, with a Piper answer of
8 to 15 s (fixed scripts, synthesised once before anything is timed), for ``--turns`` turns.

Reported per N:

- reply latency as stored (``transcript_entries.reply_latency_ms``: the server's end of the
  user's speech to the first interviewer audio sent) and as the client sees it (its last
  answer chunk sent to the first interviewer audio chunk received: this includes the
  answer's own trailing silence and the end-of-turn silence, nothing is subtracted);
- where one turn's time goes, measured from outside: every inference call goes through a
  timing wrapper around the pool (the product code is unchanged), tagged by interview;
- the user lines' word error rate against the scripts, the process's CPU-seconds (all
  threads: ``time.process_time``) per session-minute, peak RSS, and how many
  ``TRANSCRIPT_DELAYED`` notices were sent.

    PYTHONPATH=src .venv/bin/python benchmarks/spoken_latency.py --sessions 1 2 4 --turns 5 --json
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

# The protocol client and the WER helper live with the tests; import them, never copy them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conversation.client import RATE, SpokenClient, is_final, is_kind
from support import add_member
from wer import word_error_rate

from interview_coach.config import Settings
from interview_coach.db.migrate import upgrade
from interview_coach.interviewer.base import InterviewContext, Interviewer, InterviewerFactory
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviews import service
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines, load_voice_engines
from interview_coach.voice.pool import InferencePool

T = TypeVar("T")
JOB_DESCRIPTION = (
    "We are hiring a platform engineer to run our Kubernetes clusters in production.\n"
    "- Experience with Terraform and AWS\n"
    "- On-call ownership of incident response\n"
)
RESUME = (
    "Backend engineer at Acme Payments, 2019-2024.\n"
    "Led the billing migration from MySQL to PostgreSQL.\n"
    "Skills: Python, Kubernetes, Terraform.\n"
)
# Answers of about 8 to 15 s in the packaged Piper voice, each ending a sentence (an open
# ending would make the server wait its longer end-of-turn silence).
SCRIPTS = (
    "At Acme Payments I led the billing migration from MySQL to PostgreSQL. I planned the cut "
    "over with my team, and I wrote the scripts that copied the data. We went live on a Sunday "
    "night with no downtime, and invoice errors fell by half.",
    "Last year our main cluster ran out of memory during a big sale. I was on call, so I "
    "scaled the nodes, moved two noisy services away, and wrote a clear update for the "
    "support team. The site stayed up, and we added alerts the next week.",
    "I like to start with a small plan and a short list of risks. In my last job I managed a "
    "team of five engineers, and we shipped the mobile app two weeks early. Our customers "
    "were very happy with the result.",
    "I moved our servers to Terraform so every change was reviewed. It took about a month of "
    "careful work with the operations team. After that, new environments took one hour "
    "instead of three days, and nobody edited production by hand.",
)
HUMAN_PAUSE_SECONDS = 0.7  # between the interviewer's line ending and the answer
LINE_WAIT_SECONDS = 60.0  # the greeting and first question take about 15 s to say
SILENCE_LEVEL = 300  # |sample| below this (about -40 dBFS) is the answer's trailing silence


@dataclass
class Call:
    """One inference call of one session: when it was queued, ran and finished."""

    kind: str  # "transcribe" or "synthesize"
    text: str  # the text synthesised, or the text recognised
    submitted: float
    started: float = 0.0
    finished: float = 0.0
    audio_seconds: float = 0.0  # transcribe: the audio recognised


class TimedPool:
    """The shared pool, as one session sees it: every call it makes is timed and logged."""

    def __init__(self, pool: InferencePool, calls: list[Call]) -> None:
        self._pool = pool
        self._calls = calls

    @property
    def saturated(self) -> bool:
        return self._pool.saturated

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        name = getattr(fn, "__name__", "call")
        call = Call(name, args[0] if name == "synthesize" else "", time.monotonic())

        def work(*inner: Any) -> T:
            call.started = time.monotonic()
            result = fn(*inner)
            call.finished = time.monotonic()
            if name == "transcribe":
                call.text = str(result).strip()
                call.audio_seconds = len(inner[0]) / 2 / inner[1]
            self._calls.append(call)
            return result

        return await self._pool.run(work, *args)


def timed_factory(
    settings: Settings, voice: VoiceEngines, calls: dict[str, list[Call]]
) -> InterviewerFactory:
    """The offline interviewer as the server builds it, its pool calls logged per interview."""

    def create(context: InterviewContext) -> Interviewer:
        pool = TimedPool(voice.pool, calls.setdefault(context.interview_id, []))
        engines = dataclasses.replace(voice, pool=cast(InferencePool, pool))
        return offline_factory(settings, engines)(context)

    return create


@dataclass(frozen=True)
class Answer:
    script: str
    pcm: bytes
    trailing_silence: float  # seconds of quiet at the end of ``pcm``


def synthesise_answers(voice: VoiceEngines) -> list[Answer]:
    """Every script spoken once, before anything is timed."""
    answers = []
    for script in SCRIPTS:
        pcm = voice.tts.synthesize(script, RATE)
        samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
        loud = np.flatnonzero(samples > SILENCE_LEVEL)
        last = int(loud[-1]) + 1 if loud.size else 0
        answers.append(Answer(script, pcm, (samples.size - last) / RATE))
    return answers


@dataclass
class Turn:
    """One answer and the reply to it, as the client saw them."""

    script: str
    answer_seconds: float
    last_chunk_sent: float
    speech_end: float  # the last chunk less the answer's trailing silence
    user_text: str = ""
    user_final_at: float = 0.0
    first_audio_at: float = 0.0
    reply_first_sentence: str = ""


@dataclass
class SessionRun:
    interview_id: str
    started: float = 0.0
    ended: float = 0.0
    turns: list[Turn] = field(default_factory=list)
    delayed_notices: int = 0
    error: str = ""


async def seat(resources: Resources) -> tuple[str, str]:
    member = await add_member(resources)
    data = service.NewInterview(
        job_title="Platform Engineer",
        job_description=JOB_DESCRIPTION,
        resume=RESUME,
        persona="a friendly hiring manager",
        duration_minutes=30,
    )
    async with resources.sessions() as db:
        interview = await service.create_interview(db, member.id, data)
    return interview.id, resources.tickets.issue(member.id, interview.id)


async def one_session(
    url: str, interview_id: str, token: str, answers: list[Answer], offset: int, turns: int
) -> SessionRun:
    """Answer ``turns`` interviewer lines, then end the interview."""
    run = SessionRun(interview_id)
    loop = asyncio.get_running_loop()
    client = SpokenClient(url)
    run.started = loop.time()
    try:
        async with client.session(token, interview_id):
            await client.wait_for(is_kind("start_response"), 10)
            line = await client.wait_for(is_final(pb.AI), LINE_WAIT_SECONDS)
            for number in range(turns):
                answer = answers[(offset + number) % len(answers)]
                await asyncio.sleep(HUMAN_PAUSE_SECONDS)
                run.turns.append(await answer_once(client, answer, loop))
                line = await client.wait_for(
                    is_final(pb.AI), LINE_WAIT_SECONDS, after=client.index_of(line) + 1
                )
            await client.end()
            await client.wait_for(is_kind("session_ended"), 10)
            run.delayed_notices = sum(
                1
                for r in client.received
                if r.kind == "session_notice"
                and r.message.session_notice.kind == pb.SessionNotice.TRANSCRIPT_DELAYED
            )
    except Exception as error:  # reported, never hidden: a stuck turn is a finding
        run.error = f"{type(error).__name__}: {error}"
    run.ended = loop.time()
    return run


async def answer_once(
    client: SpokenClient, answer: Answer, loop: asyncio.AbstractEventLoop
) -> Turn:
    mark = len(client.received)
    said = client.say(answer.pcm)
    await said.wait()
    sent = loop.time()
    turn = Turn(answer.script, len(answer.pcm) / 2 / RATE, sent, sent - answer.trailing_silence)
    user = await client.wait_for(is_final(pb.USER), 30, after=mark)
    turn.user_text = user.message.partial_transcript.text
    turn.user_final_at = user.at
    caption = await client.wait_for(
        lambda r: r.kind == "partial_transcript" and r.message.partial_transcript.speaker == pb.AI,
        LINE_WAIT_SECONDS,
        after=client.index_of(user),
    )
    utterance = caption.message.partial_transcript.utterance_id
    audio = await client.wait_for(
        lambda r: r.kind == "audio_chunk" and r.message.audio_chunk.utterance_id == utterance,
        LINE_WAIT_SECONDS,
        after=client.index_of(caption),
    )
    turn.first_audio_at = audio.at
    turn.reply_first_sentence = caption.message.partial_transcript.text
    return turn


def stages(turn: Turn, calls: list[Call], everything: list[Call]) -> dict[str, float] | None:
    """One turn's reply latency split at the inference calls that made it (ms)."""
    finals = [
        c
        for c in calls
        if c.kind == "transcribe"
        and c.text == turn.user_text.strip()
        and c.finished <= turn.user_final_at
    ]
    if not finals:
        return None
    stt = max(finals, key=lambda c: c.finished)
    synths = [c for c in calls if c.kind == "synthesize" and c.submitted >= stt.finished]
    if not synths:
        return None
    tts = min(synths, key=lambda c: c.submitted)
    points = {
        "speech end -> last STT queued": (turn.speech_end, stt.submitted),
        "STT queue wait": (stt.submitted, stt.started),
        "STT run": (stt.started, stt.finished),
        "STT done -> first TTS queued": (stt.finished, tts.submitted),
        "TTS queue wait": (tts.submitted, tts.started),
        "TTS run (first sentence)": (tts.started, tts.finished),
        "TTS done -> first audio at client": (tts.finished, turn.first_audio_at),
    }
    split = {name: (end - start) * 1000 for name, (start, end) in points.items()}
    split["last STT: audio s"] = stt.audio_seconds
    split["last STT: other STT calls running beside it"] = sum(
        1
        for c in everything
        if c is not stt
        and c.kind == "transcribe"
        and c.started < stt.finished
        and c.finished > stt.started
    )
    return split


def thread_cpu() -> dict[str, float]:
    """CPU-seconds of this process's threads so far (Linux /proc), grouped: the event loop
    (server and clients), the pool's Python threads (Piper runs in them), and native threads
    (CTranslate2 decodes Whisper in its own, which a per-thread clock in the pool would miss)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    main = threading.main_thread().native_id
    ticks = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        tid = int(task.name)
        name = names.get(tid, "native (CTranslate2, onnxruntime)")
        group = "event loop" if tid == main else name.rstrip("_0123456789")
        fields = stat[stat.rindex(")") + 2 :].split()
        totals[group] = totals.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return totals


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "max": None}
    array = np.array(values, dtype=float)
    return {
        "p50": round(float(np.percentile(array, 50)), 1),
        "p95": round(float(np.percentile(array, 95)), 1),
        "max": round(float(array.max()), 1),
    }


async def stored_latencies(resources: Resources, interview_id: str) -> list[int]:
    async with resources.sessions() as db:
        lines = await service.transcript(db, interview_id)
    return [line.reply_latency_ms for line in lines if line.reply_latency_ms is not None]


async def measure(
    resources: Resources, voice: VoiceEngines, answers: list[Answer], sessions: int, turns: int
) -> dict[str, Any]:
    """N sessions at once against a fresh server; the figures for that N."""
    calls: dict[str, list[Call]] = {}
    server = RealtimeServer(
        resources, interviewer_factory=timed_factory(resources.settings, voice, calls)
    )
    port = await server.start("127.0.0.1", 0)
    seats = [await seat(resources) for _ in range(sessions)]
    load_before = os.getloadavg()
    cpu_before, threads_before = time.process_time(), thread_cpu()
    try:
        async with asyncio.timeout(turns * 90 + 120):
            runs = await asyncio.gather(
                *(
                    one_session(f"ws://127.0.0.1:{port}", interview_id, token, answers, i, turns)
                    for i, (interview_id, token) in enumerate(seats)
                )
            )
    finally:
        await server.stop()
    cpu = time.process_time() - cpu_before
    threads = {
        name: round(seconds - threads_before.get(name, 0.0), 1)
        for name, seconds in thread_cpu().items()
    }
    load_after = os.getloadavg()
    figures = await summarise(resources, runs, calls, cpu, (load_before, load_after))
    figures["cpu_seconds_by_thread"] = {k: v for k, v in threads.items() if v > 0}
    return figures


async def summarise(
    resources: Resources,
    runs: list[SessionRun],
    calls: dict[str, list[Call]],
    cpu: float,
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> dict[str, Any]:
    turns = [(run, turn) for run in runs for turn in run.turns]
    stored = [ms for run in runs for ms in await stored_latencies(resources, run.interview_id)]
    session_minutes = sum(run.ended - run.started for run in runs) / 60
    everything = [c for log in calls.values() for c in log]
    stt_calls = [c for c in everything if c.kind == "transcribe"]
    split = [
        s for run, turn in turns if (s := stages(turn, calls.get(run.interview_id, []), everything))
    ]
    wers = [word_error_rate(turn.script, turn.user_text) for _, turn in turns]
    return {
        "sessions": len(runs),
        "turns_measured": len(turns),
        "errors": [run.error for run in runs if run.error],
        "reply_latency_stored_ms": percentiles([float(ms) for ms in stored]),
        "stored_count": len(stored),
        "reply_latency_client_ms": percentiles(
            [(turn.first_audio_at - turn.last_chunk_sent) * 1000 for _, turn in turns]
        ),
        "speech_end_to_first_audio_client_ms": percentiles(
            [(turn.first_audio_at - turn.speech_end) * 1000 for _, turn in turns]
        ),
        "stages_median_ms": {
            name: round(float(np.median([s[name] for s in split])), 1)
            for name in (split[0] if split else {})
        },
        "stages_turns": len(split),
        "wer_mean": round(float(np.mean(wers)), 3) if wers else None,
        "wer_max": round(max(wers), 3) if wers else None,
        "cpu_seconds": round(cpu, 1),
        "session_minutes": round(session_minutes, 2),
        "cpu_seconds_per_session_minute": round(cpu / session_minutes, 1)
        if session_minutes
        else None,
        "stt_calls_per_turn": round(len(stt_calls) / len(turns), 1) if turns else None,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "transcript_delayed_notices": sum(run.delayed_notices for run in runs),
        "load_average_before_after": [round(loads[0][0], 2), round(loads[1][0], 2)],
        "turn_details": [
            {
                "script": SCRIPTS.index(turn.script),
                "user_text": turn.user_text,
                "wer": round(wer, 3),
                "client_ms": round((turn.first_audio_at - turn.last_chunk_sent) * 1000),
                "reply": turn.reply_first_sentence,
            }
            for (_, turn), wer in zip(turns, wers, strict=True)
        ],
        "stored_ms": stored,
    }


def bench_settings(workdir: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{workdir / 'spoken.db'}"
    upgrade(url)
    return Settings(
        data_dir=workdir / "data",
        database_url=url,
        secret_key="benchmark-secret-key-not-for-production",
        interviewer_engine="offline",
    )


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        "\n| N | turns | stored reply p50 / p95 / max ms | client: last chunk sent -> first "
        "audio p50 / p95 / max ms | WER mean / max | CPU-s per session-minute "
        "| peak RSS MiB | TRANSCRIPT_DELAYED | load avg before, after |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s, c = r["reply_latency_stored_ms"], r["reply_latency_client_ms"]
        print(
            f"| {r['sessions']} | {r['turns_measured']} | {s['p50']} / {s['p95']} / {s['max']} "
            f"| {c['p50']} / {c['p95']} / {c['max']} | {r['wer_mean']} / {r['wer_max']} "
            f"| {r['cpu_seconds_per_session_minute']} | {r['peak_rss_mib']} "
            f"| {r['transcript_delayed_notices']} | {r['load_average_before_after']} |"
        )
    for r in results:
        print(f"\nN = {r['sessions']}, median of {r['stages_turns']} turns (ms):")
        for name, value in r["stages_median_ms"].items():
            print(f"  {name}: {value}")
        print("  CPU-s by thread:", r["cpu_seconds_by_thread"])
        if r["errors"]:
            print("  errors:", *r["errors"], sep="\n    ")


async def main(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="spoken-bench-") as tmp:
        settings = bench_settings(Path(tmp))
        voice = await asyncio.to_thread(load_voice_engines, settings)
        answers = await asyncio.to_thread(synthesise_answers, voice)
        print(
            f"{voice.pool.workers} inference workers; answers of "
            + ", ".join(f"{len(a.pcm) / 2 / RATE:.1f}" for a in answers)
            + " s",
            file=sys.stderr,
        )
        resources = Resources.from_settings(settings)
        results = []
        try:
            for sessions in args.sessions:
                print(f"N = {sessions} ...", file=sys.stderr, flush=True)
                results.append(await measure(resources, voice, answers, sessions, args.turns))
        finally:
            await resources.close()
            voice.close()
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--turns", type=int, default=5, help="answers per session")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    arguments = parse_args()
    figures = asyncio.run(main(arguments))
    print_table(figures)
    if arguments.json:
        print(json.dumps(figures, indent=2))
