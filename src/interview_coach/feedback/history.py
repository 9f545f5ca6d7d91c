"""The dashboard's view of progress: per completed interview its date, length and headline
figure, and the trend of that figure across the user's interviews.

The headline (average answer length) comes straight from timing, the same figure every
report's headline shows, so the dashboard does not wait for reports to be generated and
costs two queries however many interviews there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.feedback.charts import TREND_NARROW_WIDTH, Chart, trend_chart
from interview_coach.feedback.formatting import clock
from interview_coach.feedback.material import Line, lines_from, material_from
from interview_coach.feedback.offline import headline
from interview_coach.feedback.report import Headline
from interview_coach.feedback.timing import analyse
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.interviews.speech import store as speech_store

TREND_LENGTH = 10  # the most recent completed interviews the trend shows


@dataclass(frozen=True)
class HistoryItem:
    interview_id: str
    date: datetime
    length_ms: int
    headline: Headline

    @property
    def length(self) -> str:
        return clock(self.length_ms)


@dataclass(frozen=True)
class History:
    items: dict[str, HistoryItem]
    trend: Chart | None
    trend_text: str
    trend_narrow: Chart | None = None  # the same trend drawn for a phone


async def for_dashboard(session: AsyncSession, interviews: Sequence[Interview]) -> History:
    """History for these interviews (a user's, as the dashboard lists them)."""
    done = [i for i in interviews if i.status is InterviewStatus.COMPLETED and i.started_at]
    ids = [i.id for i in done]
    lines = await _lines_for(session, ids)
    segments = await speech_store.for_interviews(session, ids)
    items: dict[str, HistoryItem] = {}
    for interview in done:
        material = material_from(
            interview, lines.get(interview.id, []), segments.get(interview.id, [])
        )
        assert interview.started_at is not None
        items[interview.id] = HistoryItem(
            interview_id=interview.id,
            date=interview.started_at,
            length_ms=material.session_ms,
            headline=headline(analyse(material).average_answer_ms),
        )
    return _with_trend(items)


def _with_trend(items: dict[str, HistoryItem]) -> History:
    measured = sorted(
        (item for item in items.values() if item.headline.value is not None),
        key=lambda item: item.date,
    )[-TREND_LENGTH:]
    if len(measured) < 2:
        text = (
            "Finish another interview to see how your average answer length changes."
            if items
            else ""
        )
        return History(items, None, text)
    points = [(item.date, round((item.headline.value or 0) * 1000)) for item in measured]
    first, last = points[0][1], points[-1][1]
    change = (
        "no change"
        if first // 1000 == last // 1000
        else (f"{'up' if last > first else 'down'} {clock(abs(last - first))}")
    )
    text = (
        f"Average answer length over your last {len(points)} interviews, oldest first: "
        + ", ".join(clock(value) for _, value in points)
        + f" ({change})."
    )
    return History(items, trend_chart(points), text, trend_chart(points, TREND_NARROW_WIDTH))


async def _lines_for(session: AsyncSession, ids: list[str]) -> dict[str, list[Line]]:
    if not ids:
        return {}
    statement = (
        select(TranscriptEntry)
        .where(TranscriptEntry.interview_id.in_(ids))
        .order_by(TranscriptEntry.interview_id, TranscriptEntry.sequence)
    )
    entries: dict[str, list[TranscriptEntry]] = defaultdict(list)
    for entry in await session.scalars(statement):
        entries[entry.interview_id].append(entry)
    return {interview_id: lines_from(found) for interview_id, found in entries.items()}
