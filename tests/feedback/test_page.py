"""The feedback page over the real app and database: states, regenerate, retry, ownership."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from feedback.helpers import (
    ClientFactory,
    FailingOnceEngine,
    GatedEngine,
    InterviewFactory,
    runner_of,
    use_engine,
)
from feedback.scenarios import WITH_WORDS
from interview_coach.db.models import FeedbackReport
from interview_coach.feedback import store
from interview_coach.resources import Resources


async def report_row(resources: Resources, interview_id: str) -> FeedbackReport | None:
    """The stored report, if any generation was ever started for the interview."""
    async with resources.sessions() as db:
        return await store.get(db, interview_id)


def state_of(html: str) -> str:
    match = re.search(r'data-feedback-report data-state="([a-z]+)"', html)
    assert match, "the page has a report region"
    return match.group(1)


async def test_page_shows_progress_then_the_ready_report(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Opening the page starts generation in the background; the report shows when done."""
    engine = GatedEngine()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)

    first = await client.http.get(f"/interview/{interview.id}/feedback")
    assert first.status_code == 200
    assert state_of(first.text) == "generating"
    assert "data-report-progress" in first.text
    assert "data-transcript" in first.text  # the transcript does not wait for the report

    engine.gate.set()
    await runner_of(app).wait_idle()
    ready = await client.http.get(f"/interview/{interview.id}/feedback")
    assert state_of(ready.text) == "ready"
    assert 'data-figure="average-answer"><dt>Average answer</dt><dd>1:00</dd>' in ready.text
    assert "data-timing-only" in ready.text
    assert engine.runs == 1


async def test_fragment_is_the_report_region_alone(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """What the page script swaps in: one region, in its current state, never cached."""
    engine = GatedEngine()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)
    await client.http.get(f"/interview/{interview.id}/feedback")

    fragment = await client.http.get(f"/interview/{interview.id}/feedback/report")
    assert fragment.headers["cache-control"] == "no-store"
    assert fragment.text.count("data-feedback-report") == 1
    assert state_of(fragment.text) == "generating"
    assert "<html" not in fragment.text
    engine.gate.set()


async def test_failure_offers_retry_which_succeeds(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """A failing engine leaves FAILED with a Try again button; pressing it makes the report."""
    engine = FailingOnceEngine()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)
    await client.http.get(f"/interview/{interview.id}/feedback")
    await runner_of(app).wait_idle()

    failed = await client.http.get(f"/interview/{interview.id}/feedback")
    assert state_of(failed.text) == "failed"
    assert "We could not put your report together. Try again in a moment." in failed.text
    assert 'data-action="retry"' in failed.text

    retry = await client.post_form(f"/interview/{interview.id}/feedback/regenerate")
    assert retry.status_code == 303
    assert retry.headers["location"] == f"/interview/{interview.id}/feedback"
    await runner_of(app).wait_idle()
    ready = await client.http.get(f"/interview/{interview.id}/feedback")
    assert state_of(ready.text) == "ready"
    assert engine.runs == 2


async def test_double_regenerate_runs_one_generation(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Two "regenerate" posts in a row while the first runs start one generation."""
    engine = GatedEngine()
    engine.gate.set()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)
    await client.http.get(f"/interview/{interview.id}/feedback")
    await runner_of(app).wait_idle()
    engine.gate.clear()

    for _ in range(2):
        response = await client.post_form(f"/interview/{interview.id}/feedback/regenerate")
        assert response.status_code == 303
    engine.gate.set()
    await runner_of(app).wait_idle()
    assert engine.runs == 2  # the first report and one regeneration


async def test_regenerate_needs_the_csrf_token(
    app: FastAPI, resources: Resources, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """A cross-site post without the token changes nothing."""
    client = await new_client()
    interview = await make_interview(client.user)
    response = await client.http.post(f"/interview/{interview.id}/feedback/regenerate")
    assert response.status_code == 403
    assert await report_row(resources, interview.id) is None


async def test_unfinished_interview_makes_no_report(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """In progress: the page says feedback comes after the end and offers to rejoin."""
    client = await new_client()
    interview = await make_interview(client.user, finished=False)
    page = await client.http.get(f"/interview/{interview.id}/feedback")
    assert state_of(page.text) == "unfinished"
    assert f'href="/interview/{interview.id}/session">Rejoin the interview' in page.text
    api = await client.http.get(f"/api/interviews/{interview.id}/feedback")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "conflict"


async def test_transcript_has_speakers_and_times(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Each line: its time from the session start (m:ss) and who spoke, in text."""
    client = await new_client()
    interview = await make_interview(client.user, WITH_WORDS)
    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    lines = re.findall(
        r'<time class="stamp">([0-9:]+)</time> <strong class="who">(\w+)</strong>', page
    )
    assert lines == [
        ("0:01", "Interviewer"),
        ("0:04", "You"),
        ("1:00", "Interviewer"),
        ("1:05", "You"),
        ("3:20", "Interviewer"),
        ("3:30", "You"),
        ("4:50", "Interviewer"),
    ]


async def test_charts_have_titles_and_text(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Timeline and answer bars: SVG with a title per shape and a text alternative."""
    client = await new_client()
    interview = await make_interview(client.user)
    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    assert page.count('role="img"') == 2 * 2  # each chart drawn wide and for phones
    assert "<title>You 1:44\u20132:30</title>" in page  # the segment 104.0-150.0 s
    assert "<title>Answer 2: 2:10, longer than recommended</title>" in page
    assert "<li>3:30\u20133:45: you answered for 0:15.</li>" in page
    assert "<li>Answer 3: 0:15, shorter than recommended</li>" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/interview/{id}/feedback"),
        ("GET", "/interview/{id}/feedback/report"),
        ("GET", "/interview/{id}/feedback.md"),
        ("POST", "/interview/{id}/feedback/regenerate"),
        ("GET", "/api/interviews/{id}/feedback"),
        ("POST", "/api/interviews/{id}/feedback"),
    ],
)
async def test_someone_elses_feedback_is_not_found(
    resources: Resources,
    new_client: ClientFactory,
    make_interview: InterviewFactory,
    method: str,
    path: str,
) -> None:
    """Another user's interview answers 404, exactly like a missing one, and starts nothing."""
    owner, stranger = await new_client(), await new_client()
    interview = await make_interview(owner.user)
    url = path.format(id=interview.id)
    missing = path.format(id="no-such-interview")
    for target in (url, missing):
        if method == "POST":
            headers = {"X-CSRF-Token": stranger.csrf}
            response = await stranger.http.post(target, headers=headers)
        else:
            response = await stranger.http.get(target)
        assert response.status_code == 404, target
    assert await report_row(resources, interview.id) is None


async def test_signed_out_visitor_goes_to_sign_in(
    app: FastAPI, make_interview: InterviewFactory, new_client: ClientFactory
) -> None:
    """No session: the page redirects to sign-in and comes back afterwards."""
    owner = await new_client()
    interview = await make_interview(owner.user)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anonymous:
        response = await anonymous.get(f"/interview/{interview.id}/feedback")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")
