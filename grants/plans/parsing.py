"""Small parsers shared by the plan's services: exact amounts, whole numbers, dates, text. They live at the
ground (grants/parsing.py), where closeout reads them too."""
from ..parsing import (FIELD_RULES, MAX_AMOUNT, amount, check_version, day, decimal_in, fail, text,  # noqa: F401
                       whole)
