"""What a live-reload rebuild (`make serve`, MkDocs' `--dirty` mode) has to redo.

MkDocs' dirty mode rebuilds only the pages whose source file is newer than the page it built
last time. In this guide a page also shows what other sources say: a chapter edit changes the
home page's reading times, the linking page's addresses and the bibliography's "cited on"
lists, and an edit to the glossary, the bibliography or the quiz data changes the chapters.
`stale` decides, from the text each page will be converted from, which built pages are out of
date: those whose text changed since the last build in this process, or every page when
something all pages share (the configuration, the theme overrides, the navigation's titles)
changed. The hook removes those built pages, so that MkDocs builds them again. No MkDocs here.
"""

from __future__ import annotations

from pathlib import Path

from . import reading
from .buildcache import digest
from .sources import FRONT_MATTER_RE


class Keys:
    """The keys of the last build in this process (one per `mkdocs serve`)."""

    def __init__(self) -> None:
        self.shared: str | None = None
        self.pages: dict[str, str] = {}
        self.outputs: set[str] = set()      # every page's built file, site-relative
        self.search_docs: list[dict] | None = None  # the whole search index, as the theme wrote it


LAST = Keys()


def shared_key(root: Path, titles: list[tuple[str, str]]) -> str:
    """What every built page depends on: mkdocs.yml, the theme overrides, and the title and
    description of every page (the navigation, previous/next links and link previews)."""
    root = Path(root)
    parts: list[str | bytes] = [(root / "mkdocs.yml").read_bytes()]
    overrides = root / "overrides"
    for path in sorted(overrides.rglob("*")) if overrides.is_dir() else []:
        if path.is_file():
            parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    for src, title in titles:
        parts += [src, title]
    return digest(*parts)


def stale(shared: str, pages: dict[str, str], last: Keys = LAST) -> set[str]:
    """The pages (docs-relative sources) whose built output may be out of date, given each
    page's key (its source text and the text it is converted from) and the shared key; the
    keys are remembered for the next call."""
    if shared != last.shared:
        out = set(pages)
    else:
        out = {src for src, key in pages.items() if last.pages.get(src) != key}
    last.shared, last.pages = shared, dict(pages)
    return out


def stale_pages(guide, sources: dict[str, str], convert=None, last: Keys = LAST) -> set[str]:
    """The pages of a loaded `site.Guide` to build again, given every page's source text
    (docs-relative path -> text, as MkDocs read it; generated pages, such as the handouts and
    the print page, included: their text may stay the same while what it is converted into
    changes, as when a glossary definition or a cited work's title is edited). `convert(src,
    markdown)` makes what a page is converted from (default: the transforms and citations)."""
    if convert is None:
        convert = lambda src, markdown: guide.citeproc.render(  # noqa: E731
            src, guide.render_page(src, markdown, web=True))
    titles = [(src, f"{page.meta.get('title', '')}\0{page.meta.get('description', '')}")
              for src, page in sorted(guide.pages.items())]
    titles += sorted(reading.nav_titles(guide.chapter_records).items())
    keys = {src: digest(text, convert(src, markdown(text))) for src, text in sources.items()}
    return stale(shared_key(guide.root, titles), keys, last)


def markdown(text: str) -> str:
    """A page's Markdown as MkDocs hands it to the hooks: the text without its front matter
    and the blank lines after it (mkdocs/utils/meta.py)."""
    match = FRONT_MATTER_RE.match(text)
    return text[match.end():].lstrip("\n") if match else text


def removed_outputs(outputs: set[str], last: Keys = LAST) -> set[str]:
    """The built files of pages that existed in the last build of this process and are gone
    now (a deleted or renamed page), given every page's built file; remembered for the next."""
    gone = last.outputs - outputs if last.outputs else set()
    last.outputs = set(outputs)
    return gone


def page_of(location: str) -> str:
    """The page of a search document's location ("chapters/chapter-3/#summary"), as the
    theme writes a page's address (the home page's is "", where MkDocs' file says "./")."""
    page = location.split("#", 1)[0]
    return "" if page in (".", "./") else page


def search_docs(written: list[dict], rebuilt: list[dict], rebuilt_pages: set[str],
                pages: set[str], last: Keys = LAST) -> list[dict]:
    """The whole search index after a dirty rebuild. The theme's own merge assumes that one
    page was rebuilt, and keeps or drops earlier documents by the first one's address (all of
    them after an edit to the home page). Here: every earlier document of a page that was not
    rebuilt and still exists, then this build's documents (`rebuilt`, of `rebuilt_pages`).
    Without an earlier index (the first build) the theme's is whole, and is kept."""
    if last.search_docs is None:
        docs = written
    else:
        docs = [d for d in last.search_docs
                if page_of(d["location"]) not in rebuilt_pages and page_of(d["location"]) in pages]
        docs += rebuilt
    last.search_docs = list(docs)
    return docs
