"""The whole guide as plain data: bibliography, the book's contents, glossary and chapter pages.

`load(root)` reads and checks everything once; `Guide.render_page()` applies the page-level
transformations (seminar questions, further reading, glossary usage) to a page's Markdown.
Used by the MkDocs hooks and by `python -m studyguide check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from . import bibliography, bibpage, cite, citations, exports, links, metadata, pages, render
from . import citeproc as citeproc_module
from .problems import Problem

CONTENTS_FILE = "docs/book/contents.yml"
GLOSSARY_FILE = "docs/glossary.md"
CHAPTERS_DIR = "docs/chapters"
CARTRIDGE = "peer-support-in-prison.imscc"
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
    contents: dict
    glossary: dict[str, str]
    chapters: dict[str, pages.Page]          # src_uri -> page
    references: dict[str, str] = field(default_factory=dict)  # key -> APA HTML
    uses: dict[str, list[bibpage.Use]] = field(default_factory=dict)  # key -> where it is used
    definitions: dict[str, str] = field(default_factory=dict)  # glossary id -> first sentence
    nav_pages: list[str] = field(default_factory=list)   # docs-relative sources, nav order
    site_url: str = ""
    site_name: str = ""
    citeproc: citeproc_module.Citeproc | None = None  # in-text citations and reference lists

    @property
    def glossary_usage(self):
        return pages.glossary_usage(list(self.chapters.values()), self.contents["chapters"])

    def render_page(self, src_uri: str, markdown: str) -> str:
        page = self.chapters.get(src_uri)
        if page is not None:
            record = self._record(page)
            markdown = pages.render_questions(markdown)
            markdown = pages.replace_further_reading(
                markdown, pages.valid_further_reading(page), self.references,
                bibpage.reading_list_markdown(src_uri, record))
            markdown = pages.add_handout_link(markdown, f"../{HANDOUTS}/{Path(src_uri).name}")
            if self.site_url:
                markdown = cite.insert_section(markdown, cite.section_markdown(
                    record, {k: self.citation_texts[k] for k in
                             (cite.BOOK_KEY, cite.page_key(record))}, src_uri))
        if src_uri.startswith(f"{HANDOUTS}/"):
            markdown = pages.render_questions(markdown)
        if f"docs/{src_uri}" == GLOSSARY_FILE:
            markdown = pages.add_glossary_usage(markdown, self.glossary_usage)
        if "<!-- link-targets -->" in markdown:
            markdown = markdown.replace("<!-- link-targets -->", links.linking_page_markdown(
                self.targets, self.site_url, src_uri))
        if src_uri == "chapters/index.md":
            markdown = markdown.replace("<!-- reading-map -->", pages.reading_map_markdown(
                list(self.chapters.values()), self.contents["chapters"], self.glossary))
        if f"docs/{src_uri}" != GLOSSARY_FILE:
            markdown = pages.add_glossary_titles(markdown, self.definitions)
        if src_uri == "bibliography.md":
            markdown = bibpage.render(markdown, self.bib, self.references, self.uses)
            markdown = markdown.replace("<!-- bibliography-count -->", f"{len(self.bib.entries)} works")
            markdown = markdown.replace(
                "<!-- bibliography-options -->",
                bibpage.options_script(self.bib, self.contents))
        if citations.find(markdown) and "\\bibliography" not in markdown:
            markdown = markdown.rstrip() + "\n\n## References\n\n\\bibliography\n"
        return markdown

    def configure(self, nav, site_url: str, site_name: str) -> None:
        self.nav_pages = links.nav_sources(nav)
        self.site_url, self.site_name = site_url, site_name

    @property
    def targets(self) -> list[links.Target]:
        return links.targets(self, self.nav_pages)

    def _record(self, page: pages.Page) -> dict:
        return pages.expected_titles(self.contents["chapters"])[str(page.meta["chapter"])]

    def page_citation_entries(self, src_uri: str) -> list:
        record = self._record(self.chapters[src_uri])
        return [self.bib.entries[cite.BOOK_KEY],
                cite.page_entry(record, cite.page_url(self.site_url, record), self.site_name)]

    @cached_property
    def citation_texts(self) -> dict[str, dict[str, str]]:
        """APA 7 and Harvard text of the book and of every chapter page (two pandoc runs)."""
        entries = [self.bib.entries[cite.BOOK_KEY]] + [
            self.page_citation_entries(src)[1] for src in self.chapters]
        return cite.formatted(entries)

    def handout_markdown(self, src_uri: str) -> str:
        """A one-page seminar handout: the chapter's questions and activity, nothing else."""
        page = self.chapters[src_uri]
        record = self._record(page)
        keep = {"Seminar questions", "Seminar activity"}
        parts = [f"## {title}\n{pages.strip_leader_notes(text)}" if title == "Seminar questions"
                 else f"## {title}\n{text}"
                 for title, _, text in pages.sections(page) if title in keep]
        title = f"Seminar handout: {record['label']}"
        back = Path(src_uri).name
        note = re.search(r'^!!! warning "Content note"\n(?:[ \t]+.*\n?)+', page.body, re.M)
        return (f'---\ntitle: "{title}"\ndescription: "Seminar questions and activity for '
                f'{record["label"]} of the study guide, on one page for printing."\n---\n\n'
                f'<div class="handout" markdown="1">\n\n# {title}\n\n'
                f"*{record['title']}* · Peer Support in Prison: A Study Guide · "
                f"[The full chapter page](../chapters/{back})\n\n"
                + (note.group(0).strip() + "\n\n" if note else "") + "\n\n".join(parts)
                + "\n\n</div>\n")

    def jsonld(self, src_uri: str, url: str) -> str | None:
        """schema.org JSON-LD for the book page and the chapter pages; None elsewhere."""
        page = self.chapters.get(src_uri)
        if page is not None:
            return metadata.script(metadata.chapter_page(
                page, self._record(page), self.contents, url, self.site_name, self.site_url))
        if src_uri == "book/index.md":
            return metadata.script(metadata.book_page(self.contents, url, self.site_name,
                                                      self.site_url))
        return None

    def handouts(self) -> dict[str, str]:
        """docs-relative path -> Markdown of each chapter's seminar handout page."""
        return {f"{HANDOUTS}/{Path(src).name}": self.handout_markdown(src) for src in self.chapters}

    def downloads(self) -> dict[str, str | bytes]:
        """Site path -> content of every generated download: reading lists (BibTeX, RIS), the
        list of link targets (CSV, JSON) and the VLE package (IMS Common Cartridge)."""
        lists = bibpage.reading_lists(self.bib, self.uses, self.contents)
        files: dict[str, str | bytes] = {
            f"{bibpage.DOWNLOADS}/{stem}{suffix}": writer(entries)
            for stem, entries in lists.items()
            for suffix, writer in ((".bib", exports.to_bibtex), (".ris", exports.to_ris))}
        for src in self.chapters if self.site_url else []:
            stem = f"cite-{Path(src).stem}"
            entries = self.page_citation_entries(src)
            files[f"{bibpage.DOWNLOADS}/{stem}.bib"] = exports.to_bibtex(entries)
            files[f"{bibpage.DOWNLOADS}/{stem}.ris"] = exports.to_ris(entries)
        if self.nav_pages:
            targets = self.targets
            files[f"{bibpage.DOWNLOADS}/links.csv"] = links.to_csv(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/links.json"] = links.to_json(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/{CARTRIDGE}"] = links.cartridge(
                targets, self.contents, self.site_url, self.site_name)
        return files


def load(root: Path) -> Guide:
    """Read and check everything. Problems that would leave the pages' data unusable (lint,
    chapter pages, glossary) raise GuideError with every located message."""
    root = Path(root)
    bib = bibliography.load(root / "bibliography.bib", root=root)
    if bib.problems:
        raise GuideError(bib.problems)
    contents = _contents(root)
    glossary = pages.glossary_terms(root / GLOSSARY_FILE)
    problems = pages.glossary_problems(root / GLOSSARY_FILE, root)
    chapters: dict[str, pages.Page] = {}
    for path in sorted((root / CHAPTERS_DIR).glob("*.md")):
        page, read_problems = pages.read_page(path, root)
        problems += read_problems
        if page is not None and page.is_chapter:
            chapters[str(path.relative_to(root / "docs"))] = page
            problems += pages.validate_chapter(page, contents["chapters"], set(glossary),
                                               bib.keys)
    problems += _chapter_file_problems(root, contents, chapters)
    if problems:
        raise GuideError(problems)
    guide = Guide(root, bib, contents, glossary, chapters)
    guide.references = render.format_references(root / "bibliography.bib", cache_dir=root / ".cache")
    guide.citeproc = citeproc_module.Citeproc(root / "bibliography.bib", guide.references,
                                              cache_dir=root / ".cache")
    guide.uses = bibpage.usage(root / "docs", contents)
    guide.definitions = pages.glossary_definitions(root / GLOSSARY_FILE)
    return guide


def _contents(root: Path) -> dict:
    try:
        contents = yaml.safe_load((root / CONTENTS_FILE).read_text(encoding="utf-8"))
        for record in contents["chapters"]:
            record["chapter"], record["label"], record["title"], record["page"]  # noqa: B018
        contents["parts"], contents["book"]  # noqa: B018
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise GuideError([Problem(CONTENTS_FILE, 1, f"cannot read the book's contents "
                                  f"({type(err).__name__}: {err}); see the README")]) from None
    return contents


def _chapter_file_problems(root: Path, contents: dict, chapters: dict[str, pages.Page]) -> list[Problem]:
    """Each chapter of the contents has its page, at its address, and ids are unique site-wide."""
    problems = []
    for record in contents["chapters"]:
        page = chapters.get(record["page"])
        if page is None:
            if (root / "docs" / record["page"]).is_file():  # a missing page fails the nav check
                problems.append(Problem(f"docs/{record['page']}", 1, f"this is the page of "
                                        f"{record['label']}: its front matter needs "
                                        f"chapter: {record['chapter']}"))
        elif str(page.meta.get("chapter")) != str(record["chapter"]):
            problems.append(Problem(page.rel, page.meta_lines.get("chapter", 1),
                                    f"front matter: this page is {record['label']}; set "
                                    f"chapter: {record['chapter']}"))
    seen: dict[str, str] = {}
    for src, page in chapters.items():
        for question in pages.questions(page):
            if question.id in seen and seen[question.id] != src:
                problems.append(Problem(page.rel, question.line, f"question id '{question.id}' "
                                        f"is already used in docs/{seen[question.id]}"))
            seen.setdefault(question.id, src)
    return problems


def check(root: Path) -> list[Problem]:
    """Everything `make check` reports: bibliography lint, chapter pages, citations, usage."""
    try:
        guide = load(Path(root))
    except GuideError as err:
        return err.problems
    root, bib = guide.root, guide.bib
    problems: list[Problem] = []
    cited: set[str] = set()
    for path in sorted((root / "docs").rglob("*.md")):
        rel = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        problems += citations.check(text, bib.keys, rel, root=root)
        cited.update(c.key for c in citations.find(text))
    for page in guide.chapters.values():
        cited.update(item["key"] for item in pages.valid_further_reading(page))
    for key, entry in bib.entries.items():
        if key not in cited:
            problems.append(Problem(str(bib.path.relative_to(root)), entry.line,
                                    f"{key}: no page cites this work or lists it as further "
                                    "reading; cite it or remove it"))
    return problems

