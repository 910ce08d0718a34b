"""Typed payloads of the integration events, one small class per event type.

They are the contract between departments: a producer builds one, a consumer validates
the envelope's ``data`` against it. Add a field only as optional (old events must still parse);
anything else is a new version (``...v2``).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel


class UnitRegistered(BaseModel):
    """frontdesk: a unit was added to the property register."""

    unit_id: str
    property_id: str
    property_code: str
    building: str
    number: str
    floor: int | None = None
    area_m2: Decimal | None = None


class AccountOpened(BaseModel):
    """fees: an account was opened for a unit."""

    account_id: str
    unit_id: str
    property_id: str
