"""Server-rendered app pages; every interview page checks the owner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from interview_coach.errors import ValidationFailed
from interview_coach.feedback import history as feedback_history
from interview_coach.inputs import small_number
from interview_coach.interviews import service
from interview_coach.interviews.enums import (
    DEFAULT_DURATION_MINUTES,
    DEFAULT_PERSONA,
    DURATION_CHOICES,
    PERSONA_CHOICES,
    InterviewStatus,
)
from interview_coach.interviews.lifecycle import FINISHED
from interview_coach.web.deps import DbDep, OptionalUserDep, ResourcesDep, UserDep
from interview_coach.web.templating import STATIC_DIR, render

router = APIRouter(include_in_schema=False)

CUSTOM_PERSONA = "custom"


@router.get("/favicon.ico")
async def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links; answer with the same SVG."""
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/")
async def dashboard(request: Request, user: OptionalUserDep, db: DbDep) -> Response:
    if user is None:
        return RedirectResponse("/signin", status_code=303)
    interviews = await service.list_for_user(db, user.id)
    history = await feedback_history.for_dashboard(db, interviews)
    context = {"interviews": interviews, "feedback_history": history}
    return render(request, "dashboard.html", context)


def _form_context(values: dict[str, object], errors: dict[str, str]) -> dict[str, object]:
    return {
        "values": values,
        "errors": errors,
        "durations": DURATION_CHOICES,
        "personas": PERSONA_CHOICES,
        "custom_persona": CUSTOM_PERSONA,
        "limits": {
            "job_title": service.MAX_JOB_TITLE,
            "persona": service.MAX_PERSONA,
            "long_text": service.MAX_LONG_TEXT,
        },
    }


def _persona(choice: str, custom: str) -> tuple[str, str | None]:
    """The persona the form chose, or an error saying what to do instead."""
    if choice == CUSTOM_PERSONA:
        if not custom.strip():
            return "", "Describe your interviewer, or pick one of the choices above."
        return custom, None
    if choice not in PERSONA_CHOICES:
        return "", "Pick one of the interviewers, or describe your own."
    return choice, None


@router.get("/interviews/new")
async def new_interview_form(request: Request, user: UserDep) -> Response:
    values = {
        "duration_minutes": DEFAULT_DURATION_MINUTES,
        "persona_choice": DEFAULT_PERSONA,
        "request_key": service.new_request_key(),
    }
    return render(request, "new_interview.html", _form_context(values, {}))


@router.post("/interviews/new")
async def create_interview(
    request: Request,
    user: UserDep,
    db: DbDep,
    job_title: Annotated[str, Form()] = "",
    job_description: Annotated[str, Form()] = "",
    resume: Annotated[str, Form()] = "",
    persona_choice: Annotated[str, Form()] = DEFAULT_PERSONA,
    persona_custom: Annotated[str, Form()] = "",
    duration_minutes: Annotated[str, Form()] = str(DEFAULT_DURATION_MINUTES),
    request_key: Annotated[str, Form()] = "",
) -> Response:
    """Create a PENDING interview; a repeated submission of one form lands on the same one."""
    persona, persona_error = _persona(persona_choice, persona_custom)
    duration = small_number(duration_minutes) or 0
    data = service.NewInterview(job_title, job_description, resume, persona, duration)
    key = request_key if service.is_request_key(request_key) else service.new_request_key()
    errors: dict[str, str] = {}
    try:
        data.validated()
    except ValidationFailed as failure:
        errors.update(failure.errors)
    if persona_error:
        errors["persona"] = persona_error
    if not errors:
        interview = await service.create_interview(db, user.id, data, request_key=key)
        return RedirectResponse(f"/interview/{interview.id}/session", status_code=303)
    values = {
        "job_title": job_title,
        "job_description": job_description,
        "resume": resume,
        "persona_choice": persona_choice,
        "persona_custom": persona_custom,
        "duration_minutes": duration,
        "request_key": key,
    }
    return render(request, "new_interview.html", _form_context(values, errors), status_code=422)


@router.get("/interview/{interview_id}/session")
async def session_page(
    request: Request, interview_id: str, user: UserDep, db: DbDep, resources: ResourcesDep
) -> Response:
    """The live session; a rejoin shows the saved transcript and the real clock at once.

    Never cached: Back after the interview ended must ask again (and land on the feedback)
    instead of showing a stale "Ready when you are".
    """
    interview = await service.get_owned(db, user.id, interview_id)
    if interview.status in FINISHED:
        response: Response = RedirectResponse(
            f"/interview/{interview.id}/feedback", status_code=303
        )
    else:
        started = interview.status is InterviewStatus.IN_PROGRESS
        context = {
            "interview": interview,
            "realtime_url": resources.settings.realtime_url(),
            "elapsed_seconds": service.elapsed_seconds(interview),
            "saved_lines": await service.transcript(db, interview.id) if started else [],
        }
        response = render(request, "session.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response
