"""The study hub: chapter cards from fixture pages (golden), the marker, the cards on the built
home page and chapters overview (figures checked against the built chapter pages), and axe,
phone width and no JavaScript on both pages in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import ROOT
from studyguide import hub, markers, quiz, site, sources
from studyguide.sources import Chapter

FIXTURES = ROOT / "tests" / "fixtures" / "hub"
HUB_PAGES = ["index.html", "chapters/index.html"]


def fixture_guide() -> tuple[dict, list[tuple[Chapter, sources.Page]]]:
    contents = yaml.safe_load((FIXTURES / "contents.yml").read_text(encoding="utf-8"))
    pairs = []
    for order, item in enumerate(contents["chapters"]):
        record = Chapter(str(item["chapter"]), order, item["label"], item["title"], item["page"],
                         item.get("part"))
        path = FIXTURES / "pages" / Path(item["page"]).name
        page, problems = sources.parse_page(path.read_text(encoding="utf-8"), path,
                                            f"docs/{item['page']}")
        assert problems == []
        # two self-check items, as the loader attaches them from docs/quiz/
        page.quiz = quiz.Bank(f"docs/quiz/{record.stem}.yml", item["page"], record, [
            quiz.Item(f"x-s{n}", "short-answer", f"Question {n}?", "A.", "B.", (), ())
            for n in (1, 2)])
        pairs.append((record, page))
    return contents, pairs


# --- Cards from fixture pages ------------------------------------------------------------------------

def test_cards_golden():
    """Three fixture pages of 101, 403 and 400 words (counted with wc -w), three seminar
    questions each (a note for discussion leaders is not one), two self-checks; Chapter 2 has no RIS list."""
    contents, pairs = fixture_guide()
    result = hub.cards_markdown(contents, pairs, "index.md", {"introduction", "chapter-1"}, level=3)
    assert result + "\n" == (FIXTURES / "cards-index.md").read_text(encoding="utf-8")


def test_reading_time_rounds_up_at_the_stated_rate():
    assert hub.RATE == 200
    assert [hub.reading_minutes(n) for n in (0, 1, 200, 201, 400, 401)] == [1, 1, 1, 2, 2, 3]


def test_links_are_relative_to_the_page_showing_the_cards():
    contents, pairs = fixture_guide()
    card = hub.groups(contents, pairs, "chapters/index.md", {"chapter-1"})[1].cards[0]
    assert (card.page, card.handout, card.reading_list, card.filtered) == (
        "chapter-1.md", "../handouts/chapter-1.md", "../downloads/chapter-1.ris",
        "../bibliography/?chapter=1")


def test_groups_follow_the_parts_and_keep_chapters_outside_them_apart():
    contents, pairs = fixture_guide()
    intro, ch1, ch2 = pairs
    conclusion = (Chapter("conclusion", 3, "Conclusion", "Towards", "chapters/conclusion.md"),
                  intro[1])
    found = hub.groups(contents, [intro, ch1, ch2, conclusion], "index.md", set())
    assert [(g.heading, [c.chapter.label for c in g.cards]) for g in found] == [
        ("Introduction", ["Introduction"]),
        ("Part 1: Humanity and Interdependency", ["Chapter 1", "Chapter 2"]),
        ("Conclusion", ["Conclusion"])]


# --- The marker ------------------------------------------------------------------------------------

def test_marker_belongs_on_the_home_page_and_the_overview_only():
    text = "<!-- guide:chapter-cards -->\n"
    assert markers.problems(text, "docs/index.md", "index.md", False) == []
    assert markers.problems(text, "docs/chapters/index.md", "chapters/index.md", False) == []
    found = markers.problems(text, "docs/glossary.md", "glossary.md", False)
    assert [(p.line, "belongs only on docs/chapters/index.md, docs/index.md" in p.message)
            for p in found] == [(1, True)]


@pytest.fixture(scope="module")
def real_guide():
    guide, problems = site.read(ROOT)
    assert guide is not None
    return guide


@pytest.mark.parametrize("src,level", [("index.md", 3), ("chapters/index.md", 2)])
def test_render_page_fills_the_marker_with_every_chapter(real_guide, src, level):
    markdown = real_guide.render_page(src, real_guide.pages[src].body)
    assert "guide:chapter-cards" not in markdown
    headings = [line for line in markdown.split("\n") if line.startswith("-   " + "#" * (level + 1) + " [")]
    assert [h.split("[", 1)[1].split("](")[0] for h in headings] == [
        c.heading for c in real_guide.chapter_records]


# --- The built pages ---------------------------------------------------------------------------------

def built_counts(site_dir: Path, href: str, base: str) -> tuple[int, int, int]:  # noqa: D401
    """Seminar questions and self-checks of a built chapter page, read from its HTML."""
    page = lxml.html.parse(str((site_dir / base / href / "index.html").resolve()))
    questions = page.xpath("//span[contains(@class, 'question-anchor')]/@id")
    checks = page.xpath("//h2[@id='check-your-understanding']/following-sibling::details"
                        "[contains(@class, 'question')]")
    return len(questions), len(checks), len(page.xpath("//h1"))


@pytest.mark.parametrize("rel", HUB_PAGES)
def test_built_cards_match_the_built_chapter_pages(site_dir, rel):
    html = lxml.html.parse(str(site_dir / rel))
    base = str(Path(rel).parent)
    cards = html.xpath("//div[contains(@class, 'grid') and contains(@class, 'cards')]/ul/li")
    assert len(cards) == 8
    contents = yaml.safe_load((ROOT / "docs/book/contents.yml").read_text(encoding="utf-8"))
    titles = [f"{c['label']}: {c['title']}" for c in contents["chapters"]]
    assert [c.xpath("string(./*[self::h3 or self::h4]/a[1])") for c in cards] == titles
    for card in cards:
        href = card.xpath("./*[self::h3 or self::h4]/a[1]/@href")[0]
        text = card.text_content()
        questions, checks, _ = built_counts(site_dir, href, base)
        assert f"{questions} seminar questions" in text and f"{checks} self-check questions" in text
        links = card.xpath(".//ul/li/a/@href")
        stem = href.rstrip("/").rsplit("/", 1)[-1]
        assert any(link.endswith(f"handouts/{stem}/") for link in links)
        assert any(link.endswith(f"downloads/{stem}.ris") for link in links)
        assert any("bibliography/?chapter=" in link for link in links)
    parts = html.xpath("//h2|//h3")
    part_titles = [p.xpath("string(.)").rstrip("¶") for p in parts]
    for part in contents["parts"]:
        assert f"Part {part['part']}: {part['title']}" in part_titles


# --- In the browser --------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_hub_pages_pass_axe(browser, base_url, scheme, width):
    from test_browser import run_axe

    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    failures = {}
    for rel in HUB_PAGES:
        page.goto(base_url + rel.replace("index.html", ""))
        violations = run_axe(page)
        if violations:
            failures[rel] = violations
        assert page.evaluate("document.documentElement.scrollWidth") <= width, rel
    context.close()
    assert failures == {}, failures


@pytest.mark.browser
def test_cards_work_without_javascript_at_phone_width(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    for rel in HUB_PAGES:
        page.goto(base_url + rel.replace("index.html", ""))
        cards = page.locator(".grid.cards > ul > li")
        assert cards.count() == 8
        for index in range(8):
            box = cards.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (rel, index)
            assert cards.nth(index).locator("a").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, rel
    context.close()


@pytest.mark.browser
def test_no_page_scrolls_sideways_on_a_small_phone_without_javascript(browser, base_url):
    """At 360 px with scripts off, the header's hidden second title (the page's own, long on
    chapter pages) must not widen the page."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    wide = {}
    for rel in ["", "chapters/", "chapters/chapter-3/", "chapters/chapter-6/", "glossary/",
                "bibliography/", "teaching/module-plans/", "handouts/chapter-4/", "print/"]:
        page.goto(base_url + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[rel] = width
    context.close()
    assert wide == {}
