"""The one place that renders errors: JSON under /api, an HTML page elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from interview_coach.errors import AppError, ValidationFailed
from interview_coach.web.templating import render

log = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def signin_url(request: Request) -> str:
    """The sign-in page, coming back here afterwards (the query only for a GET)."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += f"?{request.url.query}"
    return f"/signin?{urlencode({'next': target})}"


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(code, message), status_code=status)
    if status == 401:
        return RedirectResponse(signin_url(request), status_code=303)
    return render(
        request,
        "error.html",
        {"status": status, "code": code, "message": message},
        status_code=status,
    )


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, ValidationFailed) and wants_json(request):
        body = error_body(exc.code, exc.message, fields=exc.errors)
        return JSONResponse(body, status_code=exc.status_code)
    return render_error(request, exc.status_code, exc.code, exc.message)


def _app_error_inside(exc: BaseException | None) -> AppError | None:
    """The ``AppError`` in ``exc``, also inside the exception group a middleware's task makes."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            if (found := _app_error_inside(inner)) is not None:
                return found
    return None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    cause = _app_error_inside(exc.__cause__)
    if cause is not None:  # FastAPI turns an error raised reading the body into a 400
        return await _app_error(request, cause)
    messages = {404: "We could not find that page.", 405: "That method is not allowed here."}
    message = messages.get(exc.status_code, str(exc.detail))
    return render_error(request, exc.status_code, f"http_{exc.status_code}", message)


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
    if wants_json(request):
        body = error_body("validation_failed", "The request is not valid.", fields=fields)
        return JSONResponse(body, status_code=422)
    return render_error(request, 422, "validation_failed", "The form was not valid.")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return render_error(
        request, 500, "internal_error", "Something went wrong on our side. Please try again."
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(Exception, _unexpected)
