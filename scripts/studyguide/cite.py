"""How to cite the book and each page of the guide, in APA 7 and Harvard.

The book's record comes from bibliography.bib; a page of the guide is one kind of record
(`web_page_entry`: a web page with no author and no date, the site title as publisher, the
address), used for every chapter page's "Cite this page" box and for the example on the About
page (`<!-- guide:cite-guide -->`). All are formatted by the same pandoc + CSL path as the
bibliography (two pandoc runs for the whole site), and exported with exports.py.

Retrieval dates. APA 7 (Publication Manual, 7th ed., section 9.16) asks for a retrieval date
only when a page is designed to change over time (a dictionary entry, a social-media profile, a
page of live data) and is not archived. The guide's pages are study material, corrected from
time to time but not designed to change, so no APA reference to the guide carries a retrieval
date. Harvard (Cite Them Right) always gives a web page's access date, which is the reader's own:
only the reader's browser knows it, so the Harvard box for a page carries an empty slot
(`with_accessed`) that guide.js fills with today's date, and the downloads leave it to the
reader's reference manager.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from markupsafe import Markup

from . import bibpage, exports, render, templates
from .bibliography import Entry
from .sources import Chapter

STYLES = {"APA 7": "apa", "Harvard": "harvard-cite-them-right"}
BOOK_KEY = "perrin2025peer"
EXAMPLE_SRC = "glossary.md"       # the About page's worked example
EXAMPLE_KEY = "guideglossary"
PATTERN_TITLE = "Title of the page"
PATTERN_URL = "Address of the page"


ACCESSED = ('<span class="cite-accessed" hidden data-search-exclude> (Accessed: '
            '<span data-guide-today></span>)</span>')


def with_accessed(html: str) -> str:
    """A Harvard web-page reference with the slot for its access date after the address."""
    return html[:-1] + ACCESSED + "." if html.endswith(".") else html + ACCESSED


def page_key(record: Chapter) -> str:
    return "guide" + record.stem.replace("-", "")


def web_page_entry(key: str, title: str, url: str, site_name: str) -> Entry:
    """A page of the guide: a web page with no named author or date (APA: title first, then
    n.d.), the site title as it is everywhere (mkdocs.yml `site_name`), and its address."""
    return Entry(key=key, type="misc", line=0,
                 fields={"title": title, "howpublished": site_name, "url": url},
                 raw={"title": "{" + title + "}", "howpublished": site_name, "url": url})


def page_entry(record: Chapter, url: str, site_name: str) -> Entry:
    return web_page_entry(page_key(record), record.heading, url, site_name)


def example_entry(title: str, site_url: str, site_name: str) -> Entry:
    return web_page_entry(EXAMPLE_KEY, title, address(site_url, EXAMPLE_SRC), site_name)


def guide_howto(example: dict[str, str], site_name: str) -> str:
    """The About page's "How to cite this guide": the pattern, then the glossary as example,
    formatted by the same record and styles as every "Cite this page" box."""
    examples = {k: Markup(with_accessed(v) if k == "Harvard" else v) for k, v in example.items()}
    return templates.render("cite-guide.md.j2", site_name=site_name, title=PATTERN_TITLE,
                            url=PATTERN_URL, examples=examples)


def formatted(entries: list[Entry], cache_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """key -> style label -> HTML reference. With `cache_dir`, unchanged entries start no pandoc
    process (the cache is keyed by the written .bib, the style and pandoc)."""
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "cite.bib"
        bib.write_text(exports.to_bibtex(entries), encoding="utf-8")
        with ThreadPoolExecutor(max_workers=len(STYLES)) as pool:  # one pandoc run per style
            runs = {label: pool.submit(render.format_references, bib, style, cache_dir=cache_dir)
                    for label, style in STYLES.items()}
            by_style = {label: run.result() for label, run in runs.items()}
    # No retrieval date (see the module's docstring); the 2020 CSL style still writes
    # "Retrieved" before the address when there is no date.
    return {e.key: {label: refs.get(e.key, "").replace("Retrieved <a ", "<a ")
                    for label, refs in by_style.items()}
            for e in entries}


def section_markdown(record: Chapter, texts: dict[str, dict[str, str]], src: str) -> str:
    """The "Cite this page" section of a chapter page."""
    up = bibpage.to_root(src)
    stem = f"cite-{record.stem}"

    def block(heading: str, key: str, of: str) -> list[str]:
        rows = [f"**{heading}**", ""]
        for label, text in texts[key].items():
            if key != BOOK_KEY and label == "Harvard":
                text = with_accessed(text)
            # Top-level raw HTML is not parsed as Markdown; a markdown="0" attribute would be
            # left in the page (invalid HTML). data-cite-of names the work in the copy
            # button's accessible name (guide.js).
            rows += [f'<div class="cite-box" data-cite-of="{of}"><p>'
                     f'<span class="cite-style">{label}:</span> '
                     f'<span class="cite-text">{text}</span></p></div>', ""]
        return rows

    lines = ["## Cite this page", ""]
    lines += block("The book", BOOK_KEY, "the book")
    lines += block("This page of the study guide", page_key(record), "this page")
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


def address(site_url: str, src: str) -> str:
    return site_url.rstrip("/") + "/" + bibpage.page_url(src)


def page_url(site_url: str, record: Chapter) -> str:
    return address(site_url, record.page)
