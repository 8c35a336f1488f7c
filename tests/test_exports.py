"""Exports: BibTeX re-reads through our own loader unchanged, RIS parses back with rispy, and
COinS parses back as a valid Z39.88-2004 ContextObject, for every real entry and a few edge
cases (corporate author, en dash pages, no DOI, editor-only book, "and others")."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import rispy

from studyguide import bibliography, exports
from studyguide.bibliography import Entry

ROOT = Path(__file__).resolve().parent.parent


def make(key: str, type: str, authors=(), editors=(), **raw: str) -> Entry:
    """A hand-made record, its plain fields derived from the raw ones as load() does."""
    return Entry(key=key, type=type, line=1, raw=raw,
                 fields={name: bibliography.plain(value) for name, value in raw.items()},
                 authors=list(authors), editors=list(editors))


CORPORATE = make("moj2011report", "techreport", ["Ministry of Justice"], title="A report",
                 institution="The Stationery Office", year="2011", keywords="policy")
EN_DASH = make("smith2001pages", "article", ["Smith, Jane"], title="Pages", journal="J",
               year="2001", pages="12–34", doi="10.1000/xyz123", keywords="policy, desistance")
NO_DOI = make("jones2002nodoi", "article", ["Jones, Ann"], title="No DOI", journal="J",
              year="2002", pages="7", keywords="mentoring")
EDITED = make("brown2003edited", "book", editors=["Brown, Bo", "Green, Gil"],
              title="Edited", publisher="P", year="2003", keywords="generativity")
OTHERS = make("white2004others", "incollection", ["White, Wes", "others"], ["Black, Bea"],
              title="Chapter", booktitle="Book", publisher="P", year="2004",
              pages="1--9", keywords="desistance")
EDGE = [CORPORATE, EN_DASH, NO_DOI, EDITED, OTHERS]

RIS_TYPES = {"article": "JOUR", "book": "BOOK", "incollection": "CHAP", "phdthesis": "THES",
             "techreport": "RPRT"}

# Z39.88-2004 KEV matrices (info:ofi/fmt:kev:mtx:journal and :book) and ContextObject keys.
CONTEXT_KEYS = {"ctx_ver", "ctx_enc", "rft_val_fmt", "rft_id", "rfr_id"}
AUTHOR_KEYS = {"aulast", "aufirst", "auinit", "auinit1", "auinitm", "ausuffix", "au", "aucorp"}
JOURNAL_KEYS = AUTHOR_KEYS | {
    "atitle", "jtitle", "stitle", "title", "date", "chron", "ssn", "quarter", "volume", "part",
    "issue", "spage", "epage", "pages", "artnum", "issn", "eissn", "isbn", "coden", "sici",
    "genre"}
BOOK_KEYS = AUTHOR_KEYS | {
    "btitle", "atitle", "title", "place", "pub", "date", "edition", "tpages", "series", "spage",
    "epage", "pages", "isbn", "bici", "genre"}
FORMATS = {"info:ofi/fmt:kev:mtx:journal": ("journal", JOURNAL_KEYS),
           "info:ofi/fmt:kev:mtx:book": ("book", BOOK_KEYS)}
GENRES = {"article": ("journal", "article", {"rft.atitle", "rft.jtitle"}),
          "book": ("book", "book", {"rft.btitle"}),
          "incollection": ("book", "bookitem", {"rft.atitle", "rft.btitle"}),
          "phdthesis": ("book", "document", {"rft.btitle"}),
          "techreport": ("book", "report", {"rft.btitle"})}


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    bib = bibliography.load(ROOT / "bibliography.bib")
    assert bib.problems == []
    assert len(bib.entries) > 100
    return list(bib.entries.values())


def reload(text: str, tmp_path: Path) -> bibliography.Bibliography:
    path = tmp_path / "export.bib"
    path.write_text(text, encoding="utf-8")
    return bibliography.load(path)


def names(people: list[str]) -> list[str]:
    return [name for name in people if name != "others"]


def pages(entry: Entry) -> list[str]:
    return re.split(r"–|--", entry.fields["pages"]) if "pages" in entry.fields else []


# BibTeX


def test_bibtex_round_trips_every_entry(entries, tmp_path):
    again = reload(exports.to_bibtex(entries), tmp_path)
    assert again.problems == []
    assert again.keys == [entry.key for entry in entries]
    for entry in entries:
        copy = again.entries[entry.key]
        assert (copy.type, copy.fields, copy.raw, copy.authors, copy.editors) == \
               (entry.type, entry.fields, entry.raw, entry.authors, entry.editors)


def test_bibtex_round_trips_edge_cases(tmp_path):
    entries = [entry for entry in EDGE if entry is not EN_DASH]  # the lint wants "--" in .bib
    again = reload(exports.to_bibtex(entries), tmp_path)
    assert again.problems == []
    for entry in entries:
        copy = again.entries[entry.key]
        assert (copy.fields, copy.authors, copy.editors) == \
               (entry.fields, entry.authors, entry.editors)


def test_bibtex_field_order_is_stable(entries):
    text = exports.to_bibtex(entries + EDGE)
    blocks = text.split("\n\n")
    assert len(blocks) == len(entries) + len(EDGE)
    for entry, block in zip(entries + EDGE, blocks):
        assert block.startswith(f"@{entry.type}{{{entry.key},\n")
        written = re.findall(r"^  (\w+) = ", block, re.M)
        persons = [role for role, people in (("author", entry.authors),
                                             ("editor", entry.editors)) if people]
        assert written == persons + ["title"] + sorted(set(entry.raw) - {"title"})


def test_bibtex_names():
    text = exports.to_bibtex([CORPORATE, EDITED, OTHERS])
    assert "  author = {{Ministry of Justice}},\n" in text
    assert "  editor = {Brown, Bo and Green, Gil},\n" in text
    assert "  author = {White, Wes and others},\n" in text
    assert text.count("author = ") == 2


# RIS


def check_ris_record(record: dict, entry: Entry) -> None:
    assert record["type_of_reference"] == RIS_TYPES.get(entry.type, record["type_of_reference"])
    assert record["id"] == entry.key
    assert record.get("authors", []) == names(entry.authors)
    assert record.get("secondary_authors", []) == names(entry.editors)
    assert record["title"] == entry.fields["title"]
    assert record["year"] == entry.year
    assert record.get("doi") == entry.fields.get("doi")
    assert [record.get("start_page"), record.get("end_page")][:len(pages(entry))] == pages(entry)
    assert record.get("keywords", []) == entry.keywords


def test_ris_round_trips_every_entry(entries):
    text = exports.to_ris(entries)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.splitlines() if line)
    records = rispy.loads(text)
    assert len(records) == len(entries)
    for record, entry in zip(records, entries):
        check_ris_record(record, entry)


def test_ris_edge_cases():
    records = {record["id"]: record for record in rispy.loads(exports.to_ris(EDGE))}
    for entry in EDGE:
        check_ris_record(records[entry.key], entry)
    assert records["moj2011report"]["authors"] == ["Ministry of Justice"]
    assert records["moj2011report"]["publisher"] == "The Stationery Office"
    assert (records["smith2001pages"]["start_page"], records["smith2001pages"]["end_page"]) == \
           ("12", "34")
    assert "end_page" not in records["jones2002nodoi"]
    assert "doi" not in records["jones2002nodoi"]
    assert "authors" not in records["brown2003edited"]
    assert records["brown2003edited"]["secondary_authors"] == ["Brown, Bo", "Green, Gil"]
    assert records["white2004others"]["authors"] == ["White, Wes"]
    assert records["white2004others"]["secondary_title"] == "Book"


@pytest.mark.parametrize("written", ["12–34", "12--34", "12 – 34"])
def test_ris_splits_page_ranges(written):
    entry = make("smith2001pages", "article", ["Smith, Jane"], title="T", journal="J",
                 year="2001")
    entry.fields["pages"] = written
    [record] = rispy.loads(exports.to_ris([entry]))
    assert (record["start_page"], record["end_page"]) == ("12", "34")


def test_doi_is_written_bare():
    entry = make("smith2001title", "article", ["Smith, Jane"], title="T", journal="J",
                 year="2001", doi="https://doi.org/10.1000/xyz123")
    [record] = rispy.loads(exports.to_ris([entry]))
    assert record["doi"] == "10.1000/xyz123"
    assert parse_qs(exports.coins(entry))["rft_id"] == ["info:doi/10.1000/xyz123"]


# COinS


def check_coins(value: str, entry: Entry) -> None:
    kev = parse_qs(value, keep_blank_values=True, strict_parsing=True)
    assert kev["ctx_ver"] == ["Z39.88-2004"]
    fmt, allowed = FORMATS[kev["rft_val_fmt"][0]]
    for key in kev:
        assert key in CONTEXT_KEYS or (key.startswith("rft.") and key[4:] in allowed), key
    assert all(len(values) == 1 for key, values in kev.items() if key != "rft.au")

    want_fmt, genre, required = GENRES.get(entry.type, (fmt, kev["rft.genre"][0], set()))
    assert (fmt, kev["rft.genre"]) == (want_fmt, [genre])
    assert required <= set(kev)
    title_key = "rft.btitle" if fmt == "book" and genre != "bookitem" else "rft.atitle"
    assert kev[title_key] == [entry.fields["title"]]
    assert kev.get("rft.au", []) == names(entry.authors)
    assert kev["rft.date"] == [entry.year]
    doi = entry.fields.get("doi")
    assert kev.get("rft_id") == ([f"info:doi/{doi}"] if doi else None)
    assert [kev[k][0] for k in ("rft.spage", "rft.epage") if k in kev] == pages(entry)


def test_coins_round_trips_every_entry(entries):
    for entry in entries:
        check_coins(exports.coins(entry), entry)


def test_coins_edge_cases():
    for entry in EDGE:
        check_coins(exports.coins(entry), entry)
    assert parse_qs(exports.coins(CORPORATE))["rft.au"] == ["Ministry of Justice"]
    assert parse_qs(exports.coins(OTHERS))["rft.au"] == ["White, Wes"]
    assert "rft.au" not in parse_qs(exports.coins(EDITED))


def test_coins_values_are_percent_encoded():
    value = exports.coins(make("smith2001title", "article", ["Smith, Jane"], title="A & B = C",
                               journal="Crime & Law", year="2001"))
    assert "rft.atitle=A%20%26%20B%20%3D%20C" in value
    assert "rft.jtitle=Crime%20%26%20Law" in value


def test_coins_span_escapes_the_title(entries):
    for entry in entries + EDGE:
        span = exports.coins_span(entry)
        match = re.fullmatch(r'<span class="Z3988" title="([^"<>]*)"></span>', span)
        assert match, span
        assert re.search(r"&(?!amp;)", match.group(1)) is None
        assert html.unescape(match.group(1)) == exports.coins(entry)
