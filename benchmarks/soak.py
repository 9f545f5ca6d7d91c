"""Soak: N concurrent sessions, round after round, for a long time; is memory flat? (not a test)

One real-time server (started as ``realtime_load.py`` starts it) on a fresh database serves
rounds of ``loadgen.mjs`` back to back until ``--minutes`` have passed: each round N new
interviews start within ``--ramp-ms`` of each other, stream 40 ms chunks for ``--seconds``
while the mock interviewer speaks (about 8 updates a second, every final line durable),
then end. Each round is new interviews, so sessions come and go all the time: what a leak in
opening, running or closing a session would show. After every round the server's RSS is
read from /proc; the report gives it per round, its first and last values and the slope.

    ulimit -n 20000
    nice -n -15 .venv/bin/python benchmarks/soak.py --bench /tmp/bench --clients 500 \\
        --minutes 30 --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realtime_load as load
from peer_compare import PROTO, loadgen

from interview_coach.auth.tickets import TicketSigner

ROUND_OVERHEAD_SECONDS = 1  # at least the ramp and loadgen's start-up: sizes the database
# (10 ran out of interviews at 24 of 30 minutes: a round took about 23 s, not 30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=20.0, help="streaming per round")
    parser.add_argument("--ramp-ms", type=float, default=4.0, help="between session starts")
    parser.add_argument("--encoding", choices=["binary", "json"], default="json")
    parser.add_argument("--postgres", help="a fresh database on this server, else SQLite")
    args = parser.parse_args()
    rounds = int(args.minutes * 60 / (args.seconds + ROUND_OVERHEAD_SECONDS)) + 2
    with (
        tempfile.TemporaryDirectory(prefix="rt-soak-") as tmp,
        load.fresh_database(args.postgres, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        ids = load.prepare_database(url, args.clients * rounds)
        signer = TicketSigner(load.SECRET, 3 * 3600)
        server = load.ServerProcess(url, workdir, True, None)
        try:
            report = _soak(args, server, ids, signer, workdir)
        finally:
            server.stop()
    report["database"] = "postgresql" if args.postgres else "sqlite"
    print(json.dumps(report), flush=True)
    return 0


def _soak(
    args: argparse.Namespace,
    server: load.ServerProcess,
    ids: list[str],
    signer: TicketSigner,
    workdir: Path,
) -> dict[str, Any]:
    base_mib = server.memory_kib()["VmRSS"] / 1024
    rss_mib: list[float] = []
    errors = starts = 0
    cpu0, began = server.cpu_seconds(), time.monotonic()
    extra = ["--proto", str(PROTO), "--encoding", args.encoding]
    extra += ["--c2s", "interview_coach.v1.ClientToServerMessage"]
    extra += ["--s2c", "interview_coach.v1.ServerToClientMessage"]
    n = 0
    while time.monotonic() - began < args.minutes * 60 and (n + 1) * args.clients <= len(ids):
        batch = ids[n * args.clients : (n + 1) * args.clients]
        sessions = workdir / "sessions.json"
        first_user = n * args.clients + 1
        sessions.write_text(
            json.dumps(
                [
                    {"interview_id": i, "token": signer.issue(first_user + k, i)}
                    for k, i in enumerate(batch)
                ]
            )
        )
        result = loadgen(
            args.bench,
            args,
            f"ws://127.0.0.1:{server.port}",
            sessions,
            server.process.pid,
            extra,
        )
        errors += result["errors"]
        starts += result["start_ms"]["n"]
        rss_mib.append(round(server.memory_kib()["VmRSS"] / 1024, 1))
        print(
            json.dumps({"round": n + 1, "rss_mib": rss_mib[-1], "errors": result["errors"]}),
            file=sys.stderr,
            flush=True,
        )
        n += 1
    minutes = (time.monotonic() - began) / 60
    half = len(rss_mib) // 2
    return {
        "clients": args.clients,
        "encoding": args.encoding,
        "rounds": n,
        "minutes": round(minutes, 1),
        "sessions": starts,
        "errors": errors,
        "base_rss_mib": round(base_mib, 1),
        "rss_mib_per_round": rss_mib,
        "rss_first_mib": rss_mib[0] if rss_mib else None,
        "rss_last_mib": rss_mib[-1] if rss_mib else None,
        # mean of the second half minus mean of the first: a leak shows as growth here
        "rss_growth_mib": (
            round(sum(rss_mib[half:]) / len(rss_mib[half:]) - sum(rss_mib[:half]) / half, 1)
            if half
            else None
        ),
        "server_cpu_s": round(server.cpu_seconds() - cpu0, 1),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    sys.exit(main())
