"""Money: ``Decimal`` with two places, never float (fees, and whoever shows amounts).

In requests an amount is a decimal *string* (``"12.50"``); a JSON number is refused, since
``12.1`` has already been rounded to binary by the time it is parsed. In answers and events
money is a string with exactly two places (``"0.00"``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_DECIMAL_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` as a Decimal with exactly two places."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal_text(value: object) -> object:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value.strip()):
            raise PydanticCustomError("money_format", 'must be a decimal string such as "12.50"')
        return value.strip()
    kind = (
        "null"
        if value is None
        else "a boolean"
        if isinstance(value, bool)
        else "a number"
        if isinstance(value, int | float)
        else type(value).__name__
    )
    raise PydanticCustomError(
        "money_type", 'must be a decimal string such as "12.50", not {kind}', {"kind": kind}
    )


MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_decimal_text),
    Field(gt=0, max_digits=12, decimal_places=2),
    AfterValidator(money),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{1,10}(\.\d{1,2})?$",
            "examples": ["1250.00"],
            "description": "a positive amount as a decimal string, at most 2 places",
        },
        mode="validation",
    ),
]
"""A positive amount given as a decimal string with at most two places."""

MoneyOut = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{money(v):.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$"}, mode="serialization"),
]
"""An amount answered as a string with exactly two places."""
