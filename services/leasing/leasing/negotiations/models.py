"""Negotiations (洽談) of a space with a prospective tenant, and their offers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from propops.lists import keep_search_text, search_text

OPEN = "open"
AGREED = "agreed"
LOST = "lost"
STAGES = (OPEN, AGREED, LOST)


class Negotiation(IdMixin, TimestampMixin, Base):
    __tablename__ = "negotiations"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    space_id: Mapped[str] = mapped_column(ForeignKey("spaces.id"), index=True, nullable=False)
    counterparty_name: Mapped[str] = mapped_column(String(200), nullable=False)
    counterparty_company: Mapped[str | None] = mapped_column(String(200))
    counterparty_phone: Mapped[str] = mapped_column(String(40), nullable=False)
    proposed_rent: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # the stage: open -> agreed | lost; only "agreed" records a promise
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=OPEN)
    latest_rent: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    agreed_rent: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(Text)  # what was agreed, or why it was lost
    offer_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(
    Negotiation,
    lambda n: search_text(
        n.counterparty_name, n.counterparty_company, phones=[n.counterparty_phone]
    ),
)


class NegotiationStep(Base):
    """One line of a negotiation's history: its opening, each offer, the outcome."""

    __tablename__ = "negotiation_steps"
    __table_args__ = (Index("uq_negotiation_steps_seq", "negotiation_id", "seq", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    negotiation_id: Mapped[str] = mapped_column(
        ForeignKey("negotiations.id"), index=True, nullable=False
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # opened|offer|agreed|lost
    offered_by: Mapped[str | None] = mapped_column(String(20))  # office | counterparty
    rent: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
