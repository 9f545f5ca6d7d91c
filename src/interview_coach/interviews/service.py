"""Queries and commands on interviews; every read by id checks the owner."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.base import utcnow
from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.errors import NotFound, ValidationFailed
from interview_coach.inputs import control_character_problem
from interview_coach.interviews.enums import (
    DEFAULT_DURATION_MINUTES,
    DEFAULT_PERSONA,
    DURATION_CHOICES,
    InterviewStatus,
)

MAX_JOB_TITLE = 200
MAX_PERSONA = 500
MAX_LONG_TEXT = 20_000
REQUEST_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
INTERVIEW_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class NewInterview:
    job_title: str
    job_description: str = ""
    resume: str = ""
    persona: str = DEFAULT_PERSONA
    duration_minutes: int = DEFAULT_DURATION_MINUTES

    def validated(self) -> NewInterview:
        """Trimmed copy, or ``ValidationFailed`` naming each bad field."""
        errors: dict[str, str] = {}
        title = self.job_title.strip()
        if not title:
            errors["job_title"] = "Enter the job title you are practising for."
        elif len(title) > MAX_JOB_TITLE:
            errors["job_title"] = f"Keep the job title under {MAX_JOB_TITLE} characters."
        persona = self.persona.strip() or DEFAULT_PERSONA
        if len(persona) > MAX_PERSONA:
            errors["persona"] = f"Keep the persona under {MAX_PERSONA} characters."
        if self.duration_minutes not in DURATION_CHOICES:
            choices = ", ".join(str(c) for c in DURATION_CHOICES)
            errors["duration_minutes"] = f"Choose a duration of {choices} minutes."
        for field, value in (("job_description", self.job_description), ("resume", self.resume)):
            if len(value) > MAX_LONG_TEXT:
                errors[field] = f"Keep this under {MAX_LONG_TEXT:,} characters."
        for field, label, value, multiline in self._texts():
            problem = control_character_problem(value, label, multiline=multiline)
            if problem and field not in errors:
                errors[field] = problem
        if errors:
            raise ValidationFailed(errors)
        return NewInterview(
            job_title=title,
            job_description=self.job_description.strip(),
            resume=self.resume.strip(),
            persona=persona,
            duration_minutes=self.duration_minutes,
        )

    def _texts(self) -> tuple[tuple[str, str, str, bool], ...]:
        """(field, label, value, multi-line) of every text the user typed."""
        return (
            ("job_title", "job title", self.job_title, False),
            ("persona", "interviewer description", self.persona, False),
            ("job_description", "job description", self.job_description, True),
            ("resume", "resume", self.resume, True),
        )


def new_interview_id() -> str:
    """128 random bits, URL-safe: ids are unguessable and double as capability-free keys."""
    return _id_text(secrets.token_bytes(16))


def _id_text(raw: bytes) -> str:
    """URL-safe base64 of ``raw`` that never starts with ``-``: a command line would read
    such an id as an option (one in 64 did). A leading ``-`` is the top six bits 111110;
    flipping the top bit turns it into ``e`` and costs the id well under one bit."""
    if raw[0] >> 2 == 0b111110:
        raw = bytes([raw[0] ^ 0x80]) + raw[1:]
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_request_key() -> str:
    """A one-use key a create form carries, so submitting it twice creates one interview."""
    return secrets.token_urlsafe(16)


def is_request_key(value: str) -> bool:
    return REQUEST_KEY_PATTERN.fullmatch(value) is not None


def interview_id_for(user_id: int, request_key: str) -> str:
    """The id a keyed create uses: the same user and key always give the same id.

    The key is random and only ever shown to its user, so the id stays unguessable;
    the user id in the hash keeps two users' keys from ever meeting.
    """
    digest = hashlib.sha256(f"interview:{user_id}:{request_key}".encode()).digest()[:16]
    return _id_text(digest)


async def create_interview(
    session: AsyncSession, user_id: int, data: NewInterview, *, request_key: str | None = None
) -> Interview:
    """A new PENDING interview; with a ``request_key``, a repeat returns the first one.

    The primary key does the deduplication, so even racing duplicates resolve in the
    database: the loser's insert fails and it reads the winner's row.
    """
    clean = data.validated()
    if request_key is None:
        interview_id = new_interview_id()
    else:
        if not is_request_key(request_key):
            raise ValueError("request_key must come from new_request_key()")
        interview_id = interview_id_for(user_id, request_key)
        existing = await session.get(Interview, interview_id)
        if existing is not None:  # the user id is in the hash: it is this user's
            return existing
    interview = Interview(
        id=interview_id,
        user_id=user_id,
        status=InterviewStatus.PENDING,
        job_title=clean.job_title,
        job_description=clean.job_description,
        resume=clean.resume,
        persona=clean.persona,
        duration_minutes=clean.duration_minutes,
    )
    session.add(interview)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if request_key is None:
            raise
        return await get_owned(session, user_id, interview_id)
    return interview


async def get_owned(session: AsyncSession, user_id: int, interview_id: str) -> Interview:
    """The interview if this user owns it; ``NotFound`` alike for missing and foreign ones.

    A string no id can be (one with NUL, which PostgreSQL refuses) is not looked up.
    """
    if not INTERVIEW_ID_PATTERN.fullmatch(interview_id):
        raise NotFound("Interview not found.")
    interview = await session.get(Interview, interview_id, populate_existing=True)
    if interview is None or interview.user_id != user_id:
        raise NotFound("Interview not found.")
    return interview


async def list_for_user(session: AsyncSession, user_id: int) -> list[Interview]:
    statement = (
        select(Interview)
        .where(Interview.user_id == user_id)
        .order_by(Interview.created_at.desc(), Interview.id)
    )
    return list((await session.scalars(statement)).all())


async def get_current(session: AsyncSession, user_id: int) -> Interview | None:
    """The spec's ``interview.getCurrent``: the user's IN_PROGRESS interview, newest first."""
    statement = (
        select(Interview)
        .where(Interview.user_id == user_id, Interview.status == InterviewStatus.IN_PROGRESS)
        .order_by(Interview.started_at.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


def elapsed_seconds(interview: Interview, now: datetime | None = None) -> int:
    """Whole seconds since the interview first started (0 before): the session clock's base,
    the same one the real-time server reports in ``StartResponse.elapsed_ms``."""
    if interview.started_at is None:
        return 0
    return max(0, int(((now or utcnow()) - interview.started_at).total_seconds()))


async def transcript(session: AsyncSession, interview_id: str) -> list[TranscriptEntry]:
    statement = (
        select(TranscriptEntry)
        .where(TranscriptEntry.interview_id == interview_id)
        .order_by(TranscriptEntry.sequence)
    )
    return list((await session.scalars(statement)).all())
