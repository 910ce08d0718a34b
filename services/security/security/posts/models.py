"""Security posts (崗位): where a guard stands, and the hours it must be staffed."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import IdMixin, TimestampMixin
from propops.timezones import DEFAULT_TIME_ZONE
from security.db import Base


class PostKind(StrEnum):
    gate = "gate"  # 門崗
    lobby = "lobby"  # 大堂
    carpark = "carpark"  # 停車場
    patrol = "patrol"  # 巡邏崗
    cctv = "cctv"  # 監控室


class Post(IdMixin, TimestampMixin, Base):
    __tablename__ = "posts"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # [{"from": "HH:MM", "to": "HH:MM"}], local times in ``time_zone``; "to" at or before
    # "from" ends the next day (a night post), equal times are round the clock
    hours: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    time_zone: Mapped[str] = mapped_column(
        String(64), nullable=False, default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )

    __table_args__ = (UniqueConstraint("property_id", "code", name="uq_posts_property_code"),)
