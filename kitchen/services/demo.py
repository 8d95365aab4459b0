"""Load the demo library; running it again adds nothing that is already there."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Campaign, Item, Role, User
from kitchen.services import (
    access,
    accounts,
    alerts,
    campaigns,
    item_fields,
    people,
    selections,
    submission,
    uploads,
    versions,
    workflow,
)
from kitchen.services.demo_data import CAMPAIGNS, DEMO_PASSWORD, ORGS, PEOPLE, USERS
from kitchen.services.demo_items import ITEMS
from kitchen.services.media_samples import (
    generate_demo_photo,
    generate_demo_poster,
    generate_demo_video,
)

Report = Callable[[str], None]

PATHS: dict[str, list[workflow.Move]] = {
    "draft": [],
    "submitted": [workflow.Move.SUBMIT],
    "approved": [workflow.Move.SUBMIT, workflow.Move.APPROVE],
    "changes_requested": [workflow.Move.SUBMIT, workflow.Move.REQUEST_CHANGES],
    "rejected": [workflow.Move.SUBMIT, workflow.Move.REJECT],
}


def load_demo(report: Report = print) -> None:
    """Organisations, accounts, campaigns and items, each created only if missing."""
    _orgs(report)
    _users(report)
    _campaigns(report)
    _items(report)
    _people(report)
    _travels(report)
    _desk(report)
    _versions(report)


# English versions of two approved demo stories: a reader abroad finds them by "quantum" or
# "academician", and the item page shows them in the English interface.
ENGLISH_VERSIONS = {
    "八十岁院士坚守实验室：把科学家精神写在祖国大地上": (
        "An academician of eighty still in his laboratory",
        "At eighty, he still comes to the laboratory every morning: the spirit of Chinese "
        "scientists, written on the land of the motherland.",
    ),
    "镜见创新｜走进量子实验室：在极低温里捕捉科学之美": (
        "Inside a quantum laboratory: the beauty of science near absolute zero",
        "Photographers followed the scientists who cool quantum computers to a few thousandths "
        "of a degree above absolute zero.",
    ),
}


def _versions(report: Report) -> None:
    """The English versions above, written by a curator (approved at once), once."""
    from kitchen.models import ItemVersion

    curator = accounts.find_user("curator@kitchen.example.com")
    if curator is None or db.session.scalar(select(ItemVersion.id).limit(1)):
        return
    for title, (english, summary) in ENGLISH_VERSIONS.items():
        item = db.session.scalar(select(Item).where(Item.title == title))
        if item is not None and access.may_propose_version(curator, item):
            versions.propose(curator, item, versions.VersionData("en", english, summary))
    report("English versions of two stories")


def _orgs(report: Report) -> None:
    for name, kind, region in ORGS:
        if accounts.find_org(name) is None:
            accounts.save_org(accounts.OrgData(name, kind, region), None)
            report(f"organisation {name}")


def _users(report: Report) -> None:
    for email, name, role, org_name in USERS:
        if accounts.find_user(email) is None:
            org = accounts.find_org(org_name) if org_name else None
            data = accounts.UserData(
                email, name, role, org.id if org else None, True, DEMO_PASSWORD
            )
            accounts.save_user(data, None)
            report(f"account {email} ({role})")


def _campaigns(report: Report) -> None:
    for slug, name, description, start, end, is_open in CAMPAIGNS:
        exists = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).first()
        if exists is None:
            data = campaigns.CampaignData(
                slug,
                name,
                description,
                date.fromisoformat(start) if start else None,
                date.fromisoformat(end) if end else None,
                is_open,
            )
            campaigns.save_campaign(data, None)
            report(f"campaign {name}")


def _submitter(org_name: str) -> User:
    org = accounts.find_org(org_name)
    assert org is not None
    return db.session.scalars(
        select(User).where(User.organization_id == org.id, User.role == Role.CONTRIBUTOR)
    ).first() or _missing_contributor(org_name)


def _missing_contributor(org_name: str) -> User:
    raise RuntimeError(f"The demo has no contributor for {org_name}")


def _items(report: Report) -> None:
    curator = accounts.find_user("curator@kitchen.example.com")
    assert curator is not None
    for spec in ITEMS:
        if db.session.scalars(select(Item).where(Item.title == spec["title"])).first():
            continue
        author = _submitter(str(spec["org"]))
        item = submission.create_item(author, _item_data(spec))
        _files(author, item, spec)
        comment = str(spec.get("review_comment", ""))
        for move in PATHS[str(spec["status"])]:
            if move == workflow.Move.SUBMIT:
                submission.submit_item(author, item)  # checks files and consent like the page
            else:
                workflow.apply(curator, item, move, comment)
        if spec.get("featured"):
            item.featured = True
            db.session.commit()
        report(f"item {item.title}")


def _people(report: Report) -> None:
    """Records of the people the items name (as the migration made them for existing items),
    with what the centre knows about them, and two experts named 王建国."""
    from kitchen.models import Person

    if db.session.scalar(select(Person.id).limit(1)) is not None:
        return
    curator = accounts.find_user("curator@kitchen.example.com")
    assert curator is not None
    people.adopt_text(db.session.scalars(select(Item).where(Item.people != "")).all())
    db.session.commit()
    for spec in PEOPLE:
        values = {k: v for k, v in spec.items() if k != "match"}
        person = None
        if "match" in spec:
            query = select(Person).where(Person.name == spec["name"], Person.title == spec["match"])
            person = db.session.scalars(query).first()
            values["title"] = spec["match"]
        if person is not None:
            photos = people.portrait_choices(curator, person, limit=1)
            values["portrait_file_id"] = photos[0].id if photos else None
        people.save_person(curator, people.PersonData(**values), person, confirm_new=True)  # type: ignore[arg-type]
        report(f"person {spec['name']}")


def _travels(report: Report) -> None:
    """Some downloads and one recorded publication, so the report page has figures to show."""
    from kitchen.models import ItemStatus, ItemUse, MediaFile
    from kitchen.services import uses

    if db.session.scalar(select(ItemUse.id).limit(1)) is not None:
        return
    journalist = accounts.find_user("journalist@kitchen.example.com")
    sichuan = accounts.find_user("sichuan@kitchen.example.com")
    if journalist is None or sichuan is None:
        return
    files = db.session.scalars(
        select(MediaFile)
        .join(Item, Item.id == MediaFile.item_id)
        .where(Item.status == ItemStatus.APPROVED)
        .order_by(MediaFile.id)
    ).all()
    for media in files:
        uploads.record_download(journalist, media, "original")
        if media.item.organization_id != sichuan.organization_id:
            uploads.record_download(sichuan, media, "web")  # 共建共享: another member reuses it
    story = db.session.scalars(
        select(Item).where(Item.status == ItemStatus.APPROVED).order_by(Item.id)
    ).first()
    if story is not None:
        uses.record(
            journalist,
            story,
            uses.UseData(
                url="https://www.stdaily.com/", published_on=date.today(), channel="paper"
            ),
        )
        report(f"publication of {story.title} by {journalist.display_name}")


def _files(author: User, item: Item, spec: dict[str, object]) -> None:
    """Generate the spec's photos, posters and videos and upload them while the item is a
    draft."""
    for entry in spec.get("files", []):  # type: ignore[attr-defined]
        if "video_seconds" in entry:
            data = generate_demo_video(seconds=entry["video_seconds"])
        elif "poster" in entry:
            data = generate_demo_poster(tuple(entry["poster"]), entry.get("footer", ""))
        else:
            width, height = entry.get("size", (1600, 1067))
            data = generate_demo_photo(entry["seed"], width, height)
        uploads.add_file(author, item, io.BytesIO(data), entry["name"], entry.get("caption", ""))


def _item_data(spec: dict[str, Any]) -> submission.ItemData:
    values = item_fields.from_record(spec, submission.ItemData.spec)
    return submission.ItemData(str(spec["kind"]), **{"consent_confirmed": True, **values})


def demo_accounts() -> list[tuple[str, str, str]]:
    """The demo sign-ins to print: (role, e-mail, password), leaving out accounts an admin has
    disabled (or whose organisation is disabled) since."""
    active = {
        user.email
        for user in db.session.scalars(select(User).where(User.email.in_([u[0] for u in USERS])))
        if user.is_active
    }
    return [(role, email, DEMO_PASSWORD) for email, _name, role, _org in USERS if email in active]


def _desk(report: Report) -> None:
    """The journalist's desk: a saved search and a named collection with a note, shared with
    a contributor to read."""
    from kitchen.models import Collection, ItemStatus

    journalist = accounts.find_user("journalist@kitchen.example.com")
    if journalist is None or db.session.scalar(
        select(Collection.id).where(Collection.owner_id == journalist.id, ~Collection.is_default)
    ):
        return
    alerts.save(journalist, "科学家精神", {"q": "科学家精神"})
    collection = selections.create(journalist, "科技工作者日专题")
    approved = select(Item).where(Item.status == ItemStatus.APPROVED).order_by(Item.id)
    for item in db.session.scalars(approved.limit(3)).all():
        if access.may_select(journalist, item):
            selections.add(journalist, item, collection, note="备选配图" if item.files else "")
    reader = accounts.find_user("contributor@kitchen.example.com")
    if reader is not None:
        selections.share(journalist, collection, reader.email, can_edit=False)
    report("saved search and collection of the journalist")
