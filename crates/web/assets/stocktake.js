// Stock-taking scan box: sends each scan in the background so a scanner can
// fire barcodes one after another without a page load in between, and
// announces the result and the count politely. Without this script the form
// posts normally.
(function () {
  "use strict";
  var form = document.querySelector("form[data-stocktake]");
  if (!form || !window.fetch || !window.JSON) return;
  var input = form.querySelector("input[name=barcode]");
  var csrf = (form.querySelector("input[name=csrf]") || {}).value || "";
  var status = document.getElementById("scan-status");
  var count = document.getElementById("scan-count");
  var url = "/api/v1/stocktakes/" + encodeURIComponent(form.getAttribute("data-stocktake")) + "/scans";
  var queue = [];
  var busy = false;

  function say(kind, text) {
    status.textContent = "";
    var d = document.createElement("div");
    d.className = kind;
    d.textContent = text;
    status.appendChild(d);
  }
  function msg(name, code) {
    return (form.getAttribute("data-msg-" + name) || "").replace("{code}", code);
  }

  function next() {
    if (busy || !queue.length) return;
    busy = true;
    var code = queue[0];
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify({ barcode: code }),
    })
      .then(function (r) {
        if (r.status >= 400 && r.status < 500) {
          // Finished elsewhere or signed out: the page knows what to show.
          window.location.reload();
          throw new Error("reload");
        }
        if (!r.ok) throw new Error("server");
        return r.json();
      })
      .then(function (o) {
        queue.shift();
        if (o.unknown) say("warn", msg("unknown", code));
        else if (o.added) say("notice", msg("added", code));
        else say("notice", msg("repeated", code));
        count.textContent = (form.getAttribute("data-msg-count") || "{n}").replace("{n}", o.total);
        busy = false;
        next();
      })
      .catch(function (e) {
        if (e && e.message === "reload") return;
        // Keep the scan and try again shortly: a flaky connection loses nothing.
        busy = false;
        setTimeout(next, 3000);
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) return;
    queue.push(code);
    next();
  });
})();
