"""Word error rate: speech engines (and `providers check`) against the script they were given."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9']+")
# A recogniser writing "you're" for "you are" heard every word: compare the spoken words.
_CONTRACTIONS = {
    "'re": " are",
    "'ve": " have",
    "'ll": " will",
    "'m": " am",
    "'d": " would",
    "n't": " not",
}
_CONTRACTION = re.compile(r"(?<=[a-z])('re|'ve|'ll|'m|'d|n't)\b")
_IRREGULAR = re.compile(r"\b(can't|won't|shan't)\b")
_IRREGULARS = {"can't": "can not", "won't": "will not", "shan't": "shall not"}


def words(text: str) -> list[str]:
    """Lower-case words without punctuation, contractions spelled out ("Don't," -> "do not";
    "can't" -> "can not")."""
    lowered = text.lower().replace("\u2019", "'")
    regular = _IRREGULAR.sub(lambda match: _IRREGULARS[match.group(1)], lowered)
    spelled = _CONTRACTION.sub(lambda match: _CONTRACTIONS[match.group(1)], regular)
    return _WORD.findall(spelled)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in the reference (Levenshtein on words)."""
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return float(bool(hyp))
    row = list(range(len(hyp) + 1))  # distances from ref[:0] to each prefix of hyp
    for i, ref_word in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, hyp_word in enumerate(hyp, 1):
            diagonal, row[j] = (
                row[j],
                min(
                    row[j] + 1,  # deletion
                    row[j - 1] + 1,  # insertion
                    diagonal + (ref_word != hyp_word),  # substitution or match
                ),
            )
    return row[-1] / len(ref)
