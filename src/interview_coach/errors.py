"""The one exception tree; ``web.errors`` renders it as JSON or a page, realtime as Error."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error a user may see; ``message`` is safe to show."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_failed"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"


class NotFound(AppError):
    """Also used for someone else's resource, so existence never leaks."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"


class InvalidTicket(AppError):
    status_code = 401
    code = "invalid_token"


class ExpiredTicket(InvalidTicket):
    code = "expired_token"


class ConfigurationError(AppError):
    """A setting points at something unusable (a missing model file); the message names it."""

    status_code = 500
    code = "configuration_error"


class PoolSaturated(AppError):
    """Every inference worker is busy and the queue is full: the caller degrades, not waits."""

    status_code = 503
    code = "inference_busy"


class InterviewOver(Conflict):
    """The interview is COMPLETED (or ERROR): nothing to join."""

    status_code = 410
    code = "interview_over"


class OtherInterviewInProgress(Conflict):
    """The user must finish or rejoin their in-progress interview before starting another."""

    code = "other_interview_in_progress"


class ProviderUnavailable(AppError):
    """An AI provider refused or could not be reached before the session began on it
    (unreachable, wrong key, quota). ``message`` is safe to show: it never holds the key."""

    status_code = 503
    code = "provider_unavailable"

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(message)
        self.provider = provider


class ProviderLost(ProviderUnavailable):
    """The provider dropped mid-interview and could not be resumed: the session goes on
    without it (the offline interviewer) from the stored transcript."""

    code = "provider_lost"
