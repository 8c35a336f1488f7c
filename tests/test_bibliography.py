"""bibliography.bib lint: each error class gives its located message and a non-zero exit;
messy-but-valid BibTeX is accepted and reads as a person expects; the real file is clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studyguide import bibliography, render

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "bib"


def lint(name: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyguide", "bib", name], cwd=FIXTURES,
                          env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)


@pytest.mark.parametrize("fixture, expected", [
    ("parse_error.bib", ["parse_error.bib:8: jones2002title: parse error: no comma after the key",
                         "parse_error.bib:18: parse error: '}' expected"]),
    ("unbalanced.bib", ["unbalanced.bib:1: smith2001title: unbalanced braces (1 '{' never closed)"]),
    ("duplicate_key.bib", ["duplicate_key.bib:8: Jones2002Title: duplicate key (first defined at line 1)"]),
    ("duplicate_doi.bib", ["duplicate_doi.bib:9: smith2001again: duplicate DOI 10.1000/XYZ123 (also on 'smith2001title')"]),
    ("missing_fields.bib", [
        "missing_fields.bib:1: smith2001title: @article is missing a required field: journal",
        "missing_fields.bib:7: jones2002title: @book is missing a required field: author or editor",
        "missing_fields.bib:7: jones2002title: @book is missing a required field: publisher",
        "missing_fields.bib:12: brown2003chapter: @incollection is missing a required field: booktitle",
        "missing_fields.bib:19: green2004thesis: @phdthesis is missing a required field: school",
        "missing_fields.bib:25: white2005report: @techreport is missing a required field: institution",
        "missing_fields.bib:31: black2006page: @misc is missing a required field: url",
    ]),
    ("bad_doi_url.bib", ["bad_doi_url.bib:1: smith2001title: malformed DOI 'https://doi.org/10.1000/xyz123'",
                         "bad_doi_url.bib:9: jones2002page: malformed URL 'www.example.org/page'"]),
    ("bad_year.bib", ["bad_year.bib:1: smith2001title: impossible year '20011'",
                      "bad_year.bib:8: jones3021future: impossible year '3021'"]),
    ("bad_key.bib", ["bad_key.bib:1: Smith.2001:title: bad key format"]),
    ("not_utf8.bib", ["not_utf8.bib:2: file is not UTF-8 (byte 0xfc)"]),
    ("bad_keywords.bib", [
        "bad_keywords.bib:1: smith2001title: keywords must be one to four themes from the list "
        "in the README (unknown: made-up-theme)",
        "bad_keywords.bib:8: jones2002title: keywords must be one to four themes from the list "
        "in the README (has 5)"]),
])
def test_each_lint_error_is_located_and_fails(fixture, expected):
    result = lint(fixture)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for message in expected:
        assert message in result.stderr, f"{message!r} not in:\n{result.stderr}"


def test_all_problems_reported_in_one_run():
    result = lint("missing_fields.bib")
    assert result.stderr.count("missing a required field") == 7
    assert "7 problem(s)." in result.stderr


def test_messy_but_valid_bibtex_is_accepted():
    result = lint("messy_valid.bib")
    assert result.returncode == 0, result.stderr
    bib = bibliography.load(FIXTURES / "messy_valid.bib")
    entry = bib.entries["muller2001listening"]
    assert entry.authors == ["Müller, Jörg", "García, María", "others"]
    assert entry.fields["journal"] == "Psychology, Crime & Law"   # @string macro, \& unescaped
    assert entry.fields["month"] == "January"                      # month macro
    assert entry.fields["title"] == "Listening in HMP Swansea: The Samaritans model"
    assert entry.fields["pages"] == "101–120"
    assert bib.entries["who2014prisons"].authors == ["World Health Organization"]
    assert bib.entries["oconnor2010voices"].editors == ["O'Connor, Seán"]


def test_messy_entries_render_as_a_reader_expects():
    refs = render.format_references(FIXTURES / "messy_valid.bib")
    assert refs["muller2001listening"].startswith("Müller, J., García, M., et al. (2001).")
    assert "{" not in refs["muller2001listening"] and "\\" not in refs["muller2001listening"]
    assert refs["who2014prisons"].startswith("World Health Organization. (2014).")


def test_the_real_bibliography_is_clean_and_large_enough():
    bib = bibliography.load(ROOT / "bibliography.bib", root=ROOT)
    assert bib.problems == []
    assert len(bib.entries) >= 100
    for entry in bib.entries.values():
        assert entry.keywords, f"{entry.key} has no keywords"


def test_real_entries_render_exactly_in_apa():
    refs = render.format_references(ROOT / "bibliography.bib")
    assert refs["becker1963outsiders"] == (
        "Becker, H. S. (1963). <em>Outsiders: Studies in the sociology of deviance</em>. "
        "The Free Press.")
    bagnall = refs["bagnall2015systematic"]
    assert bagnall.startswith("Bagnall, A.-M., South, J., Hulme, C., Woodall, J., ")
    assert "&amp; Wright, N. M. J. (2015). A systematic review of the effectiveness and " \
           "cost-effectiveness of peer education and peer support in prisons. " \
           "<em>BMC Public Health</em>, <em>15</em>, 290." in bagnall
    assert bagnall.endswith('<a href="https://doi.org/10.1186/s12889-015-1584-x">'
                            'https://doi.org/10.1186/s12889-015-1584-x</a>')
    aresti = refs["aresti2010doing"]
    assert "<em>Psychology, Crime &amp; Law</em>, <em>16</em>(3), 169–190." in aresti


def test_an_entry_no_page_uses_is_reported(tmp_path):
    import shutil

    from studyguide import site

    project = tmp_path / "p"
    shutil.copytree(ROOT / "docs", project / "docs")
    extra = ("\n@book{unused2001work,\n  author = {Nobody, Ann},\n  title = {Never cited},\n"
             "  publisher = {Press},\n  year = {2001},\n  keywords = {policy}\n}\n")
    text = (ROOT / "bibliography.bib").read_text(encoding="utf-8") + extra
    (project / "bibliography.bib").write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index("@book{unused2001work")) + 1
    problems = [str(p) for p in site.check(project)]
    assert problems == [f"bibliography.bib:{line}: unused2001work: no page cites this work or "
                        "lists it as further reading; cite it or remove it"]
    result = subprocess.run([sys.executable, "-m", "studyguide", "check", "--root", str(project)],
                            env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 1 and "unused2001work" in result.stderr
