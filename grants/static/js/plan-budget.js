/* Live financing summary on the budget page (progressive enhancement: without it the page recomputes on save).
   Exact arithmetic: amounts are BigInt cents, quantities BigInt thousandths, shares BigInt ten-thousandths,
   and every rule is checked by cross-multiplication like the server does. */
(function () {
  "use strict";
  var box = document.getElementById("financing-summary");
  var form = document.getElementById("line-form");
  if (!box || !form || !box.dataset.live || typeof BigInt === "undefined") { return; }
  var d = box.dataset;
  var SOURCES = ["grant", "counterpart_cash", "counterpart_in_kind", "other"];

  /* an amount as the page's language writes it, the server's rule (grants/money.py parse_amount_input):
     Spanish "1.250,50", "1250,50", "1250.50", "1.250"; English "1,250.50", "1250.50", "1,250" */
  function amount(text) {
    var t = String(text || "").trim().replace(/\s/g, "").replace(/^(bs\.?|us\$|\$|s\/\.?|l\.?)/i, "");
    if (t === "") { return "0"; }
    var dec = d.decimal === "," ? "," : ".", grp = dec === "," ? "." : ",";
    var grouped = new RegExp("^\\d{1,3}(\\" + grp + "\\d{3})+$");
    function whole(h) { return /^\d+$/.test(h) ? h : (grouped.test(h) ? h.split(grp).join("") : null); }
    var i = t.lastIndexOf(dec);
    if (i >= 0) {
      var head = t.slice(0, i), tail = t.slice(i + 1), w = head === "" ? "0" : whole(head);
      return (w !== null && /^\d{1,2}$/.test(tail)) ? w + "." + tail : null;
    }
    if (dec === "," && /^\d+\.\d{1,2}$/.test(t)) { return t; }
    return whole(t);
  }
  /* "1250.50" (or, for money, as the page's language writes it) -> BigInt scaled by 10^places, or null */
  function parse(text, places) {
    var t = String(text || "").trim().replace(/\s/g, "");
    if (t === "") { return 0n; }
    if (places === 2) { t = amount(t); if (t === null) { return null; } }
    else if (t.indexOf(",") >= 0 && t.indexOf(".") < 0) { t = t.replace(",", "."); }
    if (!/^\d+(\.\d+)?$/.test(t)) { return null; }
    var parts = t.split(".");
    var frac = parts[1] || "";
    if (frac.length > places) { return null; }
    while (frac.length < places) { frac += "0"; }
    return BigInt(parts[0]) * (10n ** BigInt(places)) + BigInt(frac || "0");
  }
  function group(intText) {
    var out = "";
    while (intText.length > 3) {
      out = d.group + intText.slice(-3) + out;
      intText = intText.slice(0, -3);
    }
    return intText + out;
  }
  function fixed(value, places) {
    var neg = value < 0n;
    var v = neg ? -value : value;
    var scale = 10n ** BigInt(places);
    var frac = (v % scale).toString();
    while (frac.length < places) { frac = "0" + frac; }
    return (neg ? "-" : "") + group((v / scale).toString()) + (places ? d.decimal + frac : "");
  }
  function money(cents) { return (d.symbol ? d.symbol + " " : "") + fixed(cents, 2); }
  function percent(tenThousandths) { return fixed(tenThousandths, 2) + " %"; }
  /* part / whole in ten-thousandths, rounded up ("ceil"), down ("floor") or half up */
  function share(part, whole, mode) {
    if (whole === 0n) { return 0n; }
    var n = part * 10000n;
    var q = n / whole;
    var r = n % whole;
    if (mode === "ceil" && r > 0n) { q += 1n; }
    if (mode === "half" && r * 2n >= whole) { q += 1n; }
    return q;
  }
  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) { el.textContent = text; }
  }
  function setRule(code, state, figure) {
    var li = document.getElementById("rule-" + code);
    if (!li) { return; }
    li.className = "rule rule-" + state;
    var s = li.querySelector(".rule-state");
    if (s) { s.textContent = d["text" + state.charAt(0).toUpperCase() + state.slice(1)] || state; }
    var f = li.querySelector(".rule-value");
    if (f && figure !== undefined) { f.textContent = figure; }
    var m = li.querySelector(".rule-message");
    if (m) { m.hidden = state !== "fail" || li.dataset.server !== "fail"; }  /* the server's words, while they hold */
  }
  function field(name) { return form.querySelector("[name=" + name + "]"); }

  var base = { total: parse(d.total, 2) };
  SOURCES.forEach(function (s) { base[s] = parse(d[s.replace(/_([a-z])/g, function (m, c) { return c.toUpperCase(); })], 2); });
  var limits = { grant: parse(d.maxGrantShare, 4), counterpart: parse(d.minCounterpartShare, 4),
                 cash: parse(d.minCashShare, 4), cap: parse(d.cap, 2) };
  var families = BigInt(d.families || "0");

  function update() {
    var qty = parse(field("quantity").value, 3);
    var cost = parse(field("unit_cost").value, 2);
    var bad = qty === null || cost === null;
    var lineTotal = bad ? 0n : (qty * cost + 500n) / 1000n;   /* half up to cents */
    var split = 0n;
    var line = {};
    SOURCES.forEach(function (s) {
      var v = parse(field(s).value, 2);
      if (v === null) { bad = true; v = 0n; }
      line[s] = v;
      split += v;
    });
    setText("line-total", money(lineTotal));
    setText("line-split", money(split));
    var t = { total: base.total + lineTotal };
    SOURCES.forEach(function (s) { t[s] = base[s] + line[s]; });
    var counterpart = t.counterpart_cash + t.counterpart_in_kind;
    setText("fin-total", money(t.total));
    SOURCES.forEach(function (s) {
      setText("fin-" + s, money(t[s]));
      setText("fin-share-" + s, percent(share(t[s], t.total, "half")));
    });
    setText("fin-counterpart", money(counterpart));
    setText("fin-share-counterpart", percent(share(counterpart, t.total, "half")));
    var empty = t.total === 0n;
    setRule("budget_empty", empty ? "fail" : "ok");
    if (empty) {
      ["grant_share_exceeded", "counterpart_share_too_low", "counterpart_cash_too_low"].forEach(function (c) {
        setRule(c, "pending", "");
      });
    } else {
      setRule("grant_share_exceeded", t.grant * 10000n <= limits.grant * t.total ? "ok" : "fail",
              percent(share(t.grant, t.total, "ceil")));
      setRule("counterpart_share_too_low", counterpart * 10000n >= limits.counterpart * t.total ? "ok" : "fail",
              percent(share(counterpart, t.total, "floor")));
      setRule("counterpart_cash_too_low", t.counterpart_cash * 10000n >= limits.cash * t.total ? "ok" : "fail",
              percent(share(t.counterpart_cash, t.total, "floor")));
    }
    var perFamily = families > 0n ? (t.grant + families - 1n) / families : null;
    setRule("grant_cap_per_family_exceeded",
            (families > 0n ? t.grant <= limits.cap * families : t.grant === 0n) ? "ok" : "fail",
            perFamily === null ? "" : money(perFamily));
    var ineligible = d.ineligibleLines !== "0" || (field("category").value === "land" && line.grant > 0n);
    setRule("ineligible_category", ineligible ? "fail" : "ok");
    var mismatch = d.mismatchedLines !== "0" || split !== lineTotal;
    setRule("split_mismatch", mismatch ? "fail" : "ok");
    var lineState = document.getElementById("line-state");
    if (lineState) {
      lineState.className = "line-state " + (bad ? "rule-pending" : split === lineTotal ? "rule-ok" : "rule-fail");
      lineState.textContent = bad ? d.textInvalid : split === lineTotal ? d.textBalanced : d.textUnbalanced;
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}());
