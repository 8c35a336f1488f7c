"""The site's search index (Material's search_index.json), made to find single references.

Material's search plugin splits each page at its headings, so every glossary term (a level-3
heading) is already its own result with its own address. Bibliography entries are list items,
so the plugin sees one document for the whole page. `add_references()` gives every entry its
own document (`bibliography/#ref-KEY`, titled with the short reference, its text the full APA
reference) and leaves the page's own document its introduction only, so an author or a title
word lands on the entry and the entries are not indexed twice.

Plain functions over the index as data; `update_index()` reads and writes the built file.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

from . import bibpage
from .links import short_reference

INDEX = Path("search") / "search_index.json"
BIBLIOGRAPHY = "bibliography/"      # the bibliography page's location in the index
ENTRY_LIST = "<ol>"                  # the entry list, the bibliography page's only ordered list
_TAG_RE = re.compile(r"<[^>]+>")


def plain(fragment: str) -> str:
    """Inline HTML (a formatted reference) as plain text, whitespace collapsed."""
    return " ".join(html.unescape(_TAG_RE.sub("", fragment)).split())


def reference_docs(entries: dict, references: dict[str, str]) -> list[dict]:
    """One search document per formatted reference, in the bibliography's order.

    `entries` maps key -> bibliography.Entry, `references` key -> APA 7 HTML (the page's order).
    """
    docs = []
    for key, reference in references.items():
        entry = entries.get(key)
        if entry is None:
            continue
        docs.append({"location": f"{BIBLIOGRAPHY}#{bibpage.anchor(key)}",
                     "title": short_reference(entry),
                     "text": f"<p>{html.escape(plain(reference), quote=False)}</p>"})
    return docs


def add_references(index: dict, docs: list[dict]) -> dict:
    """The index with the entry documents placed after the bibliography page's own documents,
    and the page's document cut before its entry list (the entries now have their own).

    Sections that hold nothing but their page's title are dropped: Material gives a heading
    inside a block marked `data-search-exclude` (the chapter cards) an empty section titled
    like its page, which would only repeat the page's own result."""
    titles = {doc["location"]: doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
    kept = []
    for doc in index["docs"]:
        if doc["location"].startswith(f"{BIBLIOGRAPHY}#ref-"):
            continue  # added by an earlier run over the same file
        page, _, anchor = doc["location"].partition("#")
        if anchor and not doc["text"] and doc["title"] == titles.get(page):
            continue  # a heading whose content is kept out of search (data-search-exclude)
        if doc["location"] == BIBLIOGRAPHY and ENTRY_LIST in doc["text"]:
            doc = {**doc, "text": doc["text"].split(ENTRY_LIST, 1)[0].rstrip()}
        kept.append(doc)
    ours = [i for i, doc in enumerate(kept) if doc["location"].startswith(BIBLIOGRAPHY)]
    at = ours[-1] + 1 if ours else len(kept)
    return {**index, "docs": kept[:at] + docs + kept[at:]}


def dumps(index: dict) -> str:
    """As Material writes it (compact, ASCII-escaped), so sizes compare like for like."""
    return json.dumps(index, separators=(",", ":"), default=str)


def update_index(site_dir: Path, entries: dict, references: dict[str, str]) -> None:
    """Rewrite the built index in place; nothing to do when search is off (no index)."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(dumps(add_references(index, reference_docs(entries, references))),
                    encoding="utf-8")


def index_size(site_dir: Path) -> tuple[int, int]:
    """(raw bytes, gzipped bytes) of the built search index."""
    data = (Path(site_dir) / INDEX).read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9, mtime=0))
