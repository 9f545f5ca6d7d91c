"""split_sentences: the interviewer's line cut into sentences for streaming synthesis."""

from __future__ import annotations

import pytest

from interview_coach.voice.base import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hello there. How are you?", ["Hello there.", "How are you?"]),
        ("Great! Next question.", ["Great!", "Next question."]),
        ("Wait... Really?! Yes.", ["Wait...", "Really?!", "Yes."]),
        (
            "Name a tool, e.g. Python or Go. Then explain why.",
            ["Name a tool, e.g. Python or Go.", "Then explain why."],
        ),
        ("You met Dr. Lee and Mrs. Park. Good.", ["You met Dr. Lee and Mrs. Park.", "Good."]),
        (
            "Growth went from 3.5 to 4.25 percent. Why?",
            ["Growth went from 3.5 to 4.25 percent.", "Why?"],
        ),
        ("Ask J. Smith. She knows.", ["Ask J. Smith.", "She knows."]),
        ("That is, i.e. the team. Fine.", ["That is, i.e. the team.", "Fine."]),
        ('He said "stop." Then we left.', ['He said "stop."', "Then we left."]),
        ("It ended... and then it started again.", ["It ended... and then it started again."]),
        ("In 2021. 2022 was better.", ["In 2021.", "2022 was better."]),
        ("First part\n\nsecond part", ["First part", "second part"]),
        ("  One   sentence\nover two lines.  ", ["One sentence over two lines."]),
        ("No punctuation at all", ["No punctuation at all"]),
        ("", []),
        ("   \n ", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
