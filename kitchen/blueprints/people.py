"""科技人物 and the expert directory: the people index, a person's page, the records the centre
keeps (edit, merge, confirm, link free-text names), and introductions to experts."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import form_errors, requires
from kitchen.forms.people import (
    AnswerForm,
    AskExpertForm,
    LinkNameForm,
    MergeForm,
    PersonForm,
    discipline_choices,
)
from kitchen.inputs import page_number
from kitchen.services import experts, people
from kitchen.services.access import Action
from kitchen.services.errors import DomainError

bp = Blueprint("people", __name__)


def _status(form: object) -> int:
    return 400 if request.method == "POST" else 200


@bp.get("/people/")
@requires(Action.VIEW_PEOPLE)
def index() -> ResponseReturnValue:
    """科技人物: search by name, other names and pinyin; facets by field, honour and region."""
    number = request.args.get("page", 1, type=page_number)
    page = people.people_page(current_user, people.filter_from(request.args), number)
    return render_template(
        "people/index.html", page=page, experts_view=False, manages=people.may_manage(current_user)
    )


@bp.get("/experts/")
@requires(Action.VIEW_PEOPLE)
def experts_index() -> ResponseReturnValue:
    """科技报道专家库: experts who agreed to be contacted by the media."""
    number = request.args.get("page", 1, type=page_number)
    flt = people.filter_from(request.args, experts_only=True)
    page = people.people_page(current_user, flt, number)
    return render_template(
        "people/index.html", page=page, experts_view=True, manages=people.may_manage(current_user)
    )


@bp.get("/people/<int:person_id>")
@requires(Action.VIEW_PEOPLE)
def show(person_id: int) -> ResponseReturnValue:
    """A person's page: portrait, biography, fields, honours and the approved material."""
    number = request.args.get("page", 1, type=page_number)
    view = people.person_view(current_user, person_id, number)
    if view.person.id != person_id:  # merged into another record
        return redirect(url_for("people.show", person_id=view.person.id))
    return render_template("people/show.html", **view.context())


@bp.get("/people/suggest")
@requires(Action.VIEW_PEOPLE)
def suggest() -> ResponseReturnValue:
    """Type-ahead for the item forms: the records the user may link."""
    found = people.suggest(current_user, request.args.get("q", ""))
    return jsonify([people.suggestion(p) for p in found])


@bp.post("/people/propose")
@requires(Action.PROPOSE_PERSON)
def propose() -> ResponseReturnValue:
    """A contributor proposes a person who is not recorded (the item form's picker)."""
    form = request.form
    person = people.propose(
        current_user, form.get("name", ""), form.get("title", ""), form.get("affiliation", "")
    )
    return jsonify(people.suggestion(person)), 201


@bp.route("/people/new", methods=["GET", "POST"])
@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def edit(person_id: int | None = None) -> ResponseReturnValue:
    """Create or change a record; a likely duplicate is shown before a new one is made."""
    person = people.get_person(current_user, person_id) if person_id else None
    form = PersonForm(obj=people.data_of(person) if person else None)
    form.disciplines.choices = discipline_choices()
    if request.method == "GET" and person is None:
        form.name.data = request.args.get("name", "")
        form.title.data = request.args.get("title", "")
        form.adopt.data = request.args.get("adopt", "")
    candidates: list[object] = []
    if form.validate_on_submit():
        data = people.PersonData(
            **{name: form[name].data for name in people.AUDITED if name != "disciplines"},
            disciplines=form.disciplines.data or [],
        )
        try:
            saved = people.save_person(
                current_user,
                data,
                person,
                confirm_new=bool(form.confirm_new.data),
                adopt=form.adopt.data or "",
            )
        except people.LikelyDuplicate as exc:
            candidates = list(exc.candidates)
            form_errors(form, exc)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The person was saved."), "success")
            return redirect(url_for("people.show", person_id=saved.id))
    photos = people.portrait_choices(current_user, person) if person else []
    return render_template(
        "people/form.html", form=form, person=person, candidates=candidates, photos=photos
    ), _status(form)


@bp.post("/people/<int:person_id>/confirm")
@requires(Action.MANAGE_PEOPLE)
def confirm(person_id: int) -> ResponseReturnValue:
    """Accept a contributor's proposed record into the directory."""
    people.confirm(current_user, people.get_person(current_user, person_id))
    flash(_("The person was confirmed."), "success")
    return redirect(url_for("people.show", person_id=person_id))


@bp.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
@requires(Action.MANAGE_PEOPLE)
def merge(person_id: int) -> ResponseReturnValue:
    """Merge another record of the same person into this one."""
    kept = people.get_person(current_user, person_id)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            gone = people.get_person(current_user, form.other.data or 0)
            people.merge(current_user, kept, gone)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The records were merged."), "success")
            return redirect(url_for("people.show", person_id=kept.id))
    candidates = people.duplicates_of(kept)
    return render_template(
        "people/merge.html", form=form, person=kept, candidates=candidates
    ), _status(form)


@bp.get("/people/unlinked")
@requires(Action.MANAGE_PEOPLE)
def unlinked() -> ResponseReturnValue:
    """Names in items' free text that are not linked records, and proposals to confirm."""
    return render_template(
        "people/unlinked.html",
        names=people.unlinked_names(),
        proposals=people.proposals(),
        form=LinkNameForm(),
    )


@bp.post("/people/unlinked")
@requires(Action.MANAGE_PEOPLE)
def link_name() -> ResponseReturnValue:
    """Link a free-text name to a record on every item that names it."""
    form = LinkNameForm()
    if not form.validate_on_submit():
        flash(_("Choose a record to link the name to."), "warning")
        return redirect(url_for("people.unlinked")), 303
    person = people.get_person(current_user, form.person.data or 0)
    count = people.link_entry(current_user, form.entry.data or "", person)
    flash(_("%(name)s is linked on %(n)d items.", name=person.name, n=count), "success")
    return redirect(url_for("people.unlinked"))


@bp.route("/experts/<int:person_id>/ask", methods=["GET", "POST"])
@requires(Action.ASK_EXPERT)
def ask(person_id: int) -> ResponseReturnValue:
    """A journalist asks the centre for an introduction to an expert."""
    person = people.get_person(current_user, person_id)
    form = AskExpertForm()
    if form.validate_on_submit():
        try:
            made = experts.ask(
                current_user,
                person,
                form.topic.data or "",
                form.outlet.data or "",
                form.deadline.data,
            )
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("Your request was sent to the centre."), "success")
            return redirect(url_for("people.request", request_id=made.id))
    return render_template("people/ask.html", form=form, person=person), _status(form)


@bp.get("/experts/requests")
@requires(Action.VIEW_PEOPLE)
def requests() -> ResponseReturnValue:
    """Introduction requests: every one for the curators, their own for a journalist."""
    return render_template("people/requests.html", requests=experts.queue(current_user))


@bp.get("/experts/requests/<int:request_id>", endpoint="request")
@requires(Action.VIEW_PEOPLE)
def request_page(request_id: int) -> ResponseReturnValue:
    """One request: the journalist who asked and the curators see it."""
    found = experts.get_request(current_user, request_id)
    answers = experts.may_answer(current_user, found)
    return render_template("people/request.html", form=AnswerForm(), found=found, answers=answers)


@bp.post("/experts/requests/<int:request_id>")
@requires(Action.ANSWER_EXPERT_REQUEST)
def answer(request_id: int) -> ResponseReturnValue:
    """A curator forwards the contact (in a message) or declines; the journalist is told."""
    found = experts.get_request(current_user, request_id)
    form = AnswerForm()
    if form.validate_on_submit():
        forward = request.form.get("decision") == "forward"
        try:
            experts.answer(current_user, found, forward, form.message.data or "")
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The journalist was told."), "success")
            return redirect(url_for("people.request", request_id=request_id))
    answers = experts.may_answer(current_user, found)
    return render_template("people/request.html", form=form, found=found, answers=answers), 400
