"""Structured session logs: ``event key=value …`` text plus the same fields in ``extra``.

Only ids, counts and codes go in; never tokens, transcript text or audio.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

log = logging.getLogger("interview_coach.realtime")
# The websockets library logs "connection open/closed/rejected" at INFO for every socket,
# a stranger's included; our own events say what matters, so it logs warnings and up.
wire_log = logging.getLogger("interview_coach.realtime.websockets")
wire_log.setLevel(logging.WARNING)


def fields(**values: object) -> str:
    return " ".join(f"{key}={value}" for key, value in values.items())


def event(name: str, **values: object) -> None:
    """One INFO line ``name key=value …``; the fields also go to ``record.fields``."""
    log.info("%s %s", name, fields(**values), extra={"event": name, "fields": values})


# Refused connections are the cheapest thing for a stranger to make (a scanner, a fuzzer, a
# page reloading with a stale ticket): logging each one in full let fuzzing write 50 MB in
# five minutes. Each window logs its first few in full, then one summary line of counts.
REFUSALS_IN_FULL = 5
REFUSAL_WINDOW_SECONDS = 60.0


class RefusalLog:
    """``session.refused`` lines, at most ``in_full`` per window, then counted per reason;
    ``flush`` (every window, and on stop) writes ``session.refused.summary`` for the rest."""

    def __init__(self, in_full: int = REFUSALS_IN_FULL) -> None:
        self._in_full = in_full
        self._logged = 0
        self._suppressed: Counter[str] = Counter()

    def refused(self, *, code: int, reason: str, remote: object) -> None:
        if self._logged < self._in_full:
            self._logged += 1
            event("session.refused", code=code, reason=reason, remote=remote)
        else:
            self._suppressed[reason] += 1

    def flush(self) -> None:
        """Summarise what this window did not log in full, and start a new window."""
        if self._suppressed:
            counts = dict(sorted(self._suppressed.items()))
            event("session.refused.summary", not_logged=sum(counts.values()), **counts)
        self._logged = 0
        self._suppressed.clear()

    async def run(self, window_seconds: float = REFUSAL_WINDOW_SECONDS) -> None:
        """Flush every window until cancelled (the server's stop flushes once more)."""
        while True:
            await asyncio.sleep(window_seconds)
            self.flush()
