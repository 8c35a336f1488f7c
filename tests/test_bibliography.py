"""bibliography.bib lint: each error class gives its located message and a non-zero exit;
messy-but-valid BibTeX is accepted and reads as a person expects; the real file is clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.richtext import Text

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
    ("not_utf8.bib", ["not_utf8.bib:2: smith2001title: file is not UTF-8 (byte 0xfc"]),
    ("not_utf8_two.bib", ["not_utf8_two.bib:2: smith2001title: file is not UTF-8 (byte 0xfc",
                          "not_utf8_two.bib:11: jones2002title: file is not UTF-8 (byte 0xe9"]),
    ("article_incomplete.bib", [
        "article_incomplete.bib:1: smith2001nothing: journal article without volume; add volume",
        "article_incomplete.bib:1: smith2001nothing: journal article without pages or article "
        "number; add pages = {first--last} (an article number also goes in pages",
        "article_incomplete.bib:10: jones2002novolume: journal article without volume",
        "article_incomplete.bib:19: brown2003nopages: journal article without pages or article "
        "number",
        "article_incomplete.bib:28: green2014nodoi: marked pubstate = {Advance online "
        "publication} but has no DOI; add doi",
        "article_incomplete.bib:37: white2015forthcoming: pubstate = {forthcoming} is not the "
        "online-first marker",
        "article_incomplete.bib:37: white2015forthcoming: journal article without volume",
        "article_incomplete.bib:47: jones2016number: article number in eid = {525}, which pandoc "
        "does not print; write it as pages = {525}"]),
    ("chapter_incomplete.bib", [
        "chapter_incomplete.bib:1: smith2001noeditors: chapter (@incollection) without editors; "
        "add editor = {",
        "chapter_incomplete.bib:11: jones2002nothing: chapter (@incollection) without editors",
        "chapter_incomplete.bib:11: jones2002nothing: chapter (@incollection) without pages; "
        "add pages = {first--last}",
        "chapter_incomplete.bib:11: jones2002nothing: @incollection is missing a required "
        "field: booktitle; add booktitle",
        "chapter_incomplete.bib:11: jones2002nothing: @incollection is missing a required "
        "field: publisher; add publisher",
        "chapter_incomplete.bib:18: brown2003nopages: chapter (@inbook) without pages"]),
    ("edited_book_author.bib", [
        "edited_book_author.bib:1: smith2001noted: edited book entered with author; write the "
        "names as editor = {",
        "edited_book_author.bib:10: brown2002eds: edited book entered with author",
        "edited_book_author.bib:18: grey2003collection: edited book entered with author (the "
        "chapter 'green2003inside' names these people as its editors)"]),
    ("silent_loss.bib", [
        "silent_loss.bib:1: aresti2010doing: unknown field 'dio' (did you mean 'doi'?): pandoc "
        "does not print a field it does not know, so its value would be lost",
        "silent_loss.bib:1: aresti2010doing: page range '190--169' ends before it starts; give "
        "both pages in full, as printed (e.g. 1003--1015)",
        "silent_loss.bib:12: becker1963outsiders: title = {} is empty; give its value from a "
        "source, or remove the field",
        "silent_loss.bib:12: becker1963outsiders: @book is missing a required field: title",
        "silent_loss.bib:12: becker1963outsiders: author 'Becker, Howard S. and' has an 'and' "
        "with no name on one side; remove it, or add the missing name",
        "silent_loss.bib:20: blagden2016treat: entry without '@', which BibTeX skips as a "
        "comment; write @article{blagden2016treat,"]),
    ("editor_eds.bib", [
        "editor_eds.bib:1: green2004chapter: editor 'Grey, Alex and Black, Pat (Eds.)' contains "
        "'(Eds.)'; write the names only: APA prints (Ed.) or (Eds.) itself",
        "editor_eds.bib:12: smith2005edited: editor 'Smith, Jo (Ed.)' contains '(Ed.)'"]),
    ("report_no_institution.bib", [
        "report_no_institution.bib:1: white2005report: @techreport is missing a required field: "
        "institution; add institution = {",
        "report_no_institution.bib:8: black2006report: @report is missing a required field: "
        "institution"]),
    ("corporate_split.bib", [
        "corporate_split.bib:1: sccjr2010report: author 'for Crime, Scottish Centre and "
        "Research, Justice' looks like an organisation but is read as personal names",
        "corporate_split.bib:9: moj2011comma: author 'Ministry of Justice, UK' looks like an "
        "organisation", "author = {{Name of the Organisation}}",
        "corporate_split.bib:17: mcneill2012institution: institution 'Scottish Centre for Crime "
        "and Justice Research' contains an unbraced 'and'",
        "wrap it in double braces: institution = {{Scottish Centre for Crime and Justice "
        "Research}}",
        "corporate_split.bib:25: smith2013publisher: publisher 'Taylor and Francis' contains an "
        "unbraced 'and'"]),
    ("particle_wrong.bib", [
        "particle_wrong.bib:1: mcadams1992theory: name particle in author 'de St. Aubin, Ed' "
        "prints in APA as 'St. Aubin, E. de'", "{de St. Aubin}, Ed",
        "particle_wrong.bib:11: mcadams1998generativity: name particle 'de' written after the "
        "given name in editor 'St. Aubin, Ed de'",
        "particle_wrong.bib:19: gogh1890letters: name particle in author 'van Gogh, Vincent' "
        "prints in APA as 'Gogh, V. van'"]),
    ("names_wrong.bib", [
        "names_wrong.bib:1: aresti2010semicolon: author 'Aresti, Andreas; Eatough, Virginia' "
        "separates names with ';'; separate them with ' and '",
        "names_wrong.bib:11: aresti2011commas: author 'Andreas Aresti, Virginia Eatough, "
        "Belinda Brooks-Gordon' has a name with more than one comma",
        "names_wrong.bib:21: aresti2012others: author ends 'and others', which prints 'et al.' "
        "in the reference; APA 7 lists up to 20 names",
        "names_wrong.bib:31: aresti2013open: page range '169--' lacks a page at one end",
        "names_wrong.bib:41: aresti2014date: date '2014-13-45' is not a date"]),
    ("isbn_crossref.bib", [
        "isbn_crossref.bib:1: aresti2016isbn: isbn '9780367894253' is not an ISBN",
        "isbn_crossref.bib:10: aresti2017crossref: crossref 'nosuch2017book' names no entry in "
        "the file"]),
    ("latex_command.bib", [
        "latex_command.bib:1: aresti2018command: title uses \\foo, a LaTeX command pandoc does "
        "not know: it drops the command and its text"]),
    ("parentheses.bib", [
        "parentheses.bib:1: @book( opens an entry with a parenthesis, which pandoc cannot read"]),
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
    # and, for the same entries: the article's volume and pages, the chapter's editors and pages
    assert result.stderr.count("journal article without") == 2
    assert result.stderr.count("chapter (@incollection) without") == 2
    assert "11 problem(s)." in result.stderr


@pytest.mark.parametrize("fixture", [
    "article_complete.bib", "chapter_complete.bib", "edited_book_editor.bib",
    "report_institution.bib", "corporate_braced.bib", "particle_braced.bib", "names_right.bib",
    "latex_known.bib"])
def test_each_rule_accepts_the_complete_form(fixture):
    result = lint(fixture)
    assert result.returncode == 0, result.stderr
    assert "No problems found." in result.stdout


def test_a_braced_particle_sorts_under_its_particle(tmp_path):
    """citeproc, not this project, orders the list: {de St. Aubin} files under D."""
    bib = tmp_path / "order.bib"
    bib.write_text("\n".join(
        f"@book{{{key}, author = {{{name}}}, title = {{T}}, publisher = {{P}}, year = {{2000}}}}"
        for key, name in [("stone", "Stone, Dan"), ("braced", "{de St. Aubin}, Ed"),
                          ("davis", "Davis, Ann"), ("dodd", "Dodd, Cat"),
                          ("unbraced", "de St. Aubin, Eve")]), encoding="utf-8")
    assert list(render.format_references(bib)) == ["davis", "braced", "dodd", "unbraced", "stone"]
    result = lint(str(bib))
    particles = [line for line in result.stderr.splitlines() if "name particle" in line]
    assert len(particles) == 1 and "unbraced: name particle in author 'de St. Aubin, Eve'" \
        in particles[0]


def test_what_the_lint_accepts_prints_correctly_and_what_it_rejects_does_not():
    """pandoc and the APA CSL, not this project's code, decide what a form prints."""
    good = {**render.format_references(FIXTURES / "particle_braced.bib"),
            **render.format_references(FIXTURES / "corporate_braced.bib"),
            **render.format_references(FIXTURES / "article_complete.bib"),
            **render.format_references(FIXTURES / "edited_book_editor.bib")}
    assert good["mcadams1992theory"].startswith("McAdams, D. P., &amp; de St. Aubin, E. (1992).")
    assert good["mcadams1998generativity"].startswith(
        "McAdams, D. P., &amp; de St. Aubin, E. (Eds.). (1998).")
    assert good["mews2017impact"].startswith("Mews, A., Di Bella, L., &amp; Purver, M. (2017).")
    assert good["sccjr2010report"].startswith("Scottish Centre for Crime and Justice Research. "
                                              "(2010).")
    assert good["sccjr2010report"].endswith("Scottish Centre for Crime and Justice Research.")
    assert good["moj2011comma"].startswith("Ministry of Justice, UK. (2011).")
    assert good["smith2013publisher"].endswith("Taylor and Francis.")
    assert good["grey2003collection"].startswith("Grey, A., &amp; Black, P. (Eds.). (2003).")
    online = good["green2014online"]
    assert ("<em>Journal of Examples</em>. Advance online publication. "
            '<a href="https://doi.org/10.1000/green.2014">') in online
    assert good["brown2015single"].endswith("<em>15</em>, 290.")

    bad = {**render.format_references(FIXTURES / "particle_wrong.bib"),
           **render.format_references(FIXTURES / "corporate_split.bib"),
           **render.format_references(FIXTURES / "article_incomplete.bib")}
    assert "St. Aubin, E. de" in bad["mcadams1992theory"]
    assert bad["gogh1890letters"].startswith("Gogh, V. van")
    assert "Scottish Centre for Crime; Justice Research" in bad["mcneill2012institution"]
    assert bad["moj2011comma"].startswith("Ministry of Justice, U. (2011).")
    assert "Taylor; Francis" in bad["smith2013publisher"]
    assert "Advance online publication" not in bad["white2015forthcoming"]
    assert bad["jones2016number"].endswith("<em>16</em>.")   # eid is not printed
    names = render.format_references(FIXTURES / "names_wrong.bib")
    assert names["aresti2010semicolon"].startswith("Aresti, V., Andreas; Eatough. (2010).")
    assert names["aresti2011commas"].startswith("Andreas Aresti, B. B.-G., Virginia Eatough.")
    assert names["aresti2012others"].startswith("Aresti, A. et al. (2012).")
    assert names["aresti2013open"].endswith("<em>5</em>, 169–169.")   # a range it never had
    right = render.format_references(FIXTURES / "names_right.bib")
    assert right["aresti2010semicolon"].startswith("Aresti, A., &amp; Eatough, V. (2010).")
    assert right["king1963strength"].startswith("King, M. L., Jr. (1963")


def test_pandoc_keeps_the_text_of_every_latex_command_the_lint_accepts(tmp_path):
    """pandoc, not this project, decides which commands keep their text: \\foo{mentoring}
    printed 'Peer support and in prison'."""
    import unicodedata

    commands = sorted(bibliography.LATEX_COMMANDS)
    bib = tmp_path / "commands.bib"
    bib.write_text("\n".join(
        f"@book{{c{n}, author = {{Doe, Ann}}, title = {{Before \\{name}{{zz}} after}}, "
        f"publisher = {{P}}, year = {{{2000 + n}}}}}" for n, name in enumerate(commands + ["foo"])),
        encoding="utf-8")
    printed = render.format_references(bib)
    for n, name in enumerate(commands + ["foo"]):
        text = unicodedata.normalize("NFD", re.sub(r"<[^>]+>", "", printed[f"c{n}"]))
        kept = "zz" in "".join(ch for ch in text if not unicodedata.combining(ch))
        assert kept is (name != "foo"), (name, printed[f"c{n}"])


def test_messy_but_valid_bibtex_is_accepted():
    result = lint("messy_valid.bib")
    assert result.returncode == 0, result.stderr
    bib = bibliography.load(FIXTURES / "messy_valid.bib")
    entry = bib.entries["muller2001listening"]
    assert entry.authors == ["Müller, Jörg", "García, María", "Østergaard, Søren"]
    assert entry.fields["journal"] == "Psychology, Crime & Law"   # @string macro, \& unescaped
    assert entry.fields["month"] == "January"                      # month macro
    assert entry.fields["title"] == "Listening in HMP Swansea: The Samaritans model"
    assert entry.fields["pages"] == "101–120"
    assert bib.entries["who2014prisons"].authors == ["World Health Organization"]
    assert bib.entries["oconnor2010voices"].editors == ["O'Connor, Seán"]


def test_messy_entries_render_as_a_reader_expects():
    refs = render.format_references(FIXTURES / "messy_valid.bib")
    assert refs["muller2001listening"].startswith("Müller, J., García, M., &amp; Østergaard, S. "
                                                  "(2001).")
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


# --- No escape for a value nobody has seen ------------------------------------------------------
# A reference either has every value APA prints, each seen in a source, or it is left out of the
# bibliography (and listed in data/withdrawn.yml). Nothing an entry says about itself excuses a gap.

ARTICLE = """@article{smith2020example,
  author = {Smith, Ann},
  title = {An example},
  journal = {Journal of Examples},
  year = {2020},
  volume = {3},
  keywords = {peer-support},
%s}
"""
UNVERIFIED = ("smith2020example: unverified = {%s}: the guide keeps no incomplete reference; give "
              "the missing value from a source you have seen (the DOI landing page, the publisher, "
              "a library record) and remove unverified, or leave the entry out and list it in "
              "data/withdrawn.yml")


def lint_text(tmp_path, text: str) -> list[str]:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return [p.message for p in bibliography.load(path).problems]


def test_an_incomplete_article_fails_whatever_it_says_about_itself(tmp_path):
    no_volume = ARTICLE.replace("  volume = {3},\n", "")
    messages = lint_text(tmp_path, no_volume % "  pages = {1--9},\n  unverified = {volume},\n")
    assert messages == [
        "smith2020example: journal article without volume; add volume = {…} from the journal "
        "issue, or, if the work has no issue yet, mark it pubstate = {Advance online publication} "
        "with its doi",
        UNVERIFIED % "volume",
    ]
    messages = lint_text(tmp_path, ARTICLE % "  unverified = {pages},\n")
    assert [m.split(";")[0] for m in messages] == [
        "smith2020example: journal article without pages or article number",
        "smith2020example: unverified = {pages}: the guide keeps no incomplete reference"]


def test_an_unverified_field_on_a_complete_entry_is_reported_too(tmp_path):
    assert lint_text(tmp_path, ARTICLE % "  pages = {1--9},\n  unverified = {pages},\n") == [
        UNVERIFIED % "pages"]


def test_the_check_fails_when_the_real_bibliography_gains_an_incomplete_article(tmp_path):
    extra = ("\n@article{nobody2021novolume,\n  author = {Nobody, Ann},\n  title = {No volume},\n"
             "  journal = {Journal of Examples},\n  year = {2021},\n  pages = {1--9},\n"
             "  keywords = {policy}\n}\n")
    text = (ROOT / "bibliography.bib").read_text(encoding="utf-8") + extra
    (tmp_path / "bibliography.bib").write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index("@article{nobody2021novolume")) + 1
    result = subprocess.run([sys.executable, "-m", "studyguide", "bib", "bibliography.bib"],
                            cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert (f"bibliography.bib:{line}: nobody2021novolume: journal article without volume"
            in result.stderr)


# --- Withdrawn works (data/withdrawn.yml) -----------------------------------------------------------

WITHDRAWN_GOOD = """# a comment
- key: smith2020gone
  cited_as: "(Smith, 2020)"
  title: "A withdrawn example"
  unconfirmed: "page range"

- key: jones2019gone
  cited_as: "(Jones & Brown, 2019)"
  title: "Another"
  unconfirmed: "volume"
"""


def write_withdrawn(directory: Path, text: str) -> None:
    (directory / "data").mkdir(exist_ok=True)
    (directory / "data" / "withdrawn.yml").write_text(text, encoding="utf-8")


def test_withdrawn_works_are_read_with_their_lines(tmp_path):
    write_withdrawn(tmp_path, WITHDRAWN_GOOD)
    (tmp_path / "bibliography.bib").write_text(ARTICLE % "  pages = {1--9},\n", encoding="utf-8")
    bib = bibliography.load(tmp_path / "bibliography.bib", root=tmp_path)
    assert bib.problems == []
    assert bib.withdrawn == [
        bibliography.Withdrawn("smith2020gone", "(Smith, 2020)", "A withdrawn example",
                               "page range", 2),
        bibliography.Withdrawn("jones2019gone", "(Jones & Brown, 2019)", "Another", "volume", 7)]
    assert "smith2020gone" not in bib.entries  # a notice, never an entry


def test_no_withdrawn_file_means_no_withdrawn_works(tmp_path):
    (tmp_path / "bibliography.bib").write_text(ARTICLE % "  pages = {1--9},\n", encoding="utf-8")
    bib = bibliography.load(tmp_path / "bibliography.bib", root=tmp_path)
    assert (bib.withdrawn, bib.problems) == ([], [])


@pytest.mark.parametrize("text, expected", [
    ("- key: smith2020gone\n  cited_as: \"(Smith, 2020)\"\n  title: \"T\"\n",
     ["data/withdrawn.yml:1: missing or empty 'unconfirmed'; give it as text (what could not "
      "be confirmed, e.g. page range)"]),
    ("- key: Smith2020\n  cited_as: a\n  title: b\n  unconfirmed: c\n",
     ["data/withdrawn.yml:1: Smith2020: bad key format; use the key exactly as the guide cited "
      "it (lower-case author + year + word)"]),
    ("- key: smith2020gone\n  cited_as: a\n  title: b\n  unconfirmed: c\n  reason: d\n",
     ["data/withdrawn.yml:5: unknown field 'reason'; a withdrawn work has key, cited_as, title, "
      "unconfirmed"]),
    ("- key: smith2020gone\n  cited_as: a\n  title: b\n  unconfirmed: c\n"
     "- key: smith2020gone\n  cited_as: a\n  title: b\n  unconfirmed: c\n",
     ["data/withdrawn.yml:5: smith2020gone: listed twice (first at line 1); list each withdrawn "
      "work once"]),
    ("- key: smith2020example\n  cited_as: a\n  title: b\n  unconfirmed: c\n",
     ["data/withdrawn.yml:1: smith2020example: withdrawn but still in bibliography.bib (line 1); "
      "remove the entry, or remove it from this list if its values are now confirmed"]),
    ("key: smith2020gone\n", ["data/withdrawn.yml:1: expected a list of withdrawn works, each "
                              "starting with '- key: …'"]),
    ("- just text\n", ["data/withdrawn.yml:1: each withdrawn work is a mapping with key, "
                       "cited_as, title, unconfirmed"]),
    ("- key: [unclosed\n", None),
])
def test_bad_withdrawn_input_is_a_located_problem(tmp_path, text, expected):
    write_withdrawn(tmp_path, text)
    (tmp_path / "bibliography.bib").write_text(ARTICLE % "  pages = {1--9},\n", encoding="utf-8")
    bib = bibliography.load(tmp_path / "bibliography.bib", root=tmp_path)
    messages = [str(p) for p in bib.problems]
    if expected is None:
        assert len(messages) == 1 and messages[0].startswith("data/withdrawn.yml:")
        assert "not valid YAML" in messages[0]
    else:
        assert messages == expected
    # only the first of two items with one key is kept; every other bad item is left out
    assert [w.key for w in bib.withdrawn] == (["smith2020gone"] if "twice" in str(expected) else [])


def test_every_removed_reference_has_a_withdrawn_notice():
    """tests/permalinks.txt keeps every bibliography anchor ever published: each is either an entry
    of bibliography.bib or a withdrawn work, never neither and never both."""
    published = {line.strip().rsplit("#ref-", 1)[1]
                 for line in (ROOT / "tests" / "permalinks.txt").read_text().splitlines()
                 if "/bibliography/#ref-" in line}
    bib = bibliography.load(ROOT / "bibliography.bib", root=ROOT)
    withdrawn = {w.key for w in bib.withdrawn}
    assert published - set(bib.entries) == withdrawn
    assert not withdrawn & set(bib.entries)
    assert {"perrin2016movements", "mews2017impact", "erikson1950childhood"} <= withdrawn


# Field text that plain() returns without asking pybtex: it must be what pybtex would give.
_SAFE = list("abcXYZ019 .,:;()/[]*+=|@?’“”'\"–—&-_") + ["é", "ß", "Ω", "²"]
_FIELD_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(_SAFE), max_size=14),
    st.text(alphabet=st.sampled_from(_SAFE + ["`", "~", "{", "}", "!"]), max_size=8),
    st.text(alphabet=st.sampled_from(_SAFE + list("!`~{}\\$%#^<>") + ["\u00a0", "\n", "\t"]),
            max_size=14))


@settings(max_examples=400, deadline=None)
@given(_FIELD_TEXT)
def test_plain_text_is_what_pybtex_reads(text):
    """Text without LaTeX syntax skips pybtex's reading: the shortcut never changes what a
    field says (a ligature like -- or ,, a command, a brace or a double space goes to pybtex)."""
    try:
        read = str(Text.from_latex(text))
    except Exception:  # unbalanced braces: plain() has its own fallback
        read = None
    if bibliography._UNCHANGED_RE.fullmatch(text):
        assert read == text
    if read is not None:
        assert bibliography.plain(text) == bibliography._COMMAND_RE.sub("", read).strip()


def test_plain_takes_the_shortcut_for_most_fields_of_the_real_file():
    """The shortcut is taken for ordinary titles and names, and not for LaTeX syntax."""
    assert bibliography._UNCHANGED_RE.fullmatch("Peer support in prison: A review, 2nd ed.")
    for latex in ("Smith--Jones", "{UK} prisons", "Caf\\'e", "a  b", "``quoted''", "x~y", " a"):
        assert not bibliography._UNCHANGED_RE.fullmatch(latex), latex
