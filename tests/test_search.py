"""The site search: the index post-processing (golden files), its size, and the queries a
student would type, run through the built site's own search in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import material
import pytest

from conftest import ROOT, wait_for_search
from studyguide import search

FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = FIXTURES / "search"       # an index as Material writes it, and the built pages it reads
QUERIES = FIXTURES / "search-queries.txt"
WORKERS = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
STOP_WORDS_JS = ROOT / "overrides" / "assets" / "javascripts" / "search-stopwords.js"


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


def _golden_site(tmp_path: Path) -> Path:
    """The fixture pages (a glossary, a chapter with its On this page row) and the index as
    Material wrote it, as a built site."""
    site = tmp_path / "site"
    shutil.copytree(GOLDEN / "pages", site)
    (site / "search").mkdir()
    shutil.copy(GOLDEN / "index-in.json", site / "search" / "search_index.json")
    return site


def _expected() -> dict:
    return json.loads((GOLDEN / "index-expected.json").read_text(encoding="utf-8"))


def test_update_index_rewrites_the_built_file_golden(tmp_path):
    site = _golden_site(tmp_path)
    search.update_index(site, ENTRIES, REFERENCES)
    written = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert json.loads(written) == _expected()
    assert "\n" not in written and ", " not in written.split('"docs"')[0]  # compact, as Material


def test_running_twice_gives_the_same_index(tmp_path):
    site = _golden_site(tmp_path)
    search.update_index(site, ENTRIES, REFERENCES)
    search.update_index(site, ENTRIES, REFERENCES)
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8")) == _expected()


def test_a_dirty_rebuild_s_repeated_documents_keep_the_newest():
    index = {"config": {}, "docs": [
        {"location": "a/", "title": "A", "text": "old"},
        {"location": "b/", "title": "B", "text": "kept"},
        {"location": "a/#x", "title": "X", "text": "old"},
        {"location": "a/", "title": "A", "text": "new"},
        {"location": "a/#x", "title": "X", "text": "new"}]}
    assert [(d["location"], d["text"]) for d in search.without_repeats(index)["docs"]] == [
        ("b/", "kept"), ("a/", "new"), ("a/#x", "new")]


def test_update_index_without_an_index_does_nothing(tmp_path):
    search.update_index(tmp_path, ENTRIES, REFERENCES)
    assert not (tmp_path / "search").exists()


def test_a_result_of_its_own_links_to_the_section_address():
    # Resolved as a browser resolves a relative link (RFC 3986 dot segments), not by search.py.
    for location in ("glossary/#desistance", "bibliography/#ref-maruna2001making",
                     "chapters/chapter-4/#check-your-understanding"):
        own = search.own_location(location)
        assert own.split("#")[0] != location.split("#")[0]
        assert urljoin("https://example.org/guide/", own) == "https://example.org/guide/" + location


def test_own_title_names_the_page_and_the_row_s_name_only_when_the_heading_lacks_it():
    chapter = "Chapter 4: The Irredeemable? How Incarcerated Peer Supporters Negotiate"
    assert search.own_title(chapter, "Check your understanding", "Self-check") == \
        "Chapter 4 \u00b7 Check your understanding (Self-check)"
    assert search.own_title(chapter, "Seminar activity", "Activity") == "Chapter 4 \u00b7 Seminar activity"
    assert search.own_title("Glossary", "Desistance") == "Glossary \u00b7 Desistance"


def test_index_size_is_raw_and_gzipped_bytes(tmp_path):
    (tmp_path / "search").mkdir()
    data = b'{"docs":[' + b'{"location":"a/","title":"A","text":"aaaa"},' * 200 + b"{}]}"
    (tmp_path / "search" / "search_index.json").write_bytes(data)
    raw, packed = search.index_size(tmp_path)
    assert raw == len(data) == 8813
    assert packed < raw / 10


def test_the_query_stop_words_are_the_search_worker_s():
    """search-stopwords.js carries lunr's English stop word list; it must be the one in the
    theme's installed search worker (where the index leaves these words out)."""
    worker = next(WORKERS.glob("search.*.min.js")).read_text(encoding="utf-8")
    installed = json.loads(re.search(r"generateStopWordFilter\((\[[^\]]*\])\)", worker)[1])
    ours = re.search(r"STOP_WORDS = \(\n(.*?)\n  \)", STOP_WORDS_JS.read_text(encoding="utf-8"), re.S)[1]
    assert "".join(re.findall(r'"([^"]*)"', ours)).split() == installed


# --- The built site's index --------------------------------------------------------------------------

def _index(site_dir: Path) -> dict:
    return json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def material_groups(docs: list[dict]) -> tuple[dict, dict]:
    """How the theme's search worker files the index (setupSearchDocumentMap in Material 9.8's
    integrations/search/config): the first document of each page part (before '#') under that
    part, every later one under its location with that first one as its parent; a result is
    looked up by its location and grouped under its parent's location, or its own."""
    found, parent = {}, {}
    for doc in docs:
        path = doc["location"].split("#")[0]
        if path not in found:
            found[path] = doc
        else:
            found[doc["location"]] = doc
            parent[doc["location"]] = found[path]["location"]
    return found, parent


def test_built_index_leaves_out_the_linking_page_and_the_handouts(site_dir):
    locations = {search.page_of(search.address(d["location"])) for d in _index(site_dir)["docs"]}
    assert "teaching/linking/" not in locations
    assert not any(loc.startswith("handouts/") for loc in locations)
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")  # still published
    assert "/teaching/linking/</loc>" in sitemap and "/handouts/chapter-3/</loc>" in sitemap
    assert (site_dir / "teaching" / "linking" / "index.html").is_file()


def test_a_chapter_s_result_shows_its_text_not_its_on_this_page_links(site_dir):
    """The "On this page" row (At a glance, Seminar questions, …) is navigation: a chapter's
    result in search starts with the page's own text."""
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    chapters = [d for d in docs if d["location"].startswith("chapters/chapter-")
                and "#" not in d["location"]]
    assert len(chapters) == 6
    for doc in chapters:
        assert "<li>Seminar questions</li>" not in doc["text"], doc["location"]
        assert "Self-check" not in doc["text"][:200], doc["location"]


def test_built_index_makes_every_entry_term_and_named_section_a_result_of_its_own(site_dir):
    """Every bibliography entry, glossary term and section named in a chapter's On this page
    row is found by the theme's search under its location, grouped alone (no other document
    shares its group), and links to the address on the built page."""
    import lxml.html

    docs = [d for d in _index(site_dir)["docs"]]
    found, parent = material_groups(docs)
    by_address = {search.address(d["location"]): d for d in docs if d["title"]}
    groups = Counter(parent.get(d["location"], d["location"]) for d in docs if d["title"])

    wanted = []
    page = lxml.html.parse(str(site_dir / "bibliography" / "index.html"))
    wanted += [f"bibliography/#{e.get('id')}" for e in page.xpath(
        "//li[contains(concat(' ', @class, ' '), ' bib-entry ')][starts-with(@id, 'ref-')]")]
    assert len(wanted) > 90
    # A withdrawn reference keeps its address on the page, but is not a reference to find.
    withdrawn = page.xpath("//li[contains(@class, 'bib-withdrawn__item')]/@id")
    assert withdrawn and not [a for a in withdrawn
                              if any(search.address(d["location"]) == f"bibliography/#{a}"
                                     for d in docs if d["title"])]
    glossary = lxml.html.parse(str(site_dir / "glossary" / "index.html"))
    terms = [f"glossary/#{h.get('id')}" for h in glossary.xpath("//article//h3[@id]")]
    assert len(terms) > 40
    wanted += terms
    rows = 0
    for path in sorted(site_dir.glob("chapters/*/index.html")):
        chapter = lxml.html.parse(str(path))
        for link in chapter.xpath("//nav[@class='on-this-page']//a"):
            target = chapter.xpath(f"//*[@id='{link.get('href')[1:]}']")
            assert target, link.get("href")  # the section is on the built page
            wanted.append(f"{path.parent.relative_to(site_dir).as_posix()}/{link.get('href')}")
            rows += 1
    assert rows >= 8 * 5

    for address in wanted:
        doc = by_address.get(address)
        assert doc is not None, address
        assert found.get(doc["location"]) is doc, f"{address}: the search would not find it"
        assert groups[parent.get(doc["location"], doc["location"])] == 1, f"{address}: not alone"
    braithwaite = by_address["bibliography/#ref-braithwaite1989crime"]
    assert braithwaite["title"].startswith("Braithwaite (1989)") and braithwaite["author"] == "Braithwaite"
    assert "Cambridge University Press" in braithwaite["text"]
    assert by_address["glossary/#desistance"]["title"] == "Glossary \u00b7 Desistance"
    assert by_address["chapters/chapter-4/#check-your-understanding"]["title"] == \
        "Chapter 4 \u00b7 Check your understanding (Self-check)"
    # A placeholder's fields are empty, so it adds nothing to what is searched.
    assert all(d == {"location": d["location"], "title": "", "text": ""}
               for d in docs if not d["title"] and search.OWN in d["location"])


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
    wait_for_search(page)  # so that each query's own wait is for its results only
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


@pytest.mark.browser
@pytest.mark.parametrize("typed,sent", [
    ("how to cite the book", "cite book"),       # finished stop words left out
    ("chapter 3", "chapter 3"),
    ("how to", "to"),                            # the word being typed is kept ("to" -> "topics")
    ("the", "the"),
    ("cite the ", "cite "),                      # a space finishes a word
    ("how to ", "how to "),                      # nothing but stop words: sent as typed
    ('"how to" cite', '"how to" cite'),          # a quoted phrase: as typed
    ("+to cite", "+to cite"),                    # the theme's query syntax: as typed
])
def test_finished_stop_words_are_left_out_of_the_query(search_page, typed, sent):
    assert search_page.evaluate("q => window.guideSearchQuery(q)", typed) == sent


@pytest.mark.browser
def test_a_finished_stop_word_does_not_find_words_that_begin_with_it(search_page, base_url):
    # Sent as typed, "to" and "the" would find "Teaching sensitive topics" and "Toe by Toe".
    for query in ("how to cite the book", "how to cite this guide"):
        top = run_query(search_page, base_url, query)[:5]
        assert "teaching/sensitive-topics/" not in top and "glossary/#toe-by-toe" not in top, top


@pytest.mark.browser
def test_an_author_s_own_works_come_before_those_they_co_wrote(search_page, base_url):
    top = run_query(search_page, base_url, "Maruna")[:3]
    assert all(a.startswith("bibliography/#ref-maruna") for a in top), top
