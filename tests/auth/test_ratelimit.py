"""The failed sign-in limiter, on a clock the test controls."""

from __future__ import annotations

from interview_coach.auth.ratelimit import FailureLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_blocks_after_max_failures_for_the_rest_of_the_window() -> None:
    """The Nth failure blocks; retry_after counts down to the oldest failure's expiry."""
    clock = Clock()
    limiter = FailureLimiter(3, 60, clock=clock)
    for _ in range(2):
        limiter.record_failure("email:a")
    assert limiter.retry_after("email:a") == 0
    limiter.record_failure("email:a")
    assert limiter.retry_after("email:a") == 61
    clock.now += 30
    assert limiter.retry_after("email:a") == 31


def test_window_slides_open_again() -> None:
    """Once the oldest failure is older than the window, attempts are allowed again."""
    clock = Clock()
    limiter = FailureLimiter(2, 60, clock=clock)
    limiter.record_failure("k")
    clock.now += 10
    limiter.record_failure("k")
    clock.now += 49.5
    assert limiter.retry_after("k") == 1
    clock.now += 0.5
    assert limiter.retry_after("k") == 0


def test_any_blocked_key_blocks() -> None:
    """A blocked address blocks every email tried from it, and the other way round."""
    limiter = FailureLimiter(2, 60, clock=Clock())
    limiter.record_failure("email:a", "ip:1")
    limiter.record_failure("email:b", "ip:1")
    assert limiter.retry_after("email:c", "ip:1") > 0
    assert limiter.retry_after("email:a", "ip:2") == 0


def test_reset_forgets_a_key() -> None:
    """A successful sign-in clears that email's failures."""
    limiter = FailureLimiter(1, 60, clock=Clock())
    limiter.record_failure("email:a")
    limiter.reset("email:a")
    assert limiter.retry_after("email:a") == 0


def test_memory_stays_bounded() -> None:
    """Past max_keys, expired entries are swept instead of piling up."""
    clock = Clock()
    limiter = FailureLimiter(5, 60, clock=clock, max_keys=100)
    for n in range(100):
        limiter.record_failure(f"email:{n}")
    clock.now += 61
    limiter.record_failure("email:new")
    assert limiter.tracked_keys() == 1
