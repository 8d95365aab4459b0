"""The API tokens page: list one's tokens, create one (shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kitchen.blueprints.guards import form_errors
from kitchen.forms.tokens import TokenForm
from kitchen.links import external_url
from kitchen.services import tokens
from kitchen.services.errors import ValidationError

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _page(form: TokenForm, new_token: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The page with the user's tokens, and a just-created token's value if there is one."""
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=tokens.list_tokens(current_user),
        new_token=new_token,
        api_base=external_url("api.openapi").rsplit("/", 1)[0],
    ), status


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """The user's tokens: name, created, last used, revoked."""
    return _page(TokenForm())


@bp.post("")
@login_required
def create() -> ResponseReturnValue:
    """Create a token and show its value this once (it is stored only as a hash)."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, plain = tokens.create_token(current_user, form.name.data or "")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return _page(TokenForm(formdata=None), new_token=plain)
    return _page(form, status=400)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's tokens; it stops working at once."""
    token = tokens.revoke_token(current_user, token_id)
    flash(_("The token %(name)s was revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))


@bp.after_request
def _no_store(response: Response) -> Response:
    """A page that may show a token's value must not be kept in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
