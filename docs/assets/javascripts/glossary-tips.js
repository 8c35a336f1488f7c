/* Tooltips for the content's title attributes (glossary-term links carry the term's definition
   as their title; permalinks say "Link to this section"), created only when needed.

   The theme's own `content.tooltips` sets up a tooltip for every element with a title when a
   page loads, which on a long page (the glossary, a chapter) is most of the main thread's work
   before the reader can do anything. This does the same job lazily: one delegated listener per
   event for the whole document, and one tooltip element, made on the first hover or keyboard
   focus and reused. It looks like the theme's tooltip (same classes), is shown on hover and on
   focus, describes its link while shown (aria-describedby), stays while the pointer is over the
   link or the tooltip, and closes on Escape or when the pointer or focus moves away. While it
   is shown the title is held aside, so the browser does not show its own tooltip as well;
   without JavaScript the title works as a plain browser tooltip.

   window.guideTooltip(options) is the shared part, for any lazily shown preview:
     match(node)   -> the host element for an event target, or null
     fill(box, host) -> puts the content into the tooltip's inner box; false to show nothing
     id, className -> the tooltip element's id and extra class
   It returns {show(host), hide()}. */
(function () {
  "use strict";

  function guideTooltip(options) {
    var tip = null;
    var inner = null;
    var current = null;
    var hideTimer = null;
    var frame = null;

    function element() {
      if (!tip) {
        tip = document.createElement("div");
        tip.id = options.id;
        tip.className = "md-tooltip2 md-tooltip2--bottom" +
          (options.className ? " " + options.className : "");
        tip.setAttribute("role", "tooltip");
        inner = document.createElement("div");
        inner.className = "md-tooltip2__inner md-typeset";
        tip.appendChild(inner);
        tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
        tip.addEventListener("mouseleave", later);
        document.body.appendChild(tip);
      }
      return tip;
    }

    function show(host) {
      if (current === host) { clearTimeout(hideTimer); return; }
      if (current) hide();
      var box = element();
      if (options.fill(inner, host) === false) return;
      clearTimeout(hideTimer);
      current = host;
      var rect = host.getBoundingClientRect();
      box.style.setProperty("--md-tooltip-host-x", rect.x + window.scrollX + "px");
      box.style.setProperty("--md-tooltip-host-y", rect.y + window.scrollY + "px");
      box.style.setProperty("--md-tooltip-x", rect.width / 2 + "px");
      box.style.setProperty("--md-tooltip-y", 8 + rect.height + "px");
      box.style.setProperty("--md-tooltip-tail", "0px");
      box.style.setProperty("--md-tooltip-width", inner.offsetWidth + "px");
      host.setAttribute("aria-describedby", box.id);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(function () { box.classList.add("md-tooltip2--active"); });
    }

    function hide() {
      clearTimeout(hideTimer);
      cancelAnimationFrame(frame);
      if (tip) tip.classList.remove("md-tooltip2--active");
      if (current) {
        current.removeAttribute("aria-describedby");
        if (options.restore) options.restore(current);
      }
      current = null;
    }

    function later() {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, 250);
    }

    document.addEventListener("mouseover", function (event) {
      var host = options.match(event.target);
      if (host) show(host);
    });
    document.addEventListener("mouseout", function (event) {
      var host = options.match(event.target);
      if (host && host === current && !(tip && tip.contains(event.relatedTarget)) &&
          !host.contains(event.relatedTarget)) later();
    });
    document.addEventListener("focusin", function (event) {
      var host = options.match(event.target);
      if (host) show(host);
    });
    document.addEventListener("focusout", function (event) {
      if (current && options.match(event.target) === current) hide();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) hide();
    });
    return { show: show, hide: hide };
  }

  window.guideTooltip = guideTooltip;

  /* Content elements with a title (or whose title is held aside while their tooltip shows). */
  function titled(node) {
    var host = node && node.closest ? node.closest("[title], [data-guide-title]") : null;
    return host && host.closest(".md-content") && !host.hasAttribute("data-preview")
      ? host : null;
  }

  guideTooltip({
    id: "guide-tooltip",
    match: titled,
    fill: function (box, host) {
      var text = host.getAttribute("title");
      if (text === null) text = host.getAttribute("data-guide-title");
      if (!text) return false;
      host.setAttribute("data-guide-title", text);
      host.removeAttribute("title");
      box.textContent = text;
      return true;
    },
    restore: function (host) {
      host.setAttribute("title", host.getAttribute("data-guide-title"));
      host.removeAttribute("data-guide-title");
    }
  });
})();
