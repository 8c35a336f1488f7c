/* The bibliography page: filter as you type, by chapter, theme, type and year; a count beside
   the search box, announced politely to screen readers; the selection kept in the address
   (?text=hope&chapter=3) so it can be shared; the site search's highlight (?h=hope) fills the
   text filter (on small screens the secondary filters start folded unless one is in use: an
   inline script in docs/bibliography.md decides that before the list is drawn); the selected
   chapter's reading-list downloads; an empty state with "Clear filters"; a "Copy BibTeX" button
   per entry. Without JavaScript the full list shows. */
(function () {
  "use strict";

  var FIELDS = ["text", "chapter", "theme", "type", "from", "to"];

  function init() {
    var form = document.getElementById("bib-filter");
    var list = document.getElementById("bib-list");
    if (!form || !list || form.dataset.ready) return;
    form.dataset.ready = "1";
    var options = JSON.parse(document.getElementById("bib-options").textContent);
    var entries = Array.prototype.slice.call(list.querySelectorAll("li.bib-entry"));
    var count = document.getElementById("bib-count");
    var share = document.getElementById("bib-share");
    var texts = null;  /* each entry's searchable text, read when a reader first types */

    fill(form.elements.chapter, options.chapters);
    fill(form.elements.theme, options.themes);
    fill(form.elements.type, options.kinds);
    if (options.years.length) {
      form.elements.from.placeholder = options.years[0];
      form.elements.to.placeholder = options.years[1];
    }
    read(form);
    var empty = document.getElementById("bib-empty");
    var lists = Array.prototype.slice.call(form.querySelectorAll(".bib-chapter-list"));

    var timer;
    function update(announce) {
      var state = values(form);
      var words = normalise(state.text).split(/\s+/).filter(Boolean);
      var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
      var shown = 0;
      if (words.length && !texts) texts = entries.map(searchable);
      entries.forEach(function (li, i) {
        var year = parseInt(li.dataset.year, 10);
        var ok = words.every(function (w) { return texts[i].indexOf(w) >= 0; }) &&
          (!state.chapter || (" " + li.dataset.chapters + " ").indexOf(" " + state.chapter + " ") >= 0) &&
          (!state.theme || (" " + li.dataset.themes + " ").indexOf(" " + state.theme + " ") >= 0) &&
          (!state.type || li.dataset.kind === state.type) &&
          (isNaN(from) || year >= from) && (isNaN(to) || year <= to);
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      var query = new URLSearchParams();
      FIELDS.forEach(function (name) { if (state[name]) query.set(name, state[name]); });
      var search = query.toString() ? "?" + query.toString() : "";
      history.replaceState(null, "", location.pathname + search + location.hash);
      share.href = location.pathname + search;
      lists.forEach(function (p) { p.hidden = p.dataset.chapter !== state.chapter; });
      if (empty) empty.hidden = shown > 0;
      var message = shown + " of " + entries.length + " works";
      clearTimeout(timer);
      if (announce) {
        timer = setTimeout(function () { count.textContent = message; }, 400);
      } else {
        count.textContent = message;
      }
    }

    form.addEventListener("input", function () { update(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); update(true); });
    form.addEventListener("reset", function () { setTimeout(function () { update(true); }, 0); });
    if (empty) {
      /* The empty state's button hides itself: keep the keyboard focus on the search box. */
      empty.querySelector("button").addEventListener("click", function () {
        setTimeout(function () { form.elements.text.focus(); }, 0);
      });
    }
    update(false);
    addCopyButtons(entries);
  }

  /* An entry's own text, without its Copy BibTeX button's. */
  function searchable(li) {
    var text = "";
    var walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.parentElement.closest(".bib-copy")) text += walker.currentNode.data;
    }
    return normalise(text);
  }

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function fill(select, items) {
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      option.textContent = item.label;
      select.appendChild(option);
    });
  }

  function values(form) {
    var state = {};
    FIELDS.forEach(function (name) { state[name] = (form.elements[name].value || "").trim(); });
    return state;
  }

  function read(form) {
    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      if (params.has(name)) form.elements[name].value = params.get(name);
    });
    /* Arriving from the site search: its highlight parameter is the words searched for. */
    if (!params.has("text") && params.get("h")) form.elements.text.value = params.get("h");
  }

  function addCopyButtons(entries) {
    entries.forEach(function (li) {
      var key = li.id.replace(/^ref-/, "");
      li.querySelector(".bib-meta").appendChild(window.studyGuide.copyButton(
        "Copy BibTeX", "Copy BibTeX for " + key,
        function () { return li.dataset.bibtex; }, "BibTeX for " + key + " copied", "bib-copy"));
    });
  }


  window.studyGuide.onPage(init);  /* guide.js, loaded before this script */
})();
