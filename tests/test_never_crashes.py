"""Whatever damage a file suffers, the checks never raise: they report located problems.

Hypothesis damages bibliography.bib, a chapter page's front matter, a page body, the book's
contents and mkdocs.yml (bytes replaced, lines cut or duplicated, random text inserted), and
`site.check()` must return `Problem`s, each naming a file and a line, and nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from studyguide import site
from studyguide.problems import Problem

TARGETS = ["bibliography.bib", "docs/chapters/chapter-2.md", "docs/glossary.md",
           "docs/book/contents.yml", "mkdocs.yml", "docs/about/index.md"]
SNIPPETS = st.sampled_from([
    "\n---\n", ": ", "\t", "@", "[@", "[@nosuch; @perrin2014accumulating]", "{", "}", "\"", "'",
    "\n### Term\n", "\n## Summary\n", "<!-- guide:", "<!-- guide:nope -->", "\\", "\n  - key: x\n",
    "1. {#ch2-q1} Again?\n", "\xe9", "\x00", "@article{x,\n", "author = {and and},", "??? question",
    "!ENV", "nav: 5\n", "- [", "chapter: 9\n", "\ufeff",
])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("damaged") / "project"
    for name in ("docs", "scripts"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(ROOT / name, root / name)
    return root


@st.composite
def damage(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["bytes", "insert", "cut", "duplicate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "bytes":
            data[at:at + 1] = draw(st.binary(min_size=1, max_size=3))
        elif kind == "insert":
            data[at:at] = draw(SNIPPETS).encode("utf-8", errors="surrogatepass") \
                if draw(st.booleans()) else draw(st.text(max_size=20)).encode("utf-8", "replace")
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 400))]
        else:
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
    return bytes(data)


@pytest.mark.parametrize("target", TARGETS)
def test_checks_never_raise_on_damaged_sources(project, target):
    path = project / target
    original = (ROOT / target).read_bytes()

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(damage(original))
    def check(damaged: bytes) -> None:
        path.write_bytes(damaged)
        try:
            problems = site.check(project)
        finally:
            path.write_bytes(original)
        assert isinstance(problems, list)
        for problem in problems:
            assert isinstance(problem, Problem)
            assert problem.file and problem.line >= 1 and problem.message

    check()
