"""How a persona sounds: warm, neutral or direct phrasing, and how hard it follows up. Pure.

The persona is free text ("a friendly hiring manager", "a demanding senior engineer"); its
words pick a style. Every phrase here is read aloud, so each is short and plain.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from interview_coach.interviewer.terms import speakable
from interview_coach.interviews.enums import DEFAULT_PERSONA

MAX_PERSONA_WORDS = 12

WARM_WORDS = re.compile(
    r"\b(friendly|warm|kind|supportive|encouraging|gentle|relaxed|patient|welcoming|casual|"
    r"nice|empathetic|hiring manager|coach|mentor)\b",
    re.I,
)
DIRECT_WORDS = re.compile(
    r"\b(demanding|tough|strict|rigorous|critical|skeptical|sceptical|direct|blunt|senior|"
    r"principal|staff|technical|founder|fast-paced|hard|grilling|no-nonsense|intense)\b",
    re.I,
)


class Tone(StrEnum):
    WARM = "warm"
    NEUTRAL = "neutral"
    DIRECT = "direct"


@dataclass(frozen=True)
class Style:
    """The phrases of one tone; each tuple is a set of variants picked by a stable hash."""

    tone: Tone
    max_follow_ups: int
    acknowledge: tuple[str, ...]
    ask_outcome: tuple[str, ...]
    ask_example: tuple[str, ...]
    invite_more: tuple[str, ...]
    redirect: tuple[str, ...]
    prompt: tuple[str, ...]
    move_on: tuple[str, ...]
    repeat: tuple[str, ...]
    hello: tuple[str, ...]


STYLES = {
    Tone.WARM: Style(
        tone=Tone.WARM,
        max_follow_ups=1,
        acknowledge=(
            "Thank you, that is helpful.",
            "Thanks for sharing that.",
            "Lovely, thank you.",
        ),
        ask_outcome=(
            "That sounds like a lot of work. How did it turn out in the end?",
            "I'd love to hear how that ended. What was the outcome?",
        ),
        ask_example=(
            "Thank you. Could you walk me through one specific time that happened?",
            "That makes sense. Can you think of one particular example?",
        ),
        invite_more=(
            "I'd love to hear a bit more. Could you expand on that?",
            "Thank you. Could you tell me a little more about that?",
        ),
        redirect=(
            "Thank you, that is really thorough. In the interest of time, let's move on.",
            "That is very helpful, thank you. Let me move us along so we cover everything.",
        ),
        prompt=(
            "Take your time, there is no rush. Would you like me to repeat the question?",
            "No hurry at all. Take your time. Would you like me to repeat the question?",
        ),
        move_on=("That's all right. Let's move on to the next one.",),
        repeat=("Of course.", "Sure, happy to."),
        hello=("Hello, and thank you so much for joining me today.", "Hi, and welcome."),
    ),
    Tone.NEUTRAL: Style(
        tone=Tone.NEUTRAL,
        max_follow_ups=1,
        acknowledge=("Thank you.", "Thank you, that is clear.", "All right, thank you."),
        ask_outcome=(
            "What was the outcome? What changed because of what you did?",
            "How did it turn out? What was the result?",
        ),
        ask_example=(
            "Could you give me one specific example of a time you did that?",
            "Can you walk me through a particular situation where that happened?",
        ),
        invite_more=(
            "Could you tell me more about that?",
            "Could you say a bit more about that?",
        ),
        redirect=(
            "Thank you, that is a full answer. In the interest of time, let's move on.",
            "Let me stop you there so we have time for everything. Let's move on.",
        ),
        prompt=("Take your time. Would you like me to repeat the question?",),
        move_on=("Let's move on to the next question.",),
        repeat=("Of course.", "Certainly."),
        hello=("Hello, and thank you for joining.", "Good to meet you, and thanks for joining."),
    ),
    Tone.DIRECT: Style(
        tone=Tone.DIRECT,
        max_follow_ups=2,
        acknowledge=("Okay.", "Understood.", "Right."),
        ask_outcome=(
            "What was the result? Give me the outcome, with a number if you have one.",
            "And the outcome? What measurably changed?",
        ),
        ask_example=(
            "That is general. Give me one specific example.",
            "Be concrete. Which project, and what exactly did you do?",
        ),
        invite_more=("That is brief. Tell me more.", "Go deeper. What exactly did you do?"),
        redirect=(
            "Let me stop you there. We need to keep moving.",
            "I'll stop you there. Shorter answers, please. Next question.",
        ),
        prompt=("Take your time. Do you want me to repeat the question?",),
        move_on=("Let's move on.",),
        repeat=("Sure.", "Once more."),
        hello=("Hello. Thanks for making the time.", "Hi. Let's get started."),
    ),
}


def style_for(persona: str) -> Style:
    """Direct words win over warm ones ("a friendly but demanding engineer" follows up twice)."""
    if DIRECT_WORDS.search(persona):
        return STYLES[Tone.DIRECT]
    if WARM_WORDS.search(persona):
        return STYLES[Tone.WARM]
    return STYLES[Tone.NEUTRAL]


def persona_phrase(persona: str) -> str:
    """The persona as a speakable noun phrase, "a professional interviewer" when empty."""
    words = speakable(persona).rstrip(".!?").split()[:MAX_PERSONA_WORDS]
    return " ".join(words) or DEFAULT_PERSONA


def pick(options: tuple[str, ...], *seed: object) -> str:
    """One of the options, chosen by a stable hash of the seed: same inputs, same phrase."""
    digest = hashlib.sha256("\x1f".join(map(str, seed)).encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]
