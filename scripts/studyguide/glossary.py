"""The glossary, parsed once: terms with their ids and lines, first-sentence definitions, and
the chapters that use each term. Generated markup (the "Used in" lines, definition tooltips)
comes from here too."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import templates
from .chapter import narrative_citations, plain_text
from .mdlines import code_mask, outside_code_spans
from .problems import Problem
from .sources import Chapter, Page

FILE = "glossary.md"
TERM_RE = re.compile(r"^###\s+(?P<term>.+?)\s+\{\s*#(?P<id>[a-z0-9-]+)\s*\}\s*$")
_LINK_RE = re.compile(r"\]\((?P<path>(?:\.\./)*glossary\.md)#(?P<id>[a-z0-9-]+)\)")


@dataclass
class Glossary:
    terms: dict[str, str] = field(default_factory=dict)        # id -> term
    lines: dict[str, int] = field(default_factory=dict)        # id -> file line of its heading
    definitions: dict[str, str] = field(default_factory=dict)  # id -> first sentence, plain text
    problems: list[Problem] = field(default_factory=list)

    def term_at(self, line: int) -> str | None:
        """The id of the term whose entry holds a file line (None before the first term)."""
        best = None
        for term_id, start in self.lines.items():
            if start <= line and (best is None or start > self.lines[best]):
                best = term_id
        return best


def parse(page: Page | None) -> Glossary:
    glossary = Glossary()
    if page is None:
        return glossary
    current: str | None = None
    letter: str | None = None  # the `## X` heading the terms that follow are filed under
    filing: list[tuple[int, str, str | None]] = []  # (line, term, letter heading above it)
    lines = page.body.split("\n")
    for offset, (line, in_code) in enumerate(zip(lines, code_mask(page.body))):
        number = page.body_line + offset
        if in_code:
            continue
        if re.match(r"#{2,3}[^#\s]", line):  # a heading to Markdown, to this reader nothing
            glossary.problems.append(Problem(page.rel, number, "put a space after the '#'s, as "
                                             "in '### Helper therapy principle {#helper-therapy-"
                                             "principle}': without it the heading is neither a "
                                             "term nor a letter"))
        if line.startswith("## "):
            letter = line[3:].strip()
        if line.startswith("### "):
            match = TERM_RE.match(line)
            if not match:
                glossary.problems.append(Problem(page.rel, number, "glossary term heading needs a "
                                                 "lower-case id, like '### Helper therapy principle "
                                                 "{#helper-therapy-principle}'"))
                current = None
            elif match.group("id") in glossary.terms:
                glossary.problems.append(Problem(page.rel, number, f"duplicate glossary id "
                                                 f"'{match.group('id')}' (also at line "
                                                 f"{glossary.lines[match.group('id')]}); give "
                                                 "one of the terms another id"))
                current = None
            else:
                current = match.group("id")
                name = " ".join(match.group("term").split()).casefold()
                twin = next((i for i, term in glossary.terms.items()
                             if " ".join(term.split()).casefold() == name), None)
                if twin is not None:
                    glossary.problems.append(Problem(page.rel, number, f"glossary term "
                                                     f"'{match.group('term')}' is defined twice "
                                                     f"(also at line {glossary.lines[twin]}, "
                                                     f"#{twin}); merge the two entries"))
                filing.append((number, match.group("term"), letter))
                glossary.terms[current] = match.group("term")
                glossary.lines[current] = number
        elif current and current not in glossary.definitions and line.strip() \
                and not line.startswith(("#", "!!!", "???", "    ", "<")):
            first = re.split(r"(?<=[.!?])\s+(?=[A-Z@])", line)[0]  # the tooltip's sentence
            for cite in narrative_citations(first):
                glossary.problems.append(Problem(page.rel, number, f"glossary: write {cite} as "
                                                 f"[{cite}] in a term's first sentence; it is "
                                                 "also shown as a plain-text tooltip, where a "
                                                 "narrative citation would lose its authors"))
            glossary.definitions[current] = plain_text(first).replace('"', "\u201d")
    if any(heading for _, _, heading in filing) or letter:  # filed A to Z: the bar links there
        for number, term, heading in filing:
            filed = initial(term)
            if heading != filed:
                where = f"under '## {heading}'" if heading else "before any letter heading"
                glossary.problems.append(Problem(page.rel, number, f"glossary term '{term}' "
                                                 f"starts with {filed} but is {where}; move it "
                                                 f"under '## {filed}', adding that heading if "
                                                 "the page has none (the A-Z bar links to it)"))
    return glossary


# --- A to Z ---------------------------------------------------------------------------------------

def initial(term: str) -> str:
    """The letter a term is filed under: its first letter, past any opening quotation mark."""
    return next((c.upper() for c in term if c.isalpha()), "#")


def letters(glossary: Glossary) -> list[tuple[str, str]]:
    """(letter, anchor) for each letter that starts a term, A to Z. The anchor is the id of the
    page's `## A` heading (the build's link check fails if a letter has none)."""
    found = sorted({initial(term) for term in glossary.terms.values()})
    return [(letter, letter.lower()) for letter in found]


def az_bar(glossary: Glossary) -> str:
    """The A-Z jump bar: plain links to the letter headings (glossary.js adds a filter box)."""
    return templates.render("glossary-az.html.j2", letters=letters(glossary))


def add_az_bar(markdown: str, bar: str) -> str:
    """The bar goes before the first letter heading (the first level-2 heading)."""
    lines = markdown.split("\n")
    for index, in_code in enumerate(code_mask(markdown)):
        if not in_code and lines[index].startswith("## "):
            lines[index:index] = [bar, ""]
            break
    return "\n".join(lines)


def usage(chapters: list[tuple[Chapter, Page]]) -> dict[str, list[tuple[str, str]]]:
    """Glossary id -> [(chapter label, page path)] in book order, from key_concepts."""
    found: dict[str, list[tuple[str, str]]] = {}
    for record, page in sorted(chapters, key=lambda pair: pair[0].order):
        for concept in page.meta.get("key_concepts") or []:
            found.setdefault(str(concept), []).append((record.label, record.page))
    return found


def add_usage(markdown: str, used: dict[str, list[tuple[str, str]]], prefix: str = "") -> str:
    """After each term's definition, a line linking the chapters that use the term."""
    out: list[str] = []
    current: str | None = None

    def close() -> None:
        if current and used.get(current):
            while out and not out[-1].strip():
                out.pop()
            out.extend(templates.render("glossary-usage.md.j2", places=used[current],
                                        prefix=prefix).split("\n") + [""])

    for line, in_code in zip(markdown.split("\n"), code_mask(markdown)):
        match = None if in_code else TERM_RE.match(line)
        if match or (not in_code and line.startswith("## ")):
            close()
            current = match.group("id") if match else None
        out.append(line)
    close()
    return "\n".join(out)


def add_titles(markdown: str, definitions: dict[str, str]) -> str:
    """Links to glossary terms carry the definition as a title, which the theme shows as a
    tooltip on hover and keyboard focus."""
    def titled(match: re.Match) -> str:
        definition = definitions.get(match.group("id"))
        if not definition:
            return match.group(0)
        return f']({match.group("path")}#{match.group("id")} "{definition}")'

    lines = markdown.split("\n")
    for index, in_code in enumerate(code_mask(markdown)):
        if not in_code:  # inline code keeps its text: only the parts between code spans change
            lines[index] = outside_code_spans(lines[index], lambda t: _LINK_RE.sub(titled, t))
    return "\n".join(lines)


def reading_map(chapters: list[tuple[Chapter, Page]], glossary: Glossary) -> str:
    """A table of every key concept, most widely shared first, with links to the pages using it."""
    where: dict[str, list[tuple[int, str, str]]] = {}
    for record, page in chapters:
        for concept in page.meta.get("key_concepts") or []:
            where.setdefault(concept, []).append((record.order, record.label,
                                                  record.page.rsplit("/", 1)[-1]))
    rows = sorted(where.items(), key=lambda item: (-len(item[1]),
                                                   glossary.terms.get(item[0], item[0])))
    return templates.render("reading-map.md.j2", rows=[
        (glossary.terms.get(concept, concept), concept,
         [(label, name) for _, label, name in sorted(places)]) for concept, places in rows])

