"""What real-time processes tell each other: who holds which interview, and who is alive.

One process needs nothing shared (``LocalCluster``: every call is a no-op, the in-process
``SessionRegistry`` is the whole truth). Several processes or nodes share Redis
(``RedisCluster``), with keys and one pub/sub channel per process:

- ``node:<id>``: this process is alive; written every ``HEARTBEAT`` seconds with a
  ``NODE_TTL`` expiry, so a node killed with ``kill -9`` stops counting within seconds;
- ``live:<interview>``: ``<node> <session>`` of the connection holding the interview (long
  expiry only as garbage collection: a claim counts only while its node is alive);
- ``user:<id>``: a short lock around one user's admission (replace, check, start), the
  cross-process twin of ``SessionRegistry.user_lock``;
- channel ``node:<id>``: ``replace <interview> <session>`` asks that node to close the
  session with ``REPLACED`` at once; the new connection then waits until the claim is
  released (the old session's lines are stored by then) or its node is dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol

from redis.asyncio import BlockingConnectionPool, Redis

from interview_coach.config import REDIS_WAIT_SECONDS
from interview_coach.realtime import logs

HEARTBEAT = 1.0
NODE_TTL = 3  # seconds without a heartbeat before a node's claims stop counting
CLAIM_TTL = 24 * 3600
USER_LOCK_TTL_MS = 10_000
POLL = 0.02

# Delete a key only if it still holds our value (a newer owner keeps theirs).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

ReplaceHandler = Callable[[str, str], Coroutine[Any, Any, None]]


class Cluster(Protocol):
    node_id: str

    async def start(self, on_replace: ReplaceHandler) -> None: ...

    async def stop(self) -> None: ...

    def user_lock(self, user_id: int) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def claim(self, interview_id: str, session_id: str) -> None:
        """Take the interview for this session, replacing a holder on another node."""
        ...

    async def release(self, interview_id: str, session_id: str) -> None: ...

    async def held_elsewhere(self, interview_id: str) -> bool:
        """Whether a live connection on another (alive) node holds the interview."""
        ...


class LocalCluster:
    """One process: nothing to share."""

    node_id = "local"

    async def start(self, on_replace: ReplaceHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    @contextlib.asynccontextmanager
    async def user_lock(self, user_id: int) -> AsyncIterator[None]:
        yield

    async def claim(self, interview_id: str, session_id: str) -> None:
        return None

    async def release(self, interview_id: str, session_id: str) -> None:
        return None

    async def held_elsewhere(self, interview_id: str) -> bool:
        return False


class RedisCluster:
    def __init__(self, redis: Redis, prefix: str, *, replace_wait: float = NODE_TTL + 1) -> None:
        self.node_id = secrets.token_hex(6)
        self._redis = redis
        self._prefix = prefix
        self._replace_wait = replace_wait
        self._release = redis.register_script(_RELEASE)
        self._tasks: list[asyncio.Task[None]] = []
        self._on_replace: ReplaceHandler | None = None
        self._handling: set[asyncio.Task[None]] = set()

    @classmethod
    def from_url(cls, url: str, prefix: str, *, max_connections: int = 50) -> RedisCluster:
        """A bounded pool that makes a burst of starts wait for a connection; redis-py's
        default pool raises ``MaxConnectionsError`` past 100, which failed sessions."""
        pool = BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=REDIS_WAIT_SECONDS, decode_responses=True
        )
        return cls(Redis.from_pool(pool), prefix)

    def _key(self, *parts: object) -> str:
        return self._prefix + ":".join(str(part) for part in parts)

    # ------------------------------------------------------------ liveness

    async def start(self, on_replace: ReplaceHandler) -> None:
        """Announce this node, then listen for replace requests (subscribed before return)."""
        self._on_replace = on_replace
        await self._beat()
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._key("node", self.node_id))
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._heartbeat()), loop.create_task(self._listen(pubsub))]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._handling, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._redis.delete(self._key("node", self.node_id))
        await self._redis.aclose()

    async def _beat(self) -> None:
        await self._redis.set(self._key("node", self.node_id), "1", ex=NODE_TTL)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self._beat()
            except Exception:
                logs.log.exception("cluster heartbeat failed node=%s", self.node_id)

    async def _listen(self, pubsub: Any) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                verb, interview_id, session_id = str(message["data"]).split(" ")
                if verb == "replace" and self._on_replace is not None:
                    task = asyncio.get_running_loop().create_task(
                        self._on_replace(interview_id, session_id)
                    )
                    self._handling.add(task)
                    task.add_done_callback(self._handling.discard)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _get(self, key: str) -> str | None:
        value = await self._redis.get(key)
        return None if value is None else str(value)

    async def _alive(self, node_id: str) -> bool:
        return bool(await self._redis.exists(self._key("node", node_id)))

    # ------------------------------------------------------------ admission

    @contextlib.asynccontextmanager
    async def user_lock(self, user_id: int) -> AsyncIterator[None]:
        """A Redis lock with a token (released only by its holder) and an expiry (a dead
        holder cannot block the user for longer than USER_LOCK_TTL_MS)."""
        key, token = self._key("user", user_id), secrets.token_hex(8)
        # Polling: the state is in Redis, there is no local event to wait on.
        while not await self._redis.set(key, token, nx=True, px=USER_LOCK_TTL_MS):  # noqa: ASYNC110
            await asyncio.sleep(POLL)
        try:
            yield
        finally:
            await self._release(keys=[key], args=[token])

    async def claim(self, interview_id: str, session_id: str) -> None:
        key = self._key("live", interview_id)
        held = await self._get(key)
        if held is not None:
            node_id, old_session = held.split(" ")
            if node_id != self.node_id and await self._alive(node_id):
                await self._redis.publish(
                    self._key("node", node_id), f"replace {interview_id} {old_session}"
                )
                await self._await_release(key, held, node_id)
        await self._redis.set(key, f"{self.node_id} {session_id}", ex=CLAIM_TTL)

    async def _await_release(self, key: str, held: str, node_id: str) -> None:
        """Until the old holder let go (its lines are stored then) or its node died."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._replace_wait):
                while await self._get(key) == held and await self._alive(node_id):  # noqa: ASYNC110
                    await asyncio.sleep(POLL)

    async def release(self, interview_id: str, session_id: str) -> None:
        key = self._key("live", interview_id)
        await self._release(keys=[key], args=[f"{self.node_id} {session_id}"])

    async def held_elsewhere(self, interview_id: str) -> bool:
        held = await self._get(self._key("live", interview_id))
        if held is None:
            return False
        node_id = held.split(" ")[0]
        return node_id != self.node_id and await self._alive(node_id)


def cluster_for(redis_url: str | None, prefix: str, *, max_connections: int = 50) -> Cluster:
    if redis_url is None:
        return LocalCluster()
    return RedisCluster.from_url(redis_url, prefix, max_connections=max_connections)
