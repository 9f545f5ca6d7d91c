"""Domain vocabularies, kept free of imports so the db layer can use them."""

from __future__ import annotations

from enum import StrEnum


class InterviewStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    ERROR = "ERROR"


class EndReason(StrEnum):
    USER_INITIATED = "USER_INITIATED"
    AI_INITIATED = "AI_INITIATED"
    TIMEOUT = "TIMEOUT"
    ABANDONED = "ABANDONED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class Speaker(StrEnum):
    USER = "USER"
    AI = "AI"


DURATION_CHOICES = (10, 30, 60)
DEFAULT_DURATION_MINUTES = 30
DEFAULT_PERSONA = "a professional interviewer"
PERSONA_CHOICES = (
    DEFAULT_PERSONA,
    "a friendly hiring manager",
    "a demanding senior engineer",
    "a fast-paced startup founder",
)
