"""The table test handlers write their effects to."""

from sqlalchemy import Column, Integer, MetaData, String, Table

probe_metadata = MetaData()
probe = Table(
    "probe_effects",
    probe_metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("unit_id", String(36), nullable=False),
)
