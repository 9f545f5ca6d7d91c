"""Two real-time servers sharing a real Redis (127.0.0.1:6379, a per-test key prefix) on
PostgreSQL: a newer connection on one replaces the older on the other."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from interview_coach.proto import interview_pb2 as pb
from interview_coach.resources import Resources

from .conftest import Seat, ServerFactory, client, url_of

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def cluster_settings(resources: Resources) -> dict[str, str]:
    if resources.settings.resolved_database_url().startswith("sqlite"):
        pytest.skip("several nodes share PostgreSQL, not a SQLite file")
    return {"redis_url": REDIS, "redis_key_prefix": f"test-{secrets.token_hex(6)}:"}


async def test_newer_connection_on_another_node_replaces_older(
    start_server: ServerFactory, seat: Seat, cluster_settings: dict[str, str]
) -> None:
    """REPLACED reaches the older tab on the other node within a second."""
    first = await start_server(**cluster_settings)
    second = await start_server(**cluster_settings)
    async with client(url_of(first)) as older:
        await older.join(seat)
        await older.finals(1)
        async with client(url_of(second)) as newer:  # opened now: no idling past start timeout
            began = time.monotonic()
            start = await newer.join(seat)
            ended = (await older.until("session_ended"))[-1].session_ended
            took = time.monotonic() - began
    assert ended.reason == pb.SessionEnded.REPLACED
    assert start.resumed
    assert took < 1.0


async def test_a_burst_of_starts_waits_for_a_redis_connection_instead_of_failing() -> None:
    """Forty admissions at once through two pooled connections (one held by the node's
    subscription): each waits its turn; none fails with "Too many connections"."""
    from interview_coach.realtime.cluster import RedisCluster

    cluster = RedisCluster.from_url(REDIS, f"test-{secrets.token_hex(6)}:", max_connections=2)

    async def on_replace(interview_id: str, session_id: str) -> None:
        return None

    async def admit(user_id: int) -> bool:
        async with cluster.user_lock(user_id):
            await cluster.claim(f"interview-{user_id}", f"session-{user_id}")
            return not await cluster.held_elsewhere(f"interview-{user_id}")

    await cluster.start(on_replace)
    try:
        admitted = await asyncio.gather(*(admit(user_id) for user_id in range(40)))
    finally:
        await cluster.stop()
    assert admitted == [True] * 40
