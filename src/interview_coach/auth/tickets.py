"""Short-lived signed tokens that let a page open the real-time socket for one interview.

The web app issues them (``POST /api/interviews/{id}/ticket``); the real-time server only
verifies them, so the two processes share nothing but the signing key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from interview_coach.errors import ExpiredTicket, InvalidTicket

SCOPE = "realtime-session"


@dataclass(frozen=True)
class Ticket:
    user_id: int
    interview_id: str

    def require_interview(self, interview_id: str) -> None:
        """A ticket opens only the interview it was issued for."""
        if self.interview_id != interview_id:
            raise InvalidTicket("This ticket is for another interview. Reload the page.")


@dataclass(frozen=True)
class IssuedTicket:
    """What a client needs to open the socket: the token, its lifetime and where to use it
    (the JSON API's ticket and ``interview-coach tickets issue`` both show this)."""

    token: str
    expires_in: int
    interview_id: str
    realtime_url: str


class TicketSigner:
    def __init__(
        self, key: str, max_age_seconds: int, *, clock: Callable[[], float] = time.time
    ) -> None:
        class Signer(TimestampSigner):
            """Reads time from ``clock`` when signing and when checking age (tests move it)."""

            def get_timestamp(self) -> int:
                return int(clock())

        self._serializer = URLSafeTimedSerializer(key, salt=SCOPE, signer=Signer)
        self.max_age_seconds = max_age_seconds

    def issue(self, user_id: int, interview_id: str) -> str:
        return self._serializer.dumps({"u": user_id, "i": interview_id, "s": SCOPE})

    def grant(self, user_id: int, interview_id: str, realtime_url: str) -> IssuedTicket:
        """A freshly signed ticket and the socket URL to use it on. Who may have one is the
        caller's rule (the API refuses ended interviews; the operator's CLI does not)."""
        return IssuedTicket(
            token=self.issue(user_id, interview_id),
            expires_in=self.max_age_seconds,
            interview_id=interview_id,
            realtime_url=realtime_url,
        )

    def verify(self, token: str) -> Ticket:
        """The ticket's claims, or ``ExpiredTicket`` / ``InvalidTicket``."""
        try:
            claims = self._serializer.loads(token, max_age=self.max_age_seconds)
        except SignatureExpired:
            raise ExpiredTicket("Your session ticket expired. Reload the page.") from None
        except BadSignature:
            raise InvalidTicket("Your session ticket is not valid. Reload the page.") from None
        if (
            not isinstance(claims, dict)
            or claims.get("s") != SCOPE
            or not isinstance(claims.get("u"), int)
            or not isinstance(claims.get("i"), str)
        ):
            raise InvalidTicket("Your session ticket is not valid. Reload the page.")
        return Ticket(user_id=claims["u"], interview_id=claims["i"])
