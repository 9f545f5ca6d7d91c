"""The server around the sessions: handshake checks, health, and stopping without loss."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import httpx
import picows
import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import InvalidStatus

from interview_coach.config import Settings
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.realtime.errors import CloseCode
from interview_coach.realtime.server import RealtimeServer
from interview_coach.resources import Resources

from .conftest import Seat, ServerFactory, client, eventually, load, url_of

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries


async def test_the_setting_picks_the_websocket_library(
    server: RealtimeServer, transport: str, seat: Seat
) -> None:
    """``realtime_transport`` decides which library holds the connection (both run every
    test here): the server's end of a live session is that library's connection."""
    async with client(url_of(server)) as c:
        await c.join(seat)
        listener: Any = server._server
        [connection] = list(listener.all_connections)
    library = {"websockets": ServerConnection, "picows": picows.WSListener}[transport]
    assert isinstance(connection, library)


async def test_health_check(server: RealtimeServer) -> None:
    """GET /healthz on the WebSocket port answers 200 for load balancers."""
    async with httpx.AsyncClient() as http:
        response = await http.get(f"http://127.0.0.1:{server.port}/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"


async def test_foreign_origin_is_rejected(url: str) -> None:
    """A page from another origin cannot open the socket (HTTP 403 at the handshake)."""
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, origin="http://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403


async def test_web_app_origin_is_accepted(url: str, seat: Seat, settings: Settings) -> None:
    """The web app's own origin passes the handshake and can start a session."""
    async with client(url, origin=settings.web_origin()) as c:
        assert (await c.join(seat)).session_id


async def test_compression_is_not_negotiated(url: str) -> None:
    """permessage-deflate stays off even when the client offers it (as browsers do)."""
    async with connect(url) as ws:  # offers permessage-deflate by default
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers


async def test_shutdown_mid_session_loses_nothing(
    start_server: ServerFactory, seat: Seat, resources: Resources, encoding: str
) -> None:
    """stop() sends Error 1012 and closes with 1012; a new server resumes the interview."""
    first = await start_server()
    async with client(url_of(first), encoding) as c:
        await c.join(seat)
        said = await c.finals(1)
        await first.stop()
        error = (await c.until("error"))[-1].error
        code = await c.closed()
    assert error.code == code == CloseCode.SERVICE_RESTART
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.IN_PROGRESS
    second = await start_server()
    async with client(url_of(second), encoding) as c:
        start = await c.join(seat)
        resent = (await c.expect("partial_transcript")).partial_transcript
    assert start.resumed
    assert resent == said[0]


async def test_sigterm_stops_gracefully(seat: Seat, settings: Settings, tmp_path: Path) -> None:
    """`interview-coach serve-realtime` turns SIGTERM into 1012 to the client and exit 0."""
    env = {
        **os.environ,
        "INTERVIEW_COACH_DATABASE_URL": settings.resolved_database_url(),
        "INTERVIEW_COACH_SECRET_KEY": settings.signing_key(),
        "INTERVIEW_COACH_DATA_DIR": str(tmp_path),
    }
    command = Path(sys.executable).parent / "interview-coach"
    process = await asyncio.create_subprocess_exec(
        command,
        "serve-realtime",
        "--json",
        "--realtime-port",
        "0",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(20):
            announced = ""
            while not announced.rstrip().endswith("}"):
                line = (await process.stdout.readline()).decode()
                assert line, "server exited before announcing its URL"
                announced += line
        async with client(json.loads(announced)["realtime"]) as c:
            await c.join(seat)
            process.send_signal(signal.SIGTERM)
            error = (await c.until("error"))[-1].error
            code = await c.closed()
        assert error.code == code == CloseCode.SERVICE_RESTART
        async with asyncio.timeout(10):
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_client_that_stops_answering_pings_is_dropped(
    start_server: ServerFactory, seat: Seat, resources: Resources, transport: str
) -> None:
    """A client whose network went away (it reads nothing, so no pong comes back) is let
    go after about two ping intervals; its interview stays rejoinable."""
    if transport == "websockets":
        pytest.skip("websockets then waits close_timeout (10 s) for the dead peer's close")
    server = await start_server(ping_interval_seconds=0.3)
    async with client(url_of(server)) as c:
        await c.join(seat)
        c.ws.transport.pause_reading()

        async def dropped() -> bool:
            return server.sessions.get(seat.interview.id) is None

        await eventually(dropped, within=3.0)
        c.ws.transport.resume_reading()
    assert (await load(resources, seat.interview.id)).status == InterviewStatus.IN_PROGRESS
