"""The public shape of an interview: the JSON API answers it and the CLI prints it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from interview_coach.interviews.enums import EndReason, InterviewStatus


class InterviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: InterviewStatus
    job_title: str
    job_description: str
    resume: str
    persona: str
    duration_minutes: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: EndReason | None
