// The guest-book kiosk: only returns the screen to the start on its own.
// Every screen is a plain form and works without this script.
(function () {
  "use strict";
  var secs = parseInt(document.body.getAttribute("data-kiosk-reset") || "", 10);
  if (!secs) return;
  var timer;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace("/kiosk"); }, secs * 1000);
  }
  // Someone still using the screen keeps it: any key or touch restarts the wait.
  ["keydown", "pointerdown"].forEach(function (ev) {
    document.addEventListener(ev, arm, { passive: true });
  });
  arm();
})();
