"""Regenerate the copying check's hashes (scripts/studyguide/data/copying-hashes.txt).

    python scripts/copying_hashes.py SOURCE_DIR [--text LABEL=FILE[=DESCRIPTION] ...] [--out FILE]

SOURCE_DIR holds the publisher's text: every *.txt file in it is read as label `publisher`. Each --text adds a further text, such as an
abstract the pages cite, under its own label (use the citation key); DESCRIPTION names it in
messages, and anything after " | " in it (where it was read) goes only into the header. Only the
hashes of the texts' normalised 8-word windows are written, never the texts, so the repository can
run the check without them. The book's, parts' and chapters' titles (docs/book/contents.yml) are
left out, because pages may repeat them. Sources already in the output file whose texts are not
given again are kept (--drop LABEL removes one, --fresh starts from nothing).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from studyguide import truth  # noqa: E402

PUBLISHER = "the publisher's text (blurb, endorsements, author note)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="copying_hashes.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("source_dir", type=Path,
                        help="folder with the publisher's text as *.txt files")
    parser.add_argument("--text", action="append", default=[], metavar="LABEL=FILE[=DESCRIPTION]",
                        help="a further text, e.g. perrin2022maximizing=abstract.txt='the abstract of "
                             "Perrin (2022) | read at URL'; repeat for more")
    parser.add_argument("--out", type=Path, default=truth.HASH_FILE, help="file to write")
    parser.add_argument("--drop", action="append", default=[], metavar="LABEL",
                        help="remove a source kept from the existing file")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore the existing file: only the sources given now")
    parser.add_argument("--contents", type=Path, default=REPO / truth.CONTENTS_FILE,
                        help="the book's contents, whose titles are left out")
    args = parser.parse_args(argv)

    sources: list[tuple[str, str, str]] = []
    files = sorted(args.source_dir.glob("*.txt")) if args.source_dir.is_dir() else []
    if not files:
        print(f"{args.source_dir}: no *.txt files here; give the folder with the publisher's text",
              file=sys.stderr)
        return 2
    texts = [(f, f.read_text(encoding="utf-8")) for f in files]
    names = ", ".join(f"{f.name} (sha256 {digest(t)})" for f, t in texts)
    sources.append(("publisher", f"{PUBLISHER} | {names}", "\n\n".join(t for _, t in texts)))
    for item in args.text:
        label, _, rest = item.partition("=")
        path_text, _, description = rest.partition("=")
        path = Path(path_text)
        if not label or not path.is_file():
            print(f"--text {item}: give LABEL=FILE with an existing file", file=sys.stderr)
            return 2
        text = path.read_text(encoding="utf-8")
        sources.append((label, f"{description or label} | {path.name} (sha256 {digest(text)})", text))
    try:
        import yaml
        contents = yaml.safe_load(args.contents.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError) as err:
        print(f"{args.contents}: cannot read the book's contents ({err})", file=sys.stderr)
        return 2
    made_from = "scripts/copying_hashes.py"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        contents_name = str(args.contents.resolve().relative_to(REPO))
    except ValueError:
        contents_name = args.contents.name
    kept = None
    if args.out.is_file() and not args.fresh:
        kept = truth.load_hashes(args.out)
        if kept.problems:
            print("\n".join(map(str, kept.problems)) + "\nthe existing file is not usable; rerun "
                  "with --fresh and every source", file=sys.stderr)
            return 2
        kept.sources = {label: text for label, text in kept.sources.items() if label not in args.drop}
        for label in kept.sources:
            if label not in {s[0] for s in sources}:
                print(f"keeping the hashes of {label} from {args.out.name} (its text was not given; "
                      f"--drop {label} removes them)")
    args.out.write_text(truth.hash_file_text(sources, contents, made_from, contents_name, kept),
                        encoding="utf-8")
    count = sum(1 for line in args.out.read_text(encoding="utf-8").split("\n")
                if line and not line.startswith("#"))
    print(f"{args.out}: {count} window hashes from {len(sources)} source(s)")
    return 0


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


if __name__ == "__main__":
    sys.exit(main())
