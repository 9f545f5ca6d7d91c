"""picows's own callback API as a ``Transport``: frames parsed in Cython, no Python per byte.

picows hands each whole frame to ``on_ws_frame``. While the session consumes
(``Transport.consume``) the frame goes straight to its handler, in the callback, with no
future or task switch per message (with ``websockets`` those were a large part of a
session's cost). Otherwise messages queue for ``recv`` and reading pauses while too many
wait (a flooding client). ``send`` waits while the socket's write buffer is over its
high-water mark (a stalled reader); fragmented messages are reassembled under the size cap;
the closing handshake is answered. The handshake gets the same rules as the ``websockets``
listener: the Origin allow-list, the health path, no compression (picows never negotiates
it), keepalive pings, the backlog.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from picows import (
    WSAutoPingStrategy,
    WSCloseCode,
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
    WSUpgradeRequest,
    WSUpgradeResponse,
    WSUpgradeResponseWithListener,
    ws_create_server,
)

from interview_coach.realtime.codec import Frame
from interview_coach.realtime.transport import (
    CLOSE_REASON_CHARS,
    ListenOptions,
    Result,
    Transport,
    TransportClosed,
    remote_of,
)

QUEUE_HIGH = 16  # messages waiting before reading pauses (websockets' max_queue)
QUEUE_LOW = 4  # ... and resumes
CLOSE_TIMEOUT = 10.0  # seconds to wait for the peer's close frame (websockets' default)
READ_BUFFER_BYTES = 4096  # per connection, grows on demand: a 40 ms chunk is 1.3 to 1.8 KB
UNKNOWN_REMOTE = "unknown"  # picows shows the handshake's factory the request, not the socket

Consumer = tuple[Callable[[Frame], Any], "asyncio.Future[Any]"]


class NativeConnection(WSListener):
    """One accepted connection: picows calls in; the session consumes, receives, sends."""

    def __init__(
        self, accept: Callable[[NativeConnection], Coroutine[Any, Any, None]], max_size: int
    ) -> None:
        super().__init__()
        self._accept = accept
        self._max_size = max_size
        self._messages: deque[Frame] = deque()
        self._consumer: Consumer | None = None
        self._arrived: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None
        self._fragments: list[bytes] = []
        self._fragment_bytes = 0
        self._fragment_type = WSMsgType.BINARY
        self._reading_paused = False
        self._closing = False
        self._gone = False
        self.transport: WSTransport | None = None
        self.remote_address: Any = None
        self.handler: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ picows calls these

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        self.remote_address = transport.underlying_transport.get_extra_info("peername")
        self.handler = asyncio.get_running_loop().create_task(self._accept(self))

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        kind = frame.msg_type
        if kind is WSMsgType.BINARY or kind is WSMsgType.TEXT:
            if frame.fin:
                self._deliver(kind, frame.get_payload_as_bytes())
            else:
                self._fragment_type = kind
                self._fragments = [frame.get_payload_as_bytes()]
                self._fragment_bytes = len(self._fragments[0])
        elif kind is WSMsgType.CONTINUATION:
            self._continue(frame)
        elif kind is WSMsgType.CLOSE:
            if not transport.is_close_frame_sent:
                transport.send_close(frame.get_close_code(), frame.get_close_message())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self._gone = True
        _wake(self._arrived)
        _wake(self._writable)
        if self._consumer is not None:
            _fail(self._consumer[1], TransportClosed())

    def pause_writing(self) -> None:
        if self._writable is None or self._writable.done():
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        _wake(self._writable)

    # ------------------------------------------------------------ frames in

    def _continue(self, frame: WSFrame) -> None:
        if not self._fragments:
            self._refuse(WSCloseCode.PROTOCOL_ERROR, "continuation without a first frame")
            return
        fragment = frame.get_payload_as_bytes()
        self._fragments.append(fragment)
        self._fragment_bytes += len(fragment)
        if self._fragment_bytes > self._max_size:
            self._refuse(WSCloseCode.MESSAGE_TOO_BIG, "message too big")
        elif frame.fin:
            payload, self._fragments = b"".join(self._fragments), []
            self._deliver(self._fragment_type, payload)

    def _deliver(self, kind: WSMsgType, payload: bytes) -> None:
        if kind is WSMsgType.TEXT:
            try:
                message: Frame = payload.decode()
            except UnicodeDecodeError:
                self._refuse(WSCloseCode.INVALID_TEXT, "text frame is not UTF-8")
                return
        else:
            message = payload
        if self._consumer is not None:
            self._hand_over(self._consumer, message)
        elif not self._closing:  # once closing, nobody reads: the close reply must get in
            self._messages.append(message)
            _wake(self._arrived)
            if len(self._messages) >= QUEUE_HIGH and not self._reading_paused:
                self._reading_paused = True
                self._socket().pause_reading()

    def _hand_over(self, consumer: Consumer, message: Frame) -> None:
        handle, done = consumer
        try:
            result = handle(message)
        except Exception as error:
            self._consumer = None
            _fail(done, error)
            return
        if result is not None:
            self._consumer = None
            if not done.done():
                done.set_result(result)

    def _refuse(self, code: WSCloseCode, reason: str) -> None:
        assert self.transport is not None
        self.transport.send_close(code, reason.encode())
        self.transport.disconnect()

    def _socket(self) -> asyncio.Transport:
        assert self.transport is not None
        return self.transport.underlying_transport

    def _read_again(self) -> None:
        if self._reading_paused and not self._gone:
            self._reading_paused = False
            self._socket().resume_reading()

    # ------------------------------------------------------------ the Transport API

    @property
    def remote(self) -> str:
        return remote_of(self)

    @property
    def closed(self) -> bool:
        return self._gone

    async def recv(self) -> Frame:
        while not self._messages:
            if self._gone:
                raise TransportClosed
            self._arrived = asyncio.get_running_loop().create_future()
            await self._arrived
        message = self._messages.popleft()
        if len(self._messages) <= QUEUE_LOW:
            self._read_again()
        return message

    async def consume(self, handle: Callable[[Frame], Result | None]) -> Result:
        while self._messages:  # what arrived before consuming began, first
            if (result := handle(self._messages.popleft())) is not None:
                return result
        if self._gone:
            raise TransportClosed
        self._read_again()
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._consumer = (handle, done)
        try:
            return await done
        finally:
            self._consumer = None

    async def send(self, frame: Frame) -> None:
        """Write one message; waits while the peer is not reading what was sent."""
        transport = self.transport
        if self._gone or transport is None or transport.is_close_frame_sent:
            raise TransportClosed
        transport.send(WSMsgType.TEXT if isinstance(frame, str) else WSMsgType.BINARY, frame)
        writable = self._writable
        if writable is not None and not writable.done():
            await writable
            if self._gone:
                raise TransportClosed

    async def close(self, code: int, reason: str) -> None:
        """Closing handshake: our close frame, then the peer's reply or ``CLOSE_TIMEOUT``.
        Messages still arriving meanwhile are dropped, so the reply is never stuck behind
        a paused read."""
        transport = self.transport
        self._closing = True
        self._messages.clear()
        self._read_again()
        if transport is None or self._gone:
            return
        if not transport.is_close_frame_sent:
            transport.send_close(WSCloseCode(code), reason[:CLOSE_REASON_CHARS].encode())
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await transport.wait_disconnected()
        except TimeoutError:
            transport.disconnect(graceful=False)


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _fail(done: asyncio.Future[Any], error: Exception) -> None:
    if not done.done():
        done.set_exception(error)


class NativeListener:
    """The listening socket and the accepted connections (for a stop that waits for their
    handlers), named as ``websockets``' server names them."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.all_connections: set[NativeConnection] = set()

    @property
    def sockets(self) -> Sequence[Any]:
        assert self.server is not None
        return self.server.sockets

    def close(self, close_connections: bool = True) -> None:
        assert self.server is not None
        self.server.close()
        if close_connections:
            for connection in list(self.all_connections):
                if connection.transport is not None:
                    connection.transport.disconnect()

    async def wait_closed(self) -> None:
        """Until every accepted connection's handler has returned."""
        handlers = [c.handler for c in self.all_connections if c.handler is not None]
        await asyncio.gather(*handlers, return_exceptions=True)


async def serve(
    handler: Callable[[Transport], Awaitable[None]],
    host: str,
    port: int,
    options: ListenOptions,
) -> NativeListener:
    """Listen with picows; ``handler`` runs once per accepted WebSocket."""
    listener = NativeListener()
    origins = set(options.origins)
    health = options.health_path.encode()

    async def accept(connection: NativeConnection) -> None:
        listener.all_connections.add(connection)
        try:
            await handler(connection)
        except Exception:
            options.logger.exception("connection handler failed")
        finally:
            listener.all_connections.discard(connection)
            if connection.transport is not None:
                connection.transport.disconnect()

    def refuse(status: int, body: bytes) -> WSUpgradeResponseWithListener:
        options.refused(status, UNKNOWN_REMOTE)
        return WSUpgradeResponseWithListener(
            WSUpgradeResponse.create_error_response(status, body), None
        )

    def upgrade(request: WSUpgradeRequest) -> Any:
        if request.path == health:
            ok = WSUpgradeResponse.create_ok_response(b"ok\n")
            return WSUpgradeResponseWithListener(ok, None)
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return refuse(426, b"This port speaks WebSocket only.\n")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in origins:
            return refuse(403, b"This origin may not open the socket.\n")
        return NativeConnection(accept, options.max_size)

    listener.server = await ws_create_server(
        upgrade,
        host,
        port,
        logger_name=options.logger.getChild("picows"),
        enable_auto_ping=True,
        auto_ping_idle_timeout=options.ping_interval,
        auto_ping_reply_timeout=options.ping_interval,
        auto_ping_strategy=WSAutoPingStrategy.PING_WHEN_IDLE,
        max_frame_size=options.max_size,
        read_buffer_init_size=READ_BUFFER_BYTES,
        use_aiofastnet=False,
        backlog=options.backlog,
        reuse_port=options.reuse_port,
    )
    return listener
