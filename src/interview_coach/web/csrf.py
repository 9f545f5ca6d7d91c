"""Double-submit CSRF: a random cookie echoed in a form field or the X-CSRF-Token header."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.responses import Response

from interview_coach.errors import CsrfFailed
from interview_coach.web.deps import cookie_secure

COOKIE = "ic_csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_for(request: Request) -> str:
    """The request's CSRF token: the cookie's, or a new one to be set on the response."""
    return request.cookies.get(COOKIE) or secrets.token_urlsafe(32)


def set_cookie(request: Request, response: Response, token: str) -> None:
    if request.cookies.get(COOKIE) != token:
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request),
            path="/",
        )


async def verify(request: Request) -> None:
    """Raise ``CsrfFailed`` unless an unsafe request echoes the cookie's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(COOKIE, "")
    given = request.headers.get(HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FORM_FIELD, "")
        given = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(expected, given):
        raise CsrfFailed("This form expired. Reload the page and try again.")
