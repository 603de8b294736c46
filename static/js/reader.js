// The story reader: log a claim from selected words, and open a claim from its highlight.
//
// Offsets: the server counts Unicode code points in the revision's text; JavaScript strings count
// UTF-16 units, so an emoji or a rare letter outside the BMP counts 2 here and 1 there. Offsets
// below are converted to code points. The page's text nodes inside #story-body are exactly the
// revision's text (the server adds only <mark> elements, no text), so a DOM Range's text is the
// text between two offsets. The server anchors the quote itself (claims.services.claim_log):
// what we send is the exact quote, some context either side, and the offset as a hint.
"use strict";

(function () {
  const CONTEXT = 32;
  let current = null; // the last selection made in the story: {start, end, quote, prefix, suffix}

  function storyBody() {
    return document.getElementById("story-body");
  }

  function codePoints(text) {
    return Array.from(text);
  }

  function readSelection() {
    const root = storyBody();
    const selection = window.getSelection();
    if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0).cloneRange();
    const whole = document.createRange();
    whole.selectNodeContents(root);
    // Keep only the part of the selection inside the story text.
    if (range.compareBoundaryPoints(Range.END_TO_START, whole) >= 0) return null; // starts after the text
    if (range.compareBoundaryPoints(Range.START_TO_END, whole) <= 0) return null; // ends before it
    if (range.compareBoundaryPoints(Range.START_TO_START, whole) < 0) range.setStart(root, 0);
    if (range.compareBoundaryPoints(Range.END_TO_END, whole) > 0) range.setEnd(root, root.childNodes.length);

    const before = document.createRange();
    before.setStart(root, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const chars = codePoints(root.textContent);
    let start = codePoints(before.toString()).length;
    let end = start + codePoints(range.toString()).length;
    // Leave out whitespace picked up at either end (a double-click often takes the next space).
    while (start < end && /\s/.test(chars[start])) start += 1;
    while (end > start && /\s/.test(chars[end - 1])) end -= 1;
    if (start >= end) return null;
    return {
      start: start,
      end: end,
      quote: chars.slice(start, end).join(""),
      prefix: chars.slice(Math.max(0, start - CONTEXT), start).join(""),
      suffix: chars.slice(end, end + CONTEXT).join(""),
    };
  }

  function showState() {
    const button = document.getElementById("log-claim-button");
    const status = document.getElementById("selection-status");
    if (!button) return;
    button.disabled = current === null;
    if (status) {
      if (current === null) {
        status.textContent = "Select words in the story, then press “Log claim”.";
      } else {
        const words = current.quote.length > 60 ? current.quote.slice(0, 57) + "…" : current.quote;
        status.textContent = "Selected: “" + words + "”";
      }
    }
  }

  document.addEventListener("selectionchange", function () {
    const found = readSelection();
    if (found !== null) {
      current = found;
      showState();
    }
  });

  function setField(form, name, value) {
    const field = form.elements.namedItem(name);
    if (field) field.value = value;
  }

  function fillForm() {
    const form = document.getElementById("log-claim-form");
    if (!form || current === null) return;
    setField(form, "quote", current.quote);
    setField(form, "prefix", current.prefix);
    setField(form, "suffix", current.suffix);
    setField(form, "start_hint", String(current.start));
    setField(form, "occurrence", "");
    form.dataset.filled = "1";
    document.body.dispatchEvent(new CustomEvent("quote-selected", { bubbles: true }));
    const section = document.getElementById("log-claim");
    if (section) section.scrollIntoView({ block: "start" });
    const speaker = form.elements.namedItem("speaker");
    if (speaker) speaker.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#log-claim-button")) {
      fillForm();
      return;
    }
    const mark = event.target.closest("#story-body mark[data-claim]");
    if (!mark) return;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // the reader is selecting words, not opening a claim
    openClaim(mark);
  });

  document.addEventListener("keydown", function (event) {
    const mark = event.target.closest && event.target.closest("#story-body mark[data-claim]");
    if (!mark || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    openClaim(mark);
  });

  // A quote typed or pasted by hand replaces the selection: its old context no longer applies.
  document.addEventListener("input", function (event) {
    if (event.target.id !== "log_quote") return;
    const form = event.target.form;
    setField(form, "prefix", "");
    setField(form, "suffix", "");
    setField(form, "start_hint", "");
  });

  function markClaim(claimId, className) {
    document.querySelectorAll("#story-body mark." + className).forEach(function (mark) {
      mark.classList.remove(className);
    });
    if (!claimId) return [];
    const marks = document.querySelectorAll('#story-body mark[data-claim="' + claimId + '"]');
    marks.forEach(function (mark) {
      mark.classList.add(className);
    });
    return marks;
  }

  function openClaim(mark) {
    const claimId = mark.dataset.claim;
    markClaim(claimId, "is-active");
    const panel = document.getElementById("claim-panel");
    if (window.htmx && panel) {
      window.htmx.ajax("GET", mark.dataset.href + "?panel=1", { target: "#claim-panel", swap: "innerHTML" });
    } else {
      window.location.assign(mark.dataset.href);
    }
  }

  function showTarget() {
    const match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (!match) return;
    const marks = markClaim(match[1], "is-target");
    if (marks.length) marks[0].scrollIntoView({ block: "center" });
  }

  // After a claim is logged the server swaps in the new text (out of band, before the fresh form
  // is swapped in): clear the old selection, and once everything has settled point at the new
  // highlight named by the form's success message.
  let textReplaced = false;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "story-text") return;
    textReplaced = true;
    current = null;
    const selection = window.getSelection();
    if (selection) selection.removeAllRanges();
    showState();
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!textReplaced) return;
    textReplaced = false;
    const logged = document.querySelector("#log-claim-form [data-logged]");
    if (logged) markClaim(logged.dataset.logged, "is-target");
  });

  // The dispute picker is refreshed with new suggestions when the speaker or quote changes. A
  // dispute picked while that request was on its way stays picked.
  let pickedDispute = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "dispute-field") {
      const select = document.getElementById("log_dispute");
      pickedDispute = select ? select.value : null;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (pickedDispute === null || !event.detail.target || event.detail.target.id !== "dispute-field") return;
    const select = document.getElementById("log_dispute");
    if (select && Array.from(select.options).some((option) => option.value === pickedDispute)) {
      select.value = pickedDispute;
    }
    pickedDispute = null;
  });

  window.addEventListener("hashchange", showTarget);
  document.addEventListener("DOMContentLoaded", function () {
    showState();
    showTarget();
  });
})();
