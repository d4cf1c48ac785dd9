// The scan box, enhanced: the same scan goes to the JSON API, the result is
// announced in the aria-live region, the member's panel is redrawn in place
// and focus returns to the box for the next scan. Without this file the form
// posts and redirects, which works the same, only with a page load.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form || !window.fetch) return;
  var box = document.getElementById("f-code");
  var member = document.getElementById("scan-member");
  var status = document.getElementById("scan-status");
  var panel = document.getElementById("member-panel");
  var csrf = form.querySelector("input[name=csrf]").value;
  var lang = document.documentElement.lang === "en" ? "en" : "id";
  var T = {
    id: { member: "Anggota", none: "Belum ada anggota dipilih.", title: "Judul", barcode: "Barcode",
          due: "Jatuh tempo", renewals: "Perpanjangan", overdue: "Terlambat", noloans: "Tidak ada pinjaman.",
          line: "{n} dari {max} pinjaman; {late} terlambat.", next: "Selesai (anggota berikutnya)",
          caption: "Pinjaman saat ini", failed: "Gagal menghubungi server. Coba lagi." },
    en: { member: "Member", none: "No member selected yet.", title: "Title", barcode: "Barcode",
          due: "Due", renewals: "Renewals", overdue: "Overdue", noloans: "No loans.",
          line: "{n} of {max} loans; {late} overdue.", next: "Done (next member)",
          caption: "Current loans", failed: "Could not reach the server. Try again." }
  }[lang];
  var months = lang === "en"
    ? ["January","February","March","April","May","June","July","August","September","October","November","December"]
    : ["Januari","Februari","Maret","April","Mei","Juni","Juli","Agustus","September","Oktober","November","Desember"];
  function date(s) {
    var p = String(s).split("-");
    return Number(p[2]) + " " + months[Number(p[1]) - 1] + " " + p[0];
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function beep(ok) {
    // Optional audible cue; silently skipped where audio is unavailable.
    try {
      var A = window.AudioContext || window.webkitAudioContext;
      if (!A) return;
      var ctx = beep.ctx || (beep.ctx = new A());
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = ok ? 880 : 220;
      g.gain.value = 0.05;
      o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + (ok ? 0.08 : 0.25));
    } catch (e) { /* no sound is fine */ }
  }
  function announce(ok, text) {
    status.textContent = "";
    var d = el("div", text, ok ? "notice" : "warn");
    status.appendChild(d);
  }
  function draw(p) {
    panel.textContent = "";
    panel.appendChild(el("h2", T.member)).id = "member-title";
    if (!p.member) { panel.appendChild(el("p", T.none)); return; }
    var line = el("p", null, "member-line");
    var a = el("a"); a.href = "/members/" + p.member.id;
    a.appendChild(el("strong", p.member.full_name));
    line.appendChild(a);
    line.appendChild(document.createTextNode(" · " + p.member.member_no + " · " + p.member.member_type));
    panel.appendChild(line);
    var s = p.standing;
    var st = el("p", T.line.replace("{n}", s.open_loans).replace("{max}", s.limit).replace("{late}", s.overdue));
    st.id = "standing";
    panel.appendChild(st);
    if (!p.loans.length) { panel.appendChild(el("p", T.noloans)); }
    else {
      var wrap = el("div", null, "table-wrap"), t = el("table"); t.id = "loans";
      t.appendChild(el("caption", T.caption));
      var hr = el("tr");
      [T.title, T.barcode, T.due, T.renewals].forEach(function (h) { var th = el("th", h); th.scope = "col"; hr.appendChild(th); });
      t.appendChild(el("thead")).appendChild(hr);
      var tb = t.appendChild(el("tbody"));
      p.loans.forEach(function (l) {
        var tr = el("tr", null, l.overdue ? "overdue" : "");
        tr.appendChild(el("td", l.title));
        tr.appendChild(el("td")).appendChild(el("code", l.barcode));
        var due = el("td", date(l.due_on));
        if (l.overdue) { due.appendChild(document.createTextNode(" ")); due.appendChild(el("strong", T.overdue, "tag off")); }
        tr.appendChild(due);
        tr.appendChild(el("td", String(l.renewals)));
        tb.appendChild(tr);
      });
      wrap.appendChild(t); panel.appendChild(wrap);
    }
    var n = el("p"), na = el("a", T.next); na.href = "/circulation"; n.appendChild(na); panel.appendChild(n);
  }
  var busy = false;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (busy) return;
    var code = box.value.trim();
    if (!code) { box.focus(); return; }
    var action = ev.submitter && ev.submitter.value === "renew" ? "renew" : "scan";
    busy = true;
    fetch("/api/v1/circulation/scan", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ member: member.value, code: code, action: action })
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
    }).then(function (res) {
      var b = res.body;
      if (b.error) { announce(false, b.error.message); beep(false); return; }
      announce(b.result !== "refused", b.message);
      beep(b.result !== "refused");
      if (b.panel) {
        member.value = b.panel.member ? b.panel.member.id : member.value;
        draw(b.panel);
        if (b.panel.member && window.history && history.replaceState) {
          history.replaceState(null, "", "/circulation?member=" + encodeURIComponent(b.panel.member.id));
        }
      }
    }).catch(function () {
      announce(false, T.failed);
    }).then(function () {
      busy = false;
      box.value = "";
      box.focus();
    });
  });
})();
