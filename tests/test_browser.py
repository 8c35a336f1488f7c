"""In headless Chromium (the system's): accessibility (axe-core) on every page in both colour
schemes at phone and desktop widths, no request to any other host, and the seminar questions'
copy-link control."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest

from conftest import ROOT, SEARCH_READY_MS, TEST_SITE_URL, built_pages, page_url
from studyguide import glossary, sources

pytestmark = pytest.mark.browser

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# Colours are checked once they have settled: a button that has just appeared under the
# pointer (Offline reading's Remove, in place of Save) is part-way through the theme's 125 ms
# hover transition, and axe would read the blended text and background of that moment.
SETTLED = ("() => !document.getAnimations().some(a => a instanceof CSSTransition"
           " && a.playState === 'running')")


def run_axe(page) -> list[dict]:
    page.wait_for_function(SETTLED, timeout=5000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def pages_to_test(site_dir) -> list[str]:
    return built_pages(site_dir)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violations_on_any_page(browser, base_url, pages_to_test, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    failures = {}
    for rel in pages_to_test:
        page.goto(page_url(base_url, rel))
        palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert palette == ("slate" if scheme == "dark" else "default"), rel
        violations = run_axe(page)
        if violations:
            failures[rel] = violations
    context.close()
    assert failures == {}, failures


def test_search_dialog_open_has_no_violations(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url)
    page.keyboard.press("/")
    page.fill("input.md-search__input", "Listener")
    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_READY_MS)
    violations = run_axe(page)
    assert violations == [], "\n".join(map(str, violations))
    context.close()


def test_no_page_requests_another_host(browser, base_url, pages_to_test):
    context = browser.new_context()
    page = context.new_page()
    own = urlsplit(base_url).netloc
    foreign: dict[str, list[str]] = {}
    page.on("request", lambda request: foreign.setdefault(page.url, []).append(request.url)
            if urlsplit(request.url).netloc not in (own, "") and
            not request.url.startswith(("data:", "blob:")) else None)
    for rel in pages_to_test:
        page.goto(page_url(base_url, rel), wait_until="networkidle")
    context.close()
    assert foreign == {}


def test_a_self_check_item_shows_its_options_before_its_answer(browser, base_url):
    """One tap on a multiple-choice item shows the options; the answer waits for a second."""
    page = browser.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    item = page.locator("details.question").first
    item.locator("> summary").click()
    options = item.locator("> ul > li")
    assert options.count() >= 3 and options.first.is_visible()
    answer = item.locator("> details.success")
    assert answer.is_visible() and not answer.locator("p").first.is_visible()
    answer.locator("> summary").click()
    assert answer.locator("p").first.is_visible()
    assert answer.locator("p").first.inner_text().startswith("Answer: ")
    page.close()


@pytest.mark.parametrize("opened", ["chapters/chapter-1/", "chapters/chapter-1/index.html",
                                    "print/"])  # a handout: tests/test_print_and_cite.py
def test_copy_link_button_copies_the_question_url(browser, base_url, opened):
    """The address copied is the question's published one on its chapter page, wherever the
    page was opened: on this local server, as …/index.html, on a handout or the print page."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + opened)
    button = page.locator("#ch1-q3 ~ .question-copy, a.question-link[href$='#ch1-q3'] + .question-copy").first
    assert button.get_attribute("aria-label") == "Copy link to question ch1-q3"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('guide-status')?.textContent.includes('copied')")
    assert page.evaluate("navigator.clipboard.readText()") == TEST_SITE_URL + "chapters/chapter-1/#ch1-q3"
    assert button.inner_text() == "Copied"
    context.close()


def test_linking_page_copy_buttons_copy_their_address_and_hide_without_javascript(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "teaching/linking/")
    rows = page.locator(".link-table tbody tr")
    assert rows.count() > 100
    row = rows.filter(has=page.locator('a[href$="chapters/chapter-3/#ch3-q2"]'))
    link = row.locator("a")
    button = row.locator("button.link-copy")
    assert button.is_visible() and button.get_attribute("aria-label") == \
        "Copy address " + link.inner_text()
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('guide-status')?.textContent"
                           ".includes('Address copied')")
    assert page.evaluate("navigator.clipboard.readText()") == link.get_attribute("href")
    assert button.inner_text() == "Copied"
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "teaching/linking/")
    assert page.locator(".link-table a").first.is_visible()
    assert not page.locator("button.link-copy").first.is_visible()
    context.close()


def test_question_anchor_scrolls_into_view(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-2/#ch2-q7")
    top = page.evaluate("document.getElementById('ch2-q7').getBoundingClientRect().top")
    assert 0 <= top < 700
    context.close()


def test_questions_keep_a_plain_permalink_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    link = page.locator("a.question-link[href='#ch1-q1']")
    assert link.is_visible() and link.inner_text() == "ch1-q1"
    assert page.locator(".question-copy").count() == 0
    context.close()


def test_skip_link_is_first_and_visible_on_focus(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "md-skip" in focused
    page.wait_for_timeout(500)  # the theme fades it in
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"
    context.close()


def _tooltip_after_focus(page, selector: str) -> str:
    page.locator(selector).first.focus()
    page.wait_for_selector(".md-tooltip2--active", timeout=5000)
    return page.locator(".md-tooltip2--active").first.inner_text()


CITE = 'a.cite[href="#ref-perrin2014accumulating"]'


def _preview(page) -> dict:
    page.wait_for_selector("#cite-preview:not([hidden])", timeout=5000)
    return page.evaluate("""() => {
      const box = document.getElementById('cite-preview');
      const style = getComputedStyle(box);
      return {text: box.innerText, role: box.getAttribute('role'),
              name: box.getAttribute('aria-label'), border: style.borderTopColor,
              background: style.backgroundColor, page: getComputedStyle(document.body).backgroundColor,
              described: document.activeElement.getAttribute('aria-describedby')};
    }""")


def test_citation_preview_shows_on_keyboard_focus_and_closes_on_escape(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    assert page.locator("#cite-preview").count() == 0  # created lazily, not at load
    page.locator(CITE).first.focus()
    shown = _preview(page)
    assert shown["text"].startswith("Perrin, C., & Blagden, N. (2014). Accumulating meaning")
    assert "In the bibliography" not in shown["text"]
    assert shown["role"] == "tooltip" and shown["name"] == "Reference"
    assert shown["described"] == "cite-preview"
    page.keyboard.press("Escape")
    assert page.locator("#cite-preview").is_hidden()
    context.close()


def test_citation_is_a_link_to_the_pages_reference_entry(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    link = page.locator(CITE).first
    assert link.inner_text().startswith("Perrin")
    link.click()
    assert page.evaluate("location.hash") == "#ref-perrin2014accumulating"
    assert page.locator("#ref-perrin2014accumulating").is_visible()
    context.close()


def _luminance(rgb: str) -> float:
    import re

    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_citation_preview_on_hover_in_both_schemes(browser, base_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    page.locator(CITE).first.hover()
    shown = _preview(page)
    assert shown["text"].startswith("Perrin, C., & Blagden, N. (2014).")
    assert shown["background"] != shown["page"] or scheme == "light"
    assert _contrast(shown["border"], shown["background"]) >= 3
    assert _contrast(shown["border"], shown["page"]) >= 3
    context.close()


def test_glossary_term_definition_shows_on_keyboard_focus(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    text = _tooltip_after_focus(page, 'a[href="../../glossary/#helper-therapy-principle"]')
    definition = glossary.parse(sources.read_page(ROOT / "docs/glossary.md", ROOT)[0]).definitions["helper-therapy-principle"]
    assert text.strip() == definition
    context.close()
