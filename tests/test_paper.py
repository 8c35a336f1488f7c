"""On paper: pages printed to PDF in headless Chromium and read back with pdftotext (poppler), so
the checks see what a student holding the sheet sees. Also the golden fixtures of the markup
made for paper (tests/fixtures/paper/<behaviour>/: input and expected output, written by hand)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import TEST_SITE_URL, require
from studyguide import site, sources, transforms

FIXTURES = Path(__file__).parent / "fixtures" / "paper"
CHAPTERS = ["introduction", "chapter-1", "chapter-2", "chapter-3", "chapter-4", "chapter-5",
            "chapter-6", "conclusion"]
TEN_POINT_PX = 10 * 96 / 72 - 0.01  # Chromium rounds 13.333… px to 13.3333


# --- Golden fixtures (no build) -------------------------------------------------------------------

def _page(text: str) -> sources.Page:
    page, problems = sources.parse_page(text, Path("docs/chapters/chapter-2.md"),
                                        "docs/chapters/chapter-2.md")
    assert problems == [] and page is not None
    return page


def _read(behaviour: str, name: str) -> str:
    return (FIXTURES / behaviour / name).read_text(encoding="utf-8")


def test_print_answers_match_the_golden_output():
    import yaml

    from studyguide import quiz

    page = _page("---\ntitle: T\n---\n# T\n\n## Check your understanding\n\n"
                 "<!-- guide:self-check -->\n")
    items = [quiz.Item(f"ch2-s{n}", "short-answer", d["question"], d["answer"], d["why"], (), ())
             for n, d in enumerate(yaml.safe_load(_read("print-answers", "input.yml")), 1)]
    page.quiz = quiz.Bank("docs/quiz/chapter-2.yml", "chapters/chapter-2.md", None, items)
    assert transforms.print_answers(page).rstrip("\n") == \
        _read("print-answers", "expected.md").rstrip("\n")


def test_a_page_without_a_self_check_gets_no_answers_block():
    assert transforms.print_answers(_page("---\ntitle: t\n---\n# T\n\n## Summary\n\nText.\n")) == ""


def test_print_address_goes_under_the_title_and_not_into_code():
    case = yaml.safe_load(_read("print-address", "case.yml"))
    for item in case["cases"]:
        assert transforms.print_address(item["input"], case["url"]) == item["expected"], item


# --- Printed to PDF ------------------------------------------------------------------------------

def pdf_text(page, tmp_path: Path, name: str = "page") -> str:
    """The page as printed on A4, as text (pdftotext, reading order)."""
    require(shutil.which("pdftotext") is not None, "pdftotext", "apt-get install -y poppler-utils")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                            text=True, check=True)
    return result.stdout


def squeezed(text: str) -> str:
    """Text with all white space removed: long addresses wrap across printed lines."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


@pytest.mark.browser
def test_printed_chapter_puts_the_self_check_answers_at_the_end(page, base_url, tmp_path):
    page.goto(base_url + "chapters/chapter-2/")
    text = pdf_text(page, tmp_path)
    heading = text.index("Answers to “Check your understanding”")
    last_question = text.index("Check your understanding")
    assert last_question < text.index("Seminar activity") < heading
    first_answer = "His 2022 article in the"
    assert text.count(first_answer) == 1 and text.index(first_answer) > heading
    # the questions still print where they are, without their answers
    assert text.index("Which of these is not one of Sykes") < text.index("Seminar activity")
    assert text.count("Answer:") == text[heading:].count("Answer:") >= 5


@pytest.mark.browser
def test_every_printed_page_shows_its_address(page, base_url, tmp_path):
    for rel in ["", "chapters/chapter-2/", "glossary/", "bibliography/", "handouts/chapter-3/"]:
        page.goto(base_url + rel)
        assert ("Onlineat" + TEST_SITE_URL + rel) in squeezed(pdf_text(page, tmp_path)), rel
    # on screen the line is not shown (nor read out)
    assert not page.locator(".print-address").is_visible()


@pytest.mark.browser
def test_relative_links_print_their_absolute_address(page, base_url, tmp_path):
    page.goto(base_url + "chapters/chapter-2/")
    text = squeezed(pdf_text(page, tmp_path))
    assert f"<{TEST_SITE_URL}glossary/#pains-of-imprisonment>" in text
    assert f"<{TEST_SITE_URL}handouts/chapter-2/>" in text
    page.goto(base_url + "handouts/chapter-2/")
    text = squeezed(pdf_text(page, tmp_path, "handout"))
    assert f"Thefullchapterpage<{TEST_SITE_URL}chapters/chapter-2/>" in text
    assert "ch2-q1" in text and "#ch2-q1>" not in text  # a question's id, not its address


@pytest.mark.browser
def test_a_link_whose_text_is_its_address_prints_once(page, base_url, tmp_path):
    page.goto(base_url + "chapters/chapter-3/")
    text = squeezed(pdf_text(page, tmp_path))
    dois = page.locator('article a[href^="https://doi.org/"]').evaluate_all(
        "els => els.filter(a => a.textContent.trim() === a.href).map(a => a.href)")
    assert dois
    for doi in set(dois):
        # printed as often as it is a link (a reference can appear in several lists), never
        # once for the text and again for the address
        assert text.count(doi) == dois.count(doi), doi


@pytest.mark.browser
def test_screen_furniture_does_not_print(page, base_url, tmp_path):
    page.goto(base_url + "chapters/chapter-2/")
    assert page.get_by_text("In the bibliography").count() > 0  # on screen
    text = pdf_text(page, tmp_path)
    for furniture in ["In the bibliography", "Copy link", "Copy the"]:
        assert furniture not in text, furniture
    assert page.locator(".cite-box button").count() == 4  # on screen
    page.emulate_media(media="print")
    buttons = page.locator("article button").evaluate_all(
        "els => els.map(e => getComputedStyle(e).display)")
    assert buttons and set(buttons) == {"none"}
    chevrons = page.locator("article summary").evaluate_all(
        "els => els.map(e => getComputedStyle(e, '::after').display)")
    assert chevrons and set(chevrons) == {"none"}


@pytest.mark.browser
def test_handouts_print_at_body_size_in_black(page, base_url, tmp_path):
    for name in CHAPTERS:
        page.goto(base_url + f"handouts/{name}/")
        assert re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")), name  # it prints
        page.emulate_media(media="print")
        sizes = page.locator(".handout p, .handout li").evaluate_all(
            "els => els.filter(e => e.offsetParent !== null && e.textContent.trim())"
            ".map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= TEN_POINT_PX, (name, min(sizes))
        body = page.locator(".handout > p").first.evaluate("e => getComputedStyle(e).fontSize")
        note = page.locator(".handout .admonition.warning")
        if note.count():
            assert note.locator("p").evaluate_all(
                "els => els.map(e => getComputedStyle(e).fontSize)") == \
                [body] * note.locator("p").count(), name
        colours = page.locator(".handout .admonition.note p, .handout .admonition.note li").evaluate_all(
            "els => els.map(e => getComputedStyle(e).color)")
        assert set(colours) <= {"rgb(0, 0, 0)"}, name


@pytest.mark.browser
def test_a_vignette_prints_in_full_black(page, base_url):
    page.goto(base_url + "handouts/chapter-2/")
    page.emulate_media(media="print")
    vignette = page.locator(".handout .admonition.note", has_text="Vignette")
    assert vignette.count() >= 1  # the activity's vignette, and any alternative setting
    colours = vignette.locator("p, .admonition-title").evaluate_all(
        "els => els.map(e => getComputedStyle(e).color)")
    assert set(colours) == {"rgb(0, 0, 0)"}


@pytest.mark.browser
def test_each_handout_has_a_print_button(page, base_url, tmp_path):
    page.goto(base_url + "handouts/chapter-1/")
    button = page.get_by_role("button", name="Print this handout")
    assert button.is_visible()
    assert button.evaluate("b => b.tagName + ' ' + b.type") == "BUTTON button"
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1
    assert "Print this handout" not in pdf_text(page, tmp_path)


@pytest.mark.browser
def test_without_javascript_the_print_button_is_not_offered(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "handouts/chapter-1/")
    assert page.locator("button", has_text="Print this handout").count() == 1
    assert not page.locator("button", has_text="Print this handout").is_visible()
    context.close()


# --- Helplines ----------------------------------------------------------------------------------

def test_helpline_markers_render_tel_and_https_links():
    from studyguide import helplines, markers
    out = markers.expand(_read("helpline", "input.md"), {"helpline": helplines.render_marker})
    assert out.rstrip("\n") == _read("helpline", "expected.md").rstrip("\n")


def test_every_helpline_number_dials_and_every_site_is_https():
    from studyguide import helplines
    for helpline in helplines.HELPLINES.values():
        assert helpline.url.startswith("https://") and helpline.site in helpline.url
        for number in helpline.numbers:
            assert re.fullmatch(r"tel:\+?\d{6,15}", number.tel), number


def test_an_unknown_helpline_is_a_located_problem(tmp_path):
    from conftest import make_project
    project = make_project(tmp_path, {"docs/index.md": "# Home\n\nCall "
                                      '<!-- guide:helpline name="samaritan" -->.\n'})
    found = [str(p) for p in site.read(project)[1] if "helpline" in p.message]
    assert found == ['docs/index.md:7: helpline marker has the unknown name "samaritan"; did '
                     'you mean name="samaritans"?'], found


def test_every_helpline_mention_in_the_built_site_is_a_link(site_dir):
    """Each number and website of a helpline is a tel: or https: link wherever it is shown."""
    from conftest import built_pages
    from studyguide import helplines
    missing = []
    for rel in built_pages(site_dir):
        html = (site_dir / rel).read_text(encoding="utf-8")
        article = html.split("<article", 1)[-1].split("</article>", 1)[0]
        text = re.sub(r"<a [^>]*>.*?</a>", "", article, flags=re.S)  # what is not a link
        text = re.sub(r"<[^>]+>", " ", text)
        for helpline in helplines.HELPLINES.values():
            for shown in [n.shown for n in helpline.numbers] + [helpline.site]:
                if re.search(rf"(?<![\w/.]){re.escape(shown)}(?![\w/])", text):
                    missing.append(f"{rel}: {shown}")
    assert missing == [], "\n".join(missing)
