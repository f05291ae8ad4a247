"""The demo's grievances (issue 15): the grievance office's account and five grievances in different states,
through the services, each step on its day:

* an anonymous grievance about Colomi's alliance (favoritism), acknowledged, investigated and resolved with a
  public answer;
* a member of Colomi who filed with her name and phone (seen only by the grievance office), acknowledged,
  under investigation, with the alliance flagged for the regional officer's supervision;
* an anonymous grievance about the Achacachi association (misuse of funds), still not acknowledged: past the
  program's five days, it waits overdue on the grievance officer's home page;
* one about technical assistance, with no alliance, dismissed with a public reason;
* one received today."""
import sqlalchemy as sa

from ..accounts import services as account_services
from ..alliances.models import Alliance
from ..extensions import db
from ..grievances import services
from .accounts import _accounts

KEY = "quejas"



def _alliance_of(assoc):
    return db.session.execute(sa.select(Alliance).where(Alliance.association_id == assoc.id)
                              .order_by(Alliance.id)).scalars().first()


def build(tl, users, assocs, password=None):
    """Schedule the grievance office's story on ``tl`` (the account first)."""
    spec = next(s for s in _accounts(password) if s[0] == KEY)
    found = {}

    def officer():
        _k, email, pwd, _label, values = spec
        users[KEY] = account_services.create_user({**values, "email": email, "password": pwd, "locale": "es"},
                                                  users["admin"])

    def file(name, days_ago, data, actor=None):
        target = {}
        if data.pop("alliance_of", None):
            target["alliance_code"] = _alliance_of(assocs["colomi"]).code
        if data.get("association_id") in assocs:  # a key, resolved on the day (the associations exist by then)
            target["association_id"] = assocs[data["association_id"]].id
        found[name] = services.file_grievance({**data, **target}, actor, today=tl.day(days_ago))

    def act(name, action, **data):
        services.transition(found[name], action, users[KEY], data)

    tl.at(60, officer)
    tl.at(45, file, "favoritism", 45, {
        "category": "favoritism", "alliance_of": True, "anonymous": True,
        "description": "En la entrega de semilla de papa nativa, la directiva dio primero a sus familiares y "
                       "a otros socios les tocó semilla de menor calidad."})
    tl.at(43, act, "favoritism", "acknowledge")
    tl.at(38, act, "favoritism", "investigate")
    tl.at(25, act, "favoritism", "resolve", resolution=(
        "Se verificó la planilla de entrega con el oficial de la región. La asociación aprobó en asamblea un "
        "sorteo del orden de entrega para la próxima campaña y repuso la semilla a cuatro familias."))
    tl.at(20, lambda: file("exclusion", 20, {
        "category": "exclusion", "alliance_of": True, "anonymous": False, "contact": "71234560",
        "description": "No me dejaron participar en la capacitación de manejo de suelos aunque estoy en la "
                       "lista de familias de la alianza."}, users["socia"]))
    tl.at(18, act, "exclusion", "acknowledge")
    tl.at(17, lambda: services.flag_supervision(found["exclusion"], users[KEY]))
    tl.at(15, act, "exclusion", "investigate")
    tl.at(9, file, "funds", 9, {
        "category": "misuse_of_funds", "association_id": "achacachi", "anonymous": True,
        "description": "Se compró un tanque de enfriamiento usado y se pagó como nuevo."})
    tl.at(6, file, "assistance", 6, {
        "category": "technical_assistance", "anonymous": True,
        "description": "El técnico no vino a la visita programada del mes pasado."})
    tl.at(1, act, "assistance", "dismiss", reason=(
        "La visita se reprogramó por el bloqueo de caminos y se realizó la semana siguiente, con acta firmada."))
    tl.at(0, file, "today", 0, {"category": "data_protection", "anonymous": True,
                                "description": "Mi número de carnet aparece en una lista pegada en la sede."})
