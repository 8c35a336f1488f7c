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


# Material's base.html puts autocomplete="off" on its two state checkboxes (drawer and search),
# outside any template block. HTML allows autocomplete on text-like inputs only, so the Nu HTML
# checker reports both on every page. What the attribute did (no restored, already-open drawer or
# search after reload or history navigation) is kept by a line in overrides/main.html. Everything
# else is fixed by the template overrides in overrides/partials/.
_TOGGLE_AUTOCOMPLETE_RE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" '
    r'id="__(?:drawer|search)") autocomplete="off">')


def patch_theme_html(html: str) -> str:
    """The one fix to Material's markup that no template override reaches."""
    return _TOGGLE_AUTOCOMPLETE_RE.sub(r"\1>", html)


# --- Internal links of the built site -----------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import unquote, urljoin, urlsplit  # noqa: E402

_LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src",
               "iframe": "src", "area": "href"}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        attr = _LINK_ATTRS.get(tag)
        if attr and attrs.get(attr) is not None:
            if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
                return  # absolute by design; they name the public address
            self.links.append((attrs[attr], self.getpos()[0]))


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def _target_file(site_dir: Path, path: str) -> Path | None:
    candidate = site_dir / path.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(site_dir: Path, base_path: str = "/") -> list[Problem]:
    """Every internal href/src/#anchor of every built page, as served under `base_path`.

    External links (other schemes or hosts) are not followed here.
    """
    site_dir = Path(site_dir)
    pages = {p: parse_page(p.read_text(encoding="utf-8")) for p in site_dir.rglob("*.html")}
    problems: list[Problem] = []
    for page, parsed in sorted(pages.items()):
        rel = str(page.relative_to(site_dir))
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for link, line in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            absolute = urlsplit(urljoin(page_url, link))
            path = unquote(absolute.path)
            if not path.startswith(base_path):
                problems.append(Problem(rel, line, f"link '{link}' leaves the site's path "
                                        f"{base_path}; make it relative"))
                continue
            target = _target_file(site_dir, path[len(base_path):])
            if target is None:
                problems.append(Problem(rel, line, f"broken link '{link}': nothing at {path}"))
                continue
            if absolute.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(absolute.fragment) not in ids:
                    problems.append(Problem(rel, line, f"broken anchor '{link}': no id "
                                            f"'{absolute.fragment}' in {target.relative_to(site_dir)}"))
    return problems
