/* Seminar questions: a "Copy link" button beside each question's permalink.
   Without JavaScript the permalink itself still works. Nothing is stored or sent. */
(function () {
  "use strict";

  function status() {
    var region = document.getElementById("guide-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "guide-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
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

  function enhance() {
    document.querySelectorAll("a.question-link").forEach(function (link) {
      var next = link.nextElementSibling;
      if (next && next.classList.contains("question-copy")) return;
      var id = link.getAttribute("href").slice(1);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "question-copy";
      button.textContent = "Copy link";
      button.setAttribute("aria-label", "Copy link to question " + id);
      button.addEventListener("click", function () {
        var url = location.origin + location.pathname + "#" + id;
        copyText(url).then(function () {
          button.textContent = "Copied";
          status().textContent = "Link to question " + id + " copied: " + url;
          setTimeout(function () { button.textContent = "Copy link"; }, 2000);
        }, function () {
          status().textContent = "Could not copy. The link is " + url;
        });
      });
      link.insertAdjacentElement("afterend", button);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();

/* Linking to this guide: a "Copy" button beside every address in the tables. */
(function () {
  "use strict";
  function enhance() {
    document.querySelectorAll(".link-targets td > code").forEach(function (code) {
      if (code.nextElementSibling) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "question-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy address " + code.textContent);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(code.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
      code.insertAdjacentElement("afterend", button);
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else {
    document.addEventListener("DOMContentLoaded", enhance);
  }
})();

/* Printing opens every collapsed block, so answers and notes appear on paper. */
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
