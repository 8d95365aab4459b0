"""Reports: the centre's quarterly report, each organisation's own page, the items behind a
figure, the XLSX, and the admins' weights."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import form_errors, requires
from kitchen.forms.reports import weights_form
from kitchen.services import report_charts, report_export, reports
from kitchen.services.access import Action, role_may
from kitchen.services.errors import DomainError
from kitchen.services.filenames import content_disposition

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.app_template_global("report_value")
def report_value(row: reports.OrgRow, key: str) -> float | int | None:
    """A figure of a row, for the report templates."""
    return reports.column_value(row, key)


def _period() -> reports.Period:
    return reports.parse_period(request.args.get("period"))


@bp.get("/")
@requires(Action.VIEW_OWN_REPORT)
def index() -> ResponseReturnValue:
    """The centre's report; a member organisation's account goes to its own page."""
    period = _period()
    own = reports.own_page(current_user)
    if own is not None:
        return redirect(url_for("reports.organization", organization_id=own, period=period.code))
    report = reports.centre_report(current_user, period)
    return render_template(
        "reports/index.html",
        report=report,
        charts=report_charts.centre_charts(report),
        columns=[c for c in reports.COLUMNS if c.key in reports.SUMMARY],
        all_columns=reports.COLUMNS,
        parts=reports.PARTS,
        choices=reports.period_choices(period),
        may_weigh=reports.may_manage_weights(current_user),
    )


@bp.get("/org/<int:organization_id>")
@requires(Action.VIEW_OWN_REPORT)
def organization(organization_id: int) -> ResponseReturnValue:
    """One organisation's figures, rank, months and most downloaded items."""
    period = _period()
    org = reports.organization_report(current_user, organization_id, period)
    return render_template(
        "reports/organization.html",
        org=org,
        charts=report_charts.organization_charts(org),
        columns=reports.COLUMNS,
        parts=reports.PARTS,
        choices=reports.period_choices(period),
        centre=role_may(current_user, Action.VIEW_REPORTS),
    )


@bp.get("/org/<int:organization_id>/items")
@requires(Action.VIEW_OWN_REPORT)
def figure(organization_id: int) -> ResponseReturnValue:
    """The items behind one figure of an organisation's row."""
    period = _period()
    name = request.args.get("figure", "")
    found = reports.figure_items(current_user, organization_id, period, name)
    return render_template(
        "reports/figure.html",
        items=found,
        figure_label=reports.FIGURES[name],
        period=period,
        organization_id=organization_id,
        limit=reports.FIGURE_LIMIT,
    )


@bp.get("/export.xlsx")
@requires(Action.VIEW_REPORTS)
def export() -> ResponseReturnValue:
    """The report as an Excel workbook."""
    period = _period()
    body = report_export.workbook(reports.centre_report(current_user, period))
    response = Response(
        body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = content_disposition(
        f"{_('Report')}-{period.code}.xlsx", f"report-{period.code}.xlsx", attachment=True
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/weights", methods=["GET", "POST"])
@requires(Action.MANAGE_REPORT_WEIGHTS)
def weights() -> ResponseReturnValue:
    """The weights of the evaluation index, with their defaults."""
    form = weights_form(reports.weights())
    status = 200
    if form.validate_on_submit():
        try:
            reports.save_weights(current_user, {p.key: form[p.key].data for p in reports.PARTS})
        except DomainError as exc:
            form_errors(form, exc)
            status = 400
        else:
            flash(_("Weights saved."), "success")
            return redirect(url_for("reports.weights"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "reports/weights.html",
        form=form,
        parts=reports.PARTS,
        defaults=reports.default_weights(),
    ), status
