"""Small fixes to the theme's built HTML that no template override reaches. Everything else is
fixed by the overrides in overrides/partials/ (each names the upstream template it replaces)."""

from __future__ import annotations

import re

# Material's base.html puts autocomplete="off" on its two state checkboxes (drawer and search),
# outside any template block. HTML allows autocomplete on text-like inputs only, so the Nu HTML
# checker reports both on every page. What the attribute did (no restored, already-open drawer or
# search after reload or history navigation) is kept by a line in overrides/main.html.
_TOGGLE_AUTOCOMPLETE_RE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" '
    r'id="__(?:drawer|search)") autocomplete="off">')
HEADERLINK_RE = re.compile(r'<a class="headerlink"(?![^>]*\btabindex=)')


def patch_theme_html(html: str) -> str:
    """The one fix to Material's markup that no template override reaches."""
    return _TOGGLE_AUTOCOMPLETE_RE.sub(r"\1>", html)


def headerlinks_out_of_tab_order(html: str) -> str:
    """Heading permalinks (¶) stay clickable and focusable by script, but are not Tab stops:
    the "Copy link" buttons serve keyboard users."""
    return HEADERLINK_RE.sub('<a class="headerlink" tabindex="-1"', html)


def fix(html: str) -> str:
    """Every fix, for a built page or a static template (the 404 and offline pages)."""
    return headerlinks_out_of_tab_order(patch_theme_html(html))
