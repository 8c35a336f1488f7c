"""MkDocs adapters: each hook hands plain data to the studyguide package and returns.

Citations are formatted by studyguide.citeproc: every page's clusters in one pandoc run from
`on_files` (cached on disk), then put into each page by `on_page_markdown`. Problems are logged
as found and fail the build at the end.
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

from studyguide import citations, sitecheck, site  # noqa: E402
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
    guide.configure(nav=config["nav"], site_url=config["site_url"], site_name=config["site_name"])
    return config


def on_files(files, config):
    guide = _state["guide"]
    for path, content in guide.downloads().items():
        files.append(File.generated(config, path, content=content))
    for path, content in guide.handouts().items():
        files.append(File.generated(config, path, content=content,
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    guide.citeproc.prepare(f.content_string for f in files.documentation_pages())  # one pandoc run
    return files


def on_page_markdown(markdown, page, config, files):
    guide = _state["guide"]
    if page.file.abs_src_path:  # generated pages (handouts) are checked through their sources
        _report(citations.check(Path(page.file.abs_src_path).read_text(encoding="utf-8"),
                                guide.bib.keys, f"docs/{page.file.src_uri}", root=ROOT))
    markdown = guide.render_page(page.file.src_uri, markdown)
    return guide.citeproc.render(page.file.src_uri, markdown)


def on_page_context(context, page, config, nav):
    jsonld = _state["guide"].jsonld(page.file.src_uri, page.canonical_url)
    if jsonld:
        page.meta["jsonld"] = jsonld
    return context


def on_post_page(output, page, config):
    _report(sitecheck.leaked_syntax(output, f"docs/{page.file.src_uri}"))
    return sitecheck.patch_theme_html(output)


def on_post_template(output_content, template_name, config):
    """Static templates (the 404 page) get the same checks and fixes as pages."""
    if template_name.endswith(".html"):
        _report(sitecheck.leaked_syntax(output_content, template_name))
        return sitecheck.patch_theme_html(output_content)
    return output_content


def on_post_build(config):
    base_path = urlsplit(config["site_url"] or "/").path or "/"
    _report(sitecheck.check_links(Path(config["site_dir"]), base_path))
    if _state["problems"] and _state["command"] != "serve":  # serve keeps showing the site
        raise PluginError(f"{len(_state['problems'])} problem(s) found; see the errors above")
