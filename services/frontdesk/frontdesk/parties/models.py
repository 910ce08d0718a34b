"""Parties (people or companies) and who owns, rents or lives in which unit, when."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin
from propops.lists import digits, keep_search_text, search_text


class Party(IdMixin, TimestampMixin, Base):
    """A person or company. ``property_id`` is where it was registered (optional for users
    who see every property); it is seen there and wherever it holds a unit."""

    __tablename__ = "parties"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # person | company
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    id_number: Mapped[str | None] = mapped_column(String(60))
    property_id: Mapped[str | None] = mapped_column(ForeignKey("properties.id"), index=True)
    # for phone= and q= (propops.lists): the phone's digits, the name normalized; kept on write
    phone_digits: Mapped[str] = mapped_column(String(40), index=True, nullable=False, default="")
    search_text: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


def _party_search(party: Party) -> str:
    party.phone_digits = digits(party.phone)
    return search_text(party.name, phones=[party.phone])


keep_search_text(Party, _party_search)


class Occupancy(IdMixin, TimestampMixin, Base):
    __tablename__ = "occupancies"

    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True, nullable=False)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # owner | tenant | resident
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
