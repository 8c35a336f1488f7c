"""The site's search index (Material's search_index.json), made to find single references,
single glossary terms and a chapter's named sections.

Material's search plugin splits each page at its headings: one document per section, its
location the page's address and the heading's anchor. The theme's search groups the results
by page (the part of the location before `#`) and shows under a page only the sections that
score as high as the page's best one; every other section of that page folds into "N more on
this page". So a glossary term or a bibliography entry rarely showed, however well it matched,
when another term or entry of the same page matched a little better, and a chapter's "Seminar
activity" folded under the chapter's own result whenever the query also named the chapter.

`rewrite()` therefore changes the built index so that

- every bibliography entry has a document of its own (`add_references()`), titled with the
  short reference, its text the full APA reference, its first author a field of its own
  (`AUTHOR`); the page's own document keeps its introduction only;
- every bibliography entry, every glossary term (a level-3 heading of the glossary) and every
  section that a chapter names in its own "On this page" row (At a glance, Seminar questions,
  Self-check, ...) is a result of its own (`own_results()`): its location becomes
  `PAGE/ANCHOR/../#ANCHOR`, a page of its own for the search's grouping, while the link the
  theme makes from it (a URL resolved against the site's address, which drops the `ANCHOR/..`
  segment) is the section's own address, `PAGE#ANCHOR`. Shown alone, without its page's
  heading above it, its title says where it is: "Glossary · Desistance", "Chapter 4 · Check
  your understanding (Self-check)" (the row's name for the section added when the heading does
  not contain it). Each is preceded by a placeholder (`with_placeholders()`);
- a glossary term's definition is boosted (`TERM_BOOST`). The boost once put "Toe by Toe" and
  "Acceptance and commitment therapy" above the About page for "how to cite the book": the
  theme gives every query word a trailing wildcard, stop words too, so "to" and "the" found
  "Toe" and "therapy"; search-stopwords.js (below) removes that cause.

Words are split as Material's documentation recommends (the search plugin's `separator` in
mkdocs.yml), so "(2018)." is the word 2018; and overrides/assets/javascripts/search-stopwords.js
leaves finished stop words out of a query, as the index leaves them out of the pages.

Plain functions over the index as data; `update_index()` reads the built pages it needs and
rewrites the built file.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from . import bibpage
from .links import short_reference

INDEX = Path("search") / "search_index.json"
BIBLIOGRAPHY = "bibliography/"      # the bibliography page's location in the index
GLOSSARY = "glossary/"              # the glossary page's location in the index
ENTRY_LIST = "<ol>"                  # the entry list, the bibliography page's only ordered list
OWN = "/../#"                        # marks a location made a result of its own
# A glossary term's definition ranks before a reference that uses its name as much: the search
# does not weigh a word by the length of the title it is in, so "Desistance" (the glossary
# term) and "Desistance and the 'feared self'" (a reference) score alike for "desistance".
TERM_BOOST = 2
# A bibliography entry's first author is a field of its own, weighted like a word of the title, so
# a search for an author lists the works filed under that name before those they co-wrote
# ("Maruna": Maruna (2001) before Ward and Maruna (2007)), as a reference list does.
AUTHOR = "author"
AUTHOR_BOOST = 1000.0
_TAG_RE = re.compile(r"<[^>]+>")
_TERM_RE = re.compile(r'<h3 id="([^"]+)"')  # a glossary term's heading (toc extension's id)
# The "On this page" row of a chapter page (scripts/studyguide/templates/on-this-page.html.j2).
_ROW_RE = re.compile(r'<nav class="on-this-page"[^>]*>(.*?)</nav>', re.S)
_ROW_LINK_RE = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')
_BASE = "https://site.invalid/"     # any absolute address: only the resolved path matters


def plain(fragment: str) -> str:
    """Inline HTML (a formatted reference) as plain text, whitespace collapsed."""
    return " ".join(html.unescape(_TAG_RE.sub("", fragment)).split())


# --- Locations ------------------------------------------------------------------------------------

def own_location(location: str) -> str:
    """`page/#anchor` as a location the search treats as a page of its own, `page/anchor/../#anchor`,
    which still resolves to `page/#anchor`."""
    page, _, anchor = location.partition("#")
    return f"{page}{anchor}{OWN}{anchor}"


def address(location: str) -> str:
    """The site-relative address a location links to, resolved as a browser (and the theme's
    search) resolves it against the site's address."""
    return urljoin(_BASE, location)[len(_BASE):]


def page_of(location: str) -> str:
    """The page part of a location, by which the theme's search groups its results."""
    return location.split("#", 1)[0]


# --- Bibliography entries ----------------------------------------------------------------------------

def reference_docs(entries: dict, references: dict[str, str]) -> list[dict]:
    """One search document per formatted reference, in the bibliography's order, each a result of
    its own.

    `entries` maps key -> bibliography.Entry, `references` key -> APA 7 HTML (the page's order).
    """
    docs = []
    for key, reference in references.items():
        entry = entries.get(key)
        if entry is None:
            continue
        docs.append({"location": own_location(f"{BIBLIOGRAPHY}#{bibpage.anchor(key)}"),
                     "title": short_reference(entry),
                     "text": f"<p>{html.escape(plain(reference), quote=False)}</p>",
                     AUTHOR: first_author(entry)})
    return docs


def first_author(entry) -> str:
    """The surname the entry is filed under (its first author's or editor's, else the body that
    published it), as the short reference names it."""
    names = entry.authors or entry.editors
    if names:
        return names[0].split(",")[0]
    return entry.fields.get("institution") or entry.fields.get("howpublished") or ""


def with_author_field(index: dict) -> dict:
    """The index's configuration with the first-author field searched (the theme's search
    indexes every field its configuration names)."""
    fields = {**index["config"]["fields"], AUTHOR: {"boost": AUTHOR_BOOST}}
    return {**index, "config": {**index["config"], "fields": fields}}


def add_references(index: dict, docs: list[dict]) -> dict:
    """The index with the entry documents placed after the bibliography page's own documents,
    and the page's document cut before its entry list (the entries now have their own).

    Sections that hold nothing but their page's title are dropped: Material gives a heading
    inside a block marked `data-search-exclude` (the chapter cards) an empty section titled
    like its page, which would only repeat the page's own result."""
    titles = {doc["location"]: doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
    kept = []
    for doc in index["docs"]:
        if address(doc["location"]).startswith(f"{BIBLIOGRAPHY}#ref-"):
            continue  # added by an earlier run over the same file
        page, _, anchor = doc["location"].partition("#")
        if anchor and not doc.get("text") and doc.get("title") == titles.get(page):
            continue  # a heading whose content is kept out of search (data-search-exclude)
        if doc["location"] == BIBLIOGRAPHY and ENTRY_LIST in doc["text"]:
            doc = {**doc, "text": doc["text"].split(ENTRY_LIST, 1)[0].rstrip()}
        kept.append(doc)
    ours = [i for i, doc in enumerate(kept) if address(doc["location"]).startswith(BIBLIOGRAPHY)]
    at = ours[-1] + 1 if ours else len(kept)
    return {**index, "docs": kept[:at] + docs + kept[at:]}


# --- Glossary terms and a chapter's named sections -------------------------------------------------

def glossary_terms(page_html: str) -> dict[str, str]:
    """anchor -> "" (no other name) for every term of the built glossary page."""
    return {anchor: "" for anchor in _TERM_RE.findall(page_html)}


def named_sections(page_html: str) -> dict[str, str]:
    """anchor -> the name the page's own "On this page" row gives the section."""
    row = _ROW_RE.search(page_html)
    if not row:
        return {}
    return {anchor: html.unescape(name).strip() for anchor, name in _ROW_LINK_RE.findall(row[1])}


def where(page_title: str) -> str:
    """How a result of its own names its page: a chapter page's label ("Chapter 4" of "Chapter 4:
    The Irredeemable? ..."), or the page's title."""
    return page_title.split(": ", 1)[0]


def own_title(page_title: str, heading: str, name: str = "") -> str:
    """'Chapter 4 · Check your understanding (Self-check)': the page, the heading, and the name
    the page's row uses for it when the heading does not already say it."""
    title = f"{where(page_title)} \u00b7 {heading}"
    if name and name.casefold() not in heading.casefold():
        title += f" ({name})"
    return title


def own_results(index: dict, sections: dict[str, dict[str, str]]) -> dict:
    """The index with each listed section a result of its own, a glossary term's boosted
    (Material's document boost, as a page's `search: boost:` front matter sets it).

    `sections` maps a page's location to {anchor: name} (name "" when the page gives no other);
    a section already made its own (an earlier run) is left as it is."""
    titles = {doc["location"]: doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
    docs = []
    for doc in index["docs"]:
        page, _, anchor = doc["location"].partition("#")
        names = sections.get(page, {})
        if anchor in names and OWN not in doc["location"]:
            doc = {**doc, "location": own_location(doc["location"]),
                   "title": own_title(titles.get(page, page), doc["title"], names[anchor])}
            if page == GLOSSARY:
                doc["boost"] = TERM_BOOST
        docs.append(doc)
    return {**index, "docs": docs}


def with_placeholders(index: dict) -> dict:
    """The index with each result of its own preceded by a placeholder: the same location, an
    empty title and an empty text.

    The theme's search keeps the first document of each page part (before `#`) as that page's
    own document, under the page part alone, and looks results up by their whole location; a
    document whose location has an anchor and comes first would never be found. The placeholder
    takes that first place; it adds no word (its fields are empty, and the search index holds
    one entry per location, which the document after it fills), and the document after it is
    found, grouped alone and shown as a result of its own."""
    docs = []
    for doc in index["docs"]:
        if is_placeholder(doc):
            continue  # from an earlier run
        if OWN in doc["location"]:
            docs.append(placeholder(doc["location"]))
        docs.append(doc)
    return {**index, "docs": docs}


def placeholder(location: str) -> dict:
    return {"location": location, "title": "", "text": ""}


def is_placeholder(doc: dict) -> bool:
    return OWN in doc["location"] and doc == placeholder(doc["location"])


def rewrite(index: dict, entry_docs: list[dict], sections: dict[str, dict[str, str]]) -> dict:
    """The built index as the site serves it: entries added, results of their own made, the
    first-author field searched."""
    index = own_results(add_references(index, entry_docs), sections)
    return with_author_field(with_placeholders(index))


def page_file(site_dir: Path, location: str) -> Path:
    """The built HTML file of a page location ("" is the home page)."""
    return Path(site_dir) / page_of(location) / "index.html"


def sections_of(site_dir: Path, index: dict) -> dict[str, dict[str, str]]:
    """page location -> {anchor: name} of the sections to make results of their own, read from
    the built pages: the glossary's terms, and what each page's "On this page" row names."""
    found = {}
    for location in dict.fromkeys(page_of(doc["location"]) for doc in index["docs"]):
        path = page_file(site_dir, location)
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        named = glossary_terms(text) if location == GLOSSARY else named_sections(text)
        if named:
            found[location] = named
    return found


# --- The built file ------------------------------------------------------------------------------------

def dumps(index: dict) -> str:
    """As Material writes it (compact, ASCII-escaped), so sizes compare like for like."""
    return json.dumps(index, separators=(",", ":"), default=str)


def without_repeats(index: dict) -> dict:
    """One document per location, the last one written. A `make serve` rebuild (MkDocs'
    dirty mode) appends the rebuilt pages' documents to the previous index, and Material
    removes the old ones of the first rebuilt page only."""
    last = {doc["location"]: n for n, doc in enumerate(index["docs"])}
    return {**index, "docs": [doc for n, doc in enumerate(index["docs"])
                              if last[doc["location"]] == n]}


def update_index(site_dir: Path, entries: dict, references: dict[str, str],
                 docs=None) -> None:
    """Rewrite the built index in place; nothing to do when search is off (no index).
    `docs(documents)`, if given, first replaces the documents the theme wrote (a dirty
    rebuild's whole index: rebuild.search_docs)."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    if docs is not None:
        index["docs"] = docs(index["docs"])
    index = without_repeats(index)
    index = rewrite(index, reference_docs(entries, references), sections_of(site_dir, index))
    path.write_text(dumps(index), encoding="utf-8")


def index_size(site_dir: Path) -> tuple[int, int]:
    """(raw bytes, gzipped bytes) of the built search index."""
    data = (Path(site_dir) / INDEX).read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9, mtime=0))
