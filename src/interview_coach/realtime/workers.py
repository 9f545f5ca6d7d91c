"""Several real-time processes on one port: a parent that starts, restarts and stops them.

Each worker is an ordinary ``interview-coach serve-realtime`` process that binds the port
with SO_REUSEPORT, so the kernel spreads new connections across the workers' own accept
queues and the parent never touches a connection (a parent passing sockets would be one
more hop and a single point of failure). The parent holds a bound, non-listening socket on
the port only to reserve it (port 0 picks one for all). A worker that dies is started
again; SIGTERM or SIGINT stops every worker with SIGTERM (each closes its sessions with
1012, interviews stay rejoinable) and waits for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys

from interview_coach.config import Settings
from interview_coach.errors import AppError
from interview_coach.realtime import logs

STOP_WAIT = 30.0
RESTART_DELAY = 0.5
RESTART_DELAY_MAX = 10.0
HEALTHY_AFTER = 10.0  # a worker that lived this long resets the restart back-off


class WorkersMisconfigured(AppError):
    """Several processes need shared state: a Redis and a database every process reaches."""


def worker_count(settings: Settings, requested: int | None) -> int:
    """``--workers`` or ``realtime_workers``; by default one per core when the processes can
    share state (``redis_url`` set, not SQLite), else one. Checked: see ``require_shared``."""
    count = requested or settings.realtime_workers
    if count is None:
        shared = settings.redis_url and not _is_sqlite(settings)
        count = (os.cpu_count() or 1) if shared else 1
    require_shared(settings, count)
    return count


def require_shared(settings: Settings, count: int) -> None:
    """Several processes (or several nodes, which a Redis URL announces) must share Redis
    and a database server; SQLite is one file on one machine."""
    if count > 1 and not settings.redis_url:
        raise WorkersMisconfigured(
            f"{count} real-time workers need a shared Redis: set INTERVIEW_COACH_REDIS_URL "
            "(or run --workers 1)."
        )
    if (count > 1 or settings.redis_url) and _is_sqlite(settings):
        raise WorkersMisconfigured(
            "Several real-time processes or nodes need a shared database server: set "
            "INTERVIEW_COACH_DATABASE_URL to PostgreSQL (SQLite is one file on one machine)."
        )


def worker_env(settings: Settings, count: int) -> dict[str, str]:
    """Each worker's share of the database connections, so a pool of N opens no more than
    one process would: N times the per-process pool ran past PostgreSQL's default limit of
    100 clients at 2000 sessions on two workers ("too many clients", sessions failed)."""
    return {
        "INTERVIEW_COACH_DATABASE_POOL_SIZE": str(max(1, settings.database_pool_size // count)),
        "INTERVIEW_COACH_DATABASE_MAX_OVERFLOW": str(settings.database_max_overflow // count),
    }


def _is_sqlite(settings: Settings) -> bool:
    return settings.resolved_database_url().startswith("sqlite")


def reserve_port(host: str, port: int) -> socket.socket:
    """A bound, non-listening SO_REUSEPORT socket: fixes the port the workers share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class WorkerPool:
    """``start`` / ``stop`` like ``RealtimeServer``, for ``count`` worker processes."""

    def __init__(self, count: int, env: dict[str, str] | None = None) -> None:
        self.count = count
        self._env = {**os.environ, **(env or {})}
        self.port = 0
        self._reserved: socket.socket | None = None
        self._stopping = False
        self._procs: dict[int, asyncio.subprocess.Process] = {}
        self._watchers: list[asyncio.Task[None]] = []

    async def start(self, host: str, port: int) -> int:
        """Start every worker and return once each listens; returns the shared port."""
        self._reserved = reserve_port(host, port)
        self.port = int(self._reserved.getsockname()[1])
        ready = [asyncio.get_running_loop().create_future() for _ in range(self.count)]
        self._watchers = [
            asyncio.get_running_loop().create_task(self._keep(index, host, ready[index]))
            for index in range(self.count)
        ]
        await asyncio.gather(*ready)
        logs.event("workers.listening", host=host, port=self.port, workers=self.count)
        return self.port

    async def stop(self) -> None:
        """SIGTERM every worker, wait (SIGKILL after STOP_WAIT), release the port."""
        self._stopping = True
        for proc in self._procs.values():
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        if self._watchers:
            await asyncio.wait(self._watchers, timeout=STOP_WAIT)
        for proc in self._procs.values():
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
        await asyncio.gather(*self._watchers, return_exceptions=True)
        if self._reserved is not None:
            self._reserved.close()
        logs.event("workers.stopped", port=self.port)

    def pids(self) -> list[int]:
        return [proc.pid for proc in self._procs.values()]

    async def _keep(self, index: int, host: str, ready: asyncio.Future[None]) -> None:
        """Run worker ``index`` until the pool stops, starting it again when it dies."""
        loop = asyncio.get_running_loop()
        delay = RESTART_DELAY
        while not self._stopping:
            began = loop.time()
            proc = await self._spawn(host)
            self._procs[index] = proc
            code = await self._run(proc, ready)
            if self._stopping:
                return
            logs.log.error("real-time worker %s exited with %s; starting it again", proc.pid, code)
            delay = RESTART_DELAY if loop.time() - began > HEALTHY_AFTER else delay
            await asyncio.sleep(delay)
            delay = min(delay * 2, RESTART_DELAY_MAX)

    async def _spawn(self, host: str) -> asyncio.subprocess.Process:
        command = [sys.executable, "-m", "interview_coach.cli", "serve-realtime", "--worker"]
        command += ["--host", host, "--realtime-port", str(self.port)]
        return await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.DEVNULL,
            env=self._env,
        )

    async def _run(self, proc: asyncio.subprocess.Process, ready: asyncio.Future[None]) -> int:
        """The worker's first line of output (its address) means it listens; the pool's
        parent alone announces the one address, so a worker's lines are only read. Its exit
        code; a worker that exits before it ever listened fails ``start``."""
        assert proc.stdout is not None
        async for _line in proc.stdout:
            if not ready.done():
                ready.set_result(None)
        code = await proc.wait()
        if not ready.done():
            ready.set_exception(
                WorkersMisconfigured(f"A real-time worker failed to start (exit code {code}).")
            )
            self._stopping = True
        return code
