"""The bibliography: bibliography.bib read into plain records, and linted.

Nothing here imports MkDocs. `load()` returns the records and every problem found, each problem
located as `bibliography.bib:LINE: key: problem`, so that one run reports them all.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.database import Person
from pybtex.database.input import bibtex as pybtex_bibtex
from pybtex.richtext import Text

from . import sources
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
    "inbook": [("author", "editor"), ("title",), ("booktitle",), ("publisher",), ("year", "date")],
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

# Every field an entry may have: the BibTeX and BibLaTeX fields pandoc reads for a reference,
# and the guide's own (keywords: its themes; unverified: reported, see "Add a reference").
KNOWN_FIELDS = {
    "author", "editor", "translator", "title", "subtitle", "titleaddon", "booktitle",
    "booksubtitle", "maintitle", "journal", "journaltitle", "shortjournal", "volume", "number",
    "issue", "pages", "eid", "year", "date", "month", "urldate", "origdate", "publisher",
    "address", "location", "institution", "school", "organization", "edition", "series",
    "chapter", "type", "note", "addendum", "howpublished", "doi", "url", "isbn", "issn",
    "eprint", "eprinttype", "pubstate", "language", "langid", "version", "crossref",
    "keywords", "unverified",
}
ENTRY_IN_PARENTHESES_RE = re.compile(r"^[ \t]*@(?P<type>[A-Za-z]+)[ \t]*\(", re.M)
LATEX_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
# The commands whose text pandoc keeps in a .bib: formatting, accents, letters, dots and
# quotes (tests/test_bibliography.py checks each against pandoc). Not \mbox, \href or
# \textendash: pandoc drops what they hold.
LATEX_COMMANDS = {
    "emph", "textit", "textbf", "textsc", "textsf", "texttt", "textrm", "textup", "textsl",
    "textnormal", "url", "nolinkurl", "mkbibquote", "enquote",
    "ss", "o", "O", "ae", "AE", "oe", "OE", "aa", "AA", "l", "L", "i", "j",
    "u", "v", "H", "c", "d", "b", "t", "k", "r",
    "ldots", "dots", "textquoteleft", "textquoteright", "textquotedblleft",
    "textquotedblright", "textsuperscript", "textsubscript"}
SUFFIX_RE = re.compile(r"^(?:Jr|Sr|I{1,3}|IV|V|VI{1,3})\.?$")
DATE_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
ENTRY_WITHOUT_AT_RE = re.compile(r"^[ \t]*(?P<type>[A-Za-z]+)[ \t]*\{[ \t]*(?P<key>[^\s,{}=]+)"
                                 r"[ \t]*,[ \t]*$", re.M)

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
    raw_persons: dict[str, list[str]] = field(default_factory=dict)  # role -> names as written

    @property
    def kind(self) -> str:
        return KINDS.get(self.type, "other")

    @property
    def year(self) -> str:
        return self.fields.get("year") or self.fields.get("date", "")[:4]

    @property
    def keywords(self) -> list[str]:
        return [k.strip() for k in self.fields.get("keywords", "").split(",") if k.strip()]


@dataclass(frozen=True)
class Withdrawn:
    """A work the guide once cited and has left out, because a value its APA reference needs
    could not be confirmed against the publisher. Its anchor `#ref-KEY` on the bibliography page
    is permanent, so the page keeps a short notice there (bibpage.withdrawn_markdown)."""

    key: str
    cited_as: str      # the short citation as the guide printed it: "(Perrin & Blagden, 2016)"
    title: str
    unconfirmed: str   # what could not be confirmed: "page range", "authors and their order"
    line: int


@dataclass
class Bibliography:
    path: Path
    entries: dict[str, Entry]
    problems: list[Problem]
    withdrawn: list[Withdrawn] = field(default_factory=list)
    readable: bool = True  # False: the file could not be read or decoded, so it has no entries

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    @property
    def keys(self) -> list[str]:
        return list(self.entries)


# A command pybtex leaves in plain text (\emph, \textit, \textbf…): pandoc prints its argument
# with the formatting, plain text (RIS, the quiz banks, links.json, search) the argument alone.
_COMMAND_RE = re.compile(r"\\[A-Za-z]+\s?")


# Text that pybtex's LaTeX reading leaves exactly as it is: letters, digits and the punctuation
# that no LaTeX ligature or command is made of, single spaces inside. Most fields are such text,
# and skip the reading (tests/test_bibliography.py checks the shortcut against pybtex).
_UNCHANGED = r"\w.,:;()/\[\]*+=|@?’“”'\"–—&\-"
_UNCHANGED_RE = re.compile(rf"(?!.*(?:--|,,|''|  ))[{_UNCHANGED}](?:[{_UNCHANGED} ]*[{_UNCHANGED}])?")


@functools.lru_cache(maxsize=8192)  # the same field texts, read again on every rebuild
def plain(latex: str) -> str:
    """LaTeX field text as a reader sees it: accents resolved, protective braces and
    formatting commands gone."""
    if _UNCHANGED_RE.fullmatch(latex):
        return latex
    try:
        text = str(Text.from_latex(latex))
    except Exception:  # pybtex rejects some unbalanced input; the lint reports it elsewhere
        text = latex.replace("{", "").replace("}", "")
    return _COMMAND_RE.sub("", text).strip()


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
    try:
        raw = path.read_bytes()
    except OSError as err:
        return Bibliography(path, {}, [Problem(rel, 1, f"cannot read the bibliography "
                                               f"({err.strerror}); create it or correct its path")],
                            readable=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Bibliography(path, {}, _encoding_problems(raw, rel), readable=False)

    problems: list[Problem] = []
    starts = _entry_starts(text)
    problems += _brace_problems(text, starts, rel)
    for match in ENTRY_IN_PARENTHESES_RE.finditer(text):
        problems.append(Problem(rel, text.count("\n", 0, match.start()) + 1,
                                f"@{match.group('type')}( opens an entry with a parenthesis, "
                                "which pandoc cannot read; write "
                                f"@{match.group('type')}{{key, … }} with braces"))
    for match in ENTRY_WITHOUT_AT_RE.finditer(text):
        if match.group("type").lower() in REQUIRED:
            problems.append(Problem(rel, text.count("\n", 0, match.start()) + 1,
                                    f"{match.group('key')}: entry without '@', which BibTeX skips "
                                    f"as a comment; write @{match.group('type')}{{"
                                    f"{match.group('key')},"))

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
            raw_persons={role.lower(): [str(p) for p in people]
                         for role, people in pyentry.persons.items()},
        )
        entries[key] = entry
        problems += _entry_problems(entry, pyentry, rel, this_year, doi_seen)
    for entry in entries.values():
        parent = entry.raw.get("crossref")
        if parent is not None and parent not in entries:
            problems.append(Problem(rel, entry.line, f"{entry.key}: crossref '{parent}' names no "
                                    "entry in the file; give the parent's key, or write its "
                                    "fields (booktitle, editor, publisher) here"))
    for book, chapter in _edited_books_with_authors(entries):
        problems.append(Problem(rel, book.line, f"{book.key}: edited book entered with author "
                                f"(the chapter '{chapter}' names these people as its editors); "
                                "write the names as editor = {…}, so that APA prints (Eds.)"))
    if not entries and not problems:
        problems.append(Problem(rel, 1, "the bibliography holds no entries, so no citation can "
                                "be formatted; restore the file (git checkout bibliography.bib)"))
    control = sources.CONTROL_RE.search(text)
    if control:
        line = _line_of(text, control.start())
        problems.append(Problem(rel, line, f"an invisible control character "
                                f"(U+{ord(control.group()):04X}); delete it (most editors do "
                                "not show it)"))
    problems.sort(key=lambda p: (p.line, p.message))
    withdrawn, found = load_withdrawn(path.parent, entries, root)
    return Bibliography(path, entries, problems + found, withdrawn)


# --- Withdrawn works ------------------------------------------------------------------------------
# A work left out of bibliography.bib because a value its reference needs was never seen in a
# source keeps its published anchor: data/withdrawn.yml lists it, and the bibliography page says
# why it was withdrawn (README, "Withdraw a reference").

WITHDRAWN_FILE = "data/withdrawn.yml"
WITHDRAWN_FIELDS = ("key", "cited_as", "title", "unconfirmed")


def load_withdrawn(directory: str | Path, entries: dict[str, Entry] | None = None,
                   root: str | Path | None = None) -> tuple[list[Withdrawn], list[Problem]]:
    """The withdrawn works listed next to the .bib file, and a located problem for each bad item.
    No file means no withdrawn works."""
    path = Path(directory) / WITHDRAWN_FILE
    if not path.exists():
        return [], []
    rel = str(path.relative_to(root)) if root else str(path)
    text, problems = sources.read_text(path, rel)
    if text is None:
        return [], problems
    data, lines, problems = sources.load_yaml(text, rel)
    if problems:
        return [], problems
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(rel, 1, "expected a list of withdrawn works, each starting with "
                            "'- key: …'")]
    withdrawn: list[Withdrawn] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        line = lines.get(str(index), 1)
        if not isinstance(item, dict):
            problems.append(Problem(rel, line, "each withdrawn work is a mapping with "
                                    + ", ".join(WITHDRAWN_FIELDS)))
            continue
        bad = False
        for name in item:
            if name not in WITHDRAWN_FIELDS:
                problems.append(Problem(rel, lines.get(f"{index}.{name}", line),
                                        f"unknown field '{name}'; a withdrawn work has "
                                        + ", ".join(WITHDRAWN_FIELDS)))
                bad = True
        for name in WITHDRAWN_FIELDS:
            value = item.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(rel, lines.get(f"{index}.{name}", line),
                                        f"missing or empty '{name}'; give it as text"
                                        + {"key": " (the key the guide cited, e.g. "
                                                  "perrin2016movements)",
                                           "cited_as": " (the short citation as printed, e.g. "
                                                       "(Perrin & Blagden, 2016))",
                                           "title": " (the work's title)",
                                           "unconfirmed": " (what could not be confirmed, e.g. "
                                                          "page range)"}[name]))
                bad = True
        if bad:
            continue
        key = item["key"].strip()
        where = lines.get(f"{index}.key", line)
        if not KEY_RE.match(key):
            problems.append(Problem(rel, where, f"{key}: bad key format; use the key exactly as "
                                    "the guide cited it (lower-case author + year + word)"))
            continue
        if key in seen:
            problems.append(Problem(rel, where, f"{key}: listed twice (first at line "
                                    f"{seen[key]}); list each withdrawn work once"))
            continue
        seen[key] = where
        if entries and key in entries:
            problems.append(Problem(rel, where, f"{key}: withdrawn but still in bibliography.bib "
                                    f"(line {entries[key].line}); remove the entry, or remove it "
                                    "from this list if its values are now confirmed"))
            continue
        withdrawn.append(Withdrawn(key, item["cited_as"].strip(), item["title"].strip(),
                                   item["unconfirmed"].strip(), where))
    return withdrawn, problems


def _encoding_problems(raw: bytes, rel: str) -> list[Problem]:
    """Every line with bytes that are not UTF-8, named by the entry it is in."""
    problems = []
    key = ""
    for number, line in enumerate(raw.split(b"\n"), start=1):
        start = ENTRY_START_RE.match(line.decode("utf-8", "replace").lstrip())
        if start and start.group(2):
            key = start.group(2)
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            where = f"{key}: " if key else ""
            problems.append(Problem(rel, number, f"{where}file is not UTF-8 (byte "
                                    f"0x{line[err.start]:02x}, probably Latin-1 or Windows-1252)"
                                    "; save the file as UTF-8 or write the character as LaTeX"
                                    " (e.g. {\\\"u})"))
    return problems


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

    present = {name for name, value in entry.fields.items() if value.strip()} | {
        role.lower() for role, people in pyentry.persons.items() if people}
    for name in sorted(set(entry.fields) - present - {"unverified"}):
        report(f"{name} = {{}} is empty; give its value from a source, or remove the field")
    for name in sorted(set(entry.fields) | {r.lower() for r in pyentry.persons}):
        if name not in KNOWN_FIELDS:
            close = [known for known in sorted(KNOWN_FIELDS) if sorted(known) == sorted(name)] \
                or difflib.get_close_matches(name, sorted(KNOWN_FIELDS), n=1, cutoff=0.6)
            report(f"unknown field '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
                   + ": pandoc does not print a field it does not know, so its value would be "
                   "lost")
    if "unverified" in entry.fields:
        report(f"unverified = {{{entry.raw['unverified']}}}: the guide keeps no incomplete "
               "reference; give the missing value from a source you have seen (the DOI landing "
               "page, the publisher, a library record) and remove unverified, or leave the entry "
               "out and list it in " + WITHDRAWN_FILE)
    if entry.type not in REQUIRED:
        report(f"unknown entry type @{entry.type}; use one of "
               + ", ".join("@" + t for t in sorted(REQUIRED)))
    else:
        for need in REQUIRED[entry.type]:
            if not present.intersection(need):
                report(f"@{entry.type} is missing a required field: {' or '.join(need)}; "
                       f"add {need[0]} = {{…}}" + (" (the organisation that issued it)"
                                                  if need[0] == "institution" else ""))

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

    for name, value in sorted(entry.raw.items()):
        unknown = sorted({m.group(1) for m in LATEX_COMMAND_RE.finditer(value)} - LATEX_COMMANDS)
        if unknown:
            report(f"{name} uses \\{unknown[0]}, a LaTeX command pandoc does not know: it drops "
                   "the command and its text; write the text plainly (accents as {\\\"u} or as "
                   "the letter itself)")

    isbn = entry.raw.get("isbn")
    if isbn is not None and not sources.valid_isbn(isbn):
        report(f"isbn '{isbn}' is not an ISBN (its check digit is wrong, or it has too few "
               "digits); copy it from the publisher or a library record")

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
    span = re.fullmatch(r"\s*(\d+)\s*--\s*(\d+)\s*", pages or "")
    if span and int(span.group(2)) < int(span.group(1)):
        report(f"page range '{pages}' ends before it starts; give both pages in full, as "
               "printed (e.g. 1003--1015)")

    if re.fullmatch(r"\s*\d+\s*-+\s*|\s*-+\s*\d+\s*", pages or ""):
        report(f"page range '{pages}' lacks a page at one end; give both, as printed "
               "(e.g. 169--181)")
    date = entry.raw.get("date")
    if date is not None and not _valid_date(date.strip()):
        report(f"date '{date}' is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD "
               "(e.g. 2010-03-15)")

    for _name, message in _completeness(entry):
        report(message)
    for message in _name_problems(entry, pyentry):
        report(message)
    return problems


# --- Complete references ----------------------------------------------------------------------
# Each message says what is missing and what to add, so that the APA reference prints in full.

# The documented marker for an article published online before its issue (README, "Add a
# reference"): pandoc passes `pubstate` to the CSL `status` variable, which the APA style prints
# after the journal name: "Journal Name. Advance online publication. https://doi.org/…".
ONLINE_FIRST = "advance online publication"


def is_online_first(entry: Entry) -> bool:
    return entry.fields.get("pubstate", "").strip().lower() == ONLINE_FIRST


def _completeness(entry: Entry) -> list[tuple[str, str]]:
    """(field, message) for each value an APA reference of this type needs and lacks."""
    messages: list[tuple[str, str]] = []
    f = entry.fields
    if entry.type == "article":
        online_first = is_online_first(entry)
        if online_first and "doi" not in f:
            messages.append(("doi", "marked pubstate = {Advance online publication} but has no DOI; add "
                            "doi = {10.…} from the publisher's page (APA needs it to find the "
                            "online-first version)"))
        if "pubstate" in f and not online_first:
            messages.append(("pubstate", f"pubstate = {{{entry.raw['pubstate']}}} is not the online-first "
                            "marker; write pubstate = {Advance online publication}, or remove it "
                            "and give volume and pages"))
        if not online_first:
            if "volume" not in f:
                messages.append(("volume", "journal article without volume; add volume = {…} from the "
                                "journal issue, or, if the work has no issue yet, mark it "
                                "pubstate = {Advance online publication} with its doi"))
            if "pages" not in f and "eid" in f:
                # pandoc's BibTeX reader drops eid, so the APA reference would end at the volume.
                messages.append(("eid", f"article number in eid = {{{entry.raw['eid']}}}, which pandoc "
                                f"does not print; write it as pages = {{{entry.raw['eid']}}}"))
            elif "pages" not in f:
                messages.append(("pages", "journal article without pages or article number; add "
                                "pages = {first--last} (an article number also goes in pages, "
                                "e.g. pages = {525}), or, if the work has no issue yet, mark it "
                                "pubstate = {Advance online publication} with its doi"))
    elif entry.type in ("incollection", "inbook"):
        if not entry.editors:
            messages.append(("editor", f"chapter (@{entry.type}) without editors; add editor = "
                             "{Family, Given and …} as printed on the book's title page"))
        # booktitle and publisher are required fields of both types (REQUIRED above).
        if "pages" not in f:
            messages.append(("pages", f"chapter (@{entry.type}) without pages; add pages = "
                             "{first--last} from the book or the publisher's chapter page"))
    elif entry.type == "book" and entry.authors:
        if EDITED_RE.search(" and ".join(entry.authors)) or any(
                EDITED_RE.search(entry.raw.get(name, "")) for name in ("note", "type")):
            messages.append(("author", "edited book entered with author; write the names as "
                             "editor = {…} (and drop any '(Eds.)'), so that APA prints (Eds.)"))
    return messages


EDITED_RE = re.compile(r"\(eds?\.?\)|\beds?\.(?=\s|$|\})|\bedited\b", re.I)
EDS_RE = re.compile(r"\(eds?\.?\)", re.I)


def _edited_books_with_authors(entries: dict[str, Entry]) -> list[tuple[Entry, str]]:
    """A @book with authors that a chapter in the file names as its book, with those editors."""
    found = []
    books = {}
    for entry in entries.values():
        if entry.type == "book" and entry.authors and not entry.editors:
            books.setdefault(_title_key(entry.fields.get("title", "")), []).append(entry)
    for chapter in entries.values():
        if chapter.type not in ("incollection", "inbook") or not chapter.editors:
            continue
        for book in books.get(_title_key(chapter.fields.get("booktitle", "")), []):
            if [_family(n) for n in book.authors] == [_family(n) for n in chapter.editors]:
                found.append((book, chapter.key))
    return found


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def _family(name: str) -> str:
    return name.split(",")[0].strip().lower()


# --- Names that print wrongly -----------------------------------------------------------------

NAME_FIELDS = ("author", "editor")
# Fields pandoc reads as a list, joining the parts with '; ' ("Crime; Justice Research").
LIST_FIELDS = ("publisher", "institution", "school", "organization")
# Words that mark an organisation rather than a person.
ORGANISATION_RE = re.compile(
    r"\b(ministry|department|centre|center|trust|council|institute|institution|office|"
    r"organi[sz]ation|association|society|service|services|university|college|inspectorate|"
    r"agency|commission|committee|foundation|board|government|parliament|samaritans|"
    r"federation|network|unit|school|bureau|authority|group)\b", re.I)
PARTICLES = {"de", "da", "das", "del", "della", "der", "den", "des", "di", "do", "dos", "du",
             "la", "le", "van", "von", "ter", "ten", "zu", "af", "al", "el", "bin", "ibn", "y",
             "st.", "d'", "l'"}


def _top_level_parts(value: str, separator: str) -> list[str]:
    """`value` split at `separator` where it is outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    lower = value.lower()
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and lower.startswith(separator, i):
            parts.append(value[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def _wholly_braced(text: str) -> bool:
    """'{…}' with the outer braces matching each other."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _initials(person) -> str:
    """Given names as APA abbreviates them ('Ed de' -> 'E. de'): particles stay as written."""
    return " ".join(name if name[:1].islower() else plain(name)[:1] + "."
                    for name in person.first_names + person.middle_names)


def _unbraced(text: str) -> str:
    """The text outside (innermost) braces."""
    return re.sub(r"\{[^{}]*\}", "", text)


def _too_many_commas(name: str) -> bool:
    """Names run together with commas ('Aresti, A., Eatough, V.'): BibTeX allows two commas in
    one name only around a suffix ('King, Jr., Martin Luther')."""
    parts = _top_level_parts(name, ",")
    return len(parts) > 3 or (len(parts) == 3 and not SUFFIX_RE.match(parts[1]))


def _valid_date(text: str) -> bool:
    match = DATE_RE.match(text)
    if not match:
        return False
    try:
        datetime.date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError:
        return False
    return True


def _name_problems(entry: Entry, pyentry) -> list[str]:
    messages = []
    editors = " and ".join(str(person) for person in pyentry.persons.get("editor", []))
    if EDS_RE.search(editors):  # '(Eds.)' with an author is an edited book (_type_problems)
        messages.append(f"editor '{plain(editors)}' contains '{EDS_RE.search(editors).group(0)}';"
                        " write the names only: APA prints (Ed.) or (Eds.) itself")
    for field_name in NAME_FIELDS:
        persons = pyentry.persons.get(field_name, [])
        # pybtex keeps the names, not the field as written; each name as BibTeX would write it.
        written_names = [str(person) for person in persons]
        if any(re.search(r"(^|\s)and(\s|$)", name) and not _wholly_braced(name)
               for name in written_names):
            messages.append(f"{field_name} '{plain(' and '.join(written_names))}' has an "
                            "'and' with no name on one side; remove it, or add the missing name")
        if "others" in written_names:
            messages.append(f"{field_name} ends 'and others', which prints 'et al.' in the "
                            "reference; APA 7 lists up to 20 names, so give every name from "
                            "the source")
        loose = [name for name in written_names if not _wholly_braced(name)]
        whole = plain(" and ".join(written_names))
        if any(";" in _unbraced(name) for name in loose):
            messages.append(f"{field_name} '{whole}' separates names with ';'; separate them "
                            "with ' and ' (Family, Given and Family, Given)")
        elif any(_too_many_commas(name) for name in loose):
            messages.append(f"{field_name} '{whole}' has a name with more than one comma; "
                            "separate names with ' and ' (Family, Given and Family, Given)")
        organisations = [
            name for name in written_names
            if name != "others" and not _wholly_braced(name) and ORGANISATION_RE.search(name)]
        if organisations:
            whole = " and ".join(written_names)
            messages.append(f"{field_name} '{plain(whole)}' looks like an organisation but is read "
                            "as personal names (split at an unbraced 'and' or comma); wrap the "
                            f"organisation's name in double braces: {field_name} = "
                            "{{Name of the Organisation}}")
        for person in persons:
            written = str(person)
            if written in organisations:
                continue
            if person.prelast_names:
                family = " ".join(person.prelast_names + person.last_names)
                given = " ".join(person.first_names + person.middle_names)
                messages.append(f"name particle in {field_name} '{written}' prints in APA as "
                                f"'{' '.join(person.last_names)}, {_initials(person)} "
                                f"{' '.join(person.prelast_names)}'"
                                " and sorts under the wrong letter; brace the family name with "
                                f"its particle: {{{family}}}, {given}")
            trailing = (person.first_names + person.middle_names)[-1:]
            if trailing and trailing[0].lower() in PARTICLES and trailing[0][:1].islower():
                family = " ".join(person.last_names)
                given = " ".join((person.first_names + person.middle_names)[:-1])
                messages.append(f"name particle '{trailing[0]}' written after the given name in "
                                f"{field_name} '{written}' prints in APA as '{family}, "
                                f"{_initials(person)}'; "
                                f"write it with the family name, braced: "
                                f"{{{trailing[0]} {family}}}, {given}")
    for field_name in LIST_FIELDS:
        raw = entry.raw.get(field_name)
        if raw is None or _wholly_braced(raw.strip()):
            continue
        if len(_top_level_parts(" ".join(raw.split()), " and ")) > 1:
            messages.append(f"{field_name} '{plain(raw)}' contains an unbraced 'and', which "
                            f"pandoc reads as a list ('…; …'); wrap it in double braces: "
                            f"{field_name} = {{{{{plain(raw)}}}}}")
    return messages
