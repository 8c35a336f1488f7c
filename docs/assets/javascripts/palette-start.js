/* A quiet start for the theme's colour palette. As its bundle loads, the theme applies the
   reader's palette to the page even when nothing changes. It sets data-md-color-switching on
   the body (which turns off every transition, so the style of every element on the page is
   worked out again) and removes it a frame later (the same again), and it adds a
   <meta name="color-scheme"> and then sets its content (each change to such a meta makes the
   browser work out every element's style again). On a long page that is four passes over the
   whole page, most of its blocking time on a phone. This script runs just before the bundle
   (overrides/main.html, block scripts) and, until the page has loaded:
   - holds back data-md-color-switching until a palette attribute really changes (a first
     visit that follows a dark system setting), so an unchanged palette costs nothing;
   - keeps the theme's color-scheme meta out of the page. guide.css gives the root element the
     palette's color-scheme instead (":root" rules), which is what that meta was for: the
     page's scrollbars and canvas follow the light or dark scheme the reader chose.
   The theme's later palette changes (the reader's toggle) go through unchanged. The theme's
   focus-visible helper's class on <html>, which would be a fifth pass, is set before the page
   is drawn (overrides/main.html, block extrahead). */
(function () {
  "use strict";

  var body = document.body;
  var head = document.head;
  if (!body || !head || body.hasOwnProperty("setAttribute")) return;

  var SWITCHING = "data-md-color-switching";
  var PALETTE = /^data-md-color-(scheme|primary|accent)$/;  // what the theme's styles read
  var held = false;

  body.setAttribute = function (name, value) {
    if (name === SWITCHING) {
      held = true;
      return undefined;
    }
    if (held && PALETTE.test(name) && this.getAttribute(name) !== String(value)) {
      held = false;
      Element.prototype.setAttribute.call(this, SWITCHING, "");
    }
    return Element.prototype.setAttribute.apply(this, arguments);
  };
  head.appendChild = function (node) {
    if (node instanceof HTMLMetaElement && node.name === "color-scheme") return node;
    return Node.prototype.appendChild.apply(this, arguments);
  };
  document.addEventListener("DOMContentLoaded", function () {
    delete body.setAttribute;
    delete head.appendChild;
  }, { once: true });
})();
