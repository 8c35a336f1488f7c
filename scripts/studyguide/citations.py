"""Citations in Markdown, read with pandoc's syntax: find them, and check their keys.

Forms (pandoc's own, as Quarto and pandoc users write them):

- `[@a; @b]`, `[see @key, p. 12]`, `[-@key]`: a bracketed (parenthetical) cluster;
- `@key` and `@key [p. 33]`: a narrative citation, "Perrin et al. (2018)".

A key ends exactly where pandoc ends it: letters, digits and `_`, with single internal
punctuation (`:.#$%&-+?<>~/`) only when a letter or digit follows; `@{...}` holds any key. So
`@smith2020` never reads part of `@smith2020b`.

Never a citation: an `@` inside a word (e-mail addresses), in code (fenced blocks and spans),
in a URL, a link (its text or target), an HTML tag or comment, in YAML front matter, or written `\\@`.
`clusters()` gives each citation cluster with its place in the text, for the renderer
(studyguide.citeproc); `find()` gives one record per cited work, for checks and usage.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .mdlines import CODE_SPAN_RE, code_mask
from .problems import Problem

# pandoc's key: a word character, then word characters or single internal punctuation.
_KEY_RE = r"(?:\{(?P<keyb>[^{}\s]+)\}|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))"
# '@' after a word character or '.' belongs to a string (an e-mail address), as in pandoc.
_AT = r"(?<![\w.@\\])"
NARRATIVE_RE = re.compile(_AT + r"(?P<minus>-)?@" + _KEY_RE
                          + r"(?P<suffix>[ \t]*\[(?P<locator>[^\[\]@\n]*)\])?")
# One ';'-part of a bracket: optional prefix (ending in a space), optional '-', @key, the rest.
PART_RE = re.compile(r"^(?P<prefix>(?:.*?\s)?)(?P<minus>-)?@" + _KEY_RE + r"(?P<rest>.*)$", re.S)
# A bracket holding an '@', not a link, link reference or attribute list ([..](..), [..][..]).
BRACKET_RE = re.compile(r"\[(?P<body>(?:(?!\n[ \t]*\n)[^\[\]])*@(?:(?!\n[ \t]*\n)[^\[\]])*)\]")
NOT_AFTER_CLUSTER = "([{"  # [..](..), [..][..], [..]{..} are links and spans (definitions: above)
SNIPPET_RE = re.compile(r"""^\s*;?-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1""")

# Text that is never read for citations (blanked, keeping offsets and line breaks).
_HIDDEN_RES = [
    re.compile(r"<!--.*?-->", re.S),                                  # HTML comments
    re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I),            # scripts, styles
    re.compile(r"</?[A-Za-z][^>]*>"),                                 # HTML tags, attributes
    re.compile(r"<(?:https?://|mailto:)[^>\s]*>|<[^@>\s]+@[^>\s]+>"),  # autolinks
    # inline links and images, text included (a citation inside a link would nest links)
    re.compile(r"!?\[[^\[\]\n]*\]\((?:[^()\"\n]|\"[^\"\n]*\"|\([^()\n]*\))*\)"),
    re.compile(r"(?<=\])\((?:[^()\"\n]|\"[^\"\n]*\"|\([^()\n]*\))*\)"),  # other link targets
    re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.M),             # link definitions
    re.compile(r"\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[^\s<>\"]+"),   # bare URLs
    re.compile(r"\\[@\[\]\\-]"),                                      # \@, \[, \], \\, \-
]
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Citation:
    """One cited work in a cluster."""

    key: str
    line: int
    text: str  # the whole cluster, for messages
    prefix: str = ""
    locator: str = ""
    malformed: bool = False  # text after the key that is not ", locator"
    suppress_author: bool = False


@dataclass(frozen=True)
class Cluster:
    """One citation cluster as written: `[see @a, p. 2; @b]`, `@a` or `@a [p. 3]`."""

    start: int   # offsets in the Markdown
    end: int
    line: int    # 1-based line of the start
    text: str
    narrative: bool
    cites: tuple[Citation, ...]
    problem: str = ""  # why it cannot be rendered, if it cannot

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.cites]


def _blank(match: re.Match) -> str:
    """Spaces for the matched text, keeping its line breaks."""
    text = match.group(0)
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def readable(markdown: str) -> str:
    """The Markdown with everything that is never a citation blanked (same length and lines)."""
    lines = markdown.split("\n")
    for i, in_code in enumerate(code_mask(markdown)):
        if in_code:
            lines[i] = " " * len(lines[i])
    text = "\n".join(lines)
    text = _FRONT_MATTER_RE.sub(_blank, text)
    text = CODE_SPAN_RE.sub(_blank, text)
    for pattern in _HIDDEN_RES:
        text = pattern.sub(_blank, text)
    return text


def _key(match: re.Match) -> str:
    return match.group("key") or match.group("keyb")


def _parse_part(part: str) -> tuple[str, bool, str, str, bool] | None:
    """(key, suppress_author, prefix, locator, malformed) of one ';'-part, or None."""
    match = PART_RE.match(part.strip())
    if not match or "@" in match.group("prefix"):
        return None
    rest = match.group("rest").strip()
    locator = rest[1:].strip() if rest.startswith(",") else ""
    return (_key(match), bool(match.group("minus")), match.group("prefix").strip(), locator,
            bool(rest) and not rest.startswith(","))


def _line_starts(markdown: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", markdown)]


def clusters(markdown: str) -> list[Cluster]:
    """Every citation cluster outside code, URLs, HTML and front matter, in text order."""
    return list(_clusters(markdown))


@functools.lru_cache(maxsize=4096)
def _clusters(markdown: str) -> tuple[Cluster, ...]:
    """The same text is read by several checks and transforms in one build: read it once."""
    import bisect

    if "@" not in markdown:  # no citation without an '@'
        return ()
    text = readable(markdown)
    starts = _line_starts(markdown)
    line_of = lambda offset: bisect.bisect_right(starts, offset)  # noqa: E731
    found: list[Cluster] = []
    taken: list[tuple[int, int]] = []
    for block in BRACKET_RE.finditer(text):
        parts = [_parse_part(p) for p in block.group("body").split(";")]
        source = markdown[block.start():block.end()]
        if markdown[block.end():block.end() + 1] in tuple(NOT_AFTER_CLUSTER) or not any(parts):
            continue  # a link, or no key in the bracket: '@key's inside are read as narrative
        line = line_of(block.start())
        cites = tuple(Citation(p[0], line, source, p[2], p[3], p[4], p[1]) for p in parts if p)
        problem = ""
        if not all(parts):
            problem = (f"citation {source}: every ';'-separated part needs an @key; "
                       "move other text into a prefix (see @key) or locator (@key, p. 3)")
        elif any(c.malformed for c in cites):
            problem = (f"citation {source}: put a comma between the key and the locator, "
                       "like [@key, p. 12]")
        elif any(re.search(r"\d\s*[-–—]+\s*$", c.locator) for c in cites):
            problem = (f"citation {source}: the page range lacks its last page (pandoc would "
                       "print 'pp. 12–12'); give both, like [@key, pp. 12--15]")
        found.append(Cluster(block.start(), block.end(), line, source, False, cites, problem))
        taken.append((block.start(), block.end()))
    starts_taken = [a for a, _ in taken]  # in text order, never overlapping
    for match in NARRATIVE_RE.finditer(text):
        inside = bisect.bisect_right(starts_taken, match.start()) - 1
        if inside >= 0 and match.start() < taken[inside][1]:
            continue
        line = line_of(match.start())
        source = markdown[match.start():match.end()]
        cite = Citation(_key(match), line, source, locator=(match.group("locator") or "").strip(),
                        suppress_author=bool(match.group("minus")))
        found.append(Cluster(match.start(), match.end(), line, source, True, (cite,)))
    return tuple(sorted(found, key=lambda c: c.start))


def find(markdown: str) -> list[Citation]:
    """Every cited work outside code, with its 1-based line number."""
    return [cite for cluster in clusters(markdown) for cite in cluster.cites]


def suggestions(key: str, known: list[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(key, known, n=n, cutoff=0.6)


def renderable(cluster: Cluster, known_keys) -> bool:
    """True if the cluster can be formatted: well formed, and every key is in the .bib."""
    return not cluster.problem and all(k in known_keys for k in cluster.keys)


def check(markdown: str, known_keys, rel_path: str, root: Path | None = None,
          withdrawn: dict[str, str] | None = None) -> list[Problem]:
    """Located problems with the citations of one page (and of the snippets it includes).
    `withdrawn`: key -> where data/withdrawn.yml lists it ("data/withdrawn.yml:12")."""
    known = list(known_keys)
    known_set = set(known)
    problems: list[Problem] = []
    for cluster in clusters(markdown):
        if cluster.problem:
            problems.append(Problem(rel_path, cluster.line, cluster.problem))
            continue
        for cite in cluster.cites:
            if cite.key in known_set:
                continue
            if withdrawn and cite.key in withdrawn:
                problems.append(Problem(rel_path, cite.line, f"citation key '{cite.key}' names a "
                                        f"withdrawn work ({withdrawn[cite.key]}); cite another "
                                        "work, or restore its entry in bibliography.bib and take "
                                        "it off that list"))
                continue
            close = suggestions(cite.key, known)
            hint = f"; did you mean {', '.join(repr(k) for k in close)}?" if close else \
                "; add the work to bibliography.bib or correct the key"
            if cluster.narrative:
                hint += " (write \\@ for an '@' that is not a citation)"
            problems.append(Problem(rel_path, cite.line, f"unknown citation key '{cite.key}'{hint}"))
    problems += bracket_problems(markdown, rel_path) + linked_citations(markdown, rel_path)
    if root is not None:
        problems += snippet_problems(markdown, rel_path, root)
    return problems


_LINK_TEXT_RE = re.compile(r"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(")


def linked_citations(markdown: str, rel_path: str) -> list[Problem]:
    """A citation inside a link's text (`[the study [@key]](https://…)`): the page would hold
    a link inside a link."""
    spans = [(m.start("text"), m.end("text")) for m in _LINK_TEXT_RE.finditer(markdown)]
    return [Problem(rel_path, cluster.line, f"citation {cluster.text} is inside a link's text, "
                    "which would put a link inside a link; move it after the link: "
                    f"[…](…) {cluster.text}")
            for cluster in clusters(markdown)
            if any(start <= cluster.start < end for start, end in spans)]


_OPEN_RE = re.compile(r"\[-?@")


def bracket_problems(markdown: str, rel_path: str) -> list[Problem]:
    """A '[@' that starts no citation: a bracket never closed ('[@key; see the review.'
    would print a narrative citation after a stray '['), or one that names no work ('[@]').
    Links whose text starts with '@' ('[@handle](…)') are not citations."""
    if "[" not in markdown or "@" not in markdown:
        return []
    import bisect

    text = readable(markdown)
    spans = [(c.start, c.end) for c in clusters(markdown) if not c.narrative]
    starts = _line_starts(markdown)
    problems = []
    for match in _OPEN_RE.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        close = text.find("]", match.start())
        paragraph_end = text.find("\n\n", match.start())
        line = bisect.bisect_right(starts, match.start())
        snippet = " ".join(markdown[match.start():match.start() + 40].split())
        if close < 0 or (0 <= paragraph_end < close):
            problems.append(Problem(rel_path, line, f"citation '{snippet}…' is never closed; "
                                    "end it with ']'"))
        elif text[close + 1:close + 2] not in tuple(NOT_AFTER_CLUSTER) + (":",):
            problems.append(Problem(rel_path, line, f"'{markdown[match.start():close + 1]}' "
                                    "names no work; write [@key], or \\@ for an '@' that is not "
                                    "a citation"))
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
        from .sources import read_text  # the one reader: bad bytes are a located problem

        text, found = read_text(target, match.group("path"))
        problems += found
        for cite in find(text or ""):
            problems.append(Problem(rel_path, number,
                                    f"citation {cite.text} comes from the included snippet "
                                    f"'{match.group('path')}' (its line {cite.line}), where it "
                                    "would not be rendered; cite in the page itself"))
    return problems


_ESCAPED_AT_RE = re.compile(r"\\@")


def escaped_ats(markdown: str) -> list[int]:
    """Offsets of every `\\@` outside code (the renderer prints them as a plain '@')."""
    lines = markdown.split("\n")
    for i, in_code in enumerate(code_mask(markdown)):
        if in_code:
            lines[i] = " " * len(lines[i])
    text = CODE_SPAN_RE.sub(_blank, "\n".join(lines))
    return [m.start() for m in _ESCAPED_AT_RE.finditer(text)
            if not (m.start() > 0 and text[m.start() - 1] == "\\")]
