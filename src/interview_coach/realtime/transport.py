"""The transport seam: what a session needs from a WebSocket, and the listeners that make one.

Sessions see only ``Transport``; the server sees only ``listen``. Two libraries sit behind
them, picked by ``realtime_transport``: ``picows`` (the default: a Cython WebSocket core,
through its own callback API in ``picows_native``, 0.7 times the CPU per session) and
``websockets`` (pure asyncio, adapted here). Both get the same handshake rules: the Origin
allow-list, ``GET /healthz``, no compression, the frame-size cap, keepalive pings, the
listen backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar, cast

import websockets
from websockets.asyncio import server as websockets_server
from websockets.typing import Origin

from interview_coach.realtime.codec import Frame

TransportLibrary = Literal["websockets", "picows"]
Result = TypeVar("Result")
CLOSE_REASON_CHARS = 120  # a close frame's reason has room for 123 bytes; ours are ASCII


class TransportClosed(Exception):
    """The connection is gone; nothing more can be sent or received."""


class Transport(Protocol):
    @property
    def remote(self) -> str: ...

    async def recv(self) -> Frame: ...

    async def consume(self, handle: Callable[[Frame], Result | None]) -> Result:
        """Give each message to ``handle`` as it arrives, in order, until it returns a
        result, which is returned. ``TransportClosed`` if the connection closes first; what
        ``handle`` raises comes out here. (The session's receive loop: a library that calls
        back per frame runs ``handle`` right there, with no task switch per message.)"""
        ...

    async def send(self, frame: Frame) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


class Connection(Protocol):
    """The part of ``websockets``' server connection the adapter uses."""

    @property
    def remote_address(self) -> Any: ...

    async def recv(self) -> Frame: ...

    async def send(self, message: Frame) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class Listener(Protocol):
    """A listening server of either library."""

    @property
    def sockets(self) -> Sequence[Any]: ...

    def close(self, close_connections: bool = True) -> None: ...

    async def wait_closed(self) -> None: ...


def remote_of(connection: object) -> str:
    address = getattr(connection, "remote_address", None)
    if isinstance(address, tuple):
        return f"{address[0]}:{address[1]}"
    return "unknown" if address is None else str(address)


class WebSocketTransport:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._receiving = False

    @property
    def remote(self) -> str:
        return remote_of(self._connection)

    async def recv(self) -> Frame:
        self._receiving = True
        try:
            return await self._connection.recv()
        except websockets.ConnectionClosed:
            raise TransportClosed from None
        finally:
            self._receiving = False

    async def consume(self, handle: Callable[[Frame], Result | None]) -> Result:
        while (result := handle(await self.recv())) is None:
            pass
        return result

    async def send(self, frame: Frame) -> None:
        try:
            await self._connection.send(frame)
        except websockets.ConnectionClosed:
            raise TransportClosed from None

    async def close(self, code: int, reason: str) -> None:
        """Closing handshake. Frames still queued are read and dropped meanwhile: with
        reading paused by a full queue (a flooding client) the client's close frame would
        never be seen and the close would hang for ``close_timeout``."""
        if self._receiving:  # a reader elsewhere keeps the queue moving
            await self._connection.close(code, reason[:CLOSE_REASON_CHARS])
            return
        drain = asyncio.get_running_loop().create_task(self._drain())
        try:
            await self._connection.close(code, reason[:CLOSE_REASON_CHARS])
        finally:
            drain.cancel()

    async def _drain(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await self._connection.recv()


@dataclass(frozen=True)
class ListenOptions:
    """What both libraries are told; ``refused`` hears every handshake answered with an
    HTTP error (status, remote)."""

    origins: Sequence[str]
    max_size: int
    ping_interval: float
    health_path: str
    refused: Callable[[int, str], None]
    logger: logging.Logger
    backlog: int
    reuse_port: bool


async def listen(
    library: TransportLibrary,
    handler: Callable[[Transport], Awaitable[None]],
    host: str,
    port: int,
    options: ListenOptions,
) -> Listener:
    """Listen on ``host:port`` with ``library``; each accepted connection goes to ``handler``
    as a ``Transport``."""
    if library == "picows":
        from interview_coach.realtime import picows_native  # it builds on this module

        return await picows_native.serve(handler, host, port, options)

    async def accept(connection: Any) -> None:
        await handler(WebSocketTransport(connection))

    def health(connection: Any, request: Any) -> Any:
        if request.path == options.health_path:
            return connection.respond(http.HTTPStatus.OK, "ok\n")
        return None

    def answered(connection: Any, request: Any, response: Any) -> Any:
        if response.status_code not in (http.HTTPStatus.SWITCHING_PROTOCOLS, http.HTTPStatus.OK):
            options.refused(response.status_code, remote_of(connection))
        return response

    server = await websockets_server.serve(
        accept,
        host,
        port,
        origins=[*map(Origin, options.origins), None],  # no Origin: not a browser
        compression=None,
        max_size=options.max_size,
        ping_interval=options.ping_interval,
        ping_timeout=options.ping_interval,
        process_request=health,
        process_response=answered,
        logger=options.logger,
        server_header=None,
        backlog=options.backlog,
        reuse_port=options.reuse_port,
    )
    return cast(Listener, server)
