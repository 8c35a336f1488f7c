"""`make audit`: Lighthouse 12 (mobile emulation, the system Chromium) on one page of each type
of the built site, served under its GitHub Pages sub-path with gzip (studyguide.devserver).

Prints each page's four category scores, its lab Core Web Vitals and its first-view transfer
(every byte fetched before the reader does anything, as Lighthouse saw it, and whether the
search index was among it). Exits 1 when a page misses a target:

- performance >= 0.95; accessibility, best practices and SEO 1.0 on every page;
- total blocking time <= 200 ms on every page;
- first-view transfer <= 120 KiB, and no search index in it.

Lighthouse's lab figures move with the machine's load, so a page that misses a target is
measured twice more and the median of the three runs counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from studyguide import devserver  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "scripts" / "audit" / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = {  # label -> address under the site root
    "home": "",
    "chapter": "chapters/chapter-4/",
    "glossary": "glossary/",
    "bibliography": "bibliography/",
    "chapters overview": "chapters/",
    "linking page": "teaching/linking/",
}
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
MAX_TBT_MS = 200
MAX_FIRST_VIEW_KIB = 120
SEARCH_INDEX = "search/search_index.json"
RERUNS = 2


def lighthouse(url: str, chromium: str) -> dict:
    result = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         "--only-categories=" + ",".join(TARGETS),
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        env=dict(os.environ, CHROME_PATH=chromium), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def figures(report: dict) -> dict:
    """The scores, lab metrics and first-view transfer of one Lighthouse report."""
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    return {
        **{k: report["categories"][k]["score"] for k in TARGETS},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "transfer": sum(r.get("transferSize") or 0 for r in requests) / 1024,
        "requests": len(requests),
        "index": any(SEARCH_INDEX in r.get("url", "") for r in requests),
        "failing": {k: [ref["id"] for ref in report["categories"][k]["auditRefs"]
                        if ref.get("weight") and (audits[ref["id"]].get("score") is not None)
                        and audits[ref["id"]]["score"] < 1]
                    for k in TARGETS if report["categories"][k]["score"] < TARGETS[k]},
    }


def misses(row: dict) -> list[str]:
    found = [f"{k} {row[k]:.2f} < {v} (audits below 1: {', '.join(row['failing'].get(k, []))})"
             for k, v in TARGETS.items() if row[k] < v]
    if row["tbt"] > MAX_TBT_MS:
        found.append(f"total blocking time {row['tbt']:.0f} ms > {MAX_TBT_MS} ms")
    if row["transfer"] > MAX_FIRST_VIEW_KIB:
        found.append(f"first view {row['transfer']:.1f} KiB > {MAX_FIRST_VIEW_KIB} KiB")
    if row["index"]:
        found.append("the search index is fetched before the reader opens search")
    return found


def median_row(rows: list[dict]) -> dict:
    """The run with the median performance score (its other figures come with it)."""
    ranked = sorted(rows, key=lambda r: (r["performance"], -r["tbt"]))
    return ranked[len(ranked) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", choices=PAGES,
                        help="audit only this page type (repeatable)")
    args = parser.parse_args(argv)
    chromium = next(filter(None, map(shutil.which, ["chromium", "chromium-browser",
                                                    "google-chrome"])), None)
    if chromium is None:
        print("Chromium is needed: apt-get install -y chromium", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.is_file():
        print("Lighthouse is not installed: cd scripts/audit && npm ci", file=sys.stderr)
        return 2
    site_dir = ROOT / "site"
    sub_path = urlsplit(os.environ.get("SITE_URL",
                                       "https://example.org/peer-support-in-prison/")).path
    rows: dict[str, dict] = {}
    with devserver.serve(site_dir, sub_path) as base:
        for label in args.page or PAGES:
            try:
                runs = [figures(lighthouse(base + PAGES[label], chromium))]
                if misses(runs[0]):
                    runs += [figures(lighthouse(base + PAGES[label], chromium))
                             for _ in range(RERUNS)]
            except RuntimeError as err:
                print(err, file=sys.stderr)
                return 1
            rows[label] = median_row(runs) | {"runs": len(runs)}

    print(f"{'page':18} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5} {'LCP':>6} {'CLS':>6} "
          f"{'TBT':>7} {'first view':>11} {'requests':>8}  search index")
    failed = []
    for label, row in rows.items():
        print(f"{label:18} {row['performance']:5.2f} {row['accessibility']:5.2f} "
              f"{row['best-practices']:5.2f} {row['seo']:5.2f} {row['lcp']:5.1f}s "
              f"{row['cls']:6.3f} {row['tbt']:5.0f}ms {row['transfer']:7.1f} KiB "
              f"{row['requests']:8}  {'fetched' if row['index'] else 'not fetched'}"
              + (f"  (median of {row['runs']} runs)" if row["runs"] > 1 else ""))
        failed += [f"{label} (/{PAGES[label]}): {miss}" for miss in misses(row)]
    print("targets: " + ", ".join(f"{k} >= {v}" for k, v in TARGETS.items())
          + f"; TBT <= {MAX_TBT_MS} ms; first view <= {MAX_FIRST_VIEW_KIB} KiB without the "
          "search index")
    for line in failed:
        print(f"MISSED {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
