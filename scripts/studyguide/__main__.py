"""Command line: `python -m studyguide check` (what `make check` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import site

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studyguide")
    parser.add_argument("command", choices=["check"])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder")
    args = parser.parse_args(argv)
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
    print("All content checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
