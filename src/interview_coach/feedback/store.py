"""The report row and its lifecycle: compare-and-set claims, so one generation runs at a time.

PENDING means "being generated". Whoever moves a row into PENDING (creating it, retrying a
FAILED one, regenerating a READY one, or taking over one whose generator vanished) gets an
``attempt`` number; only the holder of the current attempt may write the result. A second
click, a second tab or a second worker loses the race and simply waits for the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.base import utcnow
from interview_coach.db.models import FeedbackReport
from interview_coach.feedback.report import Report
from interview_coach.feedback.status import FeedbackStatus

# A generation still PENDING this long after it was claimed has lost its worker (a restart);
# it must exceed the runner's timeout so a slow but live generation is never taken over.
STALE_AFTER = timedelta(minutes=3)


async def get(session: AsyncSession, interview_id: str) -> FeedbackReport | None:
    statement = select(FeedbackReport).where(FeedbackReport.interview_id == interview_id)
    return (await session.scalars(statement.execution_options(populate_existing=True))).first()


async def claim(
    session: AsyncSession,
    interview_id: str,
    engine: str,
    *,
    again: bool = False,
    now: datetime | None = None,
) -> int | None:
    """The attempt the caller must now generate, or None when there is nothing to do.

    Without ``again`` only a missing or abandoned report is claimed (opening the page);
    with it a READY or FAILED one is too (the "regenerate" and "try again" buttons).
    """
    now = now or utcnow()
    row = await get(session, interview_id)
    if row is None:
        session.add(
            FeedbackReport(
                interview_id=interview_id,
                status=FeedbackStatus.PENDING,
                engine=engine,
                attempt=1,
                created_at=now,
                updated_at=now,
            )
        )
        try:
            await session.commit()
        except IntegrityError:  # someone else created it first
            await session.rollback()
            return None
        return 1
    if row.status is FeedbackStatus.PENDING:
        if row.updated_at > now - STALE_AFTER:
            return None
    elif not again:
        return None
    won = await _compare_and_set(
        session,
        row,
        status=FeedbackStatus.PENDING,
        attempt=row.attempt + 1,
        engine=engine,
        error=None,
        updated_at=now,
    )
    return row.attempt + 1 if won else None


async def complete(session: AsyncSession, interview_id: str, attempt: int, report: Report) -> bool:
    """Store the result; False when this attempt was superseded."""
    return await _finish(
        session,
        interview_id,
        attempt,
        status=FeedbackStatus.READY,
        body=report.model_dump(mode="json"),
        error=None,
    )


async def fail(session: AsyncSession, interview_id: str, attempt: int, message: str) -> bool:
    """Mark FAILED with a message the page shows; an earlier body is kept but not shown."""
    return await _finish(
        session, interview_id, attempt, status=FeedbackStatus.FAILED, error=message
    )


def report_of(row: FeedbackReport) -> Report | None:
    """The READY report, validated; None otherwise."""
    if row.status is not FeedbackStatus.READY or row.body is None:
        return None
    return Report.model_validate(row.body)


async def _compare_and_set(session: AsyncSession, row: FeedbackReport, **values: Any) -> bool:
    statement = (
        update(FeedbackReport)
        .where(
            FeedbackReport.id == row.id,
            FeedbackReport.status == row.status,
            FeedbackReport.attempt == row.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    await session.commit()
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def _finish(session: AsyncSession, interview_id: str, attempt: int, **values: Any) -> bool:
    statement = (
        update(FeedbackReport)
        .where(
            FeedbackReport.interview_id == interview_id,
            FeedbackReport.status == FeedbackStatus.PENDING,
            FeedbackReport.attempt == attempt,
        )
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    await session.commit()
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
