"""Field types for request and response models: money and shares as strings, never floats."""
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from ..money import fmt, to_decimal


def _exact(places):
    def parse(value):
        if isinstance(value, (float, bool)):
            raise ValueError('send amounts as strings such as "1250.00", never as numbers with a fraction')
        return to_decimal(value, places)

    return parse


MONEY_SCHEMA = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "examples": ["1250.00"]}
RATIO_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d{1,4})?$", "examples": ["0.70"]}

#: money in and out: "1250.00"
MoneyStr = Annotated[Decimal, BeforeValidator(_exact(2)), PlainSerializer(lambda d: fmt(d, 2), return_type=str),
                     WithJsonSchema(MONEY_SCHEMA)]
#: a share or rate in and out: "0.7000"
RatioStr = Annotated[Decimal, BeforeValidator(_exact(4)), PlainSerializer(lambda d: fmt(d, 4), return_type=str),
                     WithJsonSchema(RATIO_SCHEMA)]
