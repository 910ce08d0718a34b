"""Input types every leasing feature shares: trimmed text that may not be blank, a counterparty
(who rents), and the history step row's columns."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[0-9０-９+()\- ]+$"
    ),
]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Counterparty(BaseModel):
    """Who rents the space: a person, and the company they sign for (if any)."""

    model_config = ConfigDict(from_attributes=True)

    name: Name
    company: Name | None = None
    phone: Phone


class VersionIn(BaseModel):
    """Optional optimistic concurrency in the body (the ``If-Match`` header does the same)."""

    version: int | None = Field(
        default=None, ge=1, description="the version you last read; 412 if it changed"
    )


class ReasonIn(VersionIn):
    reason: Reason
