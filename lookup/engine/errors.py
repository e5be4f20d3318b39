"""The one shape of an error an operator sees: a stable `code`, an English `message`, the HTTP status a web edge
answers with, and the values a translated message needs (`params`). The engine's InvalidIdentifier and the
service's errors (lookup/errors.py) are both of this shape."""

from __future__ import annotations


class CodedError(Exception):
    code = 'ERROR'
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        """Values for the translated message (e.g. `n` for VIN_LENGTH)."""
        if code:
            self.code = code
