"""The report's lifecycle vocabulary, free of imports so the db layer can use it."""

from __future__ import annotations

from enum import StrEnum


class FeedbackStatus(StrEnum):
    PENDING = "PENDING"  # being generated
    READY = "READY"
    FAILED = "FAILED"
