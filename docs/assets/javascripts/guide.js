/* Small enhancements over pages that work without JavaScript (load before bibliography.js):
   - seminar questions: a "Copy link" button beside each question's permalink;
   - Linking to this guide: the "Copy" button beside every address works;
   - Cite this page: a "Copy" button beside each reference;
   - printing opens every collapsed block, so answers and notes appear on paper.
   Nothing is stored or sent. */
(function () {
  "use strict";

  function status(message) {
    var region = document.getElementById("guide-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "guide-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    region.textContent = message;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  /* Copy `text` and say so on `button`, visibly and to screen readers. */
  function copyAndSay(button, label, text, done) {
    copyText(text).then(function () {
      button.textContent = "Copied";
      status(done + ": " + text);
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () {
      status("Could not copy. " + text);
    });
  }

  /* A button that copies getText() and says so. */
  function copyButton(label, accessibleName, getText, done, className) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = className || "question-copy";
    button.textContent = label;
    button.setAttribute("aria-label", accessibleName);
    button.addEventListener("click", function () { copyAndSay(button, label, getText(), done); });
    return button;
  }

  /* Linking to this guide: its "Copy" buttons are in the page (hidden without JavaScript, see
     guide.css), so that the long page is not rebuilt at load; one listener serves them all. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.link-copy[data-copy]");
    if (button) copyAndSay(button, "Copy", button.getAttribute("data-copy"), "Address copied");
  });

  /* The page's published address, wherever it was opened (a local copy, a mirror,
     …/index.html): the canonical link, or the address bar where there is none. */
  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    return canonical ? canonical.href : location.href;
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];
  function enhance() {
    /* The address to copy is the published one: links resolve against pageAddress(). */
    var base = pageAddress();
    document.querySelectorAll("a.question-link").forEach(function (link) {
      var next = link.nextElementSibling;
      if (next && next.classList.contains("question-copy")) return;
      /* On a handout and on the print page the permalink leads to the question on its
         chapter page. */
      var url = new URL(link.getAttribute("href"), base);
      var id = url.hash.slice(1);
      link.insertAdjacentElement("afterend", copyButton(
        "Copy link", "Copy link to question " + id,
        function () { return url.origin + url.pathname + "#" + id; },
        "Link to question " + id + " copied"));
    });
    /* Harvard's access date for a page of the guide is today's (cite.py), as "4 December
       2026". Written out here rather than by toLocaleDateString, whose first call loads the
       browser's date formats: about a tenth of a second of a phone's main thread. */
    var slots = document.querySelectorAll(".cite-accessed");
    if (slots.length) {
      var now = new Date();
      var today = now.getDate() + " " + MONTHS[now.getMonth()] + " " + now.getFullYear();
      slots.forEach(function (slot) {
        slot.querySelector("[data-guide-today]").textContent = today;
        slot.hidden = false;
      });
    }
    document.querySelectorAll(".cite-box p").forEach(function (p) {
      if (p.querySelector(".question-copy")) return;
      var style = p.querySelector(".cite-style").textContent.replace(/:$/, "");
      var text = p.querySelector(".cite-text");
      /* "…for the book" or "…for this page": four buttons, four names. */
      var of = p.parentElement.getAttribute("data-cite-of");
      var what = style + " reference" + (of ? " for " + of : "");
      p.appendChild(copyButton(
        "Copy", "Copy the " + what,
        function () { return text.textContent.trim(); }, "The " + what + " copied"));
    });
  }

  /* Run `enhance` on every page: with instant loading the theme swaps pages without a reload. */
  function onPage(enhance) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(enhance);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", enhance);
    } else {
      enhance();
    }
  }

  /* Shared with the scripts loaded after this one (bibliography.js, print.js, glossary.js). */
  window.studyGuide = { copyButton: copyButton, onPage: onPage, pageAddress: pageAddress };

  onPage(enhance);

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.setAttribute("open", "");
      details.dataset.printOpened = "1";
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (details) {
      details.removeAttribute("open");
      delete details.dataset.printOpened;
    });
  });
})();

/* --- Palette toggle and header (reading and keyboard) ---------------------------------------
   The theme leaves both palette radios unchecked when the scheme comes from the system setting,
   so Tab would land on the first radio, whose label is hidden in the dark scheme: an invisible
   focus stop. The radio of the scheme in use is checked (no change event: nothing else moves),
   so Tab lands on the one whose toggle is shown. */
(function () {
  "use strict";

  function checkCurrentPalette() {
    var scheme = document.body.getAttribute("data-md-color-scheme");
    var inputs = document.querySelectorAll('form[data-md-component="palette"] input.md-option');
    if (!inputs.length || Array.prototype.some.call(inputs, function (i) { return i.checked; })) return;
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.getAttribute("data-md-color-scheme") === scheme) input.checked = true;
    });
  }

  window.studyGuide.onPage(checkCurrentPalette);
})();

/* --- The menu on small screens (the theme's drawer) -------------------------------------------
   The theme opens its drawer with a label for a hidden checkbox: no name, no Tab stop, no keys.
   A real button goes inside the label, round its icon: named "Open the navigation" or "Close
   the navigation", with aria-expanded, and worked by Enter and Space as any button is (a label
   may not take the button role). Tab from it goes into the open drawer and Shift+Tab from the
   drawer's first control comes back; Escape closes the drawer and puts focus back on the
   button; the drawer closes when focus moves on past it, to the page it covers. The checkbox
   is toggled with click(), as the theme does itself, so that its own code sees the change. */
(function () {
  "use strict";

  var toggle = document.getElementById("__drawer");
  var label = document.querySelector('label.md-header__button[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
  if (!toggle || !label || !drawer) return;

  drawer.id = drawer.id || "guide-drawer";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "guide-drawer-button";
  button.setAttribute("aria-controls", drawer.id);
  while (label.firstChild) button.appendChild(label.firstChild);
  label.appendChild(button);
  label.classList.add("guide-drawer-label");
  /* A click on a button inside a label does not reach the label's checkbox: toggle it here. */
  button.addEventListener("click", function () { toggle.click(); });

  function sync() {
    button.setAttribute("aria-expanded", String(toggle.checked));
    button.setAttribute("aria-label", toggle.checked ? "Close the navigation" : "Open the navigation");
    if (!toggle.checked && drawer.contains(document.activeElement)) button.focus();
  }
  /* A section with a page of its own (Chapters, Teaching, About) has the theme's arrow beside
     its link, a label that no key reached: a button goes inside it, named after the section,
     that says whether the section is open (it opens the section's panel in the drawer, and
     shows or hides its pages in the sidebar). */
  Array.prototype.forEach.call(drawer.querySelectorAll(".md-nav__container > label.md-nav__link[for]:not([tabindex])"),
    function (arrow) {
      var box = document.getElementById(arrow.htmlFor);
      var link = arrow.parentElement.querySelector("a");
      if (!box || !link) return;
      var open = document.createElement("button");
      open.type = "button";
      open.className = "guide-nav-open";
      open.setAttribute("aria-label", link.textContent.trim().replace(/\s+/g, " ") + " section");
      while (arrow.firstChild) open.appendChild(arrow.firstChild);
      arrow.appendChild(open);
      open.addEventListener("click", function () { box.click(); });
      function state() { open.setAttribute("aria-expanded", String(box.checked)); }
      box.addEventListener("change", state);
      state();
    });

  /* Each section's panel in the drawer has the theme's title at its top, a label that leads
     back up a level: a button goes inside it, named "Back from <title>", so that the keyboard
     can go back too. Going back puts focus on what opened the panel; opening a panel from
     the keyboard puts it on the new panel's button, as the level it left is hidden. */
  var keyDown = false;
  document.addEventListener("keydown", function () { keyDown = true; }, true);
  document.addEventListener("keyup", function () { keyDown = false; });
  Array.prototype.forEach.call(drawer.querySelectorAll('label.md-nav__title[for]:not([for="__drawer"])'),
    function (title) {
      var box = document.getElementById(title.htmlFor);
      if (!box) return;
      var back = document.createElement("button");
      back.type = "button";
      back.className = "guide-nav-back";
      var words = document.createElement("span");
      words.className = "visually-hidden";
      words.textContent = "Back from ";
      while (title.firstChild) back.appendChild(title.firstChild);
      back.insertBefore(words, back.firstChild);
      title.appendChild(back);
      back.addEventListener("click", function () {
        if (!box.checked) return;
        box.click();
        var item = box.parentElement;
        var opener = item.querySelector('label.md-nav__link[for="' + box.id + '"][tabindex], ' +
          '.md-nav__container > label[for="' + box.id + '"] > .guide-nav-open') ||
          item.querySelector(":scope > .md-nav__container > a, :scope > a.md-nav__link");
        if (opener) opener.focus();
      });
      box.addEventListener("change", function () {
        var from = document.activeElement;
        if (!box.checked || !from || !from.closest || !from.closest('label[for="' + box.id + '"]')) return;
        /* Once the key that opened it is up: Enter on the button would go back at once. */
        if (!keyDown) { back.focus({preventScroll: true}); return; }
        document.addEventListener("keyup", function moved() {
          document.removeEventListener("keyup", moved, true);
          if (box.checked && document.activeElement === from) back.focus({preventScroll: true});
        }, true);
      });
    });

  /* The drawer's controls that can be seen: the theme slides a section's level over the one
     above it. */
  function controls() {
    return Array.prototype.filter.call(drawer.querySelectorAll("a[href], label[tabindex], input, button"),
      function (el) {
        var box = el.getBoundingClientRect();
        var top = box.width && document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return el.tabIndex >= 0 && top && el.contains(top) && getComputedStyle(el).visibility === "visible";
      });
  }

  button.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && !event.shiftKey && toggle.checked && controls().length) {
      event.preventDefault();
      controls()[0].focus();
    }
  });
  drawer.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && event.shiftKey && event.target === controls()[0]) {
      event.preventDefault();
      button.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !toggle.checked) return;
    toggle.click();
    button.focus();
  });
  document.addEventListener("focusin", function (event) {
    if (toggle.checked && event.target !== button && !drawer.contains(event.target)) toggle.click();
  });
  toggle.addEventListener("change", sync);
  addEventListener("pageshow", sync);               /* main.html may have closed it */
  sync();
})();
