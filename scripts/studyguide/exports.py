"""Bibliography records exported for reference managers: BibTeX, RIS and COinS.

Pure functions over `bibliography.Entry` records; nothing here reads files or imports MkDocs.
BibTeX is written from the fields as written in the .bib file (`Entry.raw`); RIS and COinS
from the plain Unicode text (`Entry.fields`). BibTeX's "and others" is kept in BibTeX and
left out of RIS and COinS, which expect only real names.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote

from .bibliography import Entry

OTHERS = "others"
PAGE_RANGE_RE = re.compile(r"\s*(?:–|--)\s*")
DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)

# By Entry.kind.
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "chapter": "CHAP", "thesis": "THES",
             "report": "RPRT", "other": "ELEC"}
COINS_BOOK_GENRES = {"book": "book", "chapter": "bookitem", "thesis": "document",
                     "report": "report", "other": "document"}


def to_bibtex(entries: Iterable[Entry]) -> str:
    """The entries as BibTeX, in the order given: author, editor, title, then the rest A-Z."""
    return "\n".join(_bibtex_entry(entry) for entry in entries)


def _bibtex_entry(entry: Entry) -> str:
    persons = [(role, " and ".join(_bibtex_name(name) for name in names))
               for role, names in (("author", entry.authors), ("editor", entry.editors)) if names]
    rest = sorted(entry.raw.items(), key=lambda item: (item[0] != "title", item[0]))
    lines = [f"  {name} = {{{value}}}" for name, value in persons + rest]
    return f"@{entry.type}{{{entry.key},\n" + ",\n".join(lines) + "\n}\n"


def _bibtex_name(name: str) -> str:
    """'Family, Given' as is; a name without a comma is corporate, so braced whole."""
    return name if "," in name or name == OTHERS else f"{{{name}}}"


def to_ris(entries: Iterable[Entry]) -> str:
    """The entries as RIS records ("TAG  - value", LF line endings), in the order given."""
    return "\n".join(_ris_record(entry) for entry in entries)


def _ris_record(entry: Entry) -> str:
    f = entry.fields
    start, end = _page_range(entry)
    tags = [("TY", RIS_TYPES[entry.kind])]
    tags += [("AU", name) for name in _names(entry.authors)]
    tags += [("A2", name) for name in _names(entry.editors)]
    tags += [
        ("TI", f.get("title")),
        ("T2", f.get("journal") or f.get("journaltitle") or f.get("booktitle")),
        ("PY", entry.year),
        ("VL", f.get("volume")),
        ("IS", f.get("number")),
        ("SP", start),
        ("EP", end),
        ("PB", _publisher(entry)),
        ("CY", f.get("address")),
        ("DO", _doi(entry)),
        ("UR", f.get("url")),
        ("SN", f.get("isbn") or f.get("issn")),
    ]
    tags += [("KW", keyword) for keyword in entry.keywords]
    tags += [("ID", entry.key)]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value]
    return "\n".join(lines + ["ER  - "]) + "\n"


def coins(entry: Entry) -> str:
    """The `title` of a COinS span: a Z39.88-2004 OpenURL ContextObject, KEV-encoded."""
    f = entry.fields
    title = f.get("title")
    if entry.kind == "article":
        fmt = "journal"
        pairs = [("rft.genre", "article"), ("rft.atitle", title),
                 ("rft.jtitle", f.get("journal") or f.get("journaltitle")),
                 ("rft.volume", f.get("volume")), ("rft.issue", f.get("number")),
                 ("rft.issn", f.get("issn"))]
    else:
        fmt = "book"
        pairs = [("rft.genre", COINS_BOOK_GENRES[entry.kind])]
        if entry.kind == "chapter":
            pairs += [("rft.atitle", title), ("rft.btitle", f.get("booktitle"))]
        else:
            pairs += [("rft.btitle", title)]
        pairs += [("rft.pub", _publisher(entry)), ("rft.place", f.get("address")),
                  ("rft.isbn", f.get("isbn"))]
    start, end = _page_range(entry)
    pairs += [("rft.spage", start), ("rft.epage", end), ("rft.date", entry.year)]
    pairs += [("rft.au", name) for name in _names(entry.authors)]
    doi = _doi(entry)
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}"),
             *pairs, ("rft_id", f"info:doi/{doi}" if doi else "")]
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in pairs if value)


def coins_span(entry: Entry) -> str:
    """An empty COinS span for the entry, ready to put in HTML."""
    return f'<span class="Z3988" title="{html.escape(coins(entry))}"></span>'


def _names(names: list[str]) -> list[str]:
    return [name for name in names if name != OTHERS]


def _page_range(entry: Entry) -> tuple[str, str]:
    """(first page, last page); the last is "" for a single page or no pages."""
    first, last = (PAGE_RANGE_RE.split(entry.fields.get("pages", ""), maxsplit=1) + [""])[:2]
    return first, last


def _publisher(entry: Entry) -> str | None:
    f = entry.fields
    return f.get("publisher") or f.get("institution") or f.get("school")


def _doi(entry: Entry) -> str:
    return DOI_PREFIX_RE.sub("", entry.fields.get("doi", ""))
