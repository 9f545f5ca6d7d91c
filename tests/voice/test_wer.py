"""The word-error-rate helper the speech tests rely on."""

from __future__ import annotations

import pytest
from wer import word_error_rate


@pytest.mark.parametrize(
    ("reference", "hypothesis", "rate"),
    [
        ("I led the team.", "i led the team", 0.0),  # case and punctuation do not count
        ("I don't know", "I don\u2019t know", 0.0),
        ("I led the team", "I lead the team", 0.25),  # one substitution
        ("I led the team", "I led team", 0.25),  # one deletion
        ("I led the team", "I led the whole team", 0.25),  # one insertion
        ("we shipped it early", "", 1.0),
        ("", "", 0.0),
        ("", "noise", 1.0),
        ("a b", "c d e f", 2.0),  # may exceed 1
        ("you are proud of it", "you're proud of it", 0.0),  # contractions are the same words
        ("I can not say", "I can't say", 0.0),
        ("it will not do", "it won't do", 0.0),
    ],
)
def test_word_error_rate(reference: str, hypothesis: str, rate: float) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(rate)
