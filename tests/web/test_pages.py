"""Dashboard and new-interview pages, and owner-only interview pages, over real HTTP."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import func, select

from interview_coach.db.models import Interview
from interview_coach.interviews import lifecycle
from interview_coach.interviews.enums import EndReason
from interview_coach.resources import Resources

from .conftest import Browser, InterviewFactory

REQUEST_KEY = re.compile(r'name="request_key" value="([^"]+)"')


async def _interview_count(resources: Resources) -> int:
    async with resources.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Interview)) or 0)


async def _new_form_key(browser: Browser) -> str:
    page = await browser.http.get("/interviews/new")
    match = REQUEST_KEY.search(page.text)
    assert match
    return match.group(1)


def _create_form(**overrides: str) -> dict[str, str]:
    return {
        "job_title": "Backend engineer",
        "job_description": "Build APIs.",
        "resume": "Ten years of Python.",
        "persona_choice": "a friendly hiring manager",
        "duration_minutes": "10",
        **overrides,
    }


# ---------------------------------------------------------------- dashboard


async def test_dashboard_redirects_anonymous_to_sign_in(anonymous: Browser) -> None:
    """No one signed in: the dashboard sends people to sign in."""
    response = await anonymous.http.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"


async def test_dashboard_empty_state_says_what_to_do(alice: Browser) -> None:
    """A new user sees an empty state with a button to create an interview."""
    page = await alice.http.get("/")
    assert 'data-empty="interviews"' in page.text
    assert "No interviews yet" in page.text
    assert 'href="/interviews/new"' in page.text


async def test_dashboard_lists_newest_first_with_status_and_links(
    alice: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """Each interview links to session or feedback by status; the newest is on top."""
    assert alice.user is not None
    done = await make_interview(alice.user, "First job")
    live = await make_interview(alice.user, "Second job")
    fresh = await make_interview(alice.user, "Third job")
    async with resources.sessions() as session:
        assert await lifecycle.start(session, done.id)
        assert await lifecycle.complete(session, done.id, EndReason.USER_INITIATED)
        assert await lifecycle.start(session, live.id)
    page = (await alice.http.get("/")).text
    ids = re.findall(r'data-interview-id="([^"]+)"', page)
    assert ids == [fresh.id, live.id, done.id]
    assert f'href="/interview/{fresh.id}/session"' in page
    assert f'href="/interview/{live.id}/session"' in page
    assert f'href="/interview/{done.id}/feedback"' in page
    assert f'href="/interview/{done.id}/session"' not in page
    for status, label in (("PENDING", "Not started"), ("IN_PROGRESS", "In progress")):
        assert f'data-status="{status}"' in page
        assert label in page
    assert "Completed" in page
    assert "<dt>Started</dt>" in page and "<dt>Ended</dt>" in page


async def test_dashboard_shows_only_own_interviews(
    alice: Browser, bob: Browser, make_interview: InterviewFactory
) -> None:
    """Another user's interviews never appear on your dashboard."""
    assert bob.user is not None
    theirs = await make_interview(bob.user, "Bob's secret job")
    page = (await alice.http.get("/")).text
    assert theirs.id not in page
    assert "Bob&#39;s secret job" not in page


async def test_dashboard_escapes_user_text(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """A job title with markup is shown as text, never run as HTML."""
    assert alice.user is not None
    await make_interview(alice.user, "<script>alert(1)</script>")
    page = (await alice.http.get("/")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- new interview


async def test_new_interview_form_offers_personas_and_durations(alice: Browser) -> None:
    """The form has the persona choices plus free text, and 10/30/60 minutes."""
    page = (await alice.http.get("/interviews/new")).text
    assert page.count('name="persona_choice"') == 5
    assert 'name="persona_custom"' in page
    for minutes in (10, 30, 60):
        assert f'name="duration_minutes" value="{minutes}"' in page
    assert 'value="30" checked' in page


async def test_create_interview_goes_to_its_session_page(
    alice: Browser, resources: Resources
) -> None:
    """A valid form creates a PENDING interview and redirects to its session page."""
    response = await alice.post_form(
        "/interviews/new", {**_create_form(), "request_key": await _new_form_key(alice)}
    )
    assert response.status_code == 303
    match = re.fullmatch(r"/interview/([A-Za-z0-9_-]{22})/session", response.headers["location"])
    assert match
    async with resources.sessions() as session:
        interview = await session.get(Interview, match.group(1))
    assert interview is not None
    assert interview.status == "PENDING"
    assert (interview.job_title, interview.persona, interview.duration_minutes) == (
        "Backend engineer",
        "a friendly hiring manager",
        10,
    )
    assert (await alice.http.get(response.headers["location"])).status_code == 200


async def test_create_interview_with_own_persona(alice: Browser, resources: Resources) -> None:
    """Choosing "describe your own" uses the free text as the persona."""
    form = _create_form(persona_choice="custom", persona_custom="a sceptical CTO")
    response = await alice.post_form("/interviews/new", form)
    interview_id = response.headers["location"].split("/")[2]
    async with resources.sessions() as session:
        interview = await session.get(Interview, interview_id)
    assert interview is not None
    assert interview.persona == "a sceptical CTO"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"job_title": "   "}, "job_title", "Enter the job title"),
        ({"job_title": "x" * 201}, "job_title", "under 200 characters"),
        ({"duration_minutes": "45"}, "duration_minutes", "Choose a duration of 10, 30, 60"),
        ({"duration_minutes": "ten"}, "duration_minutes", "Choose a duration"),
        ({"persona_choice": "custom", "persona_custom": " "}, "persona", "Describe your"),
        ({"persona_choice": "a pirate"}, "persona", "Pick one of the interviewers"),
        ({"resume": "x" * 20_001}, "resume", "Keep this under 20,000 characters"),
    ],
)
async def test_create_interview_invalid_input_keeps_values(
    alice: Browser,
    resources: Resources,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    """Bad input re-renders the form with an inline error, everything typed kept."""
    form = _create_form(**overrides)
    response = await alice.post_form("/interviews/new", form)
    assert response.status_code == 422
    assert f'data-error="{field}"' in response.text
    assert message in response.text
    assert 'data-error="summary"' in response.text
    assert f'value="{form["job_title"]}"' in response.text
    assert f">{form['job_description']}</textarea>" in response.text
    assert f">{form['resume']}</textarea>" in response.text
    assert await _interview_count(resources) == 0


async def test_submitting_one_form_twice_creates_one_interview(
    alice: Browser, resources: Resources
) -> None:
    """A double submit of the same form lands both times on the same interview."""
    form = {**_create_form(), "request_key": await _new_form_key(alice)}
    first = await alice.post_form("/interviews/new", form)
    second = await alice.post_form("/interviews/new", form)
    assert first.headers["location"] == second.headers["location"]
    assert await _interview_count(resources) == 1


async def test_concurrent_double_submit_creates_one_interview(
    alice: Browser, resources: Resources
) -> None:
    """Even racing submissions of one form create a single interview."""
    form = {**_create_form(), "request_key": await _new_form_key(alice)}
    responses = await asyncio.gather(*(alice.post_form("/interviews/new", form) for _ in range(5)))
    assert {r.status_code for r in responses} == {303}
    assert len({r.headers["location"] for r in responses}) == 1
    assert await _interview_count(resources) == 1


async def test_two_forms_create_two_interviews(alice: Browser, resources: Resources) -> None:
    """Each freshly loaded form makes its own interview."""
    for _ in range(2):
        form = {**_create_form(), "request_key": await _new_form_key(alice)}
        assert (await alice.post_form("/interviews/new", form)).status_code == 303
    assert await _interview_count(resources) == 2


async def test_failed_form_keeps_its_request_key(alice: Browser) -> None:
    """After a validation error the re-rendered form still dedupes the corrected submit."""
    key = await _new_form_key(alice)
    failed = await alice.post_form(
        "/interviews/new", {**_create_form(job_title=""), "request_key": key}
    )
    assert f'name="request_key" value="{key}"' in failed.text


# ---------------------------------------------------------------- ownership


@pytest.mark.parametrize("page", ["session", "feedback"])
async def test_interview_pages_are_404_for_another_user(
    alice: Browser, bob: Browser, make_interview: InterviewFactory, page: str
) -> None:
    """Someone else's interview reads exactly like one that does not exist."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    assert (await alice.http.get(f"/interview/{interview.id}/{page}")).status_code == 200
    foreign = await bob.http.get(f"/interview/{interview.id}/{page}")
    missing = await bob.http.get(f"/interview/no-such-interview/{page}")
    assert foreign.status_code == missing.status_code == 404
    assert 'data-error-page="404"' in foreign.text
    assert interview.job_title not in foreign.text


@pytest.mark.parametrize("page", ["session", "feedback"])
async def test_interview_pages_redirect_anonymous_to_sign_in(
    anonymous: Browser, make_interview: InterviewFactory, page: str, alice: Browser
) -> None:
    """No one signed in: interview pages send people to sign in and back."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    response = await anonymous.http.get(f"/interview/{interview.id}/{page}")
    assert response.status_code == 303
    assert response.headers["location"] == (f"/signin?next=%2Finterview%2F{interview.id}%2F{page}")


async def test_anonymous_form_post_goes_to_sign_in(
    anonymous: Browser, resources: Resources
) -> None:
    """A create form posted after the session ended leads to sign-in and creates nothing."""
    response = await anonymous.post_form("/interviews/new", _create_form())
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Finterviews%2Fnew"
    assert await _interview_count(resources) == 0


async def test_unknown_page_is_a_friendly_404(alice: Browser) -> None:
    """A mistyped URL renders the error page with a way back."""
    response = await alice.http.get("/no/such/page")
    assert response.status_code == 404
    assert "Back to your interviews" in response.text


async def test_security_headers_on_pages(alice: Browser) -> None:
    """Pages forbid framing and MIME sniffing."""
    response = await alice.http.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_dashboard_dates_are_rendered(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """The created date shows in words and as a machine-readable <time>."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    page = (await alice.http.get("/")).text
    assert f'<time datetime="{interview.created_at.isoformat()}" data-local-time>' in page
    assert interview.created_at.strftime("%d %b %Y") in page
