"""Open data (issue 17): the IATI 2.03 activities and the OCDS 1.1 release package validate against the
official schemas (offline), carry what the issue asks for and no personal data; the open-data page, its CSV
files, the ETags, the program's settings and the CLI export."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.associations.models import Member
from grants.errors import RuleViolation
from grants.opendata.settings import save_settings, settings_for
from grants.programs.models import Program
from grants.workflows import rules
from tests.opendata_support import assert_valid_iati, assert_valid_ocds
from tests.reports_support import world  # noqa: F401

NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


def _personal(db):
    """Members' names, and their ID numbers as a whole value (an XML text, a JSON string or a CSV cell)."""
    rows = db.session.execute(sa.select(Member.full_name, Member.national_id)).all()
    assert rows
    return [name for name, _nid in rows] + [f"{l}{nid}{r}" for _n, nid in rows
                                            for l, r in ((">", "<"), ('"', '"'), (",", ","), (",", "\r"))]


def test_iati_of_funded_alliances_is_valid_and_complete(db, client, world, admin):
    a1, a2 = world["a1"], world["a2"]
    resp = client.get("/open-data/iati.xml")
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    doc = assert_valid_iati(resp.data)
    program = a1.call.program
    ids = [e.text for e in doc.iter("iati-identifier")]
    assert ids == sorted([f"{program.code}-{a1.code}", f"{program.code}-{a2.code}"])  # the draft is not funded
    act = next(a for a in doc.iter("iati-activity") if a.findtext("iati-identifier").endswith(a1.code))
    assert act.get("default-currency") == program.currency
    roles = sorted(p.get("role") for p in act.iter("participating-org"))
    assert roles == ["1", "1", "2", "4"]  # program and association fund, the buyer is a partner, the association implements
    assert act.find("activity-status").get("code") == "2"
    assert act.find("location/name/narrative").text == f"{a1.association.municipality}, {a1.association.region}"
    assert act.find("sector").get("vocabulary") == "1" and len(act.find("sector").get("code")) == 5
    budgets = [Decimal(b.findtext("value")) for b in act.iter("budget")]
    assert budgets == [Decimal("140000.00"), Decimal("50000.00")]  # grant; counterpart cash + in kind
    kinds = [t.find("transaction-type").get("code") for t in act.iter("transaction")]
    assert kinds[0] == "2" and "3" in kinds and "11" in kinds
    disbursed = [Decimal(t.findtext("value")) for t in act.iter("transaction")
                 if t.find("transaction-type").get("code") == "3"]
    from grants.alliances.budget import Tranche
    expected = sorted(t.disbursed_amount or t.amount for t in db.session.execute(
        sa.select(Tranche).where(Tranche.alliance_id == a1.id, Tranche.state == "disbursed")).scalars())
    assert sorted(disbursed) == expected and expected
    langs = {n.get(f"{{{NS['xml']}}}lang") for n in act.find("description").iter("narrative")}
    assert langs == {"es", "en"}
    indicators = list(act.iter("indicator"))
    assert indicators and all(i.find("title/narrative") is not None for i in indicators)
    body = resp.get_data(as_text=True)
    for value in _personal(db):
        assert value not in body


def test_iati_counts_people_by_sex_and_refunds_as_incoming_funds(db, client, world):
    from grants.closeout.models import Refund
    from grants.monitoring.models import IndicatorValue
    from grants.plans.models import Indicator

    a1 = world["a1"]
    families = Indicator(alliance_id=a1.id, code="families", name="Familias", unit="familias", by_sex=True,
                         standard=True, baseline=Decimal("0"), target=Decimal("20"), position=50)
    db.session.add(families)
    db.session.flush()
    db.session.add_all([IndicatorValue(alliance_id=a1.id, indicator_id=families.id, period="2025-06",
                                       value=Decimal("20"), women=9, men=11),
                        Refund(alliance_id=a1.id, amount=Decimal("1234.50"), reference="DEV-1",
                               refunded_on=a1.created_at.date())])
    db.session.flush()
    doc = assert_valid_iati(client.get("/open-data/iati.xml").data)
    act = next(a for a in doc.iter("iati-activity") if a.findtext("iati-identifier").endswith(a1.code))
    ind = next(i for i in act.iter("indicator") if i.find("reference").get("code") == "families")
    by_sex = {a.find("dimension").get("value"): a.get("value") for a in ind.iter("actual")
              if a.find("dimension") is not None}
    assert by_sex == {"female": "9", "male": "11"}
    assert ind.find("period/period-end").get("iso-date") == "2025-06-30"
    incoming = [t for t in act.iter("transaction") if t.find("transaction-type").get("code") == "1"
                and t.findtext("value") == "1234.50"]
    assert len(incoming) == 1 and incoming[0].find("receiver-org").get("ref") == a1.call.program.code


def test_files_are_cacheable_with_an_etag_that_changes_with_the_data(db, client, world, admin):
    from grants import audit

    first = client.get("/open-data/iati.xml")
    assert first.data  # streamed: read it all
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"] and first.headers.get("Last-Modified")
    again = client.get("/open-data/iati.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    audit.record("alliance", world["a1"].id, "note", admin, alliance_id=world["a1"].id)
    db.session.flush()
    changed = client.get("/open-data/iati.xml", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and changed.data
    for path in ("/open-data/alliances.csv", "/open-data/ocds.json", "/open-data"):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.data, path
        assert client.get(path, headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304, path


def test_open_data_page_lists_every_file_with_licence_and_date(db, client, world):
    resp = client.get("/open-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for href in ("/open-data/iati.xml", "/open-data/ocds.json", "/open-data/alliances.csv",
                 "/open-data/regions.csv", "/open-data/years.csv", "/open-data/results.csv"):
        assert f'href="{href}"' in page
        got = client.get(href)
        assert got.status_code == 200 and got.data, href
    assert "https://creativecommons.org/licenses/by/4.0/" in page and "Datos al" in page
    assert 'id="open-data-link"' in client.get("/portal").get_data(as_text=True)


def test_csv_tables_are_the_portals_columns(db, client, world):
    text = client.get("/open-data/alliances.csv").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("code,association,product,municipality,region,state,currency,year,families")
    codes = sorted(line.split(",")[0] for line in lines[1:])
    assert codes == sorted([world["a1"].code, world["a2"].code])
    regions = client.get("/open-data/regions.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert regions[0].startswith("region,currency,alliances") and len(regions) == 3
    for value in _personal(db):
        assert value not in text


def test_settings_refuse_every_bad_value_at_once_and_shape_the_exports(db, client, world, admin):
    program = world["a1"].call.program
    with pytest.raises(RuleViolation) as err:
        save_settings(program, {"reporting_org_ref": "x", "ocid_prefix": "abc", "licence": "GPL",
                                "dac_sectors": "leche=311"}, admin)
    assert sorted(err.value.rules) == [rules.DAC_SECTOR_INVALID, rules.IATI_ORG_REF_INVALID, rules.LICENCE_UNKNOWN,
                                       rules.OCID_PREFIX_INVALID]
    assert settings_for(program).licence == "CC-BY-4.0"  # nothing saved
    save_settings(program, {"reporting_org_ref": "BO-NIT-1020304050", "ocid_prefix": "ocds-a1b2c3",
                            "licence": "CC0-1.0", "dac_sectors": "papa=31194"}, admin)
    db.session.flush()
    doc = assert_valid_iati(client.get("/open-data/iati.xml").data)
    act = next(a for a in doc.iter("iati-activity") if a.findtext("iati-identifier").endswith(world["a1"].code))
    assert act.findtext("iati-identifier") == f"BO-NIT-1020304050-{world['a1'].code}"
    assert act.find("reporting-org").get("ref") == "BO-NIT-1020304050"
    assert settings_for(program).sector_of("Papa nativa") == "31194"
    assert "creativecommons.org/publicdomain/zero" in client.get("/open-data").get_data(as_text=True)


def test_settings_page_for_the_admin_keeps_the_input_on_error(db, app, world, login, admin):
    program = world["a1"].call.program
    client = login(admin)
    assert f'href="/open-data/settings/{program.id}"' in client.get(f"/programs/{program.id}").get_data(as_text=True)
    resp = client.post(f"/open-data/settings/{program.id}", data={
        "reporting_org_ref": "BO-NIT-77", "ocid_prefix": "nope", "licence": "CC-BY-4.0", "dac_sectors": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "BO-NIT-77" in page and "ocds-" in page
    resp = client.post(f"/open-data/settings/{program.id}", data={
        "reporting_org_ref": "BO-NIT-77", "ocid_prefix": "ocds-zz9999", "licence": "CC-BY-4.0",
        "dac_sectors": "quinua=31161"})
    assert resp.status_code == 302
    assert settings_for(db.session.get(Program, program.id)).ocid_prefix == "ocds-zz9999"


def test_cli_export_iati_writes_the_file(db, app, world, tmp_path):
    db.session.commit()
    out = tmp_path / "iati.xml"
    result = app.test_cli_runner().invoke(args=["grants", "export-iati", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = assert_valid_iati(out.read_bytes())
    assert len(list(doc.iter("iati-activity"))) == 2


def test_api_reads_and_sets_the_settings_with_every_rule_code(db, api, world, admin, board):
    from tests.api.test_api_support import assert_error

    program = world["a1"].call.program
    path = f"/programs/{program.id}/open-data"
    got = api(board).get(path)
    assert got.status_code == 200 and got.get_json()["licence"] == "CC-BY-4.0"
    assert got.get_json()["reporting_org_ref"] == program.code
    assert_error(api(board).put(path, json={"licence": "CC0-1.0"}), 403)
    err = assert_error(api(admin).put(path, json={"reporting_org_ref": "x", "ocid_prefix": "ocds-", "licence": "MIT",
                                                  "dac_sectors": "cafe=9"}), 422, "rule_violation")
    assert sorted(d["rule"] for d in err["details"]) == ["dac_sector_invalid", "iati_org_ref_invalid",
                                                         "licence_unknown", "ocid_prefix_invalid"]
    ok = api(admin).put(path, json={"ocid_prefix": "ocds-q1w2e3", "dac_sectors": "cafe=31162"})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.get_json()["ocid_prefix"] == "ocds-q1w2e3" and ok.get_json()["reporting_org_ref"] == program.code
    assert_error(api(admin).get("/programs/999999/open-data"), 404)


def test_iati_links_the_issued_agreement_by_its_verification_address(db, client, world, admin, login):
    """Issue 17 with issue 16: once the agreement was printed, its activity links it by /verify/<code>
    (the Spanish, current version; nothing personal), and the file stays valid."""
    import re

    a1 = world["a1"]
    before = client.get("/open-data/iati.xml")
    assert 'document-link' not in before.get_data(as_text=True)
    pdf = login(admin).get(f"/funding/alliances/{a1.id}/agreement.pdf")
    assert pdf.status_code == 200
    after = client.get("/open-data/iati.xml", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "a cached file must not hide the new document (issuing writes no event)"
    doc = assert_valid_iati(after.data)
    act = next(a for a in doc.iter("iati-activity") if a.findtext("iati-identifier").endswith(a1.code))
    (link,) = act.iter("document-link")
    code = re.search(r"/verify/([0-9a-f]{64})$", link.get("url")).group(1)
    assert link.findtext("title/narrative") == "Convenio de alianza productiva"
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and a1.code in page.get_data(as_text=True)


def test_dac_lines_are_read_by_their_schema_and_a_bad_line_is_named():
    """Issue 14: ``parse_dac`` reads each ``word=code`` line with the ``DacSector`` schema (no hand parser);
    blank lines count in the line number the message gives; words are lower case, spaces around dropped."""
    from grants.opendata.schemas import DAC_SECTORS
    from grants.opendata.settings import parse_dac

    assert parse_dac("\n  Leche Fresca = 31163 \n\nCAFÉ=31162\n") == (("leche fresca", "31163"), ("café", "31162"))
    assert parse_dac("") == () and parse_dac(None) == ()
    for text, line in (("leche=31163\ncafe=9", 2), ("leche", 1), ("\n\n=31163", 3), ("miel=31163\n\npapa=03116", 3),
                       ("a=b=31163", 1), ("quinua=３１１６１", 1)):
        with pytest.raises(ValueError) as err:
            parse_dac(text)
        assert err.value.args == (line,), text
    assert [s.word for s in DAC_SECTORS.validate_python("x=31120\n\ny=31161") if s] == ["x", "y"]


def test_settings_page_shows_each_error_at_its_field_and_keeps_every_line(db, app, world, login, admin):
    """The settings page writes through the one page edge with the ``OpenDataIn`` schema: the DAC line refused is
    named at its own field, what was typed stays, nothing is saved; an emptied list of sectors clears them."""
    program = world["a1"].call.program
    client = login(admin)
    typed = "leche=31163\n\nmiel=9"
    resp = client.post(f"/open-data/settings/{program.id}", data={
        "reporting_org_ref": "BO-NIT-4455", "ocid_prefix": "ocds-b2c3d4", "licence": "CC0-1.0", "dac_sectors": typed})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="dac_sectors-err">Línea 3: escriba una palabra del producto' in page
    assert "miel=9</textarea>" in page and 'value="BO-NIT-4455"' in page
    assert settings_for(db.session.get(Program, program.id)).licence == "CC-BY-4.0"  # nothing saved
    resp = client.post(f"/open-data/settings/{program.id}", data={
        "reporting_org_ref": "BO-NIT-4455", "ocid_prefix": "ocds-b2c3d4", "licence": "CC0-1.0",
        "dac_sectors": "miel=31194"})
    assert resp.status_code == 302
    assert settings_for(db.session.get(Program, program.id)).sector_of("Miel de abeja") == "31194"
    resp = client.post(f"/open-data/settings/{program.id}", data={
        "reporting_org_ref": "BO-NIT-4455", "ocid_prefix": "ocds-b2c3d4", "licence": "CC0-1.0", "dac_sectors": ""})
    assert resp.status_code == 302
    assert settings_for(db.session.get(Program, program.id)).sector_of("Miel de abeja") == "31163"  # the default
