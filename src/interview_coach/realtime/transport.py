"""The transport seam: what a session needs from a WebSocket, and the ``websockets`` adapter.

Sessions see only ``Transport``, so a faster library (picows) can replace ``websockets``
by adding another adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from interview_coach.realtime.codec import Frame


class TransportClosed(Exception):
    """The connection is gone; nothing more can be sent or received."""


class Transport(Protocol):
    @property
    def remote(self) -> str: ...

    async def recv(self) -> Frame: ...

    async def send(self, frame: Frame) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


class WebSocketTransport:
    def __init__(self, connection: ServerConnection) -> None:
        self._connection = connection
        self._receiving = False

    @property
    def remote(self) -> str:
        address = self._connection.remote_address
        return f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)

    async def recv(self) -> Frame:
        self._receiving = True
        try:
            return await self._connection.recv()
        except ConnectionClosed:
            raise TransportClosed from None
        finally:
            self._receiving = False

    async def send(self, frame: Frame) -> None:
        try:
            await self._connection.send(frame)
        except ConnectionClosed:
            raise TransportClosed from None

    async def close(self, code: int, reason: str) -> None:
        """Closing handshake. Frames still queued are read and dropped meanwhile: with
        reading paused by a full queue (a flooding client) the client's close frame would
        never be seen and the close would hang for ``close_timeout``."""
        if self._receiving:  # a reader elsewhere keeps the queue moving
            await self._connection.close(code, reason[:120])
            return
        drain = asyncio.get_running_loop().create_task(self._drain())
        try:
            await self._connection.close(code, reason[:120])
        finally:
            drain.cancel()

    async def _drain(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await self._connection.recv()
