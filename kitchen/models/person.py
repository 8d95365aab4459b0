"""People (科技人物): records of the scientists and experts the material features, linked to
items; introductions to experts that journalists ask the centre for."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.enums import RequestStatus
from kitchen.fields import split_list
from kitchen.models.base import Base, UTCDateTime, str_enum, utcnow
from kitchen.models.item import MediaFile
from kitchen.models.organization import Organization
from kitchen.models.user import User

item_person = Table(
    "item_person",
    Base.metadata,
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Person(Base):
    """One person: the same name with another affiliation is another person."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    # Former names, an English name, a pen name: joined with 、 like a list field.
    other_names: Mapped[str] = mapped_column(String(300), default="")
    # Full pinyin and initials of every Chinese name, lower case ("qianxuesen qxs"), for search.
    name_pinyin: Mapped[str] = mapped_column(String(600), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    disciplines: Mapped[str] = mapped_column(String(300), default="")  # Discipline values, ","
    keywords: Mapped[str] = mapped_column(String(300), default="")
    honours: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(40), default="", index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    portrait_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_file.id", ondelete="SET NULL")
    )
    # Consent to be featured: without it (or after its day) media accounts do not see the page.
    consent_featured: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_until: Mapped[date | None] = mapped_column(Date)
    # Seen by the centre only; media accounts ask the centre for an introduction instead.
    contact: Mapped[str] = mapped_column(String(300), default="")
    is_expert: Mapped[bool] = mapped_column(Boolean, default=False)
    media_contact_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    # Proposed by a contributor until a curator confirms it.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    proposed_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    # A record merged into another: kept so its address leads to the one that remains.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    portrait: Mapped[MediaFile | None] = relationship()
    proposed_by: Mapped[Organization | None] = relationship()

    @hybrid_property
    def listed_expert(self) -> bool:
        """In the expert directory: an expert who agreed to be contacted by the media."""
        return self.is_expert and self.media_contact_ok

    @listed_expert.inplace.expression
    @classmethod
    def _listed_expert(cls) -> ColumnElement[bool]:
        return and_(cls.is_expert.is_(True), cls.media_contact_ok.is_(True))

    @property
    def detail(self) -> str:
        """What tells two people of one name apart: title and affiliation."""
        return " · ".join(part for part in (self.title, self.affiliation) if part)

    @property
    def all_names(self) -> list[str]:
        """The name and the other names (what the index knows the person's items by)."""
        return [self.name, *split_list(self.other_names)]

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class ExpertRequest(Base):
    """A journalist asks the centre for an introduction to an expert."""

    __tablename__ = "expert_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    topic: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.OPEN, index=True
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    # Two curators answering at once: the second finds a newer version and fails.
    __mapper_args__ = {"version_id_col": version}
