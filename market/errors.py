"""Domain errors raised by services; one handler turns them into pages or problem JSON."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    title = "There is a problem"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(DomainError):
    """The record does not exist, or is not the caller's (we never say which)."""

    status_code = 404
    title = "Page not found"


class NotAllowed(DomainError):
    status_code = 403
    title = "You cannot do that"


class Conflict(DomainError):
    status_code = 409
    title = "That conflicts with what is already recorded"


class RateLimited(DomainError):
    status_code = 429
    title = "Too many attempts"

    def __init__(self, detail: str = "", *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        # Seconds until trying again can succeed: sent as the Retry-After header.
        self.retry_after = retry_after


class Invalid(DomainError):
    """Input that breaks a rule; ``errors`` maps each field to its message."""

    status_code = 422
    title = "There is a problem"

    def __init__(self, errors: dict[str, str], detail: str = "") -> None:
        self.errors = dict(errors)
        super().__init__(detail or "; ".join(self.errors.values()) or self.title)
