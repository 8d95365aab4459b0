"""people records, item links, expert requests

Revision ID: 40065a7cc587
Revises: cd64237416cf
Create Date: 2026-12-01 20:00:32.779704

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import kitchen.models.base
from kitchen import people_names

# revision identifiers, used by Alembic.
revision = "40065a7cc587"
down_revision = "cd64237416cf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("other_names", sa.String(length=300), nullable=False),
        sa.Column("name_pinyin", sa.String(length=600), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("affiliation", sa.String(length=200), nullable=False),
        sa.Column("disciplines", sa.String(length=300), nullable=False),
        sa.Column("keywords", sa.String(length=300), nullable=False),
        sa.Column("honours", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("portrait_file_id", sa.Integer(), nullable=True),
        sa.Column("consent_featured", sa.Boolean(), nullable=False),
        sa.Column("consent_until", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("is_expert", sa.Boolean(), nullable=False),
        sa.Column("media_contact_ok", sa.Boolean(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("proposed_by_org_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["person.id"], name=op.f("fk_person_merged_into_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["portrait_file_id"],
            ["media_file.id"],
            name=op.f("fk_person_portrait_file_id_media_file"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_org_id"],
            ["organization.id"],
            name=op.f("fk_person_proposed_by_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_region"), ["region"], unique=False)

    op.create_table(
        "expert_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "forwarded", "declined", name="requeststatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_expert_request_answered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_expert_request_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["user_account.id"],
            name=op.f("fk_expert_request_requester_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_request")),
    )
    with op.batch_alter_table("expert_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_request_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_expert_request_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_expert_request_status"), ["status"], unique=False)

    op.create_table(
        "item_person",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_person_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_item_person_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "person_id", name=op.f("pk_item_person")),
    )
    with op.batch_alter_table("item_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_person_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expert_request_id", sa.Integer(), nullable=True))
        batch_op.alter_column("item_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_expert_request_id_expert_request"),
            "expert_request",
            ["expert_request_id"],
            ["id"],
            ondelete="CASCADE",
        )

    _records_from_text()


PERSON = sa.table(
    "person",
    *(
        sa.column(name)
        for name in (
            "id",
            "name",
            "other_names",
            "name_pinyin",
            "title",
            "affiliation",
            "disciplines",
            "keywords",
            "honours",
            "region",
            "bio",
            "consent_featured",
            "contact",
            "is_expert",
            "media_contact_ok",
            "confirmed",
            "created_at",
            "updated_at",
        )
    ),
)
ITEM = sa.table("item", sa.column("id"), sa.column("people"))
LINK = sa.table("item_person", sa.column("item_id"), sa.column("person_id"))


def _records_from_text():
    """Each name in an item's free-text people field becomes a person linked to the item (one
    record per name and bracketed note); what is not one person's name stays as text."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    made = {}
    rows = bind.execute(sa.select(ITEM.c.id, ITEM.c.people).where(ITEM.c.people != "")).all()
    for item_id, text in rows:
        left, linked = [], set()
        for entry in people_names.entries(text):
            found = people_names.parse_entry(entry)
            if found is None:
                left.append(entry)
                continue
            key = (found.name, found.note)
            if key not in made:
                values = dict.fromkeys(
                    (
                        "other_names",
                        "affiliation",
                        "disciplines",
                        "keywords",
                        "honours",
                        "region",
                        "bio",
                        "contact",
                    ),
                    "",
                )
                values.update(
                    name=found.name,
                    title=found.note,
                    name_pinyin=people_names.pinyin_key([found.name]),
                    consent_featured=False,
                    is_expert=False,
                    media_contact_ok=False,
                    confirmed=True,
                    created_at=now,
                    updated_at=now,
                )
                made[key] = bind.execute(
                    sa.insert(PERSON).values(**values).returning(PERSON.c.id)
                ).scalar_one()
            if made[key] not in linked:
                linked.add(made[key])
                bind.execute(sa.insert(LINK).values(item_id=item_id, person_id=made[key]))
        bind.execute(
            sa.update(ITEM).where(ITEM.c.id == item_id).values(people=people_names.join(left))
        )


def _text_from_records():
    """The linked people back into the free-text field (the downgrade)."""
    bind = op.get_bind()
    query = (
        sa.select(LINK.c.item_id, PERSON.c.name, PERSON.c.title, ITEM.c.people)
        .join(PERSON, PERSON.c.id == LINK.c.person_id)
        .join(ITEM, ITEM.c.id == LINK.c.item_id)
        .order_by(LINK.c.item_id, PERSON.c.name)
    )
    texts = {}
    for item_id, name, title, people in bind.execute(query):
        entries = texts.setdefault(item_id, people_names.entries(people))
        entry = f"{name}（{title}）" if title else name
        if entry not in entries:
            entries.append(entry)
    for item_id, entries in texts.items():
        joined = people_names.join(entries)[:500]
        bind.execute(sa.update(ITEM).where(ITEM.c.id == item_id).values(people=joined))
    bind.execute(sa.text("DELETE FROM notification WHERE item_id IS NULL"))


def downgrade():
    _text_from_records()
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_expert_request_id_expert_request"), type_="foreignkey"
        )
        batch_op.alter_column("item_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("expert_request_id")

    with op.batch_alter_table("item_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_person_person_id"))

    op.drop_table("item_person")
    with op.batch_alter_table("expert_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_request_status"))
        batch_op.drop_index(batch_op.f("ix_expert_request_requester_id"))
        batch_op.drop_index(batch_op.f("ix_expert_request_person_id"))

    op.drop_table("expert_request")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_region"))
        batch_op.drop_index(batch_op.f("ix_person_name"))

    op.drop_table("person")
