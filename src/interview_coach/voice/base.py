"""The engine interfaces the conversation codes against, and sentence splitting for TTS.

Audio everywhere is 16-bit little-endian mono PCM as ``bytes``. Every engine's calls block;
callers on the event loop go through ``VoiceEngines.transcribe`` / ``synthesize``, which run a
model engine in ``voice.pool.InferencePool`` and await a network engine (one that also has
the ``Awaitable*`` methods below) without taking a worker thread.
"""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable


class SpeechToText(Protocol):
    name: str

    def transcribe(self, pcm: bytes, sample_rate: int) -> str:
        """The words in ``pcm`` ('' for no speech)."""
        ...


class TextToSpeech(Protocol):
    name: str

    def synthesize(self, text: str, sample_rate: int) -> bytes:
        """One sentence spoken, as PCM at ``sample_rate``."""
        ...


@runtime_checkable
class AwaitableSpeechToText(Protocol):
    """A speech-to-text engine that waits on the network: awaited, never given a thread."""

    async def transcribe_async(self, pcm: bytes, sample_rate: int) -> str: ...


@runtime_checkable
class AwaitableTextToSpeech(Protocol):
    """A text-to-speech engine that waits on the network: awaited, never given a thread."""

    async def synthesize_async(self, text: str, sample_rate: int) -> bytes: ...


class EndOfTurn(Protocol):
    name: str

    def probability(self, pcm: bytes, sample_rate: int) -> float:
        """0..1 that the speaker has finished, judged on the last <= 8 s of their audio."""
        ...


# Words whose trailing full stop does not end a sentence ("Dr. Lee", "e.g. Python").
ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "prof.", "sr.", "jr.", "st.", "vs.", "e.g.", "i.e.", "cf."}
)
# Sentence-ending punctuation (and closing quotes or brackets) followed by white space.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+")
_INITIAL = re.compile(r"^[A-Z]\.$")
_OPENERS = "\"'(\u201c\u2018"  # a sentence may open with a quote or a bracket


def split_sentences(text: str) -> list[str]:
    """Sentences in order, so speech can start after the first one is synthesised.

    A boundary is end punctuation, white space, then a capital, digit or opening quote;
    abbreviations, initials ("J. Smith") and decimals ("3.5") stay inside their sentence.
    Blank lines always end a sentence.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for match in _END.finditer(paragraph):
            if _continues(paragraph, match):
                continue
            sentences.append(paragraph[start : match.end()])
            start = match.end()
        sentences.append(paragraph[start:])
    return [" ".join(s.split()) for s in sentences if s.strip()]


def _continues(text: str, match: re.Match[str]) -> bool:
    """True when the punctuation at ``match`` does not end the sentence."""
    following = text[match.end() : match.end() + 1]
    if not following or not (following.isupper() or following.isdigit() or following in _OPENERS):
        return True
    before = text[: match.start() + 1].split()
    word = before[-1] if before else ""
    return word.lower() in ABBREVIATIONS or bool(_INITIAL.match(word))
