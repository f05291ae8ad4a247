"""The portfolio's per-request cost (issue 12): the filters' choices in one statement, the page in at most six
statements, and the page's figures written by ``Formats`` exactly as the app's filters write them, in both
languages. The figures themselves are compared with a recount in test_portfolio_cells.py and
test_reports_portfolio.py; these tests keep the cheaper path equal to the one it replaced."""
import random
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from grants.associations.models import Association
from grants.closeout import followups
from grants.common import utcnow
from grants.programs.models import Call, Program
from grants.reports import filters as F, portfolio as pf
from grants.reports.cells import PortfolioCell
from grants.reports.formats import Formats
from grants.reports.portfolio_scope import _cell_where, visibility
from grants.web import i18n
from tests.reports_support import world  # noqa: F401
from tests.statements import statements

D = Decimal


def _options_one_by_one(user):
    """The five statements ``options`` sent before it was one UNION ALL: what it must still give."""
    s = pf.db.session
    C = PortfolioCell.__table__
    return {
        "programs": [tuple(r) for r in s.execute(sa.select(Program.id, Program.name).order_by(Program.name))],
        "calls": [tuple(r) for r in s.execute(sa.select(Call.id, Call.title).order_by(Call.opens_at.desc()))],
        "regions": s.execute(sa.select(Association.region).where(visibility(user)).distinct()
                             .order_by(Association.region)).scalars().all(),
        "products": s.execute(sa.select(C.c.product).where(C.c.alliances > 0, *_cell_where(C, user, F.Filters()))
                              .distinct().order_by(C.c.product)).scalars().all(),
        "years": [int(y) for y in s.execute(sa.select(F.year_of(Call.opens_at)).distinct()
                                            .order_by(F.year_of(Call.opens_at).desc())).scalars() if y is not None],
    }


def test_filter_choices_in_one_statement_equal_the_five_lists(db, world, admin, officer, auditor, make_user,
                                                               make_program, make_call, make_association):
    other = make_program()
    make_call(prog=other, opens=-400, closes=-300)  # an older call, of last year or the one before
    make_call(opens=-5)
    make_association(region="Beni")  # a region without alliances is still a choice
    nobody = make_user(roles=["officer"], regions=[])
    for user in (admin, officer, auditor, nobody):
        pf.options(user)  # the user's roles and regions loaded (after the fixtures' commits)
        with statements(db.engine) as seen:
            got = pf.options(user)
        assert len(seen) == 1, seen
        assert got == _options_one_by_one(user), user.email
    assert pf.options(officer)["regions"] == ["La Paz"] and pf.options(nobody)["products"] == []
    assert len(pf.options(admin)["programs"]) >= 2 and "Beni" in pf.options(admin)["regions"]


def test_portfolio_page_statements(db, world, login, admin, officer):
    """Signed-in user, money and indicators (one), durations, survival (two) and the filters' choices: six (was
    eleven: the indicators apart, and four more for the choices)."""
    for user in (admin, officer):
        client = login(user)
        client.get("/portfolio")
        with statements(db.engine) as seen:
            resp = client.get("/portfolio?group=product")
        assert resp.status_code == 200
        assert len(seen) <= 6, "\n".join(seen)


def test_portfolio_page_writes_its_figures_in_the_readers_language(db, world, login, admin):
    client = login(admin)
    es = client.get("/portfolio?lang=es").get_data(as_text=True)
    en = client.get("/portfolio?lang=en").get_data(as_text=True)
    # the committed grant of both funded alliances (220,000.00), with its share disbursed, both ways
    assert "Bs 220.000,00" in es and "Bs 220,000.00" in en
    assert "50,00 %" in es and "50.00 %" in en
    assert 'data-label="Comprometido"' in es and 'data-label="Committed"' in en


VALUES = [0, 1, -1, 12, 999, 1000, 1234, -1234, 10**12 + 7, D("0.005"), D("0.015"), D("-0.001"), D("-0.00"),
          D("1234567.891"), 2.35, 2.45, 0.1, -3.75, D("0.6667"), D("0.5"), D("0.0001"), D("99999999.995")]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_formats_write_what_the_app_filters_write(app, lang):
    rng = random.Random(12)
    values = VALUES + [D(rng.randint(-10**11, 10**11)) / 100 for _ in range(200)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(200)]
    with app.test_request_context("/"), force_locale(lang):
        fmt = Formats()
        for v in values:
            for places in (0, 1, 2):
                assert fmt.number(v, places) == i18n.number(v, places), (v, places)
            for currency in ("BOB", "USD", "PEN", "EUR", None, ""):
                assert fmt.money(v, currency) == i18n.money(v, currency), (v, currency)
            assert fmt.percent(v) == i18n.percent(v), v
        assert fmt.number(None) == fmt.money(None, "BOB") == fmt.percent(None) == ""


def test_survival_reads_the_closed_alliances_of_the_scope(db, world, admin, officer, other_officer):
    """Survival over the scope's closed alliances only (every alliance for an unfiltered admin) equals survival
    over the whole scope, as it was counted before, for each kind of viewer and a filter."""
    for key, days in (("a1", 400), ("a2", 800)):
        world[key].state, world[key].state_changed_at = "closed", utcnow() - timedelta(days=days)
    db.session.flush()
    cases = [(admin, F.Filters()), (officer, F.Filters()), (other_officer, F.Filters()),
             (admin, F.Filters(region="Potosí")), (admin, F.Filters(state="draft"))]
    for user, f in cases:
        expected = followups.survival(sa.select(pf.scope(user, f).c.aid))
        assert pf.build(user, f).survival == expected, (user.email, f)
    assert [s.due for s in pf.build(admin, F.Filters()).survival] == [2, 1, 0]
    assert [s.due for s in pf.build(officer, F.Filters()).survival] == [1, 0, 0]
