"""The bibliography page and the reading-list downloads, generated from the same records.

`usage()` finds where each work is used (cited or listed as further reading) across the pages;
`page_markdown()` writes the list that replaces `<!-- bibliography-list -->` on
docs/bibliography.md. Every entry's anchor is `ref-<key>`: a published, permanent address.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from . import citations, exports, templates
from .bibliography import Bibliography, Entry, Withdrawn
from .chapter import valid_further_reading
from .glossary import Glossary
from .sources import Chapter, Page
from .themes import label as theme_label

PAGE = "bibliography.md"  # the bibliography page's source
DOWNLOADS = "downloads"
KIND_LABELS = {"article": "Journal article", "book": "Book", "chapter": "Book chapter",
               "report": "Report", "thesis": "Thesis", "other": "Other"}


@dataclass(frozen=True)
class Use:
    """One place a work is used: a page (and anchor) with a human label and a chapter id."""

    label: str
    src: str            # docs-relative path of the page, e.g. chapters/chapter-1.md
    anchor: str = ""
    chapter: str = ""   # intro, 1..6, concl for chapter pages; "" elsewhere

    @property
    def target(self) -> str:
        return self.src + (f"#{self.anchor}" if self.anchor else "")


def anchor(key: str) -> str:
    return f"ref-{key}"


def usage(pages: dict[str, Page], records: list[Chapter], gloss: Glossary) -> dict[str, list[Use]]:
    """Bibliography key -> the places that cite it or list it as further reading, in book order."""
    by_page = {record.page: record for record in records}
    found: dict[str, list[Use]] = {}

    def add(key: str, use: Use) -> None:
        uses = found.setdefault(key, [])
        if use not in uses:
            uses.append(use)

    ordered = sorted(pages.items(), key=lambda item: (
        by_page[item[0]].order if item[0] in by_page else 99, item[0]))
    for src, page in ordered:
        if src == PAGE:
            continue
        record = by_page.get(src)
        if record:
            use = Use(record.label, src, chapter=record.slug)
            for item in valid_further_reading(page):
                add(item["key"], use)
        for cite in citations.find(page.body):  # code blocks and spans excluded
            if record:
                add(cite.key, use)
                continue
            term = gloss.term_at(page.body_line + cite.line - 1) if src == "glossary.md" else None
            if term:
                add(cite.key, Use(f"Glossary: {gloss.terms[term]}", src, term))
            else:
                add(cite.key, Use(page.title, src))
    return found


def _link(use: Use) -> str:
    return f"[{use.label}]({use.target})"


def entry_markdown(entry: Entry, reference_html: str, uses: list[Use]) -> str:
    chapters = list(dict.fromkeys(u.chapter for u in uses if u.chapter))  # uses are in book order
    attrs = {
        "id": anchor(entry.key),
        "class": "bib-entry",
        "data-kind": entry.kind,
        "data-year": entry.year,
        "data-themes": " ".join(entry.keywords),
        "data-chapters": " ".join(chapters),
        "data-bibtex": exports.to_bibtex([entry]).strip(),
    }
    opening = "<li " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) \
        + ' markdown="1">'
    themes = ", ".join(theme_label(t) for t in entry.keywords)
    meta = [f"*{KIND_LABELS[entry.kind]}*"]
    if themes:
        meta.append(f"Themes: {themes}")
    if uses:
        meta.append("Used in: " + ", ".join(_link(u) for u in uses))
    return "\n".join([
        opening,
        f'<div class="bib-ref" markdown="0">{reference_html} {exports.coins_span(entry)}</div>',
        "",
        '<p class="bib-meta" markdown="1">' + " · ".join(meta) + "</p>",
        "</li>",
    ])


def page_markdown(bib: Bibliography, references: dict[str, str],
                  uses: dict[str, list[Use]]) -> str:
    """The whole list, in APA order (the order pandoc's citeproc gives)."""
    keys = [k for k in references if k in bib.entries]
    keys += sorted(k for k in bib.entries if k not in references)
    items = [entry_markdown(bib.entries[k], references.get(k, html.escape(k)), uses.get(k, []))
             for k in keys]
    return ('<ol class="bib-list" id="bib-list" markdown="1">\n' + "\n\n".join(items)
            + "\n</ol>" + withdrawn_markdown(bib.withdrawn))


# --- Withdrawn works ------------------------------------------------------------------------------
# After the list, never in it: not an entry (no bib-entry class, no COinS, no BibTeX), so the
# filter, the count, the downloads and the search entries (search.py, one per formatted
# reference) leave them out. The list is a <ul>: search.py cuts the page's text at its only <ol>.

WITHDRAWN_HEADING = "Withdrawn references"
WITHDRAWN_INTRO = (
    "The guide once cited the works below as references. Each was withdrawn because a detail "
    "that its APA reference needs could not be confirmed against the publisher, and the guide "
    "prints no incomplete or guessed reference. A page that still mentions one names it in the "
    "text, with a link to a page that shows the work, or cites it through a work that discusses "
    "it. Their addresses stay, so that existing links still lead here.")


def withdrawn_item(work: Withdrawn) -> str:
    return (f'<li id="{html.escape(anchor(work.key), quote=True)}" class="bib-withdrawn__item">'
            f"<strong>{html.escape(work.cited_as)}</strong>, "
            f"<cite>{html.escape(work.title)}</cite>. "
            "Withdrawn: no publisher's page, DOI record or library record showed its "
            f"{html.escape(work.unconfirmed)}. The guide no longer lists it as a reference.</li>")


def withdrawn_markdown(withdrawn: list[Withdrawn]) -> str:
    """The notice section for withdrawn works, in key order; nothing if there are none."""
    if not withdrawn:
        return ""
    items = "\n".join(withdrawn_item(w) for w in sorted(withdrawn, key=lambda w: w.key))
    return (f"\n\n## {WITHDRAWN_HEADING} {{#withdrawn-references}}\n\n{WITHDRAWN_INTRO}\n\n"
            f'<ul class="bib-withdrawn" id="bib-withdrawn">\n{items}\n</ul>')


# --- Reading lists as files ---------------------------------------------------------------------

def reading_lists(bib: Bibliography, uses: dict[str, list[Use]],
                  records: list[Chapter]) -> dict[str, list[Entry]]:
    """File stem -> entries: the whole bibliography and one list per chapter page."""
    lists = {"bibliography": list(bib.entries.values())}
    for record in records:
        chosen = [bib.entries[k] for k, places in uses.items()
                  if k in bib.entries and any(u.chapter == record.slug for u in places)]
        if chosen:
            lists[record.stem] = sorted(chosen, key=lambda e: e.key)
    return lists


def filter_options(bib: Bibliography, records: list[Chapter]) -> str:
    """JSON for the page's filters: chapters, themes and kinds that occur, and the year range."""
    chapters = [{"value": c.slug, "label": c.label} for c in records]
    used = {t for e in bib.entries.values() for t in e.keywords}
    themes = sorted(({"value": t, "label": theme_label(t)} for t in used),
                    key=lambda item: item["label"])
    kinds = [k for k in KIND_LABELS if any(e.kind == k for e in bib.entries.values())]
    years = sorted(int(e.year) for e in bib.entries.values() if re.fullmatch(r"\d{4}", e.year))
    return json.dumps({
        "chapters": chapters,
        "themes": themes,
        "kinds": [{"value": k, "label": KIND_LABELS[k]} for k in kinds],
        "years": [years[0], years[-1]] if years else [],
    })


def chapter_downloads(bib: Bibliography, uses: dict[str, list[Use]], records: list[Chapter],
                      src: str = PAGE) -> str:
    """One hidden paragraph per chapter with a reading list: its RIS and BibTeX files. The
    page's script shows the one for the chapter selected in the filter."""
    lists = reading_lists(bib, uses, records)
    up = "../" * page_url(src).count("/")
    rows = [{"slug": r.slug, "label": r.label, "count": len(lists[r.stem]),
             "ris": f"{up}{DOWNLOADS}/{r.stem}.ris", "bib": f"{up}{DOWNLOADS}/{r.stem}.bib"}
            for r in records if r.stem in lists]
    return templates.render("bib-chapter-downloads.html.j2", rows=rows)


def options_script(bib: Bibliography, records: list[Chapter]) -> str:
    data = filter_options(bib, records).replace("</", "<\\/")
    return f'<script type="application/json" id="bib-options">{data}</script>'


def to_root(src: str) -> str:
    """The relative path from a docs page's folder back to docs/ ("" or "../", "../../" …)."""
    return "../" * src.count("/")


def page_url(src: str) -> str:
    """The site-relative URL of a page with directory URLs: chapters/chapter-1.md -> chapters/chapter-1/."""
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_src: str, to_src: str) -> str:
    import posixpath

    start = page_url(from_src) or "."
    target = page_url(to_src) or "./"
    return posixpath.relpath(target, start) + "/"
