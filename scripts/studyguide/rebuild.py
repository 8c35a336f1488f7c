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


class Keys:
    """The keys of the last build in this process (one per `mkdocs serve`)."""

    def __init__(self) -> None:
        self.shared: str | None = None
        self.pages: dict[str, str] = {}


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


def stale_pages(guide, sources: dict[str, str], last: Keys = LAST) -> set[str]:
    """The pages of a loaded `site.Guide` to build again, given every page's source text
    (docs-relative path -> text, as MkDocs read it); generated pages are MkDocs' own concern."""
    titles = [(src, f"{page.meta.get('title', '')}\0{page.meta.get('description', '')}")
              for src, page in sorted(guide.pages.items())]
    titles += sorted(reading.nav_titles(guide.chapter_records).items())
    keys = {}
    for src, text in sources.items():
        page = guide.pages.get(src)
        if page is not None:
            converted = guide.citeproc.render(src, guide.render_page(src, page.body, web=True))
            keys[src] = digest(text, converted)
    return stale(shared_key(guide.root, titles), keys, last)
