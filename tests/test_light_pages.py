"""Light pages: the search index stays off a page's first view and arrives when the reader
opens search; content tooltips are made on hover or focus, never at load, and behave as
accessible tooltips (described link, Escape, pointer away); the theme's palette starts without
a pass over every element's style when it changes nothing, and still switches as before."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, SEARCH_READY_MS

INDEX = "search/search_index.json"
TERM_LINK = 'a[href="../../glossary/#helper-therapy-principle"]'


def _config() -> dict:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def test_theme_does_not_set_up_a_tooltip_per_title_at_load():
    assert "content.tooltips" not in _config()["theme"]["features"]
    assert "assets/javascripts/glossary-tips.js" in _config()["extra_javascript"]


@pytest.mark.parametrize("script", ["search-lazy.js", "palette-start.js"])
def test_what_must_run_before_the_theme_bundle_does(site_dir, script):
    for rel in ("index.html", "glossary/index.html", "404.html"):
        html = (site_dir / rel).read_text(encoding="utf-8")
        early = re.search(r'<script src="[^"]*assets/javascripts/' + re.escape(script) + '"',
                          html)
        bundle = re.search(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"',
                           html)
        assert early and bundle and early.start() < bundle.start(), rel
        assert html.count(script) == 1, rel


@pytest.mark.browser
def test_search_index_is_fetched_only_when_search_opens(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + "glossary/", wait_until="networkidle")
    page.wait_for_timeout(500)
    assert not [url for url in requests if INDEX in url]
    page.fill("input.md-search__input", "Listener")
    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_READY_MS)
    assert [url for url in requests if INDEX in url]
    context.close()


@pytest.mark.browser
def test_search_deep_link_still_searches(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "?q=Listener")
    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_READY_MS)
    context.close()


@pytest.mark.browser
def test_tooltips_are_made_on_focus_and_hover_not_at_load(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/", wait_until="networkidle")
    assert page.locator(".md-tooltip2").count() == 0  # nothing made at load
    link = page.locator(TERM_LINK).first
    title = link.get_attribute("title")
    assert title

    link.focus()
    page.wait_for_selector(".md-tooltip2--active", timeout=5000)
    tip = page.locator(".md-tooltip2--active")
    assert tip.inner_text().strip() == title
    assert tip.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert link.get_attribute("title") is None  # no second, native tooltip while it shows
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.locator(".md-tooltip2--active").count() == 0
    assert link.get_attribute("aria-describedby") is None
    assert link.get_attribute("title") == title

    other = page.locator("a.headerlink").first
    other.hover()
    page.wait_for_selector(".md-tooltip2--active", timeout=5000)
    assert page.locator(".md-tooltip2--active").inner_text().strip() == "Link to this section"
    page.mouse.move(0, 0)
    page.wait_for_timeout(600)
    assert page.locator(".md-tooltip2--active").count() == 0
    assert page.locator(".md-tooltip2").count() == 1  # one element, reused
    context.close()


@pytest.mark.browser
def test_the_pointer_can_move_onto_a_tooltip_and_it_stays(browser, base_url):
    """WCAG 1.4.13 (hoverable): a glossary term's definition stays open while the pointer
    moves from the link onto it, so it can be read and its text selected."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/", wait_until="networkidle")
    link = page.locator(TERM_LINK).first
    link.scroll_into_view_if_needed()
    link.hover()
    page.wait_for_selector(".md-tooltip2--active", timeout=5000)
    page.wait_for_function("() => { const t = document.querySelector('.md-tooltip2--active');"
                           " return t && !t.getAnimations().length; }")  # settled where it opens
    box = page.locator(".md-tooltip2--active .md-tooltip2__inner").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.wait_for_timeout(600)  # longer than the 250 ms a tooltip waits before closing
    assert page.locator(".md-tooltip2--active").count() == 1
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('#guide-tooltip') !== null",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit
    assert page.locator("#guide-tooltip .md-tooltip2__inner").evaluate(
        "e => getComputedStyle(e).userSelect") != "none"
    page.mouse.move(0, 0)
    page.wait_for_timeout(600)
    assert page.locator(".md-tooltip2--active").count() == 0
    context.close()


# What the theme's palette does to the page as it loads, seen by an observer that starts before
# any of the page's scripts: each switching attribute set (true) or removed (false) on <body>,
# each color-scheme meta put in the document, and the class of <html> before each change made to it
# once the body exists (an observer's records arrive after the script that made the change).
WATCH_PALETTE = """
window.guideSeen = {switching: [], metas: [], htmlClass: []};
new MutationObserver(records => { for (const r of records) {
  if (r.type === 'attributes' && r.attributeName === 'data-md-color-switching')
    guideSeen.switching.push(r.target.hasAttribute('data-md-color-switching'));
  if (r.type === 'attributes' && r.target === document.documentElement && r.attributeName === 'class'
      && document.body) guideSeen.htmlClass.push(r.oldValue);
  if (r.type === 'childList') for (const n of r.addedNodes)
    if (n.nodeName === 'META' && n.getAttribute('name') === 'color-scheme') guideSeen.metas.push(n.content);
}}).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true});
"""
TOGGLE = 'form[data-md-component="palette"] label:not([hidden])'
ROOT_SCHEME = "getComputedStyle(document.documentElement).colorScheme"


def _seen(page) -> dict:
    """What the observer saw; htmlClass becomes the classes <html> had after the body existed."""
    seen = page.evaluate("guideSeen")
    seen["htmlClass"] = set(seen["htmlClass"] + [page.evaluate("document.documentElement.className")])
    return seen


@pytest.mark.browser
def test_an_unchanged_palette_starts_without_restyling_the_page(browser, base_url):
    """A first visit with a light system setting: the theme applies the palette the page already
    has, so nothing marks every element for restyling: no switching attribute, no color-scheme
    meta, and <html>'s class is set in <head>, before the body is drawn."""
    context = browser.new_context(color_scheme="light")
    context.add_init_script(WATCH_PALETTE)
    page = context.new_page()
    page.goto(base_url + "glossary/", wait_until="load")
    page.wait_for_timeout(300)  # past the frame in which the theme removes the switching mark
    seen = _seen(page)
    assert seen["switching"] == []
    assert seen["metas"] == []
    assert seen["htmlClass"] == {"js js-focus-visible"}
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    assert page.evaluate(ROOT_SCHEME) == "light"
    # Once loaded, the theme's palette works as before: a change turns transitions off while it
    # is applied (the switching mark, set and removed), and the page's scrollbars follow it.
    page.locator(TOGGLE).click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    assert _seen(page)["switching"] == [True, False]
    assert page.evaluate(ROOT_SCHEME) == "dark"
    # A returning reader's dark palette is applied before the page is drawn: again no pass.
    page.reload(wait_until="load")
    page.wait_for_timeout(300)
    seen = _seen(page)
    assert seen["switching"] == [] and seen["metas"] == []
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert page.evaluate(ROOT_SCHEME) == "dark"
    page.locator(TOGGLE).click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert page.evaluate(ROOT_SCHEME) == "light"
    context.close()


@pytest.mark.browser
def test_a_first_visit_in_dark_mode_gets_the_theme_s_own_switch(browser, base_url):
    """A first visit with a dark system setting changes the palette at load, so the theme's
    switching mark (transitions off) is applied as the theme does it."""
    context = browser.new_context(color_scheme="dark")
    context.add_init_script(WATCH_PALETTE)
    page = context.new_page()
    page.goto(base_url + "glossary/", wait_until="load")
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    assert _seen(page)["switching"] == [True, False]
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert page.evaluate(ROOT_SCHEME) == "dark"
    context.close()
