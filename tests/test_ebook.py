"""The guide as an e-book (downloads/peer-support-in-prison-study-guide.epub) and as one
printable page (print/).

The EPUB is read back as a zip of XHTML files with lxml (an independent parser), and checked by
epubcheck, the W3C's validator. The print page is printed to PDF by Chromium and the text read
back with pdftotext (poppler-utils).
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT, TEST_SITE_URL, require
from studyguide import citations, ebook, chapter, glossary as glossary_module, sources, printguide, site

DATE = datetime.date(2025, 11, 28)
XHTML = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def normal(text: str) -> str:
    """Whitespace collapsed and quotes straight (pandoc makes typographic quotes)."""
    return " ".join(text.translate(str.maketrans("‘’“”", "''\"\"")).split())


# --- Site-only syntax, converted (golden input -> expected output) -------------------------------

def test_admonitions_become_divs_at_any_depth():
    source = ('!!! warning "Content note"\n'
              "    First line.\n"
              "\n"
              "    Second paragraph.\n"
              "3. {#ch2-q3} A question?\n"
              "\n"
              '    ??? note "For discussion leaders"\n'
              "        A note.\n"
              "4. Next\n")
    assert ebook.convert_admonitions(source) == (
        '<div class="admonition warning">\n\n[Content note]{.admonition-title}\n\n'
        "First line.\n\nSecond paragraph.\n\n</div>\n\n"
        "3. {#ch2-q3} A question?\n\n"
        '    <div class="admonition note">\n\n    [For discussion leaders]{.admonition-title}\n\n'
        "    A note.\n\n    </div>\n\n"
        "4. Next\n")


def test_self_check_becomes_questions_and_answers_at_the_end():
    lines = ["", '??? question "1. Who?"', "    **Answer:** Sykes.", "",
             "    *Why:* Because.", "", '??? question "2. When?"', "    **Answer:** 1958.", "",
             "    *Why:* Then.", ""]
    section, ending = ebook.self_check(lines, "chapter-2")
    assert "\n".join(section).strip() == (
        "The answers are at the end of the chapter.\n\n"
        "1. []{#chapter-2-check-1}Who? [Answer 1](#chapter-2-answer-1)\n"
        "2. []{#chapter-2-check-2}When? [Answer 2](#chapter-2-answer-2)")
    assert "\n".join(ending).strip() == (
        "## Answers {#chapter-2-answers}\n\n"
        "1. []{#chapter-2-answer-1}**Who?** [Back to question 1](#chapter-2-check-1)\n\n"
        "    **Answer:** Sykes.\n\n    *Why:* Because.\n\n"
        "2. []{#chapter-2-answer-2}**When?** [Back to question 2](#chapter-2-check-2)\n\n"
        "    **Answer:** 1958.\n\n    *Why:* Then.")


def test_a_multiple_choice_item_keeps_its_options_with_the_question():
    lines = ["", '??? question "1. Who wrote it?"', "    - **A.** Crewe", "    - **B.** Sykes", "",
             '    ??? success "Answer"', "        **Answer:** B. Sykes.", "",
             "        *Why:* Because.", ""]
    section, ending = ebook.self_check(lines, "chapter-2")
    assert "\n".join(section).strip() == (
        "The answers are at the end of the chapter.\n\n"
        "1. []{#chapter-2-check-1}Who wrote it? [Answer 1](#chapter-2-answer-1)\n\n"
        "    - **A.** Crewe\n    - **B.** Sykes")
    assert "\n".join(ending).strip() == (
        "## Answers {#chapter-2-answers}\n\n"
        "1. []{#chapter-2-answer-1}**Who wrote it?** [Back to question 1](#chapter-2-check-1)\n\n"
        "    **Answer:** B. Sykes.\n\n    *Why:* Because.")


@pytest.mark.parametrize("target, expected", [
    ("../glossary.md#listener", "#listener"),
    ("../glossary.md", "#glossary"),
    ("chapter-5.md", "#chapter-5"),
    ("chapter-5.md#ch5-q10", "#ch5-q10"),                       # question ids are unique
    ("chapter-5.md#check-your-understanding", "#chapter-5-check-your-understanding"),
    ("#summary", "#chapter-2-summary"),
    ("../bibliography.md#ref-sykes1958society", "#ref-sykes1958society"),
    ("../bibliography.md", "#references"),
    ("../teaching/module-plans.md#ten-week-module",
     "https://example.org/guide/teaching/module-plans/#ten-week-module"),
    ("../about/index.md", "https://example.org/guide/about/"),
    ("https://www.samaritans.org", "https://www.samaritans.org"),
])
def test_links_point_inside_the_book_or_to_the_site(target, expected):
    linker = ebook.Linker({"chapters/chapter-2.md": "chapter-2", "chapters/chapter-5.md": "chapter-5"},
                          "https://example.org/guide/")
    text = f'See [this]({target} "Title").'
    assert linker.rewrite(text, "chapters/chapter-2.md", {"chapters/chapter-2.md": "chapter-2",
                                                          "chapters/chapter-5.md": "chapter-5"}) \
        == f'See [this]({expected} "Title").'


def test_downloads_link_to_the_site_and_links_outside_it_keep_only_their_text():
    linker = ebook.Linker({}, "https://example.org/guide/")
    assert linker.rewrite("A [list](../downloads/x.bib).", "chapters/a.md", {}) == \
        "A [list](https://example.org/guide/downloads/x.bib)."
    assert linker.rewrite("The [readme](../../README.md).", "chapters/a.md", {}) == \
        "The readme."
    assert ebook.Linker({}, "").rewrite("[About](../about/index.md)", "chapters/a.md", {}) == \
        "About"


def test_size_marker():
    assert ebook.size_label(106_391) == "106 KB"
    assert ebook.size_label(1_460_000) == "1.5 MB"
    assert ebook.size_label(106_391) == "106 KB"


def test_build_date_follows_source_date_epoch():
    assert ebook.build_date({"SOURCE_DATE_EPOCH": "1764288000"}) == DATE


# --- The e-book from the real sources -------------------------------------------------------------

@pytest.fixture(scope="module")
def guide():
    guide = site.load(ROOT)
    guide.site_url = TEST_SITE_URL
    return guide


@pytest.fixture(scope="module")
def epub_bytes(guide) -> bytes:
    return ebook.from_guide(guide, DATE, cache=False)


@pytest.fixture(scope="module")
def book(epub_bytes):
    """The EPUB's files: name -> bytes, and each XHTML document parsed."""
    with zipfile.ZipFile(BytesIO(epub_bytes)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    docs = {name: etree.fromstring(data) for name, data in files.items()
            if name.endswith(".xhtml")}
    return files, docs


def spine(files) -> list[str]:
    opf = etree.fromstring(files["EPUB/content.opf"])
    items = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", OPF)}
    return ["EPUB/" + items[ref.get("idref")] for ref in opf.iterfind(".//opf:spine/opf:itemref", OPF)]


def text_of(element) -> str:
    return normal("".join(element.itertext()))


def checks_of(page) -> list:
    return [chapter.SelfCheck(normal(chapter.plain_text(c.question)), normal(c.answer))
            for c in chapter.self_checks(page)]


def chapter_docs(files, docs) -> list:
    return [docs[name] for name in spine(files) if "title_page" not in name]


def epubcheck_command() -> list[str] | None:
    found = shutil.which("epubcheck")
    if found is None:
        return None
    with open(found, "rb") as handle:            # Debian ships the jar itself as the command
        is_jar = handle.read(2) == b"PK"
    return [shutil.which("java") or "java", "-jar", found] if is_jar else [found]


def test_epubcheck_reports_no_errors_and_no_warnings(epub_bytes, tmp_path):
    command = epubcheck_command()
    require(command is not None, "epubcheck", "apt-get install -y epubcheck default-jre-headless")
    path = tmp_path / "guide.epub"
    path.write_bytes(epub_bytes)
    report = tmp_path / "report.json"
    result = subprocess.run([*command, str(path), "--json", str(report)],
                            capture_output=True, text=True)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    problems = [f"{m['severity']} {m['ID']}: {m['message']} "
                f"{[loc.get('path') for loc in m.get('locations', [])]}"
                for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert not problems, "\n".join(problems[:20])
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_chapter_in_book_order_then_glossary_and_references(guide, book):
    files, docs = book
    headings = [text_of(doc.find(".//h:h1", XHTML)) for doc in chapter_docs(files, docs)]
    expected = [normal(f"{r['label']}: {r['title']}") for r in guide.contents["chapters"]]
    assert headings == [*expected, "Glossary", "References"]
    nav = text_of(etree.fromstring(files["EPUB/nav.xhtml"]))
    positions = [nav.find(title) for title in expected]
    assert -1 not in positions and positions == sorted(positions)


def test_each_chapter_has_every_part_of_the_page_model(guide, book):
    files, docs = book
    want = ["At a glance", "Summary", "Key concepts", "With the book open", "Seminar questions",
            "Check your understanding", "Seminar activity", "Further reading", "Connections",
            "Answers"]
    for record, doc in zip(guide.contents["chapters"], chapter_docs(files, docs)):
        sections = [text_of(h) for h in doc.iterfind(".//h:h2", XHTML)]
        assert sections == want, record["label"]
        page = guide.chapters[record["page"]]
        ids = set(doc.xpath("//@id"))
        assert {q.id for q in chapter.questions(page)} <= ids, record["label"]
        reading = doc.xpath("//h:section[h:h2='Further reading']//h:li", namespaces=XHTML)
        assert len(reading) == len(page.meta["further_reading"]), record["label"]
        for li, item in zip(reading, page.meta["further_reading"]):
            assert normal(item["why"]) in text_of(li)
            assert li.xpath(f".//h:a[@href[contains(., '#ref-{item['key']}')]]", namespaces=XHTML)


def test_self_check_answers_are_at_the_end_of_each_chapter(guide, book):
    files, docs = book
    for record, doc in zip(guide.contents["chapters"], chapter_docs(files, docs)):
        checks = checks_of(guide.chapters[record["page"]])
        sections = doc.xpath("//h:section[h:h2]", namespaces=XHTML)
        assert text_of(sections[-1].find("h:h2", XHTML)) == "Answers", record["label"]
        answers = text_of(sections[-1])
        questions = text_of(doc.xpath("//h:section[h:h2='Check your understanding']",
                                      namespaces=XHTML)[0])
        assert "Answer:" not in questions and "Why:" not in questions
        assert not doc.xpath("//h:details", namespaces=XHTML)
        for check in checks:
            assert check.question in questions
            assert check.question in answers
        # A multiple-choice item's options are under its question, not with the answers.
        for item in chapter.self_check_items(guide.chapters[record["page"]]):
            for option in item.options:
                assert normal(chapter.plain_text(option.text)) in questions, (record["label"], item.id)
        # Each answer's text (citations aside) under its question, in order; a multiple-choice
        # answer names its letter first.
        position = 0
        for check in checks:
            start = re.split(r"[.,;:(\[]", check.answer)[0][:40].strip()
            found = re.compile(r"Answer: (?:[A-Z]\. )?" + re.escape(start)).search(answers, position)
            assert found and found.start() > position, (record["label"], check.question)
            position = found.start()


def test_each_chapter_file_is_titled_by_its_heading(guide, book):
    """A reading system or screen reader announces a content document's <title>: the
    chapter's heading, never a file name."""
    files, docs = book
    parts = chapter_docs(files, docs)
    titles = [text_of(doc.find(".//h:title", XHTML)) for doc in parts]
    assert titles == [text_of(doc.find(".//h:h1", XHTML)) for doc in parts]
    assert not [t for t in titles if t.endswith(".xhtml")]
    assert titles[0] == normal(f"{guide.contents['chapters'][0]['label']}: "
                               f"{guide.contents['chapters'][0]['title']}")


def test_the_glossary_holds_every_term(book):
    files, docs = book
    glossary = chapter_docs(files, docs)[-2]
    terms = glossary_module.parse(sources.read_page(ROOT / "docs" / "glossary.md", ROOT)[0]).terms
    ids = set(glossary.xpath("//@id"))
    assert set(terms) <= ids
    headings = [text_of(h) for h in glossary.iterfind(".//h:h3", XHTML)]
    assert headings == [normal(term) for term in terms.values()]


def test_one_reference_list_holds_every_cited_work_and_citations_link_to_it(guide, book):
    files, docs = book
    references = chapter_docs(files, docs)[-1]
    entries = set(references.xpath("//h:div[@class='csl-entry']/@id", namespaces=XHTML))
    sources = [page.body for page in guide.chapters.values()]
    sources.append((ROOT / "docs" / "glossary.md").read_text(encoding="utf-8"))
    cited = {c.key for text in sources for c in citations.find(text)}
    cited |= {item["key"] for page in guide.chapters.values()
              for item in page.meta["further_reading"]}
    assert {f"ref-{key}" for key in cited} == entries
    ids = {name.rsplit("/", 1)[-1]: set(doc.xpath("//@id")) for name, doc in docs.items()}
    spans = [span for doc in docs.values()
             for span in doc.xpath("//h:span[@class='citation']", namespaces=XHTML)]
    assert len(spans) > 300
    for span in spans:
        links = span.xpath(".//h:a/@href", namespaces=XHTML)
        assert links, etree.tostring(span)
        for href in links:
            name, _, fragment = href.partition("#")
            assert fragment.startswith("ref-") and fragment in ids[name], href


def test_glossary_links_lead_to_the_glossary(book):
    files, docs = book
    glossary_name = spine(files)[-2].rsplit("/", 1)[-1]
    terms = set(glossary_module.parse(sources.read_page(ROOT / "docs" / "glossary.md", ROOT)[0]).terms)
    links = [href for doc in chapter_docs(files, docs)[:-2]
             for href in doc.xpath("//h:a/@href", namespaces=XHTML)
             if href.partition("#")[2] in terms]
    assert len(links) > 100
    assert {href.partition("#")[0] for href in links} == {glossary_name}


def test_no_site_only_syntax_is_left(book):
    files, docs = book
    for name, doc in docs.items():
        text = "".join(doc.itertext())
        for leak in ("{#", "{:", "!!!", "???", "[@", "\\bibliography", "<!--", "-->", ":::"):
            assert leak not in text, (name, leak)
        assert not [h for h in doc.xpath("//h:a/@href", namespaces=XHTML)
                    if ".md" in h or h.startswith("../")], name


# The numbers as the services publish them (samaritans.org; stopitnow.org.uk/helpline/).
PUBLISHED_NUMBERS = {"samaritans": ["116 123"], "stop-it-now": ["0808 1000 900", "+44 1372 847 161"]}


def test_content_notes_keep_their_helplines(guide, book):
    """Each helpline a chapter's or the glossary's content note names is in that part of the
    book, number and all: a note that ends "day or night, ; elsewhere…" leaves a reader who
    needs help without it."""
    files, docs = book
    parts = chapter_docs(files, docs)
    sources_in_order = [record["page"] for record in guide.contents["chapters"]] + ["glossary.md"]
    checked = 0
    for src, doc in zip(sources_in_order, parts):
        text = text_of(doc)
        for name in re.findall(r'<!-- guide:helpline name="([^"]+)" -->', guide.pages[src].body):
            for number in PUBLISHED_NUMBERS[name]:
                assert number in text, (src, name, number)
                checked += 1
        assert "night, ;" not in text and "advice: ." not in text, src
    assert checked >= 10


def test_title_page_says_what_it_is_with_licence_date_and_address(book):
    files, docs = book
    title = text_of(docs["EPUB/text/title_page.xhtml"])
    assert "independent study guide" in title
    assert "not the book" in title
    assert "CC BY 4.0" in title
    assert "28 November 2025" in title
    assert TEST_SITE_URL in title


def test_metadata_language_identifier_and_accessibility(book):
    files, _ = book
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.findtext(".//dc:language", namespaces=OPF) == "en-GB"
    assert opf.findtext(".//dc:identifier", namespaces=OPF) == ebook.identifier(TEST_SITE_URL)
    properties = {m.get("property") for m in opf.iterfind(".//opf:meta", OPF)}
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary"} <= properties
    summary = opf.xpath("//opf:meta[@property='schema:accessibilitySummary']", namespaces=OPF)
    assert len(summary) == 1 and "Text only" in summary[0].text


def test_the_same_inputs_give_the_same_bytes(guide, epub_bytes):
    assert ebook.from_guide(guide, DATE, cache=False) == epub_bytes
    with zipfile.ZipFile(BytesIO(epub_bytes)) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2025, 11, 28)}
        assert archive.namelist()[0] == "mimetype"


def test_the_cache_returns_the_same_file_and_follows_the_input(guide, epub_bytes, tmp_path):
    sources = [ebook.Source(src, p.meta, guide.body_with_self_check(src))
               for src, p in guide.chapters.items()]
    glossary = guide.pages["glossary.md"].body
    args = (guide.contents, ROOT / "bibliography.bib", TEST_SITE_URL)
    assert ebook.epub(sources, glossary, *args, DATE, cache_dir=tmp_path) == epub_bytes
    assert len(list(tmp_path.glob("ebook-*.epub"))) == 1
    assert ebook.epub(sources, glossary, *args, DATE, cache_dir=tmp_path) == epub_bytes
    later = ebook.epub(sources, glossary, *args, DATE + datetime.timedelta(days=1),
                       cache_dir=tmp_path)
    assert later != epub_bytes and len(list(tmp_path.glob("ebook-*.epub"))) == 1


def test_a_pandoc_failure_is_reported_with_pandocs_message(guide, tmp_path):
    sources = [ebook.Source(src, p.meta, p.body) for src, p in guide.chapters.items()]
    with pytest.raises(ebook.EbookError, match="pandoc could not make the e-book: .*missing.bib"):
        ebook.epub(sources, "# Glossary\n", guide.contents, tmp_path / "missing.bib",
                   TEST_SITE_URL, DATE)


def test_a_missing_chapter_page_is_named(guide):
    sources = [ebook.Source(src, p.meta, p.body) for src, p in guide.chapters.items()
               if src != "chapters/chapter-3.md"]
    with pytest.raises(ValueError, match="chapters/chapter-3.md"):
        ebook.markdown(sources, "# Glossary\n", guide.contents, TEST_SITE_URL, DATE)


# --- The built site -------------------------------------------------------------------------------

def test_the_site_offers_the_ebook(site_dir):
    data = (site_dir / ebook.PATH).read_bytes()
    assert data.startswith(b"PK") and b"application/epub+zip" in data[:100]


def test_print_page_has_every_chapter_in_order_and_is_not_in_search(site_dir, guide):
    html = (site_dir / "print" / "index.html").read_text(encoding="utf-8")
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    chapters = re.findall(r'<h2 class="print-chapter" id="([^"]+)">(.*?)</h2>', article, re.S)
    assert [anchor for anchor, _ in chapters] == [
        Path(r["page"]).stem for r in guide.contents["chapters"]]
    for (_, heading), record in zip(chapters, guide.contents["chapters"]):
        assert f"{record['label']}: {record['title']}" in re.sub(r"<[^>]+>", "", heading)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids on the print page"
    for page in guide.chapters.values():      # the chapters' rendered questions are there
        for question in chapter.questions(page):
            assert f'id="{question.id}"' in article
    assert "[@" not in article and "{#" not in article
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("print/")]
    assert "print.css" in html


def test_print_page_markdown_rebases_links():
    rendered = [("chapters/chapter-1.md", "Chapter 1",
                 "# One\n\n## Summary\n\nSee [two](chapter-2.md#check-your-understanding), "
                 "[q](chapter-2.md#ch2-q4), [term](../glossary.md#listener \"Def\") and "
                 '<a href="../../bibliography/?chapter=1">list</a>, <a href="#ch1-q1">q1</a>.\n\n'
                 "## References\n\n\\bibliography\n"),
                ("chapters/chapter-2.md", "Chapter 2", "# Two\n\n## Check your understanding\n")]
    text = printguide.markdown(rendered, "Guide")
    assert "## Chapter 1: One {#chapter-1 .print-chapter}" in text
    assert "### Summary {#chapter-1-summary}" in text
    assert "### Check your understanding {#chapter-2-check-your-understanding}" in text
    assert "[two](#chapter-2-check-your-understanding)" in text
    assert "[q](#ch2-q4)" in text
    assert '[term](glossary.md#listener "Def")' in text
    assert '<a href="../bibliography/?chapter=1">' in text
    assert '<a href="#ch1-q1">' in text
    assert text.count("\\bibliography") == 1 and "### References" not in text
    assert "search:\n  exclude: true" in text


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """Text of each page of a PDF (pdftotext from poppler-utils)."""
    require(shutil.which("pdftotext") is not None, "pdftotext", "apt-get install -y poppler-utils")
    path = tmp_path / "print.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return [normal(page) for page in out.split("\f")]


@pytest.mark.browser
def test_printing_the_whole_guide_gives_each_chapter_in_order_on_a_new_page(
        browser, base_url, guide, tmp_path):
    page = browser.new_page()
    page.goto(base_url + "print/")
    pdf = page.pdf(format="A4")
    page.close()
    pages_text = pdf_text(pdf, tmp_path)
    titles = [normal(f"{r['label']}: {r['title']}") for r in guide.contents["chapters"]]
    starts = [next((n for n, text in enumerate(pages_text) if text.startswith(title)), None)
              for title in titles]
    assert None not in starts, dict(zip(titles, starts))
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[0] >= 1                      # after the page's own title
    whole = " ".join(pages_text)
    assert "Seminar questions" in whole and "Answer:" in whole   # answers print open
    assert "Search" not in pages_text[0][:200]                   # no site navigation


def test_narrative_citations_join_two_names_with_and(book):
    """APA 7: "Perrin and Blagden (2014)" in running text; "&" stays inside parentheses."""
    files, docs = book
    text = " ".join(text_of(doc) for doc in docs.values())
    if "Perrin and Blagden (2014)" not in text:
        pytest.fail("no narrative 'Perrin and Blagden (2014)' in the e-book")
    assert "Perrin & Blagden (2014)" not in text
    assert "Perrin & Blagden, 2014" in text or "(Perrin & Blagden" in text
