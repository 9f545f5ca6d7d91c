"""What the ready report says about itself and its download (issue 11, item 17), over the
real app and database."""

from __future__ import annotations

from fastapi import FastAPI

from feedback.helpers import ClientFactory, GatedEngine, InterviewFactory, runner_of, use_engine
from feedback.scenarios import WITH_WORDS


async def test_report_says_how_it_was_made_in_plain_words(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Not "Made by the offline engine": what that means, on the page and in the download."""
    engine = GatedEngine()
    engine.gate.set()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user, WITH_WORDS)
    await client.http.get(f"/interview/{interview.id}/feedback")
    await runner_of(app).wait_idle()
    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    markdown = (await client.http.get(f"/interview/{interview.id}/feedback.md")).text
    for text in (page, markdown):
        assert "offline engine" not in text
        assert "no AI model reads your interview" in text
    assert 'data-action="export"' in page


async def test_not_started_interview_has_no_download_link(
    new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    client = await new_client()
    interview = await make_interview(client.user, None)
    page = (await client.http.get(f"/interview/{interview.id}/feedback")).text
    assert 'data-action="export"' not in page
