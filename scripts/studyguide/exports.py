"""Bibliography records exported for reference managers: BibTeX, RIS and COinS.

Pure functions over `bibliography.Entry` records; nothing here reads files or imports MkDocs.

- BibTeX is written by pybtex's own writer from the fields and names exactly as written in the
  .bib file (`Entry.raw`, `Entry.raw_persons`), so LaTeX stays LaTeX (`\\&` stays `\\&`) and a
  braced corporate name (`{Ministry of Justice, UK}`) stays one braced name. pybtex's writer
  expects Unicode and would escape it again (`\\&` -> `\\\\&`, `_` in a URL -> `\\_`); the values
  here are already LaTeX, so that one step is switched off.
- URLs and DOIs are taken as written (`verbatim`), never through the LaTeX-to-text reading.
- RIS carries every field RIS has a tag for, in the tags Zotero, EndNote and Mendeley read
  (RIS specification; Zotero's RIS translator), from the plain Unicode text (`Entry.fields`).
- COinS carries the same data as far as the Z39.88-2004 KEV matrices have keys for it: journal
  (articles), book (books, chapters, reports, conference papers), dissertation (theses) and
  Dublin Core (web pages and other works). The journal and book matrices have no key for
  editors or keywords, so those are in RIS and BibTeX only.

BibTeX's "and others" is kept in BibTeX and left out of RIS and COinS, which expect real names.
"""

from __future__ import annotations

import codecs
import html
import io
import re
from collections.abc import Iterable
from urllib.parse import quote

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from pybtex.database import BibliographyData, Person
from pybtex.database import Entry as PybtexEntry
from pybtex.database.output.bibtex import Writer

from .bibliography import Entry

OTHERS = "others"
ROLES = ("author", "editor")
PAGE_RANGE_RE = re.compile(r"\s*(?:–|--)\s*")
DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
ISO_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
MONTHS = {name: f"{number:02d}" for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
THESIS_DEGREES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}


# Kinds of work, finer than Entry.kind: an edited book and a web page are typed apart.


def work_type(entry: Entry) -> str:
    """article, book, edited-book, chapter, conference-paper, report, thesis, web-page, other."""
    kind = entry.kind
    if entry.type == "inproceedings":
        return "conference-paper"
    if kind == "book" and entry.editors and not entry.authors:
        return "edited-book"
    if kind == "other":
        return "web-page" if entry.type == "online" or "url" in entry.fields else "other"
    return kind


RIS_TYPES = {"article": "JOUR", "book": "BOOK", "edited-book": "EDBOOK", "chapter": "CHAP",
             "conference-paper": "CPAPER", "report": "RPRT", "thesis": "THES",
             "web-page": "ELEC", "other": "GEN"}


# BibTeX

class _LatexWriter(Writer):
    """pybtex's BibTeX writer for values that are LaTeX already (as pybtex's parser keeps them)."""

    def _encode(self, text: str) -> str:
        return text


def to_bibtex(entries: Iterable[Entry]) -> str:
    """The entries as BibTeX, in the order given: author, editor, title, then the rest A-Z."""
    return "\n".join(_bibtex_entry(entry) for entry in entries)


def _bibtex_entry(entry: Entry) -> str:
    persons = {role: [Person(name) for name in names]
               for role, names in bibtex_persons(entry).items() if names}
    fields = sorted(entry.raw.items(), key=lambda item: (item[0] != "title", item[0]))
    data = BibliographyData({entry.key: PybtexEntry(entry.type, fields=fields, persons=persons)})
    stream = io.StringIO()
    _LatexWriter().write_stream(data, stream)
    return stream.getvalue()


def bibtex_persons(entry: Entry) -> dict[str, list[str]]:
    """role -> names as written in BibTeX. The loader's `raw_persons` when it has them; for a
    record built by hand, the plain names with LaTeX specials escaped again and a name without
    a comma braced whole as a corporate name."""
    raw = getattr(entry, "raw_persons", None) or {}   # bibliography.Entry.raw_persons
    plain = {"author": entry.authors, "editor": entry.editors}
    return {role: list(raw[role]) if role in raw else [_latex_name(n) for n in plain[role]]
            for role in ROLES}


def _latex_name(name: str) -> str:
    if name == OTHERS:
        return name
    if "," not in name:
        return "{" + _latex(name) + "}"
    return ", ".join(_latex(part.strip()) for part in name.split(","))


def _latex(text: str) -> str:
    return codecs.encode(text, "ulatex+utf8")


def is_corporate(entry: Entry, role: str, index: int) -> bool:
    """Is the index-th name in role an organisation (written as one braced name, or a single
    word with no given names)?"""
    raw = bibtex_persons(entry)[role][index]
    person = Person(raw)
    return not (person.first_names or person.middle_names or person.lineage_names) \
        and len(person.prelast_names + person.last_names) == 1


def _people(entry: Entry, role: str) -> list[tuple[str, bool]]:
    """(plain name, corporate?) for the real names in role, "others" left out."""
    names = entry.authors if role == "author" else entry.editors
    return [(name, is_corporate(entry, role, i)) for i, name in enumerate(names)
            if name != OTHERS]


# RIS


def to_ris(entries: Iterable[Entry]) -> str:
    """The entries as RIS records ("TAG  - value", LF line endings), in the order given."""
    return "\n".join(_ris_record(entry) for entry in entries)


def ris_tags(entry: Entry) -> list[tuple[str, str]]:
    """(tag, value) pairs of the entry's RIS record, without the closing ER."""
    f = entry.fields
    what = work_type(entry)
    start, end = page_range(entry)
    container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    number = f.get("number")
    serial = f.get("isbn") or f.get("issn")
    tags = [("TY", RIS_TYPES[what])]
    tags += [("AU", name) for name, _ in _people(entry, "author")]
    # Editors: A2 in a chapter or paper (the book's editors), ED otherwise (Zotero reads A2 in a
    # book as the series editor, ED as the editor).
    editor_tag = "A2" if what in {"chapter", "conference-paper"} else "ED"
    tags += [(editor_tag, name) for name, _ in _people(entry, "editor")]
    tags += [("TI", f.get("title"))]
    if what == "article":
        tags += [("T2", container), ("JO", container)]
    elif what in {"chapter", "conference-paper"}:
        tags += [("T2", container), ("BT", container)]
    elif what == "web-page":
        tags += [("T2", f.get("howpublished"))]      # the website's name
    tags += [("T3", f.get("series")), ("ET", f.get("edition")), ("VL", f.get("volume"))]
    if what == "report" and number and not serial:
        tags += [("SN", number)]           # the report number (Zotero: reportNumber)
    else:
        tags += [("IS", number)]
    tags += [("SP", start), ("EP", end), ("PY", entry.year), ("DA", _ris_date(entry)),
             ("PB", publisher(entry)), ("CY", place(entry)), ("SN", serial),
             ("M3", work_subtype(entry)), ("DO", doi(entry)), ("UR", verbatim(entry, "url")),
             ("Y2", _ris_date(entry, "urldate")), ("LA", f.get("language") or f.get("langid")),
             ("N1", f.get("note")), ("N1", f.get("pubstate"))]
    if what == "other":
        tags += [("N1", f.get("howpublished"))]
    tags += [("KW", keyword) for keyword in entry.keywords]
    tags += [("ID", entry.key)]
    return [(tag, " ".join(value.split())) for tag, value in tags if value and value.strip()]


def _ris_record(entry: Entry) -> str:
    lines = [f"{tag}  - {value}" for tag, value in ris_tags(entry)]
    return "\n".join(lines + ["ER  - "]) + "\n"


def _ris_date(entry: Entry, name: str = "date") -> str:
    """YYYY/MM/DD/ from an ISO date (or, for the publication date, year and month)."""
    f = entry.fields
    match = ISO_DATE_RE.match(f.get(name, ""))
    if match and (match.group(2) or name != "date"):
        year, month, day = match.groups()
        return f"{year}/{month or ''}/{day or ''}/"
    month = MONTHS.get(f.get("month", "").strip().lower()[:3]) if name == "date" else None
    return f"{entry.year}/{month}//" if month and entry.year else ""


# COinS


def coins(entry: Entry) -> str:
    """The `title` of a COinS span: a Z39.88-2004 OpenURL ContextObject, KEV-encoded."""
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in coins_pairs(entry))


def coins_pairs(entry: Entry) -> list[tuple[str, str]]:
    """(key, value) pairs of the ContextObject, in order, before encoding."""
    f = entry.fields
    what = work_type(entry)
    title = f.get("title")
    start, end = page_range(entry)
    pages = [("rft.spage", start), ("rft.epage", end), ("rft.pages", _kev_pages(start, end))]
    people = _people(entry, "author")
    creators = [("rft.aucorp" if corporate else "rft.au", name) for name, corporate in people]
    if what == "article":
        fmt = "journal"
        pairs = [("rft.genre", "article"), ("rft.atitle", title),
                 ("rft.jtitle", f.get("journal") or f.get("journaltitle")),
                 ("rft.volume", f.get("volume")), ("rft.issue", f.get("number")),
                 *pages, ("rft.issn", f.get("issn")), ("rft.isbn", f.get("isbn"))]
    elif what in {"book", "edited-book", "chapter", "conference-paper", "report"}:
        fmt = "book"
        genre = {"chapter": "bookitem", "conference-paper": "proceeding",
                 "report": "report"}.get(what, "book")
        pairs = [("rft.genre", genre)]
        if genre in {"bookitem", "proceeding"}:
            pairs += [("rft.atitle", title), ("rft.btitle", f.get("booktitle"))]
        else:
            pairs += [("rft.btitle", title)]
        pairs += [("rft.pub", publisher(entry)), ("rft.place", place(entry)),
                  ("rft.edition", f.get("edition")),
                  ("rft.series", f.get("series")),
                  *pages, ("rft.isbn", f.get("isbn"))]
    elif what == "thesis":
        fmt = "dissertation"
        pairs = [("rft.title", title), ("rft.inst", publisher(entry)),
                 ("rft.degree", work_subtype(entry)), ("rft.isbn", f.get("isbn"))]
    else:
        fmt = "dc"
        creators = [("rft.creator", name) for name, _ in people]
        creators += [("rft.contributor", name) for name, _ in _people(entry, "editor")]
        pairs = [("rft.type", "webpage" if what == "web-page" else "document"),
                 ("rft.title", title), ("rft.source", f.get("howpublished")),
                 ("rft.publisher", publisher(entry))]
        pairs += [("rft.subject", keyword) for keyword in entry.keywords]
    pairs += creators
    pairs += [("rft.date", entry.year), ("rft.language", (f.get("language") or f.get("langid")) if fmt == "dc"
                                         else None)]
    ids = [("rft_id", f"info:doi/{doi(entry)}" if doi(entry) else ""),
           ("rft_id", verbatim(entry, "url"))]
    pairs = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}"),
             *ids, *pairs]
    return [(key, " ".join(value.split())) for key, value in pairs if value and value.strip()]


def coins_span(entry: Entry) -> str:
    """An empty COinS span for the entry, ready to put in HTML."""
    return f'<span class="Z3988" title="{html.escape(coins(entry))}"></span>'


def _kev_pages(start: str, end: str) -> str:
    return f"{start}-{end}" if start and end else ""


# Shared helpers


def page_range(entry: Entry) -> tuple[str, str]:
    """(first page, last page); the last is "" for a single page or no pages."""
    first, last = (PAGE_RANGE_RE.split(entry.fields.get("pages", "").strip(), maxsplit=1)
                   + [""])[:2]
    return first, last


def publisher(entry: Entry) -> str | None:
    f = entry.fields
    return f.get("publisher") or f.get("institution") or f.get("school") \
        or f.get("organization")


def place(entry: Entry) -> str | None:
    return entry.fields.get("address") or entry.fields.get("location")


def work_subtype(entry: Entry) -> str | None:
    """The type of report or thesis (`type`, or what @phdthesis and @mastersthesis mean)."""
    return entry.fields.get("type") or THESIS_DEGREES.get(entry.type)


def verbatim(entry: Entry, name: str) -> str | None:
    """A URL-like field as written: the plain-text reading would take `%` for a LaTeX comment
    and `~` for a space."""
    value = entry.raw.get(name)
    return value.strip() if value is not None else entry.fields.get(name)


def doi(entry: Entry) -> str:
    return DOI_PREFIX_RE.sub("", verbatim(entry, "doi") or "")
