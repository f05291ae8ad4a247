"""The program's open-data settings with their defaults, and the one service that changes them."""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from .. import audit
from ..errors import Collector, RuleViolation, ValidationFailed
from ..extensions import db
from ..schemas import violations
from ..workflows import rules
from .models import OpenDataSettings
from .schemas import DAC_SECTORS, OpenDataIn

#: licences a program may choose: SPDX id -> (title, URL)
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENCE = "CC-BY-4.0"
#: OECD DAC 5-digit purpose codes of agriculture used by default: livestock, industrial crops, food crops
DEFAULT_DAC = (("leche", "31163"), ("lech", "31163"), ("milk", "31163"), ("dairy", "31163"), ("miel", "31163"),
               ("honey", "31163"), ("alpaca", "31163"), ("llama", "31163"), ("ganad", "31163"), ("cuy", "31163"),
               ("café", "31162"), ("cafe", "31162"), ("coffee", "31162"), ("cacao", "31162"), ("cocoa", "31162"),
               ("castaña", "31162"), ("quinua", "31161"), ("quinoa", "31161"), ("papa", "31161"),
               ("potato", "31161"), ("haba", "31161"), ("maíz", "31161"), ("durazno", "31161"))
#: when no word matches: 31120 agricultural development
FALLBACK_DAC = "31120"
DAC_NAMES = {"31120": "Agricultural development", "31161": "Food crop production",
             "31162": "Industrial crops/export crops", "31163": "Livestock"}

def _body(body):
    """``body`` as a validated ``OpenDataIn`` (a mapping: each error at its field, as ``ValidationFailed``)."""
    if isinstance(body, OpenDataIn):
        return body
    try:
        return OpenDataIn.model_validate(dict(body))
    except ValidationError as exc:
        raise ValidationFailed(_l("Some fields need attention."), violations(exc)) from None


_ORG_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,78}[A-Za-z0-9]$")
_OCID_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")


@dataclass(frozen=True)
class Settings:
    reporting_org_ref: str
    ocid_prefix: str
    licence: str
    dac: tuple

    @property
    def licence_title(self):
        return LICENCES[self.licence][0]

    @property
    def licence_url(self):
        return LICENCES[self.licence][1]

    def sector_of(self, product):
        """The DAC code of a product: the first configured word found in its name, else 31120."""
        name = (product or "").lower()
        return next((code for word, code in self.dac if word in name), FALLBACK_DAC)


def _default_prefix(program):
    """A six-character stand-in prefix derived from the program code until the program registers its own."""
    letters = re.sub(r"[^a-z0-9]", "", program.code.lower())
    return "ocds-" + (letters + "000000")[:6]


def parse_dac(text):
    """``word=code`` lines as ``((word, code), ...)``, each line read by the ``DacSector`` schema; raises
    ``ValueError`` naming the first bad line."""
    try:
        sectors = DAC_SECTORS.validate_python(text or "")
    except ValidationError as exc:
        raise ValueError(exc.errors(include_url=False)[0]["loc"][0] + 1) from None
    return tuple((s.word, s.code) for s in sectors if s is not None)


def settings_for(program, row=None):
    """The program's settings; ``row``: its ``OpenDataSettings`` when already loaded (None: read it)."""
    if row is None:
        row = db.session.get(OpenDataSettings, program.id)
    if row is None:
        return Settings(program.code, _default_prefix(program), DEFAULT_LICENCE, DEFAULT_DAC)
    return Settings(row.reporting_org_ref, row.ocid_prefix, row.licence,
                    parse_dac(row.dac_sectors) + DEFAULT_DAC)


def save_settings(program, body: OpenDataIn, actor):
    """Set the program's open-data settings from ``body`` (an ``OpenDataIn``, or a mapping of its fields validated
    against it; a field left out keeps its value). Raises ``ValidationFailed`` (a field too long, not text) or
    ``RuleViolation`` with every broken rule: ``iati_org_ref_invalid``, ``ocid_prefix_invalid``,
    ``licence_unknown``, ``dac_sector_invalid``."""
    data = _body(body).model_dump(exclude_none=True)
    current = settings_for(program)
    row = db.session.get(OpenDataSettings, program.id)
    values = {"reporting_org_ref": current.reporting_org_ref, "ocid_prefix": current.ocid_prefix,
              "licence": current.licence, "dac_sectors": row.dac_sectors if row else ""}
    values.update({k: str(data[k]).strip() for k in values if data.get(k) is not None})
    c = Collector()
    if not _ORG_REF.match(values["reporting_org_ref"]):
        c.add(rules.IATI_ORG_REF_INVALID, _l("The IATI organisation identifier must be 3 to 80 letters, digits, dots, "
                                       "hyphens or underscores, such as BO-NIT-1234567."), "reporting_org_ref")
    if not _OCID_PREFIX.match(values["ocid_prefix"]):
        c.add(rules.OCID_PREFIX_INVALID, _l("The OCDS prefix is 'ocds-' followed by the six letters or digits the "
                                      "Open Contracting Partnership registered for the program."), "ocid_prefix")
    if values["licence"] not in LICENCES:
        c.add(rules.LICENCE_UNKNOWN, _l("Choose one of the licences offered."), "licence")
    try:
        parse_dac(values["dac_sectors"])
    except ValueError as exc:
        c.add(rules.DAC_SECTOR_INVALID, _l("Line %(n)s: write one product word, '=' and a five-digit DAC sector code, "
                                     "such as leche=31163.", n=exc.args[0]), "dac_sectors")
    if c.violations:
        raise RuleViolation(c.violations)
    if row is None:
        row = OpenDataSettings(program_id=program.id)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    audit.record("program", program.id, "update_open_data_settings", actor, data=values)
    return row
