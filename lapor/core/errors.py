"""Domain errors. Each maps to one HTTP status in the API and to a form error in pages.

Messages are user-facing (they go through gettext at the raise site) and never carry
personal data: they name states, actions and fields, not people.
"""


class DomainError(Exception):
    """Base class. `code` is a stable machine-readable identifier for API clients."""

    status = 400
    code = "bad_request"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.all: list[DomainError] = [self]


def raise_all(errors: list["DomainError"]):
    """Raise the first of several problems found in one request, carrying all of them in
    `.all`: a form shows every problem at once next to its field, while the API keeps answering
    with the first one (its status, code and field), as it always has."""
    first = errors[0]
    first.all = list(errors)
    raise first


class InvalidInput(DomainError):
    """The request is well-formed but a value is not acceptable (422)."""

    status = 422
    code = "invalid"


class NotAllowed(DomainError):
    """The actor may not do this to this report (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class IllegalTransition(DomainError):
    """The action is not legal from the report's current state, or the state moved (409)."""

    status = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
