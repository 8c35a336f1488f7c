/* Search queries without the words the index leaves out.

   The theme's search (Material for MkDocs) indexes every word except lunr's English stop words
   ("how", "to", "the", ...), then sends each word of a query with a trailing wildcard, stop
   words too: "how to cite the book" asks for words beginning with "how", "to" and "the", so it
   finds "however", "topics", "Toe by Toe", "therapy" and "theoretical" rather than the About
   page's "How to cite the book". A stop word can only ever match such longer words, because
   the word itself is not in the index. So a stop word the reader has finished typing (one
   followed by a space) is left out of the query before it reaches the search worker; the
   word being typed keeps its wildcard, so "to" still grows into "topics". A query of nothing
   but stop words, or with a quoted phrase, is sent as typed, and a word written with the
   theme's query syntax ("+to", "to~1") is kept.

   STOP_WORDS is lunr 2.3.9's list (lunr.stopWordFilter in the theme's search worker);
   tests/test_search.py reads the list from the installed worker and checks it is this one.
   Loaded with defer from overrides/partials/search.html, so it never holds up the page; the
   theme asks the worker only once the index has loaded, after this has run, except perhaps for
   the query of a ?q= link on a fast connection, which is then sent as typed. */
(function (root) {
  "use strict";

  var STOP_WORDS = (
    "a able about across after all almost also am among an and any are as at be because been but by " +
    "can cannot could dear did do does either else ever every for from get got had has have he her " +
    "hers him his how however i if in into is it its just least let like likely may me might most " +
    "must my neither no nor not of off often on only or other our own rather said say says she " +
    "should since so some than that the their them then there these they this tis to too twas us " +
    "wants was we were what when where which while who whom why will with would yet you your"
  ).split(" ");
  var STOP = {};
  STOP_WORDS.forEach(function (word) { STOP[word] = true; });
  var PLAIN = /^[A-Za-z']+$/;
  var QUERY = 2;  /* SearchMessageType.QUERY of the theme's search worker messages */

  function withoutStopWords(query) {
    if (query.indexOf('"') !== -1) return query;
    var words = query.split(/\s+/);
    var last = words.length - 1;  /* the word being typed ("" after a space) */
    var kept = words.filter(function (word, i) {
      return i === last || !PLAIN.test(word) || !STOP[word.toLowerCase()];
    });
    return kept.join(" ").trim() ? kept.join(" ") : query;
  }

  root.guideSearchQuery = withoutStopWords;
  if (typeof Worker === "undefined" || Worker.prototype.guideStopWords) return;
  var post = Worker.prototype.postMessage;
  Worker.prototype.guideStopWords = true;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      var args = Array.prototype.slice.call(arguments);
      args[0] = { type: message.type, data: withoutStopWords(message.data) };
      return post.apply(this, args);
    }
    return post.apply(this, arguments);
  };
})(typeof window !== "undefined" ? window : globalThis);
