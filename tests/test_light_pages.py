"""Light pages: the search index stays off a page's first view and arrives when the reader
opens search; content tooltips are made on hover or focus, never at load, and behave as
accessible tooltips (described link, Escape, pointer away)."""

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


def test_search_on_demand_runs_before_the_theme_bundle(site_dir):
    for rel in ("index.html", "glossary/index.html", "404.html"):
        html = (site_dir / rel).read_text(encoding="utf-8")
        lazy = re.search(r'<script src="[^"]*assets/javascripts/search-lazy\.js"', html)
        bundle = re.search(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"',
                           html)
        assert lazy and bundle and lazy.start() < bundle.start(), rel
        assert html.count("search-lazy.js") == 1, rel


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
