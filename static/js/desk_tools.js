// Story import and re-anchoring behaviour. Loaded as a static file so the Content-Security-Policy
// can stay at script-src 'self': no inline scripts or handlers. (Refused forms are swapped in by the
// one htmx response rule in desk.js.)
"use strict";

(function () {
  // 1. Upload progress for the story import form (htmx's xhr progress events).
  function progressParts(form) {
    return {
      bar: form.querySelector("progress"),
      text: form.querySelector("#upload-progress-text")
    };
  }
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("#story-import-form");
    if (!form || !event.detail.lengthComputable) { return; }
    var parts = progressParts(form);
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    if (parts.bar) { parts.bar.hidden = false; parts.bar.value = percent; }
    if (parts.text) { parts.text.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Checking and importing…"; }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("#story-import-form");
    if (!form) { return; }
    var parts = progressParts(form);
    if (parts.bar) { parts.bar.hidden = false; parts.bar.value = 0; }
    if (parts.text) { parts.text.textContent = "Uploading…"; }
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
  });

  // 2. Re-anchoring: selecting words in a "now says" sentence fills that claim's form with the
  //    exact words and their offset in the story text.
  function offsetWithin(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  document.addEventListener("mouseup", fillFromSelection);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") { fillFromSelection(); }
  });
  function fillFromSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var source = start && start.closest(".reanchor-source");
    if (!source || !source.contains(range.endContainer)) { return; }
    var text = selection.toString();
    if (!text.trim()) { return; }
    var form = document.querySelector('.reanchor-form[data-claim="' + source.dataset.claim + '"]');
    if (!form) { return; }
    var begin = parseInt(source.dataset.start, 10) + offsetWithin(source, range.startContainer, range.startOffset);
    form.querySelector("textarea[name=quote]").value = text;
    form.querySelector("input[name=start]").value = String(begin);
  }
})();
