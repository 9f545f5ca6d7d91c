"""Everything the feedback page, its JSON and its export show, read once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import FeedbackReport, Interview, TranscriptEntry
from interview_coach.feedback import material as material_module
from interview_coach.feedback import store
from interview_coach.feedback.report import Report
from interview_coach.feedback.status import FeedbackStatus
from interview_coach.feedback.timing import Timing, analyse
from interview_coach.interviews import service
from interview_coach.interviews.lifecycle import FINISHED
from interview_coach.interviews.speech import store as speech_store

State = Literal["unfinished", "generating", "ready", "failed"]


def is_finished(interview: Interview) -> bool:
    """Feedback is made once an interview has ended, normally or not."""
    return interview.status in FINISHED


@dataclass(frozen=True)
class FeedbackView:
    interview: Interview
    entries: list[TranscriptEntry]
    timing: Timing
    row: FeedbackReport | None

    @property
    def state(self) -> State:
        if not is_finished(self.interview):
            return "unfinished"
        if self.row is None or self.row.status is FeedbackStatus.PENDING:
            return "generating"
        return "ready" if self.row.status is FeedbackStatus.READY else "failed"

    @property
    def report(self) -> Report | None:
        return store.report_of(self.row) if self.row is not None else None


async def load(session: AsyncSession, interview: Interview) -> FeedbackView:
    """For an interview the caller has already checked the user owns (``service.get_owned``)."""
    entries = await service.transcript(session, interview.id)
    segments = await speech_store.for_interview(session, interview.id)
    material = material_module.material_from(
        interview, material_module.lines_from(entries), segments
    )
    timing = analyse(material)
    return FeedbackView(interview, entries, timing, await store.get(session, interview.id))
