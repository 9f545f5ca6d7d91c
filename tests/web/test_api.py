"""The JSON API: getCurrent, interviews, tickets, ownership, errors, OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from interview_coach.errors import InvalidTicket
from interview_coach.interviews import lifecycle
from interview_coach.interviews.enums import EndReason
from interview_coach.resources import Resources
from interview_coach.web.csrf import HEADER

from .conftest import Browser, InterviewFactory


async def _ticket(browser: Browser, interview_id: str, *, with_csrf: bool = True) -> httpx.Response:
    headers = {HEADER: await browser.csrf_token()} if with_csrf else {}
    return await browser.http.post(f"/api/interviews/{interview_id}/ticket", headers=headers)


# ---------------------------------------------------------------- getCurrent


async def test_get_current_needs_sign_in(anonymous: Browser) -> None:
    """Not signed in: 401 with a JSON error body, not a redirect."""
    response = await anonymous.http.get("/api/interviews/current")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Sign in to continue."}
    }


async def test_get_current_is_null_without_a_live_interview(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """Only PENDING interviews: getCurrent answers null."""
    assert alice.user is not None
    await make_interview(alice.user)
    response = await alice.http.get("/api/interviews/current")
    assert response.status_code == 200
    assert response.json() is None


async def test_get_current_returns_the_in_progress_interview(
    alice: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """The user's IN_PROGRESS interview comes back with its fields."""
    assert alice.user is not None
    await make_interview(alice.user, "Pending one")
    live = await make_interview(alice.user, "Live one")
    async with resources.sessions() as session:
        assert await lifecycle.start(session, live.id)
    body = (await alice.http.get("/api/interviews/current")).json()
    assert body["id"] == live.id
    assert body["status"] == "IN_PROGRESS"
    assert body["job_title"] == "Live one"
    assert body["started_at"] is not None
    assert body["ended_at"] is None


async def test_get_current_ignores_completed_interviews(
    alice: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """A finished interview is not current."""
    assert alice.user is not None
    done = await make_interview(alice.user)
    async with resources.sessions() as session:
        await lifecycle.start(session, done.id)
        await lifecycle.complete(session, done.id, EndReason.USER_INITIATED)
    assert (await alice.http.get("/api/interviews/current")).json() is None


async def test_get_current_never_returns_another_users_interview(
    alice: Browser, bob: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """Bob's live interview is not Alice's current one."""
    assert bob.user is not None
    theirs = await make_interview(bob.user)
    async with resources.sessions() as session:
        assert await lifecycle.start(session, theirs.id)
    assert (await alice.http.get("/api/interviews/current")).json() is None
    assert (await bob.http.get("/api/interviews/current")).json()["id"] == theirs.id


# ---------------------------------------------------------------- interviews


async def test_list_returns_own_interviews_newest_first(
    alice: Browser, bob: Browser, make_interview: InterviewFactory
) -> None:
    """The list holds only the caller's interviews, newest first."""
    assert alice.user is not None and bob.user is not None
    older = await make_interview(alice.user, "Older")
    newer = await make_interview(alice.user, "Newer")
    await make_interview(bob.user, "Bob's")
    body = (await alice.http.get("/api/interviews")).json()
    assert [item["id"] for item in body] == [newer.id, older.id]


async def test_get_interview_by_id(alice: Browser, make_interview: InterviewFactory) -> None:
    """The owner reads one interview with status and timestamps."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    body = (await alice.http.get(f"/api/interviews/{interview.id}")).json()
    assert body["id"] == interview.id
    assert body["status"] == "PENDING"
    assert set(body) >= {"created_at", "updated_at", "started_at", "ended_at", "end_reason"}


async def test_api_404_for_another_users_interview(
    alice: Browser, bob: Browser, make_interview: InterviewFactory
) -> None:
    """Another user's interview and a missing one give the same JSON 404."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    foreign = await bob.http.get(f"/api/interviews/{interview.id}")
    missing = await bob.http.get("/api/interviews/does-not-exist")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/interviews", "/api/interviews/some-id"])
async def test_api_reads_need_sign_in(anonymous: Browser, path: str) -> None:
    """Every API read is 401 JSON when nobody is signed in."""
    response = await anonymous.http.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_unknown_api_path_is_json_404(alice: Browser) -> None:
    """Under /api even an unknown path answers in JSON."""
    response = await alice.http.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "http_404"


# ---------------------------------------------------------------- tickets


async def test_ticket_round_trip(
    alice: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """The owner's ticket verifies to their user and interview, with its lifetime."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    response = await _ticket(alice, interview.id)
    assert response.status_code == 200
    body = response.json()
    assert body["interview_id"] == interview.id
    assert body["expires_in"] == resources.settings.ticket_seconds == 120
    assert body["realtime_url"] == resources.settings.realtime_url()
    ticket = resources.tickets.verify(body["token"])
    assert (ticket.user_id, ticket.interview_id) == (alice.user.id, interview.id)


async def test_ticket_needs_the_csrf_header(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """Without X-CSRF-Token the ticket API refuses with a JSON 403."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    response = await _ticket(alice, interview.id, with_csrf=False)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


async def test_ticket_404_for_another_user(
    alice: Browser, bob: Browser, make_interview: InterviewFactory
) -> None:
    """Nobody gets a ticket for someone else's interview."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    response = await _ticket(bob, interview.id)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_ticket_needs_sign_in(anonymous: Browser) -> None:
    """Not signed in: 401 JSON."""
    response = await _ticket(anonymous, "any-id")
    assert response.status_code == 401


async def test_ticket_refused_for_an_ended_interview(
    alice: Browser, make_interview: InterviewFactory, resources: Resources
) -> None:
    """A completed interview gets 409 saying to open the feedback instead."""
    assert alice.user is not None
    interview = await make_interview(alice.user)
    async with resources.sessions() as session:
        await lifecycle.start(session, interview.id)
        await lifecycle.complete(session, interview.id, EndReason.USER_INITIATED)
    response = await _ticket(alice, interview.id)
    assert response.status_code == 409
    assert "feedback" in response.json()["error"]["message"]


async def test_ticket_for_one_interview_does_not_verify_with_another_key(
    alice: Browser, make_interview: InterviewFactory
) -> None:
    """Tickets are signed with the configured key; another key rejects them."""
    from interview_coach.auth.tickets import TicketSigner

    assert alice.user is not None
    interview = await make_interview(alice.user)
    token = (await _ticket(alice, interview.id)).json()["token"]
    with pytest.raises(InvalidTicket):
        TicketSigner("some-other-key", 120).verify(token)


# ---------------------------------------------------------------- OpenAPI


async def test_openapi_lists_the_api_routes(anonymous: Browser) -> None:
    """The schema documents the JSON API and leaves the HTML pages out."""
    schema = (await anonymous.http.get("/openapi.json")).json()
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/interviews/current",
        "/api/interviews",
        "/api/interviews/{interview_id}",
        "/api/interviews/{interview_id}/ticket",
    }
    assert all(path.startswith("/api/") for path in paths)
    assert "401" in paths["/api/interviews/current"]["get"]["responses"]
    assert {"403", "404", "409"} <= set(
        paths["/api/interviews/{interview_id}/ticket"]["post"]["responses"]
    )
