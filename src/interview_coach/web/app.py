"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from interview_coach import __version__
from interview_coach.auth import web_sessions
from interview_coach.auth.ratelimit import FailureLimiter
from interview_coach.resources import Resources
from interview_coach.web import csrf, errors
from interview_coach.web.deps import SESSION_COOKIE
from interview_coach.web.routes import api, auth_pages, feedback, pages
from interview_coach.web.templating import STATIC_DIR


def create_app(resources: Resources) -> FastAPI:
    app = FastAPI(
        title="Interview Coach",
        version=__version__,
        description="Practise job interviews by voice with an AI interviewer.",
        dependencies=[Depends(csrf.verify)],
    )
    app.state.resources = resources
    app.state.signin_limiter = FailureLimiter(
        resources.settings.login_max_failures, resources.settings.login_window_seconds
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth_pages.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(feedback.router)
    app.middleware("http")(_identify)
    return app


async def _identify(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Attach the signed-in user and the CSRF token to every non-static request."""
    if request.url.path.startswith("/static/"):
        return await call_next(request)
    resources: Resources = request.app.state.resources
    request.state.user = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with resources.sessions() as session:
            request.state.user = await web_sessions.user_for_token(session, token)
    request.state.csrf_token = csrf.token_for(request)
    response = await call_next(request)
    csrf.set_cookie(request, response, request.state.csrf_token)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
