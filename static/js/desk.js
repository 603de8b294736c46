// Behaviour every desk page shares, loaded by base.html. No inline scripts anywhere: everything
// lives in static/js so the Content-Security-Policy can stay at script-src 'self'.
"use strict";

(function () {
  // How htmx treats each response: the one place for it. The server answers a form it refuses
  // with 422 (bad input) or 409 (an edit conflict) and the form again, errors marked, exactly as
  // a plain form post shows it: htmx swaps those in like a success. Any other error status is not
  // swapped but announced (below).
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false },
    ];
  }

  function announce(text) {
    let region = document.getElementById("htmx-alert");
    if (!region) {
      region = document.createElement("div");
      region.id = "htmx-alert";
      region.className = "htmx-alert";
      region.setAttribute("role", "alert");
      const main = document.getElementById("main") || document.body;
      main.insertBefore(region, main.firstChild);
    }
    region.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    const reason = xhr.status === 403 ? "your role does not allow this" : xhr.statusText || "error";
    announce("That did not work (" + xhr.status + ": " + reason + "). Nothing was changed.");
  });
  document.addEventListener("htmx:sendError", function () {
    announce("The desk could not be reached. Nothing was changed; try again.");
  });
})();
