"""科技人物: records apart by affiliation, merging, linking through the form and the API, the
person page within the viewer's scope, consent, search by every name, the names not linked."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import (
    AuditEvent,
    ExpertRequest,
    Item,
    ItemKind,
    ItemStatus,
    Person,
    Role,
    UsageTerms,
    User,
)
from kitchen.services import experts, indexing, library, people, uploads
from kitchen.services.errors import NotFound, ValidationError
from tests import factories, samples


def record(curator: User, name: str, **values: object) -> Person:
    """A confirmed record, saved by a curator as the form does."""
    return people.save_person(
        curator,
        people.PersonData(name=name, **values),
        confirm_new=True,  # type: ignore[arg-type]
    )


@pytest.fixture
def curator(app: Flask) -> User:
    return factories.make_user(Role.CURATOR)


def test_same_name_other_affiliation_is_another_person(curator: User) -> None:
    first = people.save_person(curator, people.PersonData("王建国", affiliation="中国气象局"))
    other = people.save_person(curator, people.PersonData("王建国", affiliation="北京大学物理学院"))
    assert first.id != other.id
    with pytest.raises(people.LikelyDuplicate) as warned:
        people.save_person(
            curator, people.PersonData("王建国", affiliation="中国气象局国家气象中心")
        )
    assert [p.id for p in warned.value.candidates] == [first.id]
    assert db.session.scalar(select(Person.id).where(Person.id > other.id)) is None
    third = people.save_person(
        curator, people.PersonData("王建国", affiliation="中国气象局国家气象中心"), confirm_new=True
    )
    assert len({first.id, other.id, third.id}) == 3


def test_the_form_warns_about_a_likely_duplicate(
    client: FlaskClient, login_as, curator: User
) -> None:
    kept = record(curator, "王建国", affiliation="中国气象局")
    login_as(user=curator)
    form = {"name": "王建国", "affiliation": "中国气象局", "disciplines": ["meteorology"]}
    page = client.post("/people/new", data=form)
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and 'data-testid="duplicates"' in body
    assert f"/people/{kept.id}" in body
    assert db.session.scalar(select(Person.id).where(Person.id != kept.id)) is None
    saved = client.post("/people/new", data={**form, "confirm_new": "y"})
    assert saved.status_code == 302
    assert len(db.session.scalars(select(Person)).all()) == 2


def test_merge_moves_items_requests_and_history(
    app: Flask, client: FlaskClient, login_as, curator: User, drain
) -> None:
    kept = record(curator, "钱学森", affiliation="中国科学院力学研究所")
    gone = record(curator, "錢學森", other_names="Qian Xuesen", affiliation="力学所")
    author = factories.make_user(Role.CONTRIBUTOR)
    both = factories.make_item(author, status=ItemStatus.APPROVED, title="两弹一星的故事")
    only_gone = factories.make_item(author, status=ItemStatus.APPROVED, title="火箭之王")
    both.persons, only_gone.persons = [kept, gone], [gone]
    gone.is_expert = gone.media_contact_ok = gone.consent_featured = True
    journalist = factories.make_user(Role.JOURNALIST)
    db.session.commit()
    asked = experts.ask(journalist, gone, "航天史专访", "科技日报", None)
    login_as(user=curator)
    response = client.post(f"/people/{kept.id}/merge", data={"other": gone.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert {p.id for p in db.session.get(Item, both.id).persons} == {kept.id}
    assert {p.id for p in db.session.get(Item, only_gone.id).persons} == {kept.id}
    assert db.session.get(ExpertRequest, asked.id).person_id == kept.id
    merged = db.session.get(Person, kept.id)
    assert "錢學森" in merged.other_names and "Qian Xuesen" in merged.other_names
    assert db.session.get(Person, gone.id).merged_into_id == kept.id
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.target_type == "person", AuditEvent.target_id == kept.id
        )
    ).all()
    merge = [e for e in events if e.action == "person.merge"]
    assert merge and merge[0].actor_id == curator.id and merge[0].details["merged"] == gone.id
    assert any(e.action == "person.create" and e.details["name"] == "錢學森" for e in events)
    assert client.get(f"/people/{gone.id}").headers["Location"].endswith(f"/people/{kept.id}")
    drain()
    found = library.search(journalist, "Qian Xuesen")
    assert {hit.id for hit in found.hits} == {both.id, only_gone.id}


def test_merge_refuses_a_record_with_itself(curator: User) -> None:
    person = record(curator, "李四")
    with pytest.raises(ValidationError):
        people.merge(curator, person, person)


def test_items_link_and_unlink_through_the_form(
    client: FlaskClient, login_as, curator: User
) -> None:
    person = record(curator, "杨建国", title="研究员", affiliation="四川省农业科学院")
    user = login_as(Role.CONTRIBUTOR)
    story = {
        "title": "大凉山里的土豆专家",
        "body": "第一段。",
        "credit_line": "四川省科协 文/李娜",
        "usage_terms": "with_credit",
        "consent_confirmed": "y",
        "urgency": "normal",
        "persons": [str(person.id)],
        "people": "当地农户",
    }
    assert client.post("/submit/new/story", data=story).status_code == 302
    item = db.session.scalars(select(Item)).one()
    assert [p.id for p in item.persons] == [person.id] and item.submitter_id == user.id
    page = client.get(f"/submit/{item.id}/edit").get_data(as_text=True)
    assert f'name="persons" value="{person.id}"' in page
    shown = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert f'href="/people/{person.id}"' in shown and "当地农户" in shown
    no_people = {k: v for k, v in story.items() if k != "persons"}
    assert client.post(f"/submit/{item.id}/edit", data=no_people).status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).persons == []
    update = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.update")).all()[
        -1
    ]
    assert update.details["persons"] == ["杨建国", ""]


def test_a_curator_links_in_review(client: FlaskClient, login_as, curator: User) -> None:
    person = record(curator, "扎西", title="气象观测员")
    author = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(author, status=ItemStatus.SUBMITTED, people="扎西（气象观测员）")
    login_as(user=curator)
    form = {
        "title": item.title,
        "credit_line": item.credit_line,
        "usage_terms": "with_credit",
        "persons": [str(person.id)],
        "people": "",
        "decision": "",
    }
    response = client.post(f"/review/{item.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    db.session.expire_all()
    assert [p.id for p in db.session.get(Item, item.id).persons] == [person.id]
    correction = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.correct")
    ).one()
    assert correction.details["changes"]["persons"] == ["", "扎西"]


def test_a_contributor_cannot_link_what_they_do_not_see(curator: User) -> None:
    from kitchen.services import submission

    mine, theirs = factories.make_user(Role.CONTRIBUTOR), factories.make_user(Role.CONTRIBUTOR)
    proposed = people.propose(theirs, "赵六", "工程师")
    values = {"title": "标题", "body": "正文", "credit_line": "某科协", "persons": [proposed.id]}
    data = submission.ItemData("story", **values)
    with pytest.raises(ValidationError):
        submission.create_item(mine, data)
    assert db.session.scalars(select(Item)).all() == []
    with pytest.raises(ValidationError):
        submission.create_item(mine, data.replace(persons=[999999]))
    own = submission.create_item(theirs, data)
    assert [p.id for p in own.persons] == [proposed.id]


def test_propose_suggest_and_confirm(client: FlaskClient, login_as, curator: User) -> None:
    record(curator, "钱学森", other_names="Qian Xuesen")
    user = login_as(Role.CONTRIBUTOR)
    assert [s["name"] for s in client.get("/people/suggest?q=qxs").get_json()] == ["钱学森"]
    assert [s["name"] for s in client.get("/people/suggest?q=Qian").get_json()] == ["钱学森"]
    # Typed in traditional characters, as in Hong Kong or Taiwan.
    assert [s["name"] for s in client.get("/people/suggest?q=錢學森").get_json()] == ["钱学森"]
    made = client.post("/people/propose", data={"name": "孙悟空", "title": "天宫工程师"})
    assert made.status_code == 201 and made.get_json()["proposed"] is True
    person = db.session.get(Person, made.get_json()["id"])
    assert person.proposed_by_org_id == user.organization_id and not person.confirmed
    assert client.get(f"/people/{person.id}").status_code == 200
    stranger = factories.make_user(Role.CONTRIBUTOR)
    assert not people.suggest(stranger, "孙悟空")
    with pytest.raises(NotFound):
        people.get_person(stranger, person.id)
    bad = client.post("/people/propose", data={"name": "\x07"})
    assert bad.status_code == 422
    assert db.session.scalar(select(Person.id).where(Person.id > person.id)) is None
    people.confirm(curator, person)
    assert people.suggest(stranger, "孙悟空")[0].id == person.id


def _approved_photo(author: User, title: str, terms: UsageTerms, seed: int) -> Item:
    item = factories.make_item(author, kind=ItemKind.PHOTO, title=title)
    uploads.add_file(author, item, io.BytesIO(samples.photo(seed)), f"{title}.jpg")
    item.status, item.usage_terms = ItemStatus.APPROVED, terms
    db.session.commit()
    return item


def test_a_person_page_lists_only_what_the_viewer_may_see(
    client: FlaskClient, login_as, curator: User
) -> None:
    person = record(curator, "陈立新", consent_featured=True)
    author = factories.make_user(Role.CONTRIBUTOR)
    story = factories.make_item(author, status=ItemStatus.APPROVED, title="院士的一天")
    photo = _approved_photo(author, "院士在实验室", UsageTerms.WITH_CREDIT, 1)
    internal = _approved_photo(author, "内部照片", UsageTerms.INTERNAL_ONLY, 2)
    draft = factories.make_item(author, title="还在写的稿子")
    for item in (story, photo, internal, draft):
        item.persons = [person]
    db.session.commit()
    login_as(Role.JOURNALIST)
    body = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "院士的一天" in body and "院士在实验室" in body
    assert "内部照片" not in body and "还在写的稿子" not in body
    assert body.index("院士在实验室") < body.index("院士的一天")  # photos first
    client.post("/logout")
    login_as(Role.CONTRIBUTOR)
    inside = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "内部照片" in inside and "还在写的稿子" not in inside


def test_consent_expiry_hides_the_page_from_media(
    client: FlaskClient, login_as, curator: User
) -> None:
    yesterday = date.today() - timedelta(days=1)
    person = record(curator, "周建华", consent_featured=True, consent_until=yesterday)
    never = record(curator, "吴昊")
    journalist = login_as(Role.JOURNALIST)
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get(f"/people/{never.id}").status_code == 404
    assert "周建华" not in client.get("/people/").get_data(as_text=True)
    assert people.suggest(journalist, "周建华") == []
    person.consent_until = date.today()
    db.session.commit()
    assert client.get(f"/people/{person.id}").status_code == 200
    client.post("/logout")
    person.consent_until = yesterday
    db.session.commit()
    login_as(Role.CONTRIBUTOR)
    assert client.get(f"/people/{person.id}").status_code == 200
    client.post("/logout")
    login_as(user=curator)
    body = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert 'data-testid="consent"' in body


def test_the_index_finds_by_pinyin_initials_and_counts_facets(
    client: FlaskClient, login_as, curator: User
) -> None:
    record(curator, "钱学森", disciplines=["aerospace"], honours="中国科学院院士", region="北京")
    record(curator, "王建国", disciplines=["meteorology"], region="北京", consent_featured=True)
    record(curator, "王建国", disciplines=["physics"], region="上海", affiliation="复旦大学")
    login_as(user=curator)
    found = client.get("/people/?q=qxs").get_data(as_text=True)
    assert "钱学森" in found and "王建国" not in found
    page = people.people_page(curator, people.PeopleFilter(region="北京"))
    assert sorted(p.name for p in page.people) == ["王建国", "钱学森"]
    assert dict(page.regions) == {"北京": 2, "上海": 1}  # each facet counted without its own
    field = people.people_page(curator, people.PeopleFilter(discipline="physics"))
    assert [p.region for p in field.people] == ["上海"]
    honoured = client.get("/people/?honour=中国科学院院士").get_data(as_text=True)
    assert honoured.count('data-testid="person-row"') == 1


def test_searching_a_person_finds_and_ranks_their_items(app: Flask, curator: User, drain) -> None:
    person = record(curator, "钱学森", other_names="Qian Xuesen、Tsien Hsue-shen")
    author = factories.make_user(Role.CONTRIBUTOR)
    about = factories.make_item(author, status=ItemStatus.APPROVED, title="两弹一星元勋")
    about.persons = [person]
    mention = factories.make_item(
        author,
        status=ItemStatus.APPROVED,
        title="航天博物馆开馆",
        body="展厅里介绍了很多科学家，其中也提到钱学森。",
    )
    db.session.commit()
    drain()
    hits = library.search(curator, "钱学森").hits
    assert [hit.id for hit in hits] == [about.id, mention.id]
    assert [hit.id for hit in library.search(curator, "Tsien Hsue-shen").hits] == [about.id]
    person.other_names = "Qian Xuesen"
    db.session.commit()
    drain()  # a changed name reaches the index of the items that feature the person
    assert library.search(curator, "Tsien").hits == []
    assert indexing.check().clean


def test_the_search_page_offers_matching_people(
    client: FlaskClient, login_as, curator: User
) -> None:
    person = record(curator, "钱学森", consent_featured=True)
    login_as(Role.JOURNALIST)
    body = client.get("/library/?q=钱学森 火箭").get_data(as_text=True)
    assert 'data-testid="offered-person"' in body and f"/people/{person.id}" in body
    assert 'data-testid="offered-person"' not in client.get("/library/?q=火箭").get_data(
        as_text=True
    )


def test_unlinked_names_are_listed_and_linked(
    client: FlaskClient, login_as, curator: User, drain
) -> None:
    author = factories.make_user(Role.CONTRIBUTOR)
    one = factories.make_item(author, people="李娜（科普作家）、参观的中小学生")
    two = factories.make_item(author, people="李娜（科普作家）")
    person = record(curator, "李娜", title="科普作家")
    login_as(user=curator)
    page = client.get("/people/unlinked").get_data(as_text=True)
    assert "参观的中小学生" in page and "李娜（科普作家）" in page
    response = client.post(
        "/people/unlinked", data={"entry": "李娜（科普作家）", "person": person.id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, one.id).people == "参观的中小学生"
    assert db.session.get(Item, two.id).people == ""
    assert [p.id for p in db.session.get(Item, two.id).persons] == [person.id]
    assert "李娜（科普作家）" not in client.get("/people/unlinked").get_data(as_text=True)
    three = factories.make_item(author, people="张三")
    made = client.get("/people/new?name=张三&adopt=张三")
    assert made.status_code == 200 and 'value="张三"' in made.get_data(as_text=True)
    saved = client.post("/people/new", data={"name": "张三", "adopt": "张三"})
    assert saved.status_code == 302
    db.session.expire_all()
    linked = db.session.get(Item, three.id)
    assert linked.people == "" and [p.name for p in linked.persons] == ["张三"]


def test_a_bad_person_changes_nothing(client: FlaskClient, login_as, curator: User) -> None:
    login_as(user=curator)
    for form in (
        {"name": ""},
        {"name": "\x00\x07"},
        {"name": "张三", "disciplines": ["alchemy"]},
        {"name": "张三", "portrait_file_id": "999999"},
        {"name": "张" * 81},
    ):
        response = client.post("/people/new", data=form)
        assert response.status_code == 400, form
    assert db.session.scalars(select(Person)).all() == []


def test_the_portrait_is_chosen_from_the_person_photos(
    client: FlaskClient, login_as, curator: User
) -> None:
    person = record(curator, "陈立新", consent_featured=True)
    author = factories.make_user(Role.CONTRIBUTOR)
    open_photo = _approved_photo(author, "院士在实验室", UsageTerms.WITH_CREDIT, 5)
    internal = _approved_photo(author, "内部合影", UsageTerms.INTERNAL_ONLY, 6)
    open_photo.persons = internal.persons = [person]
    db.session.commit()
    login_as(user=curator)
    form = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'data-testid="portrait-choices"' in form
    chosen = internal.files[0].id
    data = {"name": "陈立新", "consent_featured": "y", "portrait_file_id": str(chosen)}
    assert client.post(f"/people/{person.id}/edit", data=data).status_code == 302
    assert 'data-testid="portrait"' in client.get(f"/people/{person.id}").get_data(as_text=True)
    client.post("/logout")
    login_as(Role.JOURNALIST)  # an internal-only photo is not for media, not even as a portrait
    assert 'data-testid="portrait"' not in client.get(f"/people/{person.id}").get_data(as_text=True)
    client.post("/logout")
    login_as(user=curator)
    draft = factories.make_item(author, kind=ItemKind.PHOTO)
    media = uploads.add_file(author, draft, io.BytesIO(samples.photo(7)), "草稿.jpg")
    refused = client.post(f"/people/{person.id}/edit", data={**data, "portrait_file_id": media.id})
    assert refused.status_code == 400
    assert db.session.get(Person, person.id).portrait_file_id == chosen


def test_a_merge_of_a_record_merged_meanwhile_is_refused(curator: User) -> None:
    from sqlalchemy import update

    from kitchen.services.errors import Conflict

    kept, gone, third = record(curator, "甲"), record(curator, "乙"), record(curator, "丙")
    item = factories.make_item(status=ItemStatus.APPROVED)
    item.persons = [gone]
    db.session.commit()
    # Another curator merged 乙 into 丙 a moment ago; this page still shows 乙 unmerged.
    db.session.execute(update(Person).where(Person.id == gone.id).values(merged_into_id=third.id))
    db.session.commit()
    with pytest.raises(Conflict):
        people.merge(curator, kept, gone)
    db.session.expire_all()
    assert [p.id for p in db.session.get(Item, item.id).persons] == [gone.id]
    assert db.session.get(Person, gone.id).merged_into_id == third.id
    assert db.session.get(Person, kept.id).other_names == ""
