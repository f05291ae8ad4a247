"""API of the program's open-data settings (issue 17). The exports themselves are public files, not API
resources: ``/open-data/iati.xml``, ``/open-data/ocds.json``."""
from ..api.core import Out, api_user, endpoint, load, require_role
from ..extensions import db
from ..programs.models import Program
from .models import OpenDataSettings
from .schemas import OpenDataIn
from .settings import save_settings, settings_for


class OpenDataOut(Out):
    program_id: int
    reporting_org_ref: str
    ocid_prefix: str
    licence: str
    licence_url: str
    dac_sectors: str


def _out(program):
    s = settings_for(program)
    row = db.session.get(OpenDataSettings, program.id)
    return {"program_id": program.id, "reporting_org_ref": s.reporting_org_ref, "ocid_prefix": s.ocid_prefix,
            "licence": s.licence, "licence_url": s.licence_url, "dac_sectors": row.dac_sectors if row else ""}


@endpoint("/programs/<int:program_id>/open-data", summary="The program's open-data settings",
          response=OpenDataOut, tags=("programs",))
def get_open_data(program_id):
    return _out(load(Program, program_id))


@endpoint("/programs/<int:program_id>/open-data", ["PUT"], summary="Set the program's open-data settings (admin)",
          body=OpenDataIn, response=OpenDataOut, tags=("programs",), name="put_open_data")
def put_open_data(program_id, body):
    """A field left out keeps its value. Rules: ``iati_org_ref_invalid``, ``ocid_prefix_invalid``,
    ``licence_unknown``, ``dac_sector_invalid`` (every broken one at once)."""
    require_role("admin")
    program = load(Program, program_id)
    save_settings(program, body.model_dump(exclude_none=True), api_user())
    return _out(program)
