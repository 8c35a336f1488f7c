"""The chapter page model: its front matter, its sections in order, and what each must hold.

A chapter page (the page that docs/book/contents.yml names for a chapter) follows the model in
the README ("The chapter page model"). `validate()` returns every way a page departs from it,
each located at the line of the item concerned: front matter first (`front_matter_problems`),
then one checker per section (`SECTION_CHECKS`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from .mdlines import code_mask
from .problems import Problem
from .sources import Chapter, Page

SECTIONS = [
    "At a glance",
    "Summary",
    "Key concepts",
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
    "outcomes": (4, 6),
    "summary_words": (600, 1000),
    "questions": (8, 12),
    "self_checks": (5, 8),
    "activity_minutes": (45, 60),
    "further_reading": (5, 10),
}
# Front matter every page may carry (MkDocs and Material read the last four).
PAGE_KEYS = {"title", "description", "search", "hide", "template", "status", "subtitle", "icon"}
CHAPTER_KEYS = {"chapter", "part", "content_notes", "key_concepts", "further_reading"}

QUESTION_RE = re.compile(r"^(?P<indent>\s*)(?P<num>\d+)\.\s+\{#(?P<id>[^}\s]*)\}\s*(?P<text>.*)$")
H2_RE = re.compile(r"^##\s+(?P<title>.+?)\s*(\{[^}]*\})?\s*$")
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
            result.append(Question(match.group("id"), int(match.group("num")),
                                   match.group("text").strip(), number))
    return result


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


COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def words(text: str) -> int:
    """Words a reader sees: citations and HTML comments (markers) are not counted."""
    return len(CITATION_RE.sub(" ", COMMENT_RE.sub(" ", text)).split())


def plain_text(markdown: str) -> str:
    """Markdown inline text as plain text (comments, citations, links and emphasis removed)."""
    text = re.sub(r"\s*" + CITATION_RE.pattern, "", COMMENT_RE.sub("", markdown))
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


def page_problems(page: Page) -> list[Problem]:
    """What every page needs: a title and a one-sentence description, and no unknown keys."""
    problems = []
    for name in ("title", "description"):
        value = page.meta.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(page.rel, page.line_of(name) if name in page.meta else 1,
                                    f"front matter: '{name}' is required (one line of text)"))
    description = page.meta.get("description")
    if isinstance(description, str) and len(description) > DESCRIPTION_MAX:
        problems.append(Problem(page.rel, page.line_of("description"), f"front matter: "
                                f"description too long ({len(description)} characters; at most "
                                f"{DESCRIPTION_MAX}); shorten it"))
    allowed = PAGE_KEYS | (CHAPTER_KEYS if page.is_chapter else set())
    return problems + unknown_keys(page, allowed, set() if page.is_chapter else CHAPTER_KEYS)


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
    reading = meta.get("further_reading") or []
    low, high = LIMITS["further_reading"]
    if not isinstance(reading, list) or not low <= len(reading) <= high:
        at(page.line_of("further_reading"), f"further_reading needs {low}-{high} works "
           f"(has {len(reading) if isinstance(reading, list) else 0})")
        reading = reading if isinstance(reading, list) else []
    for index, item in enumerate(reading):
        if not isinstance(item, dict) or not _strings([item.get("key"), item.get("why")]) \
                or not item["key"] or not item["why"].strip():
            at(page.line_of("further_reading", index), "each further_reading item needs "
               "'key' (a bibliography key) and 'why' (one line)")
        elif item["key"] not in bib_keys:
            at(page.line_of("further_reading", index, "key"), f"unknown bibliography key "
               f"'{item['key']}' in further_reading")
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
                    "(listed in key_concepts)")
            for concept in (concepts if _strings(concepts) else []) if concept not in linked]


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
            problems.append(Problem(page.rel, question.line, f"question {question.id} has no text"))
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
            problems.append(Problem(bank.rel, item.line, f"{item.id}: needs 'answer' and 'why'"))
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
    "Seminar questions": _questions,
    "Check your understanding": _self_checks,
    "Seminar activity": _activity,
    "Further reading": _further_reading,
    "References": _references,
}


def section_problems(page: Page) -> list[Problem]:
    problems: list[Problem] = []
    found = sections(page)
    titles = [s.title for s in found]
    for name in SECTIONS:
        if name not in titles:
            problems.append(Problem(page.rel, page.body_line, f"missing section '## {name}'"))
    present = [t for t in titles if t in SECTIONS]
    if present != [s for s in SECTIONS if s in present]:
        problems.append(Problem(page.rel, page.body_line, "sections out of order; the order is: "
                                + ", ".join(SECTIONS)))
    notes = page.meta.get("content_notes") or []
    if notes and not re.search(r'^!!!\s+warning\s+"Content note"', page.body.split("\n## ")[0],
                               re.M):
        problems.append(Problem(page.rel, page.line_of("content_notes"), "content_notes is set "
                                "but the page has no '!!! warning \"Content note\"' under its title"))
    for item in found:
        check = SECTION_CHECKS.get(item.title)
        if check:
            problems += check(page, item)
    return problems


def validate(page: Page, record: Chapter | None, glossary: set[str], bib_keys) -> list[Problem]:
    return front_matter_problems(page, record, glossary, bib_keys) + section_problems(page)
