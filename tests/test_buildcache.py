"""What one build keeps for the next (studyguide/buildcache.py and the hooks that use it): a
rebuild takes converted pages, generated pages and downloads from .cache/build, and the site
it builds is byte for byte the site a build without the cache builds. Every edit to what a
result is made from makes it again, and a cached page still reports its broken links."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MKDOCS, ROOT, build_env, make_project, tree_differences
from studyguide import buildcache

REUSED_RE = re.compile(r"build cache: (\d+) results reused from \.cache/build, (\d+) made")


def build(project: Path, site: str = "site", **env) -> tuple[subprocess.CompletedProcess, int, int]:
    """A strict build (verbose, for the cache's figures): the result, results reused, made."""
    result = subprocess.run(MKDOCS + ["build", "--strict", "--clean", "-v", "-d", str(project / site)],
                            cwd=project, env=build_env(**env), capture_output=True, text=True)
    found = REUSED_RE.search(result.stderr)
    reused, made = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    return result, reused, made


# --- The store --------------------------------------------------------------------------------

def test_a_value_comes_back_only_under_its_own_key(tmp_path):
    store = buildcache.Store(tmp_path)
    assert store.get("page:a.md", "k1") is None
    store.put("page:a.md", "k1", {"content": "<p>é</p>", "toc": [1, 2], "order": {"b": 1, "a": 2}})
    assert store.get("page:a.md", "k1") == {"content": "<p>é</p>", "toc": [1, 2],
                                            "order": {"b": 1, "a": 2}}
    assert list(store.get("page:a.md", "k1")["order"]) == ["b", "a"]  # the order it was stored in
    assert store.get("page:a.md", "k2") is None       # another key: made again
    assert store.get("page:b.md", "k1") is None       # another slot
    store.put("page:a.md", "k2", "new")                # one file per slot: the old value goes
    assert store.get("page:a.md", "k1") is None and store.get("page:a.md", "k2") == "new"
    assert (store.hits, store.misses) == (3, 4)
    assert len(list(tmp_path.iterdir())) == 1
    made = []
    assert store.get_or_make("page:c.md", "k", lambda: made.append(1) or "made") == "made"
    assert store.get_or_make("page:c.md", "k", lambda: made.append(1) or "again") == "made"
    assert store.get_or_make("page:c.md", "k", lambda: made.append(1) or "new",
                             accept=lambda value: value != "made") == "new"
    assert len(made) == 2


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", b'{"key": "k1"}', b"\xff\xfe"])
def test_a_damaged_cache_file_is_a_miss_not_an_error(tmp_path, damage):
    store = buildcache.Store(tmp_path)
    store.put("slot", "k1", "value")
    (file,) = tmp_path.iterdir()
    file.write_bytes(damage)
    assert store.get("slot", "k1") is None
    store.put("slot", "k1", "again")
    assert store.get("slot", "k1") == "again"


def test_generated_files_keep_text_and_bytes():
    files = {"a.bib": "@book{x,}\n", "b.imscc": bytes(range(256)), "c.txt": ""}
    stored = buildcache.encode_files(files)
    import json
    assert buildcache.decode_files(json.loads(json.dumps(stored))) == files
    for bad in (None, [], {"a": "text"}, {"a": ["text"]}, {"a": ["zip", "x"]},
                {"a": ["base64", "not base64!"]}):
        assert buildcache.decode_files(bad) is None


def test_only_a_whole_conversion_is_taken_from_the_cache():
    whole = buildcache.conversion("<p>x</p>", [{"name": "A", "id": "a", "level": 1, "children": [
        {"name": "B", "id": "b", "level": 2, "children": []}]}], None, {"b", "a"},
        {"x.md": {"a": "x.md#a"}}, [["mkdocs.structure.pages", 30, "a warning"]])
    assert buildcache.is_conversion(whole) and whole["anchors"] == ["a", "b"]
    assert buildcache.is_conversion({**whole, "links_to_anchors": None, "title": "T"})
    broken = [
        {k: v for k, v in whole.items() if k != "content"},
        {**whole, "toc": [{"name": "A", "id": "a", "level": 1}]},
        {**whole, "toc": [{"name": "A", "id": "a", "level": 1, "children": [{"id": "b"}]}]},
        {**whole, "anchors": [1]},
        {**whole, "title": 3},
        {**whole, "links_to_anchors": {"x.md": "x.md#a"}},
        {**whole, "log": [["mkdocs", "WARNING", "text"]]},
        {**whole, "log": [["mkdocs", 30]]},
        "<p>x</p>", None,
    ]
    assert [buildcache.is_conversion(value) for value in broken] == [False] * len(broken)


def test_a_reader_sees_the_old_file_or_the_new_never_half(tmp_path):
    """Two builds at once (`make serve` beside `make build`) write the same cache files: each
    reader gets one whole version, and no temporary file is left behind."""
    import threading

    path = tmp_path / "cache" / "slot.json"
    versions = {bytes([65 + n]) * 4_000_000 for n in range(3)}
    torn = []

    def write(data):
        for _ in range(5):
            buildcache.replace_file(path, data)

    writers = [threading.Thread(target=write, args=(data,)) for data in versions]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        try:
            seen = path.read_bytes()
        except FileNotFoundError:
            continue
        if seen not in versions:
            torn.append(len(seen))
    for writer in writers:
        writer.join()
    assert torn == []
    assert path.read_bytes() in versions
    assert [p.name for p in path.parent.iterdir()] == ["slot.json"]


def test_an_earlier_version_another_build_removed_first_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "ebook-old.epub").write_bytes(b"old")
    listed = list(tmp_path.glob("ebook-*.epub"))
    (tmp_path / "ebook-old.epub").unlink()  # removed by the other build after it was listed
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter(listed))
    buildcache.replace_file(tmp_path / "ebook-new.epub", b"new", stale="ebook-*.epub")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["ebook-new.epub"]


def test_the_code_identity_changes_with_any_file_of_the_package_and_with_python(tmp_path, monkeypatch):
    package = tmp_path / "studyguide"
    shutil.copytree(ROOT / "scripts" / "studyguide", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(buildcache, "PACKAGE", package)
    identities = []
    for edit in (None, "templates", "code", "python"):
        if edit == "python":  # another Python: its HTML parser is part of every conversion
            monkeypatch.setattr(buildcache.sys, "version", "3.99.0 (elsewhere)")
        elif edit == "templates":
            template = next(package.joinpath("templates").iterdir())
            template.write_text(template.read_text(encoding="utf-8") + " ", encoding="utf-8")
        elif edit == "code":
            (package / "quiz.py").write_text("# edited\n", encoding="utf-8")
        buildcache.code_identity.cache_clear()
        identities.append(buildcache.code_identity())
    buildcache.code_identity.cache_clear()
    assert len(set(identities)) == 4


# --- Builds -----------------------------------------------------------------------------------

def test_a_rebuild_reuses_every_result_and_builds_the_same_site(tmp_path):
    """The real site: a first build (nothing cached), then a rebuild that takes every converted
    page, generated page and download from the cache and starts no pandoc process; the two
    sites are the same bytes."""
    from studyguide import render

    project = tmp_path / "project"
    for name in ("docs", "scripts", "overrides", "data"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(ROOT / name, project / name)
    calls = tmp_path / "pandoc-calls.txt"
    wrapper = tmp_path / "pandoc"  # every pandoc process the build starts, logged
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{render.pandoc()}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    first, reused, made = build(project, "first", PANDOC=str(wrapper))
    assert first.returncode == 0, first.stderr[-3000:]
    assert reused == 0 and made > 60  # pages (Markdown and HTML), print page, handouts, downloads
    assert calls.read_text(encoding="utf-8").count("--citeproc") >= 4  # the wrapper is used
    calls.unlink()
    again, reused, made_again = build(project, "again", PANDOC=str(wrapper))
    assert again.returncode == 0, again.stderr[-3000:]
    assert (reused, made_again) == (made, 0)
    assert not calls.exists(), calls.read_text(encoding="utf-8")
    assert tree_differences(project / "first", project / "again") == []


def test_cache_files_of_the_wrong_shape_are_made_again(tmp_path):
    """A cache file with the right key and a value of another shape (damaged, or written by
    other code) is a miss: the build converts again and builds the same site."""
    import json

    project = make_project(tmp_path, {"docs/index.md": "# Home\n\nA claim [@perrin2014accumulating].\n"})
    result, _, made = build(project, "first")
    assert result.returncode == 0, result.stderr[-3000:]
    files = list((project / ".cache" / "build").iterdir())
    assert len(files) == made
    for n, file in enumerate(files):
        stored = json.loads(file.read_text(encoding="utf-8"))
        stored["value"] = [7, {"content": None}, {"a.md": 1}, [None], None][n % 5]
        file.write_text(json.dumps(stored), encoding="utf-8")
    result, reused, made_again = build(project, "again")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (reused, made_again) == (0, made)
    assert tree_differences(project / "first", project / "again") == []


def test_a_cached_page_still_fails_the_build_on_a_broken_link(tmp_path):
    project = make_project(tmp_path, {"docs/index.md": "# Home\n\nSee [the notes](notes.md).\n"})
    for _ in range(2):  # the second build takes the page from the cache
        result, reused, _ = build(project)
        assert result.returncode != 0
        assert "'notes.md'" in result.stderr and "not found among documentation files" in result.stderr
    assert reused > 0
    # The page it links to is added: the same Markdown now converts without the warning.
    (project / "docs" / "notes.md").write_text(
        '---\ntitle: "Notes"\ndescription: "A test page."\n---\n# Notes\n', encoding="utf-8")
    result, _, _ = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'href="notes/"' in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_every_edit_to_what_a_page_shows_reaches_it(tmp_path):
    page = "# Home\n\nA claim [@perrin2014accumulating].\n"
    project = make_project(tmp_path, {"docs/index.md": page})
    result, _, _ = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    home = project / "site" / "index.html"
    assert "purpose and opportunities to change" in home.read_text(encoding="utf-8")

    # The page's own text.
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text(encoding="utf-8").replace("A claim", "A bold claim"),
        encoding="utf-8")
    result, reused, _ = build(project)
    assert result.returncode == 0 and reused > 0
    assert "A bold claim" in home.read_text(encoding="utf-8")

    # The .bib: the page's reference list shows the work's new title.
    bib = project / "bibliography.bib"
    text = bib.read_text(encoding="utf-8")
    assert text.count("purpose and opportunities to change") == 1
    bib.write_text(text.replace("purpose and opportunities to change",
                                "purpose and chances to change"), encoding="utf-8")
    result, _, _ = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "purpose and chances to change" in home.read_text(encoding="utf-8")

    # The site's address (an environment variable in mkdocs.yml): the page's printed address.
    result, _, _ = build(project, SITE_URL="https://example.net/elsewhere/")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "https://example.net/elsewhere/" in home.read_text(encoding="utf-8")

    # The hooks themselves: what they do to a page's Markdown.
    hooks = project / "scripts" / "hooks.py"
    code = hooks.read_text(encoding="utf-8")
    made = "guide.render_page(src, markdown, web=True)"
    assert code.count(made) == 1
    hooks.write_text(code.replace(made, made + '.replace("A bold claim", "A hooked claim")'),
                     encoding="utf-8")
    result, _, _ = build(project, SITE_URL="https://example.net/elsewhere/")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "A hooked claim" in home.read_text(encoding="utf-8")
