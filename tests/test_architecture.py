"""The layers of grants/ (issue 14), enforced: the import-linter contracts in pyproject.toml
([tool.importlinter]) must all be kept. A new import from one stage into another, or from a lower layer
into a higher one, fails here with the chain that breaks the contract."""
import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(*args):
    binary = Path(sys.executable).with_name("lint-imports")
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout's grants/, not another installed copy
    return subprocess.run([str(binary), "--no-cache", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_are_kept():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_contracts_cover_every_stage_and_layer():
    # the contracts themselves must not be emptied: every stage is in the independence contract, the
    # layers name the spine between the stages and the workflows, and no broken import is waved through
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = {c["id"]: c for c in config["contracts"]}
    stages = {"grants.proposals", "grants.plans", "grants.funding", "grants.execution", "grants.assistance",
              "grants.monitoring", "grants.closeout", "grants.revolving"}
    stages |= {"grants.organisation"}  # the organisation's own plans (h6)
    stages.add("grants.sales")  # issue 15: the buyer's deliveries
    stages |= {"grants.grievances"}  # issue 15 (h1)
    assert set(contracts["stages"]["modules"]) == stages
    layers = [set(x.strip() for x in layer.split(":")) for layer in contracts["layers"]["layers"]]
    assert layers[1] == {"grants.reports", "grants.opendata"} and layers[2] == stages and layers[3] == {"grants.alliances"}
    assert {"grants.workflows", "grants.associations", "grants.programs"} <= layers[4]
    assert {"grants.audit", "grants.money", "grants.errors", "grants.extensions"} <= layers[-1]
    assert all(not c.get("ignore_imports") for c in contracts.values())


def test_the_request_layer_stays_below_the_api():
    # the 429 answer, the login form and the idempotency keys once reached up into grants.api from inside a
    # function: the contract keeps accounts' and web's lower modules (each package's api module aside) off it
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    below = {c["id"]: c for c in config["contracts"]}["below-api"]
    assert below["type"] == "forbidden" and below["forbidden_modules"] == ["grants.api"]
    sources = set(below["source_modules"])
    assert {"grants.accounts.throttling", "grants.accounts.services", "grants.web.auth", "grants.web.idempotency",
            "grants.web.edge", "grants.web.forms"} <= sources
    assert not any(m.endswith(".api") or m.startswith("grants.api") for m in sources)


#: the composition layer: the factory, the CLI, the web registration, the demo and the backup put the app
#: together and may import inside a function; nowhere else does an import of the app's own modules sit there
COMPOSITION = ("grants/__init__.py", "grants/cli.py", "grants/web/__init__.py", "grants/backup.py", "grants/demo/")


def _own_import(node):
    """The app's own module(s) an import statement names, or None for a third-party or standard one."""
    if isinstance(node, ast.ImportFrom):
        if node.level > 0 or (node.module or "").split(".")[0] == "grants":
            return "." * node.level + (node.module or "")
    elif isinstance(node, ast.Import):
        own = [a.name for a in node.names if a.name.split(".")[0] == "grants"]
        if own:
            return ", ".join(own)
    return None


def _imported_by_name(node):
    """The app's module that ``importlib.import_module("grants...")`` (or ``__import__``, or a relative name) loads,
    or None: an import that import-linter cannot see."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    fn = node.func
    if (fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)) not in ("import_module", "__import__"):
        return None
    arg = node.args[0]
    if isinstance(arg, ast.JoinedStr):  # f"grants.{module}.api": its literal start
        arg = arg.values[0] if arg.values else None
    text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
    if text is not None and (text.split(".")[0] == "grants" or text.startswith(".")):
        return text
    return None


def function_level_imports(root):
    """``file:line module`` for every import of the app's own modules inside a function body (however deeply
    nested) outside the composition layer, and for every import of one by its name (``importlib``) there."""
    found = set()
    for path in sorted((root / "grants").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name.startswith(COMPOSITION):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=name)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for inner in ast.walk(node):
                    module = _own_import(inner)
                    if module is not None:
                        found.add((name, inner.lineno, module))
            module = _imported_by_name(node)
            if module is not None:
                found.add((name, node.lineno, f"import_module({module!r})"))
    return [f"{name}:{line} {module}" for name, line, module in sorted(found)]


def test_no_function_level_import_of_the_app_outside_the_composition_layer():
    # an import hidden in a function dodges a circle the layers should not have: move the shared thing down
    # to where both sides can import it, or invert the dependency through a registry in the lower layer
    found = function_level_imports(ROOT)
    assert not found, "imports of grants' own modules inside functions:\n" + "\n".join(found)


def test_the_function_level_import_check_sees_every_form(tmp_path):
    # the check itself: relative, absolute and nested imports in a function are found, and imports by name;
    # module-level ones, the standard library's and the composition layer's are not
    (tmp_path / "grants" / "web").mkdir(parents=True)
    (tmp_path / "grants" / "demo").mkdir()
    (tmp_path / "grants" / "a.py").write_text(
        "import os\nfrom .errors import NotFound\n\n\ndef f():\n    from .errors import Forbidden\n"
        "    import io\n\n    def g():\n        import grants.money\n        from grants.common import utcnow\n"
        "    return g\n\n\nclass C:\n    async def h(self):\n        from ..api import core\n"
        "\n\nfor m in ('api',):\n    importlib.import_module(f'grants.{m}.api')\n\n\n"
        "def k(name):\n    return import_module(name), importlib.import_module('json'), __import__('.x')\n")
    (tmp_path / "grants" / "web" / "__init__.py").write_text("def register(app):\n    from .auth import bp\n")
    (tmp_path / "grants" / "demo" / "seed.py").write_text("def seed():\n    from ..models import User\n")
    assert function_level_imports(tmp_path) == [
        "grants/a.py:6 .errors", "grants/a.py:10 grants.money", "grants/a.py:11 grants.common",
        "grants/a.py:17 ..api", "grants/a.py:21 import_module('grants.')", "grants/a.py:25 import_module('.x')"]


def test_the_modules_tests_import_first_import_on_their_own():
    """A module whose import builds ORM options or statements naming a relationship configures every mapper at
    import time, and fails when it is the first of the app imported (a test file's first import): each of these
    imports alone in a fresh interpreter."""
    for module in ("grants.alliances.tasks", "grants.web.main", "grants.alliances.cards", "grants.reports.cells",
                   "grants.reports.totals", "grants.alliances.permissions"):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
        assert done.returncode == 0, f"import {module} alone fails:\n{done.stderr[-1500:]}"
