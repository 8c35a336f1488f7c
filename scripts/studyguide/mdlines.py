"""The one fence-aware reading of Markdown lines, shared by every transform and check.

`code_mask()` says which lines lie in fenced code; `prose_lines()` yields the others with their
1-based numbers; `without_code_spans()` blanks inline code so that nothing inside it is read as
syntax, and `without_code()` does both for a whole text, keeping its lines. Nothing here knows
about MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def code_mask(markdown: str) -> list[bool]:
    """For each line, True if it lies inside a fenced code block (fence lines included)."""
    inside: list[bool] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group("fence")
            inside.append(True)
        elif fence is not None:
            inside.append(True)
            if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = None
        else:
            inside.append(False)
    return inside


def without_code_spans(line: str) -> str:
    """The line with each inline code span blanked out (same length, so columns still match)."""
    return CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)


def without_code(markdown: str) -> str:
    """The text with fenced code emptied and inline code blanked, line for line, so that an
    offset's line number is still the source's."""
    return "\n".join("" if in_code else without_code_spans(line)
                     for line, in_code in zip(markdown.split("\n"), code_mask(markdown)))


def prose_lines(markdown: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line outside fenced code."""
    for number, (line, in_code) in enumerate(zip(markdown.split("\n"), code_mask(markdown)),
                                             first_line):
        if not in_code:
            yield number, line


def outside_code_spans(line: str, change) -> str:
    """The line with `change(text)` applied to each part between inline code spans."""
    out, last = [], 0
    for match in CODE_SPAN_RE.finditer(line):
        out += [change(line[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(out + [change(line[last:])])
