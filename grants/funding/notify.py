"""Who hears of each tranche step, in the app and by e-mail (grants/notifications ``notify``):

- ``request``: the officers of the association's region (and the board, as a receipt);
- ``approve``: the board and treasurer, and every finance officer (a transfer to record);
- ``refuse``: the board and treasurer, with the reason;
- ``disburse``: the board and treasurer, and the officers of the region.

The alliance's own transitions (signature, suspension...) are announced by the proposals stage's hook."""
from flask_babel import lazy_gettext as _l

from ..notifications.recipients import association_users, finance_officers, region_officers
from ..notifications.services import notify
from ..web.i18n import money


def tranche_moved(tranche, transition, actor, data):
    alliance = tranche.alliance
    assoc = alliance.association
    cur = alliance.call.program.currency
    link = f"/alliances/{alliance.id}#funding"
    amount = money(tranche.disbursed_amount if transition.name == "disburse" else tranche.amount, cur)
    args = dict(code=alliance.code, n=tranche.number, amount=amount, association=assoc.name)
    board = association_users(assoc.id)
    if transition.name == "request":
        notify(region_officers(assoc.region), _l("%(code)s requests tranche %(n)s", **args),
               _l("%(association)s requests tranche %(n)s (%(amount)s). Check the rules and approve or refuse it.",
                  **args), link)
        notify(board, _l("%(code)s: tranche %(n)s requested", **args),
               _l("Tranche %(n)s (%(amount)s) was requested. The officer will decide on it.", **args), link)
    elif transition.name == "approve":
        notify(board, _l("%(code)s: tranche %(n)s approved", **args),
               _l("Tranche %(n)s (%(amount)s) was approved. The finance officer will record the transfer.", **args),
               link)
        notify(finance_officers(), _l("Transfer to record: %(code)s, tranche %(n)s", **args),
               _l("Tranche %(n)s of %(association)s (%(amount)s) was approved and waits for its transfer.", **args),
               "/funding/disbursements")
    elif transition.name == "refuse":
        notify(board, _l("%(code)s: tranche %(n)s refused", **args),
               _l("Tranche %(n)s (%(amount)s) was refused. Reason: %(reason)s", reason=data.get("comment") or "—",
                  **args), link)
    elif transition.name == "disburse":
        notify(board + region_officers(assoc.region), _l("%(code)s: tranche %(n)s transferred", **args),
               _l("%(amount)s of tranche %(n)s were transferred to the account of %(association)s "
                  "(reference %(reference)s, %(day)s).", reference=tranche.disbursement_reference,
                  day=tranche.disbursed_on, **args), link)
