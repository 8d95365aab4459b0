"""The field and facet specs are the one definition: a field added to a spec reaches the form,
the services' checks, the API's schema and JSON, and the search document; what is there now
matches the spec everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kitchen import fields
from kitchen.api import openapi_schemas, serializers
from kitchen.fields import ITEM_FIELDS, FieldType, ItemField, Setter
from kitchen.forms.review import ReviewForm
from kitchen.forms.submit import ItemForm, SpecForm, add_fields
from kitchen.models import ItemKind
from kitchen.search import SearchQuery
from kitchen.search.whoosh_backend import WhooshBackend
from kitchen.services import indexing, submission
from kitchen.services.errors import ValidationError
from tests import factories

MOTTO = ItemField(
    "motto",
    FieldType.TEXT,
    "Motto",
    12,
    required_for=frozenset({ItemKind.STORY}),
    search_weight=2,
    api_description="The motto of the people shown.",
)
SPEC = (*ITEM_FIELDS, MOTTO)


def test_a_field_added_to_the_spec_shows_in_the_form(app: Flask) -> None:
    class MottoForm(SpecForm):
        pass

    add_fields(MottoForm, fields.set_by(Setter.SUBMIT, SPEC))
    with app.test_request_context(method="POST", data={"motto": "自强不息" * 4}):
        form = MottoForm(meta={"csrf": False})
        assert form.motto.label.text == "Motto"
        assert 'name="motto"' in str(form.motto())
        assert not form.validate() and form.motto.errors  # 16 characters, at most 12


def test_a_field_added_to_the_spec_is_checked_by_the_service(app: Flask) -> None:
    class MottoData(submission.ItemData):
        spec = fields.set_by(Setter.SUBMIT, SPEC)

    base = {"title": "题", "credit_line": "某科协", "body": "正文"}
    assert submission.clean_fields(MottoData("story", motto=" 求是 ", **base))["motto"] == "求是"
    with pytest.raises(ValidationError) as required:
        submission.clean_fields(MottoData("story", **base))
    assert required.value.field == "motto"  # stories need it, by the spec's required_for
    assert submission.clean_fields(MottoData("photo", **base))["motto"] == ""


def test_a_field_added_to_the_spec_is_in_the_api_schema_and_json(app: Flask) -> None:
    schema = openapi_schemas.item_input(SPEC)
    assert schema["motto"] == {
        "type": "string",
        "maxLength": 12,
        "description": "The motto of the people shown.",
    }
    assert openapi_schemas.needs_by_kind(SPEC)[ItemKind.STORY] == ["body", "motto"]
    item = factories.make_item()
    item.motto = "厚德载物"  # type: ignore[attr-defined]  # no column: the test's own field
    with app.test_request_context():
        assert serializers.item_json(item, SPEC)["motto"] == "厚德载物"


def test_a_field_added_to_the_spec_is_in_the_search_document(app: Flask, tmp_path: Path) -> None:
    item = factories.make_item(title="一篇报道")
    item.motto = "厚德载物"  # type: ignore[attr-defined]
    doc = indexing.to_document(item, SPEC)
    assert doc.texts["motto"] == "厚德载物" and doc.motto == "厚德载物"
    backend = WhooshBackend(tmp_path / "index", procs=1)
    backend.index([doc])
    assert [hit.id for hit in backend.search(SearchQuery(text="载物")).hits] == [item.id]


def test_the_forms_api_and_search_read_the_spec_as_it_is(app: Flask) -> None:
    submitted = {f.name for f in fields.set_by(Setter.SUBMIT)}
    corrected = {f.name for f in fields.set_by(Setter.CORRECT)}
    with app.test_request_context():
        assert submitted <= set(ItemForm(meta={"csrf": False})._fields)
        assert corrected <= set(ReviewForm(meta={"csrf": False})._fields)
    assert set(openapi_schemas.ITEM_INPUT) == {f.json_name for f in fields.set_by(Setter.SUBMIT)}
    item = factories.make_item()
    assert list(indexing.to_document(item).texts) == [
        *(f.text_name for f in fields.searched()),
        *fields.VERSION_TEXTS,
    ]
    with app.test_request_context():
        assert {f.json_name for f in ITEM_FIELDS} <= set(serializers.item_json(item))


def test_the_search_offers_the_facets_of_the_spec(app: Flask) -> None:
    from kitchen.models import Role

    curator = factories.make_user(Role.CURATOR)
    factories.make_item(status="approved")
    with app.test_request_context():
        from kitchen.services import library

        results = library.search(curator, "")
    assert [f.name for f in results.offered] == [f.name for f in fields.shown_facets(staff=True)]
    journalist = factories.make_user(Role.JOURNALIST)
    with app.test_request_context():
        offered = library.offered_facets(journalist)
    assert "status" not in {f.name for f in offered}  # staff-only, by the spec
