"""Our real-time server against the Node peer, same load client, same run (not a test).

Runs ``loadgen.mjs`` (from ``../shared/bench``, copied with its ``npm install`` done) first
against the peer (``server.mjs``), then against our server once per encoding and database,
with the same N and seconds, and prints one row each with the CPU per session-second and
its ratio to the peer's. Absolute times move with the shared machine's load; the ratio is
the figure. Our server is started as ``realtime_load.py`` starts it (the CLI's way, uvloop,
mock interviewer at about 8 updates a second, every final line durable before it is sent,
speech detection on); the peer streams a word every 125 ms.

    ulimit -n 20000
    nice -n -15 .venv/bin/python benchmarks/peer_compare.py --bench /tmp/bench --clients 1000 \\
        --seconds 20 --postgres postgresql://postgres@127.0.0.1:5432/test

With ``--workers N`` (PostgreSQL and ``--redis`` required) our server is the CLI's
``interview-coach serve-realtime --workers N``: N processes on one port sharing Redis; CPU
and memory are summed over the workers.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realtime_load as load

from interview_coach.auth.tickets import TicketSigner
from interview_coach.config import Settings

PROTO = Path(__file__).resolve().parents[1] / "proto" / "interview.proto"
PEER_PORT = "3101"


def loadgen(
    bench: Path, args: argparse.Namespace, url: str, sessions: Path, pid: int, extra: list[str]
) -> dict[str, Any]:
    """One loadgen run; its JSON report."""
    command = [
        "node",
        str(bench / "peer-node" / "loadgen.mjs"),
        "--url",
        url,
        "--sessions",
        str(sessions),
        "--seconds",
        str(args.seconds),
        "--pid",
        str(pid),
        "--ramp-ms",
        str(args.ramp_ms),
        *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def run_peer(bench: Path, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    peer = bench / "peer-node"
    env = {**os.environ, "DB": str(workdir / "peer.sqlite3"), "WORD_MS": "125", "PORT": PEER_PORT}
    sessions = workdir / "peer-sessions.json"
    subprocess.run(
        ["node", "seed.mjs", str(args.clients), str(sessions)],
        cwd=peer,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        ["node", "server.mjs"],
        cwd=peer,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        report = loadgen(bench, args, f"ws://127.0.0.1:{PEER_PORT}", sessions, server.pid, [])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return row("peer (node)", "binary", "sqlite", args, report, None)


def run_ours(
    bench: Path, args: argparse.Namespace, encoding: str, postgres: str | None
) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="rt-peer-") as tmp,
        load.fresh_database(postgres, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        ids = load.prepare_database(url, args.clients)
        signer = TicketSigner(load.SECRET, 3600)
        sessions = workdir / "sessions.json"
        sessions.write_text(
            json.dumps(
                [{"interview_id": i, "token": signer.issue(n + 1, i)} for n, i in enumerate(ids)]
            )
        )
        server: load.ServerProcess | WorkerPool = (
            WorkerPool(url, workdir, args.workers, args.redis)
            if args.workers
            else load.ServerProcess(url, workdir, True, None)
        )
        try:
            base_kib = server.memory_kib()["VmRSS"]
            report = loadgen(
                bench,
                args,
                f"ws://127.0.0.1:{server.port}",
                sessions,
                server.process.pid,
                [
                    "--proto",
                    str(PROTO),
                    "--c2s",
                    "interview_coach.v1.ClientToServerMessage",
                    "--s2c",
                    "interview_coach.v1.ServerToClientMessage",
                    "--encoding",
                    encoding,
                ],
            )
            peak_kib = server.memory_kib()["VmHWM"]
        finally:
            server.stop()
            if args.server_log:
                shutil.copy(server.log_path, args.server_log)
    database = "postgresql" if postgres else "sqlite"
    return row("ours", encoding, database, args, report, (peak_kib - base_kib) / args.clients)


class WorkerPool:
    """``interview-coach serve-realtime --workers N`` on a free port, measured over its
    workers (loadgen sums a process's children; memory is summed here the same way)."""

    def __init__(self, database_url: str, workdir: Path, workers: int, redis_url: str) -> None:
        env = {
            **os.environ,
            **load.SERVER_ENV,
            "INTERVIEW_COACH_DATABASE_URL": database_url,
            "INTERVIEW_COACH_SECRET_KEY": load.SECRET,
            "INTERVIEW_COACH_DATA_DIR": str(workdir),
            "INTERVIEW_COACH_REDIS_URL": redis_url,
            "INTERVIEW_COACH_REDIS_KEY_PREFIX": f"bench-{secrets.token_hex(4)}:",
        }
        command = [str(Path(sys.executable).parent / "interview-coach"), "serve-realtime"]
        command += ["--json", "--realtime-port", "0", "--workers", str(workers)]
        self.log_path = workdir / "pool.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=self._log, text=True
        )
        assert self.process.stdout is not None
        announced = ""
        while not announced.rstrip().endswith("}"):
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"serve-realtime exited: {(workdir / 'pool.log').read_text()}")
            announced += line
        self.port = int(json.loads(announced)["realtime"].rsplit(":", 1)[1])
        time.sleep(2)  # the workers bind after the parent announces

    def memory_kib(self) -> dict[str, int]:
        totals = {"VmRSS": 0, "VmHWM": 0}
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in totals:
                    totals[name] += int(rest.split()[0])
        return totals

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self._log.close()
        return code


def row(
    name: str,
    encoding: str,
    database: str,
    args: argparse.Namespace,
    report: dict[str, Any],
    kib_per_session: float | None,
) -> dict[str, Any]:
    cpu = report["server_cpu_s"] or 0.0
    return {
        "server": name,
        "clients": args.clients,
        "seconds": args.seconds,
        "encoding": encoding,
        "database": database,
        "start_p50_ms": report["start_ms"]["p50"],
        "start_p99_ms": report["start_ms"]["p99"],
        "starts": report["start_ms"]["n"],
        "end_p50_ms": report["end_ms"]["p50"],
        "end_p99_ms": report["end_ms"]["p99"],
        "wall_s": report["wall_s"],
        "errors": report["errors"],
        "transcript_updates": report["transcripts"],
        "audio_chunks_sent": report["audioSent"],
        "first_errors": report["firstErrors"],
        "cpu_ms_per_session_second": round(cpu * 1000 / (args.clients * args.seconds), 3),
        "cpu_share_of_core": report["server_cpu_share_of_core"],
        "peak_rss_mb": report["server_peak_rss_mb"],
        "kib_per_session": None if kib_per_session is None else round(kib_per_session, 1),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ramp-ms", type=float, default=2.0, help="between session starts")
    parser.add_argument("--encoding", choices=["binary", "json", "both"], default="both")
    parser.add_argument("--postgres", help="also run on a fresh database on this server")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--transport",
        nargs="+",
        choices=["websockets", "picows"],
        default=[Settings.model_fields["realtime_transport"].default],
        help="WebSocket libraries of our server to run, one after the other (default: the "
        "server's own default)",
    )
    parser.add_argument("--workers", type=int, help="serve-realtime --workers N (needs --redis)")
    parser.add_argument("--redis", help="Redis URL the workers share")
    parser.add_argument("--server-log", help="copy our server's log here after each run")
    args = parser.parse_args()
    if args.workers and not (args.redis and args.postgres and args.no_sqlite):
        parser.error("--workers needs --redis, --postgres and --no-sqlite")
    with tempfile.TemporaryDirectory(prefix="rt-peer-") as tmp:
        peer = run_peer(args.bench, args, Path(tmp))
    print(json.dumps(peer), flush=True)
    encodings = ["binary", "json"] if args.encoding == "both" else [args.encoding]
    databases = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    for transport in args.transport:
        os.environ["INTERVIEW_COACH_REALTIME_TRANSPORT"] = transport  # the server child's
        for database in databases:
            for encoding in encodings:
                ours = {"transport": transport, **run_ours(args.bench, args, encoding, database)}
                _compare(ours, peer)
    return 0


def _compare(ours: dict[str, Any], peer: dict[str, Any]) -> None:
    """Print our row with its CPU ratio to the peer's, measured in the same run."""
    peer_cpu = peer["cpu_ms_per_session_second"]
    ours["ratio_to_peer"] = (
        round(ours["cpu_ms_per_session_second"] / peer_cpu, 2) if peer_cpu else None
    )
    print(json.dumps(ours), flush=True)


if __name__ == "__main__":
    sys.exit(main())
