"""The service's errors (mapped to HTTP codes at the web edge). Each name says what happens next.

The engine's outcome taxonomy lives in `lookup.engine.outcomes`; its input error, InvalidIdentifier, in
`lookup.engine.identifiers` (re-exported here because the service raises it too)."""

from __future__ import annotations

from lookup.engine.errors import CodedError
from lookup.engine.identifiers import InvalidIdentifier
from lookup.engine.outcomes import Outcome

__all__ = ['Conflict', 'Forbidden', 'Invalid', 'InvalidBatch', 'InvalidIdentifier', 'LookupError_', 'NoSuchVariant',
           'NotFound', 'RateLimited', 'TransientLookupFailure']


class LookupError_(CodedError):
    """Base for domain errors raised by the service (mapped to HTTP codes at the API edge)."""

    code = 'LOOKUP_ERROR'
    http_status = 400


class NotFound(LookupError_):
    """The object does not exist or belongs to another tenant. Answered as 404."""

    code = 'NOT_FOUND'
    http_status = 404


class Forbidden(LookupError_):
    """The user's role does not allow this action. Answered as 403."""

    code = 'FORBIDDEN'
    http_status = 403


class InvalidBatch(LookupError_):
    """A batch cannot be read at all (empty, over 200 values, no valid line): nothing is created. Answered as 422;
    single bad lines are not this error, they are reported per line and the rest goes ahead."""

    code = 'INVALID_BATCH'
    http_status = 422


class NoSuchVariant(LookupError_):
    """The case's result has no variant with this number (or no variants at all). Answered as 422; nothing changed."""

    code = 'NO_SUCH_VARIANT'
    http_status = 422


class Invalid(LookupError_):
    """The input is well-formed but not acceptable (a template placeholder, a webhook URL): answered as 422, nothing
    is stored."""

    code = 'VALIDATION_ERROR'
    http_status = 422


class Conflict(LookupError_):
    """The object is not in a state that allows the action (e.g. retrying a delivery that did not fail): 409."""

    code = 'CONFLICT'
    http_status = 409


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
