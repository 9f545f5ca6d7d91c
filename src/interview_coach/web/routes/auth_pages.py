"""Sign up, sign in, sign out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from interview_coach.auth import users, web_sessions
from interview_coach.auth.ratelimit import FailureLimiter
from interview_coach.errors import RateLimited, ValidationFailed
from interview_coach.web.deps import SESSION_COOKIE, DbDep, OptionalUserDep, ResourcesDep
from interview_coach.web.templating import render

router = APIRouter(include_in_schema=False)

WRONG_CREDENTIALS = "That email and password do not match an account."


def safe_next(target: str | None) -> str:
    """Only same-site paths, so ``next`` cannot send people to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _limiter(request: Request) -> FailureLimiter:
    app_state = request.app.state
    if not hasattr(app_state, "signin_limiter"):
        settings = app_state.resources.settings
        app_state.signin_limiter = FailureLimiter(
            settings.login_max_failures, settings.login_window_seconds
        )
    limiter: FailureLimiter = app_state.signin_limiter
    return limiter


async def _sign_in_response(
    request: Request, resources: ResourcesDep, db: DbDep, user_id: int, target: str
) -> Response:
    lifetime = timedelta(days=resources.settings.session_days)
    token = await web_sessions.open_session(db, user_id, lifetime)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/signup")
async def signup_form(request: Request, user: OptionalUserDep) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "signup.html", {"errors": {}, "values": {}})


@router.post("/signup")
async def signup(
    request: Request,
    resources: ResourcesDep,
    db: DbDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    try:
        user = await users.create_user(db, email, password, name)
    except ValidationFailed as failure:
        values = {"email": email, "name": name}
        context = {"errors": failure.errors, "values": values}
        return render(request, "signup.html", context, status_code=422)
    return await _sign_in_response(request, resources, db, user.id, "/")


@router.get("/signin")
async def signin_form(request: Request, user: OptionalUserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "signin.html", {"error": None, "values": {}, "next": next or ""})


@router.post("/signin")
async def signin(
    request: Request,
    resources: ResourcesDep,
    db: DbDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    limiter = _limiter(request)
    client = request.client.host if request.client else "unknown"
    keys = (f"email:{users.normalise_email(email)}", f"ip:{client}")
    wait = limiter.retry_after(*keys)
    if wait:
        minutes = max(1, round(wait / 60))
        raise RateLimited(
            f"Too many failed sign-in attempts. Try again in about {minutes} minute(s).",
            retry_after=wait,
        )
    user = await users.authenticate(db, email, password)
    if user is None:
        limiter.record_failure(*keys)
        context = {"error": WRONG_CREDENTIALS, "values": {"email": email}, "next": next}
        return render(request, "signin.html", context, status_code=401)
    limiter.reset(keys[0])
    return await _sign_in_response(request, resources, db, user.id, next)


@router.post("/signout")
async def signout(request: Request, db: DbDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await web_sessions.revoke(db, token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
