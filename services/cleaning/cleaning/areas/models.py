"""Areas of a property the cleaners look after (a lobby, a stairway, the refuse room, ...)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cleaning.db import Base
from propops.db import IdMixin, TimestampMixin
from propops.lists import keep_search_text, search_text


class AreaKind(StrEnum):
    lobby = "lobby"  # 大堂
    corridor = "corridor"  # 走廊
    stairs = "stairs"  # 樓梯
    carpark = "carpark"  # 停車場
    toilet = "toilet"  # 洗手間
    refuse = "refuse"  # 垃圾房
    garden = "garden"  # 花園
    other = "other"  # 其他


AREA_CODE_INDEX = "uq_areas_property_code"


class Area(IdMixin, TimestampMixin, Base):
    __tablename__ = "areas"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    # what the staff call it on the floor plan: "A-LOBBY", "CP-B1"; unique in its property
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # code and name normalized (propops.lists.search_text): what ``q`` searches
    search_text: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    __table_args__ = (Index(AREA_CODE_INDEX, "property_id", "code", unique=True),)


keep_search_text(Area, lambda area: search_text(area.code, area.name))
