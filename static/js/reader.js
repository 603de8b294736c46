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

  function focusForm(fieldName) {
    const form = document.getElementById("log-claim-form");
    if (!form) return;
    const section = document.getElementById("log-claim");
    if (section) section.scrollIntoView({ block: "start" });
    const field = form.elements.namedItem(fieldName);
    if (field && field.focus) field.focus({ preventScroll: true });
  }

  // "Log claim": the server prefills the form for the selected words (the date, the figures it
  // reads in them, the speaker of the nearest attribution, the best dispute). Without htmx the
  // whole reader comes back with the prefilled form.
  function openForm() {
    const form = document.getElementById("log-claim-form");
    if (!form) return;
    if (current === null) {
      focusForm("quote");
      return;
    }
    const url = form.getAttribute("action") + "?start=" + current.start + "&end=" + current.end;
    if (!window.htmx) {
      window.location.assign(url + "#log-claim");
      return;
    }
    window.htmx.ajax("GET", url, { target: "#log-claim-form", swap: "outerHTML" }).then(function () {
      focusForm("speaker");
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#log-claim-button")) {
      openForm();
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
    const logged = document.querySelector("#log-claim-form [data-logged], #suggestions [data-logged]");
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

  // --- Choosing words with the keyboard --------------------------------------------------------
  // With the story text focused (Tab to it): → and ← select the next or previous word, ↓ and ↑
  // the next or previous sentence; with Shift they move the end of the selection by a word or a
  // sentence instead; Enter (or L) opens the log form for the words, Esc clears them. Boundaries
  // come from Intl.Segmenter, offsets here are UTF-16 units of the text (readSelection converts
  // the resulting DOM selection to code points, as for a mouse selection).
  const segmenters = {};

  function segments(text, granularity) {
    if (!segmenters[granularity]) segmenters[granularity] = new Intl.Segmenter(undefined, { granularity: granularity });
    const found = [];
    for (const part of segmenters[granularity].segment(text)) {
      if (granularity === "word" ? part.isWordLike : part.segment.trim() !== "") {
        const lead = part.segment.length - part.segment.trimStart().length;
        found.push({ start: part.index + lead, end: part.index + part.segment.trimEnd().length });
      }
    }
    return found;
  }

  // The DOM position of UTF-16 offset `units` in root's text.
  function position(root, units) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let node = walker.nextNode();
    let last = null;
    while (node) {
      if (units <= seen + node.data.length) return [node, units - seen];
      seen += node.data.length;
      last = node;
      node = walker.nextNode();
    }
    return last ? [last, last.data.length] : [root, 0];
  }

  // The current selection inside root as UTF-16 offsets {start, end}, or null.
  function unitsSelected(root) {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.setStart(root, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    return { start: start, end: start + range.toString().length };
  }

  function select(root, start, end) {
    const from = position(root, start);
    const to = position(root, end);
    window.getSelection().setBaseAndExtent(from[0], from[1], to[0], to[1]);
  }

  function moveSelection(root, key, extend) {
    const text = root.textContent;
    const here = unitsSelected(root) || { start: 0, end: 0 };
    const collapsed = here.start === here.end;
    const granularity = key === "ArrowLeft" || key === "ArrowRight" ? "word" : "sentence";
    const forward = key === "ArrowRight" || key === "ArrowDown";
    const parts = segments(text, granularity);
    if (!parts.length) return;
    if (!extend) {
      // select the next (or previous) word or sentence; from a caret, the one at or after it
      let part;
      if (forward) {
        part = parts.find((p) => (collapsed ? p.end > here.start : p.start >= here.end)) || parts[parts.length - 1];
      } else {
        part = parts.slice().reverse().find((p) => p.end <= here.start) || parts[0];
      }
      select(root, part.start, part.end);
      return;
    }
    let start = here.start;
    let end = here.end;
    if (collapsed) {
      const first = parts.find((p) => p.end > start) || parts[parts.length - 1];
      start = first.start;
      end = first.end;
    } else if (forward) {
      const next = parts.find((p) => p.end > end);
      if (next) end = next.end;
    } else {
      // shrink: end at the previous boundary, never before the first word or sentence chosen
      const previous = parts.slice().reverse().find((p) => p.end < end && p.end > start);
      if (previous) end = previous.end;
    }
    select(root, start, end);
  }

  const SELECTION_KEYS = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];

  document.addEventListener("keydown", function (event) {
    const root = storyBody();
    if (!root || event.target !== root || event.altKey || event.ctrlKey || event.metaKey) return;
    if (SELECTION_KEYS.includes(event.key)) {
      event.preventDefault();
      moveSelection(root, event.key, event.shiftKey);
    } else if (event.key === "Escape") {
      window.getSelection().removeAllRanges();
      current = null;
      showState();
    } else if (event.key === "Enter" && document.getElementById("log-claim-form")) {
      event.preventDefault();
      current = readSelection() || current;
      openForm();
    }
  });

  // --- One key from anywhere in the reader: L opens the log form ----------------------------
  // (for the words selected, if any). Single-key shortcuts can be turned off (WCAG 2.1.4): the
  // choice is kept in this browser.
  const SHORTCUTS_OFF = "claimdesk.reader.shortcuts-off";

  function shortcutsOn() {
    try {
      return window.localStorage.getItem(SHORTCUTS_OFF) !== "1";
    } catch (error) {
      return true;
    }
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "l" && event.key !== "L") return;
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.target !== storyBody() && !shortcutsOn()) return;
    if (!document.getElementById("log-claim-form")) return;
    event.preventDefault();
    openForm();
  });

  document.addEventListener("change", function (event) {
    if (event.target.id !== "reader-shortcuts") return;
    try {
      if (event.target.checked) window.localStorage.removeItem(SHORTCUTS_OFF);
      else window.localStorage.setItem(SHORTCUTS_OFF, "1");
    } catch (error) {
      // storage refused (private mode): the choice lasts for this page only
    }
  });

  // Enter in the quote saves too, as in the form's one-line fields (Shift+Enter: a new line).
  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "log_quote" || event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    const form = event.target.form;
    form.requestSubmit(form.querySelector("button.default-submit"));
  });

  // Enter in the new speaker's fields creates the speaker: it must not save the claim half-filled
  // through the log form's default Save button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.target.tagName !== "INPUT") return;
    const scope = event.target.closest("details.new-speaker");
    const create = scope && scope.querySelector("button[data-enter-default]");
    if (!create) return;
    event.preventDefault();
    create.click(); // a click, so htmx sends this button as the submitter
  });

  window.addEventListener("hashchange", showTarget);
  document.addEventListener("DOMContentLoaded", function () {
    const toggle = document.getElementById("reader-shortcuts");
    if (toggle) toggle.checked = shortcutsOn();
    showState();
    showTarget();
  });
})();
