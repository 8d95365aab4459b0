"""Signing in and out, changing one's password, choosing the interface language."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from kitchen.blueprints.guards import form_errors
from kitchen.forms.auth import ForgotPasswordForm, LoginForm, PasswordForm, SetPasswordForm
from kitchen.inputs import safe_target
from kitchen.security import (
    SESSION_KEY,
    client_address,
    device_client,
    remember_device,
)
from kitchen.services import account_links, accounts, sessions
from kitchen.services.errors import RateLimited, ValidationError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after signing in."""
    return safe_target(target, url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data or ""
        device = device_client(email)
        try:
            user = accounts.authenticate(email, form.password.data or "", client_address(), device)
        except RateLimited as exc:
            form.form_errors.append(str(exc.message))
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except ValidationError as exc:
            form.form_errors.append(str(exc.message))
            status = 401
        else:
            session.clear()
            login_user(user)
            session[SESSION_KEY] = sessions.start(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            signed_in = redirect(_safe_next(request.args.get("next")))
            if device is None:
                remember_device(signed_in, user)
            return signed_in
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/account/link/<token>", methods=["GET", "POST"])
def account_link(token: str) -> ResponseReturnValue:
    """An invitation or reset link: set the password once, then sign in with it."""
    link = account_links.find(token)  # 404 with a message for a used, expired or forged link
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = account_links.redeem(token, form.password.data or "", form.confirm.data or "")
        except ValidationError as exc:
            form_errors(form, exc)
            status = 400
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login", email=user.email))
    elif request.method == "POST":
        status = 400
    response = make_response(
        render_template("auth/account_link.html", form=form, link=link), status
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token stays out of other logs
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link by e-mail; the answer is the same whether the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account_links.request_reset(form.email.data or "")
        flash(
            _("If this address belongs to an account, a link to set a new password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template(
        "auth/forgot.html", form=form, mails=bool(current_app.config.get("SMTP_HOST"))
    ), (400 if request.method == "POST" else 200)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out."""
    locale = session.get("locale")
    sessions.end(session.get(SESSION_KEY))
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Let a signed-in user change their own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                current_user,
                form.current.data or "",
                form.new.data or "",
                keep_session=session.get(SESSION_KEY),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            flash(_("Your password was changed."), "success")
            return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/language/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Switch the interface language and remember it (in the account, else the session)."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user, code)
    return redirect(_safe_next(request.form.get("next")))
