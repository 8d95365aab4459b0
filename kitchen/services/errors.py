"""Domain errors: each carries an HTTP status and a user-facing, translatable message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule was broken; the message is shown to the user in the UI language."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: object | None = None, *, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message()
        self.field = field
        super().__init__(str(self.message))

    @classmethod
    def default_message(cls) -> object:
        """The message used when none is given."""
        return _l("The request could not be processed.")


class ValidationError(DomainError):
    """Input is missing, too long or malformed."""

    status = 422
    code = "invalid"


class Forbidden(DomainError):
    """The user's role does not allow this action."""

    status = 403
    code = "forbidden"

    @classmethod
    def default_message(cls) -> object:
        return _l("You are not allowed to do this.")


class NotFound(DomainError):
    """The thing does not exist, or is outside the user's scope (we do not say which)."""

    status = 404
    code = "not_found"

    @classmethod
    def default_message(cls) -> object:
        return _l("Not found.")


class Conflict(DomainError):
    """The change clashes with the current state (duplicate name, already decided...)."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    """An upload is larger than allowed."""

    status = 413
    code = "too_large"

    @classmethod
    def default_message(cls) -> object:
        return _l("The file is too large.")


class InvalidFile(DomainError):
    """An uploaded file is not of an accepted type, or does not decode."""

    status = 422
    code = "invalid_file"


class TermsNotAccepted(DomainError):
    """An original whose usage terms must be confirmed first (editorial use only)."""

    status = 409
    code = "terms_not_accepted"

    @classmethod
    def default_message(cls) -> object:
        return _l(
            "This item is for editorial use only. Please confirm that you will use it only in "
            "news reporting, then download it again."
        )


class RateLimited(DomainError):
    """Too many attempts in a short time; `retry_after` seconds until the next may be tried."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: object | None = None, *, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Gone(DomainError):
    """What was there is no more: a share link that expired or was revoked."""

    status = 410
    code = "gone"

    @classmethod
    def default_message(cls) -> object:
        return _l("This link has expired or was withdrawn.")
