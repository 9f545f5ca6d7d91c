"""The report every engine returns: the page, the API and the export render only this.

An engine backed by a language model returns the same shape (it may reuse
:mod:`interview_coach.feedback.timing` and :mod:`interview_coach.feedback.language` for the
figures), so nothing that renders a report changes when one is added.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from interview_coach.interviews.language import StarPart

LengthVerdict = Literal["no_answer", "short", "within", "long", "unknown"]


class Point(BaseModel):
    """One observation; ``quote`` holds the user's own words when there are any."""

    text: str
    quote: str | None = None
    answer: int | None = Field(default=None, description="Question number it refers to")


class Pause(BaseModel):
    start_ms: int
    end_ms: int


class AnswerFigures(BaseModel):
    """One question and the user's answer to it; times are ms from the session start."""

    number: int
    question: str | None = Field(description="The interviewer's words; None before a question")
    question_start_ms: int | None
    start_ms: int | None = Field(description="First speech; None when no answer was heard")
    end_ms: int | None
    duration_ms: int | None
    speaking_ms: int = Field(description="Time with voice activity inside the answer")
    wait_ms: int | None = Field(
        description="From the question's (estimated) end to the answer; None when not heard "
        "or when the answer began over the interviewer"
    )
    spoke_over: bool = Field(
        default=False, description="The answer began while the interviewer was still speaking"
    )
    long_pauses: list[Pause]
    length_verdict: LengthVerdict
    words: int | None = Field(description="None when the user's words were not transcribed")
    words_per_minute: int | None
    fillers: dict[str, int]
    weighted_fillers_per_minute: float | None
    star: list[StarPart]


class OverallFigures(BaseModel):
    session_ms: int
    planned_ms: int
    questions: int
    answered: int
    user_speaking_ms: int
    interviewer_speaking_ms: int
    interviewer_timing_estimated: bool
    talk_share: float | None = Field(description="User's share of the talk time, 0 to 1")
    longest_answer_number: int | None
    longest_answer_ms: int | None
    average_answer_ms: int | None
    average_wait_ms: int | None
    long_pauses: int
    has_user_words: bool
    words: int | None
    words_per_minute: int | None
    fillers: dict[str, int]
    fillers_per_minute: float | None
    weighted_fillers_per_minute: float | None
    star_complete_answers: int | None


class Headline(BaseModel):
    """The one figure the dashboard shows for this interview."""

    label: str
    value: float | None
    display: str


class Threshold(BaseModel):
    """A threshold the engine used and the kind of source it comes from."""

    name: str
    value: str
    source: str


class Report(BaseModel):
    engine: str
    summary: str
    strengths: list[Point]
    content_and_structure: list[Point]
    communication_and_delivery: list[Point]
    things_to_improve: list[Point]
    # PrepPal's fifth part; reports stored before it existed have none.
    presentation: list[Point] = Field(default_factory=list)
    # Why this report is not the one the chosen engine was asked for (it fell back).
    note: str | None = None
    overall: OverallFigures
    answers: list[AnswerFigures]
    headline: Headline
    thresholds: list[Threshold]
