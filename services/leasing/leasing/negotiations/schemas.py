from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from leasing.negotiations.models import Negotiation, NegotiationStep
from leasing.text import Counterparty, Notes, VersionIn
from propops.money import MoneyIn, MoneyOut


class OfferedBy(StrEnum):
    office = "office"  # the management office's offer
    counterparty = "counterparty"  # the prospective tenant's


class NegotiationIn(BaseModel):
    space_id: str = Field(min_length=1, max_length=36)
    counterparty: Counterparty
    proposed_rent: MoneyIn = Field(description="the rent first proposed, per billing period")
    notes: Notes = ""


class OfferIn(VersionIn):
    offered_by: OfferedBy
    rent: MoneyIn
    notes: Notes | None = None


class AgreeIn(VersionIn):
    rent: MoneyIn | None = Field(
        default=None, description="the rent agreed (default: the latest offer's)"
    )
    notes: Notes | None = None


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    action: str
    offered_by: OfferedBy | None
    rent: MoneyOut | None
    notes: str | None
    status: str


class NegotiationOut(BaseModel):
    id: str
    property_id: str
    space_id: str
    counterparty: Counterparty
    proposed_rent: MoneyOut
    latest_rent: MoneyOut = Field(description="the rent of the latest offer")
    notes: str
    status: str = Field(description="open | agreed | lost")
    agreed_rent: MoneyOut | None = Field(description="only once the stage is agreed")
    outcome: str | None
    closed_at: datetime | None
    closed_by: str | None
    offer_count: int
    created_by: str
    created_at: datetime
    version: int

    @classmethod
    def of(cls, n: Negotiation) -> NegotiationOut:
        return cls(
            id=n.id,
            property_id=n.property_id,
            space_id=n.space_id,
            counterparty=Counterparty(
                name=n.counterparty_name, company=n.counterparty_company, phone=n.counterparty_phone
            ),
            proposed_rent=n.proposed_rent,
            latest_rent=n.latest_rent,
            notes=n.notes,
            status=n.status,
            agreed_rent=n.agreed_rent,
            outcome=n.outcome,
            closed_at=n.closed_at,
            closed_by=n.closed_by,
            offer_count=n.offer_count,
            created_by=n.created_by,
            created_at=n.created_at,
            version=n.version,
        )


class NegotiationDetail(NegotiationOut):
    offers: list[StepOut] = Field(description="the opening proposal and every offer, oldest first")
    history: list[StepOut]

    @classmethod
    def with_steps(cls, n: Negotiation, steps: list[NegotiationStep]) -> NegotiationDetail:
        lines = [StepOut.model_validate(s) for s in steps]
        return cls(
            **NegotiationOut.of(n).model_dump(),
            offers=[s for s in lines if s.action in ("opened", "offer")],
            history=lines,
        )
