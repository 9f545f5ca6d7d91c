"""The feedback engine backed by the chat endpoint: the model writes, the server measures.

The offline report (``offline.compose``) is made first; its figures (pace, fillers, talk
share, pauses, latency) go into the prompt and stay on the page exactly as computed. The
model writes the words of PrepPal's five parts plus things to improve, each point quoting
the candidate and citing the question. What it writes is checked: a quote that is not in
that answer's transcript (compared without case, punctuation or spacing) drops its point,
and so does a point that writes figures. When the model fails, is late or leaves nothing
usable, the offline report is shown with a note that says why, and the page offers a retry.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pydantic import BaseModel

from interview_coach.feedback.material import Material
from interview_coach.feedback.offline import compose
from interview_coach.feedback.report import Point, Report
from interview_coach.feedback.timing import Timing, analyse
from interview_coach.llm.client import ChatClient, ChatFailed

PROMPT_VERSION = "feedback-v1"
NOTE = "The AI-written report could not be made: {reason}. This one was written by fixed rules."
SECTIONS = (
    "strengths",
    "content_and_structure",
    "communication_and_delivery",
    "presentation",
    "things_to_improve",
)
FIGURE_FIELDS = (
    "number",
    "duration_ms",
    "wait_ms",
    "spoke_over",
    "length_verdict",
    "words_per_minute",
    "fillers",
    "star",
)
OVERALL_FIELDS = (
    "session_ms",
    "planned_ms",
    "questions",
    "answered",
    "talk_share",
    "average_answer_ms",
    "average_wait_ms",
    "long_pauses",
    "words_per_minute",
    "fillers_per_minute",
)
NOT_WORDS = re.compile(r"[^\w\s']+")
QUESTION_REFERENCE = re.compile(r"\b(?:question|answer|q)\s*\d+\b", re.IGNORECASE)


class WrittenPoint(BaseModel):
    text: str
    quote: str
    question: int


class WrittenReport(BaseModel):
    """What the model writes; the figures are never in it."""

    summary: str
    strengths: list[WrittenPoint]
    content_and_structure: list[WrittenPoint]
    communication_and_delivery: list[WrittenPoint]
    presentation: list[WrittenPoint]
    things_to_improve: list[WrittenPoint]


class LlmEngine:
    """Reports written by the chat model, on the offline engine's figures."""

    def __init__(self, client: ChatClient | None, timeout_seconds: float) -> None:
        self._client = client
        self._timeout = timeout_seconds

    @property
    def name(self) -> str:
        return "llm"

    async def generate(self, material: Material) -> Report:
        offline = compose(material)
        if self._client is None:
            return with_note(offline, "no chat endpoint is set (INTERVIEW_COACH_LLM_BASE_URL)")
        if not material.has_user_words:
            return with_note(offline, "your words were not transcribed, and it quotes them")
        timing = analyse(material)
        try:
            written = await self._client.ask(
                messages(material, timing, offline), WrittenReport, timeout_seconds=self._timeout
            )
        except ChatFailed as error:
            return with_note(offline, error.message)
        return merged(offline, written, timing) or with_note(
            offline, "the model's points did not quote your words"
        )


def with_note(offline: Report, reason: str) -> Report:
    return offline.model_copy(update={"note": NOTE.format(reason=reason.rstrip(". "))})


@cache
def _template(version: str = PROMPT_VERSION) -> str:
    return (resources.files(__package__) / "prompts" / f"{version}.md").read_text("utf-8")


def messages(material: Material, timing: Timing, offline: Report) -> list[dict[str, str]]:
    """The prompt: the posting, the offline figures and the transcript by question."""
    figures = {
        "overall": offline.overall.model_dump(include=set(OVERALL_FIELDS)),
        "answers": [a.model_dump(include=set(FIGURE_FIELDS)) for a in offline.answers],
    }
    transcript = "\n\n".join(
        f"Question {a.number}: {a.turn.text if a.turn else '(before the first question)'}\n"
        f"Candidate's answer {a.number}: {a.text or '(no answer heard)'}"
        for a in timing.answers
    )
    prompt = _template().format(
        job_title=material.job_title,
        job_description=material.job_description.strip() or "(not given)",
        figures=json.dumps(figures, indent=1),
        transcript=transcript,
    )
    return [
        {"role": "system", "content": prompt},
        {"role": "user", "content": "Write the feedback report now."},
    ]


def merged(offline: Report, written: WrittenReport, timing: Timing) -> Report | None:
    """The offline report with the model's words in place of its own, keeping only points
    that quote the cited answer; None when nothing usable is left."""
    answers = {a.number: _words(a.text) for a in timing.answers}
    sections = {
        name: [
            Point(text=p.text.strip(), quote=p.quote.strip(), answer=p.question)
            for p in getattr(written, name)
            if _quoted(p, answers) and not _writes_figures(p.text)
        ]
        for name in SECTIONS
    }
    summary = written.summary.strip()
    if not summary or _writes_figures(summary) or not any(sections.values()):
        return None
    return offline.model_copy(update={"engine": "llm", "summary": summary, **sections})


def _words(text: str) -> str:
    """Lower case, apostrophes straightened, punctuation gone, single spaces."""
    plain = NOT_WORDS.sub(" ", text.lower().replace("\u2019", "'"))
    return f" {' '.join(plain.split())} "


def _quoted(point: WrittenPoint, answers: dict[int, str]) -> bool:
    quote = _words(point.quote)
    return bool(quote.strip()) and quote in answers.get(point.question, "")


def _writes_figures(text: str) -> bool:
    return any(ch.isdigit() for ch in QUESTION_REFERENCE.sub("", text))
