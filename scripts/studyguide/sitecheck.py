"""Checks and small fixes over the built HTML of a page or of the whole site."""

from __future__ import annotations

import re

from .problems import Problem

# Source syntax that must never reach a reader.
LEAKS = ["[@", "[^", "{#", "\\bibliography", "{{", "{%"]
_CODE_RE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    return _TAG_RE.sub(" ", _CODE_RE.sub(" ", html))


def leaked_syntax(html: str, rel_path: str) -> list[Problem]:
    """Raw Markdown, citation or template syntax left in a built page (code excepted)."""
    problems = []
    text = visible_text(html)
    for token in LEAKS:
        at = text.find(token)
        if at >= 0:
            context = " ".join(text[max(0, at - 30): at + 40].split())
            problems.append(Problem(rel_path, 1, f"built page shows raw '{token}' (near "
                                    f"\"{context}\"); fix the source syntax"))
    return problems


def patch_theme_html(html: str) -> str:
    """Accessibility fixes to Material's markup that no template block reaches."""
    return html.replace(
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" '
        'aria-label="Search this guide">',
    )
