"""The layers of grants/ (issue 14), enforced: the import-linter contracts in pyproject.toml
([tool.importlinter]) must all be kept. A new import from one stage into another, or from a lower layer
into a higher one, fails here with the chain that breaks the contract."""
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
