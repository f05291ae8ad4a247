"""API endpoints of reallocations between budget lines (API.md)."""
from flask_babel import lazy_gettext as _l

from ...alliances.api import load_alliance
from ...api.core import Out, api_user, dump, endpoint, listing, load, rows_of
from ...schemas.types import MoneyStr
from . import services as svc
from ..models import Reallocation
from ..api import TAGS, _visible, recorded
from .schemas import ReallocationDecisionIn, ReallocationIn



class ReallocationOut(Out):
    id: int
    alliance_id: int
    from_line_id: int
    to_line_id: int
    source: str
    amount: MoneyStr
    justification: str
    state: str
    version: int


listing("/alliances/<int:alliance_id>/reallocations", summary="Reallocations between budget lines",
        response=ReallocationOut, tags=TAGS, name="execution_reallocations", load=load_alliance,
        rows=lambda alliance: rows_of(Reallocation, alliance, Reallocation.id),
        answer=lambda r: dump(ReallocationOut, r))


@endpoint("/alliances/<int:alliance_id>/reallocations", ["POST"], summary="Move money between budget lines",
          body=ReallocationIn, response=ReallocationOut, status=201, tags=TAGS, name="request_reallocation")
def request_reallocation(alliance_id, body):
    """Within ``free_reallocation_share`` of the source line: ``applied`` at once; above: ``pending`` for the
    officer. ``reallocation_breaks_rules``, ``line_funds_exceeded``."""
    alliance = load_alliance(alliance_id)
    return recorded(alliance, lambda user: svc.request_reallocation(alliance, body, user),
                    lambda r: dump(ReallocationOut, r), _l("Only the association's treasurer or board reallocate."))


@endpoint("/reallocations/<int:reallocation_id>/transitions", ["POST"], summary="The officer decides a reallocation",
          body=ReallocationDecisionIn, response=ReallocationOut, tags=TAGS, name="decide_reallocation")
def decide_reallocation(reallocation_id, body):
    r = load(Reallocation, reallocation_id, _visible)
    svc.decide_reallocation(r, body.action, api_user(), body.comment)
    return dump(ReallocationOut, r)
