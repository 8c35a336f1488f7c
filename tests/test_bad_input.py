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

from conftest import ROOT, build_env, mkdocs_build

CLI = [sys.executable, "-m", "studyguide"]


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for name in ("docs", "scripts", "overrides"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(ROOT / name, project / name)
    if (ROOT / ".cache").is_dir():  # formatted references: keeps each build short
        shutil.copytree(ROOT / ".cache", project / ".cache")
    return project


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args) + (["--root", str(project)] if args[0] == "check" else []),
                          cwd=project, env=build_env(PYTHONPATH=str(project / "scripts")),
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


CHANGES = [latin1_byte, bad_yaml_on_other_page, misspelt_key, nav_to_missing_page,
           mixed_citation_block, draft_copy, misspelt_marker, misspelt_page_asset]


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
