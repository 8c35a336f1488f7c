"""The whole guide as plain data, read once: bibliography, contents, nav, every page, glossary.

`load(root)` reads every source through the one reader in `sources` and checks all of it,
collecting located problems instead of stopping at the first. Every other module works on the
`Guide` it returns: the checks, the hooks, the linking page, the exports, the handouts and the CLI.
`Guide.render_page()` applies the page-level transforms to a page's Markdown.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import (bibliography, bibpage, buildcache, chapter, cite, citations, ebook, exports,
               glossary, helplines, hub, links, markers, metadata, offline, quiz, reading, render,
               sources, transforms, truth)
from . import citeproc as citeproc_module
from .problems import Problem
from .sources import Chapter, Page

CARTRIDGE = "peer-support-in-prison.imscc"
_LAST_DOWNLOADS: dict = {}  # Guide.downloads: the last result in this process, and its key
HANDOUTS = "handouts"


class GuideError(Exception):
    """Input that leaves the guide's data unusable; carries every located problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class Guide:
    root: Path
    bib: bibliography.Bibliography
    contents: dict                            # docs/book/contents.yml as read (book, parts)
    chapter_records: list[Chapter]            # the book's chapters, in order
    pages: dict[str, Page]                    # every page under docs/, by docs-relative source
    glossary: glossary.Glossary
    nav_pages: list[str] = field(default_factory=list)  # docs-relative sources, nav order
    references: dict[str, str] = field(default_factory=dict)  # key -> APA HTML
    uses: dict[str, list[bibpage.Use]] = field(default_factory=dict)  # key -> where it is used
    site_url: str = ""
    site_name: str = ""
    citeproc: citeproc_module.Citeproc | None = None  # in-text citations and reference lists
    quiz: dict[str, quiz.Bank] = field(default_factory=dict)  # page src -> its self-check items
    sources_digest: str = ""  # of every file under docs/ and data/, the .bib and mkdocs.yml

    # --- Records ---------------------------------------------------------------------------------

    @property
    def chapters(self) -> dict[str, Page]:
        """src -> chapter page, in book order (the pages the contents name)."""
        return {record.page: self.pages[record.page] for record in self.chapter_records
                if record.page in self.pages}

    def chapter_of(self, src: str) -> Chapter | None:
        return next((c for c in self.chapter_records if c.page == src), None)

    def chapter_pairs(self) -> list[tuple[Chapter, Page]]:
        return [(c, self.pages[c.page]) for c in self.chapter_records if c.page in self.pages]

    @cached_property
    def glossary_usage(self) -> dict[str, list[tuple[str, str]]]:
        return glossary.usage(self.chapter_pairs())

    @property
    def targets(self) -> list[links.Target]:
        return links.targets(self, self.nav_pages)

    # --- Rendering ---------------------------------------------------------------------------

    def marker_texts(self, src_uri: str) -> list[tuple[int, str]]:
        """(file line, text) of each helpline marker on a page: what the page shows in its
        place, so that a problem in the built page is found at the marker."""
        page = self.pages.get(src_uri)
        if page is None:
            return []
        return [(m.line, helplines.render(m.args["name"]))
                for m in markers.find(page.body, page.body_line)
                if m.name == "helpline" and m.args.get("name") in helplines.HELPLINES]

    def render_page(self, src_uri: str, markdown: str, web: bool = False) -> str:
        """The page's Markdown with everything generated filled in. `web`: the page as the site
        shows it, with the ways through a long page (numbered heading, "On this page" row,
        compact content note, glossary A-Z) that the print page and e-book leave out."""
        record = self.chapter_of(src_uri)
        handlers = {
            "link-targets": lambda _: links.linking_page_markdown(self.targets, self.site_url,
                                                                  src_uri),
            "reading-map": lambda _: glossary.reading_map(self.chapter_pairs(), self.glossary),
            "chapter-cards": lambda _: hub.page_cards(self.contents, self.chapter_pairs(), src_uri,
                                                      set(bibpage.reading_lists(
                                                          self.bib, self.uses,
                                                          self.chapter_records))),
            "bibliography-list": lambda _: bibpage.page_markdown(self.bib, self.references,
                                                                 self.uses),
            "bibliography-count": lambda _: f"{len(self.bib.entries)} works",
            "ebook-size": lambda _: ebook.SIZE_SLOT,  # filled in once the e-book is made
            "offline": lambda _: offline.control_html(),  # its size is filled in after the build
            "bibliography-options": lambda _: bibpage.options_script(self.bib,
                                                                     self.chapter_records),
            "bibliography-downloads": lambda _: bibpage.chapter_downloads(
                self.bib, self.uses, self.chapter_records, src_uri),
            "helpline": helplines.render_marker,
            "cite-guide": lambda _: cite.guide_howto(self.citation_texts[cite.EXAMPLE_KEY],
                                                     self.site_name),
        }
        if self.site_url:  # for paper: the page's address under its title (hidden on screen)
            markdown = transforms.print_address(
                markdown, self.site_url.rstrip("/") + "/" + bibpage.page_url(src_uri))
        if record is not None:
            page = self.pages[src_uri]
            if web:  # scripts/studyguide/reading.py
                markdown = reading.add_on_this_page(reading.numbered_heading(markdown, record),
                                                    reading.on_this_page(page))
                markdown = reading.compact_content_note(markdown)
            markdown = transforms.render_questions(markdown)
            up = bibpage.to_root(src_uri)
            footer = transforms.reading_list_links(
                record, up, bibpage.relative_url(src_uri, "bibliography.md")
                + f"?chapter={record.slug}")
            handlers["further-reading"] = lambda _: transforms.further_reading(
                chapter.valid_further_reading(page), self.references, footer)
            handlers["self-check"] = lambda _: quiz.page_markdown(chapter.self_check_items(page))
            markdown = transforms.add_handout_link(markdown, f"../{HANDOUTS}/{record.stem}.md")
            if self.site_url:
                markdown = cite.insert_section(markdown, cite.section_markdown(
                    record, {k: self.citation_texts[k] for k in
                             (cite.BOOK_KEY, cite.page_key(record))}, src_uri))
            markdown = cite.insert_section(markdown, transforms.print_answers(page))
        if src_uri.startswith(f"{HANDOUTS}/"):
            chapter_src = f"chapters/{src_uri.split('/', 1)[1]}"
            markdown = transforms.render_questions(
                markdown, link_base=bibpage.relative_url(src_uri, chapter_src))
        markdown = markers.expand(markdown, handlers)
        if src_uri == glossary.FILE:
            markdown = glossary.add_usage(markdown, self.glossary_usage)
            if web:
                markdown = glossary.add_az_bar(markdown, glossary.az_bar(self.glossary))
        elif src_uri != bibpage.PAGE:  # its glossary links name the pages a work is used on
            markdown = glossary.add_titles(markdown, self.glossary.definitions)
        if citations.find(markdown) and "\\bibliography" not in markdown:
            markdown = markdown.rstrip() + "\n\n## References\n\n\\bibliography\n"
        return markdown

    def body_with_self_check(self, src: str) -> str:
        """A chapter page's body with its self-check marker replaced by the items (the e-book
        reads the body as written)."""
        page = self.pages[src]
        return markers.expand(page.body, {"self-check": lambda _: quiz.page_markdown(
            chapter.self_check_items(page))})

    def question_source(self, src_uri: str) -> tuple[str, dict[str, int]]:
        """The source file of the questions on a chapter page or handout, and each id's line."""
        page = self.pages.get(src_uri)
        if page is None and src_uri.startswith(f"{HANDOUTS}/"):
            page = self.pages.get(f"chapters/{src_uri.split('/', 1)[1]}")
        if page is None:
            return f"docs/{src_uri}", {}
        return page.rel, {q.id: q.line for q in chapter.questions(page)}

    def configure(self, site_url: str, site_name: str) -> None:
        self.site_url, self.site_name = site_url or "", site_name  # MkDocs: None when unset

    def identity(self) -> str:
        """A digest of everything the guide's pages are made from: every source (as read, and
        mkdocs.yml with its environment variables filled in), the site's address and name,
        this code, the CSL styles and pandoc. Equal identities give equal pages."""
        return buildcache.digest(self.sources_digest, self.site_url, self.site_name,
                                 buildcache.code_identity(), render.pandoc_identity())

    def page_citation_entries(self, src_uri: str) -> list:
        record = self.chapter_of(src_uri)
        return [self.bib.entries[cite.BOOK_KEY],
                cite.page_entry(record, cite.page_url(self.site_url, record), self.site_name)]

    def start_formatting(self) -> None:
        """Start pandoc, on threads of its own, on the citations the pages will need: the "Cite
        this page" texts and every citation of the pages and self-checks as written. It runs
        while MkDocs reads and converts the pages; `citation_texts` and the citeproc wait for it
        where they are first used, and a citation it did not see is formatted then."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cite")
        self._citation_future = pool.submit(self._citation_texts)
        pool.shutdown(wait=False)
        self.citeproc.prepare_in_background(
            [page.body for page in self.pages.values()]
            + [text for _, text, _ in quiz.texts(self.quiz)])

    @cached_property
    def citation_texts(self) -> dict[str, dict[str, str]]:
        """APA 7 and Harvard text of the book, of every chapter page and of the About page's
        example (two pandoc runs; started early by `start_formatting`)."""
        future: Future | None = self.__dict__.pop("_citation_future", None)
        return future.result() if future is not None else self._citation_texts()

    def _citation_texts(self) -> dict[str, dict[str, str]]:
        entries = [self.bib.entries[cite.BOOK_KEY]] + [
            self.page_citation_entries(src)[1] for src in self.chapters]
        if cite.EXAMPLE_SRC in self.pages:
            entries.append(cite.example_entry(self.pages[cite.EXAMPLE_SRC].title, self.site_url,
                                              self.site_name))
        return cite.formatted(entries, cache_dir=self.root / ".cache")


    def jsonld(self, src_uri: str, url: str) -> str | None:
        """schema.org JSON-LD for the book page and the chapter pages; None elsewhere."""
        record = self.chapter_of(src_uri)
        if record is not None and src_uri in self.pages:
            return metadata.script(metadata.chapter_page(
                self.pages[src_uri], record, self.contents, url, self.site_name, self.site_url))
        if src_uri == "book/index.md":
            return metadata.script(metadata.book_page(self.contents, url, self.site_name,
                                                      self.site_url))
        return None

    def handouts(self) -> dict[str, str]:
        """docs-relative path -> Markdown of each chapter's seminar handout page."""
        return {f"{HANDOUTS}/{record.stem}.md": transforms.handout(page, record, self.site_name)
                for record, page in self.chapter_pairs()}

    def downloads(self, store: buildcache.Store | None = None) -> dict[str, str | bytes]:
        """Site path -> content of every generated download: reading lists (BibTeX, RIS), the
        list of link targets (CSV, JSON) and the VLE package (IMS Common Cartridge). They are
        made again only when something they are made from changed: the last result is reused
        within this process (a `make serve` rebuild), and `store` keeps it for the next build."""
        key = buildcache.digest(repr((
            (self.root / "bibliography.bib").read_bytes(), self.uses, self.quiz, self.contents,
            self.chapter_records, self.nav_pages and self.targets, self.site_url,
            self.site_name)), buildcache.code_identity())
        if _LAST_DOWNLOADS.get("key") != key:
            if store is None:
                files = self._make_downloads()
            else:
                files = buildcache.decode_files(store.get_or_make(
                    "downloads", key, lambda: buildcache.encode_files(self._make_downloads()),
                    accept=lambda value: buildcache.decode_files(value) is not None))
            _LAST_DOWNLOADS.update(key=key, files=files)
        return dict(_LAST_DOWNLOADS["files"])

    def _make_downloads(self) -> dict[str, str | bytes]:
        lists = bibpage.reading_lists(self.bib, self.uses, self.chapter_records)
        files: dict[str, str | bytes] = {
            f"{bibpage.DOWNLOADS}/{stem}{suffix}": writer(entries)
            for stem, entries in lists.items()
            for suffix, writer in ((".bib", exports.to_bibtex), (".ris", exports.to_ris))}
        for src in self.chapters if self.site_url else []:
            stem = f"cite-{Path(src).stem}"
            entries = self.page_citation_entries(src)
            files[f"{bibpage.DOWNLOADS}/{stem}.bib"] = exports.to_bibtex(entries)
            files[f"{bibpage.DOWNLOADS}/{stem}.ris"] = exports.to_ris(entries)
        files.update(quiz.downloads(self.quiz, self.chapter_records, self.bib))
        if self.nav_pages:
            targets = self.targets
            files[f"{bibpage.DOWNLOADS}/links.csv"] = links.to_csv(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/links.json"] = links.to_json(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/{CARTRIDGE}"] = links.cartridge(
                targets, self.contents, self.chapter_records, self.site_url, self.site_name,
                quiz.cartridge_assessments(self.quiz, self.bib))
        return files


# --- Loading and checking ---------------------------------------------------------------------------

def read(root: Path) -> tuple[Guide | None, list[Problem]]:
    """Read every source once and check it; the guide (None if unusable) and every problem."""
    root = Path(root)
    bib = bibliography.load(root / "bibliography.bib", root=root)
    problems = list(bib.problems)
    contents, records, found = sources.load_contents(root)
    problems += found
    pages, found = sources.read_docs(root)
    problems += found
    config, config_lines, found = sources.load_config(root)
    problems += found
    nav, found = sources.walk_nav(config.get("nav"), config_lines, root / "docs") \
        if config else ([], [])
    problems += found
    problems += sources.page_asset_problems(config, config_lines, root / "docs", pages)
    problems += sources.site_url_problems(config, config_lines)
    problems += sources.extra_problems(config, config_lines, root)
    if contents is None or not bib.readable:  # no .bib to read: every citation would be unknown
        return None, problems

    withdrawn = {w.key: f"{bibliography.WITHDRAWN_FILE}:{w.line}" for w in bib.withdrawn}
    banks, found = quiz.read(root, records, bib.keys, pages, withdrawn)
    problems += found
    for src, bank in banks.items():
        pages[src].quiz = bank    # chapter.self_check_items() reads the page's items here
    gloss = glossary.parse(pages.get(glossary.FILE))
    problems += gloss.problems
    problems += _chapter_claims(pages, records)
    by_page = {record.page: record for record in records}
    for src, page in pages.items():
        problems += chapter.page_problems(page) + chapter.theme_key_problems(page, root)
        problems += markers.problems(page.body, page.rel, src, src in by_page, page.body_line)
        problems += helplines.problems(markers.find(page.body, page.body_line), page.rel)
        problems += [Problem(p.file, p.line + page.body_line - 1, p.message)
                     for p in citations.check(page.body, bib.keys, page.rel, root=root,
                                              withdrawn=withdrawn)]
        record = by_page.get(src)
        if record is not None:
            page.chapter = record
            problems += chapter.validate(page, record, set(gloss.terms), bib.keys)
    problems += _question_ids(pages, records)
    guide = Guide(root, bib, contents, records, pages, gloss, nav, quiz=banks,
                  sources_digest=_sources_digest(root, config))
    return guide, problems


def _sources_digest(root: Path, config: dict) -> str:
    parts: list[str | bytes] = [json.dumps(config, sort_keys=True, default=str)]
    for path in [root / "bibliography.bib", root / sources.CONFIG_FILE,
                 *sorted((root / "docs").rglob("*")), *sorted((root / "data").rglob("*"))]:
        if path.is_file():
            parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return buildcache.digest(*parts)


def _chapter_claims(pages: dict[str, Page], records: list[Chapter]) -> list[Problem]:
    """The page the contents name for each chapter says so, and no other page claims it."""
    problems = []
    by_value = {record.value: record for record in records}
    for record in records:
        page = pages.get(record.page)  # a missing page is reported by the nav check
        if page is not None and str(page.meta.get("chapter")) != record.value:
            problems.append(Problem(page.rel, page.line_of("chapter"), f"front matter: this page "
                                    f"is {record.label}; set chapter: {record.value}"))
    for src, page in pages.items():
        if not page.is_chapter or src in {r.page for r in records}:
            continue
        record = by_value.get(str(page.meta.get("chapter")))
        if record is not None and record.page not in pages:
            problems.append(Problem(page.rel, page.line_of("chapter"), f"front matter: this page "
                                    f"is {record.label}, but {sources.CONTENTS_FILE} names "
                                    f"{record.page} for it, and there is no docs/{record.page}; "
                                    f"write page: {src} there"))
        elif record is None:
            problems.append(Problem(page.rel, page.line_of("chapter"), f"front matter: chapter "
                                    f"'{page.meta['chapter']}' is not in the book's contents; use "
                                    "1-6, introduction or conclusion"))
        else:
            problems.append(Problem(page.rel, page.line_of("chapter"), f"front matter: "
                                    f"{record.label} is already docs/{record.page} (the page the "
                                    f"contents name); remove 'chapter' here or delete this copy"))
    return problems


def _question_ids(pages: dict[str, Page], records: list[Chapter]) -> list[Problem]:
    """Seminar question ids are unique across the site."""
    problems = []
    seen: dict[str, str] = {}
    for record in records:
        page = pages.get(record.page)
        for question in chapter.questions(page) if page is not None else []:
            if question.id in seen and seen[question.id] != page.rel:
                problems.append(Problem(page.rel, question.line, f"question id '{question.id}' "
                                        f"is already used in {seen[question.id]}; ids are "
                                        "permanent, so give this question a new number"))
            seen.setdefault(question.id, page.rel)
    return problems


def load(root: Path) -> Guide:
    """The checked guide, ready to build; GuideError with every located problem otherwise.
    pandoc formats the bibliography while the sources are read and checked (its result is used
    only if they have no problem)."""
    if problems := buildcache.folder_problems(root):
        raise GuideError(problems)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="references") as pool:
        references = pool.submit(render.format_references, Path(root) / "bibliography.bib",
                                 cache_dir=Path(root) / ".cache")
        guide, problems = read(root)
        if problems or guide is None:
            raise GuideError(problems)
        guide.references = references.result()
    guide.citeproc = citeproc_module.Citeproc(guide.root / "bibliography.bib", guide.references,
                                              cache_dir=guide.root / ".cache")
    guide.uses = quiz.add_usage(bibpage.usage(guide.pages, guide.chapter_records, guide.glossary),
                                guide.quiz, guide.chapter_records)
    return guide


def check(root: Path) -> list[Problem]:
    """Everything `make check` reports: every source checked, then unused bibliography entries."""
    guide, problems = read(root)
    if problems or guide is None:
        return problems
    problems += truth.check(truth.page_texts(guide.pages.values()) + quiz.texts(guide.quiz),
                            contents=guide.contents)
    cited: set[str] = {key for bank in guide.quiz.values() for key in quiz.used_keys(bank)}
    for page in guide.pages.values():
        cited.update(c.key for c in citations.find(page.body))
    for page in guide.chapters.values():
        cited.update(item["key"] for item in chapter.valid_further_reading(page))
    for key, entry in guide.bib.entries.items():
        if key not in cited:
            problems.append(Problem(str(guide.bib.path.relative_to(guide.root)), entry.line,
                                    f"{key}: no page cites this work or lists it as further "
                                    "reading; cite it or remove it"))
    return problems
