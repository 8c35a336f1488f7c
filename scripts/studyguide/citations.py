"""Citations in Markdown: find them, check their keys, and keep code out of the renderer's way.

Syntax (pandoc style, as mkdocs-bibtex reads it): `[@key]`, `[@a; @b]`, `[see @key, p. 12]`.
Bare `@key` is not a citation on this site. Code spans and fenced code blocks are never read as
citations: `mask_code()` hides their `@` from the renderer and `unmask()` restores it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .mdlines import CODE_SPAN_RE, code_mask, without_code_spans
from .problems import Problem

# What mkdocs-bibtex treats as a citation block: any [...] on one line that holds an '@'.
BLOCK_RE = re.compile(r"\[([^\[\]\n]*?@[^\[\]\n]*?)\]")
# One ';'-separated part: optional prefix, @key, then optionally ', locator'.
PART_RE = re.compile(r"^(?P<prefix>[^@;]*?)\s*@(?P<key>[^\s,;\]]+)(?P<rest>.*)$")
# mkdocs-bibtex skips parts that start with an e-mail address; so does this module.
EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+")
# mkdocs-bibtex ends a key at any character outside this set.
RENDERABLE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
SNIPPET_RE = re.compile(r"""^\s*;?-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1""")
MASK = "\ue000"  # private-use character that stands in for '@' inside code


@dataclass(frozen=True)
class Citation:
    key: str
    line: int
    text: str  # the whole bracketed block, for messages
    prefix: str = ""
    locator: str = ""
    malformed: bool = False  # text after the key that is not ", locator"


def parse_part(part: str) -> Citation | None:
    """One ';'-separated part of a citation block (line and text filled in by the caller)."""
    part = part.strip()
    if EMAIL_RE.match(part):
        return None
    match = PART_RE.match(part)
    if not match:
        return None
    rest = match.group("rest").strip()
    locator = rest[1:].strip() if rest.startswith(",") else ""
    return Citation(match.group("key"), 0, "", match.group("prefix").strip(), locator,
                    malformed=bool(rest) and not rest.startswith(","))


def find(markdown: str) -> list[Citation]:
    """Every citation outside code, with its 1-based line number."""
    found: list[Citation] = []
    for number, (line, in_code) in enumerate(zip(markdown.split("\n"), code_mask(markdown)), 1):
        if in_code:
            continue
        for block in BLOCK_RE.finditer(without_code_spans(line)):
            for part in block.group(1).split(";"):
                cite = parse_part(part)
                if cite:
                    found.append(Citation(cite.key, number, block.group(0), cite.prefix,
                                          cite.locator, cite.malformed))
    return found


def suggestions(key: str, known: list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(key, known, n=n, cutoff=0.6)


def check(markdown: str, known_keys, rel_path: str, root: Path | None = None) -> list[Problem]:
    """Located problems with the citations of one page (and of the snippets it includes)."""
    known = list(known_keys)
    problems: list[Problem] = []
    for cite in find(markdown):
        if cite.malformed:
            problems.append(Problem(rel_path, cite.line,
                                    f"citation {cite.text}: put a comma between the key and the "
                                    "locator, like [@key, p. 12]"))
        elif not RENDERABLE_KEY_RE.match(cite.key):
            problems.append(Problem(rel_path, cite.line,
                                    f"citation key '{cite.key}' in {cite.text} has characters the "
                                    "renderer cannot read; keys are letters and digits only"))
        elif cite.key not in known:
            close = suggestions(cite.key, known)
            hint = f"; did you mean {', '.join(repr(k) for k in close)}?" if close else \
                "; add the work to bibliography.bib or correct the key"
            problems.append(Problem(rel_path, cite.line, f"unknown citation key '{cite.key}'{hint}"))
    if root is not None:
        problems += snippet_problems(markdown, rel_path, root)
    return problems


def snippet_problems(markdown: str, rel_path: str, root: Path) -> list[Problem]:
    """Citations inside included snippets are never rendered, so they are reported."""
    problems = []
    for number, (line, in_code) in enumerate(zip(markdown.split("\n"), code_mask(markdown)), 1):
        match = None if in_code else SNIPPET_RE.match(line)
        if not match:
            continue
        target = root / match.group("path")
        if not target.is_file():
            continue  # pymdownx.snippets (check_paths) reports missing files itself
        for cite in find(target.read_text(encoding="utf-8")):
            problems.append(Problem(rel_path, number,
                                    f"citation {cite.text} comes from the included snippet "
                                    f"'{match.group('path')}' (its line {cite.line}), where it "
                                    "would not be rendered; cite in the page itself"))
    return problems


def mask_code(markdown: str) -> str:
    """Hide '@' in code from the citation renderer (it rewrites raw Markdown, code included)."""
    lines = markdown.split("\n")
    for i, in_code in enumerate(code_mask(markdown)):
        if in_code:
            lines[i] = lines[i].replace("@", MASK)
        else:
            lines[i] = CODE_SPAN_RE.sub(lambda m: m.group(0).replace("@", MASK), lines[i])
    return "\n".join(lines)


def unmask(text: str) -> str:
    return text.replace(MASK, "@")


def mask_unknown(markdown: str, known_keys) -> str:
    """Keep citations with unknown keys or malformed locators away from the renderer (it would
    drop them or stop with a traceback); `check()` reports them and the build fails."""
    known = set(known_keys)

    def mask(block: re.Match) -> str:
        parts = [parse_part(p) for p in block.group(1).split(";")]
        if all(c.key in known and not c.malformed for c in parts if c):
            return block.group(0)
        return block.group(0).replace("@", MASK)

    lines = markdown.split("\n")
    for i, in_code in enumerate(code_mask(markdown)):
        if not in_code:
            lines[i] = BLOCK_RE.sub(mask, lines[i])
    return "\n".join(lines)
