"""Jinja2 setup; every page gets the signed-in user and the CSRF token."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from interview_coach.db.models import Interview
from interview_coach.interviews.enums import InterviewStatus
from interview_coach.interviews.transcripts import utterance_id

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


STATUS_LABELS = {
    InterviewStatus.PENDING: "Not started",
    InterviewStatus.IN_PROGRESS: "In progress",
    InterviewStatus.COMPLETED: "Completed",
    InterviewStatus.ERROR: "Ended by an error",
}
# What a person does next with an interview, by status: (page, link text).
NEXT_STEP = {
    InterviewStatus.PENDING: ("session", "Start"),
    InterviewStatus.IN_PROGRESS: ("session", "Rejoin"),
    InterviewStatus.COMPLETED: ("feedback", "View feedback"),
    InterviewStatus.ERROR: ("feedback", "View what was saved"),
}


def _format_datetime(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def _time_tag(value: datetime | None) -> Markup:
    """A ``<time>`` in UTC that static/js/local-time.js shows in the reader's time zone."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}" data-local-time>{}</time>').format(
        value.isoformat(), escape(_format_datetime(value))
    )


def _status_label(status: InterviewStatus) -> str:
    return STATUS_LABELS[status]


def _interview_href(interview: Interview) -> str:
    return f"/interview/{interview.id}/{NEXT_STEP[interview.status][0]}"


def _next_step(interview: Interview) -> str:
    return NEXT_STEP[interview.status][1]


templates.env.filters["datetime"] = _format_datetime
templates.env.filters["time_tag"] = _time_tag
templates.env.filters["status_label"] = _status_label
templates.env.filters["interview_href"] = _interview_href
templates.env.filters["next_step"] = _next_step
templates.env.filters["utterance_id"] = utterance_id


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    base = {
        "user": getattr(request.state, "user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
    }
    return templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code
    )
