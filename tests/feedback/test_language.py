"""Filler words, word counts and STAR cues from the user's words."""

from __future__ import annotations

import pytest

from interview_coach.feedback.language import filler_weight, quote
from interview_coach.interviews.language import count_fillers, count_words, star_cues


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I also think so.", {}),  # "so" inside "also", and not at the sentence start
        ("So we shipped it.", {"so": 1}),
        ("So that we could ship, we cut scope.", {}),
        ("Umbrella, uhh, ermine.", {"uh": 1}),  # whole words only
        ("I'd like to lead. It looks like rain. I like Go.", {}),
        ("It was, like, hard. Like, really hard.", {"like": 2}),
        ("I would, like, listen first.", {"like": 1}),  # an aside, although after "would"
        ("What kind of database? It was kind of slow.", {"kind of": 1}),
        ("Do you know Rust? It is fast, you know.", {"you know": 1}),
        (
            "I mean, basically it actually worked, right?",
            {"i mean": 1, "basically": 1, "actually": 1, "right?": 1},
        ),
        ("Um, umm, UH, hmm.", {"um": 2, "uh": 1, "hmm": 1}),
    ],
)
def test_fillers_on_word_boundaries(text: str, expected: dict[str, int]) -> None:
    """Each filler counted once, only as a whole word and only in its filler sense."""
    assert dict(count_fillers(text)) == expected


def test_hesitations_weigh_more_than_discourse_markers() -> None:
    """'um' counts 1, 'like' 1/2."""
    assert filler_weight({"um": 2, "like": 2, "you know": 1}) == 2 + 1 + 0.5


def test_word_count_keeps_contractions_whole() -> None:
    """ "I'm" and "don't" are one word each; punctuation is not a word."""
    assert count_words("I'm sure — we don't; 40 % done!") == 6


def test_star_cues_in_order_with_their_sentences() -> None:
    """The first cue of each part, with the sentence it is in."""
    text = (
        "Back in 2021 our deploys broke weekly. My goal was to stop that. "
        "I introduced canary releases. Incidents were reduced by half."
    )
    cues = [(c.part, c.phrase, c.sentence) for c in star_cues(text)]
    assert cues == [
        ("situation", "back in", "Back in 2021 our deploys broke weekly."),
        ("task", "my goal was", "My goal was to stop that."),
        ("action", "i introduced", "I introduced canary releases."),
        ("result", "reduced by", "Incidents were reduced by half."),
    ]


def test_long_quotes_are_shortened_at_a_word() -> None:
    """Over 25 words: cut at a word boundary with an ellipsis."""
    sentence = " ".join(f"w{i}" for i in range(30))
    assert quote(sentence) == " ".join(f"w{i}" for i in range(25)) + "…"
