"""The built HTML: every file passes the W3C Nu HTML checker (vnu-jar from npm, one Java run
over all files), and the theme fixes (overrides/partials/ and themefix.patch_theme_html) hold
in every page, checked without a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, built_pages, require
from studyguide import themefix

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(site_dir: Path, files: list[Path]) -> list[str]:
    """`site/path:line: message` for each error the checker reports over the given files."""
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the Nu checker did not report JSON (exit {result.returncode}):\n"
                             f"{result.stderr[-2000:]}{result.stdout[-2000:]}") from None
    errors = []
    for message in messages:
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        try:
            where = "site/" + path.relative_to(site_dir).as_posix()
        except ValueError:
            where = message.get("url", "?")
        errors.append(f"{where}:{message.get('lastLine', message.get('firstLine', 0))}: "
                      f"{message.get('message', message)}")
    assert errors or result.returncode == 0, result.stderr[-2000:]
    return errors


def test_every_built_html_file_passes_the_nu_checker(site_dir):
    require(shutil.which("java") is not None and VNU.is_file(), "Java with node_modules/vnu-jar",
            "apt-get install -y default-jre-headless, then npm ci")
    files = sorted(site_dir.rglob("*.html"))  # pages, the 404 page and the redirect stubs
    assert len(files) >= 30
    errors = vnu_errors(site_dir, files)
    assert not errors, f"{len(errors)} Nu HTML checker error(s):\n" + "\n".join(errors)


def test_the_nu_checker_reports_an_error_with_its_file_and_line(tmp_path):
    """The check above can fail: an invalid page gives `site/path:line: message`."""
    require(shutil.which("java") is not None and VNU.is_file(), "Java with node_modules/vnu-jar",
            "apt-get install -y default-jre-headless, then npm ci")
    page = tmp_path / "bad" / "index.html"
    page.parent.mkdir()
    page.write_text('<!doctype html><html lang="en"><title>t</title>\n<body>\n'
                    '<label tabindex="">x</label>\n</body></html>\n', encoding="utf-8")
    errors = vnu_errors(tmp_path, [page])
    assert len(errors) == 1 and errors[0].startswith("site/bad/index.html:3: "), errors
    assert "tabindex" in errors[0]


# --- Theme fixes, over the built HTML (fast; axe in test_browser.py checks the same in Chromium) -


class Markup(HTMLParser):
    """Ids with the text inside each element, and the attributes of every start tag."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict, int]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, attributes, self.getpos()[0]))
        if tag not in self.VOID:
            self._open.append((tag, attributes.get("id"), []))

    def handle_endtag(self, tag):
        while self._open:
            name, ident, text = self._open.pop()
            joined = " ".join("".join(text).split())
            if ident:
                self.text_of[ident] = joined
            if self._open:
                self._open[-1][2].append(" " + joined + " ")
            if name == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def parsed(path: Path) -> Markup:
    markup = Markup()
    markup.feed(path.read_text(encoding="utf-8"))
    markup.close()
    return markup


def theme_problems(rel: str, markup: Markup) -> list[str]:
    problems = []
    ids = {a["id"] for _, a, _ in markup.tags if "id" in a}
    for tag, a, line in markup.tags:
        where = f"site/{rel}:{line}"
        if "tabindex" in a and not re.fullmatch(r"-?\d+", a["tabindex"]):
            problems.append(f"{where}: <{tag}> has tabindex=\"{a['tabindex']}\"")
        if tag == "input" and a.get("type") == "checkbox" and "autocomplete" in a:
            problems.append(f"{where}: checkbox #{a.get('id')} has autocomplete")
        if tag == "label" and "for" in a and a["for"] not in ids:
            problems.append(f"{where}: <label for=\"{a['for']}\"> names no element")
        if tag == "nav" or a.get("role") == "dialog":
            label = a.get("aria-label", "").strip()
            if not label and "aria-labelledby" in a:
                label = " ".join(markup.text_of.get(i, "") for i in a["aria-labelledby"].split())
            if not label.strip():
                problems.append(f"{where}: <{tag} class=\"{a.get('class', '')}\"> has no "
                                "accessible name")
    return problems


def test_theme_markup_is_fixed_in_every_page(site_dir):
    problems = [p for rel in built_pages(site_dir) for p in theme_problems(rel, parsed(site_dir / rel))]
    assert not problems, "\n".join(problems)


def test_search_dialog_and_index_sections_are_named_by_the_overrides(site_dir):
    markup = parsed(site_dir / "index.html")
    dialogs = [a for tag, a, _ in markup.tags if a.get("role") == "dialog"]
    assert [a.get("aria-label") for a in dialogs] == ["Search this guide"]
    sections = {a.get("aria-label") for tag, a, _ in markup.tags
                if tag == "nav" and a.get("data-md-level") == "1"}
    assert {"Chapters", "Teaching", "About this guide"} <= sections


def test_theme_check_finds_each_upstream_fault():
    """Material 9.8.2's own markup for each fault, as it was built before the overrides."""
    upstream = (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
        'autocomplete="off">\n'
        '<div class="md-search" data-md-component="search" role="dialog"></div>\n'
        '<input class="md-nav__toggle md-toggle" type="checkbox" id="__nav_3">\n'
        '<div class="md-nav__link md-nav__container"><a href="chapters/">Chapters</a>\n'
        '<label class="md-nav__link " for="__nav_3" id="__nav_3_label" tabindex="">'
        '<span class="md-nav__icon md-icon"></span></label></div>\n'
        '<nav class="md-nav" data-md-level="1" aria-labelledby="__nav_3_label"></nav>\n'
        '<label class="md-nav__title" for="__toc">Table of contents</label>\n')
    markup = Markup()
    markup.feed(upstream)
    markup.close()
    found = theme_problems("index.html", markup)
    assert [p.split(": ", 1)[0] for p in found] == [
        "site/index.html:1", "site/index.html:2", "site/index.html:5", "site/index.html:6",
        "site/index.html:7"], found


def test_patch_theme_html_removes_autocomplete_from_the_two_toggles_only():
    upstream = ('<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
                'autocomplete="off">\n'
                '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" '
                'autocomplete="off">\n'
                '<input type="text" class="md-search__input" name="query" autocomplete="off">\n')
    assert themefix.patch_theme_html(upstream) == (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">\n'
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">\n'
        '<input type="text" class="md-search__input" name="query" autocomplete="off">\n')


@pytest.mark.browser
def test_a_page_reached_by_back_does_not_reopen_the_drawer(browser, base_url):
    """Without autocomplete="off" a browser restores the drawer toggle; main.html unchecks it."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(base_url + "glossary/")
    page.evaluate("document.getElementById('__drawer').click()")
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.goto(base_url + "bibliography/")
    page.go_back()
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert not page.evaluate("document.getElementById('__drawer').checked")
    page.close()
