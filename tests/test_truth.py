"""Truth checks: copying (against hashes of the publisher's text), claims about the book and
person-first language. Each check has a failing and a passing fixture in tests/fixtures/truth/;
the expected lists below name every fixture line that must be flagged, each checked by hand
against the fixture's text, and the passing fixtures must give nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from studyguide import sources, truth

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "truth"
SCRIPT = ROOT / "scripts" / "copying_hashes.py"
CONTENTS = yaml.safe_load((FIXTURES / "contents.yml").read_text(encoding="utf-8"))
REGEN_ARGS = [str(FIXTURES / "source"), "--contents", str(FIXTURES / "contents.yml"),
              "--text", f"fixture2024={FIXTURES / 'abstract.txt'}=the abstract of Fixture (2024) | read "
              "in tests/fixtures/truth"]


def fixture_hashes() -> truth.Hashes:
    return truth.load_hashes(FIXTURES / "copying-hashes.txt")


def run(name: str, hashes: truth.Hashes | None = None) -> list[tuple[int, str]]:
    rel = f"tests/fixtures/truth/{name}"
    problems = truth.check([(rel, (FIXTURES / name).read_text(encoding="utf-8"), 1)],
                           hashes or fixture_hashes(), CONTENTS)
    assert all(str(p).startswith(f"{rel}:{p.line}: ") for p in problems)
    return [(p.line, p.message) for p in problems]


def regen(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)


# --------------------------------------------------------------------------- normalisation

def test_normalise_unifies_case_quotes_dashes_and_punctuation():
    assert truth.normalise("“It’s nice to be nice”. A History—of") == \
        ["its", "nice", "to", "be", "nice", "a", "history", "of"]
    assert truth.normalise("It's DRIP-by-drip, one‑another; ﬁne") == \
        ["its", "drip", "by", "drip", "one", "another", "fine"]  # NFKC turns the ligature into fi
    assert truth.window_hash(["a"] * 8) == truth.window_hash(truth.normalise("A a, a; ‘a’ a-a a A."))
    assert len(truth.window_hash(["a"] * 8)) == 16


# --------------------------------------------------------------------------- copying

def test_regeneration_script_makes_the_fixture_hash_file(tmp_path):
    out = tmp_path / "hashes.txt"
    result = regen(out, *REGEN_ARGS, "--fresh")
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == (FIXTURES / "copying-hashes.txt").read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "gardeners" not in text and "patient" not in text   # hashes only, never the text
    loaded = truth.load_hashes(out)
    assert loaded.problems == []
    assert set(loaded.sources) == {"publisher", "fixture2024"}


def test_regeneration_keeps_sources_whose_texts_are_not_given_again(tmp_path):
    out = tmp_path / "hashes.txt"
    committed = (FIXTURES / "copying-hashes.txt").read_text(encoding="utf-8")
    out.write_text(committed, encoding="utf-8")
    publisher_only = REGEN_ARGS[:3]
    result = regen(out, *publisher_only)
    assert result.returncode == 0 and "keeping the hashes of fixture2024" in result.stdout
    assert out.read_text(encoding="utf-8") == committed
    assert regen(out, *publisher_only, "--drop", "fixture2024").returncode == 0
    dropped = truth.load_hashes(out)
    assert dropped.problems == [] and set(dropped.sources) == {"publisher"}
    assert {labels for labels in dropped.windows.values()} == {("publisher",)}
    assert len(dropped.windows) < len(truth.load_hashes(FIXTURES / "copying-hashes.txt").windows)


def test_regeneration_script_reports_a_missing_source(tmp_path):
    result = regen(tmp_path / "x.txt", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no *.txt files" in result.stderr
    assert not (tmp_path / "x.txt").exists()


def test_copying_fail_fixture():
    found = run("copying_fail.md")
    assert [(line, message.split(" (")[0].split(",")[0]) for line, message in found] == [
        (3, "11 words copied from the publisher's text"),
        (5, "14 words copied from the publisher's text"),      # runs over a line break
        (8, "10 words quoted from the publisher's text"),      # quoted, but no citation
        (10, "12 words copied from the publisher's text"),     # upper case in a list item
        (12, "10 words copied from the publisher's text"),     # an admonition's title is prose
        (15, "8 words copied from the publisher's text"),      # one-another, dash and it’s
        (17, "14 words copied from the abstract of Fixture")]  # a further source, cited but unquoted
    assert found[0][1].endswith('unquoted ("follows the gardeners of a small island prison as they '
                                'learn"); reword it, or quote it and cite the source')
    assert "without a citation" in found[2][1] and "cite the source" in found[2][1]


def test_copying_pass_fixture():
    assert run("copying_pass.md") == []


def test_copying_starts_at_eight_words():
    source = "one two three four five six seven eight nine ten"
    hashes = truth.Hashes({truth.window_hash(w): ("publisher",) for w in truth.windows(source.split())},
                          {"publisher": "the publisher's text"})
    check = lambda text: truth.check([("p.md", text, 1)], hashes, {})  # noqa: E731
    assert check("x two three four five six seven eight y") == []
    assert [p.line for p in check("x\n\none two three four five six seven eight y")] == [3]
    assert check("one two three four five six seven\n\neight nine ten") == []   # paragraphs apart


def test_titles_may_be_repeated_even_if_the_hash_file_holds_them():
    phrase = "Soil, Water and the Long Patience of the Winter Garden"
    hashes = truth.Hashes({truth.window_hash(w): ("publisher",) for w in truth.windows(
        truth.normalise(phrase))}, {"publisher": "p"})
    assert truth.check([("p.md", f"Read {phrase} first.", 1)], hashes, CONTENTS) == []
    assert truth.check([("p.md", f"Read {phrase} first.", 1)], hashes, {}) != []


def test_committed_hash_file_is_well_formed_and_holds_the_publisher_text():
    hashes = truth.load_hashes()
    assert hashes.problems == []
    assert list(hashes.sources) == ["publisher", "perrin2022maximizing", "perrin2014accumulating",
                                    "perrin2018monster"]   # the abstracts: keys in bibliography.bib
    assert all(" | read at " in hashes.sources[label] for label in list(hashes.sources)[1:])
    assert len(hashes.windows) > 300
    # Runs typed from the publisher's description, from an endorsement and from an abstract.
    for phrase, label in (("rebuild their lives by ‘giving back’ and establishing", "publisher"),
                          ("In this careful, insider-perspective book, Christian Perrin", "publisher"),
                          ("engender a magnified impact in carceral settings characterized",
                           "perrin2022maximizing")):
        words = truth.normalise(phrase)
        assert len(words) == 8 and hashes.windows.get(truth.window_hash(words)) == (label,), phrase
    # A part title of eight words is in the publisher's contents but not in the file.
    title = truth.normalise("Humanity and Interdependency in the Bleakness of Prison")
    assert len(title) == 8 and truth.window_hash(title) not in hashes.windows
    # A fresh clone needs nothing but the committed files to find a copy.
    problems = truth.check([("docs/x.md", "Intro.\n\nHe has worked in several prisons "
                             "internationally and has cultivated a wealth of experience.", 1)])
    assert [(p.line, p.message.split(",")[0]) for p in problems] == [
        (3, "14 words copied from the publisher's text (blurb")]


def test_hash_file_problems_are_located(tmp_path):
    good = (FIXTURES / "copying-hashes.txt").read_text(encoding="utf-8").split("\n")
    bad = tmp_path / "hashes.txt"
    bad.write_text("\n".join(good[:12] + ["not a hash", "0123456789abcdef nosuchsource"] + good[12:]),
                   encoding="utf-8")
    problems = truth.load_hashes(bad, "h.txt").problems
    assert [(p.line, p.message.split(" (")[0].split(";")[0]) for p in problems] == [
        (13, "not a hash line"), (14, "label 'nosuchsource' has no '# source nosuchsource: …' line in "
                                      "the header")]
    bad.write_text("\n".join(line.replace("# window: 8", "# window: 7") for line in good), encoding="utf-8")
    assert "header says window: '7'" in str(truth.load_hashes(bad, "h.txt").problems[0])
    missing = truth.load_hashes(tmp_path / "none.txt", "none.txt").problems
    assert str(missing[0]).startswith("none.txt:1: cannot read the copying hashes")


# --------------------------------------------------------------------------- claims

CLAIM_TAIL = ('presents the guide\'s reading as the book\'s content; reword it, quote and cite it, '
              'or add <!-- guide:claim source="publisher" --> (or contents, book.md) naming what '
              'supports it')


def test_claims_fail_fixture():
    found = run("claims_fail.md")
    assert [(line, message.split(" presents")[0].split(";")[0]) for line, message in found] == [
        (3, '"The chapter shows"'),
        (5, '"This chapter argues"'),
        (5, '"Chapter 2 builds on"'),
        (7, '"the book\'s Conclusion picks up"'),
        (9, '"evidently"'),
        (11, '"In the book, Perrin"'),
        (13, '"Chapter 1 explores"'),                     # link text is read
        (13, '"the book argues"'),                        # across a line break, at its first line
        (16, "<!-- guide:claim --> marker: source 'the' is not known"),
        (16, '"The book explores"'),                      # a bad marker covers nothing
        (18, "<!-- guide:claim --> marker: it names no source"),
        (18, '"The chapter finds"'),
        (20, "<!-- guide:claim --> marks nothing on its line"),
        (22, '"Chapter 2 asks"'),
        (22, '"Chapter 1 tests"')]
    assert found[0][1] == '"The chapter shows" ' + CLAIM_TAIL
    assert found[4][1].startswith('"evidently" presents an inference as the book\'s content; reword it')


def test_claims_pass_fixture():
    assert run("claims_pass.md") == []


# --------------------------------------------------------------------------- language

def test_language_fail_fixture():
    found = run("language_fail.md")
    assert [(line, message.split(" in the guide")[0].split(";")[0]) for line, message in found] == [
        (3, '"prisoners"'),
        (5, '"prisoner\'s"'),
        (5, '"inmate\'s"'),
        (7, '"offenders"'),
        (7, '"lifers"'),
        (7, '"ex-cons"'),
        (11, '"prisoners"'),                              # a table cell
        (13, '"prisoners"'),                              # an admonition's title is not a quotation
        (16, '"Prisoners"'),                              # one italic word is emphasis, not a title
        (18, "<!-- guide:allow-term --> marks nothing on its line")]
    assert found[0][1] == ('"prisoners" in the guide\'s own voice is not person-first (try: people in '
                           'prison, peers, a man on his wing); reword it, quote and cite it, or add '
                           '<!-- guide:allow-term --> for a deliberate use')


def test_language_pass_fixture():
    assert run("language_pass.md") == []


# --------------------------------------------------------------------------- pages of a site

def test_page_texts_leave_out_front_matter_but_read_its_prose(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text(
        '---\ntitle: "Offenders"\ndescription: "A page about prisoners."\nfurther_reading:\n'
        '  - key: k\n    why: "Because the chapter shows it."\n---\n\n# Hello\n\nPrisoners.\n',
        encoding="utf-8")
    page, _ = sources.read_page(tmp_path / "docs" / "p.md", tmp_path)
    pages = truth.page_texts([page])
    assert pages == [("docs/p.md", "Offenders", 2), ("docs/p.md", "A page about prisoners.", 3),
                     ("docs/p.md", "Because the chapter shows it.", 6),
                     ("docs/p.md", "\n# Hello\n\nPrisoners.\n", 8)]
    problems = truth.check(pages, truth.Hashes({}, {}, []), {})
    assert [str(p).split(" in the guide")[0].split(" presents")[0] for p in problems] == [
        'docs/p.md:2: "Offenders"', 'docs/p.md:3: "prisoners"', 'docs/p.md:6: "the chapter shows"',
        'docs/p.md:11: "Prisoners"']
