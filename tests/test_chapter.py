"""The chapter page model: the validator's message for each missing or malformed part, the real
chapter pages pass it, question ids are unique and never disappear, glossary links resolve."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest

from conftest import make_project, mkdocs_build
from studyguide import bibliography, chapter, glossary, site, sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = (Path(__file__).parent / "fixtures" / "pages" / "valid_chapter.md").read_text()
QUIZ = (Path(__file__).parent / "fixtures" / "quiz" / "valid_chapter.yml").read_text()  # its self-check
CONTENTS = sources.load_contents(ROOT)[1]
GLOSSARY_PAGE = sources.read_page(ROOT / "docs/glossary.md", ROOT)[0]
GLOSSARY = set(glossary.parse(GLOSSARY_PAGE).terms)
KEYS = bibliography.load(ROOT / "bibliography.bib").keys


def validate(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "docs" / "chapters" / "chapter-2.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    page, problems = sources.read_page(path, tmp_path)
    if page is not None:
        record = next((c for c in CONTENTS if c.value == str(page.meta.get("chapter"))), None)
        problems += chapter.page_problems(page)
        problems += chapter.validate(page, record, GLOSSARY, KEYS)
    return [str(p) for p in problems]


def test_valid_fixture_passes(tmp_path):
    assert validate(FIXTURE, tmp_path) == []


@pytest.mark.parametrize("change", [
    lambda t: t.replace("## Summary\n", "## Summary ##\n"),
    lambda t: t.replace("## Summary\n", "##Summary\n"),
    lambda t: t.replace('    why: "Two."', '    why: "Two, as [@perrin2014accumulating] argues."'),
])
def test_headings_and_citations_as_markdown_reads_them_pass(tmp_path, change):
    """`## Summary ##` and `##Summary` are the Summary heading to Python-Markdown (they were
    reported as a missing section), and a known citation in a further_reading why prints."""
    assert change(FIXTURE) != FIXTURE
    assert validate(change(FIXTURE), tmp_path) == []


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("key_concepts: [peer-support, listener]",
                         "key_concepts: [peer-support, listener, no-such-term]"),
     ":6: front matter: unknown glossary id 'no-such-term' in key_concepts"),
    (lambda t: t.replace("  - key: south2014systematic", "  - key: nosuch2020work"),
     ":16: front matter: unknown bibliography key 'nosuch2020work' in further_reading"),
    (lambda t: t.replace("key_concepts: [peer-support, listener]",
                         "key_concepts: [peer-support, listener, peer-support]"),
     ":6: front matter: 'peer-support' is already in key_concepts; list each term once"),
    (lambda t: t.replace('    why: "Two."', '    why: "Two, as [@nosuch2020work] argues."'),
     ":11: front matter: further_reading why: unknown citation key 'nosuch2020work'"),
    (lambda t: t.replace("  - key: perrin2018monster", "  - key: perrin2014accumulating"),
     ":10: front matter: 'perrin2014accumulating' is already in further_reading (line 8); list "
     "each work once"),
    (lambda t: re.sub(r"6\. \{#ch2-q6[^}]*\}.*\n7\. \{#ch2-q7[^}]*\}.*\n8\. \{#ch2-q8[^}]*\}.*\n", "", t),
     "Seminar questions: needs 8-12 questions written '1. {#ch2-q1} …' (has 5); add questions"),
    (lambda t: re.sub(r"1\. Explain one\.\n2\. Describe two\.\n", "", t),
     "At a glance: needs 4-7 numbered learning outcomes (has 2); add outcomes"),
    (lambda t: t.replace('description: "A fixture page that follows the chapter page model."',
                         'description: "' + "x" * 170 + '"'),
     ":5: front matter: description too long (170 characters; at most 160); shorten it"),
    (lambda t: t.replace("{#ch2-q5 ", "{#ch2-q4 "),
     ":57: duplicate question id 'ch2-q4' (also at line 56)"),
    (lambda t: t.replace("{#ch2-q8 ", "{#ch3-q8 "),
     ":60: malformed question id 'ch3-q8'; use ch2-qN"),
    # a question the reader passes over: it would lose its link, handout and VLE entry
    (lambda t: t.replace("4. {#ch2-q4 lo=3}", "4. { #ch2-q4 lo=3}"),
     ":56: this numbered item is not read as a seminar question"),
    (lambda t: t.replace("4. {#ch2-q4 lo=3}", " 4. {#ch2-q4 lo=3}"),
     ":56: this numbered item is not read as a seminar question"),
    (lambda t: t.replace("4. {#ch2-q4 lo=3}", "4. "),
     ":56: this numbered item is not read as a seminar question"),
    # the page model's "With the book open" section and its limits
    (lambda t: t.replace("## With the book open", "## With the book"),
     "missing section '## With the book open'"),
    (lambda t: t.replace("2. Prompt two. <!-- guide:lo 4 -->\n", ""),
     ":42: With the book open: needs 2-3 numbered prompts that send the reader into the chapter (has 1)"),
    (lambda t: t.replace("## With the book open\n\n1. Prompt one. <!-- guide:lo 4 -->\n"
                         "2. Prompt two. <!-- guide:lo 4 -->\n\n", "")
                .replace("## Seminar activity", "## With the book open\n\n1. A. <!-- guide:lo 4 -->\n"
                         "2. B. <!-- guide:lo 4 -->\n\n## Seminar activity"),
     "sections out of order; the order is: At a glance, Summary, Key concepts, With the book open, "
     "Seminar questions"),
    # alignment: every question names its outcomes, every outcome is served by something
    (lambda t: t.replace("{#ch2-q4 lo=3}", "{#ch2-q4}"),
     ":56: question ch2-q4 names no learning outcome; write {#ch2-q4 lo=N}"),
    (lambda t: t.replace("{#ch2-q4 lo=3}", "{#ch2-q4 lo=9}"),
     ":56: question ch2-q4 names outcome 9, which At a glance does not have (outcomes: 1-4); "
     "name one of those, or add the outcome to At a glance"),
    (lambda t: t.replace("{#ch2-q4 lo=3}", "{#ch2-q4 lo=3 cor}"),
     ":56: question ch2-q4: unknown attribute 'cor'; a question takes lo=N (its outcomes) and "
     "core"),
    (lambda t: t.replace("Question four?", "Was @perrin2014accumulating right?"),
     ":56: question ch2-q4: write @perrin2014accumulating as [@perrin2014accumulating] here"),
    (lambda t: t.replace("{#ch2-q4 lo=3}", "{#ch2-q4 lo=x}"),
     ":56: question ch2-q4: 'x' in lo=x is not an outcome number"),
    (lambda t: t.replace("{#ch2-q4 lo=3}", "{#ch2-q4 lo=\u00b2}"),
     ":56: question ch2-q4: '\u00b2' in lo=\u00b2 is not an outcome number"),
    (lambda t: t.replace("<!-- guide:lo 4 -->", "<!-- guide:lo 3 -->"),
     ":31: learning outcome 4 is served by nothing"),
    (lambda t: t.replace("Do it. <!-- guide:lo 1 2 -->", "Do it. <!-- guide:lo one -->"),
     ":70: Seminar activity: write the outcome numbers as <!-- guide:lo 2 4 -->"),
    (lambda t: t.replace("{#ch2-q8 lo=3 core}", "{#ch2-q8 lo=3}"),
     ":47: Seminar questions: mark 3 core questions with 'core' after the id (has 2)"),
    (lambda t: t.replace("{#ch2-q2 lo=2}", "{#ch2-q2 lo=2 core}"),
     ":47: Seminar questions: mark 3 core questions with 'core' after the id (has 4)"),
    (lambda t: t.replace("further_reading:\n", 'handout_summary: ["No such part"]\nfurther_reading:\n'),
     ":7: front matter: handout_summary: no Summary paragraph begins '**No such part.**'"),
    (lambda t: t.replace("## Seminar activity", "## Activity"),
     "missing section '## Seminar activity'"),
    (lambda t: t.replace("**Time:** 50 minutes", "**Time:** 20 minutes"),
     "Seminar activity: 20 minutes; plan 45-60"),
    (lambda t: t.replace("<!-- guide:self-check -->", '??? question "1. One?"\n    **Answer:** a.'),
     "Check your understanding: keep only the marker '<!-- guide:self-check -->'; the items "
     "live in docs/quiz/chapter-2.yml"),
    (lambda t: t.replace('title: "Peer Support in Prisons: A Magnified Effect?"',
                         'title: "Peer support in prisons"'),
     ":2: front matter: title 'Peer support in prisons' differs from the publisher's contents"),
    (lambda t: t.replace("description: \"A fixture", "content_notes: [suicide]\ndescription: \"A fixture"),
     "content_notes is set but the page has no '!!! warning \"Content note\"'"),
    (lambda t: t.replace(" ".join(["word"] * 700), " ".join(["word"] * 300)),
     "Summary: 300 words; it needs 600-1000"),
    (lambda t: t.replace("\\bibliography", ""),
     "References: the section must contain \\bibliography"),
    (lambda t: t.replace('description: "A fixture page that follows the chapter page model."\n', ""),
     ":1: front matter: 'description' is required"),
    (lambda t: t.replace("title: \"Peer", "title: Peer: \"Peer"),
     ":2: front matter: not valid YAML"),
])
def test_each_malformed_part_has_a_located_message(tmp_path, change, expected):
    broken = change(FIXTURE)
    assert broken != FIXTURE, "the fixture change did not apply"
    problems = validate(broken, tmp_path)
    assert any(expected in p and p.startswith("docs/chapters/chapter-2.md:") for p in problems), \
        "\n".join(problems)


def test_a_broken_chapter_page_fails_the_build(tmp_path):
    broken = FIXTURE.replace("{#ch2-q5 ", "{#ch2-q4 ")
    project = make_project(tmp_path, {
        "docs/index.md": "# Home\n",
        "docs/glossary.md": (ROOT / "docs/glossary.md").read_text(),
        "docs/chapters/chapter-2.md": broken,
        "docs/quiz/chapter-2.yml": QUIZ,
    })
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert "docs/chapters/chapter-2.md:57: duplicate question id 'ch2-q4'" in result.stderr


def test_every_real_chapter_page_passes_the_model():
    guide = site.load(ROOT)  # raises GuideError with every problem
    assert sorted(str(p.meta["chapter"]) for p in guide.chapters.values()) == sorted(
        c.value for c in CONTENTS)


def all_question_ids() -> list[str]:
    return [q.id for page in site.load(ROOT).chapters.values() for q in chapter.questions(page)]


def test_question_ids_are_unique_across_the_site():
    ids = all_question_ids()
    assert len(ids) == len(set(ids))


def test_questions_render_with_anchor_and_permalink(site_dir):
    html = (site_dir / "chapters/chapter-1/index.html").read_text(encoding="utf-8")
    assert '<span class="question-anchor" id="ch1-q1"></span>' in html
    assert '<a class="question-link" href="#ch1-q1" title="Permanent link to question ch1-q1">ch1-q1</a>' in html
    assert "{#ch1-q" not in html


def test_glossary_anchors_unique_and_key_concept_links_resolve(site_dir):
    text = (ROOT / "docs/glossary.md").read_text(encoding="utf-8")
    ids = re.findall(r"\{#([a-z0-9-]+)\}", text)
    assert len(ids) == len(set(ids)) >= 40
    glossary_html = (site_dir / "glossary/index.html").read_text(encoding="utf-8")
    for page in site.load(ROOT).chapters.values():
        for concept in page.meta["key_concepts"]:
            assert f'id="{concept}"' in glossary_html, f"{page.rel}: {concept}"


def test_glossary_terms_link_back_to_chapters(site_dir):
    html = (site_dir / "glossary/index.html").read_text(encoding="utf-8")
    section = html.split('id="helper-therapy-principle"', 1)[1].split("<h3", 1)[0]
    assert "<em>Used in:</em>" in section
    assert 'href="../chapters/chapter-1/"' in section


def test_further_reading_is_generated_from_front_matter(site_dir):
    html = (site_dir / "chapters/chapter-2/index.html").read_text(encoding="utf-8")
    section = html.split('id="further-reading"', 1)[1].split("<h2", 1)[0]
    meta = site.load(ROOT).chapters["chapters/chapter-2.md"].meta
    assert section.count('class="reading-ref"') == len(meta["further_reading"])
    for item in meta["further_reading"]:
        assert f'href="../../bibliography/#ref-{item["key"]}"' in section
    first = meta["further_reading"][0]
    assert first["why"][:40] in html_module.unescape(section)


def test_glossary_links_carry_their_definition(site_dir):
    definitions = glossary.parse(GLOSSARY_PAGE).definitions
    assert set(definitions) == GLOSSARY
    assert all(d.endswith((".", "?", "!")) and "[@" not in d for d in definitions.values())
    html = (site_dir / "chapters/chapter-1/index.html").read_text(encoding="utf-8")
    title = definitions["helper-therapy-principle"].replace("'", "&#x27;")
    assert f'href="../../glossary/#helper-therapy-principle" title="{title}"' in html or \
        f'href="../../glossary/#helper-therapy-principle" title="{definitions["helper-therapy-principle"]}"' in html


def test_reading_map_links_every_chapter_and_recurring_concept(site_dir):
    html = (site_dir / "chapters/index.html").read_text(encoding="utf-8")
    assert "guide:reading-map" not in html
    table = html.split('id="reading-map"', 1)[1].split("</table>", 1)[0]
    guide = site.load(ROOT)
    counts: dict[str, int] = {}
    for page in guide.chapters.values():
        for concept in page.meta["key_concepts"]:
            counts[concept] = counts.get(concept, 0) + 1
    assert counts
    for concept in counts:
        assert f'href="../glossary/#{concept}"' in table, concept
    section = html.split('id="reading-map"', 1)[1].split('<h2', 1)[0]
    for record in guide.chapter_records:
        name = record.stem
        assert f'href="{name}/"' in section, name


# --- Bad input gets located messages, never a traceback -------------------------------------------

def project_with(tmp_path, chapter_text: str, glossary: str | None = None) -> Path:
    project = make_project(tmp_path, {
        "docs/index.md": "# Home\n",
        "docs/glossary.md": glossary or (ROOT / "docs/glossary.md").read_text(),
        "docs/chapters/chapter-2.md": chapter_text,
        "docs/quiz/chapter-2.yml": QUIZ,
    })
    return project


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("key_concepts: [peer-support, listener]", "key_concepts: 5"),
     ":6: front matter: key_concepts must list glossary ids"),
    (lambda t: t.replace("key_concepts: [peer-support, listener]", "key_concepts: [{a: b}]"),
     ":6: front matter: key_concepts must list glossary ids"),
    (lambda t: t.replace('description: "A fixture', 'content_notes: {suicide: yes}\ndescription: "A fixture'),
     ":5: front matter: content_notes must be a list"),
    (lambda t: t.replace('    why: "One."', "    why: 5"),
     "each further_reading item needs 'key' (a bibliography key) and 'why' (one line)"),
    (lambda t: t.replace("  - key: perrin2014accumulating", "  - key: [perrin2014accumulating]"),
     "each further_reading item needs 'key'"),
    (lambda t: t.replace("chapter: 2\n", "chapter: 7\n"),
     ":3: front matter: this page is Chapter 2; set chapter: 2"),
    (lambda t: t.replace("chapter: 2\n", "chapter: 3\n"),
     "front matter: this page is Chapter 2; set chapter: 2"),
    (lambda t: t.replace("chapter: 2\n", ""),
     ":1: front matter: this page is Chapter 2; set chapter: 2"),
])
def test_bad_front_matter_fails_with_a_located_message(tmp_path, change, expected):
    project = project_with(tmp_path, change(FIXTURE))
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert expected in result.stderr and "docs/chapters/chapter-2.md:" in result.stderr
    problems = [str(p) for p in site.check(project)]
    assert any(expected in p for p in problems), problems


def test_front_matter_is_read_as_mkdocs_reads_it(tmp_path):
    path = tmp_path / "docs" / "p.md"
    path.parent.mkdir(parents=True)
    path.write_text("\ufeff--- \ntitle: T\n...\n# Body\n", encoding="utf-8")
    page, problems = sources.read_page(path, tmp_path)
    assert problems == [] and page.meta == {"title": "T"} and page.body == "# Body\n"
    assert page.body_line == 4


def test_glossary_heading_without_id_is_reported(tmp_path):
    glossary = (ROOT / "docs/glossary.md").read_text().replace(
        "### Contamination sequence {#contamination-sequence}", "### Contamination sequence")
    line = glossary.split("\n").index("### Contamination sequence") + 1
    project = project_with(tmp_path, FIXTURE, glossary)
    problems = [str(p) for p in site.check(project)]
    assert f"docs/glossary.md:{line}: glossary term heading needs a lower-case id" in "\n".join(problems)


def test_citations_in_code_do_not_count_as_uses(tmp_path):
    from studyguide import bibpage

    text = FIXTURE.replace("## Connections\n", "## Connections\n\n```\n[@becker1963outsiders]\n```\n")
    project = project_with(tmp_path, text)
    guide, _ = site.read(project)
    uses = bibpage.usage(guide.pages, guide.chapter_records, guide.glossary)
    assert all(u.src != "chapters/chapter-2.md" for u in uses.get("becker1963outsiders", []))
    assert [u.label for u in uses["perrin2014accumulating"]][0] == "Chapter 2"


# --- Question numbering cannot drift ---------------------------------------------------------------

def test_every_built_question_shows_the_number_in_its_id(site_dir):
    from studyguide import sitecheck

    for page in sorted(site_dir.glob("chapters/*/index.html")) + sorted(site_dir.glob("handouts/*/index.html")):
        assert sitecheck.question_numbering(page.read_text(encoding="utf-8"), str(page)) == []


def test_an_indented_note_that_swallows_the_next_question_fails_the_build(tmp_path):
    # no blank line after the leader note under question 2: Markdown nests question 3 in it
    broken = FIXTURE.replace("        A note.\n\n3. {#ch2-q3", "        A note.\n3. {#ch2-q3", 1)
    assert broken != FIXTURE
    line = broken.split("\n").index("3. {#ch2-q3 lo=2,3 core} Question three?") + 1
    assert validate(broken, tmp_path) == []  # the source alone looks right
    project = project_with(tmp_path, broken)
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"docs/chapters/chapter-2.md:{line}: question ch2-q3 is shown" in result.stderr, \
        result.stderr[-2000:]


# --- Alignment and core questions, read from the page ------------------------------------------------

def fixture_page(tmp_path, text: str = FIXTURE):
    path = tmp_path / "docs" / "chapters" / "chapter-2.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return sources.read_page(path, tmp_path)[0]


def test_question_attributes_are_read_and_not_part_of_the_text(tmp_path):
    found = {q.id: q for q in chapter.questions(fixture_page(tmp_path))}
    assert found["ch2-q3"].lo == (2, 3) and found["ch2-q3"].core
    assert found["ch2-q2"].lo == (2,) and not found["ch2-q2"].core
    assert found["ch2-q3"].text == "Question three?"
    assert [q.id for q in found.values() if q.core] == ["ch2-q1", "ch2-q3", "ch2-q8"]


def test_self_checks_kept_as_data_can_serve_an_outcome(tmp_path):
    page = fixture_page(tmp_path, FIXTURE.replace("<!-- guide:lo 4 -->", "<!-- guide:lo 3 -->"))
    assert any("outcome 4 is served by nothing" in p.message for p in chapter.alignment_problems(page))
    item = chapter.Served("scripts/studyguide/data/quiz/chapter-2.yml", 12, "self-check ch2-s3", (4,))
    assert chapter.alignment_problems(page, [item]) == []
    wrong = chapter.Served("scripts/studyguide/data/quiz/chapter-2.yml", 12, "self-check ch2-s3", (7,))
    assert [str(p) for p in chapter.alignment_problems(page, [item, wrong])] == [
        "scripts/studyguide/data/quiz/chapter-2.yml:12: self-check ch2-s3 names outcome 7, which "
        "At a glance of docs/chapters/chapter-2.md does not have (outcomes: 1-4); name one of "
        "those, or add the outcome to At a glance"]


def test_every_real_outcome_is_served_and_every_page_has_three_core_questions():
    guide = site.load(ROOT)
    for page in guide.chapters.values():
        served = {n for q in chapter.questions(page) for n in q.lo}
        served |= {int(v) for m in chapter.lo_markers(page) for v in m.values}
        assert {o.number for o in chapter.outcomes(page)} <= served, page.rel
        assert sum(q.core for q in chapter.questions(page)) == 3, page.rel
        assert chapter.section(page, "With the book open") is not None, page.rel


def test_handout_shows_core_questions_first_and_the_background(site_dir):
    guide = site.load(ROOT)
    for record, page in guide.chapter_pairs():
        html = (site_dir / "handouts" / record.stem / "index.html").read_text(encoding="utf-8")
        shown = re.findall(r'class="question-anchor" id="([^"]+)"', html)
        core = [q.id for q in chapter.questions(page) if q.core]
        assert shown[:3] == core and sorted(shown) == sorted(q.id for q in chapter.questions(page))
        assert 'id="background-for-the-tasks"' in html
        for concept in page.meta["key_concepts"]:
            assert f'href="../../glossary/#{concept}"' in html, (record.stem, concept)
        for lead in page.meta["handout_summary"]:
            assert f"<strong>{lead}.</strong>" in html, (record.stem, lead)


def test_linking_page_lists_core_questions_first():
    from studyguide import links

    T = links.Target
    items = [T("page", "chapters/chapter-2/", "Chapter 2", "chapters/chapter-2.md", "2"),
             T("question", "chapters/chapter-2/#ch2-q1", "One", "chapters/chapter-2.md", "2"),
             T("question", "chapters/chapter-2/#ch2-q2", "Two", "chapters/chapter-2.md", "2", True),
             T("question", "chapters/chapter-2/#ch2-q3", "Three", "chapters/chapter-2.md", "2"),
             T("handout", "handouts/chapter-2/", "Handout", "chapters/chapter-2.md", "2")]
    text = links.linking_page_markdown(items, "https://example.org/", "teaching/linking.md")
    rows = re.findall(r"<tr><td>(.*?)</td><td>", text)  # each row's "What" cell, in order
    assert rows == ["The whole page", "ch2-q2 (core): Two", "ch2-q1: One", "ch2-q3: Three",
                    "Printable seminar handout"]


def test_the_pages_quiz_bank_serves_its_outcomes(tmp_path):
    """The self-check data the loader attaches to a page (page.quiz) counts, and is located."""
    from types import SimpleNamespace

    page = fixture_page(tmp_path, FIXTURE.replace("<!-- guide:lo 4 -->", "<!-- guide:lo 3 -->"))
    item = SimpleNamespace(id="ch2-s1", lo=(4,), line_of=lambda name: 9)
    page.quiz = SimpleNamespace(rel="docs/quiz/chapter-2.yml", items=[item])
    assert chapter.alignment_problems(page) == []
    item.lo = (8,)
    assert [str(p) for p in chapter.alignment_problems(page)][0].startswith(
        "docs/quiz/chapter-2.yml:9: self-check ch2-s1 names outcome 8")


def test_a_narrative_citation_in_a_tooltip_sentence_is_reported():
    text = ("---\ntitle: Glossary\ndescription: Terms.\n---\n# Glossary\n\n## H\n\n### Hope {#hope}\n\n"
            "@snyder2002hope defined hope as goal-directed thinking. More follows.\n")
    page, _ = sources.parse_page(text, Path("docs/glossary.md"), "docs/glossary.md")
    parsed = glossary.parse(page)
    assert [str(p) for p in parsed.problems] == [
        "docs/glossary.md:11: glossary: write @snyder2002hope as [@snyder2002hope] in a term's "
        "first sentence; it is also shown as a plain-text tooltip, where a narrative citation "
        "would lose its authors"]
    assert "@" not in parsed.definitions["hope"]


def test_plain_text_drops_both_citation_forms():
    assert chapter.plain_text("A claim [@a2001b]. As @b2002c found, *this* [link](x.md).") == \
        "A claim. As found, this link."
