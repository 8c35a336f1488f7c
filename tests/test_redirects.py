"""Redirect stubs that preview like their target: golden stub -> expected stub, the preview read
from a page's head, located problems for what cannot be done, and the built short links
checked against the chapter pages' own front matter."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TEST_SITE_URL
from studyguide import redirects
from studyguide.redirects import Preview, StubError

FIXTURES = Path(__file__).parent / "fixtures" / "redirects"
STUB = (FIXTURES / "stub.html").read_text(encoding="utf-8")  # as mkdocs-redirects 1.2.2 writes it
PREVIEW = Preview(title='Peer Support & "Prisons"',
                  description='Chapter 2: the "magnified" effect & its limits.',
                  url="https://example.org/guide/chapters/chapter-2/",
                  site_name="A Guide <2>", og_type="article")


def test_stub_gets_the_targets_preview_noindex_and_canonical_address():
    assert redirects.with_preview(STUB, PREVIEW) == (FIXTURES / "expected.html").read_text(encoding="utf-8")


def test_the_preview_is_read_from_the_targets_own_head():
    html = (FIXTURES / "target-head.html").read_text(encoding="utf-8")
    assert redirects.page_preview(html) == PREVIEW


def test_without_a_public_address_the_stub_keeps_its_relative_canonical_link():
    out = redirects.with_preview(STUB, Preview(title="T", description="D", url=""))
    assert '<link rel="canonical" href="../chapters/chapter-2/">' in out
    assert "og:url" not in out and "og:site_name" not in out
    assert "<title>T</title>" in out


@pytest.mark.parametrize("broken", [
    STUB.replace("<title>Redirecting...</title>", ""),
    STUB.replace('<link rel="canonical" href="../chapters/chapter-2/">', ""),
    STUB.replace('<meta http-equiv="refresh" content="0; url=../chapters/chapter-2/">', ""),
])
def test_a_stub_of_another_form_is_refused_not_guessed(broken):
    with pytest.raises(StubError):
        redirects.with_preview(broken, PREVIEW)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_add_previews_rewrites_stubs_and_reports_what_it_cannot(tmp_path):
    site = tmp_path / "site"
    write(site / "chapters/chapter-2/index.html", (FIXTURES / "target-head.html").read_text())
    write(site / "ch2/index.html", STUB)
    write(site / "gone/index.html", STUB.replace("chapters/chapter-2/", "chapters/chapter-9/"))
    external = STUB.replace("../chapters/chapter-2/", "https://example.com/elsewhere/")
    write(site / "away/index.html", external)
    write(site / "bare/index.html", STUB.replace("../chapters/chapter-2/", "../plain/"))
    write(site / "plain/index.html", "<!doctype html><title>x</title><p>No tags.</p>")
    problems = redirects.add_previews(site)
    assert (site / "ch2/index.html").read_text() == (FIXTURES / "expected.html").read_text()
    assert (site / "away/index.html").read_text() == external
    assert [(p.file, p.line) for p in problems] == [("site/bare/index.html", 1),
                                                     ("site/gone/index.html", 1)]
    assert "no og:title" in problems[0].message and "front matter" in problems[0].message
    assert "'../chapters/chapter-9/' was not built" in problems[1].message
    assert (site / "chapters/chapter-2/index.html").read_text() == (FIXTURES / "target-head.html").read_text()


# --- The built short links ------------------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("http-equiv")
            self.meta.setdefault(key, []).append(a.get("content"))
        if tag == "link":
            self.meta.setdefault("link:" + a.get("rel", ""), []).append(a.get("href"))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def redirect_maps() -> dict[str, str]:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/name
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return next(p["redirects"]["redirect_maps"] for p in config["plugins"]
                if isinstance(p, dict) and "redirects" in p)


def front_matter(src: str) -> dict:
    text = (ROOT / "docs" / src).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_built_short_links_preview_their_chapter_and_still_redirect(site_dir):
    maps = redirect_maps()
    assert {"intro.md", "ch1.md", "ch6.md", "conclusion.md"} <= set(maps)
    labels = {c["page"]: c["label"] for c in yaml.safe_load(
        (ROOT / "docs/book/contents.yml").read_text(encoding="utf-8"))["chapters"]}
    for old, new in maps.items():
        stub = site_dir / old[:-3] / "index.html"
        target = new[:-3] + "/"          # chapters/chapter-1.md -> chapters/chapter-1/
        meta, fm = head(stub), front_matter(new)
        where = f"site/{old[:-3]}/index.html"
        shown = f"{labels[new]}: {fm['title']}"   # chapters are shown with their number
        assert meta.title == f"{shown} - Peer Support in Prison: A Study Guide", where
        assert meta.meta["description"] == [fm["description"]], where
        assert meta.meta["og:title"] == [shown], where
        assert meta.meta["og:description"] == [fm["description"]], where
        assert meta.meta["og:url"] == [TEST_SITE_URL + target], where
        assert meta.meta["og:type"] == ["article"], where
        assert meta.meta["robots"] == ["noindex"], where
        assert meta.meta["link:canonical"] == [TEST_SITE_URL + target], where
        assert meta.meta["refresh"] == [f"0; url=../{target}"], where
        assert re.search(rf'location\.href="\.\./{re.escape(target)}"', stub.read_text()), where
