"""Audit events as sentences a person reads on a phone, in the reader's language:
"Rosa Mamani registró un gasto de Bs 1.250,50 con Ferretería Illimani".

``sentence(event, currency)`` builds one from the event's actor, its action (a sentence of its own for the
common changes, else the action's label from grants/audit/labels.py), its object and the key data; ``details``
gives the event's data as readable pairs for a fold. Nothing here queries the database except
``context_of(events)``, which reads the currency and code of the events' alliances in one statement."""
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..audit.labels import action_label
from ..workflows.alliance import STATES
from ..alliances.models import Alliance
from ..extensions import db
from ..programs.models import Call, Program
from .i18n import money
from ..workflows import WORKFLOWS

#: what each kind of object is called in a sentence
OBJECTS = {
    "alliance": _l("the alliance"), "association": _l("the association"), "member": _l("a member"),
    "user": _l("a user"), "program": _l("the program"), "call": _l("the call"), "buyer": _l("a buyer"),
    "attachment": _l("a document"), "tranche": _l("a tranche"), "budget_line": _l("a budget line"),
    "profile": _l("the business intention"), "review": _l("a review"), "appraisal": _l("the appraisal"),
    "expense": _l("an expense"), "contribution": _l("a counterpart contribution"),
    "accountability_report": _l("an accountability report"), "procurement": _l("a procurement"),
    "reallocation": _l("a reallocation"), "ta_contract": _l("a technical assistance contract"),
    "ta_provider": _l("a technical assistance provider"), "deliverable": _l("a deliverable"),
    "supervision_visit": _l("a supervision visit"), "follow_up_action": _l("a follow-up action"),
    "indicator": _l("an indicator"), "plan": _l("the plan"), "loan": _l("a loan"),
    "delivery": _l("a delivery to the buyer"), "buyer_account": _l("a buyer's account"),
    "grievance": _l("a grievance"),
}

#: sentences of their own for the common changes: (object type, action) -> lazy string with %(who)s and data keys
SENTENCES = {
    ("alliance", "create"): _l("%(who)s registered the business intention “%(title)s”"),
    ("expense", "record"): _l("%(who)s recorded an expense of %(amount)s with %(supplier)s"),
    ("expense", "correct"): _l("%(who)s corrected an expense of %(amount)s with %(supplier)s"),
    ("expense", "void"): _l("%(who)s voided an expense"),
    ("contribution", "record"): _l("%(who)s recorded a counterpart contribution of %(amount)s"),
    ("budget_line", "create_budget_line"): _l("%(who)s added the budget line “%(description)s” of %(total)s"),
    ("budget_line", "update_budget_line"): _l("%(who)s changed the budget line “%(description)s” (%(total)s)"),
    ("tranche", "create_tranche"): _l("%(who)s planned tranche %(number)s of %(amount)s"),
    ("tranche", "request"): _l("%(who)s requested tranche %(number)s"),
    ("tranche", "approve"): _l("%(who)s approved tranche %(number)s"),
    ("tranche", "refuse"): _l("%(who)s refused tranche %(number)s"),
    ("tranche", "disburse"): _l("%(who)s recorded the transfer of tranche %(number)s: %(disbursed_amount)s"),
    ("ta_contract", "create"): _l("%(who)s contracted technical assistance for %(amount)s"),
    ("deliverable", "submit"): _l("%(who)s submitted a deliverable"),
    ("deliverable", "accept"): _l("%(who)s accepted a deliverable"),
    ("deliverable", "reject"): _l("%(who)s rejected a deliverable"),
    ("supervision_visit", "record"): _l("%(who)s recorded a supervision visit at %(place)s"),
    ("follow_up_action", "answer"): _l("%(who)s answered a follow-up action"),
    ("accountability_report", "submit"): _l("%(who)s submitted an accountability report"),
    ("accountability_report", "approve"): _l("%(who)s approved an accountability report"),
    ("accountability_report", "observe"): _l("%(who)s observed an accountability report"),
    ("attachment", "add_attachment"): _l("%(who)s attached the document %(filename)s"),
    ("grievance", "file"): _l("A grievance was received"),  # by whom is never recorded (issue 15)
}
# h5, follow-ups after the closing (grants/closeout/followups.py)
OBJECTS["follow_up"] = _l("a follow-up after the closing")
SENTENCES[("follow_up", "record")] = _l("%(who)s recorded the follow-up of year %(year)s after the closing")

# h3: the assembly register (grants/associations/assemblies.py)
OBJECTS["assembly"] = _l("an assembly")
SENTENCES[("assembly", "record")] = _l("%(who)s registered the general assembly of %(held_on)s")

#: data keys holding money, formatted in the alliance's currency
MONEY_KEYS = {"amount", "total", "grant", "disbursed_amount", "requested_grant", "estimated_counterpart",
              "counterpart_cash", "counterpart_in_kind", "other", "unit_cost"}
#: data keys not worth a line in the fold (hashes and internal ids are in the raw data for auditors)
HIDDEN_KEYS = {"receipt_sha256", "file_sha256", "sha256", "evidence_sha256", "assembly_sha256", "member_ids",
               "has_file"}


def context_of(events):
    """``{alliance_id: (currency, code)}`` for the alliances of ``events``, in one statement."""

    ids = {e.alliance_id for e in events if e.alliance_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Alliance.id, Program.currency, Alliance.code)
                              .join(Call, Call.id == Alliance.call_id).join(Program, Program.id == Call.program_id)
                              .where(Alliance.id.in_(ids))).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def _money(value, currency):
    try:
        return money(Decimal(str(value)), currency)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _value(key, value, currency):
    if value is None or value == "":
        return "—"
    if key in MONEY_KEYS:
        return _money(value, currency)
    if isinstance(value, bool):
        return _l("yes") if value else _l("no")
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, (dict, list)))
    if key in ("from_state", "to_state", "state"):
        return STATES.get(value, value)
    return str(value)


def sentence(event, currency=None, masked=False):
    """The event as one sentence (Markup: names and data are escaped) in the reader's language."""
    who = event.actor_name or str(_l("The system"))
    data = event.data_dict(masked)
    template = SENTENCES.get((event.object_type, event.action))
    if template is not None:
        params = {k: _value(k, v, currency) for k, v in data.items() if not isinstance(v, (dict, list))}
        params["who"] = who
        try:
            text = str(template) % {k: escape(v) for k, v in params.items()}
            return Markup(text)
        except (KeyError, TypeError, ValueError):
            pass  # the event lacks a key this sentence needs: say it the general way
    label = action_label(event)
    what = OBJECTS.get(event.object_type, event.object_type)
    if event.to_state and event.object_type == "alliance":
        text = str(_l("%(who)s: %(action)s. The alliance went from “%(from)s” to “%(to)s”")) % {
            "who": escape(who), "action": escape(label),
            "from": escape(STATES.get(event.from_state, event.from_state or "—")),
            "to": escape(STATES.get(event.to_state, event.to_state))}
    elif event.to_state:
        text = str(_l("%(who)s: %(action)s (%(object)s, now “%(to)s”)")) % {
            "who": escape(who), "action": escape(label), "object": escape(what),
            "to": escape(_state_title(event))}
    else:
        text = str(_l("%(who)s: %(action)s (%(object)s)")) % {"who": escape(who), "action": escape(label),
                                                              "object": escape(what)}
    return Markup(text)


def _state_title(event):
    workflow = WORKFLOWS.get(event.object_type)
    if workflow is not None:
        return workflow.title(event.to_state)
    return STATES.get(event.to_state, event.to_state)


#: the data keys a reader may see in the fold, with their names in the reader's language; other keys (internal
#: ids, technical fields) stay in the raw data for auditors, so no English key reaches a Spanish page
KEY_LABELS = {
    "amount": _l("Amount"), "total": _l("Amount"), "grant": _l("Requested grant"),
    "requested_grant": _l("Requested grant"), "estimated_counterpart": _l("Estimated counterpart"),
    "disbursed_amount": _l("Amount"), "supplier": _l("Supplier"), "title": _l("Title"), "product": _l("Product"),
    "spent_on": _l("Date"), "contributed_on": _l("Date"), "date": _l("Date"), "comment": _l("Comment"),
    "reason": _l("Reason"), "description": _l("What was bought"), "period": _l("Period"), "value": _l("Value"),
    "women": _l("Women"), "men": _l("Men"), "number": _l("Number"), "reference": _l("Reference"),
    "code": _l("Code"), "source": _l("Source"), "document_number": _l("Document number"),
    "document_type": _l("Document"), "kind": _l("Kind"), "state": _l("State"), "method": _l("Method"),
    "justification": _l("Justification"), "observations": _l("Observations"), "families": _l("Families"),
    "name": _l("Name"), "region": _l("Region"), "rating": _l("Rating"), "findings": _l("Findings"),
    "due_on": _l("Due date"), "envelope": _l("Envelope"), "quantity": _l("Quantity"), "unit_cost": _l("Unit cost"),
    "category": _l("Category"), "planned_on": _l("Planned on"), "baseline": _l("Baseline"), "target": _l("Target"),
    "unit": _l("Unit"), "recommendation": _l("Recommendation"), "decision": _l("Decision"), "price": _l("Price"),
    "municipality": _l("Municipality"), "level": _l("Level"), "full_name": _l("Full name"), "sex": _l("Sex"),
    "national_id": _l("National ID (CI)"),
}


def details(event, currency=None, masked=False):
    """The event's data as ``[(label, readable value)]`` for a fold (no JSON): only the keys with a name in
    the reader's language; hashes, internal ids and technical fields stay in the raw data."""
    data = event.data_dict(masked)
    return [(KEY_LABELS[k], _value(k, v, currency)) for k, v in data.items()
            if k in KEY_LABELS and k not in HIDDEN_KEYS]


def raw(event, masked=False):
    """The event's data as indented JSON text, accents kept (for auditors who ask for it)."""
    import json

    return json.dumps(event.data_dict(masked), ensure_ascii=False, indent=1, sort_keys=True)
