"""The Markdown download: transcript and report in one document."""

from __future__ import annotations

from fastapi import FastAPI

from feedback.helpers import ClientFactory, GatedEngine, InterviewFactory, runner_of, use_engine
from feedback.scenarios import WITH_WORDS
from interview_coach.feedback.export import escape
from interview_coach.interviews.enums import Speaker


async def ready_export(
    app: FastAPI, client_factory: ClientFactory, make: InterviewFactory
) -> tuple[str, dict[str, str]]:
    engine = GatedEngine()
    engine.gate.set()
    use_engine(app, engine)
    client = await client_factory()
    interview = await make(client.user, WITH_WORDS, job_title="Site Reliability Engineer")
    await client.http.get(f"/interview/{interview.id}/feedback")
    await runner_of(app).wait_idle()
    response = await client.http.get(f"/interview/{interview.id}/feedback.md")
    assert response.status_code == 200
    return response.text, dict(response.headers)


async def test_export_is_a_markdown_download(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Served as an attachment named after the job and the day."""
    _, headers = await ready_export(app, new_client, make_interview)
    assert headers["content-type"] == "text/markdown; charset=utf-8"
    assert headers["content-disposition"] == (
        'attachment; filename="feedback-site-reliability-engineer-2026-03-02.md"'
    )


async def test_export_has_report_and_full_transcript(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """Header facts, every report section, quotes, the answers table and every line."""
    text, _ = await ready_export(app, new_client, make_interview)
    assert text.startswith("# Interview feedback: Site Reliability Engineer\n")
    assert "- Date: 02 Mar 2026, 09:30 UTC\n- Length: 5:00 (planned 10 minutes)" in text
    for heading in (
        "## Summary",
        "## Strengths",
        "## Content and structure",
        "## Communication and delivery",
        "## Things to improve",
        "## Answer by answer",
        "## How these figures are measured",
        "## Transcript",
    ):
        assert f"\n{heading}\n" in text
    assert "  > \u201cAs a result we cut failed payments by 40 percent.\u201d" in text
    assert "| 2 | What is a project you are proud of? | 2:10 | 1.8 s | 1 | 18 | 1 |" in text
    transcript = text.split("## Transcript", 1)[1]
    for speaker, line, _ in WITH_WORDS.lines:
        label = "Interviewer" if speaker is Speaker.AI else "You"
        assert f"{label}:** {escape(line)}" in transcript
    assert "**[1:05] You:** At my last job" in transcript


async def test_export_before_the_report_has_the_transcript(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """While the report is being made the download still carries the transcript."""
    engine = GatedEngine()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)
    await client.http.get(f"/interview/{interview.id}/feedback")
    text = (await client.http.get(f"/interview/{interview.id}/feedback.md")).text
    engine.gate.set()
    assert "The report is still being made; download again in a moment." in text
    assert "**[0:01] Interviewer:** Welcome. Tell me about yourself?" in text


def test_markup_in_spoken_text_stays_text() -> None:
    """Markdown characters in what was said are escaped, newlines folded."""
    assert escape("# *bold* <b> [x](y) a|b\nnext") == r"\# \*bold\* \<b\> \[x\](y) a\|b next"
