"""Outcome and error taxonomy. Each name says what happens next."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """Lookup-level outcome (site-anatomy §10)."""

    FOUND = 'FOUND'
    """An assembly OEM was chosen. Final answer: cache it."""
    MODEL_ONLY = 'MODEL_ONLY'
    """VW-group / Ford / JLR shortcut: the gearbox code comes from the vehicle page. Final: cache it."""
    NOT_AVAILABLE = 'NOT_AVAILABLE'
    """Vehicle found, but no parts list was reached or parsed. Final: cache it."""
    NOT_FOUND = 'NOT_FOUND'
    """A parts list was reached with no valid OEM in it. Final: cache it."""
    VEHICLE_NOT_FOUND = 'VEHICLE_NOT_FOUND'
    """The site does not know the VIN/frame. Final: cache it with the short TTL."""
    SITE_ERROR = 'SITE_ERROR'
    """HTTP 5xx, an app error screen or a page shape nothing matches. Transient: retried with backoff."""
    TIMEOUT = 'TIMEOUT'
    """The hard lookup deadline passed; the browser was recycled. Transient: retried with backoff."""
    BLOCKED = 'BLOCKED'
    """A captcha, 403/429 or challenge page. Transient: retried with a longer backoff."""

    @property
    def transient(self) -> bool:
        return self in TRANSIENT_OUTCOMES

    @property
    def is_success(self) -> bool:
        """True when the lookup produced a definitive answer (the case ends `completed`)."""
        return self not in TRANSIENT_OUTCOMES


TRANSIENT_OUTCOMES = frozenset({Outcome.SITE_ERROR, Outcome.TIMEOUT, Outcome.BLOCKED})


class OemStatus(StrEnum):
    FOUND = 'FOUND'
    NOT_FOUND = 'NOT_FOUND'
    NOT_AVAILABLE = 'NOT_AVAILABLE'
    MODEL_ONLY = 'MODEL_ONLY'


class TagVerification(StrEnum):
    VERIFIED_MATCH = 'VERIFIED_MATCH'
    MISMATCH = 'MISMATCH'
    UNVERIFIED = 'UNVERIFIED'
    NO_TAG = 'NO_TAG'


class LookupError_(Exception):
    """Base for domain errors raised by the service (mapped to HTTP codes at the API edge)."""

    code = 'LOOKUP_ERROR'
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        """Values for the translated message (e.g. `n` for VIN_LENGTH)."""
        if code:
            self.code = code


class InvalidIdentifier(LookupError_):
    """The value is not a VIN or FRAME. Final: shown to the operator, nothing is queued."""

    code = 'INVALID_IDENTIFIER'
    http_status = 422


class NotFound(LookupError_):
    """The object does not exist or belongs to another tenant. Answered as 404."""

    code = 'NOT_FOUND'
    http_status = 404


class Forbidden(LookupError_):
    """The user's role does not allow this action. Answered as 403."""

    code = 'FORBIDDEN'
    http_status = 403


class RateLimited(LookupError_):
    """The tenant exceeded its lookups-per-minute budget. Answered as 429 with Retry-After."""

    code = 'RATE_LIMITED'
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, s=retry_after)
        self.retry_after = retry_after


class TransientLookupFailure(Exception):
    """SITE_ERROR / TIMEOUT / BLOCKED in the worker task: Huey retries it with backoff (the one retry layer)."""

    def __init__(self, outcome: Outcome, message: str, *, delay: int | None = None) -> None:
        super().__init__(f'{outcome}: {message}')
        self.outcome = outcome
        self.message = message
        self.delay = delay
