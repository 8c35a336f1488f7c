"""`make bench`: build times, page weights and the cost of the citation pipeline, printed.

1. The real site: a cold build (caches cleared) and warm builds; every page's HTML size and
   first-load transfer (gzip) with the stylesheets and scripts it loads; the search index.
2. A generated large case: 1,000 BibTeX entries cited across 50 pages, built once with this
   site's full pipeline and once with stock mkdocs-bibtex (same pages, same CSL), as a ratio.
Figures, not assertions: nothing here fails.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")


def build(config: Path, site_dir: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q",
                             "-f", str(config), "-d", str(site_dir)],
                            cwd=config.parent, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def real_site(out: Path) -> None:
    print("== The real site")
    for cache in [*ROOT.joinpath("scripts").rglob("__pycache__"), ROOT / ".cache"]:
        shutil.rmtree(cache, ignore_errors=True)
    cold = build(ROOT / "mkdocs.yml", out)
    warm = [build(ROOT / "mkdocs.yml", out) for _ in range(3)]
    print(f"cold build: {cold:.2f} s; warm build (median of 3): {statistics.median(warm):.2f} s")

    print(f"\n{'page':48} {'HTML':>10} {'HTML gz':>10} {'first load gz':>14}")
    asset_re = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
    totals = []
    for page in sorted(out.rglob("*.html")):
        html = page.read_bytes()
        if b'http-equiv="refresh"' in html[:2000]:
            continue
        assets = 0
        for href in asset_re.findall(html.decode("utf-8")):
            path = (page.parent / href.split("?")[0]).resolve()
            if path.is_file():
                assets += gz(path.read_bytes())
        first = gz(html) + assets
        totals.append(first)
        print(f"{str(page.relative_to(out)):48} {kib(len(html)):>10} {kib(gz(html)):>10} {kib(first):>14}")
    print(f"first-load transfer: median {kib(statistics.median(totals))}, largest {kib(max(totals))}")
    index = out / "search" / "search_index.json"
    data = index.read_bytes()
    print(f"search index: {kib(len(data))} ({kib(gz(data))} gzipped)")


def large_case(folder: Path) -> None:
    print("\n== Generated large case: 1,000 entries cited across 50 pages")
    rng = random.Random(1)
    keys = [f"author{n:04d}{1950 + n % 70}work" for n in range(1000)]
    entries = []
    for n, key in enumerate(keys):
        entries.append(
            f"@article{{{key},\n  author = {{Surname{n}, Given and Other{n}, Name}},\n"
            f"  title = {{A study of peer support number {n}}},\n  journal = {{Journal of Tests}},\n"
            f"  year = {{{1950 + n % 70}}},\n  volume = {{{n % 40 + 1}}},\n  pages = {{{n}--{n + 9}}},\n"
            f"  doi = {{10.5555/bench.{n}}},\n  keywords = {{peer-support}}\n}}\n")
    bib = "\n".join(entries)
    pages = {}
    for p in range(50):
        chosen = keys[p * 20:(p + 1) * 20]
        paragraphs = []
        for i in range(0, 20, 2):
            extra = rng.choice(keys)
            paragraphs.append(f"Paragraph {i} of page {p} [@{chosen[i]}; @{chosen[i + 1]}] and "
                              f"[see @{extra}, p. {i + 1}].")
        pages[f"docs/page{p:02d}.md"] = (f"# Page {p}\n\n" + "\n\n".join(paragraphs)
                                         + "\n\n## References\n\n\\bibliography\n")
    pages["docs/index.md"] = "# Home\n\nThe benchmark.\n"

    ours = folder / "ours"
    shutil.copytree(ROOT / "scripts", ours / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", ours / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", ours / "docs" / "assets")
    (ours / "docs" / "book").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "book" / "contents.yml", ours / "docs" / "book")
    shutil.copy(ROOT / "docs" / "bibliography.md", ours / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^nav:\n(?:[ -].*\n|\n)*", "", config, flags=re.M)
    config = re.sub(r"^  # Short links.*?(?=^\S)", "", config, flags=re.M | re.S)
    (ours / "mkdocs.yml").write_text(config, encoding="utf-8")

    stock = folder / "stock"
    sys.path.insert(0, str(ROOT / "scripts"))
    from studyguide.render import csl_path

    (stock / "docs").mkdir(parents=True)
    (stock / "mkdocs.yml").write_text(
        "site_name: Bench\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - bibtex:\n      bib_file: bibliography.bib\n"
        f"      csl_file: {csl_path('apa')}\n      enable_inline_citations: false\n"
        "      bib_by_default: false\n"
        "markdown_extensions:\n  - footnotes\n", encoding="utf-8")
    for project in (ours, stock):
        (project / "bibliography.bib").write_text(bib, encoding="utf-8")
        for rel, text in pages.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text, encoding="utf-8")
    t_ours = build(ours / "mkdocs.yml", ours / "site")
    t_stock = build(stock / "mkdocs.yml", stock / "site")
    print(f"this site's pipeline (checks, bibliography page, downloads): {t_ours:.2f} s")
    print(f"stock mkdocs-bibtex, same pages:                            {t_stock:.2f} s")
    print(f"ratio (ours / stock, one run): {t_ours / t_stock:.2f}")


def main() -> None:
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    with tempfile.TemporaryDirectory() as folder:
        real_site(Path(folder) / "site")
        large_case(Path(folder))


if __name__ == "__main__":
    main()
