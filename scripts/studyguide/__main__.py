"""Command line: `python -m studyguide check` (what `make check` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import bibliography, links, site

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studyguide")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="every content check (what `make check` runs)")
    check.add_argument("--root", type=Path, default=ROOT, help="project folder")
    lint = commands.add_parser("bib", help="lint one BibTeX file")
    lint.add_argument("file", type=Path)
    commands.add_parser("permalinks", help="print every linkable address (the permalink manifest)")
    args = parser.parse_args(argv)
    if args.command == "permalinks":
        guide = site.load(ROOT)
        print("\n".join(links.manifest(links.targets(guide, links.load_nav(ROOT)))))
        return 0
    if args.command == "bib":
        if not args.file.is_file():
            print(f"{args.file}: no such file", file=sys.stderr)
            return 2
        problems = bibliography.load(args.file).problems
    else:
        try:
            problems = site.check(args.root)
        except site.GuideError as err:
            print(err, file=sys.stderr)
            return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s).", file=sys.stderr)
        return 1
    print("No problems found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
