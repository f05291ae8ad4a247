"""Codemod: rule codes written as string literals become the catalogue's constants.

    .venv/bin/python scripts/codemods/rule_constants.py            # rewrite grants/
    .venv/bin/python scripts/codemods/rule_constants.py --check    # list what it would rewrite; exit 1 if any
    .venv/bin/python scripts/codemods/rule_constants.py --tests    # rewrite the assertions in tests/

In ``grants/`` a literal is rewritten only where it is the rule-code argument of a raising or collecting call
(see ``CODE_ARGS``; ``"a" if x else "b"`` in that place too), ``rule="x"``, ``{"rule": "x"}`` and
``warnings.append(("x", _l(...)))``, and only when the catalogue ``grants/workflows/rules.py`` has a constant
for it: ``Violation("line_funds_exceeded", ...)`` becomes ``Violation(rules.LINE_FUNDS_EXCEEDED, ...)`` and the
module gets ``from ..workflows import rules`` (relative, like the app's other imports; named ``rule_codes``
where the module already uses the name ``rules`` for something else). Modules in a layer below
``grants.workflows`` in pyproject's import-linter contract (``grants.errors``, ``grants.money``,
``grants.accounts``, ``grants.api`` ...) may not import the catalogue: their literals stay (``low_modules``).

With ``--tests``, in the test files (not the API tests, whose literals are the JSON contract of API.md), a
literal code is rewritten inside an ``assert`` where it is compared with something that names a rule
(``v.rule == "x"``, ``"x" in exc.value.rules``, ``[v.rule for v in c] == ["x", "y"]``); the test module gets
``from grants.workflows import rules``.

Only the literal's own characters and one import line change, so it merges with other work on the same
files, and a second run changes nothing: it is safe to run again on main after other branches merge.
"""
import argparse
import ast
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "grants" / "workflows" / "rules.py"
CATALOGUE_MODULE = "grants.workflows.rules"

#: call name -> position of its rule-code argument: the errors' Violation and Collector.add, the financing
#: RuleCheck, the closeout Check, an alert (its source and the Alert), the API's error calls, and the few
#: local helpers that build a Violation from their first (or second) argument
CODE_ARGS = {
    "Violation": 0,
    "add": 0,  # Collector.add(rule, message, field): only with two arguments or more
    "RuleCheck": 0,
    "Check": 0,
    "Alert": 0,
    "source": 0,  # alerts.source(code, message=...): only as alerts.source
    "error_response": 1,
    "ApiError": 1,
    "_violation": 0,
    "err": 0,
    "_file_error": 1,
}
#: test files whose literal codes stay: the catalogue's own test checks the constants against the literals
KEEP_TESTS = {"test_rule_catalogue.py"}
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
NAMES = ("rules", "rule_codes")  # the name the catalogue is imported as; the second where the first is taken


def catalogue(path=CATALOGUE):
    """``{code: CONSTANT}`` for every module-level ``CONSTANT = "code"`` of the catalogue (read, not imported)."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.isupper() and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str) and CODE.match(node.value.value)
                and node.targets[0].id == node.value.value.upper()):
            found[node.value.value] = node.targets[0].id
    return found


def low_modules(pyproject=ROOT / "pyproject.toml"):
    """The modules in the layers below the one of ``grants.workflows``: they may not import the catalogue."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("type") != "layers":
            continue
        layers = [[m.strip() for m in re.split(r"[:|]", layer)] for layer in contract["layers"]]
        for i, layer in enumerate(layers):
            if "grants.workflows" in layer:
                return frozenset(m for below in layers[i + 1:] for m in below)
    return frozenset()


def module_name(path, root=ROOT):
    """``(dotted module name, its package as a list of names)`` of a file under ``root``."""
    parts = list(pathlib.Path(path).resolve().relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def is_low(module, low):
    return any(module == m or module.startswith(m + ".") for m in low)


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _literals(node, codes):
    """The literal codes in ``node``: the node itself, or both branches of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in codes:
        return [node]
    if isinstance(node, ast.IfExp):
        return _literals(node.body, codes) + _literals(node.orelse, codes)
    return []


def _is_message(node):
    return isinstance(node, ast.Call) and _name(node.func) in {"_l", "_", "gettext", "lazy_gettext"}


def code_literals(tree, codes):
    """The string literals of ``tree`` that are a rule code where the app raises, collects or returns one."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            pos = CODE_ARGS.get(name)
            if name == "add" and (len(node.args) < 2 or not isinstance(node.func, ast.Attribute)):
                pos = None
            if name == "source" and not (isinstance(node.func, ast.Attribute)
                                         and getattr(node.func.value, "id", None) == "alerts"):
                pos = None
            if pos is not None and len(node.args) > pos:
                found += _literals(node.args[pos], codes)
            if (name == "append" and len(node.args) == 1 and isinstance(node.args[0], ast.Tuple)
                    and len(node.args[0].elts) == 2 and _is_message(node.args[0].elts[1])):
                found += _literals(node.args[0].elts[0], codes)
            for kw in node.keywords:
                if kw.arg == "rule":
                    found += _literals(kw.value, codes)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "rule":
                    found += _literals(value, codes)
    return _unique(found)


def _unique(nodes):
    seen, out = set(), []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            out.append(node)
    return out


def _mentions_rule(node):
    """Whether an expression reads a rule code: ``v.rule``, ``exc.value.rules``, ``x["rule"]``, ``rules``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in ("rule", "rules", "code", "codes"):
            return True
        if isinstance(sub, ast.Name) and ("rule" in sub.id or sub.id in ("code", "codes")):
            return True
    return False


#: what shows an expression reads the HTTP API's JSON, whose literal codes are the contract (API.md)
JSON_ATTRS = {"get_json", "json", "status_code"}
JSON_KEYS = {"error", "details", "rule", "code"}


def _reads_json(node, tainted=frozenset()):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in JSON_ATTRS:
            return True
        if (isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant)
                and sub.slice.value in JSON_KEYS):
            return True
        if isinstance(sub, ast.Name) and sub.id in tainted:
            return True
    return False


def _json_names(function):
    """The names a test function assigns from the API's JSON (``details = resp.get_json()["error"]...``)."""
    tainted = set()
    assigns = sorted((n for n in ast.walk(function) if isinstance(n, (ast.Assign, ast.AnnAssign))),
                     key=lambda n: n.lineno)
    for node in assigns:
        if node.value is not None and _reads_json(node.value, tainted):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            tainted |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return tainted


def assertion_literals(tree, codes):
    """In tests: the literal codes compared, inside an ``assert``, with an expression that reads a rule; not
    where the assertion reads the API's JSON (the literal code there is the contract)."""
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions:
        tainted = _json_names(function)
        for stmt in ast.walk(function):
            if not isinstance(stmt, ast.Assert) or _reads_json(stmt.test, tainted):
                continue
            for cmp in ast.walk(stmt.test):
                if not isinstance(cmp, ast.Compare):
                    continue
                operands = [cmp.left, *cmp.comparators]
                for i, operand in enumerate(operands):
                    others = operands[:i] + operands[i + 1:]
                    if isinstance(operand, ast.Call) and _mentions_rule(operand.func):
                        for arg in operand.args:  # codes(alliance, day, "x") == ["x"]: the code asked for too
                            found += _literals(arg, codes)
                    if not any(_mentions_rule(o) for o in others):
                        continue
                    items = operand.elts if isinstance(operand, (ast.List, ast.Set, ast.Tuple)) else [operand]
                    for item in items:
                        found += _literals(item, codes)
    return _unique(found)


def _bound_names(tree):
    """Every name the module binds anywhere (assignments, arguments, imports, defs, loop targets)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _existing_import(tree, package):
    """The name under which the module (in ``package``) already imports the catalogue at top level, or None."""
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[:len(package) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            if f"{source}.{alias.name}" == CATALOGUE_MODULE:
                return alias.asname or alias.name
    return None


def _import_line(package, name, relative):
    """``(sort key, level, line)``: ``from ..workflows import rules`` for a module of ``package``, or the
    absolute ``from grants.workflows import rules`` (tests)."""
    suffix = "" if name == "rules" else f" as {name}"
    if not relative:
        return "grants.workflows", 0, f"from grants.workflows import rules{suffix}"
    target = ["grants", "workflows"]
    common = 0
    while common < min(len(package), len(target)) and package[common] == target[common]:
        common += 1
    level = len(package) - common + 1
    rest = ".".join(target[common:])
    return rest, level, f"from {'.' * level}{rest} import rules{suffix}"


def _insert_at(tree, target, level):
    """The 0-based line index where the new import goes: in its sorted place among the top-level imports of
    its kind (relative ones by level then name; absolute ``grants``/``tests`` ones by name)."""
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if level:
        kind = [n for n in imports if isinstance(n, ast.ImportFrom) and n.level]
        after = [n for n in kind if n.level < level or (n.level == level and (n.module or "") > target)]
    else:
        kind = [n for n in imports if isinstance(n, ast.ImportFrom) and not n.level
                and (n.module or "").split(".")[0] in ("grants", "tests")]
        after = [n for n in kind if (n.module or "") > target]
    if after:
        return after[0].lineno - 1
    if kind:
        return kind[-1].end_lineno
    if imports:
        return imports[-1].end_lineno
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].end_lineno
    return 0


def rewrite(text, package, codes, tests=False):
    """``text`` with its literal codes as constants and the catalogue imported; ``(new_text, [(line, code)])``."""
    tree = ast.parse(text)
    nodes = assertion_literals(tree, codes) if tests else code_literals(tree, codes)
    if not nodes:
        return text, []
    name = _existing_import(tree, package)
    add_import = name is None
    if add_import:
        taken = _bound_names(tree)
        name = next((n for n in NAMES if n not in taken), None)
        if name is None:
            return text, []
    lines = text.splitlines(keepends=True)
    raw = [line.encode("utf-8") for line in lines]  # ast offsets count UTF-8 bytes
    changed = []
    for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        if node.lineno != node.end_lineno:
            continue  # an implicitly joined literal over lines is no code
        i = node.lineno - 1
        raw[i] = raw[i][:node.col_offset] + f"{name}.{codes[node.value]}".encode() + raw[i][node.end_col_offset:]
        changed.append((node.lineno, node.value))
    lines = [line.decode("utf-8") for line in raw]
    if add_import and changed:
        target, level, line = _import_line(package, name, relative=not tests)
        at = _insert_at(tree, target, level)
        lines.insert(at, line + "\n")
    new = "".join(lines)
    ast.parse(new)  # never write a file that does not parse
    return new, sorted(changed)


def files(paths):
    for path in paths:
        path = pathlib.Path(path)
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def run(paths, tests=False, check=False, out=sys.stdout):
    codes = catalogue()
    low = low_modules()
    total = 0
    for path in files(paths):
        path = path.resolve()
        if path == CATALOGUE:
            continue
        module, package = module_name(path)
        if tests:
            if "api" in path.name or path.parent.name == "vendor" or path.name in KEEP_TESTS:
                continue  # the API tests' literal codes are the JSON contract (API.md); KEEP_TESTS
        elif is_low(module, low):
            continue
        text = path.read_text(encoding="utf-8")
        new, changed = rewrite(text, package, codes, tests=tests)
        if not changed:
            continue
        total += len(changed)
        rel = path.relative_to(ROOT)
        for line, code in changed:
            print(f"{rel}:{line}: {code}", file=out)
        if not check:
            path.write_text(new, encoding="utf-8")
    print(f"{total} literal codes {'to rewrite' if check else 'rewritten'}", file=out)
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--tests", action="store_true", help="rewrite the assertions of the test files")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything would change")
    args = parser.parse_args(argv)
    paths = args.paths or [ROOT / ("tests" if args.tests else "grants")]
    total = run(paths, tests=args.tests, check=args.check)
    return 1 if args.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
