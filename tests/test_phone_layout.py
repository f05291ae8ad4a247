"""Nothing is wider than a 360 px phone, even with long data: a call title in a filter's options, a long
e-mail in a table, long labels in a responsive table's cells. (A crawl of the demo found these.)"""
import pytest

from grants.extensions import db as _db
from tests.browser import sign_in

pytestmark = pytest.mark.browser


def width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_texts_wrap_on_a_phone(db, phone, admin, call, make_user, alliance):
    call.title = "Convocatoria nacional 2026 para alianzas productivas de La Paz, Cochabamba, Potosí y Oruro"
    make_user(roles=("officer",), regions=("La Paz",), name="María de los Ángeles Quispe Mamani de Condori",
              email="maria.de.los.angeles.quispe.mamani.condori@gobernacion-lapaz.example.org")
    _db.session.commit()
    sign_in(phone, admin.email)
    for path in ("/alliances/", "/portfolio", "/admin/users/", f"/alliances/{alliance.id}"):
        phone.goto(path)
        assert width(phone) <= 360, path


#: every normal word (letters only, four or more, narrower than 200 px: a token longer than a phone's line may
#: break) under <main> whose letters fall on more than one line, and every responsive-table label (td::before)
#: narrower than its longest word: a word broken mid-word
BROKEN_WORDS = r"""() => {
  const broken = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const word = /\p{L}{4,}/gu;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.offsetParent || el.closest('code, .hash, script, style, option, select, textarea')) continue;
    for (const m of node.data.matchAll(word)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      const style = getComputedStyle(el);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      if (tops.size > 1 && canvas.measureText(m[0]).width < 200) broken.push(m[0]);
    }
  }
  for (const td of document.querySelectorAll('main td[data-label]')) {
    if (!td.offsetParent) continue;
    const before = getComputedStyle(td, '::before');
    if (before.content === 'none' || before.display === 'none') continue;
    canvas.font = `${before.fontWeight} ${before.fontSize} ${before.fontFamily}`;
    const longest = Math.max(0, ...td.dataset.label.split(/\s+/).map(w => canvas.measureText(w).width));
    if (parseFloat(before.width) + 1 < longest) broken.push(td.dataset.label + ' (label)');
  }
  return broken;
}"""

LONG_SUPPLIER = "ServiciosIntegralesAgropecuariosDelAltiplanoNorteSociedadDeResponsabilidadLimitada"


def test_words_never_break_mid_word_and_long_tokens_never_widen_the_page(db, phone, alliance, officer, facilitator,
                                                                         board, treasurer):
    from grants.execution import expenses
    from tests.execution_support import executing, expense_data

    alliance.title = "Rendimiento lechero de las Mujeres productoras organizadas de Achacachi y Ancoraimes"
    live = executing(alliance, officer, facilitator, board)
    line = live.budget_lines[0]
    line.description = "Rendimiento del hato: tanque de frío, ordeñadoras y capacitación de las Mujeres"
    for n, supplier in enumerate((LONG_SUPPLIER, "Cooperativa de Mujeres Productoras de Rendimiento Lechero")):
        expenses.record_expense(live, expense_data(line, "1000.00", number=f"F-{n}", supplier=supplier), treasurer)
    _db.session.commit()
    sign_in(phone, treasurer.email)
    for path in (f"/alliances/{live.id}", f"/alliances/{live.id}/execution", f"/alliances/{live.id}/execution/expenses",
                 "/alliances/", f"/alliances/{live.id}/monitoring/indicators"):
        phone.goto(path)
        assert width(phone) <= 360, path
        assert phone.evaluate(BROKEN_WORDS) == [], path
    phone.goto(f"/alliances/{live.id}/execution/expenses")
    # the long supplier is on the page, wrapped rather than cut
    assert phone.locator("main", has_text=LONG_SUPPLIER[:30]).count() >= 1
