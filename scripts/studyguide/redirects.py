"""Redirect stubs (short links such as ch1/, and the old addresses of moved pages) that preview
like the page they lead to.

mkdocs-redirects writes each stub as a bare page titled "Redirecting...". A link preview in a
VLE, Teams or Slack reads the stub's own head, so here it gets the target page's title,
description and Open Graph tags, a robots `noindex` (the stub is not a page to list) and a
canonical link to the target's public address. The redirect itself (script, meta refresh and
the link in the body) is left exactly as the plugin wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .problems import Problem

_REFRESH_RE = re.compile(r'<meta http-equiv="refresh" content="0; url=[^"]*">')
_TITLE_RE = re.compile(r"<title>[^<]*</title>")
_CANONICAL_RE = re.compile(r'<link rel="canonical" href="([^"]*)">')
_HTML_LANG_RE = re.compile(r'<html lang="[^"]*">')


class StubError(ValueError):
    """The stub is not in the form mkdocs-redirects writes."""


@dataclass(frozen=True)
class Preview:
    """What a link preview shows of a page, as the page itself declares it."""

    title: str        # the page's title (og:title)
    description: str
    url: str          # the page's public address (its canonical link); "" without site_url
    site_name: str = ""
    og_type: str = "website"


def is_stub(html: str) -> bool:
    return _REFRESH_RE.search(html) is not None


def stub_target(html: str) -> str:
    """The stub's link to its target, as written (relative, or an external address)."""
    match = _CANONICAL_RE.search(html)
    if not match or not is_stub(html):
        raise StubError("no canonical link and meta refresh")
    return match.group(1)


def with_preview(stub: str, preview: Preview) -> str:
    """The stub with the target's title, description and Open Graph tags, `noindex`, and its
    canonical link made the target's public address."""
    for pattern, what in ((_TITLE_RE, "<title>"), (_CANONICAL_RE, "canonical link"),
                          (_REFRESH_RE, "meta refresh")):
        if len(pattern.findall(stub)) != 1:
            raise StubError(f"expected one {what}")
    full_title = f"{preview.title} - {preview.site_name}" if preview.site_name else preview.title
    tags = [f"<title>{escape(full_title, quote=False)}</title>",
            f'<meta name="description" content="{escape(preview.description)}">',
            '<meta name="robots" content="noindex">']
    canonical = preview.url or _CANONICAL_RE.search(stub).group(1)
    tags.append(f'<link rel="canonical" href="{escape(canonical)}">')
    og = [("og:type", preview.og_type), ("og:site_name", preview.site_name),
          ("og:title", preview.title), ("og:description", preview.description),
          ("og:url", preview.url), ("og:locale", "en_GB")]
    tags += [f'<meta property="{name}" content="{escape(value)}">' for name, value in og if value]
    tags.append('<meta name="twitter:card" content="summary">')
    indent = re.search(r"([ \t]*)<title>", stub).group(1)
    html = re.sub(r"\n[ \t]*" + _CANONICAL_RE.pattern, "", stub, count=1)
    html = _TITLE_RE.sub(lambda _: ("\n" + indent).join(tags), html, count=1)
    return _HTML_LANG_RE.sub('<html lang="en-GB">', html, count=1)


class _HeadParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key and key not in self.meta:
                self.meta[key] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.meta.setdefault("canonical", a.get("href", ""))


def page_preview(html: str) -> Preview:
    """The preview a built page of this site declares (overrides/main.html writes the tags)."""
    parser = _HeadParser()
    parser.feed(html)
    meta = parser.meta
    return Preview(title=meta.get("og:title", ""),
                   description=meta.get("og:description") or meta.get("description", ""),
                   url=meta.get("og:url") or meta.get("canonical", ""),
                   site_name=meta.get("og:site_name", ""),
                   og_type=meta.get("og:type", "website"))


def add_previews(site_dir: Path) -> list[Problem]:
    """Rewrite every redirect stub in the built site with its target's preview. A stub whose
    target is another site is left as it is."""
    site_dir = Path(site_dir)
    problems = []
    for path in sorted(site_dir.rglob("*.html")):
        stub = path.read_text(encoding="utf-8")
        if not is_stub(stub):
            continue
        rel = "site/" + path.relative_to(site_dir).as_posix()
        try:
            link = stub_target(stub)
        except StubError as err:
            problems.append(Problem(rel, 1, f"redirect stub not understood ({err}); "
                                    "check the mkdocs-redirects version"))
            continue
        if urlsplit(link).scheme or urlsplit(link).netloc:
            continue
        target_path = unquote(urlsplit(urljoin(path.relative_to(site_dir).as_posix(), link)).path)
        target = site_dir / target_path
        if target_path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(Problem(rel, 1, f"redirect target '{link}' was not built; fix "
                                    "redirect_maps in mkdocs.yml"))
            continue
        preview = page_preview(target.read_text(encoding="utf-8").split("</head>", 1)[0])
        if not preview.title or not preview.description:
            problems.append(Problem(rel, 1, f"redirect target {target.relative_to(site_dir)} has "
                                    "no og:title or og:description; give the page a title and "
                                    "description in its front matter"))
            continue
        try:
            path.write_text(with_preview(stub, preview), encoding="utf-8")
        except StubError as err:
            problems.append(Problem(rel, 1, f"redirect stub not understood ({err}); "
                                    "check the mkdocs-redirects version"))
    return problems
