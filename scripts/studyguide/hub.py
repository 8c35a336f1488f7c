"""The study hub: a card per chapter, grouped by the book's parts (`<!-- guide:chapter-cards -->`).

Each card carries the chapter's label and exact title (docs/book/contents.yml), the page's
one-line description and content notes (its front matter), and figures computed from the page
itself at build time: an estimated reading time (the words of the page's own text at `RATE`
words a minute, rounded up), the number of seminar questions and of self-check items. Its links
go to the page, its seminar handout, its reading list (RIS) and the bibliography filtered to it.
The markup is Material's grid cards (a list, so each card is a list item with a heading).
"""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass

from . import bibpage, chapter, markers, templates
from .sources import Chapter, Page

RATE = 200                     # words a minute: a steady reading pace for study text
HANDOUTS = "handouts"
# The level of the group headings on each page that shows the cards (cards are one below).
LEVELS = {"index.md": 3, "chapters/index.md": 2}
NOTE_NAMES = {"suicide": "suicide", "self-harm": "self-harm", "sexual-offending": "sexual offending"}
_ATTR_RE = re.compile(r"\{[#.:][^}\n]*\}")     # attribute lists: {#ch1-q1}, { .class }


@dataclass(frozen=True)
class Card:
    chapter: Chapter
    description: str
    notes: str              # "suicide and self-harm", or ""
    minutes: int
    words: int
    questions: int
    self_checks: int
    page: str               # links relative to the page the cards are on
    handout: str
    reading_list: str       # the chapter's RIS file, or "" if it has none
    filtered: str           # the bibliography filtered to the chapter (a URL, not a .md link)


@dataclass(frozen=True)
class Group:
    heading: str            # "Part 1: Humanity and …", or the label of a chapter outside the parts
    cards: list[Card]


def page_words(page: Page) -> int:
    """Words of the page's own text: the body without comments, attribute lists and citations."""
    return chapter.words(_ATTR_RE.sub(" ", markers.COMMENT_RE.sub(" ", page.body)))


def reading_minutes(words: int, rate: int = RATE) -> int:
    return max(1, math.ceil(words / rate))


def _relative(from_src: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_src) or ".")


def _notes(page: Page) -> str:
    names = [NOTE_NAMES.get(str(n), str(n)) for n in page.meta.get("content_notes") or []]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def card(record: Chapter, page: Page, src: str, reading_lists: set[str]) -> Card:
    """The card of one chapter, with links relative to the page `src` it is shown on."""
    words = page_words(page)
    return Card(
        chapter=record,
        description=str(page.meta.get("description", "")),
        notes=_notes(page),
        minutes=reading_minutes(words),
        words=words,
        questions=len(chapter.questions(page)),
        self_checks=len(chapter.self_checks(page)),
        page=_relative(src, record.page),
        handout=_relative(src, f"{HANDOUTS}/{record.stem}.md"),
        reading_list=_relative(src, f"{bibpage.DOWNLOADS}/{record.stem}.ris")
        if record.stem in reading_lists else "",
        filtered=bibpage.relative_url(src, "bibliography.md") + f"?chapter={record.slug}",
    )


def groups(contents: dict, pairs: list[tuple[Chapter, Page]], src: str,
           reading_lists: set[str]) -> list[Group]:
    """Cards in book order; consecutive chapters of one part share a group headed by the part,
    a chapter outside the parts (Introduction, Conclusion) is a group of its own."""
    parts = {p.get("part"): p.get("title", "") for p in contents.get("parts") or []
             if isinstance(p, dict)}
    found: list[Group] = []
    previous = object()
    for record, page in pairs:
        item = card(record, page, src, reading_lists)
        if record.part is not None and record.part == previous:
            found[-1].cards.append(item)
            continue
        heading = f"Part {record.part}: {parts.get(record.part, '')}".rstrip(": ") \
            if record.part is not None else record.label
        found.append(Group(heading, [item]))
        previous = record.part
    return found


def cards_markdown(contents: dict, pairs: list[tuple[Chapter, Page]], src: str,
                   reading_lists: set[str], level: int = 2) -> str:
    """The marker's Markdown: a heading (at `level`) per group, then its grid of cards."""
    return templates.render("chapter-cards.md.j2", level=level, rate=RATE,
                            groups=groups(contents, pairs, src, reading_lists))


def page_cards(contents: dict, pairs: list[tuple[Chapter, Page]], src: str,
               reading_lists: set[str]) -> str:
    """The cards as shown on the page `src`, at that page's heading level."""
    return cards_markdown(contents, pairs, src, reading_lists, LEVELS.get(src, 2))
