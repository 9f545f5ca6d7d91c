"""The real-time server: accepts WebSocket connections and turns them into live sessions.

The handshake checks ``Origin`` against the allow-list (a missing Origin is allowed: only
browsers send one, and non-browser clients cannot be hijacked by a page) and answers
``GET /healthz`` for load balancers. permessage-deflate is off: raw PCM barely compresses
and deflate costs CPU on every frame. ``stop`` stops accepting, tells live sessions the
server is restarting (close code 1012) and leaves their interviews IN_PROGRESS to rejoin.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from interview_coach.db.group import GroupTransaction
from interview_coach.errors import AppError
from interview_coach.interviewer.base import InterviewerFactory
from interview_coach.interviewer.engines import interviewer_factory as configured_interviewer
from interview_coach.interviews.admission import admit
from interview_coach.interviews.speech.processor import speech_activity
from interview_coach.realtime import logs, messages
from interview_coach.realtime.cluster import cluster_for
from interview_coach.realtime.errors import (
    CloseCode,
    ProtocolViolation,
    ServerRestarting,
    StartTimeout,
    close_code_for,
)
from interview_coach.realtime.processors import AudioProcessorFactory
from interview_coach.realtime.protocol import ConnectionCore, Limits, StartRequested
from interview_coach.realtime.registry import SessionRegistry
from interview_coach.realtime.session import RESTARTING_MESSAGE, LiveSession, SessionDeps
from interview_coach.realtime.sweeper import GraceSweeper
from interview_coach.realtime.transport import (
    Listener,
    ListenOptions,
    Transport,
    TransportClosed,
    listen,
)
from interview_coach.resources import Resources

HEALTH_PATH = "/healthz"
# Frames above max_frame_bytes get an Error (1009) from the protocol core; the library
# drops anything above this hard cap (also 1009) before it is buffered whole.
HARD_CAP_FACTOR = 4
# asyncio's default listen backlog (100) overflows when many pages reconnect at once (a
# restart): connections beyond it fail their handshake. The kernel caps it at somaxconn.
LISTEN_BACKLOG = 2048


@dataclass(eq=False)
class _Opening:
    """A connection that has not become a live session yet."""

    transport: Transport
    core: ConnectionCore


class RealtimeServer:
    """``start`` / ``stop``; ``sessions`` shows what is live (tests count audio chunks
    through it); ``audio_processors`` lists factories applied to each session. The CLI
    (``interview-coach serve-realtime`` / ``serve``) runs it until SIGTERM or SIGINT."""

    def __init__(
        self,
        resources: Resources,
        *,
        interviewer_factory: InterviewerFactory | None = None,
        audio_processors: Sequence[AudioProcessorFactory] = (),
        reuse_port: bool = False,
    ) -> None:
        self.resources = resources
        self.reuse_port = reuse_port  # a pool's worker shares the port (SO_REUSEPORT)
        self.settings = resources.settings
        self.sessions = SessionRegistry(
            cluster_for(
                self.settings.redis_url,
                self.settings.redis_key_prefix,
                max_connections=self.settings.redis_max_connections,
            )
        )
        self.audio_processors: list[AudioProcessorFactory] = [
            speech_activity(resources),
            *audio_processors,
        ]
        self.interviewer_factory = interviewer_factory or configured_interviewer(self.settings)
        self.sweeper = GraceSweeper(resources, self.sessions)
        self.writes = GroupTransaction(resources.sessions)
        self._limits = Limits.from_settings(self.settings)
        self._server: Listener | None = None
        self._sweeper_task: asyncio.Task[None] | None = None
        self.refusals = logs.RefusalLog()
        self._refusals_task: asyncio.Task[None] | None = None
        self._opening: set[_Opening] = set()
        self._stopping = False
        self._stopped = asyncio.Event()
        self.port = 0

    # ------------------------------------------------------------ public API

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0 picks a free port); returns the bound port."""
        settings = self.settings
        await self.sessions.cluster.start(self._replace_here)
        self._server = await listen(
            settings.realtime_transport,
            self._handle,
            host,
            port,
            ListenOptions(
                origins=settings.origins(),
                max_size=settings.max_frame_bytes * HARD_CAP_FACTOR,
                ping_interval=settings.ping_interval_seconds,
                health_path=HEALTH_PATH,
                refused=self._count_rejected_handshake,
                logger=logs.wire_log,
                backlog=LISTEN_BACKLOG,
                reuse_port=self.reuse_port,
            ),
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        self._sweeper_task = loop.create_task(self.sweeper.run())
        self._refusals_task = loop.create_task(self.refusals.run())
        logs.event("server.listening", host=host, port=self.port)
        return self.port

    async def stop(self) -> None:
        """Stop accepting, close every connection with 1012, keep interviews rejoinable."""
        if self._server is None:
            return
        if self._stopping:
            await self._stopped.wait()
            return
        self._stopping = True
        logs.event("server.stopping", live=len(self.sessions), opening=len(self._opening))
        self._server.close(close_connections=False)
        self.sweeper.stop()
        restarting = ServerRestarting(RESTARTING_MESSAGE)
        await asyncio.gather(
            *(session.shutdown() for session in self.sessions),
            *(self._refuse(o.transport, o.core, restarting) for o in list(self._opening)),
            return_exceptions=True,
        )
        await self._server.wait_closed()
        await self.writes.drain()
        if self._sweeper_task is not None:
            await self._sweeper_task
        if self._refusals_task is not None:
            self._refusals_task.cancel()
        await self.sessions.settled()
        await self.sessions.cluster.stop()
        self.refusals.flush()
        self._stopped.set()
        logs.event("server.stopped", audio_chunks=self.sessions.audio_chunks_total)

    # ------------------------------------------------------------ connections

    async def _handle(self, transport: Transport) -> None:
        opening = _Opening(transport, ConnectionCore(self._limits))
        self._opening.add(opening)
        try:
            session = await self._open(opening)
        except TransportClosed:
            return
        except AppError as error:
            await self._refuse(opening.transport, opening.core, error)
            return
        except Exception:
            logs.log.exception("opening a session failed remote=%s", opening.transport.remote)
            failure = ProtocolViolation(CloseCode.INTERNAL_ERROR, "The server failed to start.")
            await self._refuse(opening.transport, opening.core, failure)
            return
        finally:
            self._opening.discard(opening)
        await session.run()

    async def _open(self, opening: _Opening) -> LiveSession:
        """Wait for the StartRequest, authenticate it, then start or rejoin the interview."""
        transport, core = opening.transport, opening.core
        timeout = self.settings.start_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                frame = await transport.recv()
        except TimeoutError:
            raise StartTimeout(f"No StartRequest arrived within {timeout:g} seconds.") from None
        if self._stopping:
            raise ServerRestarting(RESTARTING_MESSAGE)
        request = core.receive(frame, asyncio.get_running_loop().time())
        if not isinstance(request, StartRequested):
            raise ProtocolViolation(
                CloseCode.POLICY_VIOLATION, "The first message must be a StartRequest."
            )
        ticket = self.resources.tickets.verify(request.auth_token)
        ticket.require_interview(request.interview_id)
        cluster = self.sessions.cluster
        async with cluster.user_lock(ticket.user_id), self.sessions.user_lock(ticket.user_id):
            previous = self.sessions.get(ticket.interview_id)
            if previous is not None and previous.user_id == ticket.user_id:
                await previous.replace()
            session_id = secrets.token_urlsafe(12)
            await cluster.claim(ticket.interview_id, session_id)
            try:
                async with self.resources.sessions() as db:
                    admission = await admit(
                        db, ticket.user_id, ticket.interview_id, group=self.writes
                    )
                session = LiveSession(
                    SessionDeps(
                        self.resources,
                        self.sessions,
                        self.interviewer_factory,
                        self.audio_processors,
                        self.writes,
                    ),
                    session_id=session_id,
                    user_id=ticket.user_id,
                    transport=transport,
                    core=core,
                    admission=admission,
                    sample_rate=request.sample_rate_hertz,
                )
                await session.begin()
            except BaseException:
                await cluster.release(ticket.interview_id, session_id)
                raise
            self.sessions.attach(session)
        if self._stopping:
            await session.shutdown()
        return session

    async def _replace_here(self, interview_id: str, session_id: str) -> None:
        """Another node took the interview: close our session of it with REPLACED."""
        session = self.sessions.get(interview_id)
        if session is not None and session.session_id == session_id:
            await session.replace()

    async def _refuse(self, transport: Transport, core: ConnectionCore, error: AppError) -> None:
        """Send ``Error`` with the close code, then close with it."""
        code = close_code_for(error)
        self.refusals.refused(code=int(code), reason=error.code, remote=transport.remote)
        with suppress(TransportClosed):
            await transport.send(core.encode(messages.error(code, error.message)))
        await transport.close(code, error.code)

    def _count_rejected_handshake(self, status: int, remote: str) -> None:
        """A handshake answered with an HTTP error (foreign Origin, not a WebSocket) is a
        refusal too, logged and counted the same way."""
        self.refusals.refused(code=status, reason=f"http_{status}", remote=remote)
