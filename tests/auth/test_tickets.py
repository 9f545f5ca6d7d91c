"""Real-time tickets: signed, bound to user and interview, short-lived."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from interview_coach.auth.tickets import SCOPE, TicketSigner
from interview_coach.errors import ExpiredTicket, InvalidTicket

KEY = "test-key"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_round_trip_gives_back_user_and_interview() -> None:
    """A fresh ticket verifies to the user and interview it was issued for."""
    signer = TicketSigner(KEY, 120)
    ticket = signer.verify(signer.issue(7, "abc_DEF-123"))
    assert (ticket.user_id, ticket.interview_id) == (7, "abc_DEF-123")


def test_ticket_is_valid_until_its_lifetime_ends() -> None:
    """At exactly max_age the ticket still verifies; one second later it is expired."""
    clock = Clock()
    signer = TicketSigner(KEY, 120, clock=clock)
    token = signer.issue(1, "i")
    clock.now += 120
    assert signer.verify(token).user_id == 1
    clock.now += 1
    with pytest.raises(ExpiredTicket, match="expired"):
        signer.verify(token)


def test_expired_is_a_kind_of_invalid() -> None:
    """Callers that only care about validity can catch InvalidTicket for both."""
    assert issubclass(ExpiredTicket, InvalidTicket)
    assert ExpiredTicket.code == "expired_token"
    assert InvalidTicket.code == "invalid_token"


def test_tampered_ticket_is_invalid() -> None:
    """Changing a character of the token's payload breaks the signature."""
    signer = TicketSigner(KEY, 120)
    token = signer.issue(1, "interview")
    # The first character is payload; the last base64 character of the signature can
    # carry only padding bits, so flipping it may leave the signature bytes unchanged.
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    with pytest.raises(InvalidTicket):
        signer.verify(flipped)


def test_ticket_from_another_key_is_invalid() -> None:
    """A token signed with a different secret is rejected."""
    token = TicketSigner("another-key", 120).issue(1, "interview")
    with pytest.raises(InvalidTicket):
        TicketSigner(KEY, 120).verify(token)


def test_same_key_other_purpose_is_invalid() -> None:
    """A token signed with the same key for another purpose (salt) is not a ticket."""
    other = URLSafeTimedSerializer(KEY, salt="password-reset").dumps({"u": 1, "i": "x", "s": SCOPE})
    with pytest.raises(InvalidTicket):
        TicketSigner(KEY, 120).verify(other)


@pytest.mark.parametrize(
    "claims",
    [
        {"u": "1", "i": "x", "s": SCOPE},
        {"u": 1, "i": 5, "s": SCOPE},
        {"u": 1, "i": "x", "s": "other"},
        {"u": 1, "i": "x"},
        ["not", "a", "dict"],
    ],
)
def test_well_signed_but_malformed_claims_are_invalid(claims: object) -> None:
    """Even correctly signed, claims of the wrong shape or scope are refused."""
    token = URLSafeTimedSerializer(KEY, salt=SCOPE).dumps(claims)
    with pytest.raises(InvalidTicket):
        TicketSigner(KEY, 120).verify(token)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 5000])
def test_garbage_is_invalid(token: str) -> None:
    """Anything that is not a token gives InvalidTicket, never another exception."""
    with pytest.raises(InvalidTicket):
        TicketSigner(KEY, 120).verify(token)
