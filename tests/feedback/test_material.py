"""What the report is made from, read back from a stored interview."""

from __future__ import annotations

from support import add_member

from interview_coach.feedback import material
from interview_coach.feedback.timing import analyse
from interview_coach.interviews import lifecycle, service, transcripts
from interview_coach.interviews.enums import Speaker
from interview_coach.resources import Resources

QUESTION = "Tell me about a project you led."  # 7 words: under 3 s at the estimated pace


async def test_recorded_line_ends_are_used_not_estimated(resources: Resources) -> None:
    """A spoken session stores when each line ended (the interviewer's once its audio had
    played): the timing uses those ends, so a long greeting is not cut to its word count
    and an answer after it is not taken for speaking over it."""
    user = await add_member(resources)
    data = service.NewInterview(job_title="Backend engineer", duration_minutes=10)
    async with resources.sessions() as db:
        interview = await service.create_interview(db, user.id, data)
        assert await lifecycle.start(db, interview.id)
        for line in (
            transcripts.Line(0, Speaker.AI, QUESTION, 0, 24_000),
            transcripts.Line(1, Speaker.USER, "I led the billing move.", 26_000, 30_000),
        ):
            await transcripts.append(db, interview.id, line)
        found = await material.load(db, interview)
    assert [line.end_ms for line in found.lines] == [24_000, 30_000]
    timing = analyse(found)
    assert not timing.interviewer_estimated
    assert timing.interviewer_speaking_ms == 24_000
