"""Why a connection is refused or closed, and the close code each reason gets.

Every ``Error`` message carries the WebSocket close code that follows it, so a client
needs one table (docs/protocol.md). Realtime-only errors extend the app's one tree.
"""

from __future__ import annotations

from enum import IntEnum

from interview_coach.errors import (
    AppError,
    ExpiredTicket,
    InterviewOver,
    InvalidTicket,
    NotFound,
    OtherInterviewInProgress,
    ValidationFailed,
)


class CloseCode(IntEnum):
    NORMAL = 1000
    INVALID_PAYLOAD = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_REQUEST = 4400
    INVALID_TOKEN = 4401
    EXPIRED_TOKEN = 4402
    NOT_FOUND = 4404
    START_TIMEOUT = 4408
    OTHER_INTERVIEW_IN_PROGRESS = 4409
    INTERVIEW_OVER = 4410
    RATE_LIMITED = 4429


class RealtimeError(AppError):
    """An error that ends a real-time connection with ``close_code``."""

    close_code: CloseCode = CloseCode.INTERNAL_ERROR


class ProtocolViolation(RealtimeError):
    """The client broke the protocol: bad frame, wrong order, or a limit."""

    code = "protocol_violation"

    def __init__(self, close_code: CloseCode, message: str) -> None:
        super().__init__(message)
        self.close_code = close_code


class StartTimeout(RealtimeError):
    code = "start_timeout"
    close_code = CloseCode.START_TIMEOUT


class ServerRestarting(RealtimeError):
    status_code = 503
    code = "restarting"
    close_code = CloseCode.SERVICE_RESTART


_CODES: tuple[tuple[type[AppError], CloseCode], ...] = (
    (ExpiredTicket, CloseCode.EXPIRED_TOKEN),  # before its base class InvalidTicket
    (InvalidTicket, CloseCode.INVALID_TOKEN),
    (NotFound, CloseCode.NOT_FOUND),
    (InterviewOver, CloseCode.INTERVIEW_OVER),
    (OtherInterviewInProgress, CloseCode.OTHER_INTERVIEW_IN_PROGRESS),
    (ValidationFailed, CloseCode.BAD_REQUEST),
)


def close_code_for(error: AppError) -> CloseCode:
    if isinstance(error, RealtimeError):
        return error.close_code
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return CloseCode.BAD_REQUEST
