"""Which passwords a new account may use, and a message that says why one is refused.

The list of common passwords (``common_passwords.txt``, packaged with the code) holds the
most used ones of at least ``MIN_PASSWORD`` characters: guessing attacks try them first.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from itertools import pairwise

MIN_PASSWORD = 8
MAX_PASSWORD = 256
COMMON_PASSWORDS_FILE = "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    text = files("interview_coach.auth").joinpath(COMMON_PASSWORDS_FILE).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_trivial(password: str) -> bool:
    """One repeated character, or a run like "12345678" or "abcdefgh" (either way round)."""
    if len(set(password)) == 1:
        return True
    steps = {ord(b) - ord(a) for a, b in pairwise(password)}
    return steps in ({1}, {-1})


def password_problem(password: str, email: str) -> str | None:
    """Why ``password`` is too easy to guess for the account ``email``, or None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters for your password."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters for your password."
    if not password.strip():
        return "Your password cannot be only spaces. Use words or characters you can type."
    folded = password.strip().casefold()
    address = email.strip().casefold()
    if folded in {address, address.partition("@")[0]}:
        return "Your password cannot be your email address or part of it. Choose something else."
    if folded in common_passwords():
        return "This is one of the most common passwords, so it is guessed first. Choose another."
    if _is_trivial(password):
        return "This password is a simple repeat or sequence. Choose something harder to guess."
    return None
