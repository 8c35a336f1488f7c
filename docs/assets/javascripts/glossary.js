/* The glossary's filter box: a progressive enhancement over the A-Z bar, which works without
   scripts. Typing keeps only the terms whose heading or definition contains the text, hides
   letter headings left empty (and their letters in the bar), and says how many terms match (politely, to screen readers).
   Nothing is stored or sent. */
(function () {
  "use strict";

  function entries(content) {
    /* Each term: its h3 and what follows it, up to the next h2 or h3. */
    var found = [];
    content.querySelectorAll(":scope > h3[id]").forEach(function (heading) {
      var parts = [heading];
      var next = heading.nextElementSibling;
      while (next && !/^H[23]$/.test(next.tagName)) {
        parts.push(next);
        next = next.nextElementSibling;
      }
      found.push({ parts: parts, text: null });
    });
    return found;
  }

  /* A term's heading and definition, lower-cased: read when the reader first types. */
  function text(term) {
    if (term.text === null) {
      term.text = term.parts.map(function (p) { return p.textContent; }).join(" ").toLowerCase();
    }
    return term.text;
  }

  function enhance() {
    var bar = document.querySelector("nav.glossary-az");
    if (!bar || bar.previousElementSibling && bar.previousElementSibling.classList.contains("glossary-filter")) return;
    var content = bar.closest(".md-typeset");
    var terms = entries(content);
    /* Each letter in the bar with its heading. */
    var letters = [];
    bar.querySelectorAll("a[href^='#']").forEach(function (a) {
      var heading = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (heading) letters.push({ link: a, heading: heading });
    });

    var box = document.createElement("div");
    box.className = "glossary-filter";
    box.setAttribute("role", "search");
    box.setAttribute("aria-label", "Glossary");
    box.innerHTML = '<label for="glossary-filter-input">Filter the glossary</label>' +
      '<input id="glossary-filter-input" type="search" autocomplete="off" spellcheck="false">' +
      '<p class="glossary-filter__count" role="status" aria-live="polite"></p>';
    bar.insertAdjacentElement("beforebegin", box);
    var input = box.querySelector("input");
    var count = box.querySelector(".glossary-filter__count");

    function apply() {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      terms.forEach(function (term) {
        var match = !query || text(term).indexOf(query) !== -1;
        if (match) shown += 1;
        term.parts.forEach(function (part) { part.hidden = !match; });
      });
      letters.forEach(function (letter) {
        var heading = letter.heading, next = heading.nextElementSibling, any = false;
        while (next && next.tagName !== "H2") {
          if (next.tagName === "H3" && !next.hidden) any = true;
          next = next.nextElementSibling;
        }
        heading.hidden = !any;
        letter.link.parentElement.hidden = !any;  /* the bar offers only letters with terms */
      });
      count.textContent = !query ? "" : shown === 0
        ? "No terms match \u201c" + input.value.trim() + "\u201d. Clear the box to see all " + terms.length + "."
        : shown + " of " + terms.length + " terms match.";
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value) {
        input.value = "";
        apply();
        event.stopPropagation();
      }
    });
  }

  window.studyGuide.onPage(enhance);  /* guide.js, loaded before this script */
})();
