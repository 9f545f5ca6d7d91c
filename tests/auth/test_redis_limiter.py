"""The sign-in limiter on the shared Redis store (real Redis, a per-test key prefix): two
limiters, as on two nodes, see each other's failures, with the same three keys."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
import redis

from interview_coach.auth.ratelimit import RedisWindowStore, SignInLimiter


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    conn = redis.Redis.from_url("redis://127.0.0.1:6379/0", decode_responses=True)
    try:
        conn.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    yield conn
    conn.close()


def _limiter(client: redis.Redis, prefix: str) -> SignInLimiter:
    return SignInLimiter(
        RedisWindowStore(client, prefix, 60),
        max_failures=3,
        address_max_failures=10,
        lock_addresses=2,
        window_seconds=60,
        clock=time.time,
    )


def test_failures_on_one_node_count_on_the_other(client: redis.Redis) -> None:
    prefix = f"test-{secrets.token_hex(6)}:"
    first, second = _limiter(client, prefix), _limiter(client, prefix)
    for _ in range(3):
        first.record_failure("10.0.0.1", "ann@example.com")
    assert second.retry_after("10.0.0.1", "ann@example.com") > 0
    # One address alone cannot lock the account for everyone else.
    assert second.retry_after("10.0.0.2", "ann@example.com") == 0
    second.record_success("10.0.0.1", "ann@example.com")
    assert first.retry_after("10.0.0.1", "ann@example.com") == 0
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
