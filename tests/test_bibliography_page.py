"""The bibliography page and reading lists: exactly the entries of bibliography.bib, stable
anchors, "used in" links, downloads that re-parse, COinS for Zotero, and the filter in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import rispy

from studyguide import bibliography, bibpage, search, site

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bib():
    return bibliography.load(ROOT / "bibliography.bib", root=ROOT)


@pytest.fixture(scope="module")
def page_html(site_dir) -> str:
    return (site_dir / "bibliography/index.html").read_text(encoding="utf-8")


def entry_ids(html: str) -> list[str]:
    return re.findall(r'<li class="bib-entry"[^>]*\bid="ref-([a-z0-9]+)"', html)


def entry_item(html: str, key: str) -> str:
    """The markup of one entry: its opening tag's attributes and its content."""
    start = html.index(f'id="ref-{key}"')
    tag_start = html.rindex("<li", 0, start)
    return html[tag_start: html.index("</li>", start)]


def test_page_lists_exactly_the_entries_of_the_bib_file(bib, page_html):
    ids = entry_ids(page_html)
    assert sorted(ids) == sorted(bib.entries)
    assert len(ids) == len(set(ids))


def test_entries_are_in_apa_order(page_html):
    ids = entry_ids(page_html)
    assert ids == list(site.load(ROOT).references)  # the order citeproc gives in APA style
    assert ids.index("aresti2010doing") < ids.index("bagnall2015systematic") < ids.index("becker1963outsiders")


def test_each_entry_shows_its_themes_and_where_it_is_used(page_html):
    item = entry_item(page_html, "perrin2014accumulating")
    assert 'data-themes="listeners-suicide-prevention' in item
    assert "Used in:" in item
    assert 'href="../chapters/chapter-3/"' in item
    assert 'href="https://doi.org/10.1080/1068316X.2014.888429"' in item


def test_glossary_uses_link_to_the_term(page_html):
    item = entry_item(page_html, "riessman1965helper")
    assert 'href="../glossary/#helper-therapy-principle"' in item


def test_in_text_citations_link_to_the_bibliography_entry(site_dir):
    html = (site_dir / "chapters/chapter-3/index.html").read_text(encoding="utf-8")
    assert 'href="../../bibliography/#ref-perrin2014accumulating"' in html


def test_uses_cover_chapters_and_glossary():
    guide = site.load(ROOT)
    labels = {u.label for u in guide.uses["perrin2014accumulating"]}
    assert {"Chapter 2", "Chapter 3"} <= labels
    assert any(u.chapter == "3" for u in guide.uses["vaughan2007internal"])


def test_whole_bibliography_downloads_reparse_to_the_same_records(site_dir, bib, tmp_path):
    again = bibliography.load(site_dir / "downloads" / "bibliography.bib")
    assert again.problems == []  # complete references: the download passes the same lint
    assert sorted(again.entries) == sorted(bib.entries)
    for key, entry in bib.entries.items():
        assert again.entries[key].fields == entry.fields
        assert again.entries[key].authors == entry.authors
    records = rispy.loads((site_dir / "downloads" / "bibliography.ris").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in records) == sorted(bib.entries)


def test_each_chapter_has_a_reading_list_that_matches_its_uses(site_dir):
    guide = site.load(ROOT)
    for record in guide.chapter_records:
        stem, slug = record.stem, record.slug
        expected = sorted(k for k, uses in guide.uses.items() if any(u.chapter == slug for u in uses))
        listed = bibliography.load(site_dir / "downloads" / f"{stem}.bib")
        assert sorted(listed.entries) == expected, stem
        ris = rispy.loads((site_dir / "downloads" / f"{stem}.ris").read_text(encoding="utf-8"))
        assert sorted(r["id"] for r in ris) == expected
        chapter_html = (site_dir / record.page.replace(".md", "/index.html")).read_text()
        assert f'href="../../downloads/{stem}.bib"' in chapter_html
        assert f'?chapter={slug}"' in chapter_html


def test_coins_spans_are_valid_openurl(page_html, bib):
    spans = re.findall(r'<span class="Z3988" title="([^"]+)"></span>', page_html)
    assert len(spans) == len(bib.entries)
    import html as htmllib
    for title in spans:
        query = parse_qs(htmllib.unescape(title), strict_parsing=True)
        assert query["ctx_ver"] == ["Z39.88-2004"]
        fmt = query["rft_val_fmt"][0]
        assert fmt.startswith("info:ofi/fmt:kev:mtx:")
        # the journal and book matrices have a genre; dissertation and Dublin Core have none
        assert query.get("rft.genre") or fmt.endswith((":dissertation", ":dc"))


# --- In Chromium -------------------------------------------------------------------------------

@pytest.mark.browser
def test_filter_narrows_counts_announces_and_round_trips(browser, base_url, bib):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "bibliography/")
    total = len(bib.entries)
    count = page.locator("#bib-count")
    assert count.get_attribute("role") == "status"
    assert count.inner_text() == f"{total} of {total} works"
    page.fill("#bib-q", "drip by drip")
    page.wait_for_function(f"!document.getElementById('bib-count').textContent.startsWith('{total} of')")
    visible = page.locator("li.bib-entry:not([hidden])")
    assert visible.count() == 1
    assert visible.first.get_attribute("id") == "ref-perrin2014accumulating"
    assert count.inner_text() == f"1 of {total} works"
    assert "text=drip+by+drip" in page.url
    page.fill("#bib-q", "")
    page.select_option("#bib-chapter", "3")
    page.fill("#bib-from", "2010")
    page.wait_for_timeout(500)
    shown = page.locator("li.bib-entry:not([hidden])")
    years = [int(y) for y in shown.evaluate_all("els => els.map(e => e.dataset.year)")]
    assert years and min(years) >= 2010
    assert all("3" in c.split() for c in shown.evaluate_all("els => els.map(e => e.dataset.chapters)"))
    url = page.url
    assert "chapter=3" in url and "from=2010" in url
    page2 = context.new_page()
    page2.goto(url)
    assert page2.input_value("#bib-chapter") == "3"
    assert page2.locator("li.bib-entry:not([hidden])").count() == shown.count()
    # The words searched are the entries' own, not the buttons' the page adds to each.
    page2.goto(base_url + "bibliography/")
    page2.fill("#bib-q", "copy bibtex")
    page2.wait_for_function(f"!document.getElementById('bib-count').textContent.startsWith('{total} of')")
    assert page2.locator("#bib-count").inner_text() == f"0 of {total} works"
    context.close()


@pytest.mark.browser
def test_every_entry_visible_without_javascript(browser, base_url, bib):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "bibliography/")
    assert page.locator("li.bib-entry").count() == len(bib.entries)
    assert page.locator("li.bib-entry:visible").count() == len(bib.entries)
    assert not page.locator("#bib-filter").is_visible()  # no controls that cannot work
    context.close()


@pytest.mark.browser
def test_copy_bibtex_button(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "bibliography/#ref-becker1963outsiders")
    page.locator("#ref-becker1963outsiders .bib-copy").click()
    page.wait_for_function("document.querySelector('#ref-becker1963outsiders .bib-copy').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@book{becker1963outsiders,")
    assert page.locator("#bib-count").inner_text().endswith("works")  # the count stays
    context.close()


# --- Theme names, chapter downloads, the page on a phone -------------------------------------------

def test_theme_table_names_every_theme_the_bibliography_accepts():
    from studyguide import themes
    assert set(themes.THEME_LABELS) == bibliography.THEMES
    for slug, label in themes.THEME_LABELS.items():
        assert label[0].isupper() and "-" not in label, slug
    assert themes.THEME_LABELS["stigma-labelling"] == "Stigma and labelling"


def test_entries_and_the_theme_filter_read_themes_as_words(page_html):
    from studyguide import themes
    item = entry_item(page_html, "perrin2014accumulating")
    assert 'data-themes="listeners-suicide-prevention' in item  # the filter value stays a slug
    assert "Themes: Listeners and suicide prevention" in item
    assert "listeners suicide prevention" not in page_html
    import json
    options = json.loads(re.search(r'<script type="application/json" id="bib-options">(.*?)'
                                   r'</script>', page_html, re.S).group(1))
    assert {"value": "stigma-labelling", "label": "Stigma and labelling"} in options["themes"]
    assert all(t["label"] == themes.THEME_LABELS[t["value"]] for t in options["themes"])


def test_chapter_downloads_match_the_golden_markup(tmp_path):
    from studyguide import sources
    fixtures = ROOT / "tests" / "fixtures"
    bib = bibliography.load(fixtures / "exports" / "input.bib")
    records = [sources.Chapter("introduction", 0, "Introduction", "T", "chapters/introduction.md"),
               sources.Chapter("1", 1, "Chapter 1", "T", "chapters/chapter-1.md", 1),
               sources.Chapter("3", 3, "Chapter 3", "T", "chapters/chapter-3.md", 2)]
    uses = {"smith2020listening": [bibpage.Use("Introduction", "chapters/introduction.md",
                                               chapter="intro"),
                                   bibpage.Use("Chapter 3", "chapters/chapter-3.md", chapter="3")],
            "brown2019hope": [bibpage.Use("Chapter 3", "chapters/chapter-3.md", chapter="3")],
            "green2016wing": [bibpage.Use("Glossary: Wing", "glossary.md", "wing")]}
    expected = (fixtures / "paper" / "bib-chapter-downloads" / "expected.html").read_text()
    assert bibpage.chapter_downloads(bib, uses, records) == expected.rstrip("\n")


def test_every_chapter_with_a_reading_list_has_its_download_links(page_html, site_dir):
    guide = site.load(ROOT)
    for record in guide.chapter_records:
        row = re.search(rf'<p class="bib-chapter-list" data-chapter="{record.slug}" hidden>(.*?)</p>',
                        page_html)
        assert row, record.slug
        assert f'href="../downloads/{record.stem}.ris"' in row.group(1)
        assert f'href="../downloads/{record.stem}.bib"' in row.group(1)
        assert (site_dir / "downloads" / f"{record.stem}.ris").is_file()


def _phone(browser, **options):
    return browser.new_context(viewport={"width": 375, "height": 740}, **options)


SHIFTS = """window.guideShifts = [];
new PerformanceObserver(list => { for (const entry of list.getEntries())
  guideShifts.push(entry.value); }).observe({type: 'layout-shift', buffered: true});"""


@pytest.mark.browser
def test_on_a_phone_the_count_sits_beside_the_search_box_and_filters_fold(browser, base_url, bib):
    context = _phone(browser)
    context.add_init_script(SHIFTS)
    page = context.new_page()
    page.goto(base_url + "bibliography/", wait_until="load")
    page.wait_for_timeout(500)
    # Folded before the list is drawn: nothing on the page moves as it loads.
    assert page.evaluate("guideShifts") == []
    box = page.locator("#bib-q").bounding_box()
    count = page.locator("#bib-count")
    assert count.get_attribute("role") == "status" and count.get_attribute("aria-live") == "polite"
    where = count.bounding_box()
    assert 0 <= where["y"] - (box["y"] + box["height"]) < 24  # directly under the box
    assert not page.locator("#bib-more").evaluate("d => d.open")  # folded on a phone
    assert not page.locator("#bib-chapter").is_visible()
    page.fill("#bib-q", "listener")
    page.wait_for_function("!document.getElementById('bib-count').textContent.startsWith("
                           f"'{len(bib.entries)} of')")
    assert count.is_visible() and count.bounding_box()["y"] < 740  # the change is in view
    page.locator("#bib-more summary").click()
    assert page.locator("#bib-chapter").is_visible()
    page.goto(base_url + "bibliography/?theme=desistance")
    assert page.locator("#bib-more").evaluate("d => d.open")  # a filter in use stays in view
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "bibliography/")
    assert page.locator("#bib-more").evaluate("d => d.open") and page.locator("#bib-chapter").is_visible()
    context.close()


@pytest.mark.browser
def test_a_selected_chapter_offers_its_reading_list(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "bibliography/")
    assert page.locator(".bib-chapter-list:visible").count() == 0
    page.select_option("#bib-chapter", "3")
    row = page.locator(".bib-chapter-list:visible")
    assert row.count() == 1
    assert "Chapter 3's reading list" in row.inner_text()
    ris = row.get_by_role("link", name="RIS")
    assert ris.get_attribute("href") == "../downloads/chapter-3.ris"
    response = page.request.get(ris.evaluate("a => a.href"))
    assert response.ok and rispy.loads(response.text())
    assert row.get_by_role("link", name="BibTeX").get_attribute("href") == "../downloads/chapter-3.bib"
    page.select_option("#bib-chapter", "")
    assert page.locator(".bib-chapter-list:visible").count() == 0
    context.close()


@pytest.mark.browser
def test_an_empty_selection_explains_itself_and_clears(browser, base_url, bib):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "bibliography/?text=qqqzzz")
    empty = page.locator("#bib-empty")
    assert empty.is_visible()
    assert "No work matches" in empty.inner_text()
    assert page.locator("#bib-count").inner_text() == f"0 of {len(bib.entries)} works"
    empty.get_by_role("button", name="Clear filters").click()
    page.wait_for_function(f"document.getElementById('bib-count').textContent === "
                           f"'{len(bib.entries)} of {len(bib.entries)} works'")
    assert not empty.is_visible()
    assert page.input_value("#bib-q") == ""
    assert page.evaluate("document.activeElement.id") == "bib-q"
    assert "text=" not in page.url
    context.close()


@pytest.mark.browser
def test_arriving_from_site_search_fills_the_text_filter(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "bibliography/?h=drip")
    assert page.input_value("#bib-q") == "drip"
    assert page.locator("li.bib-entry:not([hidden])").count() == 1
    assert "text=drip" in page.url
    context.close()


# --- Withdrawn works --------------------------------------------------------------------------------
# A work left out of bibliography.bib keeps its published anchor: the manifest of published
# addresses (tests/permalinks.txt), not data/withdrawn.yml, says which anchors must still exist.

REMOVED = {"erikson1950childhood", "giordano2002gender", "ievins2015nobody", "mcadams2015narrating",
           "mcneill2012four", "mews2017impact", "perrin2016movements", "willis2010desistance"}


def published_reference_keys() -> set[str]:
    lines = (ROOT / "tests" / "permalinks.txt").read_text(encoding="utf-8").splitlines()
    return {line.split("#ref-", 1)[1] for line in lines if line.startswith("/bibliography/#ref-")}


def withdrawn_section(html: str) -> str:
    start = html.index('id="withdrawn-references"')
    return html[start: html.index("</ul>", start)]


def test_every_published_reference_anchor_is_an_entry_or_a_withdrawn_notice(bib, page_html):
    removed = published_reference_keys() - set(bib.entries)
    assert removed == REMOVED
    section = withdrawn_section(page_html)
    notices = re.findall(r'<li id="ref-([a-z0-9]+)" class="bib-withdrawn__item">', section)
    assert sorted(notices) == sorted(REMOVED)
    assert not REMOVED & set(entry_ids(page_html))        # a notice, never an entry
    assert page_html.index('id="bib-list"') < page_html.index('id="withdrawn-references"')


def test_a_withdrawn_notice_gives_the_citation_as_it_was_and_why_it_went(page_html):
    section = withdrawn_section(page_html)
    assert ('<li id="ref-perrin2016movements" class="bib-withdrawn__item"><strong>(Perrin &amp; '
            "Blagden, 2016)</strong>, <cite>Movements towards desistance via peer-support roles in "
            "prison</cite>. Withdrawn: no publisher's page, DOI record or library record "
            "showed its page range. The guide no longer lists it as a reference.</li>") in section
    assert ("<strong>(Mews et al., 2017)</strong>" in section
            and "library record showed its authors and their order." in section)
    assert "<h2" in page_html[page_html.rindex("<", 0, page_html.index('id="withdrawn-references"')):
                              page_html.index('id="withdrawn-references"')]


def test_withdrawn_works_are_in_no_download_and_no_search_entry(site_dir):
    for path in sorted((site_dir / "downloads").glob("*")):
        if path.suffix in {".bib", ".ris", ".csv", ".json"}:
            text = path.read_text(encoding="utf-8")
            assert not [key for key in REMOVED if key in text], path.name
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {search.address(doc["location"]) for doc in index["docs"]}  # as linked
    assert "bibliography/#ref-perrin2014accumulating" in locations
    assert not {f"bibliography/#ref-{key}" for key in REMOVED} & locations


def test_the_withdrawn_section_matches_the_golden_markup():
    works = [bibliography.Withdrawn("smith2020gone", "(Smith & Jones, 2020)", "A <title>",
                                    "volume and page range", 3),
             bibliography.Withdrawn("brown2019gone", "(Brown, 2019)", "Another", "publisher", 8)]
    golden = (ROOT / "tests" / "fixtures" / "bib" / "withdrawn_section.md").read_text(
        encoding="utf-8")
    assert bibpage.withdrawn_markdown(works) == golden.rstrip("\n")
    assert bibpage.withdrawn_markdown([]) == ""
