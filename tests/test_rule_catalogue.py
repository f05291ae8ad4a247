"""The catalogue of rule codes (grants/workflows/rules.py): every code the app raises or returns is in it,
every message reads in Spanish and in English, and pages show the message, never the code."""
import ast
import importlib.util
import pathlib
import re

from flask_babel import force_locale

import grants
from grants.workflows import rules
from grants.workflows.rules import RULES

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
#: calls whose first argument is a rule code: Violation("code", message, field), the financing RuleCheck,
#: the closeout Check, an Alert
CODE_CALLS = {"Violation", "RuleCheck", "Check", "Alert"}
MESSAGE_CALLS = {"_l", "_", "gettext", "lazy_gettext"}
ROOT = pathlib.Path(grants.__file__).parent


def _code(node):
    """The code a node names: a literal ``"x"`` or a catalogue constant ``rules.X`` (``rule_codes.X``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return node.value
    if (isinstance(node, ast.Attribute) and getattr(node.value, "id", None) in ("rules", "rule_codes")
            and re.match(r"^[A-Z][A-Z0-9_]*$", node.attr)):
        return node.attr.lower()  # the constant of a code is the code in capitals (test_every_code_has_a_constant)
    return None


def _is_message(node):
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in MESSAGE_CALLS


def codes_in_source(text, where="<source>"):
    """Every rule code raised or returned in ``text``: ``Violation("x", ...)`` (and ``RuleCheck``, ``Check``,
    ``Alert``), ``collector.add("x", message, ...)``, ``rule="x"``, ``{"rule": "x"}``,
    ``warnings.append(("x", _l(...)))``, ``error_response(status, "x", ...)`` and the ``code = "x"`` of an
    error class. Returns ``{code: [where:line, ...]}``."""
    found = {}

    def add(code, node):
        found.setdefault(code, []).append(f"{where}:{node.lineno}")

    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in CODE_CALLS and node.args and _code(node.args[0]):
                add(_code(node.args[0]), node)
            if (isinstance(func, ast.Attribute) and name == "add" and len(node.args) >= 2
                    and _code(node.args[0])):
                add(_code(node.args[0]), node)
            if (isinstance(func, ast.Attribute) and name == "append" and len(node.args) == 1
                    and isinstance(node.args[0], ast.Tuple) and len(node.args[0].elts) == 2
                    and _code(node.args[0].elts[0]) and _is_message(node.args[0].elts[1])):
                add(_code(node.args[0].elts[0]), node)
            if name == "error_response" and len(node.args) >= 2 and _code(node.args[1]):
                add(_code(node.args[1]), node)
            for kw in node.keywords:
                if kw.arg == "rule" and _code(kw.value):
                    add(_code(kw.value), node)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "rule" and _code(value):
                    add(_code(value), node)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and getattr(stmt.targets[0], "id", None) == "code" and _code(stmt.value)):
                    add(_code(stmt.value), stmt)
    return found


def all_codes():
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        for code, places in codes_in_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))).items():
            found.setdefault(code, []).extend(places)
    return found


def test_every_code_raised_or_returned_is_catalogued():
    found = all_codes()
    assert len(found) > 70  # the walk really finds the codes (74 rule codes and the API's error codes)
    missing = {code: places[:3] for code, places in found.items() if code not in RULES}
    assert not missing, f"rule codes not in grants/workflows/rules.py: {missing}"


def test_the_walk_finds_each_pattern():
    source = '''
c.add("a_code", _l("x"), "field")
raise RuleViolation([Violation("b_code", _l("y"))])
checks.append(RuleCheck("c_code", _l("Label"), "ok"))
warnings.append(("d_code", _l("z")))
details = [{"rule": "e_code", "message": "m"}]
v = Violation(rule="f_code", message="m")
class Boom(DomainError):
    code = "g_code"
resp = error_response(409, "h_code", _l("m"))
add("not_a_code", "item", 1, 2)
choices = [("grant", _l("Grant"))]
c.add(rules.I_CODE, _l("x"), "field")
raise RuleViolation([Violation(rule_codes.J_CODE, _l("y"))])
x = other.K_CODE
'''
    assert set(codes_in_source(source)) == {"a_code", "b_code", "c_code", "d_code", "e_code", "f_code", "g_code",
                                            "h_code", "i_code", "j_code"}


def test_every_code_has_a_constant():
    for code in RULES:
        assert getattr(rules, code.upper()) == code
    assert rules.GRANT_SHARE_EXCEEDED == "grant_share_exceeded" and rules.RECEIPTS_MISSING == "receipts_missing"


def codemod():
    """scripts/codemods/rule_constants.py, the codemod that writes rule codes as the catalogue's constants."""
    path = ROOT.parent / "scripts" / "codemods" / "rule_constants.py"
    spec = importlib.util.spec_from_file_location("rule_constants", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: where a rule code may stay a literal in a raising or collecting call, and why. Only the modules in the
#: import-linter layers below grants.workflows (read from pyproject): they may not import the catalogue
#: (grants.errors' error classes, grants.money's AmountError, grants.accounts, grants.api's error responses,
#: grants.web.* ...). Nothing else.
ALLOWED_LITERALS = "modules below grants.workflows in the layers contract"


def test_services_raise_rule_codes_by_constant():
    mod = codemod()
    codes, low = mod.catalogue(), mod.low_modules()
    assert {"grants.errors", "grants.money", "grants.accounts", "grants.api", "grants.audit"} <= low
    assert not low & {"grants.workflows", "grants.alliances", "grants.execution", "grants.associations"}
    assert len(codes) == len(RULES)  # every code of the catalogue has its constant, read without importing
    literal, kept = {}, {}
    for path in sorted(ROOT.rglob("*.py")):
        if path == ROOT / "workflows" / "rules.py":
            continue
        module, _ = mod.module_name(path)
        found = mod.code_literals(ast.parse(path.read_text(encoding="utf-8")), codes)
        places = [f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}" for node in found]
        if places:
            (kept if mod.is_low(module, low) else literal)[module] = places
    assert not literal, ("rule codes written as literals; run .venv/bin/python scripts/codemods/rule_constants.py: "
                         f"{literal}")
    assert kept  # the low modules' literals are found, and allowed (ALLOWED_LITERALS)


SAMPLE = '''"""A service."""
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import Collector, Violation
from .models import Thing


def check(thing, rows):
    c = Collector()
    c.add("line_funds_exceeded", _l("Too much."), "amount")
    c.add("required" if thing else "invalid", _l("Give it."))
    c.add("made_up_code", _l("Not in the catalogue."))
    db.session.add("invalid")
    rows.append(("receipts_missing", _l("No receipt.")))
    rows.append(("invalid", "a plain pair"))
    state = {"state": "invalid", "rule": "invalid"}
    raise RuleViolation([Violation("report_locked", _l("Locked.")), Violation(rule="duplicate", message="m")])
'''


def test_the_codemod_rewrites_only_rule_codes_and_is_idempotent():
    mod = codemod()
    codes = mod.catalogue()
    new, changed = mod.rewrite(SAMPLE, ["grants", "execution"], codes)
    assert [code for _, code in changed] == ["line_funds_exceeded", "invalid", "required", "receipts_missing",
                                             "invalid", "duplicate", "report_locked"]  # by line, then code
    assert "from ..errors import Collector, Violation\nfrom ..workflows import rules\nfrom .models" in new
    assert 'c.add(rules.LINE_FUNDS_EXCEEDED, _l("Too much."), "amount")' in new
    assert 'c.add(rules.REQUIRED if thing else rules.INVALID, _l("Give it."))' in new
    assert 'c.add("made_up_code"' in new  # not catalogued: left for test_every_code_raised_or_returned_is_catalogued
    assert 'db.session.add("invalid")' in new and 'rows.append(("invalid", "a plain pair"))' in new
    assert 'rows.append((rules.RECEIPTS_MISSING, _l("No receipt.")))' in new
    assert '{"state": "invalid", "rule": rules.INVALID}' in new
    assert 'Violation(rules.REPORT_LOCKED, _l("Locked.")), Violation(rule=rules.DUPLICATE, message="m")' in new
    assert mod.rewrite(new, ["grants", "execution"], codes) == (new, [])  # a second run changes nothing


def test_the_codemod_names_the_import_for_where_the_module_is():
    mod = codemod()
    codes = mod.catalogue()
    source = '''from ..errors import Violation\n\n\ndef f(rules):\n    return Violation("invalid", rules)\n'''
    new, _ = mod.rewrite(source, ["grants", "execution", "sub"], codes)
    # the name "rules" is taken in this module: the catalogue comes in as rule_codes; two levels up, and
    # sorted as isort does (the farther level first)
    assert new.splitlines()[:2] == ["from ...workflows import rules as rule_codes", "from ..errors import Violation"]
    assert 'Violation(rule_codes.INVALID, rules)' in new
    assert mod.rewrite(new, ["grants", "execution", "sub"], codes) == (new, [])
    new, _ = mod.rewrite('from .engine import guard\n\nx = Violation("invalid", "m")\n', ["grants", "workflows"], codes)
    assert new.startswith("from . import rules\nfrom .engine import guard\n")
    assert mod.is_low("grants.accounts.services", mod.low_modules())
    assert not mod.is_low("grants.alliances.inputs", mod.low_modules())


def test_the_codemod_rewrites_the_assertions_of_tests():
    mod = codemod()
    source = '''from grants.errors import RuleViolation
from tests.plan_helpers import line


def test_x(exc, resp):
    assert exc.value.rules == ["line_funds_exceeded", "invalid"]
    assert "report_locked" in [v.rule for v in exc.value.violations] and resp.status == "invalid"
    record("invalid")
    assert codes(alliance, "low_execution") == ["low_execution"]


def test_api(resp):
    details = resp.get_json()["error"]["details"]
    seen = {d["rule"] for d in details}
    assert seen == {"invalid"} and [d["rule"] for d in details] == ["invalid"]
    assert resp.status_code == 422 and rules(resp) == ["invalid"]
'''
    new, changed = mod.rewrite(source, ["tests"], mod.catalogue(), tests=True)
    # the API's JSON keeps its literal codes: they are the contract (API.md)
    assert [code for _, code in changed] == ["invalid", "line_funds_exceeded", "report_locked", "low_execution",
                                             "low_execution"]
    assert "from grants.errors import RuleViolation\nfrom grants.workflows import rules\nfrom tests" in new
    assert "exc.value.rules == [rules.LINE_FUNDS_EXCEEDED, rules.INVALID]" in new
    assert 'rules.REPORT_LOCKED in [v.rule' in new and 'resp.status == "invalid"' in new
    assert 'record("invalid")' in new
    assert "codes(alliance, rules.LOW_EXECUTION) == [rules.LOW_EXECUTION]" in new
    assert new.endswith(source[source.index("def test_api"):])
    assert mod.rewrite(new, ["tests"], mod.catalogue(), tests=True) == (new, [])


def test_every_message_reads_in_spanish_and_in_english(app):
    untranslated = []
    with app.test_request_context("/"):
        for code, rule in RULES.items():
            with force_locale("en"):
                english = str(rule.message)
            with force_locale("es"):
                spanish = str(rule.message)
            assert english and spanish, code
            assert "_" not in code or (code not in english and code not in spanish), code
            if spanish == english and code not in rules.SAME_IN_BOTH:
                untranslated.append(code)
    assert not untranslated, f"no Spanish message for: {untranslated}"


def test_an_unknown_code_never_shows_itself(app):
    with app.test_request_context("/"), force_locale("es"):
        assert str(rules.message("grant_share_exceeded")).startswith("La subvención es una parte del total")
        assert "made_up_code" not in str(rules.message("made_up_code"))


def visible_text(html):
    """The text a reader sees: no tags, no attributes, no scripts."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style") and self.skip > 0

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_a_spanish_page_shows_the_rule_message_not_its_code(db, login, alliance, officer, facilitator):
    from grants.plans import budget
    from tests.plan_helpers import line_in, start_plan

    plan = start_plan(alliance, officer, facilitator)
    # 90 % grant: more than the program's 70 %, and too little counterpart
    budget.add_line(plan, line_in("equipment", "Tanque de frío", "1", "10000.00", "9000.00", "500.00", "500.00"),
                    facilitator)
    db.session.commit()
    html = login(facilitator).get(f"/alliances/{plan.id}/plan/budget").get_data(as_text=True)
    assert 'data-rule="grant_share_exceeded" data-server="fail"' in html  # the code stays for machines
    text = visible_text(html)
    assert "No cumple" in text and "la subvención es el 90,00 % del total" in text.lower().replace("\xa0", " ")
    for code in ("grant_share_exceeded", "counterpart_share_too_low", "counterpart_cash_too_low"):
        assert code not in text
    overview = visible_text(login(facilitator).get(f"/alliances/{plan.id}/plan").get_data(as_text=True))
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", overview), re.findall(r"\b[a-z]+_[a-z_]+\b", overview)[:5]


def test_a_spanish_users_budget_spreadsheet_is_spanish_and_imports_back(db, login, alliance, officer, facilitator):
    import io
    from decimal import Decimal

    import sqlalchemy as sa
    from openpyxl import load_workbook

    from grants.alliances.budget import BudgetLine
    from grants.plans import budget
    from tests.plan_helpers import line_in, start_plan

    plan = start_plan(alliance, officer, facilitator)
    budget.add_line(plan, line_in("equipment", "Tanque de frío", "1", "10000.00", "9000.00", "500.00", "500.00"),
                    facilitator)
    db.session.commit()
    web = login(facilitator)
    resp = web.get(f"/alliances/{plan.id}/plan/budget.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["Categoría", "Descripción", "Unidad", "Cantidad", "Costo unitario",
                                        "Subvención", "Contraparte en efectivo", "Contraparte en especie",
                                        "Otras fuentes", "Total"]
    assert ws["A2"].value == "Equipamiento" and ws["E2"].number_format == '"Bs" #,##0.00'
    financing = [[c.value for c in row] for row in wb["financing"].iter_rows()]
    words = " ".join(str(v) for row in financing for v in row if isinstance(v, str))
    assert "No cumple" in words and "Subvención" in words
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), words  # no codes
    ws.append(["Capacitación", "Curso de ordeño", "taller", 4, 250.5, 701.4, 100.6, 200, 0, None])
    out = io.BytesIO()
    wb.save(out)
    resp = web.post(f"/alliances/{plan.id}/plan/budget/import",
                    data={"file": (io.BytesIO(out.getvalue()), "presupuesto.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    lines = db.session.execute(sa.select(BudgetLine).order_by(BudgetLine.position)).scalars().all()
    assert [(x.category, x.total) for x in lines] == [("equipment", Decimal("10000.00")),
                                                      ("training", Decimal("1002.00"))]


def test_the_statement_spreadsheet_of_a_spanish_member_writes_titles_not_codes(db, login, alliance, officer,
                                                                               facilitator, board, treasurer,
                                                                               member_user):
    import io
    from datetime import date

    from openpyxl import load_workbook

    from grants.execution import expenses, reports
    from tests.execution_support import executing, expense_data

    live = executing(alliance, officer, facilitator, board)
    expenses.record_expense(live, expense_data(live.budget_lines[0], "1250.50"), treasurer)
    r = reports.create_report(live, {"period_start": "2020-01-01", "period_end": date.today().isoformat()},
                              treasurer)
    db.session.commit()
    resp = login(member_user).get(f"/alliances/{live.id}/execution/reports/{r.id}/statement.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    row = [c for c in wb["expenses"][2]]
    assert [c.value for c in wb["expenses"][1]][:3] == ["Fecha", "Línea", "Fuente"]
    assert row[2].value == "Subvención" and row[4].value == "Factura"  # not "grant", "invoice"
    assert row[6].value == 1250.5 and row[6].number_format == '"Bs" #,##0.00'


def test_the_revisions_page_names_what_changed_in_words(db, login, alliance, officer, facilitator, board):
    from grants.alliances.services import take_action
    from grants.plans import budget
    from tests.plan_helpers import complete_plan, patch, start_plan

    start_plan(alliance, officer, facilitator)
    complete_plan(alliance, facilitator)
    take_action(alliance, "submit_plan", board)
    take_action(alliance, "start_appraisal", officer)
    take_action(alliance, "return_plan", officer, {"comment": "Revisar el costo del galpón."})
    galpon = alliance.budget_lines[1]
    budget.update_line(galpon, patch(galpon, {"unit_cost": "280000.00", "grant": "196000.00", "counterpart_cash": "28000.00",
                                "counterpart_in_kind": "56000.00"}), facilitator)
    budget.update_tranche(alliance.tranches[1], patch(alliance.tranches[1], {"amount": "136000.00"}), facilitator)
    take_action(alliance, "submit_plan", board)
    db.session.commit()
    text = visible_text(login(board).get(f"/alliances/{alliance.id}/plan/revisions").get_data(as_text=True))
    assert "Línea de presupuesto" in text and "Resumen del financiamiento" in text
    for code in ("budget_line", "financing", "tranche"):
        assert not re.search(rf"\b{code}\b", text), code
