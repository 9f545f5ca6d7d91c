"""Which connection holds which interview, in this process (``cluster`` shares the claims
with other processes; see ``realtime/cluster.py``).

One live session per interview: a newer connection replaces the older. Admissions of one
user are serialised by a per-user lock, so "replace, then read the status, then start" and
"at most one interview in progress" hold without racing inside the process.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interview_coach.realtime.cluster import Cluster, LocalCluster

if TYPE_CHECKING:
    from interview_coach.realtime.session import LiveSession


@dataclass
class SessionStats:
    """Per-connection counters; logged when the session ends."""

    audio_chunks: int = 0
    audio_bytes: int = 0
    audio_dropped: int = 0


class SessionRegistry:
    def __init__(self, cluster: Cluster | None = None) -> None:
        self.cluster: Cluster = cluster or LocalCluster()
        self._live: dict[str, LiveSession] = {}
        self._releasing: set[asyncio.Task[None]] = set()
        self._user_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._finished_chunks = 0

    def __len__(self) -> int:
        return len(self._live)

    def __iter__(self) -> Iterator[LiveSession]:
        return iter(list(self._live.values()))

    def __contains__(self, interview_id: object) -> bool:
        return interview_id in self._live

    async def settled(self) -> None:
        """Wait for the claims of ended sessions to be released (before stopping)."""
        await asyncio.gather(*self._releasing, return_exceptions=True)

    def get(self, interview_id: str) -> LiveSession | None:
        return self._live.get(interview_id)

    def user_lock(self, user_id: int) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = self._user_locks[user_id] = asyncio.Lock()
        return lock

    def attach(self, session: LiveSession) -> None:
        self._live[session.interview_id] = session

    def detach(self, session: LiveSession) -> None:
        """Forget ``session`` (if it still holds its interview) and keep its chunk count."""
        if self._live.get(session.interview_id) is session:
            del self._live[session.interview_id]
        release = self.cluster.release(session.interview_id, session.session_id)
        task = asyncio.get_running_loop().create_task(release)
        self._releasing.add(task)
        task.add_done_callback(self._releasing.discard)
        self._finished_chunks += session.stats.audio_chunks

    @property
    def audio_chunks_total(self) -> int:
        """Audio chunks accepted since the server started, live and finished sessions."""
        return self._finished_chunks + sum(s.stats.audio_chunks for s in self._live.values())
