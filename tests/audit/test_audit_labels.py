"""Every action the code writes to the audit trail has a human label (in LABELS or as a workflow
transition), so the trail never shows a bare code to an auditor."""
import ast
import pathlib

from grants.audit.labels import LABELS
from grants.workflows import WORKFLOWS

ROOT = pathlib.Path(__file__).resolve().parents[2] / "grants"


def _recorded_actions():
    """(file, line, action) of each ``audit.record(type, id, "action", ...)`` (or a stage's ``_audit`` wrapper)
    whose action is a literal."""
    found = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            owner = getattr(func.value, "id", None) if isinstance(func, ast.Attribute) else None
            if name == "record" and owner in (None, "audit"):
                index = 2  # audit.record(object_type, object_id, action, actor, ...)
            elif name == "_audit":
                index = 3  # a stage's _audit(alliance, object_type, object_id, action, actor, data)
            else:
                continue
            if len(node.args) <= index:
                continue
            action = node.args[index]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.append((path.relative_to(ROOT.parent), node.lineno, action.value))
    return found


def test_the_scan_finds_the_audit_calls():
    actions = {a for _f, _l, a in _recorded_actions()}
    assert {"create", "record", "void", "create_budget_line"} <= actions


def test_every_recorded_action_has_a_label():
    transitions = {name for wf in WORKFLOWS.values() for name in wf.by_name}
    missing = sorted({f"{f}:{line} {a}" for f, line, a in _recorded_actions()
                      if a not in LABELS and a not in transitions})
    assert not missing, "audit actions without a label in grants/audit/labels.py:\n" + "\n".join(missing)
