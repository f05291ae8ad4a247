"""GRANTS_TEST_SHARD=K/N (tests/conftest.py): every selected test runs in exactly one share, the shares weigh about
the same, and a module with a module-scoped world goes whole to one share. GRANTS_TEST_DEAL: processes that claim
the units as they go run each exactly once, the worlds whole and first, and the fast one takes more."""
import types

import pytest

from tests import conftest


class _Def:
    def __init__(self, scope):
        self.scope = scope


class _Item:
    def __init__(self, module, name, scopes=("function",), browser=False):
        self.module = types.SimpleNamespace(__name__=module)
        self.nodeid = f"{module}::{name}"
        self.fixturenames = ["app", "db"] + (["phone"] if browser else [])
        self._fixtureinfo = types.SimpleNamespace(
            name2fixturedefs={f"f{i}": [_Def(s)] for i, s in enumerate(("session",) + tuple(scopes))})

    def get_closest_marker(self, name):
        return None


class _Config:
    def __init__(self):
        self.deselected = []
        self.hook = types.SimpleNamespace(pytest_deselected=lambda items: self.deselected.extend(items))


def _items():
    items = [_Item("tests.a", f"t{i}") for i in range(7)]
    items += [_Item("tests.b", f"browser{i}", browser=True) for i in range(4)]
    items += [_Item("tests.world", f"w{i}", scopes=("module", "function")) for i in range(5)]
    items += [_Item("tests.c", f"t{i}") for i in range(40)]
    return items


def _share(monkeypatch, shard, items):
    monkeypatch.setattr(conftest, "SHARD", shard)
    monkeypatch.setattr(conftest, "DEAL", "")
    config = _Config()
    kept = list(items)
    conftest.pytest_collection_modifyitems(config, kept)
    assert {i.nodeid for i in kept}.isdisjoint(i.nodeid for i in config.deselected)
    assert len(kept) + len(config.deselected) == len(items)
    return kept


def test_every_test_runs_in_exactly_one_share(monkeypatch):
    items = _items()
    shares = [_share(monkeypatch, f"{k}/3", items) for k in (1, 2, 3)]
    ids = [i.nodeid for share in shares for i in share]
    assert sorted(ids) == sorted(i.nodeid for i in items)
    for share in shares:  # collection order is kept within a share
        positions = [items.index(i) for i in share]
        assert positions == sorted(positions)


def test_a_module_scoped_world_stays_whole_and_the_weights_balance(monkeypatch):
    items = _items()
    one, two = (_share(monkeypatch, f"{k}/2", items) for k in (1, 2))
    worlds = [sum(i.module.__name__ == "tests.world" for i in share) for share in (one, two)]
    assert sorted(worlds) == [0, 5]
    browsers = [sum("browser" in i.nodeid for i in share) for share in (one, two)]
    assert browsers == [2, 2]
    weights = [sum(conftest._weight(i) for i in share) + conftest.WORLD_WEIGHT * (count > 0)
               for share, count in zip((one, two), worlds)]
    assert abs(weights[0] - weights[1]) <= conftest.BROWSER_WEIGHT
    assert len(one) != len(two)  # the share with the world has fewer tests


def test_no_shard_keeps_everything_and_a_bad_one_is_refused(monkeypatch):
    items = _items()
    assert len(_share(monkeypatch, "", items)) == len(items)
    monkeypatch.setattr(conftest, "DEAL", "")
    for bad in ("3/2", "0/2", "half", "1-2"):
        monkeypatch.setattr(conftest, "SHARD", bad)
        with pytest.raises(pytest.UsageError):
            conftest.pytest_collection_modifyitems(_Config(), list(items))


def test_dealt_as_they_go_each_unit_runs_once_and_the_fast_process_takes_more(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "DEAL", str(tmp_path))
    items = _items()
    slow, fast = conftest._claimed(str(tmp_path), items), conftest._claimed(str(tmp_path), items)
    ran = {"slow": [], "fast": []}
    first = next(slow)
    assert [i.module.__name__ for i in first] == ["tests.world"] * 5  # the world first, whole
    ran["slow"].extend(first)
    for unit in fast:  # the slow process is still busy with the world: the fast one takes the rest as it goes
        ran["fast"].extend(unit)
        if len(ran["fast"]) == 40:
            break
    ran["slow"].extend(i for unit in slow for i in unit)
    ran["fast"].extend(i for unit in fast for i in unit)
    ids = [i.nodeid for share in ran.values() for i in share]
    assert sorted(ids) == sorted(i.nodeid for i in items)  # each exactly once
    assert len(ran["fast"]) >= 40 and len(ran["slow"]) < len(ran["fast"])
    assert not any(i.module.__name__ == "tests.world" for i in ran["fast"])
