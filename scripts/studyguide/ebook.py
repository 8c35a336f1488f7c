"""The guide as an EPUB 3 e-book, made by pandoc from the same sources as the site.

`markdown()` turns the chapter pages, the glossary and the book's contents into one pandoc
Markdown document: site-only syntax (question ids, admonitions, self-check widgets, HTML comment
markers, `\\bibliography`, attribute lists) is converted or removed (a helpline marker becomes its
numbers, as on the site), links between pages become links inside the book, and the self-check
answers move to the end of each chapter. `epub()` runs pandoc (with citeproc and the APA CSL
style over the whole book, so that every citation links to the one reference list) and returns
the file's bytes. Same inputs and date, same bytes.

No MkDocs here: `from_guide()` only reads the plain records of a `site.Guide`.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import io
import os
import re
import subprocess
import tempfile
import unicodedata
import uuid
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from . import helplines, markers
from .buildcache import replace_file
from .mdlines import code_mask

PATH = "downloads/peer-support-in-prison-study-guide.epub"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LANGUAGE = "en-GB"
AUTHOR = "The editors of the study guide"   # as site_author in mkdocs.yml


class EbookError(Exception):
    """pandoc could not make the e-book; the message is pandoc's."""

# What a reader of the e-book can rely on (EPUB Accessibility 1.1, schema.org vocabulary). Set as
# pandoc metadata: pandoc writes these <meta property="schema:…"> elements itself, and ignores
# <meta> elements in an --epub-metadata file (which keeps only Dublin Core elements).
ACCESSIBILITY = {
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["structuralNavigation", "tableOfContents", "readingOrder"],
    "accessibilityHazards": ["none"],
    "accessibilitySummary":
        "Text only, with no images, audio or video. Every chapter, section and glossary term "
        "is a heading, listed in the table of contents; citations link to the reference list, "
        "and glossary terms and self-check answers are linked both ways.",
}

# Small additions to pandoc's own EPUB stylesheet.
EXTRA_CSS = """
.admonition { border-left: 0.25em solid #888; margin: 1em 0; padding: 0.2em 0 0.2em 0.8em; }
.admonition.warning { border-left-color: #b35c00; }
.admonition-title { font-weight: bold; }
.part { font-style: italic; }
"""


@dataclass
class Source:
    """One chapter page: its path under docs/ (chapters/chapter-2.md), front matter and body."""
    src: str
    meta: dict
    body: str


# --- Reading the site's Markdown ----------------------------------------------------------------

ADMONITION_RE = re.compile(r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)'
                           r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.+?)(?:[ \t]+\{(?P<attrs>[^}]*)\})?[ \t]*$")
NARRATIVE_FILTER = Path(__file__).with_name("narrative-and.lua")  # "and" in narrative citations
QUESTION_ID_RE = re.compile(r"^(?P<lead>[ \t]*\d+\.[ \t]+)\{#(?P<id>[^}\s]+)[^}]*\}[ \t]*")
ANSWER_BLOCK_RE = re.compile(r'^\?\?\?\+?[ \t]+success[ \t]+"Answer"[ \t]*$')
SELF_CHECK_RE = re.compile(r'^\?\?\?\+?[ \t]+question[ \t]+"(?:\d+\.\s*)?(?P<title>[^"]*)"[ \t]*$')
LINK_RE = re.compile(r'(?P<open>\]\()(?P<target>[^)\s]+)(?P<rest>(?:[ \t]+"[^"]*")?\))')
ATTR_LIST_RE = re.compile(r"[ \t]*\{:[^}\n]*\}")
QUESTION_ANCHOR_RE = re.compile(r"^[a-z]+\d*-q\d+$")


def slugify(text: str) -> str:
    """A heading's id as Python-Markdown's toc extension makes it (the site's anchors)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def strip_front_matter(text: str) -> str:
    match = re.match(r"^\ufeff?-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n", text, re.S)
    return text[match.end():] if match else text


def _dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines]


def convert_admonitions(markdown: str) -> str:
    """`!!! kind "Title"` and `??? kind "Title"` blocks (any depth) become divs with the title
    as the first paragraph; their content is always shown. (HTML divs rather than pandoc's
    fenced divs, which cannot start indented inside a list item.)"""
    lines = markdown.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = ADMONITION_RE.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent = match.group("indent")
        inner = len(indent.expandtabs(4)) + 4
        j = i + 1
        while j < len(lines) and (not lines[j].strip()
                                  or len(lines[j]) - len(lines[j].lstrip()) >= inner):
            j += 1
        while j > i + 1 and not lines[j - 1].strip():
            j -= 1
        body = convert_admonitions("\n".join(_dedent(lines[i + 1:j], inner))).strip("\n")
        title = match.group("title") or match.group("kind").capitalize()
        block = [f'<div class="admonition {match.group("kind")}">', "",
                 f"[{title}]{{.admonition-title}}", "", *body.split("\n"), "", "</div>"]
        out.extend((indent + line) if line else "" for line in block)
        if j < len(lines) and lines[j].strip():
            out.append("")
        i = j
    return "\n".join(out)


def _sections(body: str) -> list[tuple[str | None, list[str]]]:
    """The body split at level-2 headings (outside code): (heading line or None, lines)."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for line, in_code in zip(body.split("\n"), code_mask(body)):
        if not in_code and line.startswith("## "):
            parts.append((line, []))
        else:
            parts[-1][1].append(line)
    return parts


def _heading_title(line: str) -> str:
    match = HEADING_RE.match(line)
    return match.group("text") if match else line.lstrip("# ").strip()


def self_check(lines: list[str], stem: str) -> tuple[list[str], list[str]]:
    """A "Check your understanding" section: (the questions as a list, the answers section).

    Each `??? question "N. …"` block gives one question, linked to its answer and back; a
    multiple-choice item's options stay with the question, and its `??? success "Answer"`
    block goes to the end."""
    intro: list[str] = []
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        match = SELF_CHECK_RE.match(line)
        if match:
            items.append((match.group("title"), []))
        elif items:
            items[-1][1].append(line)
        else:
            intro.append(line)
    questions, answers = [], []
    for n, (title, body) in enumerate(items, 1):
        rows = _dedent(body, 4)
        split = next((i for i, row in enumerate(rows) if ANSWER_BLOCK_RE.match(row)), None)
        options = "\n".join(rows[:split] if split is not None else []).strip("\n")
        body = "\n".join(rows if split is None else _dedent(rows[split + 1:], 4)).strip("\n")
        questions.append(f"{n}. []{{#{stem}-check-{n}}}{title} "
                         f"[Answer {n}](#{stem}-answer-{n})")
        if options:  # a multiple-choice item's options stay with its question
            questions.extend(["", *(("    " + row) if row.strip() else ""
                                    for row in options.split("\n")), ""])
        answers.append(f"{n}. []{{#{stem}-answer-{n}}}**{title}** "
                       f"[Back to question {n}](#{stem}-check-{n})\n")
        answers.extend(("    " + row) if row.strip() else "" for row in body.split("\n"))
        answers.append("")
    section = [*intro, "", "The answers are at the end of the chapter.", "", *questions, ""]
    ending = [f"## Answers {{#{stem}-answers}}", "", *answers]
    return section, ending


def further_reading(items: list[dict]) -> str:
    """Each work as a narrative citation (linked to the reference list) and why to read it."""
    return "\n".join(f"- @{item['key']}: {' '.join(str(item['why']).split())}"
                     for item in items
                     if isinstance(item, dict) and item.get("key") and item.get("why"))


# --- Links ----------------------------------------------------------------------------------------

class Linker:
    """Rewrites a page's links for the book: pages in the book become anchors, other site pages
    become addresses on the site."""

    def __init__(self, chapters: dict[str, str], site_url: str, glossary_src: str = "glossary.md"):
        self.chapters = chapters          # docs-relative source -> chapter anchor (its stem)
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.glossary_src = glossary_src

    def target(self, target: str, src: str, section_ids: dict[str, str]) -> str | None:
        """The new target for a link in page `src`, or None to drop the link (keep its text)."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):       # https:, mailto: …
            return target
        path, _, fragment = target.partition("#")
        if not path:                                       # same page
            return "#" + self._fragment(fragment, section_ids.get(src, ""))
        resolved = str(PurePosixPath(os.path.normpath(str(PurePosixPath(src).parent / path))))
        if resolved == self.glossary_src:
            return f"#{fragment}" if fragment else "#glossary"
        if resolved == "bibliography.md":
            return f"#{fragment}" if fragment.startswith("ref-") else "#references"
        if resolved in self.chapters:
            anchor = self.chapters[resolved]
            return f"#{self._fragment(fragment, section_ids.get(resolved, ''))}" if fragment \
                else f"#{anchor}"
        if resolved.startswith("..") or not self.site_url:    # not a page of the site
            return None
        url = resolved
        if url.endswith(".md"):
            url = url[:-3]
            url = url[: -len("index")] if url.endswith("index") else url + "/"
        return urljoin(self.site_url, url) + (f"#{fragment}" if fragment else "")

    @staticmethod
    def _fragment(fragment: str, prefix: str) -> str:
        if not fragment or QUESTION_ANCHOR_RE.match(fragment) or not prefix:
            return fragment or prefix
        return f"{prefix}-{fragment}"

    def rewrite(self, markdown: str, src: str, section_ids: dict[str, str]) -> str:
        def link(match: re.Match) -> str:
            new = self.target(match.group("target"), src, section_ids)
            if new is None:
                return "]\x00DROP\x00"
            return match.group("open") + new + match.group("rest")

        text = LINK_RE.sub(link, markdown)
        # A dropped link keeps its text: [text]\x00DROP\x00 -> text
        return re.sub(r"\[([^\[\]]*)\]\x00DROP\x00", r"\1", text)


# --- One document ---------------------------------------------------------------------------------

def chapter_markdown(source: Source, record: dict, parts: dict, linker: Linker,
                     section_ids: dict[str, str]) -> str:
    """One chapter page as a chapter of the book."""
    stem = PurePosixPath(source.src).stem
    body = linker.rewrite(source.body, source.src, section_ids)
    items = source.meta.get("further_reading") or []
    body = markers.expand(body, {"further-reading": lambda _: further_reading(items),
                                 "helpline": helplines.render_marker})
    body = markers.COMMENT_RE.sub("", body)
    out: list[str] = []
    ending: list[str] = []
    used: set[str] = set()

    def anchor(title: str) -> str:
        base = f"{stem}-{slugify(title)}"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        return name

    for heading, lines in _sections(body):
        title = _heading_title(heading) if heading else None
        if title == "References":      # one reference list for the whole book
            continue
        if title == "Check your understanding":
            lines, ending = self_check(lines, stem)
        if heading is not None:
            out.append(f"## {title} {{#{anchor(title)}}}")
        out.extend(lines)
    text = "\n".join(out)
    if ending:
        text = text.rstrip() + "\n\n" + "\n".join(ending)
    text = text.replace("\\bibliography", "")
    lines = []
    for line, in_code in zip(text.split("\n"), code_mask(text)):
        match = None if in_code else HEADING_RE.match(line)
        if match and len(match.group("hashes")) == 1:
            line = f"# {record['label']}: {match.group('text')} {{#{stem}}}"
            if record.get("part") in parts:
                line += f"\n\n[Part {record['part']}: {parts[record['part']]}]{{.part}}"
        elif match and len(match.group("hashes")) > 2 and "#" not in (match.group("attrs") or ""):
            line = f"{match.group('hashes')} {match.group('text')} {{#{anchor(match.group('text'))}}}"
        elif not in_code:
            line = QUESTION_ID_RE.sub(lambda m: f"{m.group('lead')}[]{{#{m.group('id')}}}", line)
        lines.append(line)
    text = ATTR_LIST_RE.sub("", "\n".join(lines))
    return convert_admonitions(text).strip() + "\n"


def glossary_markdown(text: str, usage: dict[str, list[tuple[str, str]]]) -> str:
    """The glossary as the book's glossary chapter, each term followed by the chapters using it."""
    body = markers.expand(strip_front_matter(text), {"helpline": helplines.render_marker})
    body = markers.COMMENT_RE.sub("", body).replace("\\bibliography", "")
    out: list[str] = []
    current: str | None = None

    def close() -> None:
        if current and usage.get(current):
            while out and not out[-1].strip():
                out.pop()
            links = ", ".join(f"[{label}](#{anchor})" for label, anchor in usage[current])
            out.extend(["", f"*Used in:* {links}", ""])

    for line, in_code in zip(body.split("\n"), code_mask(body)):
        match = None if in_code else HEADING_RE.match(line)
        if match:
            level, title, attrs = len(match.group("hashes")), match.group("text"), match.group("attrs")
            close()
            current = None
            if level == 1:
                line = f"# {title} {{#glossary}}"
            elif level == 2:
                line = f"## {title} {{#glossary-{slugify(title)}}}"
            elif attrs and attrs.startswith("#"):
                current = attrs[1:].split()[0]
        out.append(line)
    close()
    return convert_admonitions(ATTR_LIST_RE.sub("", "\n".join(out))).strip() + "\n"


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def long_date(date: datetime.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


def markdown(sources: list[Source], glossary: str, contents: dict, site_url: str,
             date: datetime.date) -> str:
    """The whole book as one pandoc Markdown document (metadata block first)."""
    records = {str(r["chapter"]): r for r in contents["chapters"]}
    order = [r["page"] for r in contents["chapters"]]
    by_src = {s.src: s for s in sources}
    missing = [page for page in order if page not in by_src]
    if missing:
        raise ValueError(f"no chapter page for {', '.join(missing)} (docs/book/contents.yml)")
    anchors = {page: PurePosixPath(page).stem for page in order}
    parts = {p["part"]: p["title"] for p in contents.get("parts", [])}
    linker = Linker(anchors, site_url)
    section_ids = {page: anchors[page] for page in order}

    book = contents["book"]
    nocite = sorted({str(item["key"]) for s in sources
                     for item in (s.meta.get("further_reading") or [])
                     if isinstance(item, dict) and item.get("key")})
    about = (
        f"This is an independent study guide to *{book['title']}: {book['subtitle']}* by "
        f"{book['author']} ({book['publisher']}, {book['year']}). It is **not the book**: it does "
        "not reproduce the book's text, and it is not written or endorsed by the book's author "
        "or publisher. Statements about the book rest on the publisher's description and "
        "contents; everything else is cited to its source.\n\n"
        f"Built on {long_date(date)} from the study guide's website, <{site_url}>, which has "
        "the latest version, the bibliography with filters and downloads, and the teaching "
        "materials.\n\n"
        f"Text licensed under [Creative Commons Attribution 4.0 (CC BY 4.0)]({LICENCE_URL}).")
    meta = [
        "---",
        f"title: {_yaml_string(book['title'] + ': A Study Guide')}",
        f"subtitle: {_yaml_string('An independent study guide to the book by ' + book['author'] + ', not the book itself')}",
        f"author: {_yaml_string(AUTHOR)}",
        f"date: {date.isoformat()}",
        f"lang: {LANGUAGE}",
        f"rights: {_yaml_string('Text licensed under CC BY 4.0 (' + LICENCE_URL + '). Independent of the book’s author and publisher.')}",
        "abstract-title: About this e-book",
        "abstract: |",
        *[("  " + line) if line else "" for line in about.split("\n")],
        f"identifier: {_yaml_string(identifier(site_url))}",
        *_yaml_metadata(ACCESSIBILITY),
        "link-citations: true",
        "link-bibliography: true",
        "nocite: |",
        "  " + ", ".join(f"@{key}" for key in nocite),
        "---",
        "",
    ]
    chapters = []
    usage: dict[str, list[tuple[str, str]]] = {}
    for page in order:
        source = by_src[page]
        record = records[str(source.meta.get("chapter"))]
        for concept in source.meta.get("key_concepts") or []:
            usage.setdefault(str(concept), []).append((record["label"], anchors[page]))
        chapters.append(chapter_markdown(source, record, parts, linker, section_ids))
    glossary_md = glossary_markdown(linker.rewrite(glossary, "glossary.md", {}), usage)
    references = "# References {#references}\n\n::: {#refs}\n:::\n"
    return "\n".join(meta) + "\n\n".join([*chapters, glossary_md, references])


def identifier(site_url: str) -> str:
    """A fixed identifier for the e-book, derived from the site's address."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url.rstrip('/') + '/' + PATH)}"


def _yaml_metadata(fields: dict) -> list[str]:
    lines = []
    for name, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{name}:")
            lines.extend(f"  - {_yaml_string(item)}" for item in value)
        else:
            lines.append(f"{name}: {_yaml_string(value)}")
    return lines


def epub(sources: list[Source], glossary: str, contents: dict, bib_path: Path, site_url: str,
         date: datetime.date, csl: Path | None = None, cache_dir: Path | None = None) -> bytes:
    """The EPUB 3 file. Timestamps inside it are the build date (midnight UTC), so the same
    inputs give the same bytes. With `cache_dir`, the file is kept under a hash of everything
    that goes into it (document, bibliography, style, pandoc's version, this module), so an
    unchanged guide is not converted again on every build."""
    from .render import PandocError, csl_path, pandoc, pandoc_identity, run

    document = markdown(sources, glossary, contents, site_url, date)
    csl = Path(csl or csl_path("apa"))
    cache_file = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        for part in (document.encode(), Path(bib_path).read_bytes(), csl.read_bytes(),
                     pandoc_identity(), Path(__file__).read_bytes(),
                     NARRATIVE_FILTER.read_bytes()):
            digest.update(hashlib.sha256(part).digest())
        cache_file = Path(cache_dir) / f"ebook-{digest.hexdigest()[:20]}.epub"
        kept = _kept_epub(cache_file)
        if kept is not None:
            return kept
    epoch = int(datetime.datetime(date.year, date.month, date.day,
                                  tzinfo=datetime.timezone.utc).timestamp())
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "book.md").write_text(document, encoding="utf-8")
        try:
            css = run([pandoc(), "--print-default-data-file", "epub.css"]).stdout.decode("utf-8")
        except PandocError as err:
            raise EbookError(str(err)) from None
        (work / "epub.css").write_text(css + EXTRA_CSS, encoding="utf-8")
        out = work / "book.epub"
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
        try:
            result = subprocess.run(
                [pandoc(), "book.md", "--from=markdown", "--to=epub3",
                 "--output", str(out), "--citeproc", f"--bibliography={Path(bib_path).resolve()}",
                 f"--csl={csl}", f"--lua-filter={NARRATIVE_FILTER}",
                 "--css=epub.css", "--toc-depth=2", "--split-level=1"],
                cwd=work, env=env, capture_output=True, text=True)
        except OSError as err:
            raise EbookError(f"pandoc ({pandoc()}) could not start: {err.strerror or err}; set "
                             "PANDOC to a pandoc 3 executable, or unset it") from None
        if result.returncode != 0 or result.stderr.strip():
            raise EbookError(f"pandoc could not make the e-book: {result.stderr.strip()}")
        if _kept_epub(out) is None:
            raise EbookError(f"pandoc ({pandoc()}) wrote no EPUB file; set PANDOC to a pandoc 3 "
                             "executable, or unset it")
        data = titled(out.read_bytes())
    if cache_file is not None:
        replace_file(cache_file, data, stale="ebook-*.epub")
    return data


def _kept_epub(path: Path) -> bytes | None:
    """An EPUB file's bytes, or None when it is missing or is not an EPUB (a damaged cache
    entry is made again, never published)."""
    try:
        data = Path(path).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if book.namelist()[:1] == ["mimetype"] and \
                    book.read("mimetype") == b"application/epub+zip":
                return data
    except (OSError, zipfile.BadZipFile, KeyError):
        pass
    return None


_CHAPTER_FILE_RE = re.compile(r"^EPUB/text/ch\d+\.xhtml$")
_H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def titled(epub_bytes: bytes) -> bytes:
    """The EPUB with each chapter file titled by its heading: pandoc titles them "ch001.xhtml",
    which is what a reading system or screen reader announces as the document's title. Every
    other file, and each entry's order, date and compression, are kept."""
    source = zipfile.ZipFile(io.BytesIO(epub_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if _CHAPTER_FILE_RE.match(info.filename):
                text = data.decode("utf-8")
                heading = _H1_RE.search(text)
                if heading:
                    title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).split())
                    text = re.sub(r"<title>[^<]*</title>", lambda _: f"<title>{html.escape(title)}</title>",
                                  text, count=1)
                    data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def build_date(environ=os.environ) -> datetime.date:
    """The build's date: SOURCE_DATE_EPOCH when set (reproducible builds), otherwise today."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.datetime.now(datetime.timezone.utc).date()


def complete(guide) -> bool:
    """Whether the guide has a page for every chapter of the book's contents (small test
    projects and half-written guides do not, and get no e-book or print page)."""
    return bool(guide.chapter_records) and all(record.page in guide.pages
                                               for record in guide.chapter_records)


def from_guide(guide, date: datetime.date | None = None, cache: bool = True) -> bytes:
    """The e-book from a loaded `site.Guide` (its chapter pages, glossary and contents),
    cached in the project's .cache folder unless `cache` is false."""
    sources = [Source(src, page.meta, guide.body_with_self_check(src))
               for src, page in guide.chapters.items()]
    page = guide.pages["glossary.md"]  # read once by the loader; the glossary body as written
    glossary = page.body
    return epub(sources, glossary, guide.contents, Path(guide.root) / "bibliography.bib",
                guide.site_url, date or build_date(),
                cache_dir=Path(guide.root) / ".cache" if cache else None)


def start(guide) -> Future:
    """`from_guide` on a thread of its own: pandoc makes the e-book while the pages are
    converted, and the build collects it (`Future.result()`) once they are written."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ebook")
    future = pool.submit(from_guide, guide)
    pool.shutdown(wait=False)
    return future


# --- The download's size, for the pages that link to it ------------------------------------------

# Pages name the e-book's size before it exists (it is made while they are converted): the
# marker leaves this empty element, and `fill_size` writes the size into the built pages.
SIZE_SLOT = "<span data-guide-ebook-size></span>"
_SLOT_RE = re.compile(r"(<span data-guide-ebook-size>)[^<]*(</span>)")


def fill_size(site_dir: Path, size: int) -> None:
    """Write the e-book's size (`size_label`) into every built page that names it."""
    label = html.escape(size_label(size))
    for page in sorted(Path(site_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "data-guide-ebook-size" in text:
            page.write_text(_SLOT_RE.sub(lambda m: m.group(1) + label + m.group(2), text),
                            encoding="utf-8")


def size_label(size: int) -> str:
    """A file size as readers see it: '812 KB', '1.4 MB' (decimal units, as browsers show)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


