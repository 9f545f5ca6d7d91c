"""The transcript and report as one Markdown document, for download."""

from __future__ import annotations

import re

from interview_coach.feedback.engines import describe
from interview_coach.feedback.formatting import clock, seconds
from interview_coach.feedback.report import AnswerFigures, Point, Report
from interview_coach.feedback.view import FeedbackView
from interview_coach.interviews.enums import Speaker

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
SPEAKERS = {Speaker.AI: "Interviewer", Speaker.USER: "You"}
SECTIONS = (
    ("Strengths", "strengths"),
    ("Content and structure", "content_and_structure"),
    ("Communication and delivery", "communication_and_delivery"),
    ("Presentation", "presentation"),
    ("Things to improve", "things_to_improve"),
)


def escape(text: str) -> str:
    """User and interviewer text never turns into Markdown markup."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(view: FeedbackView, *, date: str) -> str:
    interview = view.interview
    out = [f"# Interview feedback: {escape(interview.job_title)}", ""]
    out += [
        f"- Date: {date}",
        f"- Length: {clock(view.timing.session_ms)} (planned {interview.duration_minutes} minutes)",
        f"- Interviewer: {escape(interview.persona)}",
    ]
    report = view.report
    if report is not None:
        out.append(f"- Report: {escape(describe(report.engine))}")
    out.append("")
    if report is None:
        note = {
            "generating": "The report is still being made; download again in a moment.",
            "failed": "The report could not be made; open the feedback page to try again.",
            "unfinished": "The interview has not finished yet.",
        }.get(view.state, "")
        out += ["## Report", "", note, ""]
    else:
        out += _report(report)
    out += ["## Transcript", ""]
    if not view.entries:
        out += ["Nothing was transcribed in this interview.", ""]
    for entry in view.entries:
        speaker = SPEAKERS[entry.speaker]
        out += [f"**[{clock(entry.offset_ms)}] {speaker}:** {escape(entry.text)}", ""]
    return "\n".join(out).rstrip() + "\n"


def _report(report: Report) -> list[str]:
    out = [f"> {escape(report.note)}", ""] if report.note else []
    out += ["## Summary", "", escape(report.summary), ""]
    for title, name in SECTIONS:
        points: list[Point] = getattr(report, name)
        if not points:
            continue  # nothing rather than an empty heading
        out += [f"## {title}", ""]
        for point in points:
            out.append(f"- {escape(point.text)}")
            if point.quote:
                out.append(f"  > \u201c{escape(point.quote)}\u201d")
        out.append("")
    out += ["## Answer by answer", "", *_answers_table(report), ""]
    out += ["## How these figures are measured", ""]
    out += [f"- {t.name}: {escape(t.value)} ({escape(t.source)})" for t in report.thresholds]
    out.append("")
    return out


def _answers_table(report: Report) -> list[str]:
    words = report.overall.has_user_words
    header = "| # | Question | Length | Wait | Long pauses |"
    rule = "|---|---|---|---|---|"
    if words:
        header += " Words per minute | Filler words |"
        rule += "---|---|"
    rows = [header, rule]
    for answer in report.answers:
        rows.append(_answer_row(answer, words))
    return rows


def _answer_row(answer: AnswerFigures, words: bool) -> str:
    question = escape(answer.question) if answer.question else "(before the first question)"
    length = clock(answer.duration_ms) if answer.duration_ms is not None else "no answer heard"
    wait = seconds(answer.wait_ms) if answer.wait_ms is not None else "\u2013"
    if answer.spoke_over:
        wait = "spoke over the question"
    cells = [str(answer.number), question, length, wait, str(len(answer.long_pauses))]
    if words:
        pace = f"{answer.words_per_minute:g}" if answer.words_per_minute is not None else "\u2013"
        cells += [pace, str(sum(answer.fillers.values()))]
    return "| " + " | ".join(cells) + " |"
