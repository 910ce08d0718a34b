"""Tables every service database holds for reliable messaging and idempotent requests.

They have their own metadata and their own Alembic history (version table
``alembic_version_propops``), applied in every service's database before its own migrations.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import UTCDateTime, make_base, new_id, utcnow

MessagingBase = make_base()

BigIntId = BigInteger().with_variant(Integer, "sqlite")


class OutboxRow(MessagingBase):
    """An event stored in the same transaction as the change that caused it."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    aggregate_id: Mapped[str | None] = mapped_column(String(100))
    envelope: Mapped[str] = mapped_column(Text, nullable=False)
    trace_carrier: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "seq",
            sqlite_where=published_at.is_(None),
            postgresql_where=published_at.is_(None),
        ),
    )


class InboxRow(MessagingBase):
    """An event a consumer has handled; written in the same transaction as the effect."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(200), nullable=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class DeadLetter(MessagingBase):
    """A message whose handler kept failing; listed and replayable over /ops."""

    __tablename__ = "dead_letters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(100), nullable=False)
    stream: Mapped[str] = mapped_column(String(100), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    event_id: Mapped[str | None] = mapped_column(String(100))
    type: Mapped[str | None] = mapped_column(String(200))
    headers: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    error: Mapped[str] = mapped_column(Text, nullable=False)
    deliveries: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="dead")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(MessagingBase):
    """The stored answer to a POST sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status_code: Mapped[int] = mapped_column(Integer, nullable=False)
    response_body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
