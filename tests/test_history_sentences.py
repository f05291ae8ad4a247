"""History readable on a phone (issue 11, part 7): the alliance's history and the audit trail are sentences in the
reader's language, built from the actor, the action, the object and the key data, with the data folded; the raw
JSON only for auditors and admins who ask for it."""
import re

from grants.execution import expenses as expense_svc
from grants.extensions import db
from tests.execution_support import executing, expense_data, upload


def text(html):
    """What a reader sees: the page without its tags and scripts (the offline script's JSON strings are no data)."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#34;", '"').replace("&quot;", '"')


def sentences(html, list_id):
    block = html.split(f'id="{list_id}"')[1].split("</ol>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", s)).strip()
            for s in re.findall(r'<p class="sentence">(.*?)</p>', block, re.S)]


def _live(alliance, officer, facilitator, board, treasurer, supplier="Ferretería Illimani"):
    live = executing(alliance, officer, facilitator, board)
    expense_svc.record_expense(live, expense_data(live.budget_lines[0], "1250.50", supplier=supplier), treasurer,
                               upload())
    db.session.commit()
    return live


def test_the_alliance_history_reads_as_sentences_in_spanish(login, alliance, officer, facilitator, board, treasurer):
    live = _live(alliance, officer, facilitator, board, treasurer)
    html = login(board).get(f"/alliances/{live.id}").get_data(as_text=True)
    said = sentences(html, "alliance-history")
    assert any(s.startswith("Teodoro Tesorero registró un gasto de Bs 1.250,50 con Ferretería Illimani – ")
               for s in said), said
    moved = "Oscar Oficial: Iniciar el plan. La alianza pasó de «Preseleccionado» a «Plan en preparación»"
    assert moved in " ".join(said)
    assert any(s.startswith("Bernarda Presidenta registró la intención de negocio «Leche fresca para PIL»")
               for s in said)
    # the data is folded, readable, never raw JSON for the board (not even when asked)
    assert '<details class="event-data">' in html and "Detalles" in html
    for page in (html, login(board).get(f"/alliances/{live.id}?raw=1").get_data(as_text=True)):
        assert '{"' not in text(page) and 'class="raw"' not in page


def test_the_same_history_in_english(login, make_user, alliance, officer, facilitator, board, treasurer, association):
    live = _live(alliance, officer, facilitator, board, treasurer)
    reader = make_user(memberships=[(association, "board")], locale="en", name="Reader")
    said = sentences(login(reader).get(f"/alliances/{live.id}").get_data(as_text=True), "alliance-history")
    assert any(s.startswith("Teodoro Tesorero recorded an expense of Bs 1,250.50 with Ferretería Illimani – ")
               for s in said), said
    assert any("The alliance went from “Preselected” to “Plan in preparation”" in s for s in said)


def test_auditors_get_the_raw_data_only_when_they_ask(login, auditor, alliance, officer, facilitator, board,
                                                      treasurer):
    live = _live(alliance, officer, facilitator, board, treasurer)
    plain = login(auditor).get(f"/alliances/{live.id}").get_data(as_text=True)
    assert 'class="raw"' not in plain and "?raw=1" in plain
    raw = login(auditor).get(f"/alliances/{live.id}?raw=1").get_data(as_text=True)
    assert 'class="raw"' in raw and '"supplier"' in text(raw)


def test_the_audit_trail_is_sentences_with_the_json_on_request(login, admin, auditor, alliance, officer, facilitator,
                                                               board, treasurer):
    live = _live(alliance, officer, facilitator, board, treasurer)
    html = login(auditor).get("/audit").get_data(as_text=True)
    said = sentences(html, "audit-events")
    assert said and any(s.startswith("Teodoro Tesorero registró un gasto de Bs 1.250,50 con Ferretería Illimani")
                        for s in said), said
    assert "<table" not in html and '{"' not in text(html)
    raw = login(auditor).get("/audit?raw=1").get_data(as_text=True)
    assert 'class="raw"' in raw and '"supplier": "Ferretería Illimani"' in text(raw).replace('":"', '": "')
    assert live.code in html  # the alliance of each event is named


def test_names_and_data_are_escaped(login, alliance, officer, facilitator, board, treasurer):
    live = _live(alliance, officer, facilitator, board, treasurer, supplier="<b>Casa</b> & Cía")
    html = login(board).get(f"/alliances/{live.id}").get_data(as_text=True)
    assert "<b>Casa</b>" not in html and "&lt;b&gt;Casa&lt;/b&gt; &amp; Cía" in html


def test_an_event_without_its_keys_is_said_the_general_way(app, alliance, board):
    from grants.audit.models import Event
    from grants.web import history

    e = Event(object_type="expense", object_id=1, action="record", actor_name="Rosa Mamani", data="{}",
              prev_hash="0" * 64, hash="x")
    with app.test_request_context():
        assert str(history.sentence(e, "BOB")) == "Rosa Mamani: Registrado (un gasto)"
        e.actor_name = None
        e.object_type, e.action = "widget", "frobnicate"
        assert str(history.sentence(e)) == "El sistema: frobnicate (widget)"
