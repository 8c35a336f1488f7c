"""Exports are lossless.

1. Golden files: tests/fixtures/exports/input.bib (one entry per edge case: journal article,
   chapter in an edited book, edited book, report by corporate authors with a comma and `\\&`,
   web page, thesis, names with particles, "and others") against expected.bib, expected.ris and
   expected.coins, written by hand from what BibTeX, RIS and a Z39.88 ContextObject should hold.
2. Re-reading: every export of the real bibliography.bib (and of the golden input) is read back
   by a parser that is not ours (bibtexparser 2 for BibTeX, rispy for RIS, urllib for COinS)
   and each field is checked against the source entry, through tables kept here, apart from
   the code under test. A field that the export drops, or a wrong RIS type, fails.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl

import bibtexparser
import pybtex.database
import pytest
import rispy
from bibtexparser import middlewares

from studyguide import bibliography, exports
from studyguide.bibliography import Entry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "exports"
SOURCES = [ROOT / "bibliography.bib", FIXTURES / "input.bib"]
EDGE_KEYS = ["smith2020listening", "white2019mentoring", "brown2019hope", "ministry2021peer",
             "samaritans2022listener", "jones2015becoming", "vandermeer2017generativity",
             "green2016wing"]


def load(path: Path) -> list[Entry]:
    bib = bibliography.load(path)
    assert not [p for p in bib.problems if "parse error" in p.message or "braces" in p.message]
    return list(bib.entries.values())


@pytest.fixture(scope="module")
def golden() -> list[Entry]:
    entries = load(FIXTURES / "input.bib")
    assert [entry.key for entry in entries] == EDGE_KEYS
    return entries


def make(key: str, type: str, authors=(), editors=(), **raw: str) -> Entry:
    """A record built by hand (as cite.py builds its web pages): no names as written."""
    return Entry(key=key, type=type, line=1, raw=raw,
                 fields={name: bibliography.plain(value) for name, value in raw.items()},
                 authors=list(authors), editors=list(editors))


# 1. Golden files


def test_bibtex_golden(golden):
    assert exports.to_bibtex(golden) == (FIXTURES / "expected.bib").read_text(encoding="utf-8")


def test_ris_golden(golden):
    assert exports.to_ris(golden) == (FIXTURES / "expected.ris").read_text(encoding="utf-8")


def expected_coins() -> dict[str, list[tuple[str, str]]]:
    blocks: dict[str, list[tuple[str, str]]] = {}
    for line in (FIXTURES / "expected.coins").read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            key = line[1:-1]
            blocks[key] = []
        elif line and not line.startswith("#"):
            name, value = line.split("=", 1)
            blocks[key].append((name, value))
    return blocks


def test_coins_golden(golden):
    expected = expected_coins()
    assert list(expected) == EDGE_KEYS
    for entry in golden:
        assert parse_qsl(exports.coins(entry), strict_parsing=True) == expected[entry.key], \
            entry.key


def test_bibtex_keeps_latex_and_corporate_braces(golden):
    """The two losses reported: `\\&` written as a bare `&`, and a braced corporate name with a
    comma written unbraced, so that it re-reads as a person."""
    text = exports.to_bibtex(golden)
    assert "Scottish Centre for Crime \\& Justice Research" in text
    assert re.search(r"(?<!\\)&", text) is None
    [report] = [e for e in reread_bibtex(text) if e.key == "ministry2021peer"]
    authors = report.fields_dict["author"].value
    assert [(a.first, a.von, a.last, a.jr) for a in authors] == [
        ([], [], ["{Ministry of Justice, UK}"], []),
        ([], [], ["{Scottish Centre for Crime \\& Justice Research}"], [])]
    # and pybtex, which renders the pages, agrees: one name, no given names.
    again = pybtex.database.parse_string(text, "bibtex").entries["ministry2021peer"]
    assert [str(p) for p in again.persons["author"]] == [
        "{Ministry of Justice, UK}", "{Scottish Centre for Crime \\& Justice Research}"]
    assert not again.persons["author"][0].first_names


# 2. Re-reading with independent parsers


def reread_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert library.failed_blocks == []
    return library.entries


def name_parts(person: pybtex.database.Person) -> tuple[list[str], ...]:
    return (person.first_names + person.middle_names, person.prelast_names, person.last_names,
            person.lineage_names)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_bibtex_rereads_as_the_source(source):
    """bibtexparser reads the export; pybtex reads the source; every field and name agrees."""
    original = pybtex.database.parse_file(source, "bibtex").entries
    written = reread_bibtex(exports.to_bibtex(load(source)))
    assert [entry.key for entry in written] == list(original)
    for entry in written:
        want = original[entry.key]
        assert entry.entry_type == want.original_type.lower(), entry.key
        fields = {name.lower(): field.value for name, field in entry.fields_dict.items()}
        for role in ("author", "editor"):
            people = [(a.first, a.von, a.last, a.jr) for a in fields.pop(role, [])]
            assert people == [name_parts(p) for p in want.persons.get(role, [])], \
                (entry.key, role)
        assert fields == {name.lower(): value for name, value in want.fields.items()}, entry.key


# RIS: what each BibTeX field becomes (rispy's names for the tags), and which have no tag.
RIS_FIELDS = {
    "title": ["title"], "volume": ["volume"], "pages": ["start_page", "end_page"],
    "address": ["place_published"], "location": ["place_published"],
    "publisher": ["publisher"], "institution": ["publisher"], "school": ["publisher"],
    "organization": ["publisher"], "isbn": ["issn"], "issn": ["issn"], "doi": ["doi"],
    "url": ["urls"], "keywords": ["keywords"], "year": ["year"], "edition": ["edition"],
    "series": ["tertiary_title"], "note": ["notes"], "pubstate": ["notes"], "type": ["type_of_work"],
    "urldate": ["access_date"], "language": ["language"], "langid": ["language"], "howpublished": ["secondary_title"],
    "journal": ["secondary_title", "journal_name"], "booktitle": ["secondary_title"],
    "number": ["number"],
}
NO_RIS_TAG = {"month", "date"}  # DA, checked apart
RIS_TYPE = {"article": "JOUR", "book": "BOOK", "incollection": "CHAP", "inbook": "CHAP",
            "inproceedings": "CPAPER", "phdthesis": "THES", "mastersthesis": "THES",
            "thesis": "THES", "techreport": "RPRT", "report": "RPRT", "online": "ELEC"}
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "ED": "editors", "BT": "book_title"}
RIS_LISTS = [*rispy.LIST_TYPE_TAGS, "ED"]


def ris_type(entry: Entry) -> str:
    if entry.type == "book" and entry.editors and not entry.authors:
        return "EDBOOK"
    if entry.type == "misc":
        return "ELEC" if "url" in entry.raw else "GEN"
    return RIS_TYPE[entry.type]


def real(names: list[str]) -> list[str]:
    return [name for name in names if name != "others"]


def pages(entry: Entry) -> list[str]:
    return re.split(r"–|--", entry.fields["pages"]) if "pages" in entry.fields else []


def source_value(entry: Entry, name: str) -> str:
    value = entry.raw[name] if name in {"url", "doi"} else entry.fields[name]
    return " ".join(value.split())


def check_ris(record: dict, entry: Entry) -> None:
    ty = ris_type(entry)
    assert record["type_of_reference"] == ty, entry.key
    assert record["id"] == entry.key
    assert record.get("authors", []) == real(entry.authors), entry.key
    editor_key = "secondary_authors" if ty in {"CHAP", "CPAPER"} else "editors"
    assert record.get(editor_key, []) == real(entry.editors), entry.key
    for name in entry.fields:
        if name in NO_RIS_TAG:
            continue
        assert name in RIS_FIELDS, f"{entry.key}: no RIS tag known for field '{name}'"
        keys = RIS_FIELDS[name]
        if name == "number" and ty == "RPRT" and not {"isbn", "issn"} & set(entry.fields):
            keys = ["issn"]                     # a report's number is its SN
        if name == "type" and ty not in {"RPRT", "THES"}:
            keys = ["type_of_work"]
        if name in {"publisher", "institution", "school", "organization"}:
            f = entry.fields                    # RIS has one PB: the first of these
            want = [f.get("publisher") or f.get("institution") or f.get("school")
                    or f.get("organization")]
        elif name == "pages":
            want = pages(entry)
            keys = keys[:len(want)]
            want = [p.strip() for p in want]
        elif name == "keywords":
            want = [entry.keywords]
        elif name == "urldate":
            want = [source_value(entry, name).replace("-", "/") + "/"]
        elif name == "year":
            want = [entry.year]
        elif name in {"isbn", "issn"}:
            want = [entry.fields.get("isbn") or entry.fields.get("issn")]
        elif name in {"url", "note", "pubstate"}:
            want = [[source_value(entry, name)]]
        elif name in {"journal", "booktitle"} and ty not in {"JOUR", "CHAP", "CPAPER"}:
            continue
        else:
            want = [source_value(entry, name)] * len(keys)
        got = [record.get(key) for key in keys]
        if name in {"note", "pubstate"}:
            got = [[n for n in (record.get("notes") or []) if n == want[0][0]]]
        assert got == want, (entry.key, name)
    if entry.type in {"phdthesis", "mastersthesis"} and "type" not in entry.fields:
        assert record["type_of_work"] in {"PhD thesis", "Master's thesis"}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_ris_rereads_as_the_source(source):
    entries = load(source)
    text = exports.to_ris(entries)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.splitlines() if line)
    records = rispy.loads(text, mapping=RIS_MAPPING, list_tags=RIS_LISTS)
    assert len(records) == len(entries)
    for record, entry in zip(records, entries):
        assert "unknown_tag" not in record, entry.key
        check_ris(record, entry)


# COinS: Z39.88-2004 KEV matrices and the keys each has.
AUTHOR_KEYS = {"aulast", "aufirst", "auinit", "auinit1", "auinitm", "ausuffix", "au", "aucorp"}
MATRICES = {
    "journal": AUTHOR_KEYS | {
        "atitle", "jtitle", "stitle", "title", "date", "chron", "ssn", "quarter", "volume",
        "part", "issue", "spage", "epage", "pages", "artnum", "issn", "eissn", "isbn", "coden",
        "sici", "genre"},
    "book": AUTHOR_KEYS | {
        "btitle", "atitle", "title", "place", "pub", "date", "edition", "tpages", "series",
        "spage", "epage", "pages", "isbn", "bici", "genre"},
    "dissertation": AUTHOR_KEYS | {
        "title", "co", "cc", "inst", "advisor", "date", "tpages", "isbn", "degree"},
    "dc": {"title", "creator", "subject", "description", "publisher", "contributor", "date",
           "type", "format", "identifier", "source", "language", "relation", "coverage",
           "rights"},
}
CONTEXT_KEYS = {"ctx_ver", "ctx_enc", "rft_val_fmt", "rft_id", "rfr_id"}
# BibTeX type -> (matrix, genre, key for the title, key for the container).
COINS_TYPE = {
    "article": ("journal", "article", "atitle", "jtitle"),
    "book": ("book", "book", "btitle", None),
    "incollection": ("book", "bookitem", "atitle", "btitle"),
    "inbook": ("book", "bookitem", "atitle", "btitle"),
    "inproceedings": ("book", "proceeding", "atitle", "btitle"),
    "techreport": ("book", "report", "btitle", None),
    "report": ("book", "report", "btitle", None),
    "phdthesis": ("dissertation", None, "title", None),
    "mastersthesis": ("dissertation", None, "title", None),
    "thesis": ("dissertation", None, "title", None),
    "online": ("dc", None, "title", None),
    "misc": ("dc", None, "title", None),
}


def check_coins(value: str, entry: Entry) -> None:
    kev = parse_qs(value, keep_blank_values=True, strict_parsing=True)
    matrix, genre, title_key, container_key = COINS_TYPE[entry.type]
    assert kev["ctx_ver"] == ["Z39.88-2004"]
    assert kev["rft_val_fmt"] == [f"info:ofi/fmt:kev:mtx:{matrix}"], entry.key
    for key in kev:
        assert key in CONTEXT_KEYS or (key.startswith("rft.") and key[4:] in MATRICES[matrix]), \
            (entry.key, key)
    repeatable = {"rft_id", "rft.au", "rft.aucorp", "rft.creator", "rft.contributor",
                  "rft.subject"}
    assert all(len(v) == 1 for k, v in kev.items() if k not in repeatable), entry.key
    f = entry.fields

    def get(key: str) -> list[str]:
        return kev.get(f"rft.{key}", [])

    if genre:
        assert get("genre") == [genre]
    assert get(title_key) == [source_value(entry, "title")], entry.key
    if container_key:
        container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
        assert get(container_key) == ([container] if container else [])
    names = real(entry.authors)
    people = get("creator") if matrix == "dc" else get("au") + get("aucorp")
    assert sorted(people) == sorted(names), entry.key
    if matrix == "dc":
        assert get("contributor") == real(entry.editors)
        assert get("subject") == entry.keywords
        assert get("type") == (["webpage"] if "url" in entry.raw or entry.type == "online"
                               else ["document"])
    assert get("date") == [entry.year]
    ids = kev.get("rft_id", [])
    assert ids == [i for i in (f"info:doi/{entry.raw['doi']}" if "doi" in entry.raw else None,
                               entry.raw.get("url")) if i], entry.key
    simple = {"volume": "volume", "number": "issue", "edition": "edition", "series": "series",
              "isbn": "isbn", "issn": "issn"}
    for name, key in simple.items():
        if key in MATRICES[matrix] and name in f:
            assert get(key) == [source_value(entry, name)], (entry.key, name)
    if "pages" in f and "spage" in MATRICES[matrix]:
        assert [get("spage"), get("epage")] == [[p.strip()] for p in pages(entry)] + \
            [[]] * (2 - len(pages(entry))), entry.key
    if "address" in f and "place" in MATRICES[matrix]:
        assert get("place") == [f["address"]], entry.key
    publisher = f.get("publisher") or f.get("institution") or f.get("school") \
        or f.get("organization")
    publisher_key = {"book": "pub", "dissertation": "inst", "dc": "publisher"}.get(matrix)
    if publisher and publisher_key:
        assert get(publisher_key) == [publisher], entry.key


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_coins_rereads_as_the_source(source):
    for entry in load(source):
        check_coins(exports.coins(entry), entry)


# Records built by hand, without names as written


def test_bibtex_from_plain_names():
    entry = make("smith2001title", "article", ["Smith, Jane", "Crime & Justice Trust", "others"],
                 title="A title", journal="J", year="2001")
    text = exports.to_bibtex([entry])
    assert 'author = "Smith, Jane and {Crime \\& Justice Trust} and others"' in text
    again = pybtex.database.parse_string(text, "bibtex").entries["smith2001title"]
    assert [bibliography.person_name(p) for p in again.persons["author"]] == entry.authors


def test_web_page_built_by_hand():
    """As cite.py builds a page of the guide: @misc with a URL and no named author."""
    entry = make("guide2025page", "misc", title="{Guide: Chapter 1}", howpublished="The guide",
                 url="https://example.org/guide/chapter-1/", year="2025")
    [record] = rispy.loads(exports.to_ris([entry]))
    assert record["type_of_reference"] == "ELEC"
    assert record["secondary_title"] == "The guide"
    assert record["urls"] == ["https://example.org/guide/chapter-1/"]
    assert 'title = "{Guide: Chapter 1}"' in exports.to_bibtex([entry])
    check_coins(exports.coins(entry), entry)


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


def test_coins_values_are_percent_encoded():
    value = exports.coins(make("smith2001title", "article", ["Smith, Jane"], title="A & B = C",
                               journal="Crime & Law", year="2001"))
    assert "rft.atitle=A%20%26%20B%20%3D%20C" in value
    assert "rft.jtitle=Crime%20%26%20Law" in value


def test_coins_span_escapes_the_title(golden):
    for entry in load(ROOT / "bibliography.bib") + golden:
        span = exports.coins_span(entry)
        match = re.fullmatch(r'<span class="Z3988" title="([^"<>]*)"></span>', span)
        assert match, span
        assert re.search(r"&(?!amp;)", match.group(1)) is None
        assert html.unescape(match.group(1)) == exports.coins(entry)


def test_formatting_commands_leave_only_their_words_in_plain_text(tmp_path):
    """pandoc prints \\emph{…} in italics; every plain-text copy (RIS here, as rispy reads it;
    the quiz banks, links.json and the search index take the same text) keeps the words."""
    assert bibliography.plain(r"A \emph{systematic} review of \textbf{peer} support") == \
        "A systematic review of peer support"
    assert bibliography.plain(r"Caf{\'e} \& {UK} prisons, 50\% off") == "Café & UK prisons, 50% off"
    path = tmp_path / "refs.bib"
    path.write_text("@article{doe2020peer,\n  author = {Doe, Jane},\n"
                    "  title = {The \\emph{effectiveness} of peer support},\n"
                    "  journal = {Prison Journal},\n  year = {2020}\n}\n", encoding="utf-8")
    [record] = rispy.loads(exports.to_ris(load(path)))
    assert record["title"] == "The effectiveness of peer support"
