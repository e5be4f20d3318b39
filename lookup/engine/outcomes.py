"""The engine's outcome taxonomy (site-anatomy §10). Each name says what happens next."""

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
    BROWSER_UNAVAILABLE = 'BROWSER_UNAVAILABLE'
    """Chromium or Playwright's driver could not start on this worker (a missing library, a wrong path, a remote
    browser that does not answer). Not the site's fault and not an answer: never cached, not retried as a site
    failure; the case fails with what failed to start and why, until the install is fixed."""

    @property
    def transient(self) -> bool:
        return self in TRANSIENT_OUTCOMES

    @property
    def definitive(self) -> bool:
        """True when the lookup produced an answer about the vehicle (cache it; the case ends with it)."""
        return self not in FAILURE_OUTCOMES

    @property
    def is_success(self) -> bool:
        """Alias of `definitive`."""
        return self.definitive


TRANSIENT_OUTCOMES = frozenset({Outcome.SITE_ERROR, Outcome.TIMEOUT, Outcome.BLOCKED})
FAILURE_OUTCOMES = TRANSIENT_OUTCOMES | {Outcome.BROWSER_UNAVAILABLE}


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
