"""Sign up, sign in, sign out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from interview_coach.auth import users, web_sessions
from interview_coach.auth.ratelimit import SignInLimiter, SignUpLimiter
from interview_coach.errors import ValidationFailed
from interview_coach.web.client import client_address
from interview_coach.web.deps import (
    SESSION_COOKIE,
    DbDep,
    OptionalUserDep,
    ResourcesDep,
    cookie_secure,
)
from interview_coach.web.templating import render

router = APIRouter(include_in_schema=False)

WRONG_CREDENTIALS = "That email and password do not match an account. Check both and try again."
MISSING_CREDENTIALS = "Enter both your email and your password."


def safe_next(target: str | None) -> str:
    """Only same-site paths, so ``next`` cannot send people to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    # Browsers read "\\" as "/" and drop tabs and newlines: "/\\evil.example" is off-site.
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def signin_limiter(request: Request) -> SignInLimiter:
    limiter: SignInLimiter = request.app.state.signin_limiter
    return limiter


def signup_limiter(request: Request) -> SignUpLimiter:
    limiter: SignUpLimiter = request.app.state.signup_limiter
    return limiter


def wait_message(seconds: int) -> str:
    """Say when to retry in words a person reads at a glance."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _too_many(request: Request, template: str, context: dict[str, object], wait: int) -> Response:
    """429 with ``Retry-After`` and the wait in words, keeping what was typed."""
    response = render(request, template, context, status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


async def _sign_in_response(
    request: Request, resources: ResourcesDep, db: DbDep, user_id: int, target: str
) -> Response:
    """Open a new server-side session (revoking the one this browser had) and redirect."""
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await web_sessions.revoke(db, previous)
    lifetime = timedelta(days=resources.settings.session_days)
    token = await web_sessions.open_session(db, user_id, lifetime)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
    )
    return response


@router.get("/signup")
async def signup_form(request: Request, user: OptionalUserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"errors": {}, "values": {}, "next": safe_next(next)}
    return render(request, "signup.html", context)


@router.post("/signup")
async def signup(
    request: Request,
    resources: ResourcesDep,
    db: DbDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Sign-ups are limited per address: each one costs an argon2 hash."""
    context: dict[str, object] = {
        "errors": users.validate_sign_up(email, password, name),
        "values": {"email": email, "name": name},
        "next": safe_next(next),
    }
    if context["errors"]:
        return render(request, "signup.html", context, status_code=422)
    limiter = signup_limiter(request)
    address = client_address(request)
    wait = limiter.retry_after(address)
    if wait:
        context["errors"] = {
            "form": f"Too many new accounts from your network. Wait {wait_message(wait)}, "
            "then try again."
        }
        return _too_many(request, "signup.html", context, wait)
    limiter.record(address)
    try:
        user = await users.create_user(db, email, password, name)
    except ValidationFailed as failure:
        context["errors"] = failure.errors
        return render(request, "signup.html", context, status_code=422)
    return await _sign_in_response(request, resources, db, user.id, next)


@router.get("/signin")
async def signin_form(request: Request, user: OptionalUserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context: dict[str, object] = {"error": None, "values": {}, "next": safe_next(next)}
    return render(request, "signin.html", context)


@router.post("/signin")
async def signin(
    request: Request,
    resources: ResourcesDep,
    db: DbDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Counts failures per address and account (see ``auth.ratelimit``); a pause is 429 and
    says when to retry. An empty submission is not a failed sign-in."""
    context: dict[str, object] = {"values": {"email": email}, "next": safe_next(next)}
    if not email.strip() or not password:
        context["error"] = MISSING_CREDENTIALS
        return render(request, "signin.html", context, status_code=422)
    limiter = signin_limiter(request)
    # Capped, so a huge email cannot make the limiter keep huge keys.
    address, account = client_address(request), users.normalise_email(email)[: users.MAX_EMAIL]
    wait = limiter.retry_after(address, account)
    if wait:
        context["error"] = (
            f"Too many failed sign-in attempts. Wait {wait_message(wait)}, then try again."
        )
        return _too_many(request, "signin.html", context, wait)
    user = await users.authenticate(db, email, password)
    if user is None:
        limiter.record_failure(address, account)
        context["error"] = WRONG_CREDENTIALS
        return render(request, "signin.html", context, status_code=401)
    limiter.record_success(address, account)
    return await _sign_in_response(request, resources, db, user.id, next)


@router.post("/signout")
async def signout(request: Request, db: DbDep) -> Response:
    """Revoke the server-side session, so a copied cookie stops working too."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await web_sessions.revoke(db, token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
