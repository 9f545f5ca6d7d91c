"""GET/POST /api/interviews/{id}/feedback: the report as JSON, in the OpenAPI schema."""

from __future__ import annotations

from fastapi import FastAPI

from feedback.helpers import ClientFactory, GatedEngine, InterviewFactory, runner_of, use_engine
from feedback.scenarios import WITH_WORDS


async def test_report_as_json_once_ready(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """PENDING without a report first, then READY with the figures."""
    engine = GatedEngine()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user, WITH_WORDS)
    url = f"/api/interviews/{interview.id}/feedback"

    pending = (await client.http.get(url)).json()
    assert (pending["status"], pending["report"], pending["engine"]) == ("PENDING", None, "offline")

    engine.gate.set()
    await runner_of(app).wait_idle()
    ready = (await client.http.get(url)).json()
    assert ready["status"] == "READY"
    assert ready["error"] is None
    assert ready["report"]["overall"]["words"] == 64
    assert ready["report"]["answers"][1]["star"] == ["situation", "task", "action", "result"]
    assert ready["report"]["headline"]["display"] == "1:00"


async def test_post_regenerates_and_answers_202(
    app: FastAPI, new_client: ClientFactory, make_interview: InterviewFactory
) -> None:
    """POST claims a new attempt of a READY report and says it is being made."""
    engine = GatedEngine()
    engine.gate.set()
    use_engine(app, engine)
    client = await new_client()
    interview = await make_interview(client.user)
    url = f"/api/interviews/{interview.id}/feedback"
    await client.http.get(url)
    await runner_of(app).wait_idle()
    engine.gate.clear()

    response = await client.http.post(url, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 202
    assert response.json()["status"] == "PENDING"
    engine.gate.set()
    await runner_of(app).wait_idle()
    assert (await client.http.get(url)).json()["status"] == "READY"


async def test_feedback_is_in_the_openapi_schema(app: FastAPI) -> None:
    """Both operations and the report model are published."""
    schema = app.openapi()
    operations = schema["paths"]["/api/interviews/{interview_id}/feedback"]
    assert set(operations) == {"get", "post"}
    ok = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/FeedbackOut"}
    assert {"404", "409"} <= set(operations["get"]["responses"])
    models = schema["components"]["schemas"]
    assert {"FeedbackOut", "Report", "AnswerFigures", "OverallFigures"} <= set(models)
    assert "/interview/{interview_id}/feedback" not in schema["paths"]  # pages stay out
