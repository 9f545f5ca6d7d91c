"""Sign-in and sign-up limits: sliding windows of events, kept behind a small store interface.

The policy (``SignInLimiter``, ``SignUpLimiter``) asks a ``WindowStore`` for the events of a
key within the window. ``MemoryWindowStore`` keeps them in this process (one web node; several
nodes each count on their own); ``RedisWindowStore`` (a sorted set per key, scored by
time) is shared by every node and is used whenever ``redis_url`` is set.

Sign-in failures are counted three ways, so nobody can lock anyone else out from one address:

- per address and account: ``max_failures`` wrong passwords from one address for one account
  pause that address for that account only;
- per address: ``address_max_failures`` across all accounts pause that address (guessing
  many accounts from one place);
- per account: the account pauses for everyone only after ``max_failures`` failures that
  came from at least ``lock_addresses`` different addresses.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, Protocol


class WindowStore(Protocol):
    """Timestamped events per key; each event carries a short ``member`` (who or what)."""

    def add(self, key: str, at: float, member: str) -> None: ...

    def since(self, key: str, cutoff: float) -> list[tuple[float, str]]:
        """Events of ``key`` after ``cutoff``, oldest first (older ones may be dropped)."""
        ...

    def discard(self, key: str) -> None: ...


class MemoryWindowStore:
    """Process memory. Bounded: past ``max_keys`` keys, keys with only stale events are swept."""

    def __init__(self, window_seconds: float, max_keys: int = 100_000) -> None:
        self.window_seconds = window_seconds
        self.max_keys = max_keys
        self._events: defaultdict[str, deque[tuple[float, str]]] = defaultdict(deque)

    def add(self, key: str, at: float, member: str) -> None:
        self._events[key].append((at, member))
        if len(self._events) > self.max_keys:
            for stale in list(self._events):
                self.since(stale, at - self.window_seconds)

    def since(self, key: str, cutoff: float) -> list[tuple[float, str]]:
        events = self._events.get(key)
        if events is None:
            return []
        while events and events[0][0] <= cutoff:
            events.popleft()
        if not events:
            del self._events[key]
        return list(events)

    def discard(self, key: str) -> None:
        self._events.pop(key, None)

    def tracked_keys(self) -> int:
        return len(self._events)


class RedisWindowStore:
    """Shared by every web process and node: a sorted set per key, scored by wall-clock
    time (use ``clock=time.time`` with it: monotonic clocks differ between machines).
    Synchronous like the interface; each call is one pipelined round trip to Redis."""

    def __init__(self, redis: Any, prefix: str, window_seconds: float) -> None:
        self._redis = redis
        self._prefix = prefix
        self.window_seconds = window_seconds

    def add(self, key: str, at: float, member: str) -> None:
        name = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.zadd(name, {f"{secrets.token_hex(4)}|{member}": at})
        pipe.expire(name, int(self.window_seconds) + 1)
        pipe.execute()

    def since(self, key: str, cutoff: float) -> list[tuple[float, str]]:
        name = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(name, "-inf", cutoff)
        pipe.zrange(name, 0, -1, withscores=True)
        _, events = pipe.execute()
        return [(float(score), str(tagged).split("|", 1)[1]) for tagged, score in events]

    def discard(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class _Window:
    """Shared arithmetic: the events in the window and how long until one of them expires."""

    def __init__(self, store: WindowStore, window_seconds: float, clock: Callable[[], float]):
        self.store = store
        self.window_seconds = window_seconds
        self.clock = clock

    def events(self, key: str) -> list[tuple[float, str]]:
        return self.store.since(key, self.clock() - self.window_seconds)

    def wait_until_below(self, events: list[tuple[float, str]], limit: int) -> int:
        """Whole seconds until fewer than ``limit`` of ``events`` remain; 0 when already fewer."""
        if len(events) < limit:
            return 0
        return int(events[-limit][0] + self.window_seconds - self.clock()) + 1


class SignInLimiter:
    def __init__(
        self,
        store: WindowStore,
        *,
        max_failures: int,
        address_max_failures: int,
        lock_addresses: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = _Window(store, window_seconds, clock)
        self.max_failures = max_failures
        self.address_max_failures = address_max_failures
        self.lock_addresses = lock_addresses

    def retry_after(self, address: str, account: str) -> int:
        """Seconds until ``address`` may try ``account`` again; 0 when it may now."""
        window = self._window
        pair = window.events(_pair(address, account))
        from_address = window.events(_address(address))
        return max(
            window.wait_until_below(pair, self.max_failures),
            window.wait_until_below(from_address, self.address_max_failures),
            self._account_wait(window.events(_account(account))),
        )

    def _account_wait(self, events: list[tuple[float, str]]) -> int:
        """The account pauses only for failures from enough different addresses."""
        if len({address for _, address in events}) < self.lock_addresses:
            return 0
        return self._window.wait_until_below(events, self.max_failures)

    def record_failure(self, address: str, account: str) -> None:
        now = self._window.clock()
        store = self._window.store
        store.add(_pair(address, account), now, "")
        store.add(_address(address), now, account)
        store.add(_account(account), now, address)

    def record_success(self, address: str, account: str) -> None:
        """The right password from this address clears its own failures for the account."""
        self._window.store.discard(_pair(address, account))


class SignUpLimiter:
    """At most ``max_sign_ups`` new accounts per address in the window."""

    def __init__(
        self,
        store: WindowStore,
        *,
        max_sign_ups: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = _Window(store, window_seconds, clock)
        self.max_sign_ups = max_sign_ups

    def retry_after(self, address: str) -> int:
        events = self._window.events(_sign_up(address))
        return self._window.wait_until_below(events, self.max_sign_ups)

    def record(self, address: str) -> None:
        self._window.store.add(_sign_up(address), self._window.clock(), "")


def _pair(address: str, account: str) -> str:
    return f"signin:pair:{address}:{account}"


def _address(address: str) -> str:
    return f"signin:address:{address}"


def _account(account: str) -> str:
    return f"signin:account:{account}"


def _sign_up(address: str) -> str:
    return f"signup:address:{address}"
