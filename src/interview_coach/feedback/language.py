"""Figures from the user's words that only the report needs: filler weight and quotes.

Word counts, fillers and STAR cues themselves are in :mod:`interview_coach.interviews.language`
(the interviewer's dialogue reads answers with them too).
"""

from __future__ import annotations

from collections import Counter

from interview_coach.feedback.thresholds import FILLER_WEIGHT_DISCOURSE, FILLER_WEIGHT_HESITATION
from interview_coach.interviews.language import HESITATIONS, count_fillers, sentences


def filler_weight(fillers: Counter[str] | dict[str, int]) -> float:
    """Hesitations weigh more than discourse markers (see ``thresholds``)."""
    return sum(
        count
        * (FILLER_WEIGHT_HESITATION if form in HESITATIONS.values() else FILLER_WEIGHT_DISCOURSE)
        for form, count in fillers.items()
    )


def quote(sentence: str, max_words: int = 25) -> str:
    """The sentence, shortened at a word boundary when it runs long."""
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:") + "…"


def sentence_with_most_fillers(text: str) -> str | None:
    scored = [(filler_weight(count_fillers(s)), -i, s) for i, s in enumerate(sentences(text))]
    best = max(scored, default=None)
    return best[2] if best and best[0] > 0 else None
