"""The alliance's money as it moves: what was disbursed, justified, spent and contributed.

Part of the spine: funding reads it to decide on the next tranche, execution and closeout extend it.
Figures that belong to a later stage (approved expenses, counterpart contributed, open observations)
come from *providers* that stage registers with ``@provider("name")``; with none registered they are
zero, so the rules that read them work before that stage exists::

    from grants.alliances import ledger

    @ledger.provider("justified")
    def approved_expenses(alliance):
        return <sum of the grant expenses approved in accountability reports>

Names: ``justified`` (grant money justified by approved expenses), ``spent`` (grant money spent),
``counterpart_contributed`` (cash and in kind), ``open_observations`` (a count), ``open_contracts`` (technical
assistance contracts not closed, a count), ``unreported_expenses`` (expenses not voided and not in an approved
accountability report, a count). Nothing here writes.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask import g, has_request_context, request

from ..money import ZERO
from .figures import financing

_PROVIDERS = {"justified": [], "spent": [], "counterpart_contributed": [], "open_observations": [],
              "open_contracts": [], "unreported_expenses": []}


def provider(name):
    """Register ``fn(alliance) -> Decimal`` (or ``int`` for the counts: ``open_observations``,
    ``open_contracts``, ``unreported_expenses``) under ``name``."""
    if name not in _PROVIDERS:
        raise ValueError(f"unknown ledger figure: {name}")

    def deco(fn):
        if fn not in _PROVIDERS[name]:
            _PROVIDERS[name].append(fn)
        return fn

    return deco


def memo(name, alliance, compute):
    """``compute()`` once per alliance within one GET request: a page shows the same figure on several
    cards and alert sources, and nothing it reads changes while it is drawn. Requests that write (and code
    outside a request) always compute, so a rule never reads a figure from before its own change."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return compute()
    cache = g.setdefault("_ledger_memo", {})
    key = (name, alliance.id)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _sum(name, alliance, start=ZERO):
    return sum((fn(alliance) or 0 for fn in _PROVIDERS[name]), start)


def disbursed(alliance):
    """Grant money transferred to the association so far (the recorded amounts of disbursed tranches)."""
    return sum((Decimal(t.disbursed_amount if t.disbursed_amount is not None else t.amount or 0)
                for t in alliance.tranches if t.state == "disbursed"), ZERO)


def justified(alliance):
    """Grant money justified by approved expenses (the execution stage provides it; 0 before)."""
    return Decimal(_sum("justified", alliance))


def spent(alliance):
    """Grant money spent (expenses recorded; the execution stage provides it; 0 before)."""
    return Decimal(_sum("spent", alliance))


def counterpart_contributed(alliance):
    """Counterpart contributed so far, cash and in kind (the execution stage provides it; 0 before)."""
    return Decimal(_sum("counterpart_contributed", alliance))


def open_observations(alliance):
    """How many observations on the alliance's accountability are still open (0 before execution)."""
    return int(_sum("open_observations", alliance, 0))


def open_contracts(alliance):
    """How many technical assistance contracts of the alliance are not closed (0 before assistance exists)."""
    return int(_sum("open_contracts", alliance, 0))


def unreported_expenses(alliance):
    """How many expenses (not voided) are not in an approved accountability report (0 before execution)."""
    return int(_sum("unreported_expenses", alliance, 0))


@dataclass
class Balance:
    currency: str
    #: the grant of the approved budget
    grant_approved: Decimal
    disbursed: Decimal
    #: approved but not yet transferred
    to_disburse: Decimal
    spent: Decimal
    #: disbursed and not spent: what should be in the association's account
    available: Decimal
    justified: Decimal
    counterpart_committed: Decimal
    counterpart_contributed: Decimal

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def balance(alliance):
    """The alliance's money at a glance (figures read through the functions above)."""

    fin = financing(alliance)
    paid = disbursed(alliance)
    used = spent(alliance)
    return Balance(currency=fin.currency, grant_approved=fin.totals["grant"], disbursed=paid,
                   to_disburse=max(fin.totals["grant"] - paid, ZERO), spent=used, available=paid - used,
                   justified=justified(alliance), counterpart_committed=fin.counterpart,
                   counterpart_contributed=counterpart_contributed(alliance))
