"""科技人物: person records, their links to items, merging, the people index and its facets.

A person is a record, not a string: two 王建国 with different affiliations are two people, and
an item links the records it features (its free-text people field keeps the names that are not
records, such as a group). The centre keeps the records; a contributor proposes a person for
their item and a curator confirms it. Who sees what is `access.can_see_person` (consent for
media accounts); contact details are the centre's (`access.sees_person_contact`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, false, func, or_, select, update

from kitchen import fields, people_names
from kitchen.enums import Discipline
from kitchen.extensions import db
from kitchen.fields import split_list
from kitchen.models import (
    AuditEvent,
    ExpertRequest,
    Item,
    ItemKind,
    ItemStatus,
    MediaFile,
    Person,
    User,
)
from kitchen.search.folding import fold_script
from kitchen.services import audit, validation, workflow
from kitchen.services.access import (
    Action,
    authorize,
    can_see,
    can_see_person,
    may_link_person,
    role_may,
    sees_person_contact,
    visible_items,
    visible_people,
)
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

PER_PAGE = 30
SUGGESTIONS = 8
OFFERED = 5  # people offered above the search results
ITEMS_PER_PAGE = 24
LIST_JOINER = "、"
DISCIPLINES = frozenset(d.value for d in Discipline)


@dataclass
class PersonData:
    """A person's fields as a curator (or, for a proposal, a contributor) gives them."""

    name: str
    other_names: str = ""
    title: str = ""
    affiliation: str = ""
    disciplines: list[str] = field(default_factory=list)
    keywords: str = ""
    honours: str = ""
    region: str = ""
    bio: str = ""
    portrait_file_id: int | None = None
    consent_featured: bool = False
    consent_until: date | None = None
    contact: str = ""
    is_expert: bool = False
    media_contact_ok: bool = False


# What the centre alone sets and sees (a proposal leaves them empty).
CENTRE_ONLY = ("contact", "consent_featured", "consent_until", "is_expert", "media_contact_ok")
AUDITED = (
    "name",
    "other_names",
    "title",
    "affiliation",
    "disciplines",
    "keywords",
    "honours",
    "region",
    "bio",
    "portrait_file_id",
    *CENTRE_ONLY,
)


def _fitting(entries: Iterable[str], limit: int, joiner: str = LIST_JOINER) -> str:
    """Entries joined, each once, as many whole ones as fit in `limit` characters (a merge's
    union of two lists)."""
    joined = ""
    for entry in dict.fromkeys(entries):
        longer = f"{joined}{joiner}{entry}" if joined else entry
        if len(longer) > limit:
            break
        joined = longer
    return joined


def _list(value: str, name: str, max_len: int) -> str:
    entries = list(dict.fromkeys(split_list(validation.clean(value or ""))))
    return validation.text(LIST_JOINER.join(entries), name, max_len=max_len)


def clean(data: PersonData) -> dict[str, Any]:
    """Every field checked and normalised (ValidationError naming the field otherwise)."""
    disciplines = []
    for value in data.disciplines:
        disciplines.append(validation.choice(value, Discipline, "disciplines").value)
    values: dict[str, Any] = {
        "name": validation.text(data.name, "name", max_len=80, required=True),
        "other_names": _list(data.other_names, "other_names", 300),
        "title": validation.text(data.title, "title", max_len=200),
        "affiliation": validation.text(data.affiliation, "affiliation", max_len=200),
        "disciplines": ",".join(dict.fromkeys(disciplines)),
        "keywords": _list(data.keywords, "keywords", 300),
        "honours": _list(data.honours, "honours", 300),
        "region": validation.text(data.region, "region", max_len=40),
        "bio": validation.text(data.bio, "bio", max_len=5000),
        "portrait_file_id": data.portrait_file_id or None,
        "consent_featured": bool(data.consent_featured),
        "consent_until": data.consent_until,
        "contact": validation.text(data.contact, "contact", max_len=300),
        "is_expert": bool(data.is_expert),
        "media_contact_ok": bool(data.media_contact_ok),
    }
    spelled = people_names.pinyin_key([values["name"], *split_list(values["other_names"])])
    values["name_pinyin"] = _fitting(spelled.split(), 600, " ")
    return values


def data_of(person: Person) -> PersonData:
    """A record's values as the form and the services take them."""
    values = {name: getattr(person, name) for name in AUDITED}
    values["disciplines"] = [d for d in person.disciplines.split(",") if d]
    return PersonData(**values)


def disciplines_of(person: Person) -> list[Discipline]:
    """The person's fields, as the controlled list names them."""
    return [Discipline(d) for d in person.disciplines.split(",") if d in DISCIPLINES]


# --- reading ---------------------------------------------------------------------------


def get_person(user: User, person_id: int) -> Person:
    """A person the user may see (NotFound otherwise; a merged record leads to the one kept)."""
    person = db.session.get(Person, person_id)
    seen: set[int] = set()
    while person is not None and person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)
        person = db.session.get(Person, person.merged_into_id)
    if person is None or not can_see_person(user, person):
        raise NotFound()
    return person


def duplicates_of(person: Person) -> list[Person]:
    """Other records that may be this person (what a merge offers)."""
    return likely_duplicates(person.name, person.title + person.affiliation, person.id)


def _similar(a: str, b: str) -> bool:
    """Two descriptions (title and affiliation) that may name the same place: either empty, or
    sharing a third of their character pairs."""
    pairs_a = {a[n : n + 2] for n in range(len(a) - 1)}
    pairs_b = {b[n : n + 2] for n in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return True
    return len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b)) >= 1 / 3


def likely_duplicates(
    name: str, description: str, exclude: int | None = None, *, limit: int = 5
) -> list[Person]:
    """Records that may be this person: the same name (or other name) and a similar title and
    affiliation. The same name elsewhere is another person, and is not listed."""
    name = name.strip()
    if not name:
        return []
    query = select(Person).where(
        Person.merged_into_id.is_(None),
        or_(Person.name == name, Person.other_names.contains(name)),
    )
    if exclude is not None:
        query = query.where(Person.id != exclude)
    found = []
    for person in db.session.scalars(query.order_by(Person.id)):
        if name in person.all_names and _similar(description, person.title + person.affiliation):
            found.append(person)
    return found[:limit]


def _name_match(text: str) -> ColumnElement[bool]:
    """People whose name or other names contain the text (typed in either script: 錢學森 finds
    钱学森), or whose pinyin starts with it."""
    lowered = text.lower()
    simplified = fold_script(text)
    return or_(
        Person.name.contains(text, autoescape=True),
        Person.name.contains(simplified, autoescape=True),
        func.lower(Person.other_names).contains(lowered, autoescape=True),
        func.lower(Person.other_names).contains(simplified.lower(), autoescape=True),
        Person.name_pinyin.startswith(lowered, autoescape=True),
        Person.name_pinyin.contains(" " + lowered, autoescape=True),
    )


def suggest(user: User, text: str, limit: int = SUGGESTIONS) -> list[Person]:
    """Type-ahead over the records the user may link: name, other names, pinyin initials."""
    text = validation.clean(text or "").strip()[:40]
    if not text:
        return []
    query = (
        select(Person)
        .where(visible_people(user), _name_match(text))
        .order_by((Person.name == text).desc(), func.length(Person.name), Person.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def offered(user: User, text: str, limit: int = OFFERED) -> list[Person]:
    """People a search's words name, offered above its results: a name or other name that is
    one of the words or contains the whole text."""
    text = validation.clean(text or "").strip()
    words = [w for w in text.split() if len(w) >= 2][:8]
    if not words:
        return []
    lowered = [w.lower() for w in words]
    named = or_(
        Person.name.in_(words),
        *(func.lower(Person.other_names).contains(w, autoescape=True) for w in lowered),
        Person.name.contains(text, autoescape=True) if len(text) >= 2 else false(),
    )
    query = select(Person).where(visible_people(user), named).order_by(Person.name).limit(limit)
    return list(db.session.scalars(query))


@dataclass
class PeopleFilter:
    """What the people index is narrowed by."""

    text: str = ""
    discipline: str = ""
    honour: str = ""
    region: str = ""
    experts_only: bool = False


@dataclass
class PeoplePage:
    """One page of the people index with its facet counts."""

    people: list[Person]
    total: int
    page: int
    pages: int
    disciplines: list[tuple[Discipline, int]]
    honours: list[tuple[str, int]]
    regions: list[tuple[str, int]]
    filters: PeopleFilter


def _base(user: User, flt: PeopleFilter) -> Select[tuple[Person]]:
    query = select(Person).where(visible_people(user))
    if flt.experts_only:
        query = query.where(Person.listed_expert)
    if flt.text:
        query = query.where(_name_match(flt.text))
    return query


def _counts(people: Iterable[Person]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    disciplines: Counter[str] = Counter()
    honours: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for person in people:
        disciplines.update(d for d in person.disciplines.split(",") if d)
        honours.update(split_list(person.honours))
        if person.region:
            regions[person.region] += 1
    return disciplines, honours, regions


def _keeps(person: Person, flt: PeopleFilter) -> bool:
    if flt.discipline and flt.discipline not in person.disciplines.split(","):
        return False
    if flt.honour and flt.honour not in split_list(person.honours):
        return False
    return not flt.region or person.region == flt.region


def filter_from(args: Any, experts_only: bool = False) -> PeopleFilter:
    """The index's filters from query parameters (text cleaned, a wrong field ignored)."""
    discipline = args.get("field", "")
    return PeopleFilter(
        text=validation.clean(args.get("q", "")).strip()[:80],
        discipline=discipline if discipline in DISCIPLINES else "",
        honour=validation.clean(args.get("honour", "")).strip()[:80],
        region=validation.clean(args.get("region", "")).strip()[:40],
        experts_only=experts_only,
    )


def people_page(user: User, flt: PeopleFilter, page: int = 1) -> PeoplePage:
    """The people the user may see matching the text, with counts of field, honour and region
    (each count as the other filters leave it), by name."""
    authorize(user, Action.VIEW_PEOPLE)
    matching = list(db.session.scalars(_base(user, flt).order_by(Person.name, Person.id)))
    disciplines, _h, _r = _counts(p for p in matching if _keeps(p, _without(flt, "discipline")))
    _d, honours, _r2 = _counts(p for p in matching if _keeps(p, _without(flt, "honour")))
    _d2, _h2, regions = _counts(p for p in matching if _keeps(p, _without(flt, "region")))
    kept = [p for p in matching if _keeps(p, flt)]
    pages = max(1, -(-len(kept) // PER_PAGE))
    page = min(max(1, page), pages)
    return PeoplePage(
        people=kept[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(kept),
        page=page,
        pages=pages,
        disciplines=[(Discipline(d), n) for d, n in disciplines.most_common() if d in DISCIPLINES],
        honours=honours.most_common(12),
        regions=regions.most_common(12),
        filters=flt,
    )


def _without(flt: PeopleFilter, name: str) -> PeopleFilter:
    return PeopleFilter(**{**flt.__dict__, name: ""})


@dataclass
class PersonItems:
    """The approved items featuring a person that the viewer may see: photos first."""

    items: list[Item]
    total: int
    page: int
    pages: int


def items_of(user: User, person: Person, page: int = 1) -> PersonItems:
    """Approved items linked to the person, within the viewer's usage terms: photos first,
    then newest approval."""
    where = (
        Item.status == ItemStatus.APPROVED,
        visible_items(user),
        Item.persons.any(Person.id == person.id),
    )
    total = db.session.scalar(select(func.count(Item.id)).where(*where)) or 0
    pages = max(1, -(-total // ITEMS_PER_PAGE))
    page = min(max(1, page), pages)
    query = (
        select(Item)
        .where(*where)
        .order_by((Item.kind == ItemKind.PHOTO).desc(), Item.approved_at.desc(), Item.id.desc())
        .offset((page - 1) * ITEMS_PER_PAGE)
        .limit(ITEMS_PER_PAGE)
    )
    return PersonItems(list(db.session.scalars(query)), total, page, pages)


def portrait_of(user: User, person: Person) -> MediaFile | None:
    """The person's portrait where the viewer may see the photo it comes from."""
    portrait = person.portrait
    if portrait is None or not portrait.item.is_public or not can_see(user, portrait.item):
        return None
    return portrait


@dataclass
class PersonView:
    """A person's page as the viewer may see it."""

    person: Person
    items: PersonItems
    portrait: MediaFile | None
    sees_contact: bool
    manages: bool
    may_ask: bool

    def context(self) -> dict[str, Any]:
        """The template's variables."""
        return {**self.__dict__, "disciplines": disciplines_of(self.person)}


def person_view(user: User, person_id: int, page: int = 1) -> PersonView:
    """Everything a person's page shows to this viewer (contact details to the centre only)."""
    person = get_person(user, person_id)
    return PersonView(
        person=person,
        items=items_of(user, person, page),
        portrait=portrait_of(user, person),
        sees_contact=sees_person_contact(user),
        manages=role_may(user, Action.MANAGE_PEOPLE),
        may_ask=role_may(user, Action.ASK_EXPERT) and person.listed_expert,
    )


def suggestion(person: Person) -> dict[str, object]:
    """A record as the picker lists it: the name and what tells two of that name apart."""
    return {
        "id": person.id,
        "name": person.name,
        "detail": person.detail,
        "proposed": not person.confirmed,
    }


def named(person_ids: Iterable[int]) -> list[Person]:
    """Records by id, in the order given (the picker shows what a form posted); an id no row
    can have (0, negative, past MAX_ID) is simply not found."""
    ids = [i for i in person_ids if isinstance(i, int) and not isinstance(i, bool)]
    ids = [i for i in ids if 0 < i <= validation.MAX_ID]
    found = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def portrait_choices(user: User, person: Person, limit: int = 24) -> list[MediaFile]:
    """Photos the portrait may be chosen from: the images of approved items featuring the
    person that the user may see, newest first."""
    query = (
        select(MediaFile)
        .join(Item, Item.id == MediaFile.item_id)
        .where(
            Item.persons.any(Person.id == person.id),
            Item.status == ItemStatus.APPROVED,
            visible_items(user),
            MediaFile.media_type == "image",
            MediaFile.thumb_key.is_not(None),
        )
        .order_by(Item.approved_at.desc(), MediaFile.position, MediaFile.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


# --- changing ---------------------------------------------------------------------------


class LikelyDuplicate(ValidationError):
    """The record may already exist: the form lists the candidates and asks to confirm."""

    def __init__(self, candidates: list[Person]) -> None:
        super().__init__(
            _l(
                "A person with this name and a similar affiliation is already recorded: "
                "check the list, or confirm that this is another person."
            ),
            field="name",
        )
        self.candidates = candidates


def _check_portrait(user: User, file_id: int | None) -> None:
    if file_id is None:
        return
    media = db.session.get(MediaFile, file_id)
    if (
        media is None
        or media.media_type != "image"
        or not media.item.is_public
        or not can_see(user, media.item)
    ):
        raise ValidationError(
            _l("The portrait must be a photo of an approved item in the library."),
            field="portrait_file_id",
        )


def save_person(
    curator: User,
    data: PersonData,
    person: Person | None = None,
    *,
    confirm_new: bool = False,
    adopt: str = "",
) -> Person:
    """Create or change a record (curators); a new one that looks like a recorded person needs
    `confirm_new`; one made for a free-text name (`adopt`) is linked where the name stood.
    Changed names reach the index of every linked item."""
    authorize(curator, Action.MANAGE_PEOPLE)
    values = clean(data)
    _check_portrait(curator, values["portrait_file_id"])
    if person is None and not confirm_new:
        candidates = likely_duplicates(values["name"], values["title"] + values["affiliation"])
        if candidates:
            raise LikelyDuplicate(candidates)
    changes: dict[str, list[object]] = {}
    if person is None:
        person = Person(**values)
        db.session.add(person)
        db.session.flush()
        audit.record(curator, "person.create", "person", person.id, {"name": person.name})
        if adopt:  # made for a free-text name: linked where the name stood
            _link_entry(curator, adopt, person)
    else:
        for name, value in values.items():
            old = getattr(person, name)
            if old != value:
                if name != "name_pinyin":
                    changes[name] = [str(old), str(value)]
                setattr(person, name, value)
        if changes:
            audit.record(curator, "person.update", "person", person.id, {"changes": changes})
    workflow.commit()
    return person


def propose(user: User, name: str, title: str = "", affiliation: str = "") -> Person:
    """A contributor proposes a person not yet recorded, for their item; a curator confirms
    it. Until then only the centre and the proposing organisation see it."""
    authorize(user, Action.PROPOSE_PERSON)
    if user.organization_id is None:
        raise Forbidden(_l("Your account is not attached to an organisation."))
    values = clean(PersonData(name=name, title=title, affiliation=affiliation))
    values.update({key: PersonData.__dataclass_fields__[key].default for key in CENTRE_ONLY})
    person = Person(**values, confirmed=False, proposed_by_org_id=user.organization_id)
    db.session.add(person)
    db.session.flush()
    audit.record(user, "person.propose", "person", person.id, {"name": person.name})
    db.session.commit()
    return person


def confirm(curator: User, person: Person) -> Person:
    """A curator accepts a proposed record into the directory."""
    authorize(curator, Action.MANAGE_PEOPLE)
    if not person.confirmed:
        person.confirmed = True
        audit.record(curator, "person.confirm", "person", person.id, {"name": person.name})
        db.session.commit()
    return person


def proposals() -> list[Person]:
    """Records contributors proposed, waiting for a curator."""
    query = select(Person).where(Person.confirmed.is_(False), Person.merged_into_id.is_(None))
    return list(db.session.scalars(query.order_by(Person.created_at)))


def merge(curator: User, kept: Person, gone: Person) -> Person:
    """Two records of one person become one: `gone`'s items, introduction requests and history
    move to `kept`, its names become other names, and its address leads to `kept`."""
    authorize(curator, Action.MANAGE_PEOPLE)
    if kept.id == gone.id:
        raise ValidationError(_l("Choose two different records to merge."), field="other")
    # Both rows locked in id order (two merges of the same pair cannot deadlock), then taken
    # by conditional UPDATEs: of two curators merging at once, the second is told, and no
    # record ends merged into one that was merged away.
    pair = select(Person.id).where(Person.id.in_([kept.id, gone.id])).order_by(Person.id)
    db.session.execute(pair.with_for_update())
    unmerged = Person.merged_into_id.is_(None)
    taken = [
        db.session.execute(
            update(Person)
            .where(Person.id == person_id, unmerged)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        for person_id, values in (
            (gone.id, {"merged_into_id": kept.id}),
            (kept.id, {"confirmed": True}),
        )
    ]
    if not all(taken):
        db.session.rollback()
        raise Conflict(_l("One of the records was merged a moment ago. Please reload it."))
    db.session.refresh(gone)
    db.session.refresh(kept)
    featuring = select(Item).where(Item.persons.any(Person.id == gone.id))
    moved = 0
    for item in db.session.scalars(featuring):
        linked = [p for p in item.persons if p.id != gone.id]
        item.persons = linked if kept in linked else [*linked, kept]
        moved += 1
    db.session.execute(
        update(ExpertRequest).where(ExpertRequest.person_id == gone.id).values(person_id=kept.id)
    )
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.target_type == "person", AuditEvent.target_id == gone.id)
        .values(target_id=kept.id)
    )
    names = [n for n in gone.all_names if n != kept.name]
    kept.other_names = _fitting([*split_list(kept.other_names), *names], 300)
    for attr in ("honours", "keywords"):
        joined = [*split_list(getattr(kept, attr)), *split_list(getattr(gone, attr))]
        setattr(kept, attr, _fitting(joined, 300))
    both = [*kept.disciplines.split(","), *gone.disciplines.split(",")]
    kept.disciplines = ",".join(dict.fromkeys(d for d in both if d))
    for attr in ("title", "affiliation", "region", "bio", "portrait_file_id", "contact"):
        if not getattr(kept, attr) and getattr(gone, attr):
            setattr(kept, attr, getattr(gone, attr))
    kept.name_pinyin = _fitting(people_names.pinyin_key(kept.all_names).split(), 600, " ")
    audit.record(
        curator,
        "person.merge",
        "person",
        kept.id,
        {"merged": gone.id, "name": gone.name, "items": moved},
    )
    workflow.commit()
    return kept


def chosen(user: User, person_ids: list[int], item: Item | None = None) -> list[Person]:
    """The records an item is to link, checked: each must exist and be the user's to link
    (links the item already has stay, whoever made them), no more than the spec allows; the
    new ones are read in one query."""
    wanted = list(dict.fromkeys(person_ids))
    most = fields.BY_NAME["persons"].max_length or len(wanted)
    if len(wanted) > most:
        raise ValidationError(_l("At most %(n)d people can be linked.", n=most), field="persons")
    current = {p.id: p for p in item.persons} if item is not None else {}
    loaded = {p.id: p for p in named([i for i in wanted if i not in current])}
    found: list[Person] = []
    for person_id in wanted:
        person = current.get(person_id) or loaded.get(person_id)
        if person is None or (person_id not in current and not may_link_person(user, person)):
            raise ValidationError(
                _l("Person %(n)d is not in the directory.", n=person_id), field="persons"
            )
        found.append(person)
    return found


def relink(item: Item, persons: list[Person]) -> dict[str, list[object]] | None:
    """Set an item's linked people; the change (names removed and added) for the audit."""
    old, new = [p.name for p in item.persons], [p.name for p in persons]
    if {p.id for p in item.persons} == {p.id for p in persons}:
        return None
    item.persons = persons
    return {"persons": [LIST_JOINER.join(old), LIST_JOINER.join(new)]}


# --- names in free text, not yet linked ---------------------------------------------------


@dataclass
class UnlinkedName:
    """A name in items' free-text people fields that is not a linked record."""

    entry: str
    name: str  # the person's name read from the entry ("" when it is not one name)
    items: list[Item]
    candidates: list[Person]


def unlinked_names(limit: int = 200) -> list[UnlinkedName]:
    """Every entry of the items' free-text people fields, with the items that name it and the
    records of the same name to link it to; most named first."""
    query = select(Item).where(Item.people != "").order_by(Item.id)
    grouped: dict[str, list[Item]] = {}
    for item in db.session.scalars(query):
        for entry in people_names.entries(item.people):
            grouped.setdefault(entry, []).append(item)
    found = []
    for entry, items in sorted(grouped.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        parsed = people_names.parse_entry(entry)
        name = parsed.name if parsed else ""
        candidates = likely_duplicates(name, parsed.note if parsed else "", limit=10)
        if parsed and not candidates:
            candidates = list(
                db.session.scalars(
                    select(Person).where(Person.name == name, Person.merged_into_id.is_(None))
                )
            )
        found.append(UnlinkedName(entry, name, items, candidates))
    return found[:limit]


def link_entry(curator: User, entry: str, person: Person) -> int:
    """Link the record to every item whose free-text people field has this entry, and take
    the entry out of the text; returns how many items changed (NotFound for none)."""
    authorize(curator, Action.MANAGE_PEOPLE)
    count = _link_entry(curator, entry, person)
    if not count:
        raise NotFound()
    workflow.commit()
    return count


def _link_entry(curator: User, entry: str, person: Person) -> int:
    """`link_entry` in the current transaction."""
    entry = entry.strip()
    changed = []
    query = select(Item).where(Item.people.contains(entry, autoescape=True))
    for item in db.session.scalars(query):
        entries = people_names.entries(item.people)
        if entry not in entries:
            continue
        item.people = people_names.join([e for e in entries if e != entry])
        if person not in item.persons:
            item.persons = [*item.persons, person]
        audit.record(
            curator, "item.link_person", "item", item.id, {"entry": entry, "person": person.id}
        )
        changed.append(item.id)
    return len(changed)


def adopt_text(items: Iterable[Item]) -> int:
    """Make records of the person names in these items' free-text people fields and link them
    (the demo's loader; the migration did the same for the items there were): one record per
    name and bracketed note; what is not one person's name stays text."""
    made: dict[tuple[str, str], Person] = {
        (p.name, p.title): p for p in db.session.scalars(select(Person))
    }
    count = 0
    for item in items:
        left, linked = [], list(item.persons)
        for entry in people_names.entries(item.people):
            parsed = people_names.parse_entry(entry)
            if parsed is None:
                left.append(entry)
                continue
            key = (parsed.name, parsed.note)
            if key not in made:
                made[key] = Person(
                    name=parsed.name,
                    title=parsed.note,
                    name_pinyin=people_names.pinyin_key([parsed.name]),
                )
                db.session.add(made[key])
                count += 1
            if made[key] not in linked:
                linked.append(made[key])
        item.people, item.persons = people_names.join(left), linked
    db.session.flush()
    return count


def may_manage(user: User) -> bool:
    """Whether the user keeps the records (edit, merge, confirm, link names)."""
    return role_may(user, Action.MANAGE_PEOPLE)
