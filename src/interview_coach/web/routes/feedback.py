"""The feedback page, its self-updating report fragment, the JSON API and the export.

Opening the page (or the API) of a finished interview starts generation when there is no
report yet; generation runs in the background (``feedback.runner``) and the page's script
polls the API and swaps the report in when it is ready. Every route checks the owner and
answers 404 alike for someone else's interview and a missing one.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from interview_coach.db.models import Interview
from interview_coach.errors import Conflict
from interview_coach.feedback import charts, store, view
from interview_coach.feedback.engines import describe, get_engine
from interview_coach.feedback.export import to_markdown
from interview_coach.feedback.formatting import clock
from interview_coach.feedback.report import Report
from interview_coach.feedback.runner import FeedbackRunner, runner_timeout
from interview_coach.feedback.status import FeedbackStatus
from interview_coach.interviews import service
from interview_coach.web.deps import DbDep, UserDep, get_resources
from interview_coach.web.routes.api import ERRORS, ErrorResponse
from interview_coach.web.templating import render, templates

router = APIRouter()

templates.env.filters.setdefault("clock", clock)
templates.env.filters.setdefault("engine_description", describe)


def get_runner(request: Request) -> FeedbackRunner:
    """One runner per app; ``app.state.feedback_engine`` may name another engine."""
    state = request.app.state
    runner: FeedbackRunner | None = getattr(state, "feedback_runner", None)
    if runner is None:
        settings = get_resources(request).settings
        engine = getattr(state, "feedback_engine", None) or get_engine(settings)
        runner = FeedbackRunner(
            get_resources(request).sessions,
            engine,
            timeout_seconds=runner_timeout(settings.feedback_timeout_seconds),
        )
        state.feedback_runner = runner
    return runner


RunnerDep = Annotated[FeedbackRunner, Depends(get_runner)]


async def _request(runner: FeedbackRunner, interview: Interview, *, again: bool = False) -> None:
    """Start generation for a finished interview: when it has no report (or a lost one), or
    with ``again`` a new one ("Regenerate", "Try again"); nothing while one is being made."""
    if view.is_finished(interview):
        await runner.request(interview.id, again=again)


# ---------------------------------------------------------------- pages


def _page_context(page: view.FeedbackView) -> dict[str, object]:
    return {
        "interview": page.interview,
        "page": page,
        "report": page.report,
        "timeline": charts.timeline(page.timing),
        "timeline_narrow": charts.timeline(page.timing, charts.NARROW),
        "bars": charts.answer_bars(page.timing),
        "bars_narrow": charts.answer_bars(page.timing, charts.NARROW),
    }


@router.get("/interview/{interview_id}/feedback", include_in_schema=False)
async def feedback_page(
    request: Request, interview_id: str, user: UserDep, db: DbDep, runner: RunnerDep
) -> Response:
    interview = await service.get_owned(db, user.id, interview_id)
    await _request(runner, interview)
    page = await view.load(db, interview)
    return render(request, "feedback.html", _page_context(page))


@router.get("/interview/{interview_id}/feedback/report", include_in_schema=False)
async def report_fragment(
    request: Request, interview_id: str, user: UserDep, db: DbDep
) -> Response:
    """The report region alone, which the page's script swaps in when the state changes."""
    page = await view.load(db, await service.get_owned(db, user.id, interview_id))
    response = render(request, "feedback/_report.html", _page_context(page))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/interview/{interview_id}/feedback/regenerate", include_in_schema=False)
async def regenerate(interview_id: str, user: UserDep, db: DbDep, runner: RunnerDep) -> Response:
    """ "Regenerate" and "Try again": a second click while one runs changes nothing."""
    interview = await service.get_owned(db, user.id, interview_id)
    await _request(runner, interview, again=True)
    return RedirectResponse(f"/interview/{interview.id}/feedback", status_code=303)


@router.get("/interview/{interview_id}/feedback.md", include_in_schema=False)
async def export_markdown(interview_id: str, user: UserDep, db: DbDep) -> Response:
    interview = await service.get_owned(db, user.id, interview_id)
    page = await view.load(db, interview)
    date = templates.env.filters["datetime"](interview.started_at or interview.created_at)
    slug = re.sub(r"[^a-z0-9]+", "-", interview.job_title.lower()).strip("-")[:40] or "interview"
    day = (interview.started_at or interview.created_at).strftime("%Y-%m-%d")
    return Response(
        to_markdown(page, date=date),
        media_type="text/markdown; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="feedback-{slug}-{day}.md"',
            "Cache-Control": "no-store",
        },
    )


# ---------------------------------------------------------------- JSON API


class FeedbackOut(BaseModel):
    """A report's state; ``report`` is set once ``status`` is READY."""

    interview_id: str
    status: FeedbackStatus
    engine: str
    error: str | None
    created_at: datetime
    updated_at: datetime
    report: Report | None


API_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    409: {"model": ErrorResponse, "description": "The interview has not finished yet"},
}


async def _feedback_out(db: DbDep, interview: Interview) -> FeedbackOut:
    row = await store.get(db, interview.id)
    if row is None:
        raise Conflict("The interview has not finished yet; feedback is made once it ends.")
    return FeedbackOut(
        interview_id=row.interview_id,
        status=row.status,
        engine=row.engine,
        error=row.error if row.status is FeedbackStatus.FAILED else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
        report=store.report_of(row),
    )


@router.get(
    "/api/interviews/{interview_id}/feedback",
    response_model=FeedbackOut,
    responses=API_ERRORS,
    tags=["feedback"],
)
async def get_feedback(
    interview_id: str, user: UserDep, db: DbDep, runner: RunnerDep
) -> FeedbackOut:
    """The interview's feedback report; starts making it when there is none yet."""
    interview = await service.get_owned(db, user.id, interview_id)
    await _request(runner, interview)
    return await _feedback_out(db, interview)


@router.post(
    "/api/interviews/{interview_id}/feedback",
    response_model=FeedbackOut,
    responses=API_ERRORS,
    status_code=202,
    tags=["feedback"],
)
async def regenerate_feedback(
    interview_id: str, user: UserDep, db: DbDep, runner: RunnerDep
) -> FeedbackOut:
    """Make the report again (or retry a failed one); idempotent while one is being made."""
    interview = await service.get_owned(db, user.id, interview_id)
    await _request(runner, interview, again=True)
    return await _feedback_out(db, interview)
