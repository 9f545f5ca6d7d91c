"""Checks on text people type, shared by every surface; each runs in linear time.

Control characters are refused everywhere: PostgreSQL cannot store NUL while SQLite can, so
refusing them up front keeps both databases alike, and none of them belongs in a name,
an email or a job title. Multi-line fields keep tab, line feed and carriage return (browsers
send a textarea's line breaks as CR LF).
"""

from __future__ import annotations

import re

_SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SMALL_NUMBER = re.compile(r"[0-9]{1,6}")


def control_character_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """A message naming the first control character in ``value``, or None when it has none."""
    pattern = _MULTI_LINE_FORBIDDEN if multiline else _SINGLE_LINE_FORBIDDEN
    found = pattern.search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return f"The {label} contains an invisible control character ({code}). Remove it and try again."


def small_number(text: str) -> int | None:
    """A plain ASCII number of at most six digits, else None.

    ``str.isdigit`` accepts "²", which ``int`` refuses, and ``int`` refuses more than 4,300
    digits: both raised from form input. No form offers anything longer.
    """
    return int(text) if _SMALL_NUMBER.fullmatch(text) else None
