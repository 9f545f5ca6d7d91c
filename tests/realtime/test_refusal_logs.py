"""Refused connections are logged once each for the first few, then only counted."""

from __future__ import annotations

import logging

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from interview_coach.realtime.logs import REFUSALS_IN_FULL
from interview_coach.realtime.server import RealtimeServer

from .conftest import client, url_of

TRANSPORT_PARITY = True  # every test here runs over both WebSocket libraries

BAD_TOKENS = 40
FOREIGN_ORIGINS = 10


async def test_a_flood_of_refusals_logs_a_few_lines_and_a_summary(
    server: RealtimeServer, caplog: pytest.LogCaptureFixture
) -> None:
    """50 refused connections (bad tickets, a foreign Origin) write the first few in full
    and one summary line with the counts per reason, not three lines each."""
    caplog.set_level(logging.INFO)
    url = url_of(server)
    for _ in range(BAD_TOKENS):
        async with client(url) as c:
            await c.start("not-a-ticket", "some-interview")
            await c.error_and_close()
    for _ in range(FOREIGN_ORIGINS):
        with pytest.raises(InvalidStatus):
            async with connect(url, origin="http://evil.example"):  # type: ignore[arg-type]
                pass
    await server.stop()
    server_lines = [
        r for r in caplog.records if r.name.startswith(("interview_coach", "websockets"))
    ]
    refusals = [r for r in server_lines if getattr(r, "event", "").startswith("session.refused")]
    summaries = [r for r in refusals if r.event == "session.refused.summary"]
    assert len(refusals) == REFUSALS_IN_FULL + 1
    assert [s.fields for s in summaries] == [
        {
            "not_logged": BAD_TOKENS + FOREIGN_ORIGINS - REFUSALS_IN_FULL,
            "http_403": FOREIGN_ORIGINS,
            "invalid_token": BAD_TOKENS - REFUSALS_IN_FULL,
        }
    ]
    # Apart from the refusals, only the server's own start and stop lines.
    others = {r.getMessage().split()[0] for r in server_lines if r not in refusals}
    assert others <= {"server.stopping", "server.stopped"}
