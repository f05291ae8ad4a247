"""The input of the program's open-data settings (issue 14: one schema per operation): the administrator's page
(``from_form``), the API (``PUT /programs/<id>/open-data``) and the demo set them through ``OpenDataIn``; the
``word=code`` lines of the DAC sectors are read by ``DacSector``, one line each. The format rules with their codes
(``iati_org_ref_invalid``, ``ocid_prefix_invalid``, ``licence_unknown``, ``dac_sector_invalid``) are the service's
(``settings.save_settings``), so that every broken one is reported at once."""
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from ..schemas import Model

_DAC = re.compile(r"^[1-9][0-9]{4}$")


class OpenDataIn(Model):
    """The program's open-data settings; a field left out keeps its value (empty DAC sectors: none of its own)."""

    reporting_org_ref: str | None = Field(None, max_length=80)
    ocid_prefix: str | None = Field(None, max_length=40)
    licence: str | None = Field(None, max_length=40)
    dac_sectors: str | None = Field(None, max_length=4000)


def _word(value):
    word = value.strip().lower()
    if not word:
        raise PydanticCustomError("value_error", "a product word is required")
    return word


def _code(value):
    code = value.strip()
    if not _DAC.match(code):
        raise PydanticCustomError("value_error", "a five-digit DAC sector code is required")
    return code


class DacSector(Model):
    """One line of the DAC sectors: a product word (lower case) ``=`` its five-digit OECD DAC purpose code."""

    word: Annotated[str, AfterValidator(_word)]
    code: Annotated[str, AfterValidator(_code)]


def _lines(text):
    """Each line of the text as the fields ``DacSector`` reads (``None`` for a blank line: the index of an item is
    its line number less one)."""
    if not isinstance(text, str):
        return text
    return [dict(zip(("word", "code"), line.split("=", 1))) if line.strip() else None for line in text.splitlines()]


#: the ``word=code`` lines of a text, each a ``DacSector`` (``None``: a blank line)
DAC_SECTORS = TypeAdapter(Annotated[tuple[DacSector | None, ...], BeforeValidator(_lines)])
