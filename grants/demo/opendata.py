"""The demo program's open-data settings (issue 17), through the service: a fictitious IATI reporting
organisation and OCDS prefix (the demo's program is not a real publisher), CC BY 4.0, two product words."""
from ..opendata.settings import save_settings

DEMO_SETTINGS = {"reporting_org_ref": "XI-DEMO-PAR3", "ocid_prefix": "ocds-demo00", "licence": "CC-BY-4.0",
                 "dac_sectors": "leche=31163\nmiel=31163"}


def build(program, admin):
    return save_settings(program, DEMO_SETTINGS, admin)
