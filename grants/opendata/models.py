"""The open-data settings of a program: who reports (IATI), the OCDS prefix, the licence, the sector codes."""
import sqlalchemy as sa

from ..common import Timestamped, Versioned
from ..extensions import db


class OpenDataSettings(Versioned, Timestamped, db.Model):
    """One row per program; a program without a row publishes with the defaults of ``settings.DEFAULTS``."""

    __tablename__ = "open_data_settings"

    program_id = sa.Column(sa.Integer, sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    #: the IATI organisation identifier of the reporting organisation (e.g. "BO-NIT-1234567"); activity ids
    #: are ``<reporting_org_ref>-<alliance code>``
    reporting_org_ref = sa.Column(sa.String(80), nullable=False)
    #: the registered OCDS ocid prefix (e.g. "ocds-a1b2c3"); ocids are ``<prefix>-<procurement id>``
    ocid_prefix = sa.Column(sa.String(40), nullable=False)
    #: the licence of the published data: an SPDX identifier of ``settings.LICENCES``
    licence = sa.Column(sa.String(40), nullable=False, default="CC-BY-4.0")
    #: product words to OECD DAC 5-digit sector codes, one ``word=code`` per line (the first match wins)
    dac_sectors = sa.Column(sa.Text, nullable=False, default="")
