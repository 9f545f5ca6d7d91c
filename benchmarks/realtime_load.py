"""Load test for the real-time server (not a test: it measures).

N simulated clients each open a WebSocket, send a StartRequest, stream 40 ms chunks of
16 kHz PCM in real time for ``--stream-seconds`` while reading transcripts, then send an
EndRequest. Clients start spread over ``--ramp-seconds``. The server runs in a separate
process (``serve`` mode of this file: a ``RealtimeServer`` started and stopped as
``interview-coach serve-realtime`` does, on uvloop) on a fresh migrated database; its CPU
time and peak memory come from /proc.

Reports, per encoding: StartResponse latency p50/p99 (StartRequest sent -> StartResponse
read), EndRequest -> SessionEnded p50/p99, server CPU seconds and peak memory per session,
client scheduling lag (how late chunks went out: large values mean the load client, not
the server, was short of CPU), and errors (any Error, refusal, unexpected end or close).

    .venv/bin/python benchmarks/realtime_load.py --clients 300 --encoding both
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google.protobuf import json_format
from websockets.asyncio.client import connect

from interview_coach import heap
from interview_coach.auth.tickets import TicketSigner
from interview_coach.config import Settings
from interview_coach.proto import interview_pb2 as pb

if TYPE_CHECKING:
    from interview_coach.resources import Resources

SECRET = "benchmark-secret-key-not-for-production"
RATE = 16000
CHUNK_SECONDS = 0.04
# Quiet noise, so the default voice-activity processor does its normal per-frame work.
CHUNK = bytes((i * 7919) % 7 for i in range(int(RATE * CHUNK_SECONDS) * 2))
SERVER_ENV = {
    # About 8 transcript updates a second while the interviewer speaks.
    "INTERVIEW_COACH_INTERVIEWER_ENGINE": "mock",  # relay and storage cost, not speech
    "INTERVIEW_COACH_INTERVIEWER_DELAY_SECONDS": "0.5",
    "INTERVIEW_COACH_INTERVIEWER_WORD_SECONDS": "0.125",
    "INTERVIEW_COACH_INTERVIEWER_GAP_SECONDS": "1.0",
    "INTERVIEW_COACH_TICKET_SECONDS": "3600",
}


# ---------------------------------------------------------------- setup


def prepare_database(url: str, count: int) -> list[str]:
    """Migrate, then insert ``count`` users with one PENDING interview each; their ids."""
    from interview_coach.db.migrate import upgrade
    from interview_coach.interviews.service import new_interview_id

    upgrade(url)
    ids = [new_interview_id() for _ in range(count)]
    users = [
        {"id": i + 1, "email": f"load{i}@example.com", "password_hash": "-"} for i in range(count)
    ]
    interviews = [
        {
            "id": interview_id,
            "user_id": i + 1,
            "status": "PENDING",
            "job_title": "Load Tester",
            "persona": "a professional interviewer",
            "duration_minutes": 30,
        }
        for i, interview_id in enumerate(ids)
    ]
    asyncio.run(_insert_async(url, users, interviews))
    return ids


async def _insert_async(
    url: str, users: list[dict[str, Any]], interviews: list[dict[str, Any]]
) -> None:
    from sqlalchemy import insert

    from interview_coach.db.base import make_engine
    from interview_coach.db.models import Interview, User

    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(insert(User), users)
        await connection.execute(insert(Interview), interviews)
    await engine.dispose()


class ServerProcess:
    """The real-time server in a child process, measured through /proc."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        uvloop: bool,
        profile: Path | None,
    ) -> None:
        env = {
            **os.environ,
            **SERVER_ENV,
            "INTERVIEW_COACH_DATABASE_URL": database_url,
            "INTERVIEW_COACH_SECRET_KEY": SECRET,
            "INTERVIEW_COACH_DATA_DIR": str(workdir),
        }
        command = [sys.executable, __file__, "serve"]
        if not uvloop:
            command.append("--asyncio-loop")
        if profile is not None:
            command += ["--profile", str(profile)]
        self.log_path = workdir / "server.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for line in self.log_path.read_text().splitlines():
                if "server.listening" in line:
                    return int(line.split("port=")[1].split()[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()}")
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kib(self) -> dict[str, int]:
        values: dict[str, int] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
        return values

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self._log.close()
        return code


# ---------------------------------------------------------------- clients


@dataclass
class ClientResult:
    start_ms: float | None = None
    end_ms: float | None = None
    transcripts: int = 0
    max_lag_ms: float = 0.0
    error: str | None = None


@dataclass
class Frames:
    """Pre-encoded client frames and a cheap reader of server frames, for one encoding."""

    encoding: str
    start: list[bytes | str] = field(default_factory=list)
    audio: bytes | str = b""
    end: bytes | str = b""

    @classmethod
    def build(cls, encoding: str, tokens: Sequence[str], ids: Sequence[str]) -> Frames:
        def encode(message: pb.ClientToServerMessage) -> bytes | str:
            if encoding == "binary":
                data: bytes = message.SerializeToString()
                return data
            text: str = json_format.MessageToJson(message, indent=None)
            return text

        config = pb.AudioConfig(encoding=pb.AudioConfig.LINEAR_PCM, sample_rate_hertz=RATE)
        starts = [
            encode(
                pb.ClientToServerMessage(
                    start_request=pb.StartRequest(
                        auth_token=token, interview_id=interview_id, audio_config=config
                    )
                )
            )
            for token, interview_id in zip(tokens, ids, strict=True)
        ]
        audio = encode(pb.ClientToServerMessage(audio_chunk=pb.AudioChunk(audio_content=CHUNK)))
        end = encode(pb.ClientToServerMessage(end_request=pb.EndRequest()))
        return cls(encoding, starts, audio, end)

    def kind(self, frame: bytes | str) -> tuple[str, Any]:
        """The payload name and the payload (a dict for JSON, a message for binary)."""
        if isinstance(frame, str):
            data = json.loads(frame)
            ((name, value),) = data.items()
            return name, value
        message = pb.ServerToClientMessage.FromString(frame)
        name = message.WhichOneof("payload") or ""
        return _CAMEL.get(name, name), getattr(message, name)


# Payload field name -> its JSON name, so both encodings report the same kinds.
_CAMEL = {field.name: field.json_name for field in pb.ServerToClientMessage.DESCRIPTOR.fields}


def _ended_reason(frames: Frames, value: Any) -> str:
    if frames.encoding == "json":
        return str(value.get("reason", ""))
    return str(pb.SessionEnded.Reason.Name(value.reason))


async def one_client(
    url: str, frames: Frames, index: int, start_at: float, stream_seconds: float
) -> ClientResult:
    result = ClientResult()
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    try:
        async with connect(url, compression=None, open_timeout=30, close_timeout=30) as ws:
            sent_at = time.perf_counter()
            await ws.send(frames.start[index])
            name, _ = frames.kind(await ws.recv())
            if name != "startResponse":
                raise RuntimeError(f"expected startResponse, got {name}")
            result.start_ms = (time.perf_counter() - sent_at) * 1000
            ended: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            reader = asyncio.create_task(_read(ws, frames, result, ended))
            first = time.perf_counter()
            for n in range(int(stream_seconds / CHUNK_SECONDS)):
                due = first + n * CHUNK_SECONDS
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    result.max_lag_ms = max(result.max_lag_ms, -delay * 1000)
                if ended.done():
                    break
                await ws.send(frames.audio)
            end_sent = time.perf_counter()
            await ws.send(frames.end)
            async with asyncio.timeout(60):
                ended_at = await ended
            result.end_ms = (ended_at - end_sent) * 1000
            await reader
            await ws.wait_closed()
            if ws.close_code != 1000:
                raise RuntimeError(f"closed with {ws.close_code}")
    except Exception as error:  # every failure is a counted error
        result.error = f"{type(error).__name__}: {error}"[:200]
    return result


async def _read(
    ws: Any, frames: Frames, result: ClientResult, ended: asyncio.Future[float]
) -> None:
    async for frame in ws:
        name, value = frames.kind(frame)
        if name == "partialTranscript":
            result.transcripts += 1
        elif name == "sessionEnded":
            reason = _ended_reason(frames, value)
            if reason != "USER_INITIATED":
                result.error = f"session ended early: {reason}"
            if not ended.done():
                ended.set_result(time.perf_counter())
        elif name == "error":
            result.error = f"error frame: {value}"
            if not ended.done():
                ended.set_result(time.perf_counter())


# ---------------------------------------------------------------- one run


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def drive(
    url: str, frames: Frames, count: int, ramp: float, stream: float
) -> list[ClientResult]:
    begin = time.perf_counter() + 0.5
    return await asyncio.gather(
        *(one_client(url, frames, i, begin + ramp * i / count, stream) for i in range(count))
    )


@contextmanager
def fresh_database(postgres: str | None, workdir: Path) -> Iterator[str]:
    """A new empty database: a SQLite file, or a PostgreSQL database created and dropped."""
    if not postgres:
        yield f"sqlite+aiosqlite:///{workdir / 'load.db'}"
        return
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    from interview_coach.config import normalise_database_url

    base = make_url(normalise_database_url(postgres))
    name = f"rt_load_{os.getpid()}_{int(time.time())}"

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(
            host=base.host,
            port=base.port,
            user=base.username,
            password=base.password,
            database=base.database,
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_once(args: argparse.Namespace, encoding: str) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="rt-load-") as tmp,
        fresh_database(args.postgres, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        ids = prepare_database(url, args.clients + 1)  # the last one warms the server up
        signer = TicketSigner(SECRET, 3600)
        tokens = [signer.issue(i + 1, interview_id) for i, interview_id in enumerate(ids)]
        frames = Frames.build(encoding, tokens, ids)
        profile = Path(args.profile) if args.profile else None
        server = ServerProcess(url, workdir, not args.asyncio_loop, profile)
        try:
            warmup = asyncio.run(
                one_client(f"ws://127.0.0.1:{server.port}", frames, args.clients, 0.0, 0.2)
            )
            if warmup.error:
                raise RuntimeError(f"warm-up session failed: {warmup.error}")
            time.sleep(0.5)
            base_rss = server.memory_kib()["VmRSS"]
            cpu_before = server.cpu_seconds()
            client_before = resource.getrusage(resource.RUSAGE_SELF)
            load_before = os.getloadavg()[0]
            wall = time.perf_counter()
            results = _run_clients(args, f"ws://127.0.0.1:{server.port}", frames)
            wall = time.perf_counter() - wall
            cpu = server.cpu_seconds() - cpu_before
            client_after = resource.getrusage(resource.RUSAGE_SELF)
            memory = server.memory_kib()
        finally:
            exit_code = server.stop()
            lag = _loop_lag(server.log_path)
            if args.server_log:
                shutil.copy(server.log_path, args.server_log)
        errors = [r.error for r in results if r.error]
        starts = [r.start_ms for r in results if r.start_ms is not None]
        ends = [r.end_ms for r in results if r.end_ms is not None]
        client_cpu = (client_after.ru_utime + client_after.ru_stime) - (
            client_before.ru_utime + client_before.ru_stime
        )
        session_seconds = args.clients * args.stream_seconds
        return {
            "clients": args.clients,
            "encoding": encoding,
            "uvloop_server": not args.asyncio_loop,
            "database": "postgresql" if "postgresql" in url else "sqlite",
            "stream_seconds": args.stream_seconds,
            "ramp_seconds": args.ramp_seconds,
            "wall_seconds": round(wall, 1),
            "start_p50_ms": round(percentile(starts, 0.50), 1),
            "start_p99_ms": round(percentile(starts, 0.99), 1),
            "end_p50_ms": round(percentile(ends, 0.50), 1),
            "end_p99_ms": round(percentile(ends, 0.99), 1),
            "server_cpu_s": round(cpu, 2),
            "cpu_s_per_session": round(cpu / args.clients, 4),
            "cpu_ms_per_session_second": round(cpu * 1000 / session_seconds, 3),
            "server_base_rss_mib": round(base_rss / 1024, 1),
            "server_peak_mib": round(memory["VmHWM"] / 1024, 1),
            "peak_kib_per_session": round((memory["VmHWM"] - base_rss) / args.clients, 1),
            "client_cpu_s": round(client_cpu, 1),
            "server_loop_lag_ms": lag,
            "client_lag_p99_ms": round(percentile([r.max_lag_ms for r in results], 0.99), 1),
            "transcripts_per_client": round(sum(r.transcripts for r in results) / args.clients, 1),
            "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "errors": len(errors),
            "error_samples": sorted(set(errors))[:3],
            "server_exit": exit_code,
        }


def _run_clients(args: argparse.Namespace, url: str, frames: Frames) -> list[ClientResult]:
    import uvloop

    return uvloop.run(drive(url, frames, args.clients, args.ramp_seconds, args.stream_seconds))


# ---------------------------------------------------------------- entry points


async def _watch_loop(lags: list[float], every: float = 0.05) -> None:
    """How late a 50 ms timer fires: the event loop's lag (saturated loop = large lag)."""
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(every)
        lags.append((loop.time() - before - every) * 1000)


def _loop_lag(log: Path) -> dict[str, float]:
    for line in log.read_text().splitlines():
        if line.startswith("loop.lag "):
            return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    return {}


async def _serve_until_signal(resources: Resources) -> None:
    """What ``interview-coach serve-realtime`` does: start, wait for SIGTERM or SIGINT, stop
    gracefully (1012 to live sessions)."""
    from interview_coach.realtime.server import RealtimeServer

    server = RealtimeServer(resources)
    await server.start("127.0.0.1", 0)
    heap.freeze_startup_objects()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def serve(args: argparse.Namespace) -> None:
    """Child mode: the real-time server as the CLI runs it, optionally profiled."""
    from interview_coach.resources import Resources

    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)
    resources = Resources.from_settings(Settings())

    async def main() -> None:
        lags: list[float] = []
        monitor = asyncio.create_task(_watch_loop(lags))
        try:
            await _serve_until_signal(resources)
        finally:
            monitor.cancel()
            print(
                f"loop.lag p50_ms={percentile(lags, 0.5):.1f} "
                f"p99_ms={percentile(lags, 0.99):.1f} max_ms={max(lags, default=0):.1f}",
                flush=True,
            )
            await resources.close()

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if not args.asyncio_loop:
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="load", choices=["load", "serve"])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--encoding", choices=["binary", "json", "both"], default="both")
    parser.add_argument("--stream-seconds", type=float, default=15.0)
    parser.add_argument("--ramp-seconds", type=float, default=10.0)
    parser.add_argument(
        "--postgres", help="PostgreSQL server URL to create a fresh database on (default SQLite)"
    )
    parser.add_argument(
        "--asyncio-loop",
        action="store_true",
        help="run the server on the plain asyncio loop (the CLI serves on uvloop)",
    )
    parser.add_argument("--profile", help="cProfile the server into this file")
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    parser.add_argument("--server-log", help="copy the server's log here after the run")
    args = parser.parse_args(argv)
    if args.mode == "serve":
        serve(args)
        return 0
    encodings = ["binary", "json"] if args.encoding == "both" else [args.encoding]
    failed = False
    for encoding in encodings:
        report = run_once(args, encoding)
        failed |= report["errors"] > 0
        if args.json:
            print(json.dumps(report), flush=True)
        else:
            print(
                f"{report['clients']:>5} clients {encoding:<6} "
                f"start p50/p99 {report['start_p50_ms']}/{report['start_p99_ms']} ms  "
                f"end p50/p99 {report['end_p50_ms']}/{report['end_p99_ms']} ms  "
                f"cpu {report['cpu_s_per_session']} s/session "
                f"({report['cpu_ms_per_session_second']} ms per session-second)  "
                f"peak {report['peak_kib_per_session']} KiB/session  "
                f"client lag p99 {report['client_lag_p99_ms']} ms  "
                f"server loop lag {report['server_loop_lag_ms']}  errors {report['errors']}  "
                f"load {report['loadavg_1m']}",
                flush=True,
            )
            for sample in report["error_samples"]:
                print(f"      error: {sample}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
