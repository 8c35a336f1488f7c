"""`make audit`: Lighthouse (mobile emulation, the system Chromium) on four pages of the built
site served under its GitHub Pages sub-path; prints the four category scores and the Core Web
Vitals measured in the lab. Targets: performance >= 0.95; accessibility, best practices and SEO
1.0. Figures, not assertions."""

from __future__ import annotations

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
PAGES = ["", "chapters/chapter-1/", "glossary/", "bibliography/"]
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
VITALS = ["largest-contentful-paint", "cumulative-layout-shift", "total-blocking-time",
          "first-contentful-paint"]


def main() -> int:
    chromium = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
    if chromium is None:
        print("Chromium is needed: apt-get install -y chromium", file=sys.stderr)
        return 2
    site_dir = ROOT / "site"
    sub_path = urlsplit(os.environ.get("SITE_URL", "https://example.org/peer-support-in-prison/")).path
    env = dict(os.environ, CHROME_PATH=chromium)
    rows = []
    with devserver.serve(site_dir, sub_path) as base:
        for page in PAGES:
            result = subprocess.run(
                ["node", str(LIGHTHOUSE), base + page, "--output=json", "--output-path=stdout",
                 "--quiet", "--only-categories=" + ",".join(TARGETS),
                 "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                env=env, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"Lighthouse failed on /{page}:\n{result.stderr[-2000:]}", file=sys.stderr)
                return 1
            report = json.loads(result.stdout)
            scores = {k: report["categories"][k]["score"] for k in TARGETS}
            vitals = {k: report["audits"][k]["displayValue"] for k in VITALS}
            rows.append((page or "(home)", scores, vitals))
    print(f"{'page':24}" + "".join(f"{k:>16}" for k in TARGETS) + "".join(f"{k.split('-')[0] + ' ' + k.split('-')[-1]:>20}" for k in VITALS))
    for page, scores, vitals in rows:
        marks = "".join(f"{scores[k]:>15.2f}{'' if scores[k] >= TARGETS[k] else '!'}" + " " * (scores[k] >= TARGETS[k]) for k in TARGETS)
        print(f"{page:24}{marks}" + "".join(f"{vitals[k]:>20}" for k in VITALS))
    print("targets: " + ", ".join(f"{k} >= {v}" for k, v in TARGETS.items()) + " ('!' marks a miss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
