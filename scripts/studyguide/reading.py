"""Ways through the long pages: chapters named with their number (heading, title, navigation),
the "On this page" row under each chapter heading, the compact content note, and the permalinks
that stay out of the keyboard's Tab order.

Plain functions over Markdown, HTML text and the `Chapter` records; scripts/hooks.py applies them.
Golden input -> expected-output fixtures live in tests/fixtures/reading/.
"""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify
from markupsafe import Markup

from . import templates
from .chapter import sections
from .mdlines import code_mask
from .sources import Chapter, Page

# The row under each chapter heading: (link text, the section it leads to), in page order.
ON_THIS_PAGE = [
    ("At a glance", "At a glance"),
    ("Seminar questions", "Seminar questions"),
    ("Self-check", "Check your understanding"),
    ("Activity", "Seminar activity"),
    ("Reading", "Further reading"),
    ("References", "References"),
]

H1_RE = re.compile(r"^#[ \t]+(?P<text>.+?)(?:[ \t]+\{(?P<attrs>[^}]*)\})?[ \t]*$")
CONTENT_NOTE_RE = re.compile(r'^!!! warning "Content note"\n(?P<body>(?:[ \t]+.*\n?|\n(?=[ \t]+\S))+)',
                             re.M)
# The sentence where a content note turns from what the page discusses to where to find help.
SUPPORT_START_RE = re.compile(r"(?<=[.!?])\s+(?=If\s)")


def heading_id(text: str) -> str:
    """The id the toc extension gives a heading with this text (the theme's default slugify)."""
    return slugify(text, "-")


# --- Chapters named with their number --------------------------------------------------------------

def numbered_heading(markdown: str, record: Chapter) -> str:
    """The page's first level-1 heading reads "Chapter 3: <exact title>"; its id stays the one
    the publisher's title gave it, so links to the heading keep working."""
    lines = markdown.split("\n")
    for index, in_code in enumerate(code_mask(markdown)):
        match = None if in_code else H1_RE.match(lines[index])
        if match:
            attrs = match.group("attrs") or f"#{heading_id(match.group('text'))}"
            lines[index] = f"# {record.heading} {{{attrs}}}"
            break
    return "\n".join(lines)


def nav_titles(records: list[Chapter]) -> dict[str, str]:
    """docs-relative source -> the title the navigation, the tab and search show."""
    return {record.page: record.heading for record in records}


def section_title(srcs: list[str], records: list[Chapter]) -> str | None:
    """"Part 2 (Chapters 3–4)" for a navigation section holding exactly the chapters of one
    part; None for any other section (its title stays as written in mkdocs.yml)."""
    by_page = {record.page: record for record in records}
    chapters = [by_page[src] for src in srcs if src in by_page]
    parts = {record.part for record in chapters}
    if not chapters or len(chapters) != len(srcs) or len(parts) != 1 or None in parts:
        return None
    numbers = [record.label.removeprefix("Chapter ") for record in chapters]
    if len(numbers) == 1:
        return f"Part {chapters[0].part} (Chapter {numbers[0]})"
    return f"Part {chapters[0].part} (Chapters {numbers[0]}\u2013{numbers[-1]})"


# --- On this page --------------------------------------------------------------------------------

def on_this_page(page: Page) -> str:
    """The "On this page" row: a labelled nav of links to the page's main sections (those the
    page has), as HTML that needs no script."""
    present = {s.title for s in sections(page)}
    links = [(text, heading_id(title)) for text, title in ON_THIS_PAGE if title in present]
    return templates.render("on-this-page.html.j2", links=links) if links else ""


def add_on_this_page(markdown: str, row: str) -> str:
    """The row goes straight under the first level-1 heading."""
    if not row:
        return markdown
    lines = markdown.split("\n")
    for index, in_code in enumerate(code_mask(markdown)):
        if not in_code and H1_RE.match(lines[index]):
            lines[index + 1:index + 1] = ["", row]
            break
    return "\n".join(lines)


# --- The compact content note -----------------------------------------------------------------------

def compact_content_note(markdown: str) -> str:
    """The content note shows what the page discusses; where to find support (from the first
    sentence beginning "If") folds into a disclosure inside it. A note without such a sentence
    is left as written."""
    def compact(match: re.Match) -> str:
        text = " ".join(line.strip() for line in match.group("body").split("\n") if line.strip())
        parts = SUPPORT_START_RE.split(text, maxsplit=1)
        if len(parts) < 2:
            return match.group(0)
        return templates.render("content-note.md.j2", essentials=Markup(parts[0]),
                                support=Markup(parts[1])) + "\n"
    return CONTENT_NOTE_RE.sub(compact, markdown, count=1)


# --- Keyboard ---------------------------------------------------------------------------------------
