"""The chapter page model: its front matter, its sections in order, and what each must hold.

A chapter page (the page that docs/book/contents.yml names for a chapter) follows the model in
the README ("The chapter page model"). `validate()` returns every way a page departs from it,
each located at the line of the item concerned: front matter first (`front_matter_problems`),
then one checker per section (`SECTION_CHECKS`).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.toc import slugify

from . import citations
from .markers import COMMENT_RE  # an HTML comment, a marker included
from .mdlines import code_mask, prose_lines, without_code, without_code_spans
from .problems import Problem
from .sources import OVERRIDES, Chapter, Page, theme_file

SECTIONS = [
    "At a glance",
    "Summary",
    "Key concepts",
    "With the book open",
    "Seminar questions",
    "Check your understanding",
    "Seminar activity",
    "Further reading",
    "Connections",
    "References",
]
CONTENT_NOTES = {"suicide", "self-harm", "sexual-offending"}
DESCRIPTION_MAX = 160
LIMITS = {
    "outcomes": (4, 7),
    "summary_words": (600, 1000),
    "questions": (8, 12),
    "self_checks": (5, 8),
    "activity_minutes": (45, 60),
    "further_reading": (5, 10),
    "book_prompts": (2, 3),
    "core_questions": (3, 3),
}
# Front matter every page may carry (MkDocs and Material read the last four).
PAGE_KEYS = {"title", "description", "search", "hide", "template", "status", "subtitle", "icon"}
CHAPTER_KEYS = {"chapter", "part", "content_notes", "key_concepts", "further_reading",
                "handout_summary"}

# `1. {#ch2-q1 lo=2,4 core} Text`: the id, then the outcomes it serves and whether it is core.
QUESTION_RE = re.compile(r"^(?P<indent>\s*)(?P<num>\d+)\.\s+\{#(?P<id>[^}\s]*)(?P<attrs>[^}]*)\}"
                         r"\s*(?P<text>.*)$")
LO_ATTR_RE = re.compile(r"^lo=(?P<value>\S*)$")
# An activity step or a "With the book open" prompt names its outcomes: `<!-- guide:lo 2 4 -->`.
LO_MARKER_RE = re.compile(r"<!--\s*guide:lo(?P<args>(?:[^-]|-(?!->))*?)-->")
LO_SECTIONS = ("With the book open", "Seminar activity")
LEAD_IN_RE = re.compile(r"^\*\*(?P<lead>[^*]+?)\.?\*\*")
# `## Title`, `## Title ##` and `##Title`, as Python-Markdown reads them, with any `{…}`.
H2_RE = re.compile(r"^##(?!#)[ \t]*(?P<title>[^\s#].*?)(?:[ \t]+#+)?[ \t]*(\{[^}]*\})?[ \t]*$")
CITATION_RE = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
TIME_RE = re.compile(r"\*\*Time:\*\*\s*(?P<minutes>\d+)\s*minutes", re.I)
OUTCOME_RE = re.compile(r"^\d+\.\s+\S")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass
class Question:
    id: str
    number: int
    text: str
    line: int
    lo: tuple[int, ...] = ()    # the outcomes it serves (lo=2,4)
    core: bool = False          # one of the page's three core questions
    attrs: str = ""             # everything after the id, as written


@dataclass
class Outcome:
    number: int
    text: str
    line: int


@dataclass
class LoMarker:
    """A `<!-- guide:lo … -->` marker: the outcomes a step or prompt serves, as written."""
    section: str
    values: list[str]
    line: int


@dataclass
class SelfCheck:
    question: str
    answer: str
    line: int = 0


@dataclass
class Section:
    title: str
    line: int      # file line of the heading
    text: str      # the lines after the heading, up to the next level-2 heading

    def lines(self):
        """(file line, text) of each line of the section."""
        return enumerate(self.text.split("\n"), self.line + 1)


def sections(page: Page) -> list[Section]:
    """Each level-2 section of the body, outside code fences."""
    found: list[tuple[str, int, list[str]]] = []
    for offset, (line, in_code) in enumerate(zip(page.body.split("\n"), code_mask(page.body))):
        match = None if in_code else H2_RE.match(line)
        if match:
            found.append((match.group("title"), page.body_line + offset, []))
        elif found:
            found[-1][2].append(line)
    return [Section(title, line, "\n".join(lines)) for title, line, lines in found]


def section(page: Page, title: str) -> Section | None:
    return next((s for s in sections(page) if s.title == title), None)


def questions(page: Page) -> list[Question]:
    found = section(page, "Seminar questions")
    if found is None:
        return []
    result = []
    for number, row in found.lines():
        match = QUESTION_RE.match(row)
        if match and not match.group("indent"):
            attrs = match.group("attrs").strip()
            lo, core, _ = parse_attrs(attrs)
            result.append(Question(match.group("id"), int(match.group("num")),
                                   match.group("text").strip(), number, tuple(lo), core, attrs))
    return result


def parse_attrs(attrs: str) -> tuple[list[int], bool, list[str]]:
    """`lo=2,4 core` -> ([2, 4], True, problems). Unknown words and bad numbers are problems."""
    lo: list[int] = []
    core = False
    problems: list[str] = []
    for word in attrs.split():
        match = LO_ATTR_RE.match(word)
        if word == "core":
            core = True
        elif match:
            for value in filter(None, match.group("value").split(",")):
                if value.isdecimal():
                    lo.append(int(value))
                else:
                    problems.append(f"'{value}' in {word} is not an outcome number; write "
                                    "lo=N or lo=N,M with the numbers of At a glance")
            if not match.group("value").strip(","):
                problems.append(f"'{word}' names no outcome; write lo=N with an outcome's "
                                "number")
        else:
            problems.append(f"unknown attribute '{word}'; a question takes lo=N (its outcomes) "
                            "and core")
    return lo, core, problems


def outcomes(page: Page) -> list[Outcome]:
    """The numbered learning outcomes of "At a glance", with their file lines."""
    found = section(page, "At a glance")
    result = []
    for number, line in found.lines() if found else []:
        match = re.match(r"^(\d+)\.\s+(\S.*)$", line)
        if match:
            result.append(Outcome(int(match.group(1)), match.group(2).strip(), number))
    return result


def lo_markers(page: Page) -> list[LoMarker]:
    """Every `<!-- guide:lo … -->` in the sections whose items name outcomes."""
    found = []
    for item in sections(page):
        if item.title not in LO_SECTIONS:
            continue
        for number, (line, in_code) in enumerate(zip(item.text.split("\n"),
                                                     code_mask(item.text)), item.line + 1):
            for match in [] if in_code else LO_MARKER_RE.finditer(line):
                found.append(LoMarker(item.title, match.group("args").replace(",", " ").split(),
                                      number))
    return found


def summary_parts(page: Page) -> dict[str, str]:
    """The Summary's paragraphs grouped under their bold lead-in (`**The Listener study.**`):
    lead-in -> the paragraph and any that follow it without a lead-in of their own."""
    found = section(page, "Summary")
    parts: dict[str, list[str]] = {}
    current = None
    for paragraph in re.split(r"\n\s*\n", found.text if found else ""):
        if not paragraph.strip():
            continue
        match = LEAD_IN_RE.match(paragraph.strip())
        if match:
            current = match.group("lead").strip()
            parts[current] = []
        if current is not None:
            parts[current].append(paragraph.strip())
    return {lead: "\n\n".join(text) for lead, text in parts.items()}


def self_check_items(page: Page) -> list:
    """The page's self-check items (quiz.Item records from docs/quiz/), as the loader attached
    them; [] for a page read on its own."""
    bank = getattr(page, "quiz", None)
    return list(bank.items) if bank is not None else []


def self_checks(page: Page) -> list[SelfCheck]:
    """The 'Check your understanding' items: question and answer as plain text, and the line of
    each item in its data file (docs/quiz/<stem>.yml)."""
    return [SelfCheck(item.question, plain_text(item.answer), item.line)
            for item in self_check_items(page)]


def words(text: str) -> int:
    """Words a reader sees: citations and HTML comments (markers) are not counted."""
    return len(CITATION_RE.sub(" ", COMMENT_RE.sub(" ", text)).split())


def narrative_citations(markdown: str) -> list[str]:
    """The narrative citations (`@key`) of a piece of text, which plain text cannot show."""
    from .citations import clusters

    return [c.text for c in clusters(markdown) if c.narrative]


def plain_text(markdown: str) -> str:
    """Markdown inline text as plain text (comments, citations, links and emphasis removed).
    Text shown as plain text (seminar questions, glossary definitions) is checked to hold no
    narrative citation, which would lose its authors here."""
    from .citations import clusters

    text = COMMENT_RE.sub("", markdown)
    for cluster in reversed(clusters(text)):
        text = text[:cluster.start].rstrip(" ") + text[cluster.end:] if not cluster.narrative \
            else text[:cluster.start] + text[cluster.end:]
    text = _MD_LINK_RE.sub(r"\1", text).replace("**", "").replace("*", "")
    return " ".join(text.split())


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def valid_further_reading(page: Page) -> list[dict]:
    """The well-formed further_reading items of a page (the rest are reported by the validator)."""
    items = page.meta.get("further_reading") or []
    return [i for i in items if isinstance(i, dict) and _strings([i.get("key"), i.get("why")])] \
        if isinstance(items, list) else []


# --- Front matter ---------------------------------------------------------------------------------

def unknown_keys(page: Page, allowed: set[str], also_known: set[str] = frozenset()) -> list[Problem]:
    """Front-matter keys nobody reads, with the closest known key (a typo switches a rule off)."""
    problems = []
    for key in page.meta:
        if key in allowed:
            continue
        if key in also_known:
            problems.append(Problem(page.rel, page.line_of(key), f"front matter: '{key}' is only "
                                    "read on chapter pages; remove it"))
            continue
        close = difflib.get_close_matches(str(key), sorted(allowed | also_known), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else \
            "known keys: " + ", ".join(sorted(allowed))
        problems.append(Problem(page.rel, page.line_of(key), f"front matter: unknown key '{key}'; "
                                f"{hint}"))
    return problems


HIDE_VALUES = ("navigation", "toc", "footer", "path", "tags", "feedback")
SEARCH_KEYS = {"exclude": bool, "boost": (int, float)}


def theme_key_problems(page: Page, root: Path) -> list[Problem]:
    """The front matter Material reads (template, icon, search, hide, status, subtitle) is of a
    kind it can use: a template or icon that does not exist, or `search: yes`, ended the build
    with a traceback from inside the theme."""
    problems = []
    meta = page.meta

    def at(key: str, message: str) -> None:
        problems.append(Problem(page.rel, page.line_of(key), f"front matter: {message}"))

    for key in ("template", "icon", "status", "subtitle"):
        if key in meta and not (isinstance(meta[key], str) and meta[key].strip()):
            at(key, f"'{key}' must be text (one line; quote it)")
    if isinstance(meta.get("template"), str) and meta["template"].strip() \
            and not theme_file(root, meta["template"]):
        at("template", f"template '{meta['template']}' is neither in {OVERRIDES}/ nor in the "
           "theme; name an existing template (main.html is the default), or remove the key")
    if isinstance(meta.get("icon"), str) and meta["icon"].strip() \
            and not theme_file(root, f".icons/{meta['icon']}.svg"):
        at("icon", f"icon '{meta['icon']}' is not one of the theme's icons; write it as "
           "material/book-open-variant (a set, a slash, the icon's name), or remove the key")
    if "search" in meta:
        search = meta["search"]
        if not isinstance(search, dict) or any(
                key not in SEARCH_KEYS or not isinstance(value, SEARCH_KEYS[key])
                or (key == "boost" and isinstance(value, bool))
                for key, value in search.items()):
            at("search", "'search' takes 'exclude: true' (keep the page out of the search) "
               "or 'boost: N' (a number), indented under it")
    if "hide" in meta:
        hide = meta["hide"]
        if not isinstance(hide, list) or any(value not in HIDE_VALUES for value in hide):
            at("hide", "'hide' is a list of what to hide, each one of "
               + ", ".join(HIDE_VALUES) + " (e.g. hide: [toc])")
    return problems


def page_problems(page: Page) -> list[Problem]:
    """What every page needs: a title and a one-sentence description, and no unknown keys."""
    problems = []
    for name in ("title", "description"):
        value = page.meta.get(name)
        if name in page.meta and not isinstance(value, str):
            problems.append(Problem(page.rel, page.line_of(name), f"front matter: '{name}' must "
                                    "be text (one line; quote it)"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(page.rel, page.line_of(name) if name in page.meta else 1,
                                    f"front matter: '{name}' is required (one line of text)"))
        elif citations.clusters(value):
            problems.append(Problem(page.rel, page.line_of(name), f"front matter: the {name} "
                                    "holds a citation, which would be printed as written (in "
                                    "search results and link previews); name the work in words"))
    description = page.meta.get("description")
    if isinstance(description, str) and len(description) > DESCRIPTION_MAX:
        problems.append(Problem(page.rel, page.line_of("description"), f"front matter: "
                                f"description too long ({len(description)} characters; at most "
                                f"{DESCRIPTION_MAX}); shorten it"))
    allowed = PAGE_KEYS | (CHAPTER_KEYS if page.is_chapter else set())
    return (problems + repeated_ids(page) + empty_boxes(page) + unclosed_html(page)
            + one_title_and_no_cited_footnotes(page)
            + unknown_keys(page, allowed, set() if page.is_chapter else CHAPTER_KEYS))


_BOX_RE = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?) ?\w")


def empty_boxes(page: Page) -> list[Problem]:
    """An admonition or collapsible box (`!!! note`, `??? note`) whose next text is not
    indented under it: the box shows empty and its text runs on below it as ordinary text."""
    problems = []
    lines = page.body.split("\n")
    mask = code_mask(page.body)
    for index, line in enumerate(lines):
        opener = None if mask[index] else _BOX_RE.match(line)
        if not opener:
            continue
        following = next((text for text in lines[index + 1:] if text.strip()), None)
        depth = len(opener.group("indent"))
        if following is None or len(following) - len(following.lstrip(" ")) < depth + 4:
            problems.append(Problem(page.rel, page.body_line + index, "this box has no text "
                                    f"under it; indent its text by {depth + 4} spaces, on the "
                                    "lines after it"))
    return problems


_ID_ATTR_RE = re.compile(r"\{[^{}\n]*?#(?P<id>[A-Za-z][\w.:-]*)")
_ATX_RE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$")
_INLINE_MARKUP = [(re.compile(r"`([^`]*)`"), r"\1"),                      # code spans
                  (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),        # links, images
                  (re.compile(r"<[^>\n]+>"), ""),                            # inline HTML
                  (re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1"), r"\2")]  # emphasis


def _auto_id(text: str) -> str:
    """The id the toc extension gives a heading without `{#id}`: its words, slugified."""
    for pattern, replacement in _INLINE_MARKUP:
        text = pattern.sub(replacement, text)
    return slugify(html.unescape(text), "-")  # as reading.heading_id


# Headings the build adds to every chapter page, by the ids the toc extension gives them.
BUILT_IDS = {"cite-this-page": "the 'Cite this page' section the build adds to the page"}


def repeated_ids(page: Page) -> list[Problem]:
    """An id given twice on one page (`{#same-id}` on two headings): the page would have two
    elements with one id, and a link to it would find only the first. And an id given to one
    element that is the id another heading takes from its words: the toc extension would
    silently move that heading's address to `id_1`, and links to it would land on the other.
    And two headings with the same words, or one with the words of a section the build adds:
    one of them would be `id_1`, an address that moves when the other is renamed."""
    problems, seen, auto = [], {}, {}
    for number, line in prose_lines(page.body, page.body_line):
        given = list(_ID_ATTR_RE.finditer(without_code_spans(line)))
        heading = _ATX_RE.match(line)
        if heading and not given:
            name = _auto_id(heading.group("text"))
            if name in auto or (page.is_chapter and name in BUILT_IDS):
                first = f"the heading at line {auto[name]}" if name in auto else BUILT_IDS[name]
                problems.append(Problem(page.rel, number, f"{first} has the same words, so this "
                                        f"heading's address would be '{name}_1' (or take the "
                                        "other's); give one of them an id with {#…}"))
            auto.setdefault(name, number)
        for match in given:
            name = match.group("id")
            if name in seen:
                problems.append(Problem(page.rel, number, f"id '{name}' is given twice on the "
                                        f"page (also at line {seen[name]}); give one of them "
                                        "another id"))
            else:
                seen[name] = number
    for name, number in seen.items():
        if page.is_chapter and name in BUILT_IDS:
            problems.append(Problem(page.rel, number, f"id '{name}' is the address of "
                                    f"{BUILT_IDS[name]}; give this one another id"))
        elif name in auto:
            problems.append(Problem(page.rel, number, f"id '{name}' is also the id the heading "
                                    f"at line {auto[name]} takes from its words, and that "
                                    f"heading's address would move to '{name}_1'; give this "
                                    "one another id, or give that heading an id with {#…}"))
    return problems


_H1_RE = re.compile(r"^#(?!#)")
# `[^note]: …`, `*[IPA]: …` and `[name]: https://… "title"`: no citation is formatted there.
_FOOTNOTE_RE = re.compile(r"^[ \t]{0,3}\*?\[[^\]\n]+\]:")


def one_title_and_no_cited_footnotes(page: Page) -> list[Problem]:
    """One level-1 heading, the page's title (a second one clashes with it in the e-book, and
    a screen reader's outline shows two titles); no citation in a footnote, an abbreviation's
    definition or a link definition, where none is formatted (the page would show '[@key]'
    as written, or markup inside a tooltip)."""
    problems, title = [], None
    for number, line in prose_lines(page.body, page.body_line):
        if _H1_RE.match(line):
            if title is None:
                title = number
            else:
                problems.append(Problem(page.rel, number, f"a second level-1 heading (the "
                                        f"page's title is at line {title}); make this one "
                                        "'##' or lower"))
        footnote = _FOOTNOTE_RE.match(line)
        if footnote and citations.clusters(line[footnote.end():]):
            what = "an abbreviation's definition" if line.lstrip().startswith("*[") else \
                "a footnote" if line.lstrip().startswith("[^") else "a link definition"
            problems.append(Problem(page.rel, number, f"{what} holds a citation, which is never "
                                    "formatted there; put the citation in the text"))
    return problems


# Raw HTML blocks that swallow the rest of the page when left open: Python-Markdown reads
# everything up to the matching end tag as HTML, so no Markdown after it is converted.
_BLOCK_TAGS = ("article|aside|blockquote|details|div|dl|fieldset|figure|footer|form|header|"
               "main|nav|ol|pre|section|table|ul")
_BLOCK_TAG_RE = re.compile(rf"<(?P<end>/?)(?P<name>{_BLOCK_TAGS})(?=[\s/>])[^<>]*>", re.I)


def unclosed_html(page: Page) -> list[Problem]:
    """An HTML block tag (`<div>`, `<details>`, …) never closed, which leaves the rest of the
    page as raw HTML with its Markdown unconverted; one left open inside another block; and
    an end tag that closes nothing. Tags in code and in HTML comments are not read."""
    text = COMMENT_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), without_code(page.body))
    problems, open_tags = [], []
    for match in _BLOCK_TAG_RE.finditer(text):
        name = match.group("name").lower()
        number = page.body_line + text.count("\n", 0, match.start())
        if not match.group("end"):
            if not match.group(0).endswith("/>"):
                open_tags.append((name, number))
        elif any(opened == name for opened, _ in open_tags):
            while (opened := open_tags.pop())[0] != name:  # `<div><ul></div>`: the <ul>
                problems.append(Problem(page.rel, opened[1], f"<{opened[0]}> is not closed "
                                        f"before the </{name}> at line {number}; close it "
                                        f"with </{opened[0]}> there"))
        else:
            problems.append(Problem(page.rel, number, f"</{name}> closes no <{name}> opened "
                                    f"before it; delete it, or add the <{name}> it closes"))
    for name, number in open_tags:
        problems.append(Problem(page.rel, number, f"<{name}> is never closed, so the rest of "
                                "the page would be shown as HTML with its Markdown "
                                f"unconverted; close it with </{name}>"))
    return sorted(problems, key=lambda problem: problem.line)


def front_matter_problems(page: Page, record: Chapter | None, glossary: set[str],
                          bib_keys) -> list[Problem]:
    problems: list[Problem] = []
    meta = page.meta

    def at(line: int, message: str) -> None:
        problems.append(Problem(page.rel, line, "front matter: " + message))

    for name in ("chapter", "key_concepts", "further_reading"):
        if name not in meta:
            at(1, f"missing required field '{name}'")
    if "chapter" in meta and record is None:
        at(page.line_of("chapter"), f"chapter '{meta['chapter']}' is not in the book's "
           "contents; use 1-6, introduction or conclusion")
    if record:
        if meta.get("title") != record.title:
            at(page.line_of("title"), f"title {meta.get('title')!r} differs from the "
               f"publisher's contents {record.title!r}; copy it exactly")
        if meta.get("part") != record.part:
            at(page.line_of("part"), f"part should be {record.part!r} for this chapter, "
               f"not {meta.get('part')!r}" if record.part is not None else
               "the introduction and conclusion have no part; remove 'part'")
    notes = meta.get("content_notes") or []
    if not _strings(notes):
        at(page.line_of("content_notes"), "content_notes must be a list such as "
           "[suicide, self-harm]")
        notes = []
    for index, note in enumerate(notes):
        if note not in CONTENT_NOTES:
            at(page.line_of("content_notes", index), f"unknown content note '{note}'; use "
               + ", ".join(sorted(CONTENT_NOTES)))
    concepts = meta.get("key_concepts") or []
    if not _strings(concepts) or not concepts:
        at(page.line_of("key_concepts"), "key_concepts must list glossary ids")
        concepts = []
    for index, concept in enumerate(concepts):
        if concept not in glossary:
            at(page.line_of("key_concepts", index), f"unknown glossary id '{concept}' in "
               "key_concepts; add it to docs/glossary.md or correct it")
        elif concept in concepts[:index]:  # the glossary would say "Used in: Chapter 3, Chapter 3"
            at(page.line_of("key_concepts", index), f"'{concept}' is already in key_concepts; "
               "list each term once")
    reading = meta.get("further_reading") or []
    low, high = LIMITS["further_reading"]
    if not isinstance(reading, list) or not low <= len(reading) <= high:
        at(page.line_of("further_reading"), f"further_reading needs {low}-{high} works "
           f"(has {len(reading) if isinstance(reading, list) else 0})")
        reading = reading if isinstance(reading, list) else []
    listed: dict[str, int] = {}  # key -> its line
    for index, item in enumerate(reading):
        if not isinstance(item, dict) or not _strings([item.get("key"), item.get("why")]) \
                or not item["key"] or not item["why"].strip():
            at(page.line_of("further_reading", index), "each further_reading item needs "
               "'key' (a bibliography key) and 'why' (one line)")
        elif item["key"] not in bib_keys:
            at(page.line_of("further_reading", index, "key"), f"unknown bibliography key "
               f"'{item['key']}' in further_reading")
        elif item["key"] in listed:
            at(page.line_of("further_reading", index, "key"), f"'{item['key']}' is already "
               f"in further_reading (line {listed[item['key']]}); list each work once")
        else:
            listed[item["key"]] = page.line_of("further_reading", index, "key")
        if isinstance(item, dict) and isinstance(item.get("why"), str):
            for cited in citations.check(item["why"], bib_keys, page.rel):
                at(page.line_of("further_reading", index, "why"), f"further_reading why: "
                   f"{cited.message}")
    return problems


# --- Sections -------------------------------------------------------------------------------------

def _outcomes(page: Page, found: Section) -> list[Problem]:
    count = sum(1 for _, line in found.lines() if OUTCOME_RE.match(line))
    low, high = LIMITS["outcomes"]
    if low <= count <= high:
        return []
    advice = "add outcomes" if count < low else "merge or cut outcomes"
    return [Problem(page.rel, found.line, f"At a glance: needs {low}-{high} numbered learning "
                    f"outcomes (has {count}); {advice}")]


def _summary(page: Page, found: Section) -> list[Problem]:
    count = words(found.text)
    low, high = LIMITS["summary_words"]
    if low <= count <= high:
        return []
    return [Problem(page.rel, found.line, f"Summary: {count} words; it needs {low}-{high}")]


def _key_concepts(page: Page, found: Section) -> list[Problem]:
    linked = set(re.findall(r"glossary\.md#([a-z0-9-]+)", found.text))
    concepts = page.meta.get("key_concepts")
    return [Problem(page.rel, found.line, f"Key concepts: no link to ../glossary.md#{concept} "
                    "(listed in key_concepts); link the term in this section, or take it out "
                    "of key_concepts")
            for concept in (concepts if _strings(concepts) else []) if concept not in linked]


_LIST_ITEM_RE = re.compile(r"^ {0,3}\d+[.)][ \t]+\S")  # a numbered item of the section's own list


def _questions(page: Page, found: Section) -> list[Problem]:
    problems = []
    items = questions(page)
    low, high = LIMITS["questions"]
    if len(items) < low:
        problems.append(Problem(page.rel, found.line, f"Seminar questions: needs {low}-{high} "
                                f"questions written '1. {{#{page.chapter_id}-q1}} …' (has "
                                f"{len(items)}); add questions"))
    elif len(items) > high:
        problems.append(Problem(page.rel, found.line, f"Seminar questions: too many questions "
                                f"({len(items)}; at most {high}); move some to another page"))
    read = {question.line for question in items}
    for number, row in found.lines():  # a numbered item the question reader passed over
        if number not in read and _LIST_ITEM_RE.match(row):
            problems.append(Problem(page.rel, number, "this numbered item is not read as a "
                                    "seminar question, so it has no permanent link and is left "
                                    "out of the handout, the linking page and the VLE package; "
                                    f"start the line with the number, then {{#{page.chapter_id}"
                                    "-qN lo=N}, with no space before either"))
    seen: dict[str, int] = {}
    pattern = re.compile(rf"^{re.escape(page.chapter_id)}-q(\d+)$")
    for question in items:
        if question.id in seen:
            problems.append(Problem(page.rel, question.line, f"duplicate question id "
                                    f"'{question.id}' (also at line {seen[question.id]}); "
                                    "give the new question the next unused number"))
        seen.setdefault(question.id, question.line)
        if not pattern.match(question.id):
            problems.append(Problem(page.rel, question.line, f"malformed question id "
                                    f"'{question.id}'; use {page.chapter_id}-qN"))
        if not question.text:
            problems.append(Problem(page.rel, question.line, f"question {question.id} has no text; "
                                    "write the question after its id"))
        for cite in narrative_citations(question.text):
            problems.append(Problem(page.rel, question.line, f"question {question.id}: write "
                                    f"{cite} as [{cite}] here; the question is also shown as plain "
                                    "text (linking page, VLE package), where a narrative citation "
                                    "would lose its authors"))
    return problems


SELF_CHECK_MARKER = "<!-- guide:self-check -->"


def _self_checks(page: Page, found: Section) -> list[Problem]:
    """The section holds only the marker; the items (docs/quiz/<stem>.yml, attached by the
    loader) number 5-8, each with an answer and a why, and serve this page's outcomes."""
    from .markers import MARKER_RE

    problems = []
    named = [m for m in MARKER_RE.finditer(found.text) if m.group("name") == "self-check"]
    rest = MARKER_RE.sub(lambda m: "" if m.group("name") == "self-check" else m.group(0),
                         found.text).strip()
    if len(named) != 1 or rest:
        problems.append(Problem(page.rel, found.line, "Check your understanding: keep only the "
                                f"marker '{SELF_CHECK_MARKER}'; the items live in docs/quiz/"
                                f"{page.src.rsplit('/', 1)[-1][:-3]}.yml"))
    bank = getattr(page, "quiz", None)
    if bank is None:
        return problems
    low, high = LIMITS["self_checks"]
    if not low <= len(bank.items) <= high:
        problems.append(Problem(bank.rel, 1, f"needs {low}-{high} self-check items for "
                                f"docs/{page.src} (has {len(bank.items)})"))
    outcomes = 0
    glance = section(page, "At a glance")
    if glance is not None:
        outcomes = sum(1 for _, line in glance.lines() if OUTCOME_RE.match(line))
    for item in bank.items:
        if not item.answer.strip() or not item.why.strip():
            problems.append(Problem(bank.rel, item.line, f"{item.id}: needs 'answer' and 'why'; "
                                    "give both, each as text"))
        for number in item.lo:
            if outcomes and not 1 <= number <= outcomes:
                problems.append(Problem(bank.rel, item.line_of("lo"), f"{item.id}: lo {number} "
                                        f"is not one of the {outcomes} learning outcomes of "
                                        f"docs/{page.src} (At a glance)"))
    return problems


def _activity(page: Page, found: Section) -> list[Problem]:
    match = TIME_RE.search(found.text)
    low, high = LIMITS["activity_minutes"]
    if not match:
        return [Problem(page.rel, found.line, "Seminar activity: state its length as "
                        "'**Time:** N minutes'")]
    if not low <= int(match.group("minutes")) <= high:
        return [Problem(page.rel, found.line, f"Seminar activity: {match.group('minutes')} "
                        f"minutes; plan {low}-{high}")]
    return []


def _book_open(page: Page, found: Section) -> list[Problem]:
    count = sum(1 for _, line in found.lines() if OUTCOME_RE.match(line))
    low, high = LIMITS["book_prompts"]
    if low <= count <= high:
        return []
    return [Problem(page.rel, found.line, f"With the book open: needs {low}-{high} numbered "
                    f"prompts that send the reader into the chapter (has {count})")]


@dataclass(frozen=True)
class Served:
    """An item kept outside the page that serves outcomes, e.g. a self-check in the quiz data:
    where it is written (for a located problem), what it is, and its `lo` numbers."""
    file: str
    line: int
    label: str
    lo: tuple[int, ...]


def self_check_served(page: Page) -> list[Served]:
    """The page's self-checks kept as data (the quiz bank the loader attaches as `page.quiz`,
    whose items carry `id`, `lo` and `line_of()`), as Served items; none if there is no bank."""
    bank = getattr(page, "quiz", None)
    return [Served(bank.rel, item.line_of("lo"), f"self-check {item.id}", tuple(item.lo))
            for item in getattr(bank, "items", None) or []]


def alignment_problems(page: Page, elsewhere: list[Served] | tuple = ()) -> list[Problem]:
    """Every seminar question names the outcomes it serves (`{#id lo=2,4}`), every named outcome
    exists, three questions are core, and no outcome is served by nothing: no question, no
    activity step or "With the book open" prompt (`<!-- guide:lo 2 -->`), and no item
    `elsewhere` (self-checks kept as data, each a `Served`)."""
    problems: list[Problem] = []
    goals = outcomes(page)
    numbers = {o.number for o in goals}
    served: dict[int, int] = {}
    span = f"1-{max(numbers)}" if numbers else "none on this page"

    def named(values, line: int, what: str, file: str = page.rel) -> None:
        for value in values:
            if value in numbers:
                served[value] = served.get(value, 0) + 1
            else:
                where = "At a glance" + (f" of {page.rel}" if file != page.rel else "")
                problems.append(Problem(file, line, f"{what} names outcome {value}, which "
                                        f"{where} does not have (outcomes: {span}); name one "
                                        "of those, or add the outcome to At a glance"))

    for item in [*elsewhere, *self_check_served(page)]:
        named(item.lo, item.line, item.label, item.file)

    items = questions(page)
    for question in items:
        _, _, bad = parse_attrs(question.attrs)
        for message in bad:
            problems.append(Problem(page.rel, question.line, f"question {question.id}: {message}; "
                                    f"write {{#{question.id} lo=2,4}} or {{#{question.id} lo=2 core}}"))
        if not question.lo and not bad:
            problems.append(Problem(page.rel, question.line, f"question {question.id} names no "
                                    f"learning outcome; write {{#{question.id} lo=N}} with the "
                                    "number(s) of the outcome(s) it serves"))
        named(list(question.lo), question.line, f"question {question.id}")
    for marker in lo_markers(page):
        values = [int(v) for v in marker.values if v.isdecimal()]
        if not marker.values or len(values) != len(marker.values):
            problems.append(Problem(page.rel, marker.line, f"{marker.section}: write the outcome "
                                    "numbers as <!-- guide:lo 2 4 -->"))
        named(values, marker.line, f"{marker.section} step")
    low, high = LIMITS["core_questions"]
    core = [q for q in items if q.core]
    found = section(page, "Seminar questions")
    if items and found and not low <= len(core) <= high:
        problems.append(Problem(page.rel, found.line, f"Seminar questions: mark {low} core "
                                f"questions with 'core' after the id (has {len(core)})"))
    for goal in goals:
        if not served.get(goal.number):
            problems.append(Problem(page.rel, goal.line, f"learning outcome {goal.number} is "
                                    "served by nothing: name it in a seminar question "
                                    f"(lo={goal.number}) or an activity step "
                                    f"(<!-- guide:lo {goal.number} -->), or cut it"))
    return problems


def handout_summary_problems(page: Page) -> list[Problem]:
    """handout_summary names Summary paragraphs by their bold lead-in; each must exist."""
    wanted = page.meta.get("handout_summary")
    if wanted is None:
        return []
    if not _strings(wanted):
        return [Problem(page.rel, page.line_of("handout_summary"), "front matter: handout_summary "
                        "must list the bold lead-ins of Summary paragraphs, such as "
                        "[\"The Listener study\"]")]
    parts = summary_parts(page)
    problems = []
    for index, lead in enumerate(wanted):
        if lead not in parts:
            close = difflib.get_close_matches(lead, list(parts), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else \
                "lead-ins: " + ", ".join(repr(p) for p in parts)
            problems.append(Problem(page.rel, page.line_of("handout_summary", index),
                                    f"front matter: handout_summary: no Summary paragraph begins "
                                    f"'**{lead}.**'; {hint}"))
    return problems


def _further_reading(page: Page, found: Section) -> list[Problem]:
    from .markers import marker_names

    if "further-reading" in marker_names(found.text):
        return []
    return [Problem(page.rel, found.line, "Further reading: keep only the generated-list marker "
                    "'<!-- guide:further-reading -->'; the list comes from front matter")]


def _references(page: Page, found: Section) -> list[Problem]:
    if "\\bibliography" in found.text:
        return []
    return [Problem(page.rel, found.line, "References: the section must contain \\bibliography")]


SECTION_CHECKS: dict[str, Callable[[Page, Section], list[Problem]]] = {
    "At a glance": _outcomes,
    "Summary": _summary,
    "Key concepts": _key_concepts,
    "With the book open": _book_open,
    "Seminar questions": _questions,
    "Check your understanding": _self_checks,
    "Seminar activity": _activity,
    "Further reading": _further_reading,
    "References": _references,
}


def section_problems(page: Page, elsewhere: list[Served] | tuple = ()) -> list[Problem]:
    problems: list[Problem] = []
    found = sections(page)
    titles = [s.title for s in found]
    for name in SECTIONS:
        if name not in titles:
            problems.append(Problem(page.rel, page.body_line, f"missing section '## {name}'; add it "
                                    f"(the sections, in order: {', '.join(SECTIONS)})"))
    present = [t for t in titles if t in SECTIONS]
    if present != [s for s in SECTIONS if s in present]:
        problems.append(Problem(page.rel, page.body_line, "sections out of order; the order is: "
                                + ", ".join(SECTIONS)))
    notes = page.meta.get("content_notes") or []
    if notes and not re.search(r'^!!!\s+warning\s+"Content note"', page.body.split("\n## ")[0],
                               re.M):
        problems.append(Problem(page.rel, page.line_of("content_notes"), "content_notes is set "
                                "but the page has no '!!! warning \"Content note\"' under its title; add "
                                "one, or take content_notes out"))
    for item in found:
        check = SECTION_CHECKS.get(item.title)
        if check:
            problems += check(page, item)
    return problems + alignment_problems(page, elsewhere) + handout_summary_problems(page)


def validate(page: Page, record: Chapter | None, glossary: set[str], bib_keys,
             elsewhere: list[Served] | tuple = ()) -> list[Problem]:
    """Every way the page departs from the model; `elsewhere` are the items kept outside the
    page (self-checks as data) that also serve its outcomes."""
    return front_matter_problems(page, record, glossary, bib_keys) + section_problems(page, elsewhere)
