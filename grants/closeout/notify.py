"""Who hears of the closeout steps, in the app and by e-mail (grants/notifications ``notify``):

- ``submit_final_report``: the officers of the association's region (to evaluate and close), and the board
  and treasurer as a receipt;
- ``close``: the officers of the region and the association's treasurer (the board hears of it through the
  proposals stage's hook on the officer's decisions)."""
from flask_babel import lazy_gettext as _l

from ..notifications.recipients import association_users, region_officers
from ..notifications.services import notify


def final_report_submitted(alliance, actor):
    assoc = alliance.association
    link = f"/alliances/{alliance.id}/closeout"
    args = dict(code=alliance.code, association=assoc.name)
    notify(region_officers(assoc.region), _l("%(code)s submitted its final report", **args),
           _l("%(association)s submitted the final report of the alliance. Evaluate it, check the financial "
              "closeout and close the alliance.", **args), link)
    notify(association_users(assoc.id), _l("%(code)s: final report submitted", **args),
           _l("The final report was submitted. The alliance is closing: the officer evaluates it and settles the "
              "money with you.", **args), link)


def closed(alliance, actor):
    assoc = alliance.association
    link = f"/alliances/{alliance.id}/closeout"
    args = dict(code=alliance.code, association=assoc.name)
    notify(region_officers(assoc.region) + association_users(assoc.id, ("treasurer",)),
           _l("%(code)s is closed", **args),
           _l("The alliance of %(association)s is closed. The closeout report is available.", **args), link)
