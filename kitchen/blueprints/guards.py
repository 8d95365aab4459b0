"""View decorators that ask the access policy, and helpers that report a service's outcome;
no rules of their own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user, login_required

from kitchen.services.access import Action, role_may
from kitchen.services.errors import Forbidden

F = TypeVar("F", bound=Callable[..., Any])


def requires(action: Action) -> Callable[[F], F]:
    """Sign-in required, then the role must allow the action (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not role_may(current_user, action):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def form_errors(form: Any, exc: Any) -> None:
    """Attach a service's ValidationError to the form field it names (or the form)."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def flash_bulk(result: Any, done_message: str) -> None:
    """Report a bulk action: how many were done, and each refused item with the reason."""
    from flask import flash
    from flask_babel import gettext as _

    if result.done:
        flash(done_message, "success")
    for item_id, message in result.failed:
        flash(_("Item %(n)d: %(message)s", n=item_id, message=message), "warning")
