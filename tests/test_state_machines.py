"""Every state machine is declared in ``grants/workflows`` and a state changes only through the engine's
``apply`` (which checks the role and the rules and writes one audit event): no module assigns ``.state``."""
import ast
import pathlib

import pytest

from grants.workflows import WORKFLOWS

ROOT = pathlib.Path(__file__).resolve().parents[1] / "grants"


def _state_assignments(tree):
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, ast.Attribute) and t.attr == "state" and isinstance(t.ctx, ast.Store):
                    yield t.lineno
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and name.value == "state":
                yield node.lineno


def test_no_state_is_written_outside_the_engine():
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "workflows":
            continue
        found += [f"{rel}:{line}" for line in _state_assignments(ast.parse(path.read_text(), str(path)))]
    assert not found, "write the state through a workflow's apply: " + ", ".join(found)


def test_the_checker_sees_every_form_of_assignment():
    tree = ast.parse("a.state = 'x'\nbefore, b.state = b.state, 'y'\nsetattr(c, 'state', 'z')\nd.other = 1\n")
    assert list(_state_assignments(tree)) == [1, 2, 3]


@pytest.mark.parametrize("name", ["revolving_loan", "ta_terms", "ta_contract", "reallocation"])
def test_the_former_hand_machines_are_declared(name):
    workflow = WORKFLOWS[name]
    assert workflow.roles_of is not None, f"{name}: its stage registers who holds which role"
    assert workflow.transitions
