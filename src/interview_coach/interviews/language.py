"""What the user's words show: word counts, filler words and STAR structure cues. Pure.

Shared by the feedback report (after the interview) and the interviewer's dialogue (during
it, to choose a follow-up), so both read an answer the same way.

Matching works on whole words ("so" inside "also" is never a filler) and looks at the
neighbouring word where a filler has an ordinary meaning too ("I'd like to", "what kind of").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
WORD_OR_COMMA = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|,")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Hesitations, by spelling, and the form they are reported under.
HESITATIONS = {
    "um": "um", "umm": "um", "ummm": "um", "uhm": "um",
    "uh": "uh", "uhh": "uh", "er": "er", "erm": "er",
    "ah": "ah", "ahh": "ah", "hmm": "hmm", "hm": "hmm", "hmmm": "hmm",
}  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "like" after these is a verb or a comparison, not a filler ("I'd like to", "looks like").
LIKE_IS_MEANT_AFTER = _words(
    "i you we they i'd you'd we'd they'd would not don't didn't do does did really also "
    "look looks looked looking feel feels felt seem seems seemed sound sounds sounded "
    "something anything nothing things much more just"
)
# "kind of" / "sort of" after a determiner names a kind ("what kind of database").
KIND_IS_MEANT_AFTER = _words(
    "a an the what this that which any some every each one same these those my your our "
    "their its his her all"
)
YOU_KNOW_IS_MEANT_AFTER = _words("do did does if would will could should don't didn't")
SO_IS_MEANT_BEFORE = _words("that far much many")

StarPart = Literal["situation", "task", "action", "result"]

STAR_CUES: dict[StarPart, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(when i was|at my (?:last|previous|current|old|first) (?:job|company|role|team|"
        r"employer)|the situation|the context|background|back in|there was a|we had a)\b"
    ),
    "task": re.compile(
        r"\b(my (?:task|goal|job|role|responsibility) was|i was (?:responsible|asked|tasked)|"
        r"i needed to|i had to|the goal was|the challenge was|we needed to)\b"
    ),
    "action": re.compile(
        r"\b(i (?:decided|built|created|led|designed|wrote|implemented|organi[sz]ed|set up|"
        r"started|proposed|worked with|talked to|spoke with|reached out|introduced|changed|"
        r"fixed|analy[sz]ed|automated|negotiated|scheduled|coordinated|migrated|rewrote|"
        r"trained|mentored|suggested|took)|my approach)\b"
    ),
    "result": re.compile(
        r"\b(as a result|the result|resulted in|which (?:led|meant)|in the end|the outcome|"
        r"(?:reduced|increased|improved|saved|cut|grew|doubled|halved) .{0,40}?by|"
        r"\d+ ?(?:%|percent)|i learned|i learnt)"
    ),
}


def normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def count_words(text: str) -> int:
    return len(WORD.findall(normalise(text)))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


def count_fillers(text: str) -> Counter[str]:
    """Fillers by canonical form, e.g. ``{"um": 2, "you know": 1}``."""
    found: Counter[str] = Counter()
    for sentence in sentences(text):
        marked = WORD_OR_COMMA.findall(normalise(sentence))
        tokens = [token for token in marked if token != ","]
        # Words set off by commas on both sides (", like,") are asides whatever precedes them.
        aside = [
            0 < i < len(marked) - 1 and marked[i - 1] == marked[i + 1] == ","
            for i, token in enumerate(marked)
            if token != ","
        ]
        for i, token in enumerate(tokens):
            before = tokens[i - 1] if i else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if token in HESITATIONS:
                found[HESITATIONS[token]] += 1
            elif token == "like" and (aside[i] or before not in LIKE_IS_MEANT_AFTER):
                found["like"] += 1
            elif token in ("actually", "basically"):
                found[token] += 1
            elif token == "you" and after == "know" and before not in YOU_KNOW_IS_MEANT_AFTER:
                found["you know"] += 1
            elif token == "i" and after == "mean" and before != "what":
                found["i mean"] += 1
            elif token in ("sort", "kind") and after == "of" and before not in KIND_IS_MEANT_AFTER:
                found[f"{token} of"] += 1
            elif token == "so" and i == 0 and len(tokens) > 1 and after not in SO_IS_MEANT_BEFORE:
                found["so"] += 1
            elif token == "right" and i == len(tokens) - 1 and i and sentence.endswith("?"):
                found["right?"] += 1
    return found


@dataclass(frozen=True)
class StarCue:
    part: StarPart
    phrase: str
    sentence: str


def star_cues(text: str) -> list[StarCue]:
    """The first cue of each STAR part found, in S-T-A-R order, with its sentence."""
    found: list[StarCue] = []
    all_sentences = sentences(text)
    for part, pattern in STAR_CUES.items():
        for sentence in all_sentences:
            match = pattern.search(normalise(sentence))
            if match:
                found.append(StarCue(part, match.group(0), sentence))
                break
    return found
