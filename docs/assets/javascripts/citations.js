/* Citation previews: hovering over or focusing an in-text citation (a.cite, the link to the
   work's entry in the page's reference list) shows the full reference beside it.
   One delegated listener per event for the whole document; the preview element is created on
   the first hover or focus, never at load. Escape or moving away closes it; the pointer can move
   onto the preview to read or select it. The link is described by the preview while it is
   shown (aria-describedby), and the preview is named "Reference". */
(function () {
  "use strict";

  var preview = null;
  var current = null;
  var hideTimer = null;

  function citeOf(node) {
    return node && node.closest ? node.closest("a.cite") : null;
  }

  function entryFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    return id ? document.getElementById(id) : null;
  }

  function element() {
    if (!preview) {
      preview = document.createElement("div");
      preview.id = "cite-preview";
      preview.className = "cite-preview";
      preview.setAttribute("role", "tooltip");
      preview.setAttribute("aria-label", "Reference");
      preview.hidden = true;
      preview.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      preview.addEventListener("mouseleave", function () { hide(); });
      document.body.appendChild(preview);
    }
    return preview;
  }

  function show(link) {
    var entry = entryFor(link);
    if (!entry) return;
    clearTimeout(hideTimer);
    var box = element();
    var text = entry.cloneNode(true);
    text.querySelectorAll(".ref-links").forEach(function (node) { node.remove(); });
    box.innerHTML = text.innerHTML;
    box.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    box.querySelectorAll("a").forEach(function (a) { a.setAttribute("tabindex", "-1"); });
    if (current && current !== link) current.removeAttribute("aria-describedby");
    current = link;
    link.setAttribute("aria-describedby", box.id);
    box.hidden = false;
    var rect = link.getBoundingClientRect();
    var width = Math.min(box.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = rect.bottom + window.scrollY + 6;
    if (rect.bottom + box.offsetHeight + 12 > window.innerHeight && rect.top > box.offsetHeight + 12) {
      top = rect.top + window.scrollY - box.offsetHeight - 6;
    }
    box.style.left = left + "px";
    box.style.top = top + "px";
  }

  function hide() {
    clearTimeout(hideTimer);
    if (preview) preview.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function later() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 150);
  }

  document.addEventListener("mouseover", function (event) {
    var link = citeOf(event.target);
    if (link && link !== current) show(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = citeOf(event.target);
    if (link && !(event.relatedTarget && preview && preview.contains(event.relatedTarget))) later();
  });
  document.addEventListener("focusin", function (event) {
    var link = citeOf(event.target);
    if (link) show(link);
  });
  document.addEventListener("focusout", function (event) {
    if (citeOf(event.target)) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) hide();
  });
})();
