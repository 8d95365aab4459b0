"""Administration: organisations and users (admins), campaigns (curators and admins)."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.blueprints.guards import form_errors, requires
from kitchen.forms.admin import (
    CampaignForm,
    OrgForm,
    UserForm,
    member_kind_choices,
    org_kind_choices,
    role_choices,
)
from kitchen.inputs import page_number, record_id
from kitchen.models import AccountLink, User
from kitchen.services import (
    account_links,
    accounts,
    audit,
    audit_view,
    campaigns,
    indexing,
    jobs,
)
from kitchen.services.access import Action
from kitchen.services.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _status(form: object) -> int:
    """400 for a POST that did not go through, so tests and clients can tell."""
    return 400 if request.method == "POST" else 200


@bp.get("/orgs")
@requires(Action.MANAGE_ACCOUNTS)
def orgs() -> ResponseReturnValue:
    """All organisations."""
    return render_template("admin/orgs.html", orgs=accounts.list_orgs())


@bp.route("/orgs/new", methods=["GET", "POST"])
@bp.route("/orgs/<int:org_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def org_form(org_id: int | None = None) -> ResponseReturnValue:
    """Create or edit an organisation (disable it by clearing "active")."""
    org = accounts.get_org(org_id) if org_id else None
    form = OrgForm(obj=org)
    form.kind.choices = org_kind_choices()
    if form.validate_on_submit():
        data = accounts.OrgData(
            form.name.data or "",
            form.kind.data or "",
            form.region.data or "",
            bool(form.active.data),
        )
        try:
            accounts.save_org(data, current_user, org)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The organisation was saved."), "success")
            return redirect(url_for("admin.orgs"))
    return render_template("admin/org_form.html", form=form, org=org), _status(form)


@bp.get("/users")
@requires(Action.MANAGE_ACCOUNTS)
def users() -> ResponseReturnValue:
    """All accounts, with role, organisation and state."""
    return render_template("admin/users.html", users=accounts.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def user_form(user_id: int | None = None) -> ResponseReturnValue:
    """Create or edit an account: role, organisation, active, password reset."""
    user = accounts.get_user(user_id) if user_id else None
    form = UserForm(obj=user)
    form.role.choices = role_choices()
    form.organization_id.choices = [(0, str(_l("(none)")))] + [
        (o.id, o.name) for o in accounts.list_orgs()
    ]
    if request.method == "GET" and user is not None:
        form.organization_id.data = user.organization_id or 0
    if form.validate_on_submit():
        data = accounts.UserData(
            email=form.email.data or "",
            display_name=form.display_name.data or "",
            role=form.role.data or "",
            organization_id=form.organization_id.data or None,
            active=bool(form.active.data),
            password=form.password.data or None,
        )
        try:
            if user is None:
                made, link = account_links.create_account(current_user, data)
                if link is not None:  # no password typed: the person was invited
                    return _link_page(made, link)
            else:
                accounts.save_user(data, current_user, user)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The account was saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), _status(form)


def _link_page(user: User, link: AccountLink) -> ResponseReturnValue:
    return render_template(
        "admin/account_link.html",
        user=user,
        link=link,
        url=account_links.url_of(link),
        mailed=bool(current_app.config.get("SMTP_HOST")),
    )


@bp.post("/users/<int:user_id>/reset-link")
@requires(Action.MANAGE_ACCOUNTS)
def reset_link(user_id: int) -> ResponseReturnValue:
    """A one-time link for the user to set a new password (shown to copy; mailed with SMTP)."""
    user = accounts.get_user(user_id)
    return _link_page(user, account_links.reset_by_admin(current_user, user))


@bp.get("/campaigns")
@requires(Action.MANAGE_CAMPAIGNS)
def campaign_list() -> ResponseReturnValue:
    """All campaigns, open ones first."""
    return render_template("admin/campaigns.html", campaigns=campaigns.list_campaigns())


@bp.route("/campaigns/new", methods=["GET", "POST"])
@bp.route("/campaigns/<slug>", methods=["GET", "POST"])
@requires(Action.MANAGE_CAMPAIGNS)
def campaign_form(slug: str | None = None) -> ResponseReturnValue:
    """Create or edit a campaign; open or close it."""
    campaign = campaigns.get_campaign(slug) if slug else None
    form = CampaignForm(obj=campaign)
    form.call_kinds.choices = member_kind_choices()
    if campaign is not None and request.method == "GET":
        form.call_kinds.data = [k for k in campaign.target_kinds.split(",") if k]
        form.call_regions.data = campaign.target_regions
    if form.validate_on_submit():
        data = campaigns.CampaignData(
            slug=form.slug.data or "",
            name=form.name.data or "",
            description=form.description.data or "",
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            is_open=bool(form.is_open.data),
            target_kinds=tuple(form.call_kinds.data or ()),
            target_regions=form.call_regions.data or "",
        )
        try:
            campaigns.save_campaign(data, current_user, campaign)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The campaign was saved."), "success")
            return redirect(url_for("admin.campaign_list"))
    return render_template("admin/campaign_form.html", form=form, campaign=campaign), _status(form)


def _audit_filter() -> audit.AuditFilter:
    """The audit filter from the query string; malformed dates are ignored."""

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    return audit.AuditFilter(
        actor=request.args.get("actor") or None,
        item_id=request.args.get("item", type=record_id),
        action=request.args.get("action") or None,
        since=day("since"),
        until=day("until"),
    )


@bp.get("/audit")
@requires(Action.VIEW_AUDIT)
def audit_log() -> ResponseReturnValue:
    """Every recorded change, filterable by actor, item, action and date."""
    page = max(1, request.args.get("page", 1, type=page_number))
    events, total = audit.list_events(_audit_filter(), page=page)
    return render_template(
        "admin/audit.html",
        rows=audit_view.present(events),
        total=total,
        page=page,
        per_page=50,
        flt=_audit_filter(),
        actions=[(code, audit_view.action_label(code)) for code in audit.actions()],
    )


@bp.get("/audit.csv")
@requires(Action.VIEW_AUDIT)
def audit_csv() -> ResponseReturnValue:
    """The filtered audit as CSV, streamed."""
    response = Response(stream_with_context(audit.export_csv(_audit_filter())), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=kitchen-audit.csv"
    return response


@bp.route("/search", methods=["GET", "POST"])
@requires(Action.VIEW_AUDIT)
def search_status() -> ResponseReturnValue:
    """The search index and the job queue: depth, oldest waiting change, failures."""
    if request.method == "POST":
        count = jobs.retry_failed()
        flash(_("%(n)d failed jobs will be tried again now.", n=count), "success")
        return redirect(url_for("admin.search_status"))
    return render_template("admin/search.html", status=indexing.status())
