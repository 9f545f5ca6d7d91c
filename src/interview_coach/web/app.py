"""The FastAPI application factory."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import ASGIApp

from interview_coach import __version__
from interview_coach.auth import web_sessions
from interview_coach.auth.ratelimit import (
    MemoryWindowStore,
    RedisWindowStore,
    SignInLimiter,
    SignUpLimiter,
    WindowStore,
)
from interview_coach.config import REDIS_WAIT_SECONDS, Settings
from interview_coach.resources import Resources
from interview_coach.web import csrf, errors, input_guard
from interview_coach.web.deps import SESSION_COOKIE
from interview_coach.web.protection import Protection
from interview_coach.web.routes import api, auth_pages, feedback, pages
from interview_coach.web.templating import STATIC_DIR


class InterviewCoachApp(FastAPI):
    """FastAPI with ``Protection`` outside Starlette's error middleware, so even a 500 and
    static files get the security headers and the body cap."""

    def build_middleware_stack(self) -> ASGIApp:
        resources: Resources = self.state.resources
        return Protection(super().build_middleware_stack(), resources.settings)


def create_app(resources: Resources) -> FastAPI:
    app = InterviewCoachApp(
        title="Interview Coach",
        version=__version__,
        description="Practise job interviews by voice with an AI interviewer.",
        dependencies=[Depends(input_guard.verify), Depends(csrf.verify)],
        # Swagger UI and ReDoc load scripts from a CDN, which the pages' CSP forbids;
        # the schema itself stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.resources = resources
    app.state.signin_limiter = signin_limiter(resources.settings)
    window = resources.settings.signup_window_seconds
    app.state.signup_limiter = SignUpLimiter(
        _window_store(resources.settings, window),
        max_sign_ups=resources.settings.signup_max_per_address,
        window_seconds=window,
        clock=_clock(resources.settings),
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth_pages.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(feedback.router)
    app.middleware("http")(_identify)
    return app


def signin_limiter(settings: Settings) -> SignInLimiter:
    return SignInLimiter(
        _window_store(settings, settings.login_window_seconds),
        max_failures=settings.login_max_failures,
        address_max_failures=settings.login_address_max_failures,
        lock_addresses=settings.login_lock_addresses,
        window_seconds=settings.login_window_seconds,
        clock=_clock(settings),
    )


def _window_store(settings: Settings, window_seconds: float) -> WindowStore:
    """In memory for one process; in Redis (shared by every node) when redis_url is set."""
    if settings.redis_url is None:
        return MemoryWindowStore(window_seconds)
    import redis

    pool = redis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=REDIS_WAIT_SECONDS,
        decode_responses=True,
    )
    client = redis.Redis.from_pool(pool)
    return RedisWindowStore(client, settings.redis_key_prefix, window_seconds)


def _clock(settings: Settings) -> Callable[[], float]:
    """Wall-clock time across machines; monotonic (immune to clock steps) in one process."""
    return time.monotonic if settings.redis_url is None else time.time


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
    return response
