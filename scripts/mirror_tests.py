"""Move the tests into folders that mirror the packages of ``grants/`` (issue 14): ``tests/test_<package>_*.py``
(and ``tests/test_<package>.py``) go to ``tests/<package>/``, with an ``__init__.py``; a few whose name is not
their package's go where they belong (``ALSO``); cross-cutting tests (architecture, migrations, i18n, no_500,
browser foundations, ...) and the support modules (``factories``, ``*_support``, ``browser``, ...) stay at the
top of ``tests/``.

    python scripts/mirror_tests.py            # move (with ``git mv`` inside a git work tree) and rewrite
    python scripts/mirror_tests.py --dry-run  # only say what it would do

Idempotent: run it again after merging branches that add test files at the top, and it moves only those.
In every test file it rewrites

- relative imports (``from .factories import``, ``from .conftest import``) to absolute ones
  (``from tests.factories import``), which work at any depth;
- imports of a moved test module (``from tests.test_api_support import``) to its new place
  (``from tests.api.test_api_support import``);
- in a moved file, paths computed from ``__file__`` one folder deeper (the repository's root, ``tests/vendor``);
- mentions of a moved test's path (``tests/test_throttling.py``) in comments, in tests, ``grants/``, ``config.py``,
  ``README.md``, ``benchmarks/README.md`` and ``scripts/test.sh``.

Check that ``pytest --collect-only -q | tail -1`` gives the same count before and after."""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
GRANTS = os.path.join(ROOT, "grants")

#: tests whose name does not start with their package's (module name without ``test_`` and ``.py``)
ALSO = {
    "alliance_page_phone": "alliances", "alliance_page_tasks": "alliances", "alerts_stored": "alliances",
    "home_tasks": "alliances",
    "assemblies_browser": "associations", "member_import": "associations",
    "sealed_bids": "execution",
    "portal_stored": "reports", "portfolio_totals": "reports",
    "password_policy": "accounts", "sessions_revocation": "accounts", "throttling": "accounts",
    "workflow_engine": "workflows",
    "seed_scale": "demo",
    "idempotency": "api",
}
#: never moved, whatever their name: they check the whole code base or the whole app
CROSS_CUTTING = {"architecture", "migrations", "i18n", "no_500", "access_matrix", "rule_catalogue",
                 "state_machines", "query_counts", "list_loads", "browser_foundation", "phone_layout",
                 "phone_navigation", "offline_browser", "pwa", "security_headers", "security_masking",
                 "request_edge", "outage", "sqlite_concurrency", "money", "money_input", "history_sentences",
                 "thumbnails", "cli", "backup"}


def packages():
    return sorted(name for name in os.listdir(GRANTS)
                  if os.path.isfile(os.path.join(GRANTS, name, "__init__.py")))


def target(stem, pkgs):
    """The package folder for ``tests/test_<stem>.py``, or None to leave it at the top."""
    if stem in CROSS_CUTTING:
        return None
    if stem in ALSO:
        return ALSO[stem]
    for pkg in sorted(pkgs, key=len, reverse=True):  # the longest first: closeout_followups is closeout's
        if stem == pkg or stem.startswith(pkg + "_"):
            return pkg
    return None


def in_git():
    return subprocess.run(["git", "-C", ROOT, "rev-parse", "--is-inside-work-tree"],
                          capture_output=True, text=True).stdout.strip() == "true"


def tracked(path):
    return subprocess.run(["git", "-C", ROOT, "ls-files", "--error-unmatch", path],
                          capture_output=True).returncode == 0


def move(src, dst, use_git, dry):
    print(f"move {os.path.relpath(src, ROOT)} -> {os.path.relpath(dst, ROOT)}")
    if dry:
        return
    if use_git and tracked(src):
        subprocess.run(["git", "-C", ROOT, "mv", src, dst], check=True)
    else:
        os.rename(src, dst)


def ensure_init(folder, use_git, dry, _made=set()):
    init = os.path.join(folder, "__init__.py")
    if os.path.exists(init) or init in _made:
        return
    _made.add(init)
    print(f"create {os.path.relpath(init, ROOT)}")
    if dry:
        return
    os.makedirs(folder, exist_ok=True)
    with open(init, "w", encoding="utf-8") as fh:
        fh.write("")
    if use_git:
        subprocess.run(["git", "-C", ROOT, "add", init], check=True)


def test_files():
    for folder, dirs, files in os.walk(TESTS):
        dirs[:] = [d for d in dirs if d not in ("vendor", "__pycache__")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def module_map():
    """``test_x`` -> ``tests.pkg.test_x`` for every test module now in a package folder."""
    found = {}
    for path in test_files():
        rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
        if len(rel) == 3 and rel[2].startswith("test_"):
            found[rel[2]] = ".".join(rel)
    return found


# paths from __file__ in a file moved one folder deeper: (pattern, replacement), applied once
DEEPER = [
    (re.compile(r"Path\(__file__\)\.resolve\(\)\.parent\.parent(?!\.parent)"), "Path(__file__).resolve().parents[2]"),
    (re.compile(r"Path\(__file__\)\.resolve\(\)\.parents\[1\]"), "Path(__file__).resolve().parents[2]"),
    (re.compile(r"os\.path\.dirname\(os\.path\.dirname\((os\.path\.abspath\(__file__\)|__file__)\)\)"),
     r"os.path.dirname(os.path.dirname(os.path.dirname(\1)))"),
    (re.compile(r"os\.path\.join\(os\.path\.dirname\(__file__\), \"vendor\""),
     'os.path.join(os.path.dirname(os.path.dirname(__file__)), "vendor"'),
]


def rewrite(path, modules, moved_now, dry):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    # only imports of the tests' own modules (a sample module inside a string, ``from .models``, stays)
    new = re.sub(r"^(\s*)from \.(?!\.)(\w+) import",
                 lambda m: (f"{m.group(1)}from tests.{m.group(2)} import"
                            if m.group(2) in modules or os.path.exists(os.path.join("tests", m.group(2) + ".py"))
                            else m.group(0)), text, flags=re.M)
    for stem, dotted in modules.items():
        new = re.sub(rf"\btests\.{stem}\b", dotted, new)
    new = re.sub(r"\btests/(test_\w+)\.py", lambda m: (modules[m.group(1)].replace(".", "/") + ".py"
                                                       if m.group(1) in modules else m.group(0)), new)
    if path in moved_now:
        for pattern, repl in DEEPER:
            new = pattern.sub(repl, new)
    if new != text:
        print(f"rewrite {os.path.relpath(path, ROOT)}")
        if not dry:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(new)


def documents():
    """Files outside tests/ that name test files by their path (comments, READMEs)."""
    for name in ("README.md", "config.py", os.path.join("benchmarks", "README.md"), os.path.join("scripts", "test.sh")):
        if os.path.exists(os.path.join(ROOT, name)):
            yield os.path.join(ROOT, name)
    for folder, dirs, files in os.walk(GRANTS):
        dirs[:] = [d for d in dirs if d not in ("static", "templates", "translations", "__pycache__")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def repath(path, modules):
    """``tests/test_x.py`` -> ``tests/pkg/test_x.py`` in a comment or a document."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    new = re.sub(r"\btests/(test_\w+)\.py", lambda m: (modules[m.group(1)].replace(".", "/") + ".py"
                                                         if m.group(1) in modules else m.group(0)), text)
    if new != text:
        print(f"rewrite {os.path.relpath(path, ROOT)} (paths of moved tests)")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(new)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    args = parser.parse_args(argv)
    pkgs = packages()
    use_git = in_git()
    moved_now = set()
    for name in sorted(os.listdir(TESTS)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        pkg = target(name[len("test_"):-3], pkgs)
        if pkg is None:
            continue
        folder = os.path.join(TESTS, pkg)
        ensure_init(folder, use_git, args.dry_run)
        dst = os.path.join(folder, name)
        if os.path.exists(dst):
            sys.exit(f"both tests/{name} and {os.path.relpath(dst, ROOT)} exist: merge them by hand")
        move(os.path.join(TESTS, name), dst, use_git, args.dry_run)
        moved_now.add(dst)
    if args.dry_run:  # the files have not moved: the imports to rewrite cannot be shown yet
        return
    modules = module_map()
    for path in test_files():
        rewrite(path, modules, moved_now, args.dry_run)
    for path in documents():
        repath(path, modules)
    if not moved_now:
        print("nothing to move")


if __name__ == "__main__":
    main()
