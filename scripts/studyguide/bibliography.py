"""The bibliography: bibliography.bib read into plain records, and linted.

Nothing here imports MkDocs. `load()` returns the records and every problem found, each problem
located as `bibliography.bib:LINE: key: problem`, so that one run reports them all.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import Person
from pybtex.database.input import bibtex as pybtex_bibtex
from pybtex.richtext import Text

from .problems import Problem

KEY_RE = re.compile(r"^[a-z]+[0-9]{4}[a-z0-9]*$")
DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s]+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
YEAR_RE = re.compile(r"^\d{4}$")
ENTRY_START_RE = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]*)\s*(,?)", re.M)
FIRST_YEAR = 1500
# Themes the bibliography page filters on (the `keywords` field: one to four of these).
THEMES = {
    "peer-support", "listeners-suicide-prevention", "mentoring", "desistance",
    "narrative-identity", "generativity", "hope-future-selves", "stigma-labelling",
    "sexual-offending", "prison-life-climate", "mental-health", "active-citizenship",
    "restorative-justice", "reintegration", "meaning-existential", "research-methods", "policy",
}

# Fields an entry of each type must have. A tuple means "one of these".
REQUIRED: dict[str, list[str | tuple[str, ...]]] = {
    "article": [("author",), ("title",), ("journal", "journaltitle"), ("year", "date")],
    "book": [("author", "editor"), ("title",), ("publisher",), ("year", "date")],
    "inbook": [("author", "editor"), ("title",), ("publisher",), ("year", "date")],
    "incollection": [("author",), ("title",), ("booktitle",), ("publisher",), ("year", "date")],
    "inproceedings": [("author",), ("title",), ("booktitle",), ("year", "date")],
    "phdthesis": [("author",), ("title",), ("school", "institution"), ("year", "date")],
    "mastersthesis": [("author",), ("title",), ("school", "institution"), ("year", "date")],
    "thesis": [("author",), ("title",), ("school", "institution"), ("year", "date")],
    "techreport": [("author", "institution"), ("title",), ("institution",), ("year", "date")],
    "report": [("author", "institution"), ("title",), ("institution",), ("year", "date")],
    "misc": [("title",), ("year", "date"), ("url", "howpublished", "doi")],
    "online": [("title",), ("year", "date"), ("url",)],
}

# Kinds of work, as the bibliography page filters them.
KINDS = {
    "article": "article",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "misc": "other",
    "online": "other",
}


@dataclass
class Entry:
    """One work, with LaTeX already turned into plain Unicode text."""

    key: str
    type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)   # plain Unicode text
    raw: dict[str, str] = field(default_factory=dict)      # as written in the .bib file
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return KINDS.get(self.type, "other")

    @property
    def year(self) -> str:
        return self.fields.get("year") or self.fields.get("date", "")[:4]

    @property
    def keywords(self) -> list[str]:
        return [k.strip() for k in self.fields.get("keywords", "").split(",") if k.strip()]


@dataclass
class Bibliography:
    path: Path
    entries: dict[str, Entry]
    problems: list[Problem]

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    @property
    def keys(self) -> list[str]:
        return list(self.entries)


def plain(latex: str) -> str:
    """LaTeX field text as a reader sees it: accents resolved, protective braces gone."""
    try:
        return str(Text.from_latex(latex)).strip()
    except Exception:  # pybtex rejects some unbalanced input; the lint reports it elsewhere
        return latex.replace("{", "").replace("}", "").strip()


def person_name(person: Person) -> str:
    """'Family, Given' (or the corporate name) in plain text."""
    family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
    given = " ".join(person.first_names + person.middle_names)
    text = f"{family}, {given}" if given else family
    return plain(text)


class _CollectingParser(pybtex_bibtex.Parser):
    """pybtex's parser, but errors are collected (with their line) instead of raised."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.errors: list[tuple[int | None, str]] = []

    def handle_error(self, error):
        self.errors.append((getattr(error, "lineno", None), _describe_pybtex_error(error)))


def _describe_pybtex_error(error) -> str:
    message = str(error).split("\n")[0]
    message = re.sub(r"^syntax error in line \d+: ", "", message)
    return message


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _entry_starts(text: str) -> list[tuple[int, str, str, bool]]:
    """(line, type, key, comma after key?) of every @-command, found by position."""
    return [
        (_line_of(text, m.start()), m.group(1).lower(), m.group(2), bool(m.group(3)))
        for m in ENTRY_START_RE.finditer(text)
        if m.start() == 0 or text[m.start() - 1] in "\n\r \t"
    ]


def _brace_problems(text: str, starts: list[tuple[int, str, str, bool]], rel: str) -> list[Problem]:
    """Unbalanced braces, reported at the entry they belong to."""
    problems = []
    lines = text.splitlines()
    bounds = [s[0] for s in starts] + [len(lines) + 1]
    for (line, kind, key, _), end in zip(starts, bounds[1:]):
        chunk = "\n".join(lines[line - 1 : end - 1])
        depth = 0
        for ch in chunk:
            depth += ch == "{"
            depth -= ch == "}"
            if depth < 0:
                break
        if depth != 0:
            what = "a '}' with no matching '{'" if depth < 0 else f"{depth} '{{' never closed"
            problems.append(
                Problem(rel, line, f"{key or kind}: unbalanced braces ({what}); close every '{{' "
                        "in this entry before the next '@'")
            )
    return problems


def load(path: str | Path, root: str | Path | None = None) -> Bibliography:
    """Read and lint a .bib file. Problems never raise: they are all returned."""
    path = Path(path)
    rel = str(path.relative_to(root)) if root else str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problem = Problem(rel, line, f"file is not UTF-8 (byte 0x{raw[err.start]:02x}); "
                          "save it as UTF-8")
        return Bibliography(path, {}, [problem])

    problems: list[Problem] = []
    starts = _entry_starts(text)
    problems += _brace_problems(text, starts, rel)

    # Keys: format and case-insensitive duplicates, in file order.
    lines_by_key: dict[str, int] = {}
    seen_lower: dict[str, int] = {}
    for line, kind, key, comma in starts:
        if kind in {"string", "preamble", "comment"}:
            continue
        if key and not comma:
            problems.append(Problem(rel, line, f"{key}: parse error: no comma after the key; "
                                    f"write @{kind}{{{key},"))
        if not key:
            problems.append(Problem(rel, line, f"@{kind}: entry has no key; add a key "
                                    "such as author2020word"))
            continue
        if not KEY_RE.match(key):
            problems.append(Problem(rel, line, f"{key}: bad key format; use lower-case "
                                    "author + year + word, letters and digits only "
                                    "(e.g. perrin2014accumulating)"))
        if key.lower() in seen_lower:
            problems.append(Problem(rel, line, f"{key}: duplicate key (first defined at line "
                                    f"{seen_lower[key.lower()]}); keys must be unique, "
                                    "ignoring case"))
            continue
        seen_lower[key.lower()] = line
        lines_by_key[key] = line

    # Parse with pybtex, collecting (not raising) its errors.
    parser = _CollectingParser()
    parser.data.want_entry = lambda key: True
    previous = pybtex.errors.strict
    pybtex.errors.strict = False
    try:
        data = _parse_without_duplicates(parser, text, seen_lower)
    finally:
        pybtex.errors.strict = previous
    for lineno, message in parser.errors:
        problems.append(Problem(rel, lineno or 1, f"parse error: {message}; fix the BibTeX "
                                "syntax here"))

    entries: dict[str, Entry] = {}
    doi_seen: dict[str, str] = {}
    this_year = datetime.date.today().year
    for key, pyentry in data.entries.items():
        line = lines_by_key.get(key, 1)
        entry = Entry(
            key=key,
            type=pyentry.type.lower(),
            line=line,
            fields={name.lower(): plain(value) for name, value in pyentry.fields.items()},
            raw={name.lower(): value for name, value in pyentry.fields.items()},
            authors=[person_name(p) for p in pyentry.persons.get("author", [])],
            editors=[person_name(p) for p in pyentry.persons.get("editor", [])],
        )
        entries[key] = entry
        problems += _entry_problems(entry, pyentry, rel, this_year, doi_seen)
    problems.sort(key=lambda p: (p.line, p.message))
    return Bibliography(path, entries, problems)


def _parse_without_duplicates(parser, text, seen_lower):
    """pybtex treats a repeated key as fatal; duplicates are already reported, so skip them."""
    seen: set[str] = set()
    original = parser.data.add_entry

    def add_entry(key, entry):
        if key.lower() in seen:
            return
        seen.add(key.lower())
        original(key, entry)

    parser.data.add_entry = add_entry
    return parser.parse_string(text)


def _entry_problems(entry: Entry, pyentry, rel: str, this_year: int, doi_seen) -> list[Problem]:
    problems = []
    where = (rel, entry.line)

    def report(message: str) -> None:
        problems.append(Problem(*where, f"{entry.key}: {message}"))

    present = set(entry.fields) | set(pyentry.persons)
    if entry.type not in REQUIRED:
        report(f"unknown entry type @{entry.type}; use one of "
               + ", ".join("@" + t for t in sorted(REQUIRED)))
    else:
        for need in REQUIRED[entry.type]:
            if not present.intersection(need):
                report(f"@{entry.type} is missing a required field: {' or '.join(need)}")

    year = entry.raw.get("year")
    if year is not None:
        if not YEAR_RE.match(year) or not FIRST_YEAR <= int(year) <= this_year + 1:
            report(f"impossible year '{year}'; give four digits between {FIRST_YEAR} "
                   f"and {this_year + 1}")

    doi = entry.raw.get("doi")
    if doi is not None:
        if not DOI_RE.match(doi):
            report(f"malformed DOI '{doi}'; write it bare, like 10.1080/1068316X.2014.926354 "
                   "(no https://doi.org/ prefix)")
        elif doi.lower() in doi_seen:
            report(f"duplicate DOI {doi} (also on '{doi_seen[doi.lower()]}'); each work once")
        else:
            doi_seen[doi.lower()] = entry.key

    url = entry.raw.get("url")
    if url is not None and not URL_RE.match(url):
        report(f"malformed URL '{url}'; give a full http(s):// address")

    keywords = entry.keywords
    unknown = [k for k in keywords if k not in THEMES]
    if not 1 <= len(keywords) <= 4 or unknown:
        report("keywords must be one to four themes from the list in the README"
               + (f" (unknown: {', '.join(unknown)})" if unknown else f" (has {len(keywords)})"))

    pages = entry.raw.get("pages")
    if pages is not None and re.search(r"\d\s*(-|‐|–|—)\s*\d", pages) and "--" not in pages:
        report(f"page range '{pages}' should use '--' (e.g. 902--920)")
    return problems
