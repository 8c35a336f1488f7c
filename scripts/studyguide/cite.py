"""How to cite the book and each chapter page of the guide, in APA 7 and Harvard.

The book's record comes from bibliography.bib; each page's record is made from the book's
contents and the page's address. Both are formatted by the same pandoc + CSL path as the
bibliography (two pandoc runs for the whole site), and exported with exports.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from . import bibpage, exports, render
from .bibliography import Entry
from .sources import Chapter

STYLES = {"APA 7": "apa", "Harvard": "harvard-cite-them-right"}
BOOK_KEY = "perrin2025peer"


def page_key(record: Chapter) -> str:
    return "guide" + record.stem.replace("-", "")


def page_entry(record: Chapter, url: str, site_name: str) -> Entry:
    """A web page with no named author or date (APA: title first, then n.d.)."""
    title = record.heading
    return Entry(key=page_key(record), type="misc", line=0,
                 fields={"title": title, "howpublished": site_name, "url": url},
                 raw={"title": "{" + title + "}", "howpublished": site_name, "url": url})


def formatted(entries: list[Entry]) -> dict[str, dict[str, str]]:
    """key -> style label -> HTML reference."""
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "cite.bib"
        bib.write_text(exports.to_bibtex(entries), encoding="utf-8")
        by_style = {label: render.format_references(bib, style) for label, style in STYLES.items()}
    # APA 7 needs no retrieval date for a page that is not meant to change; the 2020 CSL style
    # still writes "Retrieved" before the address when there is no date.
    return {e.key: {label: refs.get(e.key, "").replace("Retrieved <a ", "<a ")
                    for label, refs in by_style.items()}
            for e in entries}


def section_markdown(record: Chapter, texts: dict[str, dict[str, str]], src: str) -> str:
    """The "Cite this page" section of a chapter page."""
    up = bibpage.to_root(src)
    stem = f"cite-{record.stem}"

    def block(heading: str, key: str) -> list[str]:
        rows = [f"**{heading}**", ""]
        for label, text in texts[key].items():
            # Top-level raw HTML is not parsed as Markdown; a markdown="0" attribute would be
            # left in the page (invalid HTML).
            rows += [f'<div class="cite-box"><p><span class="cite-style">{label}:</span> '
                     f'<span class="cite-text">{text}</span></p></div>', ""]
        return rows

    lines = ["## Cite this page", ""]
    lines += block("The book", BOOK_KEY)
    lines += block("This page of the study guide", page_key(record))
    lines += [f"Download both references: [BibTeX]({up}downloads/{stem}.bib) · "
              f"[RIS]({up}downloads/{stem}.ris). The guide is independent of the book's author "
              f"and publisher; cite the book for its arguments and the guide only for its own "
              "material.", ""]
    return "\n".join(lines)


def insert_section(markdown: str, section: str) -> str:
    """Put the section just before "## References" (or at the end)."""
    marker = "\n## References"
    if marker in markdown:
        head, tail = markdown.split(marker, 1)
        return f"{head.rstrip()}\n\n{section}\n{marker}{tail}"
    return markdown.rstrip() + "\n\n" + section


def page_url(site_url: str, record: Chapter) -> str:
    return site_url.rstrip("/") + "/" + bibpage.page_url(record.page)
