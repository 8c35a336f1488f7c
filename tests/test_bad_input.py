"""Bad input gets a located message and a non-zero exit, never a traceback and never silent
loss: each change a new user might make, tried on a full copy of the project, in both
`make check` (python -m studyguide check) and the strict build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MKDOCS, ROOT, build_env, mkdocs_build

CLI = [sys.executable, "-m", "studyguide"]


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for name in ("docs", "scripts", "overrides", "data"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(ROOT / name, project / name)
    if (ROOT / ".cache").is_dir():  # formatted references: keeps each build short
        shutil.copytree(ROOT / ".cache", project / ".cache")
    return project


def cli(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args) + (["--root", str(project)] if args[0] == "check" else []),
                          cwd=project, env=build_env(PYTHONPATH=str(project / "scripts"), **env),
                          capture_output=True, text=True)


def line_of(path: Path, needle: str) -> int:
    return path.read_text(encoding="utf-8").split("\n").index(needle) + 1


def latin1_byte(project: Path) -> str:
    path = project / "docs/about/privacy.md"
    text = path.read_text(encoding="utf-8").replace("Privacy", "Priv\u00e9cy", 1)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    line = next(n for n, row in enumerate(path.read_bytes().split(b"\n"), 1) if b"\xe9" in row)
    return f"docs/about/privacy.md:{line}: byte 0xe9 at column"


def bad_yaml_on_other_page(project: Path) -> str:
    path = project / "docs/teaching/assessment.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^description: .*$", 'description: "unclosed', text, count=1, flags=re.M),
                    encoding="utf-8")
    return "docs/teaching/assessment.md:"


def misspelt_key(project: Path) -> str:
    path = project / "docs/chapters/chapter-1.md"
    text = path.read_text(encoding="utf-8").replace("content_notes:", "content_note:", 1)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.split("\n"), 1) if row.startswith("content_note:"))
    return f"docs/chapters/chapter-1.md:{line}: front matter: unknown key 'content_note'; did you mean 'content_notes'?"


def nav_to_missing_page(project: Path) -> str:
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8").replace(
        "      - Privacy: about/privacy.md\n",
        "      - Privacy: about/privacy.md\n      - Lost: about/lost.md\n")
    path.write_text(text, encoding="utf-8")
    return f"mkdocs.yml:{line_of(path, '      - Lost: about/lost.md')}: nav: no page docs/about/lost.md"


def mixed_citation_block(project: Path) -> str:
    path = project / "docs/about/index.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [@perrin2018monster; @nosuchkey].\n",
                    encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").split("\n")) - 1
    return f"docs/about/index.md:{line}: unknown citation key 'nosuchkey'"


def draft_copy(project: Path) -> str:
    draft = project / "docs/chapters/chapter-2-draft.md"
    shutil.copy(project / "docs/chapters/chapter-2.md", draft)
    return (f"docs/chapters/chapter-2-draft.md:{line_of(draft, 'chapter: 2')}: front matter: "
            "Chapter 2 is already docs/chapters/chapter-2.md")


def misspelt_marker(project: Path) -> str:
    path = project / "docs/chapters/chapter-3.md"
    text = path.read_text(encoding="utf-8").replace("<!-- guide:further-reading -->",
                                                    "<!-- further-readng -->")
    path.write_text(text, encoding="utf-8")
    return f"docs/chapters/chapter-3.md:{line_of(path, '<!-- further-readng -->')}: comment"


def misspelt_page_asset(project: Path) -> str:
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8").replace("    glossary.md: [assets/javascripts/glossary.js]",
                                                    "    glosary.md: [assets/javascripts/glossary.js]")
    path.write_text(text, encoding="utf-8")
    return (f"mkdocs.yml:{line_of(path, '    glosary.md: [assets/javascripts/glossary.js]')}: "
            "extra.page_assets: no page docs/glosary.md")


def hidden_control_character(project: Path) -> str:
    path = project / "docs/teaching/marking.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(n for n, row in enumerate(lines) if row.startswith("## "))
    lines[at] = lines[at] + " \u202eesrever"  # a bidirectional override: the heading reads reversed
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"docs/teaching/marking.md:{at + 1}: an invisible control character (U+202E)"


def key_given_twice_in_a_quiz_item(project: Path) -> str:
    path = project / "docs/quiz/chapter-3.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(n for n, row in enumerate(lines) if row.strip().startswith("question:"))
    lines.insert(at + 1, lines[at].split("question:")[0] + 'question: "A second question?"')
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"docs/quiz/chapter-3.yml:{at + 2}: 'question' is given twice (also at line {at + 1})"


def alias_in_front_matter(project: Path) -> str:
    path = project / "docs/about/privacy.md"
    text = path.read_text(encoding="utf-8").replace("\ndescription: ", "\ntags: &r [*r]\ndescription: ", 1)
    path.write_text(text, encoding="utf-8")
    return f"docs/about/privacy.md:{line_of(path, 'tags: &r [*r]')}: front matter: an anchor (&name) used again"


CHANGES = [latin1_byte, bad_yaml_on_other_page, misspelt_key, nav_to_missing_page,
           mixed_citation_block, draft_copy, misspelt_marker, misspelt_page_asset,
           hidden_control_character, key_given_twice_in_a_quiz_item, alias_in_front_matter]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__)
def test_bad_input_gives_a_located_message_in_check_and_build(tmp_path, change):
    project = copy_project(tmp_path)
    expected = change(project)
    checked = cli(project, "check")
    built = mkdocs_build(project / "site", project / "mkdocs.yml")
    for result in (checked, built):
        assert result.returncode != 0, result.stdout + result.stderr
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert expected in result.stderr, result.stderr[-3000:]
    if change is draft_copy:  # one message names both files; none blames the real page
        lines = [row for row in checked.stderr.splitlines() if ":" in row and "problem(s)" not in row]
        assert lines and all(row.startswith("docs/chapters/chapter-2-draft.md:") for row in lines), lines


def test_a_bibliography_that_cannot_be_read_hides_the_citation_checks(tmp_path):
    """One bad byte in the .bib gave its located message and then 744 'unknown citation key'
    messages, one for every citation. The sources' own read problems are still reported."""
    project = copy_project(tmp_path)
    bib = project / "bibliography.bib"
    raw = bib.read_bytes().split(b"\n")
    raw[4] += b"\xff"
    bib.write_bytes(b"\n".join(raw))
    expected = bad_yaml_on_other_page(project)
    result = cli(project, "check")
    assert result.returncode == 1
    lines = [row for row in result.stderr.splitlines() if row and "problem(s)" not in row]
    assert len(lines) == 2, lines
    assert lines[0].startswith("bibliography.bib:5: ") and "file is not UTF-8 (byte 0xff" in lines[0]
    assert expected in lines[1]


@pytest.mark.parametrize("section", ['"Part 3": []', '"Part 3":'])
def test_an_empty_nav_section_is_located(tmp_path, section):
    from studyguide import sources

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(f"nav:\n  - a.md\n  - {section}\n", encoding="utf-8")
    config, lines, _ = sources.load_config(tmp_path)
    pages, problems = sources.walk_nav(config["nav"], lines, tmp_path / "docs")
    assert pages == ["a.md"]
    assert [str(p) for p in problems] == [
        "mkdocs.yml:3: nav: section 'Part 3' lists no pages; list its pages under it, or "
        "remove it"]


def test_an_external_link_in_the_nav_simply_builds(tmp_path):
    project = copy_project(tmp_path)
    path = project / "mkdocs.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "      - Privacy: about/privacy.md\n",
        "      - Privacy: about/privacy.md\n      - Publisher: https://www.routledge.com/\n"),
        encoding="utf-8")
    assert cli(project, "check").returncode == 0
    built = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert built.returncode == 0, built.stderr[-3000:]
    assert "https://www.routledge.com/" in (project / "site/index.html").read_text(encoding="utf-8")


def test_broken_mkdocs_yml_gives_a_located_message_in_the_cli(tmp_path):
    project = copy_project(tmp_path)
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8").replace("use_directory_urls: true",
                                                    "use_directory_urls: [true")
    path.write_text(text, encoding="utf-8")
    result = cli(project, "permalinks")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"^mkdocs\.yml:\d+: not valid YAML", result.stderr, re.M), result.stderr


def test_a_question_id_used_on_two_pages_names_both(tmp_path):
    project = copy_project(tmp_path)
    path = project / "docs/chapters/chapter-3.md"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "{#ch3-q2" in row)
    path.write_text(text.replace("{#ch3-q2", "{#ch2-q2", 1), encoding="utf-8")
    checked = cli(project, "check")
    assert checked.returncode != 0 and "Traceback" not in checked.stderr
    assert (f"docs/chapters/chapter-3.md:{line}: question id 'ch2-q2' is already used in "
            "docs/chapters/chapter-2.md") in checked.stderr, checked.stderr


def deep_nesting(project: Path) -> str:
    path = project / "docs/teaching/linking.md"
    text = path.read_text(encoding="utf-8") + "\n" + "".join(
        "    " * level + f"- level {level}\n" for level in range(400))
    path.write_text(text, encoding="utf-8")
    return f"docs/teaching/linking.md:{len(text.split(chr(10))) - 1}: lists or blocks are nested too deeply"


def missing_snippet(project: Path) -> str:
    path = project / "docs/about/privacy.md"
    path.write_text(path.read_text(encoding="utf-8") + '\n--8<-- "docs/no-such-snippet.md"\n',
                    encoding="utf-8")
    include = '--8<-- "docs/no-such-snippet.md"'
    return (f"docs/about/privacy.md:{line_of(path, include)}: "
            "Snippet at path 'docs/no-such-snippet.md' could not be found")


@pytest.mark.parametrize("change", [deep_nesting, missing_snippet], ids=lambda f: f.__name__)
def test_a_page_markdown_cannot_convert_is_a_located_build_problem(tmp_path, change):
    project = copy_project(tmp_path)
    expected = change(project)
    built = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert built.returncode != 0
    assert "Traceback" not in built.stderr, built.stderr[-3000:]
    assert expected in built.stderr, built.stderr[-3000:]


def test_line_ends_of_any_kind_read_as_the_same_page(tmp_path):
    """A page saved with Windows (CRLF) or old Mac (CR) line ends is the same page: MkDocs
    reads them as newlines, and so do the checks."""
    from studyguide import sources

    original = (ROOT / "docs/chapters/chapter-4.md").read_text(encoding="utf-8")
    expected, _ = sources.parse_page(original, Path("x.md"), "docs/chapters/chapter-4.md")
    for ending in ("\r\n", "\r"):
        path = tmp_path / "chapter-4.md"
        path.write_bytes(original.replace("\n", ending).encode("utf-8"))
        text, problems = sources.read_text(path, "docs/chapters/chapter-4.md")
        assert problems == [] and text == original
        page, problems = sources.parse_page(text, path, "docs/chapters/chapter-4.md")
        assert problems == [] and page.meta == expected.meta and page.body == expected.body


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x0c", "\x7f", "\x85", "\u202e", "\u2066",
                                       "\u200b", "\u2060", "\ufeff"])
def test_each_hidden_control_character_is_located(tmp_path, character):
    from studyguide import sources

    path = tmp_path / "page.md"
    path.write_text(f"# Title\n\nFine.\nAn odd{character} line.\n", encoding="utf-8")
    text, problems = sources.read_text(path, "docs/page.md")
    assert text is None
    assert [str(p) for p in problems] == [
        f"docs/page.md:4: an invisible control character (U+{ord(character):04X}) at column 7; "
        "delete it (most editors do not show it)"]


def test_tabs_and_ordinary_characters_are_not_control_characters(tmp_path):
    from studyguide import sources

    path = tmp_path / "page.md"
    path.write_text("# Title\n\n\tIndented, caf\u00e9, \u2018quoted\u2019, \u00a0space\u2014dash.\n",
                    encoding="utf-8")
    assert sources.read_text(path, "docs/page.md")[1] == []


def test_yaml_aliases_and_repeated_keys_are_located_and_never_expanded():
    from studyguide import sources

    bomb = 'x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
        f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10))
    data, _, problems = sources.load_yaml("items: []\n" + bomb, "docs/quiz/x.yml")
    assert data is None and [(p.line, p.message.split(";")[0]) for p in problems] == [
        (2, "an anchor (&name) used again through an alias (*name)")]
    data, _, problems = sources.load_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "docs/quiz/x.yml", first_line=5)
    assert data is None and [(p.line, p.message) for p in problems] == [
        (8, "'c' is given twice (also at line 7), and only the last would be kept; keep one")]
    data, lines, problems = sources.load_yaml("a: 1\nb: [x, y]\nc: {d: 1}\n", "x.yml")
    assert problems == [] and data == {"a": 1, "b": ["x", "y"], "c": {"d": 1}}


def test_a_blank_site_address_is_located(tmp_path):
    """SITE_URL set but empty gave MkDocs no site_url: the build went on, and every chapter
    page lost "Cite this page" and its downloads without a word."""
    project = copy_project(tmp_path)
    line = next(n for n, row in enumerate((project / "mkdocs.yml").read_text(
        encoding="utf-8").split("\n"), 1) if row.startswith("site_url:"))
    expected = (f"mkdocs.yml:{line}: site_url is empty, so no page could offer 'Cite this page' "
                "or give its own address; set SITE_URL")
    for result in (cli(project, "check", SITE_URL=""),
                   mkdocs_build(project / "site", project / "mkdocs.yml", SITE_URL="")):
        assert result.returncode == 1
        assert expected in result.stderr, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    assert cli(project, "check", SITE_URL="https://example.org/guide/").returncode == 0


def test_a_citation_bracket_that_is_never_closed_or_names_no_work_is_located():
    from studyguide import citations

    def found(text):
        return [(p.line, p.message) for p in citations.check(text, ["doe2020"], "docs/x.md")]

    assert found("One.\n\nAs argued [@doe2020; see also the review.\n") == [
        (3, "citation '[@doe2020; see also the review.…' is never closed; end it with ']'")]
    assert found("Over [@doe2020\n\ntwo] paragraphs.\n")[0][1].endswith("never closed; end it with ']'")
    assert found("As shown [@].\n") == [
        (1, "'[@]' names no work; write [@key], or \\@ for an '@' that is not a citation")]
    for fine in ("[@doe2020] and [see @doe2020, p. 2] and [-@doe2020].\n",
                 "A link [@handle](https://example.org/).\n", "Code `[@x` here.\n",
                 "A mail to someone@example.org.\n"):
        assert found(fine) == [], fine


def test_front_matter_descriptions_are_text_without_citations():
    from studyguide import chapter, sources

    def found(description):
        text = f"---\ntitle: A page\ndescription: {description}\n---\n\n# A page\n"
        page, _ = sources.parse_page(text, Path("x.md"), "docs/x.md")
        return [(p.line, p.message.split(";")[0].split(",")[0]) for p in chapter.page_problems(page)]

    assert found("12345") == [(3, "front matter: 'description' must be text (one line")]
    assert found('"As @doe2020 says, nothing is stored."') == [
        (3, "front matter: the description holds a citation")]
    assert found('"Nothing is stored on your device."') == []


def test_the_books_contents_are_checked_for_shape_numbers_and_repeated_chapters(tmp_path):
    from studyguide import sources

    original = (ROOT / sources.CONTENTS_FILE).read_text(encoding="utf-8")

    def found(text):
        path = tmp_path / sources.CONTENTS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return [(p.line, p.message) for p in sources.load_contents(tmp_path)[2]]

    assert found(original) == []
    lines = original.split("\n")
    year = next(n for n, row in enumerate(lines, 1) if row.strip().startswith("year:"))
    assert found(original.replace("  year: 2025", '  year: "twenty twenty-five"')) == [
        (year, "book year must be a whole number from 1900 to 2100 (found 'twenty twenty-five')")]
    first, second = [n for n, row in enumerate(lines, 1) if row.strip() in ("- chapter: 3", "- chapter: 4")]
    assert found(original.replace("  - chapter: 4\n", "  - chapter: 3\n")) == [
        (second, f"chapter 3 is listed twice (also at line {first}); give each chapter its own number")]
    as_mapping = original.replace("chapters:\n", "chapters:\n  x: 1\n  y:\n", 1).split("  y:\n")[0]
    assert [m for _, m in found(as_mapping)] == ["'chapters' must be a list"]
    # A chapter's number and page: reported here, not as follow-on problems on other pages.
    number = lines.index("  - chapter: 3") + 1
    page = lines.index("    page: chapters/chapter-3.md") + 1
    title = next(n for n, row in enumerate(lines, 1) if "Drip-by-Drip" in row)
    for wrong in ("[3]", "null", "3.0", "true", "Three"):
        assert found(original.replace("  - chapter: 3\n", f"  - chapter: {wrong}\n")) == [
            (number, f"chapter {sources.yaml.safe_load(wrong)!r} must be a whole number (1, 2, "
                     "…), introduction or conclusion")], wrong
    for wrong in ("./chapters/chapter-3.md", "docs/chapters/chapter-3.md", "chapters/chapter-3",
                  "/chapters/chapter-3.md"):
        (problem,) = found(original.replace("page: chapters/chapter-3.md", f"page: {wrong}"))
        assert problem[0] == page and problem[1].startswith(f"page '{wrong}'"), problem
    assert found(original.replace("page: chapters/chapter-4.md", "page: chapters/chapter-3.md")) == [
        (page + 5, f"page 'chapters/chapter-3.md' is already another chapter's (line {page}); "
                   "give each chapter its own page")]
    assert found(original.replace("Desistance, “Drip-by-Drip”", "Desistance,\\n“Drip-by-Drip”")) == [
        (title, "chapter entry's title runs over more than one line; write it on one line, in "
                "quotes")]


def test_a_chapter_page_the_contents_misname_is_told_where_to_fix_it(tmp_path):
    """contents.yml naming chapters/chapter-9.md for Chapter 3 told the real page that Chapter 3
    'is already docs/chapters/chapter-9.md' and to delete itself."""
    project = copy_project(tmp_path)
    contents = project / "docs/book/contents.yml"
    contents.write_text(contents.read_text(encoding="utf-8").replace(
        "page: chapters/chapter-3.md", "page: chapters/chapter-9.md"), encoding="utf-8")
    result = cli(project, "check")
    assert result.returncode == 1
    line = line_of(project / "docs/chapters/chapter-3.md", "chapter: 3")
    assert (f"docs/chapters/chapter-3.md:{line}: front matter: this page is Chapter 3, but "
            "docs/book/contents.yml names chapters/chapter-9.md for it, and there is no "
            "docs/chapters/chapter-9.md; write page: chapters/chapter-3.md there") in result.stderr
    assert "delete this copy" not in result.stderr


def test_the_books_fields_and_parts_in_the_contents_are_checked_before_anything_prints_them(
        tmp_path):
    """The pages, the e-book and the structured data print every book field and each chapter's
    part title: a field missing, misspelt or of the wrong kind, a part without its title and a
    chapter in a part that is not listed are located problems, not a crash in the build."""
    from studyguide import sources

    original = (ROOT / sources.CONTENTS_FILE).read_text(encoding="utf-8")
    lines = original.split("\n")

    def line_of(start):
        return next(n for n, row in enumerate(lines, 1) if row.startswith(start))

    def found(old, new):
        assert old in original, old
        path = tmp_path / sources.CONTENTS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        return [f"{p.line}: {p.message}" for p in sources.load_contents(tmp_path)[2]]

    title = '  title: "Peer Support in Prison"'
    assert found(title, title.replace("title", "titel")) == [
        f"{line_of(title)}: unknown key 'titel' in book; did you mean 'title'?",
        f"{line_of('book:')}: book lacks title; copy each from the publisher's page, as printed"]
    assert found(title, '  title: ["Peer Support in Prison"]') == [
        f"{line_of(title)}: book title must be text in quotes (found ['Peer Support in Prison'])"]
    isbn = next(row for row in lines if row.startswith("  isbn:"))
    wrong_digit = isbn[:-2] + str((int(isbn[-2]) + 1) % 10) + '"'
    assert found(isbn, wrong_digit) == [
        f"{line_of(isbn)}: book isbn {wrong_digit.split(': ')[1].strip(chr(34))!r} is not an "
        "ISBN-13 (13 digits, the last a check digit); copy it from the publisher's page, digits "
        "only"]
    part_three = next(n for n, row in enumerate(lines, 1) if row == "  - part: 3")
    assert found(lines[part_three], "") == [
        f"{part_three}: each part needs 'part: N' (a whole number) and 'title: \"…\"' (its "
        "title, as printed)"]
    in_part_three = [n for n, row in enumerate(lines, 1) if row == "    part: 3"]
    assert in_part_three and found("  - part: 3\n", "  - part: 4\n") == [
        f"{n}: part 3 is not in 'parts' (which lists 1, 2, 4); add it there with its title, or "
        "give one of those" for n in in_part_three]
    label = '    label: "Chapter 3"'
    assert found(label, label + "\n    pages: 12") == [
        f"{line_of(label) + 1}: unknown key 'pages' in chapter entry; did you mean 'page'?"]


def test_citing_a_withdrawn_work_says_it_was_withdrawn_and_where():
    from studyguide import bibliography, citations

    bib = bibliography.load(ROOT / "bibliography.bib")
    gone = bib.withdrawn[0]
    where = {w.key: f"{bibliography.WITHDRAWN_FILE}:{w.line}" for w in bib.withdrawn}
    [problem] = citations.check(f"As shown [@{gone.key}].\n", bib.keys, "docs/x.md", withdrawn=where)
    assert str(problem) == (
        f"docs/x.md:1: citation key '{gone.key}' names a withdrawn work "
        f"(data/withdrawn.yml:{gone.line}); cite another work, or restore its entry in "
        "bibliography.bib and take it off that list")
    lines = (ROOT / "data" / "withdrawn.yml").read_text(encoding="utf-8").split("\n")
    assert gone.key in lines[gone.line - 1]


def test_a_glossary_term_defined_twice_is_located_even_under_another_id():
    from studyguide import glossary, sources

    text = ("---\ntitle: Glossary\ndescription: Terms.\n---\n\n# Glossary\n\n## A\n\n"
            "### Active citizenship {#active-citizenship}\n\nTaking part.\n\n"
            "### Active  Citizenship {#active-citizenship-2}\n\nTaking part again.\n\n"
            "## D\n\n### Desistance {#desistance}\n\nStopping.\n")
    page, _ = sources.parse_page(text, Path("docs/glossary.md"), "docs/glossary.md")
    assert [str(p) for p in glossary.parse(page).problems] == [
        "docs/glossary.md:14: glossary term 'Active  Citizenship' is defined twice (also at "
        "line 10, #active-citizenship); merge the two entries"]


def test_a_glossary_heading_without_a_space_is_located():
    """`###Altruistic role {#altruistic-role}` is a heading to Markdown but no term: its links
    lost their definitions and its 'Used in' line, and the only message named a chapter's
    key_concepts."""
    from studyguide import glossary, sources

    text = ("---\ntitle: Glossary\ndescription: Terms.\n---\n\n# Glossary\n\n## A\n\n"
            "###Altruistic role {#altruistic-role}\n\nHelping.\n\n##D\n\n"
            "### Desistance {#desistance}\n\nStopping. #hashtag\n")
    page, _ = sources.parse_page(text, Path("docs/glossary.md"), "docs/glossary.md")
    found = [(p.line, p.message) for p in glossary.parse(page).problems
             if p.message.startswith("put a space after the '#'s")]
    assert [line for line, _ in found] == [10, 14]
    assert found[0][1].endswith("without it the heading is neither a term nor a letter")
    # `{ #id }` is an id to Python-Markdown's attr_list, and a term here too
    spaced, _ = sources.parse_page(text.replace("###Altruistic role {#altruistic-role}",
                                                "### Altruistic role { #altruistic-role }"),
                                   Path("docs/glossary.md"), "docs/glossary.md")
    assert "altruistic-role" in glossary.parse(spaced).terms


def test_a_glossary_term_outside_its_letter_heading_is_located():
    """The A-Z bar links to a `## K` heading for every letter that starts a term: a term under
    another letter, or before the first, is reported by `make check`, not left to the build's
    broken-anchor error."""
    from studyguide import glossary, sources

    text = ("---\ntitle: Glossary\ndescription: Terms.\n---\n\n# Glossary\n\n"
            "### Agency {#agency}\n\nActing.\n\n## J\n\n### Justice {#justice}\n\nFair.\n\n"
            "### \u201cKnifing off\u201d {#knifing-off}\n\nCutting ties.\n")
    page, _ = sources.parse_page(text, Path("docs/glossary.md"), "docs/glossary.md")
    assert [str(p) for p in glossary.parse(page).problems] == [
        "docs/glossary.md:8: glossary term 'Agency' starts with A but is before any letter "
        "heading; move it under '## A', adding that heading if the page has none (the A-Z bar "
        "links to it)",
        "docs/glossary.md:18: glossary term '\u201cKnifing off\u201d' starts with K but is under "
        "'## J'; move it under '## K', adding that heading if the page has none (the A-Z bar "
        "links to it)"]
    # A glossary with no letter headings at all has no A-Z bar, and files nothing.
    unfiled, _ = sources.parse_page(text.replace("## J\n\n", ""), Path("docs/glossary.md"),
                                    "docs/glossary.md")
    assert glossary.parse(unfiled).problems == []


def test_an_id_given_twice_on_a_page_is_located():
    from studyguide import chapter, sources

    text = ("---\ntitle: A page\ndescription: Ids.\n---\n\n# A page\n\n## One {#same-id}\n\nA.\n\n"
            "```md\n## In code {#same-id}\n```\n\n1. {#x-q1 lo=1} A question?\n"
            "## Two {#same-id .wide}\n")
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert [str(p) for p in chapter.page_problems(page)] == [
        "docs/x.md:17: id 'same-id' is given twice on the page (also at line 8); give one of "
        "them another id"]


@pytest.mark.parametrize("heading, given, moves", [
    ("## In this section", "in-this-section", True),
    ("## The *peer* `role`, [in prison](x.md) & <em>after</em>", "the-peer-role-in-prison-after",
     True),
    ("## Caf\u00e9 &amp; **co** ##", "cafe-co", True),
    ("!!! note\n\n    ### Inside a box", "inside-a-box", True),
    ("## Summary", "summary-notes", False),
    ("## Summary {#summary-of-the-chapter}", "summary", False),
])
def test_an_id_that_another_heading_takes_from_its_words_is_located(heading, given, moves):
    """`{#in-this-section}` on one heading silently moved the heading "In this section" to
    `#in-this-section_1`. Python-Markdown itself says which headings move."""
    import markdown

    from studyguide import chapter, sources

    body = f"# A page\n\n{heading}\n\nText.\n\n## Notes {{#{given}}}\n\nMore.\n"
    html = markdown.markdown(body, extensions=["toc", "attr_list", "admonition"])
    assert (f'id="{given}_1"' in html) is moves, html
    text = f"---\ntitle: A page\ndescription: Ids.\n---\n\n{body}"
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    lines = text.split("\n")
    at = lines.index(f"## Notes {{#{given}}}") + 1
    taken = lines.index(heading.split("\n")[-1]) + 1
    expected = [f"docs/x.md:{at}: id '{given}' is also the id the heading at line {taken} takes "
                f"from its words, and that heading's address would move to '{given}_1'; give "
                "this one another id, or give that heading an id with {#\u2026}"] if moves else []
    assert [str(p) for p in chapter.page_problems(page)] == expected


def test_headings_with_the_same_words_are_located():
    """`### References` under Connections took the address of the page's real References
    section, which became `#references_1`; a heading 'Cite this page' took the one the build
    adds. Python-Markdown itself shows the moved address."""
    import markdown

    from studyguide import chapter, sources

    body = "# A page\n\n### References\n\nA.\n\n## References\n\nB.\n"
    assert 'id="references_1"' in markdown.markdown(body, extensions=["toc"])
    page, _ = sources.parse_page(f"---\ntitle: A page\ndescription: Ids.\n---\n\n{body}",
                                 Path("docs/x.md"), "docs/x.md")
    assert [str(p) for p in chapter.repeated_ids(page)] == [
        "docs/x.md:12: the heading at line 8 has the same words, so this heading's address would "
        "be 'references_1' (or take the other's); give one of them an id with {#\u2026}"]
    text = ("---\ntitle: A page\ndescription: Ids.\nchapter: 3\n---\n\n# A page\n\n"
            "## Cite this page\n\n## Notes {#cite-this-page}\n")
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert [(p.line, p.message[:40]) for p in chapter.repeated_ids(page)] == [
        (9, "the 'Cite this page' section the build a"), (11, "id 'cite-this-page' is the address of th")]


def test_a_second_title_and_a_cited_footnote_are_located():
    from studyguide import chapter, sources

    text = ("---\ntitle: A page\ndescription: Titles.\n---\n\n# A page\n\nText.[^1]\n\n"
            "```\n# a comment in code\n```\n\n# Another title\n\n"
            "[^1]: See [@perrin2014accumulating].\n[^2]: No citation, an email@example.org.\n"
            "*[IPA]: Interpretative phenomenological analysis [@smith2009interpretative]\n"
            "*[HMP]: His Majesty's Prison\n")
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert [str(p) for p in chapter.one_title_and_no_cited_footnotes(page)] == [
        "docs/x.md:14: a second level-1 heading (the page's title is at line 6); make this one "
        "'##' or lower",
        "docs/x.md:16: a footnote holds a citation, which is never formatted there; put the "
        "citation in the text",
        "docs/x.md:18: an abbreviation's definition holds a citation, which is never formatted "
        "there; put the citation in the text"]


NEVER_CLOSED = ("<{name}> is never closed, so the rest of the page would be shown as HTML with "
                "its Markdown unconverted; close it with </{name}>")


@pytest.mark.parametrize("html_block, expected", [
    ('<div class="aside">\n\nAn aside.', [(8, NEVER_CLOSED.format(name="div"))]),
    ('<div class="aside" markdown>\n\nAn aside.\n\n</div>', []),
    ("<details><summary>More</summary>\n<ul>\n<li>One</li>\n</details>",
     [(9, "<ul> is not closed before the </details> at line 11; close it with </ul> there")]),
    ("Text, then a stray end tag.\n\n</section>",
     [(10, "</section> closes no <section> opened before it; delete it, or add the <section> "
           "it closes")]),
    ("Write `<div>` to open a box.\n\n```html\n<div>\n```\n\n<!-- <div> -->", []),
    ("<table><tr><td>One</td></tr></table>\n\n<div class=\"rule\"/>", []),
])
def test_html_left_open_on_a_page_is_located(html_block, expected):
    """An unclosed `<div>` left the rest of the page unconverted, and the build then reported
    a hundred broken anchors, none of them at the `<div>`. Python-Markdown itself shows which
    blocks swallow the Markdown after them."""
    import markdown

    from studyguide import chapter, sources

    body = f"# A page\n\n{html_block}\n\nAfter the block, **bold**.\n"
    html = markdown.markdown(body, extensions=["md_in_html", "fenced_code"])
    swallowed = "<strong>bold</strong>" not in html
    assert swallowed is any("never closed" in message for _, message in expected), html
    text = f"---\ntitle: A page\ndescription: HTML.\n---\n\n{body}"
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert [(p.line, p.message) for p in chapter.page_problems(page)] == expected


@pytest.mark.parametrize("front, problem", [
    ("template: nosuch.html", "template 'nosuch.html' is neither in overrides/ nor in the theme"),
    ("template: [main.html]", "'template' must be text"),
    ("icon: material/nosuchicon", "icon 'material/nosuchicon' is not one of the theme's icons"),
    ("search: yes", "'search' takes 'exclude: true'"),
    ("search:\n  exclude: maybe", "'search' takes 'exclude: true'"),
    ("search:\n  boost: true", "'search' takes 'exclude: true'"),
    ("hide: toc", "'hide' is a list of what to hide"),
    ("hide: [toc, sidebar]", "'hide' is a list of what to hide"),
    ("subtitle: 3", "'subtitle' must be text"),
    ("template: main.html\nicon: material/book-open-variant\nsearch:\n  exclude: true\n"
     "  boost: 2.5\nhide: [toc, footer]\nsubtitle: For seminars", None),
])
def test_front_matter_the_theme_reads_is_checked(front, problem):
    """A template or icon that does not exist, or `search: yes`, ended the build with a
    traceback from inside Material."""
    from studyguide import chapter, sources

    text = f"---\ntitle: A page\ndescription: Theme keys.\n{front}\n---\n\n# A page\n"
    page, found = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert found == []
    problems = [str(p) for p in chapter.theme_key_problems(page, ROOT)]
    if problem is None:
        assert problems == []
    else:
        (only,) = problems
        assert only.startswith("docs/x.md:4: front matter: " + problem), only


@pytest.mark.parametrize("extra, problem", [
    ("extra:\n  social: github\n", "mkdocs.yml:2: extra.social must be a list of links"),
    ("extra:\n  social:\n    - link: https://github.com/\n",
     "mkdocs.yml:3: extra.social: each link needs 'icon:' and 'link:'"),
    ("extra:\n  social:\n    - icon: fontawesome/brands/nosuch\n      link: https://x.org/\n",
     "mkdocs.yml:3: extra.social: icon 'fontawesome/brands/nosuch' is not one of the theme's"),
    ("extra: [a]\n", "mkdocs.yml:1: extra must be 'name: value' settings"),
    ("extra:\n  social:\n    - icon: fontawesome/brands/github\n      link: https://x.org/\n",
     None),
    ("extra:\n  social: []\n", None),
])
def test_extra_social_is_checked(tmp_path, extra, problem):
    """`extra: social: github` ended the build inside Material's social template."""
    from studyguide import sources

    (tmp_path / "mkdocs.yml").write_text(extra, encoding="utf-8")
    config, lines, found = sources.load_config(tmp_path)
    assert found == []
    problems = [str(p) for p in sources.extra_problems(config, lines, ROOT)]
    if problem is None:
        assert problems == []
    else:
        (only,) = problems
        assert only.startswith(problem), only


def test_a_missing_template_is_located_in_the_build(tmp_path):
    project = copy_project(tmp_path)
    path = project / "docs/teaching/marking.md"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntemplate: nosuch.html\ntitle:", 1),
                    encoding="utf-8")
    built = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert built.returncode == 1
    assert "docs/teaching/marking.md:2: front matter: template 'nosuch.html'" in built.stderr
    assert "Traceback" not in built.stderr, built.stderr[-2000:]


LOOK_ALIKE = ("this comment looks like a guide marker but is not read as one, and would vanish "
              "from the page; write it on one line as <!-- guide:name … -->, in lower case")


@pytest.mark.parametrize("comment, expected", [
    ('Call <!-- Guide:helpline name="samaritans" -->.', [(3, LOOK_ALIKE)]),
    ('Call <!--\n  guide:helpline name="samaritans"\n-->.', [(3, LOOK_ALIKE)]),
    ('Call <!-- guide : helpline name="samaritans" -->.', [(3, LOOK_ALIKE)]),
    ('Call <!-- guide: helpline name="samaritans" -->.',
     [(3, "marker 'guide:' names no marker; write the name straight after it, as "
          "<!-- guide:helpline … -->")]),
    ('Call <!-- guide:helpline name="samaritans" -->. <!-- A note for editors. -->', []),
    ('```\n<!-- Guide:helpline -->\n```', []),
    ('Write `<!-- Guide:helpline -->` or `<!-- guide:nosuch -->` in code.', []),
])
def test_a_comment_that_looks_like_a_marker_is_located(comment, expected):
    """`<!-- Guide:helpline … -->` (or one spread over lines) vanished from the page, and the
    helpline's number with it: the page read "Call ."."""
    from studyguide import markers

    found = markers.problems(f"# Help\n\n{comment}\n", "docs/x.md", "x.md", False)
    assert [(p.line, p.message) for p in found] == expected


@pytest.mark.parametrize("body, flagged", [
    ("## Check\n\n    <!-- guide:self-check -->\n", True),
    ("!!! note\n\n    Text.\n\n        <!-- guide:self-check -->\n", True),
    ("## Check\n\n<!-- guide:self-check -->\n", False),
    ("!!! note\n\n    <!-- guide:self-check -->\n", False),
    ("1. A step.\n\n    <!-- guide:self-check -->\n", False),
    ("Text of a paragraph\n    <!-- guide:self-check -->\n", False),
])
def test_a_marker_indented_like_code_is_located(body, flagged):
    """`    <!-- guide:self-check -->` under its heading showed the self-check's markup as code.
    Python-Markdown itself says which markers land in a code block."""
    import markdown

    from studyguide import markers

    html = markdown.markdown(body, extensions=["admonition"])
    assert ("<code>&lt;!-- guide:" in html) is flagged, html
    found = [p.message for p in markers.problems(body, "docs/x.md", "x.md", True)]
    assert bool(found) is flagged and all("indented like code" in m for m in found), found


def test_a_marker_shown_as_code_stays_code():
    """`<!-- guide:helpline … -->` in inline code was expanded, so the code showed the number."""
    from studyguide import markers

    line = 'Write `<!-- guide:helpline name="samaritans" -->` for <!-- guide:helpline name="samaritans" -->.'
    expanded = markers.expand(line, {"helpline": lambda marker: "116 123"})
    assert expanded == 'Write `<!-- guide:helpline name="samaritans" -->` for 116 123.'
    assert [m.name for m in markers.find(line)] == ["helpline"]


def test_a_self_check_question_is_plain_text_on_the_page():
    import dataclasses

    from studyguide import quiz, site

    guide, _ = site.read(ROOT)
    item = next(i for bank in guide.quiz.values() for i in bank.items if i.options)
    odd = dataclasses.replace(item, question="<script>alert(1)</script> Which?",
                              options=(dataclasses.replace(item.options[0], text="A <b>bold</b> & plain"),
                                       *item.options[1:]))
    markdown = quiz.page_markdown([odd])
    assert "<script>" not in markdown and "<b>" not in markdown
    assert '"1. &lt;script&gt;alert(1)&lt;/script&gt; Which?"' in markdown
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; plain" in markdown


def test_an_empty_bibliography_or_a_control_character_in_it_is_named_at_the_file(tmp_path):
    from studyguide import bibliography

    empty = tmp_path / "bibliography.bib"
    empty.write_text("% nothing here yet\n", encoding="utf-8")
    assert [str(p) for p in bibliography.load(empty, tmp_path).problems] == [
        "bibliography.bib:1: the bibliography holds no entries, so no citation can be "
        "formatted; restore the file (git checkout bibliography.bib)"]
    text = (ROOT / "bibliography.bib").read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(n for n, row in enumerate(lines) if row.strip().startswith("title"))
    lines[at] = lines[at].replace("title", "title\x0b", 1).replace("title\x0b", "ti\x0btle", 1)
    damaged = tmp_path / "damaged.bib"
    damaged.write_text("\n".join(lines), encoding="utf-8")
    found = [str(p) for p in bibliography.load(damaged, tmp_path).problems]
    assert f"damaged.bib:{at + 1}: an invisible control character (U+000B); delete it (most " \
           "editors do not show it)" in found



@pytest.mark.parametrize("setting, message", [
    ("/nonexistent/pandoc", "PANDOC='/nonexistent/pandoc' is not an executable file; point it at "
                            "pandoc 3, or unset it"),
    ("/bin/false", "pandoc (/bin/false) failed with exit code 1: no message"),
    ("/bin/true", "pandoc (/bin/true) printed nothing for the citations"),
])
def test_a_missing_or_broken_pandoc_is_named_with_what_to_do(monkeypatch, setting, message):
    from studyguide import render

    monkeypatch.setenv("PANDOC", setting)
    with pytest.raises(render.PandocError) as raised:
        render.run_pandoc("[@doe2020]\n", "--citeproc")
    assert str(raised.value).startswith(message)


def test_a_build_with_a_broken_pandoc_stops_with_its_message_not_a_traceback(tmp_path):
    project = copy_project(tmp_path)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    result = subprocess.run(MKDOCS + ["build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=project, env=build_env(PANDOC="/bin/false"),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "pandoc (/bin/false) failed with exit code 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_damaged_cache_files_are_made_again_never_used(tmp_path):
    """What a build keeps in .cache is a miss when damaged: formatted references cut short or
    of another shape are formatted again, and a cached e-book that is not an EPUB is never
    published."""
    import io
    import zipfile

    from studyguide import ebook, render

    bib = tmp_path / "refs.bib"
    bib.write_text("@book{doe2020,\n  author = {Doe, Jane},\n  title = {A Book},\n"
                   "  publisher = {Press},\n  year = {2020}\n}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = render.format_references(bib, cache_dir=cache)
    assert "Doe, J." in first["doe2020"]
    (kept,) = cache.glob("references-*.json")
    for damage in ('{"doe2020": "cut sh', "[1, 2]", '{"doe2020": 3}'):
        kept.write_text(damage, encoding="utf-8")
        assert render.format_references(bib, cache_dir=cache) == first, damage

    garbage = tmp_path / "ebook-x.epub"
    garbage.write_bytes(b"garbage")
    assert ebook._kept_epub(garbage) is None
    assert ebook._kept_epub(tmp_path / "missing.epub") is None
    not_epub = io.BytesIO()
    with zipfile.ZipFile(not_epub, "w") as archive:
        archive.writestr("book.txt", "text")
    garbage.write_bytes(not_epub.getvalue())
    assert ebook._kept_epub(garbage) is None
    epub = io.BytesIO()
    with zipfile.ZipFile(epub, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("EPUB/content.opf", "<package/>")
    garbage.write_bytes(epub.getvalue())
    assert ebook._kept_epub(garbage) == epub.getvalue()


@pytest.mark.parametrize("folder", [".cache", ".cache/build", ".cache/generated",
                                    ".cache/jinja"])
def test_a_cache_folder_that_is_a_file_is_named(tmp_path, folder):
    """A file where the build keeps a cache folder ended the build with FileExistsError."""
    from studyguide import buildcache

    (tmp_path / folder).parent.mkdir(parents=True, exist_ok=True)
    assert buildcache.folder_problems(tmp_path) == []
    (tmp_path / folder).write_text("x", encoding="utf-8")
    (problem,) = buildcache.folder_problems(tmp_path)
    assert str(problem).startswith(f"{folder}:1: is a file, where the build keeps its results")
    assert "make clean" in problem.message


@pytest.mark.parametrize("folder", [".cache/build/0123abcd.json", ".cache/references-apa-x.json",
                                    ".cache/ebook-x.epub", ".cache/jinja/__jinja2_x.cache"])
def test_a_folder_where_the_build_keeps_a_cache_file_is_named(tmp_path, folder):
    """A folder with a cache file's name ended the build with IsADirectoryError."""
    from studyguide import buildcache

    (tmp_path / ".cache/generated/handouts").mkdir(parents=True)  # folders of its own: fine
    (tmp_path / ".cache/build/kept.json").parent.mkdir(parents=True)
    (tmp_path / ".cache/build/kept.json").write_text("{}", encoding="utf-8")
    assert buildcache.folder_problems(tmp_path) == []
    (tmp_path / folder).mkdir(parents=True)
    (problem,) = buildcache.folder_problems(tmp_path)
    assert str(problem) == (f"{folder}:1: is a folder, where the build keeps a file; remove it "
                            "(make clean): nothing in .cache is needed")


def test_a_build_with_a_file_for_its_cache_folder_names_it(tmp_path):
    project = copy_project(tmp_path)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    (project / ".cache").write_text("not a folder", encoding="utf-8")
    result = subprocess.run(MKDOCS + ["build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=project, env=build_env(), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 1
    assert ".cache:1: is a file, where the build keeps its results" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_box_whose_text_is_not_indented_under_it_is_located():
    """`??? note` with its text at the question's depth shows an empty box, and the text (a
    note for discussion leaders) in the open, under the question."""
    from studyguide import chapter, sources

    text = ("---\ntitle: A page\ndescription: A page.\n---\n\n# A page\n\n"
            "1. A question?\n\n    ??? note \"For discussion leaders\"\n\n    Not indented.\n\n"
            "!!! warning \"Content note\"\n    Indented, as it should be.\n\n"
            "```\n!!! note\ncode, not a box\n```\n\n!!! tip\n")
    page, _ = sources.parse_page(text, Path("docs/x.md"), "docs/x.md")
    assert [str(p) for p in chapter.empty_boxes(page)] == [
        "docs/x.md:10: this box has no text under it; indent its text by 8 spaces, on the lines "
        "after it",
        "docs/x.md:22: this box has no text under it; indent its text by 4 spaces, on the lines "
        "after it"]
