"""The exports of the demo and of 2,000 seeded alliances (seed-scale) validate against the official schemas:
IATI 2.03 (lxml) and OCDS 1.1 (jsonschema, offline). Slow-ish: one seed per test."""
import os

import sqlalchemy as sa

from grants.associations.models import Member
from grants.demo import seed, seed_scale
from grants.alliances.models import Alliance
from grants.workflows.alliance import FUNDED
from tests.opendata_support import assert_valid_iati, assert_valid_ocds


def _read(resp):
    assert resp.status_code == 200
    return b"".join(resp.response)


def test_demo_exports_validate_and_publish_procurements_without_personal_data(db, client):
    seed(password="demo-pass-phrase-1")
    db.session.commit()
    iati = _read(client.get("/open-data/iati.xml"))
    doc = assert_valid_iati(iati)
    funded = db.session.execute(sa.select(sa.func.count()).where(Alliance.state.in_(FUNDED))).scalar()
    assert len(list(doc.iter("iati-activity"))) >= funded > 0
    assert all(i.text.startswith("XI-DEMO-PAR3-") for i in doc.iter("iati-identifier"))  # the demo's settings
    package = assert_valid_ocds(_read(client.get("/open-data/ocds.json")))
    releases = package["releases"]
    assert releases and package["version"] == "1.1"
    assert all(r["ocid"].startswith("ocds-demo00-") for r in releases)
    awarded = [r for r in releases if r.get("awards")]
    assert awarded and all(r["bids"]["details"] for r in awarded)
    assert any("implementation" in c for r in awarded for c in r.get("contracts", []))
    assert any(r["tender"]["mainProcurementCategory"] == "services" for r in releases)  # TA selections
    for r in releases:
        for party in r["parties"]:
            assert set(party) <= {"id", "name", "roles", "address"}  # no identifier, contact point or phone
    text = (iati + b"".join(client.get("/open-data/ocds.json").response)).decode()
    for name, nid in db.session.execute(sa.select(Member.full_name, Member.national_id)).all():
        assert name not in text and f'"{nid}"' not in text and f">{nid}<" not in text


def _scale_size(db):
    """2,000 alliances (the issue's size) on both databases, unless GRANTS_OPENDATA_SCALE says otherwise."""
    return int(os.environ.get("GRANTS_OPENDATA_SCALE", 2000))


def test_iati_of_2000_seeded_alliances_validates_and_streams(db, client, admin):
    size = _scale_size(db)
    seed_scale(size, members=40, details=True, expenses=12)
    db.session.commit()
    funded = db.session.execute(sa.select(sa.func.count()).where(Alliance.state.in_(FUNDED))).scalar()
    resp = client.get("/open-data/iati.xml")
    parts = list(resp.response)
    assert len(parts) > funded // 200  # streamed: the header, one part per chunk of alliances, the end
    doc = assert_valid_iati(b"".join(parts))
    assert len(list(doc.iter("iati-activity"))) >= funded > size // 4
