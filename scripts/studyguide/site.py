"""The whole guide as plain data: bibliography, the book's contents, glossary and chapter pages.

`load(root)` reads and checks everything once; `Guide.render_page()` applies the page-level
transformations (seminar questions, further reading, glossary usage) to a page's Markdown.
Used by the MkDocs hooks and by `python -m studyguide check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import bibliography, bibpage, citations, links, metadata, pages, render
from .problems import Problem

CONTENTS_FILE = "docs/book/contents.yml"
GLOSSARY_FILE = "docs/glossary.md"
CHAPTERS_DIR = "docs/chapters"
CARTRIDGE = "peer-support-in-prison.imscc"


class GuideError(Exception):
    """Input so broken that nothing else can be checked (message is located)."""


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
    problems: list[Problem] = field(default_factory=list)

    @property
    def glossary_usage(self):
        return pages.glossary_usage(list(self.chapters.values()), self.contents["chapters"])

    def render_page(self, src_uri: str, markdown: str) -> str:
        page = self.chapters.get(src_uri)
        if page is not None:
            record = pages.expected_titles(self.contents["chapters"]).get(str(page.meta["chapter"]))
            markdown = pages.render_questions(markdown)
            markdown = pages.replace_further_reading(
                markdown, page.meta.get("further_reading") or [], self.references,
                bibpage.reading_list_markdown(src_uri, record) if record else "")
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
            markdown = markdown.replace(
                "<!-- bibliography-options -->",
                bibpage.options_script(self.bib, self.uses, self.contents))
        if citations.find(markdown) and "\\bibliography" not in markdown:
            markdown = markdown.rstrip() + "\n\n## References\n\n\\bibliography\n"
        return markdown

    def configure(self, nav, site_url: str, site_name: str) -> None:
        self.nav_pages = links.nav_sources(nav)
        self.site_url, self.site_name = site_url, site_name

    @property
    def targets(self) -> list[links.Target]:
        return links.targets(self, self.nav_pages)

    def jsonld(self, src_uri: str, url: str, site_name: str, site_url: str) -> str | None:
        """schema.org JSON-LD for the book page and the chapter pages; None elsewhere."""
        page = self.chapters.get(src_uri)
        if page is not None:
            record = pages.expected_titles(self.contents["chapters"])[str(page.meta["chapter"])]
            return metadata.script(metadata.chapter_page(page, record, self.contents, url,
                                                         site_name, site_url))
        if src_uri == "book/index.md":
            return metadata.script(metadata.book_page(self.contents, url, site_name, site_url))
        return None

    def downloads(self) -> dict[str, str | bytes]:
        """Site path -> content of every generated download: reading lists (BibTeX, RIS), the
        list of link targets (CSV, JSON) and the VLE package (IMS Common Cartridge)."""
        lists = bibpage.reading_lists(self.bib, self.uses, self.contents)
        files: dict[str, str | bytes] = {
            f"{bibpage.DOWNLOADS}/{stem}{suffix}": writer(entries)
            for stem, entries in lists.items()
            for suffix, writer in ((".bib", bibpage.exports.to_bibtex),
                                   (".ris", bibpage.exports.to_ris))}
        if self.nav_pages:
            targets = self.targets
            files[f"{bibpage.DOWNLOADS}/links.csv"] = links.to_csv(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/links.json"] = links.to_json(targets, self.site_url)
            files[f"{bibpage.DOWNLOADS}/{CARTRIDGE}"] = links.cartridge(
                targets, self.contents, self.site_url, self.site_name)
        return files


def load(root: Path) -> Guide:
    root = Path(root)
    bib = bibliography.load(root / "bibliography.bib", root=root)
    if bib.problems:
        raise GuideError("bibliography.bib has problems:\n" + "\n".join(map(str, bib.problems)))
    try:
        contents = yaml.safe_load((root / CONTENTS_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise GuideError(f"{CONTENTS_FILE}:1: cannot read the book's contents ({err})") from None

    glossary = pages.glossary_terms(root / GLOSSARY_FILE)
    problems: list[Problem] = []
    chapters: dict[str, pages.Page] = {}
    for path in sorted((root / CHAPTERS_DIR).glob("*.md")):
        page, read_problems = pages.read_page(path, root)
        problems += read_problems
        if page is not None and page.is_chapter:
            chapters[str(path.relative_to(root / "docs"))] = page
            problems += pages.validate_chapter(page, contents["chapters"], set(glossary),
                                               bib.keys)
    guide = Guide(root, bib, contents, glossary, chapters, problems=problems)
    guide.references = render.format_references(root / "bibliography.bib")
    guide.uses = bibpage.usage(root / "docs", contents)
    guide.definitions = pages.glossary_definitions(root / GLOSSARY_FILE)
    return guide


def check(root: Path) -> list[Problem]:
    """Everything `make check` reports: bibliography lint, chapter pages, citations, usage."""
    root = Path(root)
    bib = bibliography.load(root / "bibliography.bib", root=root)
    if bib.problems:
        return bib.problems
    guide = load(root)
    problems = list(guide.problems)
    cited: set[str] = set()
    for path in sorted((root / "docs").rglob("*.md")):
        rel = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        problems += citations.check(text, bib.keys, rel, root=root)
        cited.update(c.key for c in citations.find(text))
    for page in guide.chapters.values():
        cited.update(item.get("key") for item in page.meta.get("further_reading") or []
                     if isinstance(item, dict))
    for key, entry in bib.entries.items():
        if key not in cited:
            problems.append(Problem(str(bib.path.relative_to(root)), entry.line,
                                    f"{key}: no page cites this work or lists it as further "
                                    "reading; cite it or remove it"))
    return problems
