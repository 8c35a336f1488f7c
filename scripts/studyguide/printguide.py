"""The whole guide on one page, for printing: every chapter page in the book's order.

Each chapter's Markdown is first rendered exactly as its own page is (`Guide.render_page`:
seminar questions, further reading, Cite this page), then fitted into one page at the site's
root: headings move down a level and get ids unique to their chapter, the chapter title
carries the class that starts a new printed page (docs/assets/stylesheets/print.css), links
between chapters become links within the page, other links are re-based from chapters/ to the
root, and the chapters' reference lists become one at the end. No MkDocs here.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from .bibpage import relative_url
from .ebook import HEADING_RE, QUESTION_ANCHOR_RE, slugify
from .mdlines import code_mask

PATH = "print.md"
CHAPTER_CLASS = "print-chapter"
TITLE = "The whole guide, for printing"

_MD_LINK_RE = re.compile(r'(?P<open>\]\()(?P<target>[^)\s]+)(?P<rest>(?:[ \t]+"[^"]*")?\))')
_HREF_RE = re.compile(r'(?P<open>href=")(?P<target>[^"]*)(?P<rest>")')
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _fragment(fragment: str, stem: str) -> str:
    """A same-chapter anchor on the combined page: question ids are unique site-wide already;
    heading ids get the chapter's stem in front."""
    if QUESTION_ANCHOR_RE.match(fragment):
        return fragment
    return f"{stem}-{fragment}"


def _split(target: str) -> tuple[str, str, str]:
    parts = urlsplit(target)
    return parts.path, parts.query, parts.fragment


def rewrite_links(markdown: str, src: str, stems: dict[str, str]) -> str:
    """Links of chapter page `src` (a docs path such as chapters/chapter-2.md) for a page at
    the docs root. `stems` maps each chapter's docs path to its anchor on the combined page."""
    stem = stems[src]
    folder = PurePosixPath(src).parent

    def markdown_link(match: re.Match) -> str:
        target = match.group("target")
        if _SCHEME_RE.match(target) or target.startswith("/"):
            return match.group(0)
        path, query, fragment = _split(target)
        if not path:
            new = "#" + _fragment(fragment, stem)
        else:
            resolved = os.path.normpath(str(folder / path)).replace(os.sep, "/")
            if resolved in stems:
                new = "#" + (_fragment(fragment, stems[resolved]) if fragment else stems[resolved])
            else:
                new = resolved + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
        return match.group("open") + new + match.group("rest")

    # Raw HTML links are relative to the built page's address: chapters/NAME/ -> print/.
    page_folder = PurePosixPath(src).with_suffix("")

    def html_link(match: re.Match) -> str:
        target = match.group("target")
        if _SCHEME_RE.match(target) or target.startswith("/"):
            return match.group(0)
        if target.startswith("#"):
            return match.group("open") + "#" + _fragment(target[1:], stem) + match.group("rest")
        path, query, fragment = _split(target)
        resolved = os.path.normpath(str(page_folder / path)).replace(os.sep, "/")
        new = "../" + resolved + ("/" if path.endswith("/") else "")
        new += (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
        return match.group("open") + new + match.group("rest")

    return _HREF_RE.sub(html_link, _MD_LINK_RE.sub(markdown_link, markdown))


def chapter_markdown(markdown: str, src: str, stems: dict[str, str], label: str = "") -> str:
    """One rendered chapter page as a section of the combined page; the chapter's title,
    after its label ("Chapter 2: …"), becomes a level-2 heading that starts a printed page."""
    stem = stems[src]
    markdown = re.sub(r"^## References[^\n]*\n(?:(?!## ).*\n?)*", "", markdown, flags=re.M)
    markdown = markdown.replace("\\bibliography", "")
    lines = []
    for line, in_code in zip(markdown.split("\n"), code_mask(markdown)):
        match = None if in_code else HEADING_RE.match(line)
        if match:
            level = len(match.group("hashes"))
            attrs = (match.group("attrs") or "").split()
            ids = [a[1:] for a in attrs if a.startswith("#")]
            rest = [a for a in attrs if not a.startswith("#")]
            text = match.group("text")
            if level == 1:
                new_id, rest = stem, [f".{CHAPTER_CLASS}", *rest]
                text = f"{label}: {text}" if label else text
            else:
                new_id = f"{stem}-{ids[0] if ids else slugify(text)}"
            line = (f"{'#' * min(level + 1, 6)} {text} "
                    f"{{{' '.join([f'#{new_id}', *rest])}}}")
        lines.append(line)
    return _permalinks(rewrite_links("\n".join(lines), src, stems), src).strip() + "\n"


QUESTION_LINK_RE = re.compile(r'(<a class="question-link" href=")#([^"]+)"')


def _permalinks(markdown: str, src: str) -> str:
    """Each question's permalink leads to the question on its chapter page, as on a handout:
    the address a reader copies from the print page is the one that lasts."""
    base = relative_url(PATH, src)
    return QUESTION_LINK_RE.sub(lambda m: f'{m.group(1)}{base}#{m.group(2)}"', markdown)


def markdown(rendered: list[tuple[str, str, str]], site_name: str) -> str:
    """The print page's Markdown from each chapter's rendered Markdown, in book order:
    [(docs path, label, rendered Markdown)]."""
    stems = {src: PurePosixPath(src).stem for src, _, _ in rendered}
    front = ("---\n"
             f'title: "{TITLE}"\n'
             f'description: "Every chapter page of {site_name} on one page, in the book\'s order, '
             'for printing or saving as a PDF."\n'
             "search:\n  exclude: true\n"
             "---\n\n")
    intro = (f"# {TITLE}\n\n"
             "Every chapter page of the guide on one page, in the book's order, for printing or "
             "saving as a PDF with your browser's Print command. Each chapter starts on a new "
             "page, and the self-check answers are printed open. The "
             "[glossary](glossary.md) and the [bibliography](bibliography.md) are pages of their "
             "own; the works cited here are listed at the end.\n")
    body = "\n\n".join(chapter_markdown(text, src, stems, label) for src, label, text in rendered)
    return front + intro + "\n" + body + "\n## References {#references}\n\n\\bibliography\n"


def from_guide(guide) -> str:
    """The print page from a loaded and configured `site.Guide`."""
    rendered = []
    for record in guide.chapter_records:
        page = guide.pages[record.page]
        rendered.append((record.page, record.label,
                         guide.render_page(record.page, page.body)))
    return markdown(rendered, guide.site_name)
