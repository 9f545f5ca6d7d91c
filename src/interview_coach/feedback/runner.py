"""Generation in the background, never in a request: claim, run the engine, store the result.

A request only claims (``store.claim``) and starts a task here; the page polls for the
result. An engine that raises or runs out of time leaves the report FAILED with a message
that says what to do; the exception goes to the log.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from interview_coach.db.models import Interview
from interview_coach.errors import AppError, NotFound
from interview_coach.feedback import material as material_module
from interview_coach.feedback import store
from interview_coach.feedback.engines import FeedbackEngine
from interview_coach.feedback.report import Report

log = logging.getLogger(__name__)

# Must stay below ``store.STALE_AFTER``, so a live generation is never taken over.
GENERATION_TIMEOUT_SECONDS = 120.0
# An engine's own limit (a model's ``feedback_timeout_seconds``) plus this: it falls back
# to the offline report itself before the runner gives up on it.
ENGINE_MARGIN_SECONDS = 15.0
FAILED_MESSAGE = "We could not put your report together. Try again in a moment."
TIMEOUT_MESSAGE = "Making your report took too long. Try again in a moment."


def runner_timeout(engine_seconds: float) -> float:
    """The runner's limit for an engine that stops itself after ``engine_seconds``."""
    ceiling = store.STALE_AFTER.total_seconds() - ENGINE_MARGIN_SECONDS
    return min(ceiling, max(GENERATION_TIMEOUT_SECONDS, engine_seconds + ENGINE_MARGIN_SECONDS))


class FeedbackRunner:
    """Starts and tracks generation tasks for one process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        engine: FeedbackEngine,
        *,
        timeout_seconds: float = GENERATION_TIMEOUT_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.engine = engine
        self._timeout = timeout_seconds
        self._tasks: set[asyncio.Task[None]] = set()

    async def request(self, interview_id: str, *, again: bool = False) -> bool:
        """Claim and start a generation; False when one is running or the report exists."""
        async with self.sessions() as session:
            attempt = await store.claim(session, interview_id, self.engine.name, again=again)
        if attempt is None:
            return False
        task = asyncio.get_running_loop().create_task(
            self._generate(interview_id, attempt), name=f"feedback-{interview_id}-{attempt}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def wait_idle(self) -> None:
        """Until every started generation has finished (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel generations still running (shutdown); their reports are retried later."""
        for task in list(self._tasks):
            task.cancel()
        await self.wait_idle()

    async def _generate(self, interview_id: str, attempt: int) -> None:
        try:
            report = await self._produce(interview_id)
            async with self.sessions() as session:
                stored = await store.complete(session, interview_id, attempt, report)
            if not stored:
                log.info("feedback for %s attempt %d was superseded", interview_id, attempt)
        except TimeoutError:
            log.warning("feedback for %s timed out (attempt %d)", interview_id, attempt)
            await self._fail(interview_id, attempt, TIMEOUT_MESSAGE)
        except AppError as error:
            await self._fail(interview_id, attempt, error.message)
        except Exception:
            log.exception("feedback for %s failed (attempt %d)", interview_id, attempt)
            await self._fail(interview_id, attempt, FAILED_MESSAGE)

    async def _produce(self, interview_id: str) -> Report:
        async with asyncio.timeout(self._timeout):
            async with self.sessions() as session:
                interview = await session.get(Interview, interview_id)
                if interview is None:
                    raise NotFound("The interview no longer exists.")
                material = await material_module.load(session, interview)
            return await self.engine.generate(material)

    async def _fail(self, interview_id: str, attempt: int, message: str) -> None:
        try:
            async with self.sessions() as session:
                await store.fail(session, interview_id, attempt, message)
        except Exception:  # the row stays PENDING until STALE_AFTER lets a retry take it
            log.exception("could not mark feedback for %s as failed", interview_id)
