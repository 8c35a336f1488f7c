"""The self-check items as data (docs/quiz/) and the quiz banks made from them.

How the expectations were made: the schema messages are written out by hand below; the golden
files in tests/fixtures/quiz/ were written from tests/fixtures/quiz/bank.yml and read line by
line against it (escapes, feedback, correct answers) before they were saved. Every export of
the real bank is read back by a parser that shares no code with the writers: gift-pegjs (npm)
for GIFT, and lxml with the structure Moodle's "Moodle XML format" page and IMS QTI 1.2 /
Common Cartridge 1.1 document (element names, attributes, fractions, response processing),
checked against the YAML data as read by PyYAML directly.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import require
from studyguide import bibliography, chapter, links, metadata, quiz, site, sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
RECORDS = sources.load_contents(ROOT)[1]
CH2 = next(r for r in RECORDS if r.value == "2")
BIB = bibliography.load(ROOT / "bibliography.bib")
KEYS = BIB.keys
BANK_TEXT = (FIXTURES / "bank.yml").read_text(encoding="utf-8")
QTI = {"q": quiz.QTI_NS}


@pytest.fixture(scope="module")
def guide():
    return site.load(ROOT)


@pytest.fixture(scope="module")
def downloads(guide, tmp_path_factory):
    """The quiz downloads of the real guide, written to a folder."""
    folder = tmp_path_factory.mktemp("quiz")
    files = {k: v for k, v in guide.downloads().items() if k.startswith(quiz.DOWNLOADS)}
    for name, content in files.items():
        path = folder / Path(name).name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def raw_items(record) -> list[dict]:
    """The items of a chapter page as PyYAML reads the file, without the loader."""
    data = yaml.safe_load((ROOT / quiz.file_for(record)).read_text(encoding="utf-8"))
    return data["items"]


def right_answers(item: dict) -> list[str]:
    if item["type"] == "multiple-choice":
        return [chapter.plain_text(o["text"]) for o in item["options"] if o.get("correct")]
    if item["type"] == "true-false":
        return ["true" if item["correct"] else "false"]
    return list(item["accept"])


def parse(text: str = BANK_TEXT):
    bank, problems = quiz.parse(text, "docs/quiz/chapter-2.yml", CH2, KEYS)
    return bank, [str(p) for p in problems]


# --- The schema --------------------------------------------------------------------------------------

def test_the_fixture_bank_is_valid():
    bank, problems = parse()
    assert problems == []
    assert [i.id for i in bank.items] == ["ch2-s1", "ch2-s2", "ch2-s3"]
    assert bank.items[1].correct is False and bank.items[2].accept == (
        "Interpretative phenomenological analysis", "IPA")
    assert bank.items[0].line == 3 and bank.items[1].line_of("correct") == 19


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("id: ch2-s2", "id: ch3-s2"),
     ":16: ch3-s2: id 'ch3-s2' is malformed; use ch2-sN"),
    (lambda t: t.replace("id: ch2-s3", "id: ch2-s1"),
     ":25: duplicate id 'ch2-s1' (also at line 3)"),
    (lambda t: t.replace("type: true-false", "type: truefalse"),
     ":17: ch2-s2: unknown type 'truefalse'; use true-false, multiple-choice, short-answer"),
    (lambda t: t.replace("      - text: \"Tightness\"\n        correct: true\n", "      - text: \"Tightness\"\n"),
     ":6: ch2-s1: exactly one option must have 'correct: true' (has 0)"),
    (lambda t: t.replace("      - text: \"Weight: how heavily it bears down\"\n", ""),
     ":6: ch2-s1: a multiple-choice item needs 3-5 options (has 2)"),
    (lambda t: t.replace("    correct: false\n", ""),
     ":17: ch2-s2: a true-false item needs 'correct: true' or 'correct: false'"),
    (lambda t: t.replace('    accept: ["Interpretative phenomenological analysis", "IPA"]\n', ""),
     ":26: ch2-s3: a short-answer item needs 'accept'"),
    (lambda t: t.replace("source: [crewe2011depth]", "source: [crewe2011deep]"),
     ":13: ch2-s1: unknown source 'crewe2011deep'; use a bibliography key (did you mean "
     "'crewe2011depth'?), 'publisher' or 'contents'"),
    (lambda t: t.replace("    lo: [1, 3]\n", ""), ":16: ch2-s2: missing 'lo'"),
    (lambda t: t.replace("lo: [4]", "lo: four"), ":32: ch2-s3: 'lo' lists the learning outcomes"),
    (lambda t: t.replace("Tightness [@crewe2011depth].", "Tightness [@crewe2011deep]."),
     ":11: ch2-s1: answer: unknown citation key 'crewe2011deep'"),
    (lambda t: t.replace("participant count.\"", "participant \\\"count\\\".\""),
     ":18: ch2-s2: the question contains a straight double quote"),
    (lambda t: t.replace("    why: \"It studies", "    whyy: \"x\"\n    why: \"It studies"),
     ":30: ch2-s3: unknown field 'whyy'"),
    (lambda t: t.replace("    correct: false\n", "    correct: false\n    options: []\n"),
     ":20: ch2-s2: 'options' belongs only on multiple-choice items, not true-false"),
    (lambda t: t.replace("  - id: ch2-s3", "  - id: ch2-s3\n    answer: [x", 1),
     "not valid YAML"),
    (lambda t: "items: {}\n", ":1: the file holds 'items:', a list of self-check items"),
    # answer and why: one paragraph, no narrative citation, nothing read as HTML
    (lambda t: t.replace('    answer: "Tightness [@crewe2011depth]."',
                         '    answer: |\n      Tightness [@crewe2011depth].\n\n      More.'),
     ":11: ch2-s1: answer: holds more than one paragraph; the second would show outside the box"),
    (lambda t: t.replace('answer: "Interpretative phenomenological analysis (IPA) [@perrin2014accumulating]."',
                         'answer: "@perrin2014accumulating used it."'),
     ":29: ch2-s3: answer: write @perrin2014accumulating as [@perrin2014accumulating] here"),
    (lambda t: t.replace('analysis (IPA) [@perrin2014accumulating]', 'analysis <IPA> [@perrin2014accumulating]'),
     ":29: ch2-s3: answer: holds '<IPA>', which would be read as HTML and not shown"),
    (lambda t: t.replace('case by case."', 'case by case <!-- guide:helpline name=\\"samaritans\\" -->."'),
     ":30: ch2-s3: why: holds '<!--', which would be read as HTML"),
    (lambda t: t.replace('      - text: "Depth {as distance}"', '      - text: "Depth [@crewe2011deep]"'),
     ":9: ch2-s1: option 2: unknown citation key 'crewe2011deep'"),
])
def test_each_schema_problem_is_located(change, expected):
    broken = change(BANK_TEXT)
    assert broken != BANK_TEXT, "the fixture change did not apply"
    _, problems = parse(broken)
    assert any(p.startswith("docs/quiz/chapter-2.yml:") and expected in p for p in problems), \
        "\n".join(problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_files_give_problems_never_exceptions(data):
    lines = BANK_TEXT.split("\n")
    cut = data.draw(st.integers(0, len(lines) - 1))
    junk = data.draw(st.text(alphabet=st.sampled_from(list("ab :-[]{}\"'#\n\t@0")), max_size=12))
    damaged = "\n".join(lines[:cut] + [junk] + lines[cut + data.draw(st.integers(0, 2)):])
    bank, problems = parse(damaged)
    assert all(re.match(r"^docs/quiz/chapter-2\.yml:\d+: ", p) for p in problems), problems
    assert all(isinstance(i, quiz.Item) for i in bank.items)


def test_missing_and_stray_files_are_located(tmp_path):
    folder = tmp_path / quiz.FOLDER
    folder.mkdir(parents=True)
    (folder / "chapter-1.yml").write_text(BANK_TEXT.replace("ch2-", "ch1-"), encoding="utf-8")
    (folder / "chapter-9.yml").write_text("items: []\n", encoding="utf-8")
    (folder / "chapter-3.yml").write_bytes(b"items:\n  - id: \xff\n")
    ch1, ch3 = (next(r for r in RECORDS if r.value == v) for v in ("1", "3"))
    banks, problems = quiz.read(tmp_path, RECORDS, KEYS, {ch1.page, CH2.page, ch3.page})
    text = [str(p) for p in problems]
    assert list(banks) == [ch1.page]
    assert any(t.startswith("docs/quiz/chapter-9.yml:1: no chapter page is called chapter-9.md")
               for t in text), text
    assert any(t.startswith("docs/quiz/chapter-2.yml:1: missing: the self-check items of "
                            "docs/chapters/chapter-2.md live in this file") for t in text), text
    assert any(t.startswith("docs/quiz/chapter-3.yml:2: byte 0xff") for t in text), text


def test_item_text_gets_the_language_and_claim_checks():
    from studyguide import truth

    bank, _ = parse(BANK_TEXT.replace("It studies how people", "The book argues that inmates"))
    problems = [str(p) for p in truth.check(quiz.texts({CH2.page: bank}), contents=truth.load_contents())]
    assert any(p.startswith("docs/quiz/chapter-2.yml:30:") and "inmate" in p for p in problems), problems
    assert any(p.startswith("docs/quiz/chapter-2.yml:30:") and "book argues" in p.lower()
               for p in problems), problems


# --- The chapter page check ---------------------------------------------------------------------------

def page_with(section: str, bank=None):
    text = (ROOT / "tests/fixtures/pages/valid_chapter.md").read_text(encoding="utf-8")
    text = text.replace("<!-- guide:self-check -->\n", section)
    page, _ = sources.parse_page(text, Path("x.md"), "docs/chapters/chapter-2.md")
    page.chapter = CH2
    if bank is not None:
        page.quiz = bank
    return page


def check(page) -> list[str]:
    found = chapter.section(page, "Check your understanding")
    return [str(p) for p in chapter._self_checks(page, found)]


def test_the_section_holds_only_the_marker():
    assert check(page_with("<!-- guide:self-check -->\n")) == []
    leftover = check(page_with('<!-- guide:self-check -->\n\n??? question "1. Old?"\n    **Answer:** a.\n'))
    assert len(leftover) == 1 and "Check your understanding: keep only the marker " \
        "'<!-- guide:self-check -->'; the items live in docs/quiz/chapter-2.yml" in leftover[0]
    assert check(page_with("Nothing here.\n"))


def test_the_page_needs_five_to_eight_items_serving_its_outcomes():
    bank, _ = parse()
    problems = check(page_with("<!-- guide:self-check -->\n", bank))
    assert "docs/quiz/chapter-2.yml:1: needs 5-8 self-check items for docs/chapters/chapter-2.md " \
           "(has 3)" in problems
    assert not any("lo 4" in p for p in problems)        # the fixture page has 4+ outcomes
    bank.items[2] = bank.items[2].__class__(**{**bank.items[2].__dict__, "lo": (9,)})
    problems = check(page_with("<!-- guide:self-check -->\n", bank))
    assert any(p.startswith("docs/quiz/chapter-2.yml:32: ch2-s3: lo 9 is not one of the")
               for p in problems), problems


def test_every_real_chapter_page_has_its_bank(guide):
    for record in guide.chapter_records:
        items = chapter.self_check_items(guide.pages[record.page])
        assert 5 <= len(items) <= 8, record.page
        assert [i.id for i in items] == [r["id"] for r in raw_items(record)]
        assert chapter.section(guide.pages[record.page], "Check your understanding").text.strip() \
            == "<!-- guide:self-check -->"


def test_no_item_repeats_another_question():
    seen: dict[str, str] = {}
    for record in RECORDS:
        for item in raw_items(record):
            key = re.sub(r"\W+", " ", item["question"].casefold()).strip()
            assert key not in seen, f"{item['id']} repeats {seen.get(key)}"
            seen[key] = item["id"]


def test_on_the_page_the_correct_option_moves_and_the_answer_waits():
    """The banks list the correct option first. On the page, the correct letter varies from item
    to item, and a multiple-choice item opens on its options alone: the answer, naming the
    letter, is in a block of its own inside. Read back from the page's Markdown, against each
    bank as PyYAML reads it."""
    from collections import Counter

    letters = Counter()
    for record in RECORDS:
        bank, problems = quiz.parse((ROOT / quiz.file_for(record)).read_text(encoding="utf-8"),
                                    quiz.file_for(record), record, KEYS)
        assert not problems
        markdown = quiz.page_markdown(bank.items)
        blocks = re.split(r'^\?\?\? question "', markdown, flags=re.M)[1:]
        raw = raw_items(record)
        assert len(blocks) == len(raw)
        for block, item in zip(blocks, raw):
            if item["type"] != "multiple-choice":
                continue
            shown = re.findall(r"^    - \*\*([A-Z])\.\*\* (.*)$", block, re.M)
            assert sorted(text for _, text in shown) == sorted(o["text"] for o in item["options"])
            right = next(letter for letter, text in shown
                         if text == next(o["text"] for o in item["options"] if o.get("correct")))
            letters[right] += 1
            opening, _, answer = block.partition('\n    ??? success "Answer"\n')
            assert answer and "**Answer:**" not in opening and "*Why:*" not in opening, item["id"]
            assert answer.startswith(f"        **Answer:** {right}. "), item["id"]
    assert len(letters) >= 3 and max(letters.values()) <= sum(letters.values()) / 2, letters


# --- Golden renderers --------------------------------------------------------------------------------

GOLDEN = [
    ("page.md", lambda bank: quiz.page_markdown(bank.items) + "\n"),
    ("bank.gift", lambda bank: quiz.to_gift([bank], BIB)),
    ("bank.xml", lambda bank: quiz.to_moodle_xml([bank], BIB).decode("utf-8")),
    ("qti.xml", lambda bank: quiz.qti_assessment("Fixture", "fixture", bank.items, BIB)
     .decode("utf-8")),
    ("cc-qti.xml", lambda bank: quiz.qti_assessment("Fixture", "fixture", bank.items, BIB,
                                                    profile="cc").decode("utf-8")),
]


@pytest.mark.parametrize("name, render", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_renderers_match_their_golden_files(name, render):
    bank, problems = parse()
    assert problems == []
    assert render(bank) == (FIXTURES / name).read_text(encoding="utf-8")


# --- GIFT, read by gift-pegjs -------------------------------------------------------------------------

def gift_parse(*paths: Path) -> list[dict]:
    node = shutil.which("node")
    require(node is not None and (ROOT / "node_modules/gift-pegjs").is_dir(),
            "Node.js with node_modules/gift-pegjs", "apt-get install -y nodejs npm, then npm ci")
    result = subprocess.run([node, str(ROOT / "scripts/gift_parse.cjs"), *map(str, paths)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def gift_text(value) -> str:
    return value["text"] if isinstance(value, dict) else value


def test_gift_parser_rejects_broken_gift(tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text("::a::Question {=one ~two\n", encoding="utf-8")
    node = shutil.which("node")
    require(node is not None, "Node.js", "apt-get install -y nodejs npm")
    result = subprocess.run([node, str(ROOT / "scripts/gift_parse.cjs"), str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and f"{path}:" in result.stderr


def test_every_gift_bank_parses_and_matches_the_data(downloads):
    for record in RECORDS:
        [parsed] = gift_parse(downloads / f"{record.stem}.gift")
        questions = [q for q in parsed["questions"] if q["type"] != "Category"]
        items = raw_items(record)
        assert [q["title"] for q in questions] == [i["id"] for i in items]
        for q, item in zip(questions, items):
            assert gift_text(q["stem"]) == chapter.plain_text(item["question"])
            if item["type"] == "true-false":
                assert q["type"] == "TF" and q["isTrue"] is item["correct"]
            else:
                assert q["type"] == {"multiple-choice": "MC", "short-answer": "Short"}[item["type"]]
                right = [gift_text(c["text"]) for c in q["choices"] if c["isCorrect"]]
                assert right == right_answers(item), item["id"]
                if item["type"] == "multiple-choice":
                    assert len(q["choices"]) == len(item["options"])
            assert chapter.plain_text(item["why"]) in gift_text(q["globalFeedback"])
    [whole] = gift_parse(downloads / f"{quiz.WHOLE}.gift")
    kinds = [q["type"] for q in whole["questions"]]
    assert kinds.count("Category") == len(RECORDS)
    assert len(kinds) - len(RECORDS) == sum(len(raw_items(r)) for r in RECORDS)


# --- Moodle XML, read with lxml -----------------------------------------------------------------------

MOODLE_TYPES = {"multiple-choice": "multichoice", "true-false": "truefalse",
                "short-answer": "shortanswer"}


def moodle_questions(data: bytes) -> list:
    root = etree.fromstring(data)
    assert root.tag == "quiz"
    return root.findall("question")


def test_every_moodle_xml_bank_has_the_documented_structure(downloads):
    for record in RECORDS:
        questions = moodle_questions((downloads / f"{record.stem}.xml").read_bytes())
        category, *rest = questions
        assert category.get("type") == "category"
        assert category.findtext("category/text") == f"$course$/top/{quiz.CATEGORY}/{record.label}"
        items = raw_items(record)
        assert len(rest) == len(items)
        for q, item in zip(rest, items):
            assert q.get("type") == MOODLE_TYPES[item["type"]]
            assert q.findtext("name/text").startswith(item["id"])
            assert q.findtext("idnumber") == item["id"]
            assert q.find("questiontext").get("format") == "html"
            assert chapter.plain_text(item["question"]) in etree.fromstring(
                q.findtext("questiontext/text")).xpath("string()")
            answers = q.findall("answer")
            assert answers and all(a.get("fraction") in ("0", "100") for a in answers)
            right = [a.findtext("text") for a in answers if a.get("fraction") == "100"]
            if item["type"] == "multiple-choice":
                assert q.findtext("single") == "true" and len(answers) == len(item["options"])
                right = [etree.fromstring(r).xpath("string()") for r in right]
            assert right == right_answers(item), item["id"]


# --- QTI, unzipped and read with lxml -----------------------------------------------------------------

def qti_items(archive: zipfile.ZipFile) -> list:
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{quiz.CP_NS}}}manifest"
    [resource] = manifest.findall(f"{{{quiz.CP_NS}}}resources/{{{quiz.CP_NS}}}resource")
    assert resource.get("type") == "imsqti_xmlv1p2"
    href = resource.find(f"{{{quiz.CP_NS}}}file").get("href")
    assert href == resource.get("href") and href in archive.namelist()
    root = etree.fromstring(archive.read(href))
    assert root.tag == f"{{{quiz.QTI_NS}}}questestinterop"
    assert len(root.findall("q:assessment", QTI)) == 1
    return root.findall("q:assessment/q:section/q:item", QTI)


def qti_right_answers(node) -> list[str]:
    """The responses that score 100 in the item's response processing, as text."""
    labels = {label.get("ident"): label.findtext("q:material/q:mattext", namespaces=QTI)
              for label in node.iterfind(".//q:response_label", QTI)}
    right = []
    for condition in node.iterfind("q:resprocessing/q:respcondition", QTI):
        score = condition.find("q:setvar", QTI)
        if score is None or score.text != "100" or score.get("varname") != "SCORE":
            continue
        value = condition.find("q:conditionvar/q:varequal", QTI)
        assert value.get("respident") == node.find(".//q:response_lid", QTI).get("ident") \
            if node.find(".//q:response_lid", QTI) is not None else value.get("respident")
        right.append(labels.get(value.text) if node.find(".//q:response_lid", QTI) is not None
                     else value.text)
    return right


def check_qti_items(nodes, items) -> None:
    assert [n.get("ident") for n in nodes] == [i["id"] for i in items]
    for node, item in zip(nodes, items):
        assert node.findtext("q:presentation/q:material/q:mattext", namespaces=QTI) == \
            chapter.plain_text(item["question"])
        decvar = node.find("q:resprocessing/q:outcomes/q:decvar", QTI)
        assert decvar.get("varname") == "SCORE" and decvar.get("maxvalue") == "100"
        right = qti_right_answers(node)
        if item["type"] == "true-false":
            right = [r.lower() for r in right]
        assert right == right_answers(item), item["id"]
        if item["type"] == "multiple-choice":
            assert len(node.findall(".//q:render_choice/q:response_label", QTI)) == \
                len(item["options"])
        assert chapter.plain_text(item["why"]) in node.findtext(
            "q:itemfeedback/q:flow_mat/q:material/q:mattext", namespaces=QTI)


def test_every_qti_package_scores_the_right_answers(downloads):
    for record in RECORDS:
        with zipfile.ZipFile(downloads / f"{record.stem}-qti.zip") as archive:
            nodes = qti_items(archive)
        check_qti_items(nodes, raw_items(record))
        types = [n.xpath("string(.//q:qtimetadatafield[q:fieldlabel='question_type']/q:fieldentry)",
                         namespaces=QTI) for n in nodes]
        assert types == [quiz.CANVAS_TYPES[i["type"]] for i in raw_items(record)]
    with zipfile.ZipFile(downloads / f"{quiz.WHOLE}-qti.zip") as archive:
        assert len(qti_items(archive)) == sum(len(raw_items(r)) for r in RECORDS)


def test_the_common_cartridge_carries_each_chapter_quiz(guide):
    guide.configure("https://example.org/guide/", "Guide")
    data = guide.downloads()[f"downloads/{site.CARTRIDGE}"]
    ns = {"cc": links.CC_NS}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        quizzes = manifest.findall("cc:resources/cc:resource[@type='imsqti_xmlv1p2/imscc_xmlv1p1/"
                                   "assessment']", ns)
        assert len(quizzes) == len(RECORDS)
        referenced = {i.get("identifierref") for i in manifest.iterfind(".//cc:item", ns)}
        for resource, record in zip(quizzes, RECORDS):
            assert resource.get("identifier") in referenced
            root = etree.fromstring(archive.read(resource.find("cc:file", ns).get("href")))
            assert root.xpath("string(//q:assessment/q:qtimetadata/q:qtimetadatafield"
                              "[q:fieldlabel='cc_profile']/q:fieldentry)", namespaces=QTI) \
                == "cc.exam.v0p1"
            nodes = root.findall("q:assessment/q:section/q:item", QTI)
            check_qti_items(nodes, raw_items(record))


# --- The linking page and the JSON-LD ------------------------------------------------------------------

def test_the_banks_are_link_targets_that_exist(guide):
    guide.configure("https://example.org/guide/", "Guide")
    files = guide.downloads()
    targets = [t for t in guide.targets if t.kind == "quiz"]
    assert len(targets) == 3 * (len(RECORDS) + 1)
    assert {t.path for t in targets} == {p for p in files if p.startswith(quiz.DOWNLOADS)}


def test_jsonld_questions_come_from_the_items(guide):
    page = guide.pages[CH2.page]
    data = metadata.chapter_page(page, CH2, guide.contents, "u", "n", "s")
    questions = data["hasPart"][0]["hasPart"]
    items = raw_items(CH2)
    assert [q["identifier"] for q in questions] == [i["id"] for i in items]
    for q, item in zip(questions, items):
        wrong = [chapter.plain_text(o["text"]) for o in item.get("options", [])
                 if not o.get("correct")]
        assert [a["text"] for a in q.get("suggestedAnswer", [])] == [o["text"] for o in item.get(
            "options", []) if not o.get("correct")]
        assert q["acceptedAnswer"]["text"] == chapter.plain_text(item["answer"])
        assert len(wrong) == len(q.get("suggestedAnswer", []))
