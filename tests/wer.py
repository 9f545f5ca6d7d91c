"""Word error rate for the tests: the app's own (``interview_coach.voice.wer``)."""

from __future__ import annotations

from interview_coach.voice.wer import word_error_rate, words

__all__ = ["word_error_rate", "words"]
