"""Markdown transforms of the chapter pages and the handouts built from them.

Each takes Markdown (and plain records) and returns Markdown; none reads a file. Golden
input -> expected-output fixtures for each live in tests/fixtures/transforms/.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from . import templates
from .quiz import answer_text
from .chapter import QUESTION_RE, questions, self_check_items, sections, summary_parts
from .mdlines import code_mask
from .sources import Chapter, Page

CONTENT_NOTE_RE = re.compile(r'^!!! warning "Content note"\n(?:[ \t]+.*\n?)+', re.M)


def render_questions(markdown: str, link_base: str = "") -> str:
    """Turn `1. {#ch1-q3} Text` into a list item with an anchor and a visible permalink. On a
    handout, `link_base` is the chapter page's address: the permalinks (and the "Copy link"
    buttons made from them) lead to the question on the chapter page, which lecturers cite."""
    out: list[str] = []
    pending: str | None = None  # id whose permalink goes at the end of the current paragraph
    for line, in_code in zip(markdown.split("\n"), code_mask(markdown)):
        match = None if in_code else QUESTION_RE.match(line)
        if pending and (not line.strip() or match or re.match(r"^\s+(\?\?\?|!!!)", line)):
            out[-1] += templates.render("question-link.html.j2", id=pending, base=link_base)
            pending = None
        if match:
            qid = match.group("id")
            line = (f"{match.group('indent')}{match.group('num')}. "
                    + templates.render("question.html.j2", id=qid) + match.group("text"))
            pending = qid
        out.append(line)
    if pending:
        out[-1] += templates.render("question-link.html.j2", id=pending, base=link_base)
    return "\n".join(out)


def further_reading(items: list[dict], references: dict[str, str], footer: str = "",
                    bibliography: str = "../bibliography.md") -> str:
    """The Further reading list: each work's full reference (HTML), why to read it, and a link
    to its entry in the bibliography; then the footer (the chapter's reading-list files)."""
    return templates.render("further-reading.md.j2", bibliography=bibliography, footer=Markup(footer),
                            items=[{"key": item["key"], "why": item["why"].strip(),
                                    "reference": Markup(references.get(item["key"], item["key"]))}
                                   for item in items])


def reading_list_links(chapter: Chapter, up: str, filtered: str) -> str:
    return templates.render("reading-list.md.j2", up=up, stem=chapter.stem, filtered=filtered)


def add_handout_link(markdown: str, target: str) -> str:
    """Under the Seminar questions heading: a link to the chapter's printable handout."""
    return re.sub(r"^## Seminar questions[^\n]*\n",
                  lambda m: m.group(0) + templates.render("handout-link.md.j2", target=target)
                  + "\n", markdown, count=1, flags=re.M)


def print_answers(page: Page) -> str:
    """The self-check answers as one list for paper (hidden on screen, shown by print.css):
    a printed chapter page shows its questions without their answers, then the answers at the
    end. Made from the same items (docs/quiz/) as the on-screen self-check."""
    items = [{"question": item.question,
              "paragraphs": [Markup(f"**Answer:** {answer_text(item)}"), Markup(f"*Why:* {item.why}")]}
             for item in self_check_items(page)]
    return templates.render("print-answers.md.j2", items=items) if items else ""


def print_address(markdown: str, url: str) -> str:
    """A line for paper under the page's title: the page's address (hidden on screen)."""
    line = templates.render("print-address.html.j2", url=url)
    lines = markdown.split("\n")
    for index, (text, in_code) in enumerate(zip(lines, code_mask(markdown))):
        if not in_code and re.match(r"^# \S", text):
            return "\n".join(lines[: index + 1] + ["", line, ""] + lines[index + 1:])
    return line + "\n\n" + markdown


def core_first(page: Page, link_base: str = "") -> str:
    """The handout's questions: the three core ones first, then the rest, each numbered as its
    id (a one-item list with `start`, since the numbers are no longer consecutive)."""
    items = questions(page)
    def block(question) -> str:
        return (f'<ol start="{question.number}" markdown="1">\n<li markdown="1">\n'
                + templates.render("question.html.j2", id=question.id) + question.text
                + templates.render("question-link.html.j2", id=question.id, base=link_base)
                + "\n</li>\n</ol>")
    core = [q for q in items if q.core]
    rest = [q for q in items if not q.core]
    if not core:
        return "\n\n".join(map(block, rest))
    return "\n\n".join(["### Core questions", *map(block, core), "### More questions",
                        *map(block, rest)])


def handout(page: Page, chapter: Chapter,
            site_name: str = "Peer Support in Prison: A Study Guide") -> str:
    """A one-page seminar handout: the chapter's questions (core first) and activity, then the
    Summary paragraphs (front matter `handout_summary`) and Key concepts the tasks rely on."""
    found = {s.title: s for s in sections(page)}
    parts = []
    if "Seminar questions" in found:
        from .bibpage import relative_url  # the permalinks lead to the chapter page's questions

        base = relative_url(f"handouts/{chapter.stem}.md", chapter.page)
        parts.append(("Seminar questions", Markup(core_first(page, base))))
    if "Seminar activity" in found:
        parts.append(("Seminar activity", Markup(found["Seminar activity"].text.strip("\n"))))
    summary = summary_parts(page)
    leads = page.meta.get("handout_summary")
    wanted = [summary[lead] for lead in leads if isinstance(lead, str) and lead in summary] \
        if isinstance(leads, list) else []
    background = "\n\n".join(
        (["### From the Summary", *wanted] if wanted else [])
        + (["### Key concepts", found["Key concepts"].text.strip("\n")] if "Key concepts" in found
           else []))
    if background:
        parts.append(("Background for the tasks", Markup(background)))
    note = CONTENT_NOTE_RE.search(page.body)
    return templates.render("handout.md.j2", title=f"Seminar handout: {chapter.label}",
                            chapter=chapter, back=chapter.page.rsplit("/", 1)[-1],
                            site_name=site_name,
                            note=Markup(note.group(0).strip()) if note else "",
                            parts=parts) + "\n"
