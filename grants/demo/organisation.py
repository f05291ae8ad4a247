"""The demo's second level and the organisation's own plans, through the services only, on the timeline
(nothing commits):

* the Federación de Organizaciones Productivas del Valle de Cochabamba (level 2) gathers three base
  associations of the story — Colomi (in execution), Punata (closing) and Tiraque (plan in preparation) — so
  that its roll-up sums their families, money and results; its president (``presidenta.federacion``) keeps the
  federation's strategic plan, reviewed in assembly;
* Colomi's board proposes its capacity-strengthening plan from the items of its baseline scorecard scored 1,
  adopts it, registers two trainings held (with the leadership roles women and youth took afterwards) and two
  applications for other funds (one obtained from the municipality, one still waiting).
"""
from ..accounts import services as account_services
from ..associations import services as associations
from ..organisation import services as org

FEDERATION = {"name": "Federación de Organizaciones Productivas del Valle de Cochabamba",
              "legal_id": "RA-GADC-1102/2016", "tax_id": "301228014", "level": 2, "municipality": "Punata",
              "region": "Cochabamba", "founded_year": 2016, "bank_name": "Banco de Desarrollo Productivo S.A.M.",
              "bank_account": "3015566778", "phone": "44571234", "email": "federacion@asociaciones.example.org"}
MEMBERS = ("colomi", "punata", "tiraque")
ACCOUNT = ("federacion", "presidenta.federacion", "board (presidenta), the federation of Colomi, Punata, Tiraque",
           "Rosa Condori Almendras")


def accounts(password=None, domain="demo.example.org"):
    """The demo accounts this part adds, as ``seed`` lists them: ``[(email, password, role label)]``."""
    key, local, label, _name = ACCOUNT
    return [(f"{local}@{domain}", password or f"demo-{key}-2026", label)]


def build(tl, users, assocs, password=None, domain="demo.example.org"):
    """Schedule the federation, its strategic plan and Colomi's capacity plan on the timeline ``tl``."""
    _key, local, _label, name = ACCOUNT
    (_email, pwd, _label), = accounts(password, domain)
    world = {}

    def federation():
        admin = users["admin"]
        fed = associations.create_association(FEDERATION, admin)
        for member in MEMBERS:
            associations.update_association(assocs[member], {"parent_id": fed.id}, admin)
        world["fed"] = fed
        world["board"] = account_services.create_user({
            "email": f"{local}@{domain}", "name": name, "password": pwd, "locale": "es",
            "memberships": [{"association_id": fed.id, "role": "board", "title": "Presidenta"}]}, admin)

    def strategic_plan():
        org.save_strategic_plan(world["fed"], {
            "period": "2026–2030", "reviewed_on": tl.day(95), "review_reference": "Acta de asamblea ordinaria 7, "
            "libro 1, páginas 31–34",
            "objectives": [
                {"title": "Vender juntos: un centro de acopio y una marca para las tres asociaciones",
                 "actions": [
                     {"description": "Estudio de mercado para la marca común", "responsible": "Secretaría de "
                      "comercialización", "due_on": tl.day(-60), "state": "in_progress"},
                     {"description": "Convenio de acopio conjunto con la planta de Punata", "responsible":
                      "Presidenta", "due_on": tl.day(30), "state": "done"}]},
                {"title": "Más mujeres y jóvenes en las directivas de las asociaciones",
                 "actions": [
                     {"description": "Escuela de liderazgo para mujeres y jóvenes", "responsible": "Secretaría de "
                      "género", "due_on": tl.day(-120), "state": "pending"}]},
                {"title": "Acceder a otros fondos públicos y privados",
                 "actions": [
                     {"description": "Presentar proyectos al Plan Operativo Anual de los tres municipios",
                      "responsible": "Vicepresidente", "due_on": tl.day(-30), "state": "pending"}]}]},
            world["board"])

    def capacity_plan():
        colomi, board = assocs["colomi"], users["presidente"]
        plan = org.propose_capacity_plan(colomi, board)
        for action, (responsible, due) in zip(plan.actions, (("Secretaria de actas", 40), ("Presidente", 30),
                                                             ("Tesorero", 20))):
            org.update_capacity_action(colomi, action.id, {
                "kind": action.kind, "description": action.description, "responsible": responsible,
                "due_on": tl.day(-due), "state": "in_progress"}, board)
        org.adopt_capacity_plan(colomi, board, tl.day(75))
        world["actions"] = [a.id for a in plan.actions]

    def trainings():
        colomi, board = assocs["colomi"], users["presidente"]
        org.record_training(colomi, {
            "topic": "Registro de socios y reglamento interno", "held_on": tl.day(60), "women": 14, "men": 11,
            "women_leaders": 2, "youth_leaders": 1, "capacity_action_id": world["actions"][0],
            "notes": "Dos socias asumieron la secretaría de actas y la vocalía"}, board)
        org.record_training(colomi, {
            "topic": "Negociación del acuerdo comercial con el comprador", "held_on": tl.day(35), "women": 9,
            "men": 12, "women_leaders": 1, "youth_leaders": 2,
            "capacity_action_id": world["actions"][min(2, len(world["actions"]) - 1)]}, board)
        org.record_fund(colomi, {
            "source": "Gobierno Autónomo Municipal de Colomi", "purpose": "Semilla de papa nativa certificada",
            "applied_on": tl.day(70), "amount_requested": "45000.00", "state": "obtained",
            "amount_obtained": "38000.00"}, board)
        org.record_fund(colomi, {
            "source": "Fundación para el Desarrollo Rural", "purpose": "Almacén rústico de semilla",
            "applied_on": tl.day(20), "amount_requested": "60000.00", "state": "applied"}, board)

    tl.at(100, federation)
    tl.at(95, strategic_plan)
    tl.at(75, capacity_plan)
    tl.at(20, trainings)
