"""Failed sign-in limiter: a sliding window per email and per client address.

Kept in process memory: good for one web node; several nodes each count on their own.
Memory stays bounded: once more than ``max_keys`` keys are tracked, stale ones are swept.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class FailureLimiter:
    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self.max_keys = max_keys
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _prune(self, key: str) -> deque[float]:
        stamps = self._failures[key]
        cutoff = self._clock() - self.window_seconds
        while stamps and stamps[0] <= cutoff:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return deque()
        return stamps

    def retry_after(self, *keys: str) -> int:
        """Seconds until a blocked key may try again; 0 when none is blocked."""
        waits = [
            int(stamps[0] + self.window_seconds - self._clock()) + 1
            for stamps in (self._prune(key) for key in keys)
            if len(stamps) >= self.max_failures
        ]
        return max(waits, default=0)

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        for key in keys:
            self._failures[key].append(now)
        if len(self._failures) > self.max_keys:
            for key in list(self._failures):
                self._prune(key)

    def tracked_keys(self) -> int:
        return len(self._failures)

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)
