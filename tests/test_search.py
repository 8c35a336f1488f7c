"""The site search: the index post-processing (golden files), its size, and the queries a
student would type, run through the built site's own search in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from studyguide import search

FIXTURES = ROOT / "tests" / "fixtures"
HUB = FIXTURES / "hub"
QUERIES = FIXTURES / "search-queries.txt"


# --- Post-processing the index --------------------------------------------------------------------

def _entry(authors, year, title):
    return SimpleNamespace(authors=authors, editors=[], year=year, fields={"title": title})


ENTRIES = {
    "braithwaite1989crime": _entry(["Braithwaite, John"], "1989", "Crime, Shame and Reintegration"),
    "perrin2014accumulating": _entry(["Perrin, Christian", "Blagden, Nicholas"], "2014",
                                     "Accumulating meaning"),
}
REFERENCES = {  # key -> APA HTML, in the page's order (as render.format_references gives it)
    "braithwaite1989crime": "Braithwaite, J. (1989). <em>Crime, shame and reintegration</em>. "
                            "Cambridge University Press.",
    "perrin2014accumulating": "Perrin, C., &amp; Blagden, N. (2014). Accumulating meaning. "
                              "<em>Psychology, Crime &amp; Law</em>, <em>20</em>(9), 902–920. "
                              '<a href="https://doi.org/10.1080/1068316X.2014.888429">'
                              "https://doi.org/10.1080/1068316X.2014.888429</a>",
    "unknown2000": "A reference whose entry is missing is left out.",
}


def test_every_reference_becomes_its_own_document_golden():
    index = json.loads((HUB / "search-index-in.json").read_text(encoding="utf-8"))
    expected = json.loads((HUB / "search-index-expected.json").read_text(encoding="utf-8"))
    result = search.add_references(index, search.reference_docs(ENTRIES, REFERENCES))
    assert result == expected


def test_running_twice_gives_the_same_index():
    index = json.loads((HUB / "search-index-in.json").read_text(encoding="utf-8"))
    docs = search.reference_docs(ENTRIES, REFERENCES)
    once = search.add_references(index, docs)
    assert search.add_references(once, docs) == once


def test_update_index_rewrites_the_built_file(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(
        (HUB / "search-index-in.json").read_text(encoding="utf-8"), encoding="utf-8")
    search.update_index(tmp_path, ENTRIES, REFERENCES)
    written = (tmp_path / "search" / "search_index.json").read_text(encoding="utf-8")
    assert json.loads(written) == json.loads(
        (HUB / "search-index-expected.json").read_text(encoding="utf-8"))
    assert "\n" not in written and ", " not in written.split('"docs"')[0]  # compact, as Material


def test_update_index_without_an_index_does_nothing(tmp_path):
    search.update_index(tmp_path, ENTRIES, REFERENCES)
    assert not (tmp_path / "search").exists()


def test_index_size_is_raw_and_gzipped_bytes(tmp_path):
    (tmp_path / "search").mkdir()
    data = b'{"docs":[' + b'{"location":"a/","title":"A","text":"aaaa"},' * 200 + b"{}]}"
    (tmp_path / "search" / "search_index.json").write_bytes(data)
    raw, packed = search.index_size(tmp_path)
    assert raw == len(data) == 8813
    assert packed < raw / 10


# --- The built site's index --------------------------------------------------------------------------

def _index(site_dir: Path) -> dict:
    return json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_built_index_leaves_out_the_linking_page_and_the_handouts(site_dir):
    locations = {d["location"].split("#")[0] for d in _index(site_dir)["docs"]}
    assert "teaching/linking/" not in locations
    assert not any(loc.startswith("handouts/") for loc in locations)
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")  # still published
    assert "/teaching/linking/</loc>" in sitemap and "/handouts/chapter-3/</loc>" in sitemap
    assert (site_dir / "teaching" / "linking" / "index.html").is_file()


def test_built_index_has_one_document_per_entry_and_per_term(site_dir):
    import lxml.html

    docs = {d["location"]: d for d in _index(site_dir)["docs"]}
    page = lxml.html.parse(str(site_dir / "bibliography" / "index.html"))
    anchors = [e.get("id") for e in page.xpath("//*[starts-with(@id, 'ref-')]")]
    assert len(anchors) > 90
    for anchor in anchors:
        assert f"bibliography/#{anchor}" in docs, anchor
    braithwaite = docs["bibliography/#ref-braithwaite1989crime"]
    assert braithwaite["title"].startswith("Braithwaite (1989)")
    assert "Cambridge University Press" in braithwaite["text"]
    glossary = lxml.html.parse(str(site_dir / "glossary" / "index.html"))
    for term in glossary.xpath("//h3[@id]"):
        assert f"glossary/#{term.get('id')}" in docs, term.get("id")


# --- Queries in the browser ------------------------------------------------------------------------

def queries() -> list[tuple[str, str, str]]:
    """(query, address, known reason for failing or "") for each line of the query file."""
    found = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, address, *rest = line.split("\t")
            known = rest[0].removeprefix("known:").strip() if rest else ""
            found.append((query, address, known))
    return found


def test_the_query_file_has_at_least_25_queries():
    assert len(queries()) >= 25


# The visible results in order: per page, its own link and the sections shown under it (not
# those folded into "N more on this page").
RESULTS_JS = """() => [...document.querySelectorAll('.md-search-result__item')].flatMap(item =>
  [...item.querySelectorAll(':scope > a.md-search-result__link')].map(a => a.href))"""


def run_query(page, base_url: str, query: str) -> list[str]:
    """Type the query into Material's search box; the site-relative addresses of the results."""
    box = page.locator("input.md-search__input")
    box.fill("")
    page.wait_for_function("!document.querySelector('.md-search-result__item')")
    box.press_sequentially(query, delay=5)
    try:
        page.wait_for_selector(".md-search-result__item", timeout=5000)
    except Exception:
        return []
    last, stable = None, 0
    while stable < 3:  # results settle once the search worker has answered the last keystroke
        page.wait_for_timeout(150)
        now = page.evaluate(RESULTS_JS)
        stable = stable + 1 if now == last else 0
        last = now
    base = urlsplit(base_url).path
    addresses = []
    for href in last:
        parts = urlsplit(href)
        addresses.append(parts.path[len(base):] + (f"#{parts.fragment}" if parts.fragment else ""))
    return addresses


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url)
    page.keyboard.press("/")
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("query,address,known", [
    pytest.param(q, a, k, id=q, marks=[pytest.mark.xfail(reason=k, strict=True)] if k else [])
    for q, a, k in queries()])
def test_student_query_finds_its_address_in_the_first_five(search_page, base_url, query, address,
                                                           known):
    top = run_query(search_page, base_url, query)[:5]
    assert address in top, f"{query!r}: wanted {address}, got {top}"
