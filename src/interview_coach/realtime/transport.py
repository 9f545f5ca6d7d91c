"""The transport seam: what a session needs from a WebSocket, and the ``websockets`` adapter.

Sessions see only ``Transport``, so a faster library (picows) can replace ``websockets``
by adding another adapter.
"""

from __future__ import annotations

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

    @property
    def remote(self) -> str:
        address = self._connection.remote_address
        return f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)

    async def recv(self) -> Frame:
        try:
            return await self._connection.recv()
        except ConnectionClosed:
            raise TransportClosed from None

    async def send(self, frame: Frame) -> None:
        try:
            await self._connection.send(frame)
        except ConnectionClosed:
            raise TransportClosed from None

    async def close(self, code: int, reason: str) -> None:
        await self._connection.close(code, reason[:120])
