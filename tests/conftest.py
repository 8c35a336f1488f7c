"""Shared fixtures: one strict build of the real site, served under a GitHub Pages sub-path,
and a headless Chromium (the system's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studyguide import devserver

ROOT = Path(__file__).resolve().parent.parent
SUB_PATH = "/peer-support-in-prison/"
TEST_SITE_URL = "https://example.org" + SUB_PATH
MKDOCS = [sys.executable, "-m", "mkdocs"]


def build_env(**extra) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=TEST_SITE_URL,
               SOURCE_DATE_EPOCH="1764288000", PYTHONHASHSEED="0")
    env.update(extra)
    return env


def mkdocs_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", **env) -> subprocess.CompletedProcess:
    return subprocess.run(MKDOCS + ["build", "--strict", "--clean", "-f", str(config), "-d", str(site_dir)],
                          cwd=config.parent, env=build_env(**env), capture_output=True, text=True)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The real site, built once with --strict."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(out)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    """http://127.0.0.1:PORT/peer-support-in-prison/ serving the built site."""
    with devserver.serve(site_dir, SUB_PATH) as url:
        yield url


# Material fetches the search index when search first opens and builds it in a worker; until
# then its results say "Initializing search". On a busy machine (the suite runs on every core)
# that takes seconds, so the first results are waited for this long.
SEARCH_READY_MS = 30_000


def wait_for_search(page) -> None:
    """Once search is open: wait until the theme's search has built its index."""
    page.wait_for_function("!/nitiali/.test(document.querySelector('.md-search-result__meta')"
                           ".textContent)", timeout=SEARCH_READY_MS)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require(present: bool, what: str, install: str) -> None:
    """A test that needs a tool: without it, the test fails in CI (CI=true, as .ci/run sets)
    and is skipped elsewhere, saying how to install it."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI ({install})")
    pytest.skip(f"{what} not installed ({install}); this test always runs in CI")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    require(path is not None, "Chromium", "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


def built_pages(site_dir: Path) -> list[str]:
    """Site-relative paths of every built HTML page a reader sees (404 included; the redirect
    stubs of moved pages and short links are not pages)."""
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html")
                  if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:2000])


def tree_differences(left: Path, right: Path) -> list[str]:
    """Files in one folder and not the other, or with other bytes (for reproducible builds)."""
    import filecmp

    def walk(cmp: filecmp.dircmp) -> list[str]:
        found = cmp.left_only + cmp.right_only
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found += mismatch + errors
        for sub in cmp.subdirs.values():
            found += walk(sub)
        return found
    return walk(filecmp.dircmp(left, right))


def page_url(base: str, rel: str) -> str:
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def make_project(tmp_path: Path, pages: dict[str, str], bib: str | None = None) -> Path:
    """A small copy of the project (same config, hooks and theme) with the given pages."""
    import re

    project = tmp_path / "project"
    shutil.copytree(ROOT / "scripts", project / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", project / "overrides")
    (project / "docs" / "book").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "book" / "contents.yml", project / "docs" / "book")
    shutil.copy(ROOT / "docs" / "bibliography.md", project / "docs")  # in-text citations link here
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^nav:\n(?:[ -].*\n|\n)*", "", config, flags=re.M)
    config = re.sub(r"^  # Short links.*?(?=^\S)", "", config, flags=re.M | re.S)  # no redirects
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "bibliography.bib").write_text(
        bib if bib is not None else (ROOT / "bibliography.bib").read_text(encoding="utf-8"),
        encoding="utf-8")
    stubs = {"docs/chapters/index.md": "# Chapters\n", "docs/glossary.md": "# Glossary\n"}
    for rel, text in {**stubs, **pages}.items():  # the 404 page links to these
        if rel.startswith("docs/") and rel.endswith(".md") and not text.startswith("---"):  # every page needs both
            text = f'---\ntitle: "{Path(rel).stem}"\ndescription: "A test page."\n---\n' + text
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project
