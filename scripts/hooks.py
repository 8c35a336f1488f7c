"""MkDocs adapters: each hook hands plain data to the studyguide package and returns.

`on_config` reads and checks every source once (studyguide.site.load); each page is then
rendered from those records, its citations formatted by studyguide.citeproc (one pandoc run for
the whole site, cached), and the built site is checked at the end. Problems are logged as found
and fail the build at the end. What a page's Markdown and HTML, the print page, the handouts
and the downloads were made into is kept in .cache/build for the next build, under a digest of
everything each is made from (studyguide.buildcache).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from studyguide import (assets, buildcache, ebook, offline, printguide, reading, rebuild,  # noqa: E402
                        redirects, render, search, sitecheck, site, themefix)
from studyguide.problems import Problem  # noqa: E402

log = logging.getLogger("mkdocs.hooks.studyguide")

ROOT = Path(__file__).resolve().parent.parent
_HOOKS_SOURCE = Path(__file__).read_bytes()  # in every cache key: these hooks make what is kept
_state: dict = {"problems": [], "command": "build"}


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        log.error(str(problem))
    _state["problems"].extend(problems)


def _pandoc_problems(hook):
    """A hook that formats citations or waits for them: pandoc missing or failing ends the
    build with pandoc's message and what to do (render.PandocError), not a traceback."""
    @functools.wraps(hook)
    def run(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except render.PandocError as err:
            raise PluginError(str(err)) from None
    return run


def on_startup(command, dirty):
    _state["command"] = command
    _state["dirty"] = dirty  # `make serve` rebuilds only what changed (see on_files)


@event_priority(100)
@_pandoc_problems
def on_config(config):
    _state["problems"] = []
    _state.pop("ebook", None)  # a failed build may have left one
    _state.pop("files_key", None)
    _state["store"] = buildcache.Store(ROOT / ".cache" / "build")
    try:
        _state["guide"] = guide = site.load(ROOT)
    except site.GuideError as err:
        raise PluginError(f"{len(err.problems)} problem(s):\n{err}") from None
    guide.configure(site_url=config["site_url"], site_name=config["site_name"])
    guide.start_formatting()  # pandoc formats the citations while the pages are read
    return config


@_pandoc_problems
def on_files(files, config):
    guide = _state["guide"]
    _state["sources"] = {f.dest_uri: f"docs/{f.src_uri}" for f in files if f.abs_src_path}
    for file in files.media_files():  # the guide's own styles and scripts, served lighter
        if file.abs_src_path and assets.is_own(file.src_uri):
            file.content_bytes = assets.served_bytes(file.src_uri, file.content_bytes)
    for path, content in guide.downloads(_state["store"]).items():
        files.append(File.generated(config, path, content=content))
    for path, content in _made("handouts", guide.handouts).items():
        files.append(_generated(config, path, content, inclusion=InclusionLevel.NOT_IN_NAV))
    # The guide as an e-book, and every chapter on one page for printing (not in nav or search).
    if ebook.complete(guide):
        # pandoc makes the e-book while the pages are converted; it is written, and its size
        # filled into the pages that name it, in on_post_build.
        _state["ebook"] = ebook.start(guide)
        files.append(File.generated(config, ebook.PATH, content=b""))
        files.append(_generated(config, printguide.PATH,
                                _made("print", lambda: printguide.from_guide(guide)),
                                inclusion=InclusionLevel.NOT_IN_NAV))
    # Offline reading: the web app manifest.
    files.append(File.generated(config, offline.MANIFEST, content=offline.web_manifest(
        config["site_name"], config["site_description"])))
    guide.citeproc.prepare_on_first_render(  # one pandoc run for every page's citations
        [f.content_string for f in files.documentation_pages()])
    if _state.get("dirty"):
        _forget_stale_pages(guide, files, Path(config["site_dir"]))
    return files


def _made(slot: str, make, *inputs: str):
    """What `make()` makes from the guide and `inputs` (a page's text, or a mapping of paths to
    texts), taken from the cache when none of them changed (studyguide.site.Guide.identity)."""
    key = buildcache.digest(_state["guide"].identity(), _HOOKS_SOURCE, *inputs)
    return _state["store"].get_or_make(slot, key, make, accept=buildcache.is_text_or_texts)


def _generated(config, path: str, content: str, **options) -> File:
    """A generated page. In a dirty rebuild it is backed by a file under .cache/generated,
    rewritten only when the page's text changes, so that MkDocs skips it when it did not."""
    if not _state.get("dirty"):
        return File.generated(config, path, content=content, **options)
    backing = ROOT / ".cache" / "generated" / path
    if not backing.is_file() or backing.read_text(encoding="utf-8") != content:
        backing.parent.mkdir(parents=True, exist_ok=True)
        backing.write_text(content, encoding="utf-8")
    return File.generated(config, path, abs_src_path=str(backing), **options)


def _forget_stale_pages(guide, files, site_dir: Path) -> None:
    """In a dirty rebuild MkDocs builds only pages whose source is newer than their output;
    remove the output of every other page whose content changed, and of every page that is
    gone (studyguide/rebuild.py)."""
    pages = files.documentation_pages()
    sources = {f.src_uri: f.content_string for f in pages}
    for src in rebuild.stale_pages(guide, sources, convert=_page_markdown):
        Path(files.get_file_from_path(src).abs_dest_path).unlink(missing_ok=True)
    for dest in rebuild.removed_outputs({f.dest_uri for f in pages}):
        (site_dir / dest).unlink(missing_ok=True)
    _state["page_urls"] = {rebuild.page_of(f.url) for f in pages}
    _state["rebuilt"], _state["search_entries"] = set(), []


def on_serve(server, config, builder):
    """`make serve` looks for saved files every 0.1 s instead of MkDocs' 0.5 s, so an edit is
    live sooner (MkDocs 1.6 has no setting for it: its watcher's emitters keep the interval in
    `_timeout`; watchdog is pinned in the lock). Checking the sources' times that often costs
    next to nothing."""
    if (ROOT / "data").is_dir():  # data/withdrawn.yml is read with the sources: watch it too
        server.watch(str(ROOT / "data"))
    observer = getattr(server, "observer", None)
    for watcher in [observer, *getattr(observer, "emitters", ())]:
        if hasattr(watcher, "_timeout"):
            watcher._timeout = 0.1
    _keep_serving_on_problems(server)
    return server


def _keep_serving_on_problems(server) -> None:
    """A rebuild stopped by a problem in the sources leaves the served site as it was. MkDocs
    1.6 logs the problem (a PluginError, with its file and line) and ends the build with
    Abort; its server would then hold every request until a rebuild succeeds ("the server
    will appear stuck"). The server answers once the version it wants (`_wanted_epoch`, set as
    a rebuild starts) is the one it shows (`_visible_epoch`), so the wanted version goes back
    to the one shown, and browsers do not reload. Any other exception is MkDocs' to report."""
    build = getattr(server, "builder", None)
    if build is None or not hasattr(server, "_epoch_cond"):
        return

    def build_or_keep() -> None:
        try:
            build()
        except Abort:
            log.error("The served site stays as it was until the problem is fixed.")
            with server._epoch_cond:
                server._wanted_epoch = server._visible_epoch
                server._epoch_cond.notify_all()

    server.builder = build_or_keep


def on_env(env, config, files):
    """Each build makes a new theme environment; jinja2's bytecode cache (.cache/jinja, checked
    against each template's source) spares compiling the theme's templates again."""
    folder = ROOT / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env


def _page_markdown(src: str, markdown: str) -> str:
    """A page's Markdown after the transforms and citations (kept in the build cache)."""
    guide = _state["guide"]  # every source was read and checked once, in on_config
    return _made(f"markdown:{src}", lambda: guide.citeproc.render(
        src, guide.render_page(src, markdown, web=True)), markdown)


@_pandoc_problems
def on_page_markdown(markdown, page, config, files):
    rendered = _page_markdown(page.file.src_uri, markdown)
    # MkDocs converts the page next, by calling page.render: this page's render first looks
    # in the cache of converted pages (one attribute on this page object; MkDocs is unchanged).
    page.render = functools.partial(_render_cached, page)
    return rendered


# --- Converted pages kept across builds (studyguide/buildcache.py) ----------------------------

def _conversion_key(page, config, files) -> str:
    """Everything a page's HTML is made from: its final Markdown, where it is, every file a
    link can point at, the Markdown settings, the logging level and the libraries' versions."""
    if "files_key" not in _state:
        _state["files_key"] = buildcache.digest(*sorted(
            f"{f.src_uri}\0{f.dest_uri}\0{f.url}\0{f.inclusion.name}" for f in files))
    settings = json.dumps([config["markdown_extensions"], config["mdx_configs"],
                           config["use_directory_urls"], config["validation"],
                           logging.getLogger("mkdocs").getEffectiveLevel()],
                          default=lambda value: dict(value) if hasattr(value, "items")
                          else repr(value), sort_keys=True)
    return buildcache.digest(page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url,
                             _state["files_key"], settings, buildcache.code_identity(),
                             _HOOKS_SOURCE)


def _render_cached(page, config, files) -> None:
    store = _state["store"]
    slot = f"page:{page.file.src_uri}"
    cacheable = "--8<--" not in page.markdown  # an included snippet is read at conversion
    key = _conversion_key(page, config, files) if cacheable else ""
    stored = store.get(slot, key, accept=buildcache.is_conversion) if cacheable else None
    if stored is not None:
        targets = {src: files.get_file_from_path(src) for src in stored["links_to_anchors"] or {}}
        if all(targets.values()):
            page.content = stored["content"]
            page.toc = get_toc(stored["toc"])
            page._title_from_render = stored["title"]
            page.present_anchor_ids = set(stored["anchors"])
            if stored["links_to_anchors"] is not None:
                page.links_to_anchors = {targets[src]: links for src, links
                                         in stored["links_to_anchors"].items()}
            buildcache.replay(stored["log"])
            return
    capture = buildcache.LogCapture()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(capture)
    try:
        Page.render(page, config, files)
    except Exception as err:
        source = _state["guide"].pages.get(page.file.src_uri)
        problem = sitecheck.conversion_problem(err, f"docs/{page.file.src_uri}",
                                               source.body if source else None,
                                               source.body_line if source else 1)
        if problem is None:
            raise
        raise PluginError(str(problem)) from None
    finally:
        for logger in loggers:
            logger.removeHandler(capture)
    if cacheable:
        store.put(slot, key, buildcache.conversion(
            page.content, buildcache.toc_tokens(page.toc), page._title_from_render,
            page.present_anchor_ids,
            None if page.links_to_anchors is None else
            {target.src_uri: links for target, links in page.links_to_anchors.items()},
            capture.records))


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
    if _state.get("dirty"):  # a page MkDocs does not read again has no title of its own yet
        for page in nav.pages:
            source = _state["guide"].pages.get(page.file.src_uri)
            if "title" not in page.__dict__ and source is not None and source.meta.get("title"):
                page.title = str(source.meta["title"])
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
    if _state.get("dirty"):  # this build's search documents, before the theme merges them
        _state["rebuilt"].add(page.url)
        index = next((p.search_index for p in config.plugins.values()
                      if getattr(p, "search_index", None) is not None), None)
        _state["search_entries"] = list(index.entries) if index is not None else []
    source = _state["guide"].pages.get(page.file.src_uri)
    _report(sitecheck.leaked_syntax(output, f"docs/{page.file.src_uri}",
                                    source.body if source else None,
                                    source.body_line if source else 1,
                                    _state["guide"].marker_texts(page.file.src_uri)))
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


def _write_ebook(site_dir: Path, future) -> None:
    try:
        book = future.result()
        (site_dir / ebook.PATH).write_bytes(book)
        ebook.fill_size(site_dir, len(book))
    except ebook.EbookError as err:
        _report([Problem(ebook.PATH, 1, f"{err}; fix the source it names, then rebuild")])
    except render.PandocError as err:
        _report([Problem(ebook.PATH, 1, str(err))])


@_pandoc_problems
def on_post_build(config):
    site_dir = Path(config["site_dir"])
    future = _state.pop("ebook", None)
    if future is not None:
        if _state["command"] == "serve" and not future.done():  # the page reloads first
            future.add_done_callback(lambda done: _write_ebook(site_dir, done))
        else:
            _write_ebook(site_dir, future)
    # Redirect stubs (written by mkdocs-redirects, whose on_post_build runs before the hooks')
    # get their target's title, description and Open Graph tags.
    _report(redirects.add_previews(site_dir))

    base_path = urlsplit(config["site_url"] or "/").path or "/"
    _report(sitecheck.check_links(site_dir, base_path, _state.get("sources", {}),
                                  cache_file=ROOT / ".cache" / "links.json"))
    # Search: bibliography entries, glossary terms and a chapter's named sections are results
    # of their own (runs after the search plugin wrote it).
    guide = _state["guide"]
    whole = (lambda written: rebuild.search_docs(  # noqa: E731
        written, _state["search_entries"], _state["rebuilt"], _state["page_urls"])) \
        if _state.get("dirty") else None
    search.update_index(site_dir, guide.bib.entries, guide.references, docs=whole)
    # Offline reading: last, once every file is written (the worker lists and hashes them).
    _report(offline.finalise(site_dir, config["site_name"]))
    store = _state["store"]
    log.debug(f"build cache: {store.hits} results reused from .cache/build, {store.misses} made")
    if _state["problems"] and _state["command"] != "serve":  # serve keeps showing the site
        raise PluginError(f"{len(_state['problems'])} problem(s) found; see the errors above")
