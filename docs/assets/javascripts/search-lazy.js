/* The search index on demand. The theme requests search/search_index.json as soon as a page
   loads (about 140 KiB gzipped here), although most visits never search. This script holds
   back that one request until the reader first opens search: focuses or presses the search
   box or button, uses one of the theme's search keys (they focus the box), or arrives with
   ?q= or ?h= in the address. The held request is then sent unchanged, so search behaves as it
   did; until then nothing is fetched. Without JavaScript there is no search either way.
   The theme sends that request while its bundle runs, so this must run before the bundle: a
   plain (not deferred) script just before the bundle (overrides/main.html, block scripts),
   not in extra_javascript, which comes after it. */
(function () {
  "use strict";

  if (window.guideSearchOnDemand) return;
  window.guideSearchOnDemand = true;

  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var proto = XMLHttpRequest.prototype;
  var open = proto.open;
  var send = proto.send;
  var held = [];
  var wanted = false;

  function want() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (item) { send.apply(item[0], item[1]); });
  }

  proto.open = function (method, url) {
    this.guideSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (this.guideSearchIndex && !wanted) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function isSearch(node) {
    return !!(node && node.closest &&
      node.closest(".md-search, label[for='__search'], [data-md-component='search']"));
  }

  var params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) want();  // deep link to a search, or highlighting
  document.addEventListener("focusin", function (event) { if (isSearch(event.target)) want(); });
  document.addEventListener("pointerdown", function (event) {
    if (isSearch(event.target)) want();
  }, { passive: true });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) want();
  });
})();
