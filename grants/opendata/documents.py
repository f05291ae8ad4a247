"""The documents an export links to, by their public verification URL (``/verify/{sha256}``, issue 16): the
current Spanish version of each alliance's agreement, plan and closeout report the system issued. The
verification page shows the kind, the alliance code and the issue time, nothing personal; the profile (it
may list members' names) and the statements of expenses are not linked."""
import sqlalchemy as sa
from flask_babel import force_locale

from ..documents.issuing import KINDS, verify_url
from ..documents.models import IssuedDocument
from ..extensions import db

#: the kinds an open-data export links to, in this order
PUBLIC_KINDS = ("agreement", "plan", "closeout")


def issued_documents(alliance_ids):
    """``{alliance_id: [(title, url, issued_on), ...]}`` of the current documents of these alliances (one query)."""
    if not alliance_ids:
        return {}
    rows = db.session.execute(
        sa.select(IssuedDocument.alliance_id, IssuedDocument.kind, IssuedDocument.sha256, IssuedDocument.issued_at)
        .where(IssuedDocument.alliance_id.in_(list(alliance_ids)), IssuedDocument.kind.in_(PUBLIC_KINDS),
               IssuedDocument.language == "es", IssuedDocument.superseded.is_(False))
        .order_by(IssuedDocument.alliance_id, IssuedDocument.issued_at)).all()
    out = {}
    with force_locale("es"):
        titles = {kind: str(KINDS[kind]) for kind in PUBLIC_KINDS}
    for alliance_id, kind, sha256, issued_at in rows:
        out.setdefault(alliance_id, []).append((titles[kind], verify_url(sha256), issued_at.date()))
    for docs in out.values():
        docs.sort(key=lambda d: PUBLIC_KINDS.index(next(k for k, t in titles.items() if t == d[0])))
    return out
