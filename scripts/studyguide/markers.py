"""One marker grammar for generated content: `<!-- guide:NAME -->`, handled by one dispatcher.

A marker is an HTML comment, so a page still reads well on GitHub. Each name is registered in
`MARKERS` with the pages it belongs on; an unknown name, a marker on a page where it does not
belong, or a comment that looks like a marker without the `guide:` prefix is a located problem.
`expand()` replaces every marker in one pass through a table of handlers. Annotation markers
(`claim`, `allow-term`) carry information for the checks and render as nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from .mdlines import code_mask, outside_code_spans, without_code, without_code_spans
from .problems import Problem

MARKER_RE = re.compile(r"<!--\s*guide:(?P<name>[A-Za-z0-9_-]*)(?P<args>(?:[^-]|-(?!->))*?)\s*-->")
# An HTML comment whose first word could be a marker name written without the prefix.
BARE_RE = re.compile(r"<!--\s*(?P<name>[a-z][a-z0-9-]+)\s*(?::[^>]*)?-->")
ARG_RE = re.compile(r'(?P<key>[a-z][a-z0-9_-]*)="(?P<value>[^"]*)"')

ANY_PAGE = "*"
CHAPTER_PAGES = "chapter"


@dataclass(frozen=True)
class Spec:
    where: str | frozenset[str]   # ANY_PAGE, CHAPTER_PAGES, or a set of docs-relative sources


MARKERS: dict[str, Spec] = {
    "further-reading": Spec(CHAPTER_PAGES),
    "self-check": Spec(CHAPTER_PAGES),
    "reading-map": Spec(frozenset({"chapters/index.md"})),
    "chapter-cards": Spec(frozenset({"index.md", "chapters/index.md"})),
    "link-targets": Spec(frozenset({"teaching/linking.md"})),
    "bibliography-list": Spec(frozenset({"bibliography.md"})),
    "bibliography-count": Spec(frozenset({"bibliography.md"})),
    "bibliography-options": Spec(frozenset({"bibliography.md"})),
    "bibliography-downloads": Spec(frozenset({"bibliography.md"})),
    "helpline": Spec(ANY_PAGE),
    "cite-guide": Spec(frozenset({"about/index.md"})),
    "ebook-size": Spec(frozenset({"index.md", "about/index.md"})),
    "offline": Spec(frozenset({"index.md", "about/index.md"})),
    "lo": Spec(CHAPTER_PAGES),   # the outcomes an activity step or prompt serves
    "claim": Spec(ANY_PAGE),
    "allow-term": Spec(ANY_PAGE),
}


@dataclass(frozen=True)
class Marker:
    name: str
    args: dict[str, str]
    line: int


def find(markdown: str, first_line: int = 1) -> list[Marker]:
    """Every guide marker outside fenced code, with its file line."""
    found = []
    for number, (line, in_code) in enumerate(zip(markdown.split("\n"), code_mask(markdown)),
                                             first_line):
        if in_code:
            continue
        for match in MARKER_RE.finditer(without_code_spans(line)):  # `<!-- guide:x -->` is text
            args = {m.group("key"): m.group("value") for m in ARG_RE.finditer(match.group("args"))}
            found.append(Marker(match.group("name"), args, number))
    return found


def marker_names(markdown: str) -> set[str]:
    return {m.name for m in find(markdown)}


def _belongs(spec: Spec, src: str, is_chapter: bool) -> bool:
    if spec.where == ANY_PAGE:
        return True
    if spec.where == CHAPTER_PAGES:
        return is_chapter
    return src in spec.where


def problems(markdown: str, rel: str, src: str, is_chapter: bool, first_line: int = 1,
             registry: dict[str, Spec] = MARKERS) -> list[Problem]:
    found: list[Problem] = []
    names = sorted(registry)
    for marker in find(markdown, first_line):
        spec = registry.get(marker.name)
        if spec is None and not marker.name:
            found.append(Problem(rel, marker.line, "marker 'guide:' names no marker; write the "
                                 "name straight after it, as <!-- guide:helpline … -->"))
        elif spec is None:
            close = difflib.get_close_matches(marker.name, names, n=1, cutoff=0.6)
            hint = f"did you mean 'guide:{close[0]}'?" if close else \
                "known markers: " + ", ".join(names)
            found.append(Problem(rel, marker.line, f"unknown marker 'guide:{marker.name}'; {hint}"))
        elif not _belongs(spec, src, is_chapter):
            where = "chapter pages" if spec.where == CHAPTER_PAGES else \
                ", ".join(f"docs/{s}" for s in sorted(spec.where))
            found.append(Problem(rel, marker.line, f"marker 'guide:{marker.name}' belongs only "
                                 f"on {where}; remove it here"))
    found += _look_alikes(markdown, rel, first_line) + _indented_as_code(markdown, rel, first_line)
    for number, (line, in_code) in enumerate(zip(markdown.split("\n"), code_mask(markdown)),
                                             first_line):
        for match in [] if in_code else BARE_RE.finditer(line):
            close = difflib.get_close_matches(match.group("name"), names, n=1, cutoff=0.75)
            if close:
                found.append(Problem(rel, number, f"comment '<!-- {match.group('name')} … -->' "
                                     f"looks like a marker; write <!-- guide:{close[0]} -->"))
    return found


CONTAINER_RE = re.compile(r"^[ \t]*(?:!!!|\?\?\?|[-*+][ \t]|\d+[.)][ \t]|<\w[^>]*\bmarkdown\b)")


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _indented_as_code(markdown: str, rel: str, first_line: int) -> list[Problem]:
    """A marker indented four spaces more than the text it belongs to, after a blank line:
    Markdown reads it as an indented code block, and the page would show the marker's output
    (a self-check's raw markup) as code."""
    lines = markdown.split("\n")
    mask = code_mask(markdown)
    problems = []
    for index, line in enumerate(lines):
        if mask[index] or not MARKER_RE.search(without_code_spans(line)):
            continue
        depth = _indent(line)
        if depth < 4 or (index and lines[index - 1].strip()):
            continue  # at the margin, or the continuation of a paragraph
        above = next((lines[i] for i in range(index - 1, -1, -1)
                      if lines[i].strip() and _indent(lines[i]) < depth), "")
        if not CONTAINER_RE.match(above) and depth - _indent(above) >= 4:
            problems.append(Problem(rel, first_line + index, "this marker is indented like code "
                                    f"({depth} spaces), so Markdown would show it as code; "
                                    "indent it as far as the text it belongs to"))
    return problems


COMMENT_RE = re.compile(r"<!--(?P<body>.*?)-->", re.S)
LOOK_ALIKE_RE = re.compile(r"\s*guide\s*:", re.I)


def _look_alikes(markdown: str, rel: str, first_line: int) -> list[Problem]:
    """A comment that starts like a marker but is not read as one (`<!-- Guide:… -->`, one
    spread over lines, a space before the colon): it would vanish from the page, and what it
    stands for (a helpline's number, say) with it."""
    text = without_code(markdown)
    problems = []
    for match in COMMENT_RE.finditer(text):
        comment = match.group(0)
        if LOOK_ALIKE_RE.match(match.group("body")) and (
                "\n" in comment or not MARKER_RE.fullmatch(comment)):  # markers are read by line
            problems.append(Problem(rel, first_line + text.count("\n", 0, match.start()),
                                    "this comment looks like a guide marker but is not read as "
                                    "one, and would vanish from the page; write it on one line "
                                    "as <!-- guide:name … -->, in lower case"))
    return problems


def expand(markdown: str, handlers: dict[str, Callable[[Marker], str]]) -> str:
    """Replace each marker that has a handler, in one pass; others are left as they are."""
    lines = markdown.split("\n")
    for index, in_code in enumerate(code_mask(markdown)):
        if in_code or "guide:" not in lines[index]:
            continue

        def replace(match: re.Match, number=index + 1) -> str:
            handler = handlers.get(match.group("name"))
            if handler is None:
                return match.group(0)
            args = {m.group("key"): m.group("value") for m in ARG_RE.finditer(match.group("args"))}
            return handler(Marker(match.group("name"), args, number))

        lines[index] = outside_code_spans(lines[index],
                                          lambda text: MARKER_RE.sub(replace, text))
    return "\n".join(lines)
