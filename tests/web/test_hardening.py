"""Hostile and odd input over real HTTP: time budgets, control characters, size caps,
security headers (also on 500s and static files), HEAD and the favicon."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from interview_coach.db.models import Interview, User
from interview_coach.resources import Resources
from interview_coach.web.app import create_app

from .conftest import PASSWORD, Browser, InterviewFactory

SECURITY_HEADERS = (
    "content-security-policy",
    "permissions-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)


def _create_form(**overrides: str) -> dict[str, str]:
    return {
        "job_title": "Backend engineer",
        "persona_choice": "a friendly hiring manager",
        "duration_minutes": "10",
        **overrides,
    }


async def _rows(resources: Resources, model: type[User] | type[Interview]) -> list[object]:
    async with resources.sessions() as session:
        return list((await session.scalars(select(model))).all())


# ---------------------------------------------------------------- time budgets and sizes


async def test_sign_up_with_a_pathological_email_answers_at_once(anonymous: Browser) -> None:
    """``a@`` and 40,000 dots blocked the event loop for about 5 s; now it is a quick 422."""
    email = "a@" + "." * 40_000 + "@"
    started = time.perf_counter()
    response = await anonymous.post_form("/signup", {"email": email, "password": PASSWORD})
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 422
    assert "Enter a valid email address" in response.text


async def test_a_body_over_the_cap_is_refused_before_parsing(
    anonymous: Browser, resources: Resources
) -> None:
    """Nothing parses a body larger than max_request_bytes; the 413 carries the headers too."""
    big = "x" * (resources.settings.max_request_bytes + 1)
    response = await anonymous.post_form("/signup", {"email": big, "password": PASSWORD})
    assert response.status_code == 413
    assert "Send less text" in response.text
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert await _rows(resources, User) == []


LONG = "x" * 400_000  # most of the body cap, in one field


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/signup", {"email": LONG, "password": PASSWORD}),
        ("/signup", {"email": "ann@example.com", "password": PASSWORD, "name": LONG}),
        ("/signup", {"email": "ann@example.com", "password": LONG}),
        ("/signin", {"email": LONG, "password": PASSWORD}),
        ("/signin", {"email": "ann@example.com", "password": LONG}),
        ("/interviews/new", _create_form(job_title=LONG)),
        ("/interviews/new", _create_form(job_description=LONG)),
        ("/interviews/new", _create_form(persona_choice="custom", persona_custom=LONG)),
    ],
)
async def test_every_form_field_answers_a_huge_value_within_a_time_budget(
    alice: Browser, path: str, form: dict[str, str]
) -> None:
    """Each field is measured before anything scans it: no argon2 run on a 400 kB password,
    no pattern over a 400 kB email. (Sign-in and sign-up work signed in too.)"""
    form = {"csrf_token": await alice.csrf_token(), **form}
    started = time.perf_counter()
    response = await alice.http.post(path, data=form)
    assert time.perf_counter() - started < 0.5
    assert response.status_code in {401, 422}


async def test_a_streamed_body_is_cut_off_at_the_cap(
    anonymous: Browser, resources: Resources
) -> None:
    """Without a Content-Length the body is counted as it arrives and refused past the cap."""
    token = await anonymous.csrf_token()
    chunk = b"x" * 64 * 1024

    async def body() -> AsyncIterator[bytes]:
        yield f"csrf_token={token}&password={PASSWORD}&email=".encode()
        for _ in range(resources.settings.max_request_bytes // len(chunk) + 1):
            yield chunk

    form_type = {"content-type": "application/x-www-form-urlencoded"}
    response = await anonymous.http.post("/signup", content=body(), headers=form_type)
    assert response.status_code == 413
    assert "Send less text" in response.text
    assert await _rows(resources, User) == []


@pytest.mark.parametrize("duration", ["²", "1" * 4_301, "-10", "10.0", " 10"])
async def test_odd_durations_are_a_field_error_not_a_500(
    alice: Browser, resources: Resources, duration: str
) -> None:
    """``²`` passed isdigit() and 4,301 digits passed too; int() then raised a 500."""
    response = await alice.post_form("/interviews/new", _create_form(duration_minutes=duration))
    assert response.status_code == 422
    assert 'data-error="duration_minutes"' in response.text
    assert await _rows(resources, Interview) == []


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
@pytest.mark.parametrize("field", ["email", "name"])
async def test_control_characters_in_sign_up_are_a_clear_422(
    anonymous: Browser, resources: Resources, field: str, char: str
) -> None:
    """Same answer on SQLite and PostgreSQL (which raised CharacterNotInRepertoireError)."""
    form = {"email": "ann@example.com", "name": "Ann", "password": PASSWORD}
    form[field] = f"an{char}{form[field][2:]}"
    response = await anonymous.post_form("/signup", form)
    assert response.status_code == 422
    assert "invisible control character" in response.text
    assert await _rows(resources, User) == []


@pytest.mark.parametrize("field", ["email", "password"])
async def test_nul_in_sign_in_is_a_clear_422(anonymous: Browser, field: str) -> None:
    form = {"email": "ann@example.com", "password": PASSWORD}
    form[field] = "\x00" + form[field]
    response = await anonymous.post_form("/signin", form)
    assert response.status_code == 422
    assert f"The {field} contains an invisible control character (U+0000)" in response.text


@pytest.mark.parametrize(
    "field", ["job_title", "persona_custom", "job_description", "resume", "request_key"]
)
async def test_nul_in_any_new_interview_field_is_a_clear_422(
    alice: Browser, resources: Resources, field: str
) -> None:
    form = _create_form(persona_choice="custom", persona_custom="A calm CTO")
    form[field] = "Back\x00end"
    response = await alice.post_form("/interviews/new", form)
    assert response.status_code == 422
    assert "control character (U+0000)" in response.text
    assert await _rows(resources, Interview) == []


async def test_multi_line_fields_keep_line_breaks_and_tabs(
    alice: Browser, resources: Resources
) -> None:
    """A pasted job description or resume keeps its CR LF line breaks and tabs."""
    text = "Duties:\r\n\t- build APIs\r\n\t- review code"
    form = _create_form(job_description=text, resume=text)
    response = await alice.post_form("/interviews/new", form)
    assert response.status_code == 303
    (interview,) = await _rows(resources, Interview)
    assert isinstance(interview, Interview)
    assert interview.job_description == text and interview.resume == text


@pytest.mark.parametrize("path", ["/interview/ab%00cd/session", "/api/interviews/ab%00cd"])
async def test_nul_in_an_interview_address_is_refused(alice: Browser, path: str) -> None:
    response = await alice.http.get(path)
    assert response.status_code == 400
    assert "control character" in response.text


async def test_nul_in_a_ticket_request_is_refused(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """The JSON API answers with its JSON error body."""
    response = await alice.http.post(
        "/api/interviews/x%00/ticket", headers={"X-CSRF-Token": await alice.csrf_token()}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


# ---------------------------------------------------------------- headers


async def test_pages_carry_csp_and_permissions_policy(alice: Browser, resources: Resources) -> None:
    """No inline script or style; sockets only to the real-time URL from the settings."""
    response = await alice.http.get("/")
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == f"'self' {resources.settings.realtime_url()}"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["permissions-policy"].startswith("microphone=(self)")
    assert "strict-transport-security" not in response.headers


async def test_static_files_and_the_favicon_carry_the_headers(anonymous: Browser) -> None:
    for path in ("/static/css/app.css", "/static/js/forms.js", "/favicon.ico"):
        response = await anonymous.http.get(path)
        assert response.status_code == 200, path
        assert all(name in response.headers for name in SECURITY_HEADERS), path


@pytest.fixture
async def https_app(resources: Resources) -> AsyncIterator[httpx.AsyncClient]:
    settings = resources.settings.model_copy(update={"public_web_url": "https://coach.example"})
    app = create_app(Resources(settings, resources.engine, resources.sessions, resources.tickets))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://coach.example"
    ) as http:
        yield http


async def test_hsts_when_the_public_url_is_https(https_app: httpx.AsyncClient) -> None:
    response = await https_app.get("/signin")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_500_pages_carry_the_security_headers(app: FastAPI) -> None:
    """An unexpected error still answers with the headers (and no traceback)."""

    async def broken() -> None:
        raise RuntimeError("secret detail from deep inside")

    app.add_api_route("/broken", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/broken")
    assert response.status_code == 500
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert "secret detail" not in response.text
    assert "Something went wrong on our side" in response.text


# ---------------------------------------------------------------- HEAD and favicon


@pytest.mark.parametrize(("path", "status"), [("/", 303), ("/signin", 200), ("/signup", 200)])
async def test_head_answers_wherever_get_does(anonymous: Browser, path: str, status: int) -> None:
    """HEAD / answered 405; now HEAD gives GET's status and headers with no body."""
    response = await anonymous.http.head(path)
    get = await anonymous.http.get(path)
    assert response.status_code == get.status_code == status
    assert response.content == b""
    assert response.headers.get("content-type") == get.headers.get("content-type")


async def test_head_on_a_signed_in_page(alice: Browser) -> None:
    response = await alice.http.head("/interviews/new")
    assert response.status_code == 200
    assert response.content == b""


async def test_favicon_is_served_and_linked(anonymous: Browser) -> None:
    """/favicon.ico was 404 on every page."""
    icon = await anonymous.http.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    page = await anonymous.http.get("/signin")
    assert re.search(r'<link rel="icon" href="[^"]*/static/favicon.svg" type="image/svg', page.text)
