"""Completes interviews nobody came back to, across restarts.

Live sessions touch ``last_seen_at`` periodically and when they disconnect, so the database
alone says how long an IN_PROGRESS interview has been without a connection; a restarted
server sweeps what an earlier process left. Interviews live in this process, or claimed by
a live connection on another alive node, are skipped whatever the timestamps say. Every
node may sweep at once: ``lifecycle.complete`` is a compare-and-set, so exactly one
sweeper (or session) wins each interview and only the winner logs the completion.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from sqlalchemy import func, select

from interview_coach.db.base import utcnow
from interview_coach.db.models import Interview
from interview_coach.interviews import lifecycle
from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.realtime import logs
from interview_coach.realtime.registry import SessionRegistry
from interview_coach.resources import Resources


class GraceSweeper:
    def __init__(self, resources: Resources, registry: SessionRegistry) -> None:
        self._resources = resources
        self._registry = registry
        self._stop = asyncio.Event()

    async def sweep(self, now: datetime | None = None) -> list[str]:
        """Complete (ABANDONED) every unattended interview past the grace; their ids."""
        now = now or utcnow()
        cutoff = now - timedelta(seconds=self._resources.settings.rejoin_grace_seconds)
        last_seen = func.coalesce(Interview.last_seen_at, Interview.started_at)
        statement = select(Interview.id).where(
            Interview.status == InterviewStatus.IN_PROGRESS, last_seen < cutoff
        )
        completed: list[str] = []
        async with self._resources.sessions() as db:
            for interview_id in (await db.scalars(statement)).all():
                if interview_id in self._registry:
                    continue
                if await self._registry.cluster.held_elsewhere(interview_id):
                    continue
                if await lifecycle.complete(db, interview_id, EndReason.ABANDONED, now=now):
                    completed.append(interview_id)
                    logs.event("interview.abandoned", interview=interview_id)
        return completed

    async def run(self) -> None:
        """Sweep every ``sweep_interval_seconds`` until ``stop``."""
        interval = self._resources.settings.sweep_interval_seconds
        while not self._stop.is_set():
            try:
                await self.sweep()
            except Exception:
                logs.log.exception("grace sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=interval)

    def stop(self) -> None:
        self._stop.set()
