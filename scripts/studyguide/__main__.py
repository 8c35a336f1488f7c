"""Command line: `python -m studyguide check` (what `make check` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import bibliography, links, linkcheck, site

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except site.GuideError as err:
        print(err, file=sys.stderr)
        print(f"{len(err.problems)} problem(s).", file=sys.stderr)
        return 1


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studyguide")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="every content check (what `make check` runs)")
    check.add_argument("--root", type=Path, default=ROOT, help="project folder")
    lint = commands.add_parser("bib", help="lint one BibTeX file")
    lint.add_argument("file", type=Path)
    commands.add_parser("permalinks", help="print every linkable address (the permalink manifest)")
    external = commands.add_parser("linkcheck", help="check external links and DOIs of a built site")
    external.add_argument("--site", type=Path, default=ROOT / "site")
    external.add_argument("--report", type=Path, default=ROOT / "linkcheck.md")
    external.add_argument("--cache", type=Path, default=ROOT / ".cache" / "linkcheck.json")
    args = parser.parse_args(argv)
    if args.command == "linkcheck":
        if not (args.site / "index.html").is_file():
            print(f"{args.site}: no built site here; run `make build` first", file=sys.stderr)
            return 2
        results = linkcheck.run(args.site, bibliography.load(ROOT / "bibliography.bib"),
                                args.cache, linkcheck.Settings(), own_host=links.site_host(ROOT))
        args.report.write_text(linkcheck.report(results), encoding="utf-8")
        broken = [r for r in results if r.status == "broken"]
        print(f"{len(results)} checked, {len(broken)} broken; report in {args.report}")
        return 1 if broken else 0
    if args.command == "permalinks":
        guide = site.load(ROOT)
        print("\n".join(links.manifest(guide.targets)))
        return 0
    if args.command == "bib":
        if not args.file.is_file():
            print(f"{args.file}: no such file", file=sys.stderr)
            return 2
        problems = bibliography.load(args.file).problems
    else:
        problems = site.check(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s).", file=sys.stderr)
        return 1
    print("No problems found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
