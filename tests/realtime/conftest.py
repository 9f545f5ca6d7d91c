"""Real-time fixtures: a real server on a free port, a real ``websockets`` client speaking
either encoding, and interviews in the real database."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from google.protobuf import json_format
from support import add_member
from support import eventually as shared_eventually
from websockets.asyncio.client import ClientConnection, connect

from interview_coach.config import Settings
from interview_coach.db.models import Interview, TranscriptEntry, User
from interview_coach.interviews import service
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources

ENCODINGS = ["binary", "json"]
TRANSPORTS = ["websockets", "picows"]
RATE = 16000
CHUNK_40MS = b"\x00\x01" * (RATE * 40 // 1000)
WAIT = 5.0  # seconds any single expectation may take


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that say ``TRANSPORT_PARITY = True`` (the wire: handshake, frames, closes,
    rejoin, stalls) run every test over both WebSocket libraries; the rest use the default."""
    if getattr(metafunc.module, "TRANSPORT_PARITY", False) and "transport" in metafunc.fixturenames:
        metafunc.parametrize("transport", TRANSPORTS, indirect=True)


@pytest.fixture
def transport(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "picows"))


@pytest.fixture
def settings(settings: Settings, transport: str) -> Settings:
    """Fast timings: short start timeout, frequent touches; grace stays long by default."""
    return settings.model_copy(
        update={
            "realtime_transport": transport,
            "start_timeout_seconds": 0.5,
            "touch_interval_seconds": 0.2,
            "sweep_interval_seconds": 0.05,
            "ping_interval_seconds": 5.0,
        }
    )


ServerFactory = Callable[..., Awaitable[RealtimeServer]]


@pytest.fixture
async def start_server(resources: Resources) -> AsyncIterator[ServerFactory]:
    """Start servers on port 0, optionally with setting overrides; all stopped afterwards."""
    started: list[RealtimeServer] = []

    async def factory(
        server_kwargs: dict[str, Any] | None = None, **overrides: Any
    ) -> RealtimeServer:
        res = resources
        if overrides:
            res = dataclasses.replace(
                resources, settings=resources.settings.model_copy(update=overrides)
            )
        server = RealtimeServer(res, **(server_kwargs or {}))
        await server.start("127.0.0.1", 0)
        started.append(server)
        return server

    yield factory
    for server in started:
        await server.stop()


@pytest.fixture
async def server(start_server: ServerFactory) -> RealtimeServer:
    return await start_server()


def url_of(server: RealtimeServer) -> str:
    return f"ws://127.0.0.1:{server.port}"


@pytest.fixture
def url(server: RealtimeServer) -> str:
    return url_of(server)


@pytest.fixture(params=ENCODINGS)
def encoding(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ---------------------------------------------------------------- interviews


@dataclass
class Seat:
    """A user with an interview and a valid ticket for it."""

    user: User
    interview: Interview
    token: str


SeatFactory = Callable[..., Awaitable[Seat]]


UserMaker = Callable[[], Awaitable[User]]


@pytest.fixture
def make_member(resources: Resources) -> UserMaker:
    """A user row without a password hash: the real-time server never signs anyone in,
    and hashing (about 0.25 s) would dominate these tests."""

    async def factory() -> User:
        return await add_member(resources)

    return factory


@pytest.fixture
def make_seat(resources: Resources, make_member: UserMaker) -> SeatFactory:
    async def factory(user: User | None = None, **fields: Any) -> Seat:
        owner = user or await make_member()
        data = service.NewInterview(
            job_title=fields.pop("job_title", "Platform Engineer"),
            persona=fields.pop("persona", "a friendly hiring manager"),
            duration_minutes=fields.pop("duration_minutes", 30),
        )
        async with resources.sessions() as db:
            interview = await service.create_interview(db, owner.id, data)
        return Seat(owner, interview, resources.tickets.issue(owner.id, interview.id))

    return factory


@pytest.fixture
async def seat(make_seat: SeatFactory) -> Seat:
    return await make_seat()


async def load(resources: Resources, interview_id: str) -> Interview:
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id)
    assert interview is not None
    return interview


async def stored_transcript(resources: Resources, interview_id: str) -> list[TranscriptEntry]:
    async with resources.sessions() as db:
        return await service.transcript(db, interview_id)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    await shared_eventually(check, within)


# ---------------------------------------------------------------- client


class Client:
    """A protocol client over a real WebSocket; checks the server answers in its encoding."""

    def __init__(self, ws: ClientConnection, encoding: str) -> None:
        self.ws = ws
        self.encoding = encoding

    async def send(self, message: pb.ClientToServerMessage) -> None:
        if self.encoding == "binary":
            await self.ws.send(message.SerializeToString())
        else:
            await self.ws.send(json_format.MessageToJson(message, indent=None))

    async def start(self, token: str, interview_id: str, rate: int = RATE) -> None:
        config = pb.AudioConfig(encoding=pb.AudioConfig.LINEAR_PCM, sample_rate_hertz=rate)
        request = pb.StartRequest(auth_token=token, interview_id=interview_id, audio_config=config)
        await self.send(pb.ClientToServerMessage(start_request=request))

    async def join(self, seat: Seat) -> pb.StartResponse:
        await self.start(seat.token, seat.interview.id)
        return (await self.expect("start_response")).start_response

    async def audio(self, pcm: bytes = CHUNK_40MS) -> None:
        await self.send(pb.ClientToServerMessage(audio_chunk=pb.AudioChunk(audio_content=pcm)))

    async def end(self) -> None:
        await self.send(pb.ClientToServerMessage(end_request=pb.EndRequest()))

    async def recv(self, within: float = WAIT) -> pb.ServerToClientMessage:
        async with asyncio.timeout(within):
            frame = await self.ws.recv()
        message = pb.ServerToClientMessage()
        if self.encoding == "binary":
            assert isinstance(frame, bytes), f"expected a binary frame, got {frame!r}"
            message.ParseFromString(frame)
        else:
            assert isinstance(frame, str), f"expected a text frame, got {frame!r}"
            json_format.Parse(frame, message, ignore_unknown_fields=False)
        return message

    async def expect(self, kind: str, within: float = WAIT) -> pb.ServerToClientMessage:
        """The next message, which must be of ``kind``."""
        message = await self.recv(within)
        assert message.WhichOneof("payload") == kind, message
        return message

    async def until(self, kind: str, within: float = WAIT) -> list[pb.ServerToClientMessage]:
        """Messages up to and including the first of ``kind``."""
        seen: list[pb.ServerToClientMessage] = []
        async with asyncio.timeout(within):
            while True:
                seen.append(await self.recv(within))
                if seen[-1].WhichOneof("payload") == kind:
                    return seen

    async def until_final(self, within: float = WAIT) -> list[pb.ServerToClientMessage]:
        """Messages up to and including the next final transcript line."""
        seen: list[pb.ServerToClientMessage] = []
        async with asyncio.timeout(within):
            while not (seen and seen[-1].partial_transcript.is_final):
                seen.append(await self.recv(within))
        return seen

    async def finals(self, count: int, within: float = WAIT) -> list[pb.PartialTranscript]:
        """Skip to the next ``count`` final transcript lines."""
        lines: list[pb.PartialTranscript] = []
        async with asyncio.timeout(within):
            while len(lines) < count:
                message = await self.recv(within)
                if message.HasField("partial_transcript") and message.partial_transcript.is_final:
                    lines.append(message.partial_transcript)
        return lines

    async def closed(self, within: float = WAIT) -> int | None:
        """Wait for the close; the code the server sent."""
        async with asyncio.timeout(within):
            await self.ws.wait_closed()
        return self.ws.close_code

    async def error_and_close(self) -> tuple[pb.Error, int | None]:
        """The Error the server sent, skipping nothing, and the close code after it."""
        error = (await self.expect("error")).error
        return error, await self.closed()


@asynccontextmanager
async def client(url: str, encoding: str = "binary", **kwargs: Any) -> AsyncIterator[Client]:
    async with connect(url, compression=None, **kwargs) as ws:
        yield Client(ws, encoding)
