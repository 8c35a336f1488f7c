"""In headless Chromium (the system's), on a phone's screen: focus is never hidden under the
sticky header, the menu (drawer) works from the keyboard, text at 200% neither scrolls the
page sideways nor hides the menu's labels, and the offline controls keep the keyboard's place."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from conftest import SUB_PATH
from studyguide import devserver

pytestmark = pytest.mark.browser

PHONE = dict(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
             has_touch=True, reduced_motion="reduce")

# The focused element's box, and those of what stays on top of the page: the sticky header and
# the theme's "Back to top" button while it is shown.
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const focused = document.activeElement;
  const top = document.querySelector('.md-top');
  const shown = top && !top.hidden && !top.classList.contains('md-top--hidden')
                && getComputedStyle(top).opacity !== '0' && getComputedStyle(top).visibility !== 'hidden';
  return {
    what: focused.outerHTML.slice(0, 80),
    inside: !!focused.closest('.md-header, .md-top') || focused === document.body,
    focused: box(focused), header: box(document.querySelector('.md-header')),
    top: shown ? box(top) : null,
  };
}"""


def overlaps(a: dict, b: dict | None) -> bool:
    return b is not None and a["top"] < b["bottom"] and b["top"] < a["bottom"] \
        and a["left"] < b["right"] and b["left"] < a["right"]


def double_the_text(page) -> None:
    """The reader's text size at 200%: the root font size doubled (the theme sizes in rem)."""
    page.evaluate("""() => { const root = document.documentElement;
      root.style.fontSize = 2 * parseFloat(getComputedStyle(root).fontSize) + 'px'; }""")
    page.wait_for_timeout(100)


def test_shift_tab_never_leaves_focus_under_the_header_or_back_to_top(browser, base_url):
    """Tabbing backwards up a chapter page, each link the browser scrolls to stops below the
    sticky header and clear of "Back to top", which the theme shows while the page scrolls up
    (WCAG 2.4.11)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-2/")
    page.locator(".md-footer a").last.focus()
    hidden, seen = [], 0
    for _ in range(150):
        page.keyboard.press("Shift+Tab")
        page.wait_for_timeout(30)  # the theme shows "Back to top" on the next frame
        boxes = page.evaluate(BOXES)
        if boxes["inside"]:
            continue
        seen += 1
        if overlaps(boxes["focused"], boxes["header"]) or overlaps(boxes["focused"], boxes["top"]):
            hidden.append(boxes)
    context.close()
    assert seen > 100
    assert hidden == []


@pytest.mark.parametrize("address, target", [("chapters/chapter-2/#ch2-q4", "ch2-q4"),
                                             ("glossary/#m", "m")])
def test_an_anchor_lands_just_below_the_header(browser, base_url, address, target):
    """A seminar question's permalink and a glossary letter: in full view under the header,
    and not a screen's worth further down."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + address)
    page.wait_for_timeout(300)
    header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    top = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    context.close()
    assert header <= top <= header + 48, (header, top)


IN_DRAWER = """() => { const e = document.activeElement, box = e.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return !!e.closest('.md-sidebar--primary') && e.matches('a[href], button, label[tabindex]') &&
    e.contains(top); }"""
DRAWER_OPEN = "document.getElementById('__drawer').checked"


def is_focused(locator) -> bool:
    return locator.evaluate("e => e === document.activeElement")


@pytest.mark.parametrize("key", ["Enter", " "])
def test_the_menu_opens_and_closes_from_the_keyboard(browser, base_url, key):
    """The menu is a named button in the Tab order; Enter or Space opens it, Tab goes on into
    it (to a control the reader can see: the open section's way back), Escape closes it and
    focus is back on the button."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(5000)
    page.goto(base_url + "chapters/chapter-2/")
    menu = page.get_by_role("button", name="Open the navigation")
    for _ in range(4):
        page.keyboard.press("Tab")
        if is_focused(menu):
            break
    assert is_focused(menu) and menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert page.evaluate(DRAWER_OPEN)
    close = page.get_by_role("button", name="Close the navigation")
    assert is_focused(close) and close.get_attribute("aria-expanded") == "true"
    assert page.locator("#" + close.get_attribute("aria-controls")).evaluate(
        "e => e.classList.contains('md-sidebar--primary')")
    page.keyboard.press("Tab")
    assert page.evaluate(IN_DRAWER)
    page.keyboard.press("Shift+Tab")
    assert is_focused(close)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # on in the drawer (Escape works from anywhere in it)
    assert page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert not page.evaluate(DRAWER_OPEN)
    assert is_focused(menu)
    context.close()


def test_the_menu_opened_by_a_tap_is_left_with_tab_and_escape(browser, base_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-2/")
    page.locator('label.md-header__button[for="__drawer"]').tap()
    page.wait_for_timeout(300)
    assert page.evaluate(DRAWER_OPEN)
    page.keyboard.press("Tab")
    assert page.evaluate(IN_DRAWER)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert not page.evaluate(DRAWER_OPEN)
    assert is_focused(page.get_by_role("button", name="Open the navigation"))
    context.close()


@pytest.mark.parametrize("width, size", [(320, "200%"), (360, "40px")])
def test_large_text_does_not_scroll_a_chapter_page_sideways(browser, base_url, width, size):
    """WCAG 1.4.10 (reflow): with the text at 200% of the browser's size (32 px) on a 320 px
    screen, and at twice the theme's own (20 px) on a 360 px one, the reference list's "In the
    bibliography · Back to text" wraps instead of widening the page. A fixed layout viewport
    (not a phone's, which would widen to fit what overflows)."""
    context = browser.new_context(viewport={"width": width, "height": 740}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-2/")
    page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
    page.wait_for_timeout(100)
    assert page.locator(".references .ref-links").count() > 5
    widths = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    context.close()
    assert widths[0] <= widths[1] == width


def test_the_drawer_fits_the_screen_with_large_text(browser, base_url):
    """With twice the theme's text size on a 360 px phone the open drawer is no wider than the
    screen: its labels, titles and section arrows are all on it, the titles are not cut short,
    and closed, the drawer is wholly off the screen."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-2/")
    double_the_text(page)
    assert page.evaluate("document.querySelector('.md-sidebar--primary').getBoundingClientRect().right") <= 0
    page.locator('label.md-header__button[for="__drawer"]').tap()
    page.wait_for_timeout(300)
    measure = """() => {
      const drawer = document.querySelector('.md-sidebar--primary').getBoundingClientRect();
      // What is on the screen: the levels the drawer has not slid in start off its right edge.
      const shown = Array.from(document.querySelectorAll(
          '.md-sidebar--primary :is(.md-nav__link, .md-nav__title, .md-nav__icon)'))
        .filter(e => e.checkVisibility({visibilityProperty: true}))
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.left < innerWidth; });
      return {drawer: drawer.right, width: innerWidth, shown: shown.length,
              off: shown.filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                        .map(e => e.className + ' ' + e.textContent.trim().slice(0, 30)),
              cut: shown.filter(e => e.matches('.md-nav__title') && e.scrollWidth > e.clientWidth + 1)
                        .map(e => e.textContent.trim())};
    }"""
    section = page.evaluate(measure)  # the drawer opens on this page's section, Part 1
    for title in ("Back from Part 1", "Back from Chapters"):  # up to the top level
        page.locator("button.guide-nav-back", has_text=title).tap()
        page.wait_for_timeout(400)
    top = page.evaluate(measure)
    context.close()
    for found in (section, top):
        assert found["drawer"] <= found["width"]
        assert found["off"] == [] and found["cut"] == []
    assert section["shown"] >= 4 and top["shown"] > 10


@pytest.mark.parametrize("address", ["chapters/chapter-2/", "about/"])
def test_the_next_page_title_in_the_footer_is_shown_whole_with_large_text(browser, base_url, address):
    """With twice the theme's text size on a 360 px phone the footer's "Next" title wraps in
    full (the theme's one line showed "A…"), on at least half the screen's width."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + address)
    double_the_text(page)
    title = page.evaluate("""() => {
      const e = document.querySelector('.md-footer__link--next .md-footer__title .md-ellipsis');
      const r = e.getBoundingClientRect();
      return {width: r.width, right: r.right, screen: innerWidth, text: e.textContent.trim(),
              hidden: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1};
    }""")
    context.close()
    assert len(title["text"]) > 5 and not title["hidden"], title
    assert title["width"] >= title["screen"] / 2 and title["right"] <= title["screen"], title


@pytest.fixture
def own_origin(site_dir, tmp_path):
    """A copy of the built site on a port of its own, so its own service worker and caches (as
    tests/test_offline.py serves it)."""
    served = tmp_path / "served"
    shutil.copytree(site_dir, served)
    with devserver.serve(served, SUB_PATH) as url:
        yield url


FOCUSED = "document.activeElement.matches('[data-guide-offline-{}]')"
STATUS = "document.querySelector('[data-guide-offline-status]').textContent.startsWith('{}')"


def test_the_offline_controls_keep_the_keyboard_focus(browser, own_origin):
    """Enter on "Save the guide for offline reading" disables it: focus goes on to Cancel, not
    to the start of the page; once saved, to "Remove the saved copy"; once that is removed (and
    hidden), back to Save."""
    context = browser.new_context(**PHONE)
    context.route(re.compile(r".*/downloads/.*"), lambda route: (time.sleep(0.1), route.continue_()))
    page = context.new_page()
    page.goto(own_origin)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    page.locator("[data-guide-offline-save]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-guide-offline-cancel]:visible")
    assert page.evaluate(FOCUSED.format("cancel"))
    page.wait_for_function(STATUS.format("Saved."), timeout=60000)
    assert page.evaluate(FOCUSED.format("remove"))
    page.keyboard.press("Enter")
    page.wait_for_function(STATUS.format("The saved copy has been removed"), timeout=30000)
    assert page.is_hidden("[data-guide-offline-remove]")
    assert page.evaluate(FOCUSED.format("save"))
    context.close()
