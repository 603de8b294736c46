// The claim assistant in the story reader: mark each suggestion's words in the story text (drawn
// differently from logged claims), link marks and panel items both ways, and "Edit first", which
// opens the reader's "Log a claim" form filled with the suggestion instead of logging it at once.
//
// Offsets from the server count Unicode code points; DOM text nodes count UTF-16 units, so they
// are converted here. Marks only wrap existing text nodes: the text of #story-body stays exactly
// the revision's text, which static/js/reader.js relies on for its selection offsets.
"use strict";

(function () {
  const MARK = "suggestion-mark";

  function storyBody() {
    return document.getElementById("story-body");
  }

  function panel() {
    return document.getElementById("suggestions");
  }

  function clearMarks(root) {
    root.querySelectorAll("mark." + MARK).forEach(function (mark) {
      const parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parent.normalize();
    });
  }

  // The text nodes under root, each with its [start, end) in code points.
  function textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let offset = 0;
    let node = walker.nextNode();
    while (node) {
      const length = Array.from(node.data).length;
      nodes.push({ node: node, start: offset, end: offset + length });
      offset += length;
      node = walker.nextNode();
    }
    return nodes;
  }

  // The UTF-16 index of code point number `points` in `text`.
  function units(text, points) {
    let index = 0;
    let count = 0;
    for (const ch of text) {
      if (count === points) break;
      index += ch.length;
      count += 1;
    }
    return index;
  }

  function wrap(root, start, end, item) {
    const label = item.querySelector(".suggestion-kind");
    const pieces = textNodes(root).filter(function (t) {
      return t.end > start && t.start < end;
    });
    pieces.forEach(function (piece, index) {
      let node = piece.node;
      const from = units(node.data, Math.max(start, piece.start) - piece.start);
      const to = units(node.data, Math.min(end, piece.end) - piece.start);
      if (from >= to) return;
      if (to < node.data.length) node.splitText(to);
      if (from > 0) node = node.splitText(from);
      const mark = document.createElement("mark");
      mark.className = MARK + " suggestion-" + item.dataset.kind + (index === 0 ? " suggestion-first" : "");
      mark.dataset.suggestion = item.id;
      mark.title = "Suggested " + (label ? label.textContent.toLowerCase() : "claim") + ": see the Suggestions panel";
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
    });
  }

  function markAll() {
    const root = storyBody();
    const list = panel();
    if (!root) return;
    clearMarks(root);
    if (!list) return;
    list.querySelectorAll("li.suggestion[data-start][data-end]").forEach(function (item) {
      const start = parseInt(item.dataset.start, 10);
      const end = parseInt(item.dataset.end, 10);
      if (Number.isInteger(start) && Number.isInteger(end) && start < end) wrap(root, start, end, item);
    });
  }

  function activate(itemId) {
    document.querySelectorAll(".suggestion.is-active, mark." + MARK + ".is-active").forEach(function (el) {
      el.classList.remove("is-active");
    });
    const item = document.getElementById(itemId);
    const marks = document.querySelectorAll('mark.' + MARK + '[data-suggestion="' + itemId + '"]');
    if (item) item.classList.add("is-active");
    marks.forEach(function (mark) {
      mark.classList.add("is-active");
    });
    return { item: item, marks: marks };
  }

  // "Edit first": the server fills the reader's log form with the suggestion, every figure a row
  // (the link's own target, the reader with that form, is the way without JavaScript).
  function editFirst(link) {
    if (!window.htmx || !document.getElementById("log-claim-form")) return false;
    window.htmx.ajax("GET", link.href, { target: "#log-claim-form", swap: "outerHTML" }).then(function () {
      const section = document.getElementById("log-claim");
      if (section) section.scrollIntoView({ block: "start" });
      const quote = document.getElementById("log_quote");
      if (quote) quote.focus({ preventScroll: true });
    });
    return true;
  }

  document.addEventListener("click", function (event) {
    const mark = event.target.closest("mark." + MARK);
    if (mark && !mark.closest("mark[data-claim]")) {
      const found = activate(mark.dataset.suggestion);
      if (found.item) {
        found.item.setAttribute("tabindex", "-1");
        found.item.scrollIntoView({ block: "nearest" });
        found.item.focus({ preventScroll: true });
      }
      return;
    }
    const locate = event.target.closest(".suggestion-locate");
    if (locate) {
      const item = locate.closest(".suggestion");
      const found = activate(item.id);
      if (found.marks.length) {
        event.preventDefault();
        found.marks[0].scrollIntoView({ block: "center" });
      }
      return;
    }
    const edit = event.target.closest(".suggestion-edit");
    if (edit && editFirst(edit)) event.preventDefault();
  });

  // The panel arrives by htmx after the page; the story text is swapped after a claim is logged.
  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail && event.detail.target;
    if (!target || target.id === "suggestions" || target.id === "story-text" || target.contains(storyBody())) {
      markAll();
    }
  });
  document.addEventListener("htmx:oobAfterSwap", markAll);
  document.addEventListener("DOMContentLoaded", markAll);
})();
