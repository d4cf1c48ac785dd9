// Lentera's only script: progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // Region type-ahead: fills the <datalist> from the API and announces the path.
  // `data-region-within` (a region code), when present, keeps suggestions
  // inside the user's area, so a common village name still finds theirs.
  var timers = new WeakMap();
  document.querySelectorAll("input[data-region-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var out = document.getElementById("p-" + input.name);
    var level = input.getAttribute("data-region-search");
    var paths = {};
    var asked = 0;
    // The path shown is always the current value's: a stale one would mislead.
    function show() {
      var path = paths[input.value.trim()];
      if (out && out.textContent !== (path || "")) out.textContent = path || "";
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      show();
      clearTimeout(timers.get(input));
      if (paths[q] || q.length < 2) return;
      timers.set(input, setTimeout(function () {
        var within = input.getAttribute("data-region-within");
        var url = "/api/v1/regions/search?limit=12&q=" + encodeURIComponent(q) +
          (level ? "&level=" + encodeURIComponent(level) : "") +
          (within ? "&within=" + encodeURIComponent(within) : "");
        var mine = ++asked;
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            if (mine !== asked) return; // a later answer is on its way
            list.textContent = "";
            (data.items || []).forEach(function (it) {
              var opt = document.createElement("option");
              opt.value = it.code;
              opt.label = it.path;
              opt.textContent = it.path;
              paths[it.code] = it.path;
              list.appendChild(opt);
            });
            show();
          })
          .catch(function () {});
      }, 200));
    });
  });

  // Confirm destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
})();
