/* Paper: what a printed page needs that the screen does not.
   - Each link in the text (but a seminar question's permalink) carries its absolute address for print.css to print after it
     (data-print-href, resolved against the page's canonical address, so the paper shows the
     published address wherever the page was opened); a link whose text is already its address
     is marked data-print-same and prints once. This is done when the page is about to be
     printed (beforeprint, or the print media query starting to match), not at load: on a page
     of 400 links it was a noticeable part of a phone's work while the page loads.
   - A handout's "Print this handout" button (hidden until this script runs) opens printing.
   Nothing is stored or sent. */
(function () {
  "use strict";

  var SCHEME = /^[a-z][a-z0-9+.-]*:/i;

  function bare(address) {
    return address.trim().replace(SCHEME, "").replace(/^\/\//, "").replace(/^www\./i, "")
      .replace(/\/$/, "").toLowerCase();
  }

  function annotate() {
    var base = window.studyGuide.pageAddress();  /* guide.js, loaded before this script */
    document.querySelectorAll(".md-typeset a[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!href || href.charAt(0) === "#" || /^(mailto|tel|javascript):/i.test(href)) return;
      /* A question's permalink prints as its id (ch2-q4): the page's address is printed once. */
      if (link.classList.contains("question-link")) return;
      var absolute;
      try { absolute = new URL(href, base).href; } catch (error) { return; }
      if (bare(link.textContent) === bare(absolute)) {
        link.setAttribute("data-print-same", "");
      } else if (!SCHEME.test(href)) {
        link.setAttribute("data-print-href", absolute);
      }
    });
  }

  window.addEventListener("beforeprint", annotate);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var onChange = function (event) { if (event.matches) annotate(); };
    if (print.addEventListener) print.addEventListener("change", onChange);
    else if (print.addListener) print.addListener(onChange);
  }

  function enhance() {
    document.querySelectorAll(".print-action").forEach(function (action) {
      var button = action.querySelector("button");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () { window.print(); });
      action.hidden = false;
    });
  }

  window.studyGuide.onPage(enhance);  /* guide.js, loaded before this script */
})();
