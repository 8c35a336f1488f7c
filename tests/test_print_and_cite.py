"""For lecturers: printing a chapter gives a clean handout, each chapter has a one-page seminar
handout, and each chapter page says how to cite the book and the page (with downloads)."""

from __future__ import annotations

import datetime
import re

import pytest
import rispy

from conftest import ROOT, TEST_SITE_URL
from studyguide import bibliography, site

CHAPTERS = ["introduction", "chapter-1", "chapter-2", "chapter-3", "chapter-4", "chapter-5",
            "chapter-6", "conclusion"]


def sections(html: str) -> list[str]:
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    return re.findall(r'<h2 id="([^"]+)"', article)


def test_handouts_hold_questions_activity_and_its_background(site_dir):
    """Questions and activity first, then the Summary paragraphs and key concepts the tasks
    rely on; no leader notes."""
    for name in CHAPTERS:
        html = (site_dir / "handouts" / name / "index.html").read_text(encoding="utf-8")
        assert sections(html)[:2] == ["seminar-questions", "seminar-activity"], name
        assert set(sections(html)) <= {"seminar-questions", "seminar-activity",
                                       "background-for-the-tasks", "references"}
        assert "For discussion leaders" not in html, name
        number = name.split("-")[-1]
        prefix = {"introduction": "intro", "conclusion": "concl"}.get(name, f"ch{number}")
        assert f'id="{prefix}-q1"' in html
        chapter = (site_dir / "chapters" / name / "index.html").read_text(encoding="utf-8")
        assert f'href="../../handouts/{name}/"' in chapter


def test_handout_keeps_the_chapters_content_note(site_dir):
    html = (site_dir / "handouts/chapter-4/index.html").read_text(encoding="utf-8")
    assert "Content note" in html


@pytest.mark.browser
def test_printing_a_chapter_hides_navigation_and_shows_link_addresses(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + "chapters/chapter-2/")
    # Links get their printed addresses when the page is about to print, not while it loads.
    assert page.locator("article a[data-print-href], article a[data-print-same]").count() == 0
    page.emulate_media(media="print")
    hidden = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
              ".md-search", ".question-copy", ".md-content__button", ".headerlink"]
    for selector in hidden:
        displays = page.locator(selector).evaluate_all(
            "els => els.map(e => getComputedStyle(e).display)")
        assert displays and set(displays) == {"none"}, selector
    assert page.locator("article h1").is_visible()
    link = page.locator('article a[href^="../../glossary/"]').first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert TEST_SITE_URL + "glossary/#" in after  # the published address, not the local one
    doi = page.locator('article .csl-entry a[href^="https://doi.org/"]').first  # a reference
    assert doi.evaluate("a => getComputedStyle(a, '::after').content") == "none"  # its text
    assert page.locator("a.question-link[href='#ch2-q4']").is_visible()
    answer = page.locator("details.question p").first
    assert not answer.is_visible()  # self-check answers print at the end of the page
    assert page.locator("details.question > ul").first.is_visible()  # with their options
    assert page.locator(".print-answers").is_visible()
    page.close()


# Each handout fits on two sides of A4 at 10 pt: tests/test_paper.py.


def test_cite_this_page_gives_apa_and_harvard_for_book_and_page(site_dir):
    book_apa = site.load(ROOT).references["perrin2025peer"]
    for name in CHAPTERS:
        html = (site_dir / "chapters" / name / "index.html").read_text(encoding="utf-8")
        section = html.split('id="cite-this-page"', 1)[1].split("<h2", 1)[0]
        assert section.count('class="cite-style">APA 7:') == 2
        assert section.count('class="cite-style">Harvard:') == 2
        assert book_apa in section  # the same record and style as the bibliography
        url = f"{TEST_SITE_URL}chapters/{name}/"
        assert f'href="{url}"' in section
        assert "(n.d.)" in section and "Retrieved" not in section
        assert f'href="../../downloads/cite-{name}.bib"' in section


def test_cite_downloads_reparse(site_dir):
    for name in CHAPTERS:
        bib = bibliography.load(site_dir / "downloads" / f"cite-{name}.bib")
        assert "perrin2025peer" in bib.entries and len(bib.entries) == 2
        page_entry = [e for k, e in bib.entries.items() if k != "perrin2025peer"][0]
        assert page_entry.fields["url"] == f"{TEST_SITE_URL}chapters/{name}/"
        records = rispy.loads((site_dir / "downloads" / f"cite-{name}.ris").read_text(encoding="utf-8"))
        assert {r["id"] for r in records} == set(bib.entries)


@pytest.mark.browser
def test_copy_buttons_copy_a_reference_and_an_address(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.clock.set_fixed_time(datetime.datetime(2026, 3, 5, 12, 0))  # the reader's "today"
    page.goto(base_url + "chapters/chapter-5/")
    buttons = page.locator(".cite-box p button")
    assert [buttons.nth(n).get_attribute("aria-label") for n in range(buttons.count())] == [
        "Copy the APA 7 reference for the book", "Copy the Harvard reference for the book",
        "Copy the APA 7 reference for this page", "Copy the Harvard reference for this page"]
    button = buttons.first
    button.click()
    page.wait_for_function("document.querySelector('.cite-box button').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()").startswith("Perrin, C. (2025). Peer support in prison")
    # Harvard gives a web page's access date, the reader's own: today, in British form.
    def copied(n: int, what: str) -> str:
        buttons.nth(n).click()
        page.wait_for_function("w => document.getElementById('guide-status').textContent"
                               ".includes(w)", arg=f"{what} copied")
        return page.evaluate("navigator.clipboard.readText()")

    assert copied(3, "Harvard reference for this page").endswith(
        "chapters/chapter-5/ (Accessed: 5 March 2026).")
    assert "Accessed" not in copied(1, "Harvard reference for the book")  # not a web page
    assert "(Accessed: 5 March 2026)" in page.locator(".cite-box").nth(3).inner_text()  # shown
    assert "Accessed" not in page.locator(".cite-box").nth(2).inner_text()  # nor is APA's
    page.goto(base_url + "teaching/linking/")
    link = page.locator(".link-targets td > a").nth(3)
    link.locator("xpath=following-sibling::button").click()
    page.wait_for_timeout(200)
    assert page.evaluate("navigator.clipboard.readText()") == link.get_attribute("href") == link.inner_text()
    context.close()


# --- One citation template for the guide ------------------------------------------------------

SITE_NAME = "Peer Support in Prison: A Study Guide"  # mkdocs.yml site_name
APA_PAGE = re.compile(r'<em>(?P<title>[^<]+)</em>\.? \(n\.d\.\)\. (?P<site>[^.<]+: [^.<]+)\. '
                      r'<a href="(?P<url>[^"]+)">(?P=url)</a>$')


def test_how_to_cite_matches_the_golden_markup():
    from studyguide import cite
    example = {"APA 7": '<em>Glossary</em>. (n.d.). A Site &amp; Its Guide. '
                        '<a href="https://example.org/g/">https://example.org/g/</a>',
               "Harvard": "“Glossary” (no date). A Site &amp; Its Guide."}
    expected = (ROOT / "tests/fixtures/paper/cite-guide/expected.md").read_text(encoding="utf-8")
    assert cite.guide_howto(example, "A Site & Its Guide") == expected.rstrip("\n")


def _apa_page_texts(site_dir) -> dict[str, str]:
    texts = {}
    for name in CHAPTERS:
        html = (site_dir / "chapters" / name / "index.html").read_text(encoding="utf-8")
        section = html.split('id="cite-this-page"', 1)[1].split("<h2", 1)[0]
        boxes = re.findall(r'class="cite-style">APA 7:</span> <span class="cite-text">(.*?)</span></p>',
                           section)
        texts[f"chapters/{name}/"] = boxes[1]  # the book, then this page
    return texts


def test_about_page_and_every_cite_box_use_one_reference_form(site_dir):
    html = (site_dir / "about/index.html").read_text(encoding="utf-8")
    section = html.split('id="how-to-cite-this-guide"', 1)[1].split("<h2", 1)[0]
    example = re.search(r"<p>APA 7: (.*?)</p>", section).group(1)
    texts = {"glossary/": example, **_apa_page_texts(site_dir)}
    for where, text in texts.items():
        match = APA_PAGE.fullmatch(text)
        assert match, (where, text)
        assert match["site"] == SITE_NAME and match["url"] == TEST_SITE_URL + where
    assert f"<em>Title of the page</em>. (n.d.). {SITE_NAME}. Address of the page" in section
    # APA 7: no retrieval date for pages not designed to change, so none anywhere
    assert "Retrieved" not in section and "URL of the page" not in html
    assert "A study guide" not in html.replace("A Study Guide", "")


def test_the_site_title_is_spelled_one_way(site_dir):
    for rel in ["handouts/chapter-1/index.html", "about/index.html", "chapters/chapter-1/index.html"]:
        html = (site_dir / rel).read_text(encoding="utf-8")
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        spellings = set(re.findall(r"Peer Support in Prison: [Aa] [Ss]tudy [Gg]uide", article))
        assert spellings == {SITE_NAME}, (rel, spellings)


@pytest.mark.browser
def test_copy_link_on_a_handout_copies_the_chapter_pages_address(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "handouts/chapter-1/")
    link = page.locator("a.question-link", has_text="ch1-q3")
    assert link.get_attribute("href") == "../../chapters/chapter-1/#ch1-q3"
    button = link.locator("xpath=following-sibling::button[1]")
    assert button.get_attribute("aria-label") == "Copy link to question ch1-q3"
    button.click()
    page.wait_for_function("document.getElementById('guide-status')?.textContent.includes('copied')")
    # the published address, not this local server's (more cases: tests/test_browser.py)
    assert page.evaluate("navigator.clipboard.readText()") == TEST_SITE_URL + "chapters/chapter-1/#ch1-q3"
    context.close()
