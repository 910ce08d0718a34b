from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from leasing.contracts.models import BillingCycle, Contract
from leasing.text import Counterparty, Reason, VersionIn
from propops.money import MoneyIn, MoneyOut


class ContractIn(BaseModel):
    space_id: str = Field(min_length=1, max_length=36)
    negotiation_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="the agreed negotiation, if any"
    )
    counterparty: Counterparty
    start_date: date = Field(description="the first day of the lease")
    end_date: date = Field(description="the last day of the lease (inclusive)")
    rent: MoneyIn = Field(description="rent per billing period")
    billing_cycle: BillingCycle
    deposit: MoneyIn | None = None


class RenewIn(VersionIn):
    end_date: date = Field(description="the new last day, after the current one")
    rent: MoneyIn | None = Field(default=None, description="the new rent, if it changes")


class TerminateIn(VersionIn):
    terminated_on: date = Field(
        description="the last day of the lease, from its start to the day before its end"
    )
    reason: Reason


class ContractStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    status: str
    details: dict[str, Any]


class ContractOut(BaseModel):
    id: str
    reference: str = Field(description="what the tenant and fees quote, e.g. LC-2026-00003")
    property_id: str
    space_id: str
    negotiation_id: str | None
    counterparty: Counterparty
    start_date: date
    end_date: date
    last_day: date = Field(description="the early end if terminated, else end_date")
    rent: MoneyOut
    billing_cycle: BillingCycle
    deposit: MoneyOut | None
    status: str = Field(description="draft | signed | terminated | cancelled")
    signed_at: datetime | None
    signed_by: str | None
    terminated_on: date | None
    termination_reason: str | None
    renewal_count: int
    created_by: str
    created_at: datetime
    version: int

    @classmethod
    def of(cls, c: Contract) -> ContractOut:
        return cls(
            id=c.id,
            reference=c.reference,
            property_id=c.property_id,
            space_id=c.space_id,
            negotiation_id=c.negotiation_id,
            counterparty=Counterparty(
                name=c.counterparty_name, company=c.counterparty_company, phone=c.counterparty_phone
            ),
            start_date=c.start_date,
            end_date=c.end_date,
            last_day=c.last_day,
            rent=c.rent,
            billing_cycle=BillingCycle(c.billing_cycle),
            deposit=c.deposit,
            status=c.status,
            signed_at=c.signed_at,
            signed_by=c.signed_by,
            terminated_on=c.terminated_on,
            termination_reason=c.termination_reason,
            renewal_count=c.renewal_count,
            created_by=c.created_by,
            created_at=c.created_at,
            version=c.version,
        )


class ContractDetail(ContractOut):
    history: list[ContractStepOut]
