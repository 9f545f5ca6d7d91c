"""JSON API, published in the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from interview_coach.errors import Conflict
from interview_coach.interviews import service
from interview_coach.interviews.lifecycle import FINISHED
from interview_coach.interviews.views import InterviewOut
from interview_coach.web.deps import DbDep, ResourcesDep, UserDep

router = APIRouter(prefix="/api", tags=["interviews"])


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Not signed in"},
    404: {"model": ErrorResponse, "description": "No such interview for this user"},
}
TICKET_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    403: {"model": ErrorResponse, "description": "Missing or wrong X-CSRF-Token header"},
    409: {"model": ErrorResponse, "description": "The interview has already ended"},
}


class TicketOut(BaseModel):
    """``auth.tickets.IssuedTicket`` as the API answers it."""

    model_config = ConfigDict(from_attributes=True)

    token: str
    expires_in: int
    interview_id: str
    realtime_url: str


@router.get("/interviews/current", response_model=InterviewOut | None, responses=ERRORS)
async def get_current(user: UserDep, db: DbDep) -> InterviewOut | None:
    """The spec's ``interview.getCurrent``: the user's in-progress interview, or null."""
    interview = await service.get_current(db, user.id)
    return InterviewOut.model_validate(interview) if interview else None


@router.get("/interviews", response_model=list[InterviewOut], responses=ERRORS)
async def list_interviews(user: UserDep, db: DbDep) -> list[InterviewOut]:
    """The signed-in user's interviews, newest first."""
    return [InterviewOut.model_validate(i) for i in await service.list_for_user(db, user.id)]


@router.get("/interviews/{interview_id}", response_model=InterviewOut, responses=ERRORS)
async def get_interview(interview_id: str, user: UserDep, db: DbDep) -> InterviewOut:
    """One interview of the signed-in user; 404 alike for missing and someone else's."""
    return InterviewOut.model_validate(await service.get_owned(db, user.id, interview_id))


@router.post("/interviews/{interview_id}/ticket", response_model=TicketOut, responses=TICKET_ERRORS)
async def issue_ticket(
    interview_id: str, user: UserDep, db: DbDep, resources: ResourcesDep
) -> TicketOut:
    """A short-lived token for the real-time ``StartRequest.auth_token``, owner only.

    Needs the ``X-CSRF-Token`` header (the page's ``<meta name="csrf-token">``).
    """
    interview = await service.get_owned(db, user.id, interview_id)
    if interview.status in FINISHED:
        raise Conflict("This interview has already ended. Open its feedback instead.")
    grant = resources.tickets.grant(user.id, interview.id, resources.settings.realtime_url())
    return TicketOut.model_validate(grant)
