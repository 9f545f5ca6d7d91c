"""The sign-in and sign-up limiters, on a clock the test controls."""

from __future__ import annotations

from interview_coach.auth.ratelimit import MemoryWindowStore, SignInLimiter, SignUpLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _signin(clock: Clock, **limits: int) -> SignInLimiter:
    settings = {"max_failures": 3, "address_max_failures": 10, "lock_addresses": 3} | limits
    return SignInLimiter(MemoryWindowStore(60), window_seconds=60, clock=clock, **settings)


def test_one_address_pauses_only_itself_for_that_account() -> None:
    """Wrong passwords for a victim from one address never lock the victim out elsewhere."""
    clock = Clock()
    limiter = _signin(clock)
    for _ in range(50):
        if limiter.retry_after("10.0.0.66", "victim@example.com") == 0:
            limiter.record_failure("10.0.0.66", "victim@example.com")
    assert limiter.retry_after("10.0.0.66", "victim@example.com") == 61
    assert limiter.retry_after("10.0.0.7", "victim@example.com") == 0


def test_one_address_failing_does_not_block_other_accounts_there() -> None:
    """Someone mistyping their own password does not pause colleagues behind the same NAT."""
    limiter = _signin(Clock())
    for _ in range(3):
        limiter.record_failure("10.0.0.1", "ann@example.com")
    assert limiter.retry_after("10.0.0.1", "ann@example.com") > 0
    assert limiter.retry_after("10.0.0.1", "bob@example.com") == 0


def test_an_address_guessing_many_accounts_pauses_for_all() -> None:
    """Past address_max_failures across accounts, the address itself pauses."""
    limiter = _signin(Clock())
    for n in range(10):
        limiter.record_failure("10.0.0.1", f"user{n}@example.com")
    assert limiter.retry_after("10.0.0.1", "fresh@example.com") > 0
    assert limiter.retry_after("10.0.0.2", "fresh@example.com") == 0


def test_an_account_pauses_for_everyone_only_after_several_addresses() -> None:
    """Failures from lock_addresses different addresses pause the account everywhere."""
    limiter = _signin(Clock())
    limiter.record_failure("10.0.0.1", "ann@example.com")
    limiter.record_failure("10.0.0.1", "ann@example.com")
    limiter.record_failure("10.0.0.2", "ann@example.com")
    assert limiter.retry_after("10.0.0.9", "ann@example.com") == 0
    limiter.record_failure("10.0.0.3", "ann@example.com")
    assert limiter.retry_after("10.0.0.9", "ann@example.com") > 0


def test_window_slides_open_again() -> None:
    """Once the oldest counted failure is older than the window, attempts are allowed again."""
    clock = Clock()
    limiter = _signin(clock, max_failures=2)
    limiter.record_failure("a", "k")
    clock.now += 10
    limiter.record_failure("a", "k")
    clock.now += 49.5
    assert limiter.retry_after("a", "k") == 1
    clock.now += 0.5
    assert limiter.retry_after("a", "k") == 0


def test_success_clears_that_address_for_that_account() -> None:
    """The right password forgets this address's failures for the account."""
    limiter = _signin(Clock(), max_failures=1)
    limiter.record_failure("a", "ann")
    limiter.record_success("a", "ann")
    assert limiter.retry_after("a", "ann") == 0


def test_memory_stays_bounded() -> None:
    """Past max_keys, keys holding only expired events are swept instead of piling up."""
    clock = Clock()
    store = MemoryWindowStore(60, max_keys=100)
    for n in range(100):
        store.add(f"k{n}", clock.now, "")
    clock.now += 61
    store.add("new", clock.now, "")
    assert store.tracked_keys() == 1


def test_sign_ups_per_address() -> None:
    """max_sign_ups from one address, then a pause until the oldest leaves the window."""
    clock = Clock()
    limiter = SignUpLimiter(MemoryWindowStore(60), max_sign_ups=2, window_seconds=60, clock=clock)
    limiter.record("10.0.0.1")
    clock.now += 5
    limiter.record("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") == 56
    assert limiter.retry_after("10.0.0.2") == 0
