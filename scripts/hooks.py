"""MkDocs adapters: each hook hands plain data to the studyguide package and returns.

`on_config` reads and checks every source once (studyguide.site.load); each page is then
rendered from those records, its citations formatted by studyguide.citeproc (one pandoc run for
the whole site, cached), and the built site is checked at the end. Problems are logged as found
and fail the build at the end.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

sys.path.insert(0, str(Path(__file__).resolve().parent))

from studyguide import (ebook, offline, printguide, reading, redirects, search,  # noqa: E402
                        sitecheck, site, themefix)
from studyguide.problems import Problem  # noqa: E402

log = logging.getLogger("mkdocs.hooks.studyguide")

ROOT = Path(__file__).resolve().parent.parent
_state: dict = {"problems": [], "command": "build"}


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        log.error(str(problem))
    _state["problems"].extend(problems)


def on_startup(command, dirty):
    _state["command"] = command


@event_priority(100)
def on_config(config):
    _state["problems"] = []
    try:
        _state["guide"] = guide = site.load(ROOT)
    except site.GuideError as err:
        raise PluginError(f"{len(err.problems)} problem(s):\n{err}") from None
    guide.configure(site_url=config["site_url"], site_name=config["site_name"])
    return config


def on_files(files, config):
    guide = _state["guide"]
    _state["sources"] = {f.dest_uri: f"docs/{f.src_uri}" for f in files if f.abs_src_path}
    for path, content in guide.downloads().items():
        files.append(File.generated(config, path, content=content))
    for path, content in guide.handouts().items():
        files.append(File.generated(config, path, content=content,
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    # The guide as an e-book, and every chapter on one page for printing (not in nav or search).
    if ebook.complete(guide):
        try:
            book = ebook.from_guide(guide)
            guide.ebook_size = len(book)
            files.append(File.generated(config, ebook.PATH, content=book))
        except ebook.EbookError as err:
            _report([Problem(ebook.PATH, 1, f"{err}; fix the source it names, then rebuild")])
        files.append(File.generated(config, printguide.PATH, content=printguide.from_guide(guide),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    # Offline reading: the web app manifest.
    files.append(File.generated(config, offline.MANIFEST, content=offline.web_manifest(
        config["site_name"], config["site_description"])))
    guide.citeproc.prepare(f.content_string for f in files.documentation_pages())  # one pandoc run
    return files


def on_page_markdown(markdown, page, config, files):
    guide = _state["guide"]  # every source was read and checked once, in on_config
    markdown = guide.render_page(page.file.src_uri, markdown, web=True)
    return guide.citeproc.render(page.file.src_uri, markdown)


def on_nav(nav, config, files):
    """Chapters are named with their number ("Chapter 3: <exact title>") in the navigation and
    the header; a section holding one part's chapters reads "Part 2 (Chapters 3–4)"."""
    records = _state["guide"].chapter_records
    titles = reading.nav_titles(records)

    def visit(items) -> None:
        for item in items:
            if item.is_page and item.file.src_uri in titles:
                item.title = titles[item.file.src_uri]
            elif item.is_section:
                title = reading.section_title(
                    [child.file.src_uri for child in item.children if child.is_page], records)
                if title and all(child.is_page for child in item.children):
                    item.title = title
                visit(item.children)

    visit(nav.items)
    return nav


def on_page_context(context, page, config, nav):
    # The browser tab, the header and link previews name the chapter with its number too (the
    # front-matter title stays the publisher's, as checked against docs/book/contents.yml).
    title = reading.nav_titles(_state["guide"].chapter_records).get(page.file.src_uri)
    if title:
        page.meta["title"] = title
    jsonld = _state["guide"].jsonld(page.file.src_uri, page.canonical_url)
    if jsonld:
        page.meta["jsonld"] = jsonld
    return context


def on_post_page(output, page, config):
    source = _state["guide"].pages.get(page.file.src_uri)
    _report(sitecheck.leaked_syntax(output, f"docs/{page.file.src_uri}",
                                    source.body if source else None,
                                    source.body_line if source else 1))
    if "question-anchor" in output:
        _report(sitecheck.question_numbering(output, *_state["guide"].question_source(
            page.file.src_uri)))
    return themefix.fix(output)


def on_post_template(output_content, template_name, config):
    """Static templates (the 404 page) get the same checks and fixes as pages."""
    if template_name.endswith(".html"):
        _report(sitecheck.leaked_syntax(output_content, template_name))
        return themefix.fix(output_content)
    return output_content


def on_post_build(config):
    # Redirect stubs (written by mkdocs-redirects, whose on_post_build runs before the hooks')
    # get their target's title, description and Open Graph tags.
    _report(redirects.add_previews(Path(config["site_dir"])))

    base_path = urlsplit(config["site_url"] or "/").path or "/"
    _report(sitecheck.check_links(Path(config["site_dir"]), base_path, _state.get("sources", {})))
    # Search: every bibliography entry its own result (runs after the search plugin wrote it).
    guide = _state["guide"]
    search.update_index(Path(config["site_dir"]), guide.bib.entries, guide.references)
    # Offline reading: last, once every file is written (the worker lists and hashes them).
    _report(offline.finalise(Path(config["site_dir"]), config["site_name"]))
    if _state["problems"] and _state["command"] != "serve":  # serve keeps showing the site
        raise PluginError(f"{len(_state['problems'])} problem(s) found; see the errors above")
