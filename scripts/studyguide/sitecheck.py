"""Checks over the built HTML of a page or of the whole site: leaked source syntax, internal
links and anchors, seminar question numbering. (Fixes to the theme's HTML are in themefix.py.)"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape
from os.path import commonprefix

from .mdlines import prose_lines, without_code_spans
from .problems import Problem

# Source syntax that must never reach a reader.
LEAKS = ["[@", "[^", "{#", "\\bibliography", "{{", "{%"]
_CODE_RE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")
# A Markdown link or image left as text (in an HTML block without the markdown attribute).
_MD_LINK_RE = re.compile(r"!?\[[^\[\]\n]*\]\([^()\s]+\)")


def visible_text(html: str) -> str:
    return _TAG_RE.sub(" ", _CODE_RE.sub(" ", html))


def _source_line(token: str, body: str | None, body_line: int) -> int | None:
    """The file line of the first occurrence of `token` outside code in a page's source."""
    if body is None:
        return None
    for number, line in prose_lines(body, body_line):
        if token in without_code_spans(line):
            return number
    return None


def conversion_problem(error: Exception, rel_path: str, source: str | None = None,
                       body_line: int = 1) -> Problem | None:
    """A page Markdown could not convert, as a located problem (None for an error that is not
    the page's fault): nesting deeper than the converter can follow (at the page's most
    indented line), or an included snippet that does not exist (at its `--8<--` line)."""
    if isinstance(error, RecursionError):
        lines = prose_lines(source, body_line) if source is not None else []
        deepest = max(lines, key=lambda item: len(item[1]) - len(item[1].lstrip()),
                      default=(1, ""))
        return Problem(rel_path, deepest[0], "lists or blocks are nested too deeply to convert; "
                       "flatten the deepest nesting (the line here is the most indented)")
    if type(error).__name__ == "SnippetMissingError":
        line = _source_line("--8<--", source, body_line) or 1
        return Problem(rel_path, line, f"{error}; correct the snippet's path or remove the "
                       "include")
    return None


def _marker_line(made: list[tuple[int, str]], source: str | None, body_line: int, text: str,
                 at: int) -> int | None:
    """Of the markers (line, text it was replaced with) that made the text leaked at `at`, the
    one whose source line reads like the page on either side of it: the longest run of the
    same text before the marker and after it."""
    if len(made) < 2 or source is None:
        return made[0][0] if made else None
    rows = source.split("\n")

    def flat(value: str) -> str:
        return " ".join(re.sub(r"<[^>]*>", " ", value).split())

    def alike(candidate: tuple[int, str]) -> int:
        number, replaced = candidate
        start = text.find(replaced, max(0, at - len(replaced)))
        start = at if start < 0 else start
        row = rows[number - body_line] if 0 <= number - body_line < len(rows) else ""
        left, _, right = row.partition("<!--")
        right = right.partition("-->")[2]
        before = flat(text[max(0, start - 80): start])
        after = flat(text[start + len(replaced): start + len(replaced) + 80])
        return (len(commonprefix([flat(left)[::-1], before[::-1]]))
                + len(commonprefix([flat(right), after])))

    return max(made, key=alike)[0]  # the first of equals


def leaked_syntax(html: str, rel_path: str, source: str | None = None,
                  body_line: int = 1, generated: Sequence[tuple[int, str]] = ()) -> list[Problem]:
    """Raw Markdown, citation or template syntax left in a built page (code excepted), located
    at the source line where the token stands, or at the marker whose text holds it
    (`generated`: each marker's line and what it was replaced with), or named as generated."""
    problems = []
    text = visible_text(html)
    for token in LEAKS:
        at = text.find(token)
        if at >= 0:
            context = " ".join(text[max(0, at - 30): at + 40].split())
            line = _source_line(token, source, body_line)
            where = "" if line else " (generated; no source line has it)"
            problems.append(Problem(rel_path, line or 1, f"built page shows raw '{token}'{where} "
                                    f"(near \"{context}\"); fix the source syntax"))
    link = _MD_LINK_RE.search(text)
    if link:  # Markdown inside an HTML block that is not marked for it is left as text
        written = unescape(link.group(0))
        line = _source_line(written, source, body_line) or _marker_line(
            [(number, made) for number, made in generated if written in made], source,
            body_line, text, link.start())
        where = "" if line else " (generated; no source line has it)"
        problems.append(Problem(rel_path, line or 1, f"built page shows the Markdown link "
                                f"'{written}' as text{where}: Markdown inside an HTML block is "
                                "not converted; mark the block's opening tag with markdown "
                                "(<div markdown>), or move this out of the block"))
    return problems


# --- Internal links of the built site -----------------------------------------------------------

from pathlib import Path  # noqa: E402
from urllib.parse import unquote, urljoin, urlsplit  # noqa: E402

from lxml import etree  # noqa: E402

_LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src",
               "iframe": "src", "area": "href"}


@dataclass
class ParsedPage:
    links: list[tuple[str, int]] = field(default_factory=list)   # (href or src, line)
    ids: set[str] = field(default_factory=set)


def parse_page(html: str) -> ParsedPage:
    """Links and ids of one built page, in a single pass of lxml's HTML parser."""
    parsed = ParsedPage()
    if not html.strip():
        return parsed
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    if root is None:
        return parsed
    for element in root.iter(etree.Element):
        tag = element.tag
        get = element.get
        if get("id"):
            parsed.ids.add(get("id"))
        if tag == "a" and get("name"):
            parsed.ids.add(get("name"))
        attr = _LINK_ATTRS.get(tag)
        if attr and get(attr) is not None:
            if tag == "link" and get("rel") in ("canonical", "alternate"):
                continue  # absolute by design; they name the public address
            parsed.links.append((get(attr), element.sourceline or 1))
    return parsed


def _check_page(rel: str, links: list[tuple[str, int]], ids: dict[str, set[str]],
                files: set[str], site_name: str, base_path: str,
                source: str) -> list[Problem]:
    """The broken links of one built page (`rel`, site-relative), given every built file and
    every HTML file's ids."""
    shown = f"{site_name}/{rel}"
    page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    problems: list[Problem] = []
    for link, line in links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
            continue
        absolute = urlsplit(urljoin(page_url, link))
        path = unquote(absolute.path)
        if not path.startswith(base_path):
            problems.append(Problem(shown, line, f"link '{link}' leaves the site's path "
                                    f"{base_path}; make it relative{source}"))
            continue
        target = path[len(base_path):].lstrip("/")
        if target == "" or target.endswith("/"):
            target += "index.html"
        elif target not in files:
            target += "/index.html"  # a folder's address without its slash
        if target not in files:
            problems.append(Problem(shown, line, f"broken link '{link}': nothing at "
                                    f"{path}; correct the link{source}"))
            continue
        if absolute.fragment and target.endswith(".html"):
            if unquote(absolute.fragment) not in ids.get(target, ()):
                problems.append(Problem(shown, line, f"broken anchor '{link}': no id "
                                        f"'{absolute.fragment}' in {target}; correct "
                                        f"the link or the id it points to{source}"))
    return problems


CACHE_VERSION = 1


def _is_cached_page(page) -> bool:
    """One page of the cache as check_links writes it."""
    return (isinstance(page, dict) and isinstance(page.get("digest"), str)
            and isinstance(page.get("ids"), list) and all(isinstance(i, str) for i in page["ids"])
            and isinstance(page.get("links"), list)
            and all(isinstance(link, list) and len(link) == 2 and isinstance(link[0], str)
                    and isinstance(link[1], int) for link in page["links"])
            and isinstance(page.get("source"), str)
            and isinstance(page.get("problems"), list)
            and all(isinstance(p, list) and len(p) == 3 and isinstance(p[0], str)
                    and isinstance(p[1], int) and isinstance(p[2], str) for p in page["problems"]))


def _read_cache(cache_file: Path | None) -> dict:
    """The link check's last results, {"fingerprint": ..., "pages": {rel: page}}; a missing,
    unreadable or damaged file, or a page in it of another shape, counts as not checked."""
    empty = {"fingerprint": None, "pages": {}}
    if cache_file is None or not cache_file.is_file():
        return empty
    try:
        old = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(old, dict) or old.get("version") != CACHE_VERSION \
            or not isinstance(old.get("pages"), dict):
        return empty
    return {"fingerprint": old.get("fingerprint"),
            "pages": {rel: page for rel, page in old["pages"].items() if _is_cached_page(page)}}


def check_links(site_dir: Path, base_path: str = "/",
                sources: dict[str, str] | None = None,
                cache_file: Path | None = None) -> list[Problem]:
    """Every internal href/src/#anchor of every built page, as served under `base_path`.

    Problems name the built file and line (`site/…:line`) and, where `sources` maps the built
    file (site-relative) to its source, the source page beside it. External links are not
    followed here.

    With `cache_file`, a page whose bytes are unchanged is not parsed again, and its links are
    not checked again unless some file, id or the base path changed: the result is the same as
    without the cache.
    """
    site_dir = Path(site_dir)
    sources = sources or {}
    old = _read_cache(cache_file)
    old_pages = old["pages"]
    files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    pages: dict[str, dict] = {}
    for rel in sorted(f for f in files if f.endswith(".html")):
        data = (site_dir / rel).read_bytes()
        digest = hashlib.sha1(data).hexdigest()
        cached = old_pages.get(rel)
        if cached and cached["digest"] == digest:
            pages[rel] = {"digest": digest, "ids": cached["ids"], "links": cached["links"]}
        else:
            parsed = parse_page(data.decode("utf-8"))
            pages[rel] = {"digest": digest, "ids": sorted(parsed.ids),
                          "links": [list(link) for link in parsed.links]}
    ids = {rel: set(page["ids"]) for rel, page in pages.items()}
    fingerprint = hashlib.sha1(json.dumps(
        [base_path, site_dir.name, sorted(files), [[rel, page["ids"]] for rel, page in pages.items()]]
    ).encode("utf-8")).hexdigest()
    same_targets = old["fingerprint"] == fingerprint
    problems: list[Problem] = []
    for rel, page in pages.items():
        source = f" (from {sources[rel]})" if rel in sources else " (a generated page)"
        cached = old_pages.get(rel)
        if (same_targets and cached and cached["digest"] == page["digest"]
                and cached["source"] == source):
            found = [Problem(*item) for item in cached["problems"]]
        else:
            found = _check_page(rel, [tuple(link) for link in page["links"]], ids, files,
                                site_dir.name, base_path, source)
        page["source"] = source
        page["problems"] = [[p.file, p.line, p.message] for p in found]
        problems += found
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps({"version": CACHE_VERSION, "fingerprint": fingerprint,
                                          "pages": pages}), encoding="utf-8")
    return problems


# --- Seminar question numbering -----------------------------------------------------------------

_QUESTION_ID_RE = re.compile(r"-q(\d+)$")


def question_numbering(html: str, rel_path: str, lines: dict[str, int] | None = None) -> list[Problem]:
    """Each question anchor is a direct item of the top-level list of its section, and the number
    a reader sees is the number in its id (an indented note can pull the next question into a
    sub-list, so that "question 8" means two different questions). `lines` maps ids to source
    lines."""
    lines = lines or {}
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser(encoding="utf-8")) \
        if html.strip() else None
    problems: list[Problem] = []
    for anchor in [] if root is None else root.iter("span"):
        if "question-anchor" not in (anchor.get("class") or "").split():
            continue
        qid = anchor.get("id") or ""
        match = _QUESTION_ID_RE.search(qid)
        item = next((a for a in anchor.iterancestors("li")), None)
        line = lines.get(qid, 1)
        if match is None or item is None:
            problems.append(Problem(rel_path, line, f"question {qid} is not a numbered list item; "
                                    "write it as 'N. {#id} text'"))
            continue
        parent = item.getparent()
        nested = next((a for a in parent.iterancestors("li", "ol", "ul")), None) is not None
        position = int(parent.get("start") or 1) + [c for c in parent if c.tag == "li"].index(item)
        if parent.tag != "ol" or nested:
            problems.append(Problem(rel_path, line, f"question {qid} is shown inside another list "
                                    "item (an indented block above it is not closed); put a blank "
                                    "line and no indentation before it"))
        elif position != int(match.group(1)):
            problems.append(Problem(rel_path, line, f"question {qid} is shown as number {position}; "
                                    "the number a reader sees must match its id"))
    return problems
