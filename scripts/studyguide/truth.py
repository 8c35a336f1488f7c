"""Truth checks over the guide's own prose: copying, claims about the book, and language.

Three checks, one reading of each page (`check()`):

- **Copying.** An unquoted run of `WINDOW` (8) or more consecutive words that also occurs in the
  publisher's text (blurb, endorsements, author note) or in a cited abstract. The repository does
  not hold those texts: `data/copying-hashes.txt` holds only a hash of each normalised 8-word
  window, made by `scripts/copying_hashes.py`. Quoted text with a citation in the same paragraph
  is allowed, and so are the book's, parts' and chapters' titles (`docs/book/contents.yml`).
- **Claims.** Phrases that present the guide's reading as the book's content ("the chapter
  shows", "Chapter 5 returns to", "the book argues", "evidently", "in the book, Perrin …"). Each
  is reworded or carries `<!-- guide:claim source="publisher" -->` (or `contents`, `book.md`,
  or several: `source="publisher contents"`) naming what supports it. Quotations, indirect
  questions ("ask what the chapter argues") and sentences that call themselves "the guide's
  reading" are not claims about the book.
- **Language.** "prisoner", "inmate", "offender", "lifer" and "ex-con" in the guide's own voice.
  Quotations, link text (titles of cited works), Title-Case italic titles, code, the book's and
  chapters' titles and the names of schemes in `ALLOWED_NAMES` are not its voice;
  `<!-- guide:allow-term -->` covers a deliberate use.

A marker (`<!-- guide:NAME key="value" -->`) covers the line it is on; a marker alone on its line
covers the next line. A marker that covers nothing is reported, so none lingers after a rewording.
Nothing here knows about MkDocs.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


from .citations import clusters
from .mdlines import CODE_SPAN_RE, code_mask, without_code_spans
from .problems import Problem

ROOT = Path(__file__).resolve().parents[2]
HASH_FILE = Path(__file__).resolve().parent / "data" / "copying-hashes.txt"
CONTENTS_FILE = "docs/book/contents.yml"

WINDOW = 8
NORMALISATION = "1"      # bump when normalise() changes; the hash file says which it was made with
HASH_HEX = 16

CLAIM_SOURCES = {
    "publisher": "the publisher's description, endorsements and author note (../shared/source/)",
    "contents": "the book's contents: part and chapter titles (docs/book/contents.yml)",
    "book.md": "the project's record of the book (../shared/research/book.md)",
}

# Names of schemes, organisations and programmes that contain a flagged word. Matched without
# regard to case or to the kind of apostrophe.
ALLOWED_NAMES = [
    "Prisoners' Education Trust",
    "Prisoners' Advice Service",
    "Prisoners Abroad",
    "National Prisoners' Families Helpline",
    "Prisoners' Families Helpline",
    "Prisoner Learning Alliance",
    "National Offender Management Service",
    "Offender Management",
    "Offender Behaviour Programme",
    "Offender Behaviour Programmes",
    "Offender Personality Disorder",
    "Core Sex Offender Treatment Programme",
    "Sex Offender Treatment Programme",
    "Violent and Sex Offender Register",
    "Young Offender Institution",
    "Young Offender Institutions",
    "Young Offenders Institution",
]

TERM_RE = re.compile(r"(?<![\w-])(?:prisoner|inmate|offender|lifer|ex[-\u2010\u2011 ]?con(?:vict)?)s?"
                     r"(?:['\u2019]s?)?(?![\w-])", re.I)
SUGGESTIONS = {
    "prisoner": "people in prison, peers, a man on his wing",
    "inmate": "people in prison",
    "offender": "people with convictions, a person convicted of …",
    "lifer": "people serving life sentences",
    "ex-con": "people with convictions, people released from prison",
}

# Claims: a subject that is the book or one of its chapters, then a verb of content.
_SUBJECT = (r"(?:(?:the|this|that|each|every)\s+chapter|chapters?\s+(?:\d|one|two|three|four|five|six)"
            r"|(?:the|this|that)\s+book(?:['\u2019]s\s+(?:introduction|conclusion|chapters?(?:\s+\d)?))?"
            r"|perrin['\u2019]s\s+book|the\s+(?:introduction|conclusion)|part\s+[1-3])")
_VERB = (r"(?:shows|showed|argues|argued|finds|found|builds\s+on|built\s+on|explores|explored"
         r"|picks\s+up|picked\s+up|demonstrates|demonstrated|reveals|revealed|concludes|concluded"
         r"|contends|establishes|examines|traces|turns|returns\s+to|takes\s+up|asks|answers"
         r"|tests|extends|develops|applies|carries\s+(?:\w+\s+)?forward|discusses|describes|covers)")
CLAIM_RE = re.compile(rf"\b{_SUBJECT}\s+(?:(?:\w+ly|then|also|itself|later|further)\s+)?{_VERB}\b"
                      r"|\bevidently\b|\baccording\s+to\s+the\s+(?:book|chapter)\b"
                      r"|\bin\s+(?:the|this|his)\s+book,?\s+(?:perrin|he)\b", re.I)

MARKER_RE = re.compile(r"<!--\s*guide:(?P<name>[\w-]+)(?P<args>.*?)-->", re.S)
ARG_RE = re.compile(r'(?P<key>[\w-]+)\s*=\s*"(?P<value>[^"]*)"')
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>")
ATTR_LIST_RE = re.compile(r"\{[:#.][^{}\n]*\}")
LINK_RE = re.compile(r"!?\[(?P<text>[^\[\]\n]*)\](?P<target>\([^()\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\[\]\n]*\])")
BARE_URL_RE = re.compile(r"<?https?://[^\s>)]+>?")
ADMONITION_RE = re.compile(r'^(?P<head>[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*)'
                           r'(?:(?P<open>[ \t]+")(?P<title>[^"\n]*)(?P<close>"))?[ \t]*$', re.M)
BLOCK_START_RE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|[-*+][ \t]|\d+[.)][ \t]|>|\||!!!|\?\?\?|<)")
BLOCKQUOTE_RE = re.compile(r"^[ \t]*>")
HEAD_RE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|!!!|\?\?\?)")  # the next line starts a new segment
ITALIC_RE = re.compile(r"(?<![*\w])(\*|_)(?P<text>[^*_\n]+?)\1(?![*\w])")
QUOTE_RES = [
    re.compile(r"\u201c[^\u201c\u201d]*\u201d"),                          # “…”
    re.compile(r'"[^"]*"'),                                               # "…"
    re.compile(r"(?<![\w\u2019'])\u2018(?:[^\u2019]|\u2019(?=\w))*\u2019(?!\w)"),  # ‘…’
    re.compile(r"(?<![\w'\u2019])'(?:[^'\n]|'(?=\w))*'(?!\w)"),           # '…'
]
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
APOSTROPHES = "\u2018\u2019\u201b\u02bc\u2032`\u00b4"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
BREAK = "\x00"   # stands in for masked text that no window may span
TRANSLATE = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in DASHES}})


# --------------------------------------------------------------------------- normalisation

def normalise(text: str) -> list[str]:
    """The words of `text` as the copying check compares them: Unicode NFKC, case-folded,
    every kind of apostrophe and dash unified, punctuation dropped. An apostrophe inside a word
    joins its parts ("It’s" -> "its"); a hyphen or dash separates words ("drip-by-drip" ->
    "drip by drip", "one-another" -> "one another")."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(TRANSLATE)
    return [word.replace("'", "") for word in WORD_RE.findall(text)]


def window_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:HASH_HEX]


def windows(words: list[str], size: int = WINDOW) -> Iterator[list[str]]:
    for start in range(len(words) - size + 1):
        yield words[start:start + size]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks: no window of a source text spans two of them."""
    return [block for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if block.strip()]


def text_hashes(text: str) -> set[str]:
    return {window_hash(w) for block in paragraphs(text) for w in windows(normalise(block))}


def title_phrases(contents: dict) -> list[str]:
    """The book's title and subtitle, and each part's and chapter's title with and without its
    label ("Chapter 3", "Part 2"): text anyone may repeat."""
    book = contents.get("book", {})
    phrases = [book.get("title", ""), book.get("subtitle", ""),
               f"{book.get('title', '')}: {book.get('subtitle', '')}"]
    for part in contents.get("parts", []):
        phrases += [part["title"], f"Part {part['part']} {part['title']}"]
    for chapter in contents.get("chapters", []):
        phrases += [chapter["title"], f"{chapter['label']} {chapter['title']}"]
    return [p for p in phrases if p.strip()]


def title_hashes(contents: dict) -> set[str]:
    return {window_hash(w) for phrase in title_phrases(contents) for w in windows(normalise(phrase))}


def load_contents(root: Path = ROOT) -> dict:
    """The book's contents as read by the one loader (its own check reports a bad file)."""
    from .sources import load_contents as read_contents

    return read_contents(Path(root))[0] or {}


# --------------------------------------------------------------------------- the hash file

@dataclass
class Hashes:
    """What the copying check compares with: window hash -> labels of the texts it occurs in."""
    windows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)   # label -> description
    problems: list[Problem] = field(default_factory=list)

    def describe(self, label: str) -> str:
        """The source's name for messages: its header line up to ' | ', where the files are named."""
        return self.sources.get(label, label).split(" | ")[0]


HEADER_RE = re.compile(r"^#\s*(?P<key>[\w-]+)(?:\s+(?P<label>[\w.:-]+))?\s*:\s*(?P<value>.*)$")
ROW_RE = re.compile(rf"^(?P<hash>[0-9a-f]{{{HASH_HEX}}})\s+(?P<labels>[\w.:-]+(?:,[\w.:-]+)*)$")


def load_hashes(path: Path = HASH_FILE, rel: str | None = None) -> Hashes:
    """Read a hash file made by scripts/copying_hashes.py; bad lines are located problems."""
    path = Path(path)
    rel = rel or _rel(path)
    found = Hashes()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        found.problems.append(Problem(rel, 1, f"cannot read the copying hashes ({err}); run "
                                      "scripts/copying_hashes.py to make them"))
        return found
    settings: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            header = HEADER_RE.match(line)
            if header and header.group("key") == "source" and header.group("label"):
                found.sources[header.group("label")] = header.group("value").strip()
            elif header and not header.group("label"):
                settings.setdefault(header.group("key"), header.group("value").strip())
            continue
        row = ROW_RE.match(line)
        if not row:
            found.problems.append(Problem(rel, number, f"not a hash line ({line[:40]!r}); each "
                                          "line is 16 hex digits and a label; regenerate the file "
                                          "with scripts/copying_hashes.py"))
            continue
        labels = tuple(row.group("labels").split(","))
        unknown = [label for label in labels if label not in found.sources]
        if unknown:
            found.problems.append(Problem(rel, number, f"label {unknown[0]!r} has no '# source "
                                          f"{unknown[0]}: …' line in the header; regenerate the file"))
        found.windows[row.group("hash")] = labels
    for key, want in (("window", str(WINDOW)), ("normalisation", NORMALISATION)):
        if settings.get(key) != want:
            found.problems.append(Problem(rel, 1, f"header says {key}: {settings.get(key)!r} but the "
                                          f"check uses {want}; regenerate the file with "
                                          "scripts/copying_hashes.py"))
    return found


def hash_file_text(sources: list[tuple[str, str, str]], contents: dict, made_from: str,
                   contents_name: str = CONTENTS_FILE, kept: Hashes | None = None) -> str:
    """The hash file for (label, description, text) sources, without the windows of the titles.
    `kept` carries over the hashes and header lines of earlier sources whose texts are not given
    this time (an abstract read once, say), so that regenerating never silently drops them."""
    allowed = title_hashes(contents)
    rows: dict[str, list[str]] = {}
    carried = [label for label in (kept.sources if kept else {}) if label not in
               {label for label, _, _ in sources}]
    for digest, labels in (kept.windows.items() if kept else []):
        for label in labels:
            if label in carried and digest not in allowed:
                rows.setdefault(digest, []).append(label)
    for label, _, text in sources:
        for digest in sorted(text_hashes(text) - allowed):
            if label not in rows.setdefault(digest, []):
                rows[digest].append(label)
    header = [
        "# Hashes of the normalised 8-word windows of the texts the copying check compares pages",
        "# with (studyguide/truth.py). The texts themselves are not in the repository. Made by",
        f"# {made_from}; do not edit by hand.",
        f"# window: {WINDOW}",
        f"# normalisation: {NORMALISATION}",
        "# hash: first 16 hex digits of SHA-256 of the window's words joined by single spaces",
        f"# titles-excluded: windows inside the book's, parts' and chapters' titles ({contents_name})",
    ]
    header += [f"# source {label}: {description}" for label, description, _ in sources]
    header += [f"# source {label}: {kept.sources[label]}" for label in carried]
    body = [f"{digest} {','.join(sorted(labels))}" for digest, labels in sorted(rows.items())]
    return "\n".join(header + body) + "\n"


# --------------------------------------------------------------------------- reading a page

@dataclass
class Segment:
    """A paragraph, list item, heading, table row or blockquote: windows never span two."""
    text: str                 # the lines joined by "\n", Markdown syntax blanked, same offsets
    line_starts: list[int]    # offset of each line in `text`
    first_line: int           # file line of the first line
    blockquote: bool
    cited: bool               # holds a citation (or, for a blockquote, is followed by one)
    quotes: list[tuple[int, int]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)    # link text spans
    italics: list[tuple[int, int]] = field(default_factory=list)  # title-like italic spans

    def line_at(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.line_starts, offset) - 1


@dataclass(frozen=True, eq=False)   # each marker is itself: counted once when used
class Marker:
    name: str
    args: dict[str, str]
    line: int          # the file line it is on
    covers: int        # the file line it applies to


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _segments(body: str, first_line: int) -> tuple[list[Segment], list[Marker]]:
    lines = body.split("\n")
    mask = code_mask(body)
    markers: list[Marker] = []
    groups: list[list[tuple[int, str]]] = []
    previous_blank, previous_quote, previous_head = True, False, False
    for index, (line, in_code) in enumerate(zip(lines, mask)):
        number = first_line + index
        if in_code or not line.strip():
            previous_blank = True
            continue
        for found in MARKER_RE.finditer(without_code_spans(line)):   # not a marker shown as code
            alone = not COMMENT_RE.sub("", line).strip()
            markers.append(Marker(found.group("name"), dict(
                (a.group("key"), a.group("value")) for a in ARG_RE.finditer(found.group("args"))),
                number, number + 1 if alone else number))
        quote = bool(BLOCKQUOTE_RE.match(line))
        if previous_blank or previous_head or quote != previous_quote \
                or (BLOCK_START_RE.match(line) and not quote):
            groups.append([])
        groups[-1].append((number, line))
        previous_blank, previous_quote = False, quote
        previous_head = bool(HEAD_RE.match(line))
    segments = [_segment(group) for group in groups]
    for index, segment in enumerate(segments):
        if segment.blockquote and not segment.cited and index + 1 < len(segments):
            following = segments[index + 1]   # an attribution line, at most one blank line on
            segment.cited = following.cited and following.first_line <= \
                segment.first_line + len(segment.line_starts) + 1
    return segments, markers


def _segment(group: list[tuple[int, str]]) -> Segment:
    raw = "\n".join(line for _, line in group)
    starts = [0]
    for _, line in group[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    text = CODE_SPAN_RE.sub(lambda m: re.sub(r"[^\n]", BREAK, m.group(0)), raw)
    text = COMMENT_RE.sub(_blank, text)
    found = clusters(text)  # bracketed and narrative citations, as the renderer reads them
    cited = bool(found)
    for cluster in reversed(found):
        text = text[:cluster.start] + re.sub(r"[^\n]", " ", text[cluster.start:cluster.end]) \
            + text[cluster.end:]
    text = ATTR_LIST_RE.sub(_blank, text)
    text = TAG_RE.sub(_blank, text)
    text = ADMONITION_RE.sub(lambda m: " " * len(m.group("head")) + (
        " " * len(m.group("open")) + m.group("title") + " " if m.group("title") is not None else ""), text)
    links: list[tuple[int, int]] = []

    def link(match: re.Match) -> str:
        links.append((match.start("text"), match.end("text")))
        return " " * (match.start("text") - match.start()) + match.group("text") + \
            " " * (match.end() - match.end("text"))

    text = LINK_RE.sub(link, text)
    text = BARE_URL_RE.sub(_blank, text)
    text = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", _blank, text)
    quotes = sorted({(m.start(), m.end()) for pattern in QUOTE_RES for m in pattern.finditer(text)})
    italics = [(m.start(), m.end()) for m in ITALIC_RE.finditer(text) if _title_like(m.group("text"))]
    return Segment(text, starts, group[0][0], bool(BLOCKQUOTE_RE.match(group[0][1])), cited,
                   quotes, links, italics)


HEDGE_RE = re.compile(r"\b(?:this|the)\s+guide['\u2019]s\s+(?:own\s+)?reading\b", re.I)
BE_WORDS = {"is", "was", "are", "were", "exactly", "precisely", "just", "that's", "this"}


def _not_a_claim(text: str, match: re.Match) -> bool:
    """An indirect question ("ask what the book argues") or a sentence that calls itself the
    guide's reading ("In the guide's reading, Chapter 2 takes up …") states nothing as the book's."""
    before = [w.lower() for w in re.findall(r"[\w']+", text[max(0, match.start() - 40):match.start()])]
    if before and (before[-1] == "whether" or before[-2:] in (["how", "far"], ["how", "much"])
                   or before[-1] == "what" and (len(before) < 2 or before[-2] not in BE_WORDS)):
        return True   # "summarise what the chapter argues", not "this is what the chapter argues"
    starts = [m.end() for m in re.finditer(r"[.!?][\"\u201d\u2019)]*\s", text[:match.start()])]
    end = re.search(r"[.!?][\"\u201d\u2019)]*(?:\s|$)", text[match.end():])
    sentence = text[starts[-1] if starts else 0:match.end() + (end.end() if end else len(text))]
    return bool(HEDGE_RE.search(sentence))


def _title_like(text: str) -> bool:
    """An italic span that reads as the title of a work: two or more words, the first capitalised,
    no sentence break inside."""
    words = text.split()
    return len(words) >= 2 and words[0][:1].isupper() and not re.search(r"[.!?]\s", text)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = BREAK
    return "".join(chars)


def _title_spans(text: str, titles: list[str]) -> list[tuple[int, int]]:
    folded = text.translate(TRANSLATE).lower()
    spans = []
    for title in titles:
        needle = title.translate(TRANSLATE).lower()
        start = folded.find(needle)
        while needle and start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    return spans


def _excerpt(text: str, limit: int = 70) -> str:
    text = " ".join(text.replace(BREAK, " ").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# --------------------------------------------------------------------------- the checks

def check(pages: Iterable[tuple[str, str, int]], hashes: Hashes | None = None,
          contents: dict | None = None) -> list[Problem]:
    """Copying, claim and language problems of each (repo-relative path, Markdown body, file line
    of the body's first line); front matter is the caller's to leave out."""
    hashes = load_hashes() if hashes is None else hashes
    contents = load_contents() if contents is None else contents
    allowed = title_hashes(contents)
    titles = sorted(set(title_phrases(contents)), key=len, reverse=True)
    problems = list(hashes.problems)
    for rel, body, first_line in pages:
        segments, markers = _segments(body, first_line)
        found = _copying(rel, segments, hashes, allowed) + _flagged(rel, segments, markers, titles)
        problems += sorted(found, key=lambda p: p.line)
    return problems


def _copying(rel: str, segments: list[Segment], hashes: Hashes, allowed: set[str]) -> list[Problem]:
    problems = []
    for segment in segments:
        quoted = [] if segment.blockquote else segment.quotes
        if segment.blockquote:
            quoted = [(0, len(segment.text))]
        text = _masked(segment.text, quoted) if segment.cited else segment.text
        tokens: list[tuple[int, int, str]] = []   # (start, end, word) of one unbroken run
        runs: list[list[tuple[int, int, str]]] = []
        last_end = 0
        for match in WORD_RE.finditer(text.translate(TRANSLATE)):
            if BREAK in text[last_end:match.start()] and tokens:
                runs.append(tokens)
                tokens = []
            tokens += [(match.start(), match.end(), word) for word in normalise(match.group(0))]
            last_end = match.end()
        runs.append(tokens)
        for run in runs:
            problems += _copied_runs(rel, segment, run, quoted, hashes, allowed)
    return problems


def _copied_runs(rel, segment, run, quoted, hashes, allowed) -> list[Problem]:
    hits = []
    for start in range(len(run) - WINDOW + 1):
        digest = window_hash([word for _, _, word in run[start:start + WINDOW]])
        if digest in hashes.windows and digest not in allowed:
            hits.append((start, hashes.windows[digest]))
    problems = []
    index = 0
    while index < len(hits):
        first, labels = hits[index]
        last = first
        while index + 1 < len(hits) and hits[index + 1][0] <= last + WINDOW:
            index += 1
            last = hits[index][0]
        index += 1
        begin, end = run[first][0], run[last + WINDOW - 1][1]
        count = last + WINDOW - first
        source = hashes.describe(labels[0])
        excerpt = _excerpt(segment.text[begin:end])
        if _inside(begin, quoted) or _inside(end - 1, quoted):
            message = (f"{count} words quoted from {source} without a citation (\"{excerpt}\"); "
                       "cite the source in the same paragraph, or reword it")
        else:
            message = (f"{count} words copied from {source}, unquoted (\"{excerpt}\"); reword it, "
                       "or quote it and cite the source")
        problems.append(Problem(rel, segment.line_at(begin), message))
    return problems


def _flagged(rel: str, segments: list[Segment], markers: list[Marker], titles: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    covered: dict[str, dict[int, list[Marker]]] = {"claim": {}, "allow-term": {}}
    for marker in markers:
        if marker.name not in covered:
            continue
        if marker.name == "claim":
            sources = marker.args.get("source", "").replace(",", " ").split()
            unknown = [s for s in sources if s not in CLAIM_SOURCES]
            if not sources or unknown:
                what = f"source {unknown[0]!r} is not known" if unknown else "it names no source"
                problems.append(Problem(rel, marker.line, f"<!-- guide:claim --> marker: {what}; "
                                        f"write source=\"…\" with one of: {', '.join(sorted(CLAIM_SOURCES))}"))
                continue
        covered[marker.name].setdefault(marker.covers, []).append(marker)
    used: set[Marker] = set()
    for segment in segments:
        prose = _masked(segment.text, segment.quotes + _title_spans(segment.text, titles)
                        if not segment.blockquote else [(0, len(segment.text))])
        for match in CLAIM_RE.finditer(prose):
            number = segment.line_at(match.start())
            marks = covered["claim"].get(number)
            if marks:
                used.update(marks)
                continue
            if _not_a_claim(prose, match):
                continue
            phrase = " ".join(match.group(0).split())
            what = ("presents an inference as the book's content" if phrase.lower() == "evidently"
                    else "presents the guide's reading as the book's content")
            problems.append(Problem(rel, number, f"\"{phrase}\" {what}; reword it, quote and cite "
                                    "it, or add <!-- guide:claim source=\"publisher\" --> (or "
                                    "contents, book.md) naming what supports it"))
        voice = _masked(prose, segment.links + segment.italics
                        + _title_spans(segment.text, ALLOWED_NAMES))
        for match in TERM_RE.finditer(voice):
            number = segment.line_at(match.start())
            marks = covered["allow-term"].get(number)
            if marks:
                used.update(marks)
                continue
            word = match.group(0)
            stem = next((k for k in SUGGESTIONS if word.lower().startswith(k)), "ex-con")
            problems.append(Problem(rel, number, f"\"{word}\" in the guide's own voice is not "
                                    f"person-first (try: {SUGGESTIONS.get(stem, 'people in prison')}); "
                                    "reword it, quote and cite it, or add <!-- guide:allow-term --> "
                                    "for a deliberate use"))
    for name, lines in covered.items():
        for marker in (m for marks in lines.values() for m in marks):
            if marker not in used:
                problems.append(Problem(rel, marker.line, f"<!-- guide:{name} --> marks nothing "
                                        "on its line; remove it, or put it on the line it is for"))
    return problems


# --------------------------------------------------------------------------- pages of the site

PROSE_FIELDS = ("title", "description")


def page_texts(pages) -> list[tuple[str, str, int]]:
    """(path, text, first line) of every page's body, plus one entry per prose field of its
    front matter (`title`, `description`, further reading `why`), whose text readers see too.
    A marker cannot go in front matter: reword there. `pages` are sources.Page records."""
    found = []
    for page in pages:
        for name in PROSE_FIELDS:
            if isinstance(page.meta.get(name), str):
                found.append((page.rel, page.meta[name], page.line_of(name)))
        reading = page.meta.get("further_reading")
        for index, item in enumerate(reading if isinstance(reading, list) else []):
            if isinstance(item, dict) and isinstance(item.get("why"), str):
                found.append((page.rel, item["why"], page.line_of("further_reading", index, "why")))
        found.append((page.rel, page.body, page.body_line))
    return found


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
