"""Structured session logs: ``event key=value …`` text plus the same fields in ``extra``.

Only ids, counts and codes go in; never tokens, transcript text or audio.
"""

from __future__ import annotations

import logging

log = logging.getLogger("interview_coach.realtime")


def fields(**values: object) -> str:
    return " ".join(f"{key}={value}" for key, value in values.items())


def event(name: str, **values: object) -> None:
    """One INFO line ``name key=value …``; the fields also go to ``record.fields``."""
    log.info("%s %s", name, fields(**values), extra={"event": name, "fields": values})
