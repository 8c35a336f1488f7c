"""Ways through the guide: chapters named with their number (heading, tab title, navigation,
search), the "On this page" row, the compact content note, the glossary's A-Z bar and filter,
the focus indicator and Tab order, and the dark scheme (toggle and previews).

Generated markup is checked against hand-written golden files (tests/fixtures/reading/); the
built site is read back with an HTML parser; the browser tests (headless Chromium) measure what
a reader meets: focus-ring contrast, every Tab stop visible, the first tap on the palette
toggle changing the look."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOT, SEARCH_READY_MS
from studyguide import glossary, reading, sources, themefix

FIXTURES = Path(__file__).parent / "fixtures" / "reading"
CHAPTER_2 = sources.Chapter("2", 2, "Chapter 2", "Peer Support in Prisons: A Magnified Effect?",
                            "chapters/chapter-2.md", 1)


def fixture(*parts: str) -> str:
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def page_from(text: str, rel: str = "docs/chapters/chapter-2.md") -> sources.Page:
    page, problems = sources.parse_page(text, Path(rel), rel)
    assert problems == [] and page is not None
    return page


def contents() -> tuple[dict, list[sources.Chapter]]:
    found, records, problems = sources.load_contents(ROOT)
    assert problems == []
    return found, records


# --- Generated markup, against golden files ------------------------------------------------------

def test_chapter_page_gets_number_row_and_compact_note():
    page = page_from(fixture("chapter-page", "input.md"))
    out = reading.add_on_this_page(reading.numbered_heading(page.body, CHAPTER_2),
                                   reading.on_this_page(page))
    out = reading.compact_content_note(out)
    assert out == fixture("chapter-page", "expected.md")


def test_on_this_page_lists_only_the_sections_a_page_has():
    page = page_from("---\nchapter: 2\n---\n# T\n\n## Summary\n\n## Seminar questions\n\n"
                     "## References\n")
    row = lxml_html.fragment_fromstring(reading.on_this_page(page))
    assert [(a.text, a.get("href")) for a in row.iter("a")] == [
        ("Seminar questions", "#seminar-questions"), ("References", "#references")]
    assert row.tag == "nav" and row.get("aria-label") == "On this page"


def test_heading_keeps_an_id_written_by_hand():
    assert reading.numbered_heading("# Title {#kept .x}\n", CHAPTER_2) == (
        "# Chapter 2: Peer Support in Prisons: A Magnified Effect? {#kept .x}\n")


def test_content_note_without_a_support_sentence_is_left_as_written():
    text = '!!! warning "Content note"\n    This page discusses stigma.\n\n## Next\n'
    assert reading.compact_content_note(text) == text


def test_glossary_gets_an_a_to_z_bar_from_its_terms():
    page = page_from("---\ntitle: Glossary\n---\n" + fixture("glossary-page", "input.md"),
                     "docs/glossary.md")
    gloss = glossary.parse(page)
    assert glossary.add_az_bar(page.body, glossary.az_bar(gloss)) == fixture(
        "glossary-page", "expected.md")


@pytest.mark.parametrize("srcs, expected", [
    (["chapters/chapter-3.md", "chapters/chapter-4.md"], "Part 2 (Chapters 3\u20134)"),
    (["chapters/chapter-5.md"], "Part 3 (Chapter 5)"),
    (["chapters/chapter-2.md", "chapters/chapter-3.md"], None),      # two parts
    (["chapters/chapter-1.md", "teaching/index.md"], None),          # not only chapters
    (["chapters/introduction.md"], None),                            # no part
    ([], None),
])
def test_part_sections_are_named_with_their_chapters(srcs, expected):
    assert reading.section_title(srcs, contents()[1]) == expected


def test_heading_permalinks_leave_the_tab_order():
    html = ('<h2 id="a">A<a class="headerlink" href="#a" title="Link">&para;</a></h2>'
            '<a class="headerlink" tabindex="0" href="#b">&para;</a><a class="question-link" href="#q">q</a>')
    assert themefix.headerlinks_out_of_tab_order(html) == (
        '<h2 id="a">A<a class="headerlink" tabindex="-1" href="#a" title="Link">&para;</a></h2>'
        '<a class="headerlink" tabindex="0" href="#b">&para;</a><a class="question-link" href="#q">q</a>')


# --- The built site -------------------------------------------------------------------------------

def parse(site_dir: Path, rel: str):
    return lxml_html.fromstring((site_dir / rel).read_text(encoding="utf-8"))


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).replace("\u00b6", "").strip()


def test_chapters_are_named_with_their_number_everywhere(site_dir):
    _, records = contents()
    index = json.loads((site_dir / "search/search_index.json").read_text(encoding="utf-8"))
    search_titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    home = parse(site_dir, "index.html")
    nav_texts = [text_of(a) for a in home.xpath(".//nav[contains(@class, 'md-nav--primary')]//*[contains(concat(' ', @class, ' '), ' md-nav__link ')]")]
    for record in records:
        heading = f"{record.label}: {record.title}"     # independent of Chapter.heading
        doc = parse(site_dir, f"chapters/{record.stem}/index.html")
        assert text_of(doc.xpath(".//article//h1")[0]) == heading, record.page
        assert doc.findtext(".//title") == f"{heading} - Peer Support in Prison: A Study Guide"
        assert doc.xpath('.//meta[@property="og:title"]')[0].get("content") == heading
        assert search_titles[f"chapters/{record.stem}/"] == heading
        assert heading in nav_texts, record.page
    for label in ("Part 1 (Chapters 1\u20132)", "Part 2 (Chapters 3\u20134)",
                  "Part 3 (Chapters 5\u20136)"):
        assert label in nav_texts
    # The front matter still carries the publisher's exact title.
    page, _ = sources.read_page(ROOT / "docs/chapters/chapter-3.md", ROOT)
    assert page.meta["title"] == next(r.title for r in records if r.value == "3")


def test_every_chapter_page_has_an_on_this_page_row_that_resolves(site_dir):
    for record in contents()[1]:
        doc = parse(site_dir, f"chapters/{record.stem}/index.html")
        rows = doc.xpath('.//article//nav[@aria-label="On this page"]')
        assert len(rows) == 1, record.page
        h1 = doc.xpath(".//article//h1")[0]
        assert h1.getnext() is rows[0], "the row sits straight under the heading"
        links = [(text_of(a), a.get("href")) for a in rows[0].iter("a")]
        assert [t for t, _ in links] == ["At a glance", "Seminar questions", "Self-check",
                                        "Activity", "Reading", "References"]
        for _, href in links:
            assert doc.get_element_by_id(href[1:]).tag == "h2", (record.page, href)


def test_chapter_content_notes_are_compact(site_dir):
    for record in contents()[1]:
        doc = parse(site_dir, f"chapters/{record.stem}/index.html")
        notes = [n for n in doc.xpath(".//article//div[contains(@class, 'admonition') and contains(@class, 'warning')]")
                 if text_of(n.xpath("./p[@class='admonition-title']")[0]) == "Content note"]
        if not notes:
            continue
        support = notes[0].xpath("./details[@class='support']")
        assert len(support) == 1 and support[0].get("open") is None, record.page
        assert text_of(support[0].xpath("./summary")[0]) == "Where to find support"
        assert text_of(support[0]).split("support", 1)[1].strip().startswith("If ")
        visible = text_of(notes[0].xpath("./p[not(@class='admonition-title')]")[0])
        assert visible.startswith("This page") and "Samaritans can be contacted" not in visible


def test_glossary_a_to_z_links_every_letter_that_starts_a_term(site_dir):
    doc = parse(site_dir, "glossary/index.html")
    bar = doc.xpath('.//nav[@aria-label="Glossary, A to Z"]')[0]
    letters = [(text_of(a), a.get("href")) for a in bar.iter("a")]
    terms = [text_of(h) for h in doc.xpath(".//article//h3[@id]")]
    initials = sorted({next(c for c in term if c.isalpha()).upper() for term in terms})
    assert [letter for letter, _ in letters] == initials
    for letter, href in letters:
        target = doc.get_element_by_id(href[1:])
        assert target.tag == "h2" and text_of(target) == letter


def test_heading_permalinks_are_out_of_the_tab_order_on_every_page(site_dir):
    for path in site_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r'<a class="headerlink"[^>]*>', text):
            assert 'tabindex="-1"' in tag, (path, tag)


# --- In the browser ---------------------------------------------------------------------------------

# The colour of the focus ring and of what lies behind it (the ancestors' backgrounds, composited);
# for a radio that the theme hides, its label carries the ring.
FOCUS_JS = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  let shown = el;
  if (el.matches('input.md-option') && el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL') shown = el.nextElementSibling;
  const style = getComputedStyle(shown);
  const offset = parseFloat(style.outlineOffset) || 0;
  const layers = [];
  for (let n = offset < 0 ? shown : shown.parentElement; n; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor);
    if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let back = [255, 255, 255];
  for (const layer of layers.reverse()) back = back.map((v, i) => layer[i] * layer[3] + v * (1 - layer[3]));
  const ring = parse(style.outlineColor) || [back[0], back[1], back[2]];
  const a = lum(ring), b = lum(back);
  const r = shown.getBoundingClientRect();
  let hidden = false;
  for (let n = shown; n; n = n.parentElement) { if (parseFloat(getComputedStyle(n).opacity) === 0) hidden = true; }
  const top = r.width ? document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) : null;
  return {tag: el.tagName, cls: String(el.className), href: el.getAttribute('href') || '',
          name: (el.getAttribute('aria-label') || el.textContent).trim().replace(/\\s+/g, ' '),
          covered: !(top && shown.contains(top)),
          inHeader: !!shown.closest('.md-header'), inContent: !!shown.closest('.md-content'),
          inDrawer: !!shown.closest('.md-sidebar--primary'),
          ring: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
          width: r.width, height: r.height,
          onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
          visible: style.visibility === 'visible' && !hidden};
}"""


def seen(stop) -> bool:
    return (stop["visible"] and stop["onScreen"] and stop["width"] > 0 and stop["height"] > 0
            and stop["contrast"] >= 3)


def walk_tab_order(page, limit: int = 600, settled=seen) -> list[dict]:
    """The Tab stops from the top of the page, once round. A stop that is not yet `settled` is
    given time to fade in and scroll into view before it is read."""
    stops, first = [], None
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None:
            break
        for _ in range(3):
            if stop is None:                      # focus left the page: the walk is over
                return stops
            if settled(stop):
                break
            # The theme fades some controls in, and a busy machine scrolls late: scroll the stop
            # into view as the browser would (an element placed off the page stays off it).
            page.evaluate("document.activeElement.scrollIntoView({block: 'center', inline: 'nearest'})")
            page.wait_for_timeout(400)
            stop = page.evaluate(FOCUS_JS)
        if stop is None:
            return stops
        key = (stop["tag"], stop["cls"], stop["href"], page.evaluate("document.activeElement.id"))
        if first is None:
            first = key
        elif key == first:
            break                                  # back at the start
        stops.append(stop)
    return stops


@pytest.mark.browser
@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 1280), ("light", 375),
                                           ("dark", 375)])
def test_every_tab_stop_is_visible_with_a_3_to_1_focus_ring(browser, base_url, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    stops = walk_tab_order(page)
    context.close()
    assert len(stops) > 40
    unseen = [s for s in stops if not (s["visible"] and s["onScreen"] and s["width"] > 0
                                       and s["height"] > 0)]
    assert unseen == [], "\n".join(map(str, unseen))
    faint = [s for s in stops if s["contrast"] < 3 or not s["ring"].startswith("solid")]
    assert faint == [], "\n".join(map(str, faint))
    assert any(s["inHeader"] for s in stops) and sum(s["inContent"] for s in stops) > 30
    assert not [s for s in stops if "headerlink" in s["cls"]], "¶ links are not Tab stops"
    assert any("cite" in s["cls"].split() for s in stops), "citations stay focusable"
    on_page = [s["href"] for s in stops if s["href"] in ("#seminar-questions", "#check-your-understanding")]
    assert on_page[:2] == ["#seminar-questions", "#check-your-understanding"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_in_the_open_drawer_has_3_to_1(browser, base_url, scheme):
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.wait_for_timeout(400)
    # only the drawer's rings are asserted here, so only they are waited for
    stops = walk_tab_order(page, limit=60, settled=lambda s: not s["inDrawer"] or s["contrast"] >= 3)
    context.close()
    drawer = [s for s in stops if s["inDrawer"]]
    # The drawer opens on this page's section, Part 2: its title leads back, then its chapters
    # (this page's own entry opens its contents with the pointer). A closed section's panel,
    # faded out and moved aside, and the levels under the open one are no Tab stops.
    assert [s["name"] for s in drawer] == ["Back from Part 2 (Chapters 3–4)",
                                           "Chapter 4: The Irredeemable? How Incarcerated Peer "
                                           "Supporters Negotiate the ‘Sex Offender’ Label"]
    unseen = [s["name"] for s in drawer if not s["visible"] or s["covered"]]
    assert unseen == [], unseen
    faint = [s for s in drawer if s["contrast"] < 3 or not s["ring"].startswith("solid")]
    assert faint == [], "\n".join(map(str, faint))


@pytest.mark.browser
def test_a_section_opened_in_the_drawer_gives_its_links_to_the_keyboard(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    page.locator('label.md-header__button[for="__drawer"]').click()
    link = page.locator('.md-sidebar--primary a[href="../chapter-5/"]')
    assert link.evaluate("a => getComputedStyle(a).visibility") == "hidden"  # its section is closed
    section = page.locator('.md-sidebar--primary label.md-nav__link', has_text="Part 3")
    # the drawer shows this page's section, Part 2, over the level that holds Part 3: go back
    assert section.evaluate("l => getComputedStyle(l).visibility") == "hidden"
    page.locator("button.guide-nav-back", has_text="Part 2").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    page.keyboard.press("Tab")
    assert section.evaluate("l => l === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    # focus goes to the opened panel's way back, as the level it covers leaves the Tab order
    assert page.evaluate("document.activeElement.textContent.trim().replace(/\\s+/g, ' ')") == \
        "Back from Part 3 (Chapters 5–6)"
    assert section.evaluate("l => getComputedStyle(l).visibility") == "hidden"
    link.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "../chapter-5/"
    assert link.evaluate("a => getComputedStyle(a.closest('nav')).opacity") == "1"
    context.close()


@pytest.mark.browser
def test_the_keyboard_goes_back_up_the_drawer_s_levels(browser, base_url):
    """Each level's title is a button that goes back up; focus lands on what opened the level,
    and every Tab stop of the level shown can be seen (none lies under another level)."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    page.locator("button.guide-drawer-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_JS)["name"] == "Back from Part 2 (Chapters 3–4)"

    def level(going_back: str) -> list[dict]:
        """Go back with Enter; the Tab stops from what has focus then to the end of the level."""
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
        stops = [page.evaluate(FOCUS_JS)]
        while True:
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_JS)
            if stop is None or not stop["inDrawer"]:
                break
            stops.append(stop)
        page.keyboard.press("Shift+Tab")  # the drawer closed as focus left it: open it again
        page.locator("button.guide-drawer-button").click()
        page.wait_for_timeout(400)
        page.locator("button.guide-nav-back", has_text=going_back).focus()
        return stops

    chapters = level("Back from Chapters")
    assert [s["name"] for s in chapters] == ["Part 2 (Chapters 3–4)", "Part 3 (Chapters 5–6)",
                                             "Conclusion: Towards a Generative Justice"]
    top = level("Back from Chapters")
    context.close()
    assert [s["name"] for s in top][:2] == ["Chapters section", "Glossary"]
    covered = [s["name"] for s in chapters + top if s["covered"] or not s["visible"]]
    assert covered == [], covered


@pytest.mark.browser
def test_a_section_with_a_page_of_its_own_opens_from_the_keyboard(browser, base_url):
    """Chapters, Teaching and About have a page and, beside its link, the theme's arrow that
    opens the section: a button named after the section, saying whether it is open."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url)
    page.locator("button.guide-drawer-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        names.append(stop["name"])
        if stop["name"] == "Chapters section":
            break
    assert names[-2:] == ["Chapters", "Chapters section"] and not stop["covered"]
    arrow = page.locator('.guide-nav-open[aria-label="Chapters section"]')  # hidden once open
    assert arrow.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.evaluate(FOCUS_JS)["name"] == "Back from Chapters"
    assert arrow.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_JS)["href"] == "chapters/introduction/"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    page.wait_for_timeout(400)
    assert page.evaluate(FOCUS_JS)["name"] == "Chapters section"
    assert arrow.get_attribute("aria-expanded") == "false"
    assert [page.get_by_role("button", name=f"{name} section").count()
            for name in ("Teaching", "About this guide")] == [1, 1]
    context.close()


@pytest.mark.browser
def test_heading_permalink_shows_on_focus_and_on_touch_screens(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    link = page.locator("#seminar-questions > a.headerlink")
    assert link.evaluate("a => getComputedStyle(a).opacity") == "0"
    link.focus()
    page.wait_for_timeout(400)
    assert link.evaluate("a => getComputedStyle(a).opacity") == "1"
    context.close()
    touch = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 375, "height": 800})
    page = touch.new_page()
    page.goto(base_url + "chapters/chapter-3/")
    assert page.locator("#seminar-questions > a.headerlink").evaluate(
        "a => getComputedStyle(a).opacity") == "1"
    touch.close()


@pytest.mark.browser
def test_search_for_chapter_3_finds_the_chapter_3_page_first(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url)
    page.keyboard.press("/")
    page.fill("input.md-search__input", "chapter 3")
    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_READY_MS)
    first = page.locator(".md-search-result__item > a").first
    assert first.get_attribute("href").split("?")[0].split("#")[0].endswith("chapters/chapter-3/")
    assert first.inner_text().strip().startswith("Chapter 3: Cultivating")
    context.close()


@pytest.mark.browser
def test_on_this_page_row_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-4/")
    row = page.locator('nav[aria-label="On this page"]')
    box = row.bounding_box()
    assert box is not None and box["y"] < 700, "the row is on the first screen"
    row.get_by_role("link", name="Self-check").click()
    page.wait_for_url("**#check-your-understanding")
    top = page.evaluate("document.getElementById('check-your-understanding').getBoundingClientRect().top")
    assert 0 <= top < 700
    context.close()


@pytest.mark.browser
def test_content_note_opens_to_show_support(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-4/")
    support = page.locator("details.support")
    assert not support.locator("p").first.is_visible()
    support.locator("summary").click()
    assert support.locator("p").first.is_visible()
    assert "Stop It Now" in support.inner_text()
    context.close()


@pytest.mark.browser
def test_glossary_a_to_z_and_filter(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + "glossary/")
    page.locator('nav.glossary-az a[href="#s"]').click()
    page.wait_for_url("**#s")
    assert 0 <= page.evaluate("document.getElementById('s').getBoundingClientRect().top") < 700
    total = page.locator("article h3[id]").count()
    box = page.get_by_label("Filter the glossary")
    box.fill("stigma")
    shown = page.locator("article h3[id]:visible")
    texts = [page.locator("article h3[id]").nth(i) for i in range(total)]
    matched = 0
    for heading in texts:
        entry = heading.evaluate("""h => { let t = h.textContent, n = h.nextElementSibling;
            while (n && !/^H[23]$/.test(n.tagName)) { t += ' ' + n.textContent; n = n.nextElementSibling; }
            return t.toLowerCase(); }""")
        assert heading.is_visible() == ("stigma" in entry)
        matched += "stigma" in entry
    assert 0 < matched == shown.count() < total
    assert page.locator(".glossary-filter__count").inner_text() == f"{matched} of {total} terms match."
    assert not page.locator("#a").is_visible(), "a letter with no match is hidden"
    bar = page.locator("nav.glossary-az a")
    offered = [bar.nth(n).inner_text() for n in range(bar.count()) if bar.nth(n).is_visible()]
    headed = page.locator("article h2[id]:visible").evaluate_all("hs => hs.map(h => h.id.toUpperCase())")
    assert offered and offered == [h for h in headed if len(h) == 1], "the bar offers only those left"
    box.fill("zzzz")
    assert page.locator("article h3[id]:visible").count() == 0
    assert page.locator(".glossary-filter__count").inner_text().startswith("No terms match")
    box.press("Escape")
    assert page.locator("article h3[id]:visible").count() == total
    assert page.locator("nav.glossary-az a:visible").count() == page.locator("nav.glossary-az a").count()
    context.close()
    plain = browser.new_context(java_script_enabled=False)
    page = plain.new_page()
    page.goto(base_url + "glossary/")
    assert page.locator(".glossary-filter").count() == 0
    assert page.locator("nav.glossary-az a").count() > 10
    plain.close()


@pytest.mark.browser
@pytest.mark.parametrize("system, after", [("light", "slate"), ("dark", "default")])
def test_first_tap_on_the_palette_toggle_changes_the_look(browser, base_url, system, after):
    context = browser.new_context(color_scheme=system, has_touch=True, is_mobile=True,
                                  viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert before == ("default" if system == "light" else "slate"), "follows the system at first"
    bg = "getComputedStyle(document.body).backgroundColor"
    colour = page.evaluate(bg)
    page.locator('form[data-md-component="palette"] label:not([hidden])').tap()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{after}'")
    assert page.evaluate(bg) != colour
    # A phone keeps the "hover" where the finger was: the toggle now under it gets the event.
    page.locator('form[data-md-component="palette"] label:not([hidden])').dispatch_event("mouseenter")
    page.wait_for_timeout(800)
    assert page.evaluate("""[...document.querySelectorAll('.md-header .md-tooltip, .md-header .md-tooltip2')]
        .filter(t => getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().height > 0
                     && getComputedStyle(t).opacity !== '0').length""") == 0, "no tooltip lingers"
    page.locator('form[data-md-component="palette"] label:not([hidden])').tap()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{before}'")
    context.close()


CONTRAST_JS = """([a, b]) => {
  const parse = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const x = lum(parse(a)), y = lum(parse(b));
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}"""


@pytest.mark.browser
def test_glossary_preview_has_its_own_surface_and_border_in_the_dark_scheme(browser, base_url):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + "chapters/chapter-1/")
    page.locator('a[href="../../glossary/#helper-therapy-principle"]').first.focus()
    inner = page.locator(".md-tooltip2--active .md-tooltip2__inner").first
    inner.wait_for(timeout=5000)
    page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    surface = inner.evaluate("e => getComputedStyle(e).backgroundColor")
    border = inner.evaluate("e => [getComputedStyle(e).borderTopStyle, getComputedStyle(e).borderTopColor]")
    assert surface != page_bg
    assert border[0] == "solid"
    assert page.evaluate(CONTRAST_JS, [border[1], page_bg]) >= 3
    context.close()
