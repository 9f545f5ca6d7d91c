"""How figures read in the report, the page and the export."""

from __future__ import annotations

from collections.abc import Sequence

DASH = "\u2013"  # en dash, for ranges such as 0:30\u20132:00


def clock(ms: int | None) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), the way people read times from a session start."""
    if ms is None:
        return DASH
    seconds = max(0, ms // 1000)  # 0:29.5 is still 0:29, as on any player's clock
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def percent(share: float) -> str:
    return f"{share:.0%}"


def joined(values: Sequence[object]) -> str:
    """``1``, ``1 and 3``, ``1, 2 and 3`` (numbers or words)."""
    text = [str(v) for v in values]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
