"""Domain errors raised by services and translated once for the API and the pages.

- :class:`StateConflict` — the object's state forbids the action (HTTP 409).
- :class:`ActionForbidden` — the caller sees the object but its role may not act (403).
Invalid input raises Django's ``ValidationError`` (HTTP 400 / form errors).
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StateConflict(DomainError):
    status_code = 409
    code = "conflict"


class ActionForbidden(DomainError):
    status_code = 403
    code = "permission_denied"
