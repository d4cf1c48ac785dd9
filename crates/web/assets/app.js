// Lentera's only script: progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users land on it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // Region type-ahead: fills the <datalist> from the API and announces the path.
  var timers = new WeakMap();
  document.querySelectorAll("input[data-region-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var out = document.getElementById("p-" + input.name);
    var level = input.getAttribute("data-region-search");
    var paths = {};
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (paths[q] && out) { out.textContent = paths[q]; return; }
      clearTimeout(timers.get(input));
      if (q.length < 2) return;
      timers.set(input, setTimeout(function () {
        var url = "/api/v1/regions/search?limit=12&q=" + encodeURIComponent(q) + (level ? "&level=" + level : "");
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.items || []).forEach(function (it) {
              var opt = document.createElement("option");
              opt.value = it.code;
              opt.label = it.path;
              opt.textContent = it.path;
              paths[it.code] = it.path;
              list.appendChild(opt);
            });
            if (paths[input.value.trim()] && out) out.textContent = paths[input.value.trim()];
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
