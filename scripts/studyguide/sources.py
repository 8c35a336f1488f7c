"""Reading the sources, once: every page under docs/, the book's contents and the nav.

Every read goes through `read_text()`, which turns a missing file or bytes that are not UTF-8 into
a located problem, and `parse_page()`, which reads front matter as MkDocs does and turns bad YAML
into a located problem, keeping the line of every front-matter item (PyYAML's node marks) so
that later checks can point at the item itself. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem

CONTENTS_FILE = "docs/book/contents.yml"
CONFIG_FILE = "mkdocs.yml"

# The front-matter block as MkDocs reads it (mkdocs/utils/meta.py).
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*\n", re.S)


# --- Records --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Chapter:
    """One chapter of the book, from docs/book/contents.yml: the only place these are written."""

    value: str          # the front-matter value: "introduction", "1" … "6", "conclusion"
    order: int          # 0 for the Introduction, in book order
    label: str          # "Chapter 3", "Introduction"
    title: str          # exactly as the publisher prints it
    page: str           # docs-relative source, e.g. chapters/chapter-3.md
    part: int | None = None

    @property
    def prefix(self) -> str:
        """Seminar-question id prefix: intro, ch1 … ch6, concl."""
        return {"introduction": "intro", "conclusion": "concl"}.get(self.value, f"ch{self.value}")

    @property
    def slug(self) -> str:
        """The chapter's value in addresses and filters: intro, 1 … 6, concl."""
        return {"introduction": "intro", "conclusion": "concl"}.get(self.value, self.value)

    @property
    def stem(self) -> str:
        return Path(self.page).stem

    @property
    def heading(self) -> str:
        """The label and the exact title: "Chapter 3: Cultivating …"."""
        return f"{self.label}: {self.title}"


@dataclass
class Page:
    """A Markdown page: its front matter (with the line of each item) and its body."""

    path: Path
    rel: str                 # repository-relative, e.g. docs/chapters/chapter-1.md
    meta: dict
    body: str
    body_line: int           # line number (1-based) of the body's first line in the file
    meta_lines: dict[str, int] = field(default_factory=dict)  # "key", "key.0", "key.0.why" -> line
    chapter: Chapter | None = None  # set by the loader for the page the contents name

    @property
    def src(self) -> str:
        """docs-relative source path, as MkDocs names it (chapters/chapter-1.md)."""
        return self.rel[len("docs/"):] if self.rel.startswith("docs/") else self.rel

    @property
    def is_chapter(self) -> bool:
        return "chapter" in self.meta

    @property
    def chapter_id(self) -> str:
        """Question-id prefix: ch1…ch6, intro, concl."""
        if self.chapter is not None:
            return self.chapter.prefix
        chapter = self.meta.get("chapter")
        return {"introduction": "intro", "conclusion": "concl"}.get(str(chapter), f"ch{chapter}")

    def line_of(self, *path) -> int:
        """The file line of a front-matter item (`line_of("further_reading", 2, "why")`),
        falling back to its parent, then to the first line."""
        parts = [str(p) for p in path]
        while parts:
            line = self.meta_lines.get(".".join(parts))
            if line:
                return line
            parts.pop()
        return 1

    @property
    def title(self) -> str:
        if self.meta.get("title"):
            return str(self.meta["title"])
        match = re.search(r"^#\s+(.+)$", self.body, re.M)
        return match.group(1).strip() if match else self.src


# --- Reading files --------------------------------------------------------------------------------

# Characters no source needs and an editor hides: C0 controls other than tab and line ends,
# DEL, C1 controls, the bidirectional overrides and isolates that reorder what a reader sees,
# and the zero-width space, joiners and word joiner, which split a word for search and for
# the checks while looking whole (a byte-order mark is allowed only at the start).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                        "\u200b-\u200d\u2060\ufeff]")


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """A text file as str with '\\n' line ends (as MkDocs reads it), or None and a located
    problem (missing, unreadable, not UTF-8, or holding a hidden control character)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(rel, 1, "file not found; create it or correct the reference to it")]
    except OSError as err:
        return None, [Problem(rel, 1, f"cannot read the file ({err.strerror}); check its "
                              "permissions")]
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [Problem(rel, line, f"byte 0x{data[err.start]:02x} at column {column} is "
                              "not UTF-8; save the file as UTF-8 (retype the character)")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_RE.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        return None, [Problem(rel, line, f"an invisible control character (U+{ord(control.group()):04X}) "
                              f"at column {column}; delete it (most editors do not show it)")]
    return text, []


class _Repeated(Exception):
    """A YAML node met twice (an alias), or a mapping key given twice."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _node_lines(node, prefix: str, first_line: int, out: dict[str, int], seen: set[int]) -> None:
    """Record the line of every mapping key and sequence item under `node`. An alias (a node
    met again) and a key given twice raise _Repeated: YAML would silently keep the last of two
    keys, and an alias can stand for a structure far larger than the file."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen:
            raise _Repeated(node.start_mark.line + first_line,
                            "an anchor (&name) used again through an alias (*name); the guide's "
                            "files write every value out, so replace the alias with the value")
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + first_line
                if key_node.value in keys:
                    raise _Repeated(line, f"'{key_node.value}' is given twice (also at line "
                                    f"{keys[key_node.value]}), and only the last would be kept; "
                                    "keep one")
                keys[key_node.value] = line
                name = f"{prefix}{key_node.value}"
                out.setdefault(name, line)
                _node_lines(value_node, name + ".", first_line, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}{index}"
            out.setdefault(name, item.start_mark.line + first_line)
            _node_lines(item, name + ".", first_line, out, seen)


# libyaml's parser when PyYAML has it (the wheels do): the same data, nodes and marks, faster.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, rel: str, first_line: int = 1, loader=FAST_LOADER):
    """YAML with the line of every item, or a located problem. Returns (data, lines, problems)."""
    lines: dict[str, int] = {}
    try:  # one parse: the node tree gives the lines, the same tree gives the data
        reader = loader(text)
        try:
            node = reader.get_single_node()
            if node is not None:
                _node_lines(node, "", first_line, lines, set())
            data = reader.construct_document(node) if node is not None else None
        finally:
            reader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(err, "problem", None) or str(err).split("\n")[0]
        return None, {}, [Problem(rel, line, f"not valid YAML ({problem}); quote values that "
                                  "contain ':' or quotes, and indent lists consistently")]
    except _Repeated as err:
        return None, {}, [Problem(rel, err.line, err.message)]
    except RecursionError:
        return None, {}, [Problem(rel, first_line, "nested too deeply to read; flatten the "
                                  "structure")]
    return data, lines, []


def parse_page(text: str, path: Path, rel: str) -> tuple[Page | None, list[Problem]]:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        if re.match(r"^-{3}[ \t]*\n", text):
            return None, [Problem(rel, 1, "front matter is never closed; end it with a line '---'")]
        return Page(path, rel, {}, text, 1), []
    raw = match.group(1) or ""
    meta, lines, problems = load_yaml(raw, rel, first_line=2)
    if problems:
        return None, [Problem(p.file, p.line, "front matter: " + p.message) for p in problems]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, [Problem(rel, 2, "front matter must be 'name: value' lines")]
    body_line = text.count("\n", 0, match.end()) + 1
    return Page(path, rel, meta, text[match.end():], body_line, lines), []


def read_page(path: Path, root: Path) -> tuple[Page | None, list[Problem]]:
    rel = str(Path(path).relative_to(root))
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    return parse_page(text, Path(path), rel)


def read_docs(root: Path) -> tuple[dict[str, Page], list[Problem]]:
    """Every Markdown page under docs/, by docs-relative source path, in path order."""
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    docs = Path(root) / "docs"
    for path in sorted(docs.rglob("*.md")):
        page, found = read_page(path, root)
        problems += found
        if page is not None:
            pages[page.src] = page
    return pages, problems


# --- The book's contents ---------------------------------------------------------------------------

def load_contents(root: Path) -> tuple[dict | None, list[Chapter], list[Problem]]:
    """docs/book/contents.yml: the raw data (book, parts) and the chapters as records."""
    text, problems = read_text(Path(root) / CONTENTS_FILE, CONTENTS_FILE)
    if text is None:
        return None, [], problems
    data, lines, problems = load_yaml(text, CONTENTS_FILE)
    if problems:
        return None, [], problems
    if not isinstance(data, dict) or any(name not in data for name in ("book", "parts", "chapters")):
        return None, [], [Problem(CONTENTS_FILE, 1, "needs 'book', 'parts' and 'chapters'; see "
                                  "the README's chapter page model")]
    shapes = {"book": (dict, "a mapping of 'name: value' lines"), "parts": (list, "a list"),
              "chapters": (list, "a list")}
    wrong = [Problem(CONTENTS_FILE, lines.get(name, 1), f"'{name}' must be {what}")
             for name, (kind, what) in shapes.items() if not isinstance(data[name], kind)]
    if wrong:
        return None, [], wrong
    book = data["book"]
    problems += _book_problems(book, lines)
    parts = _parts(data["parts"], lines, problems)
    chapters: list[Chapter] = []
    seen: dict[str, int] = {}
    pages_seen: dict[str, int] = {}
    for index, item in enumerate(data["chapters"]):
        line = lines.get(f"chapters.{index}", 1)
        missing = [k for k in ("chapter", "label", "title", "page")
                   if not isinstance(item, dict) or k not in item]
        if missing:
            problems.append(Problem(CONTENTS_FILE, line, f"chapter entry lacks {', '.join(missing)}"))
            continue
        wrong = _unknown_keys(item, CHAPTER_ENTRY_KEYS, f"chapters.{index}", "chapter entry",
                              lines) + [
            Problem(CONTENTS_FILE, lines.get(f"chapters.{index}.{k}", line),
                    f"chapter entry's {k} must be text in quotes (found {item[k]!r})")
            for k in ("label", "title", "page") if not isinstance(item[k], str) or not item[k]]
        wrong += _chapter_entry_problems(item, index, line, lines, pages_seen)
        if "part" in item and item["part"] not in parts:
            wrong.append(Problem(CONTENTS_FILE, lines.get(f"chapters.{index}.part", line),
                                 f"part {item['part']!r} is not in 'parts' (which lists "
                                 f"{', '.join(map(str, parts)) or 'none'}); add it there with "
                                 "its title, or give one of those"))
        problems += wrong  # the chapter stays listed, so that its pages are read as chapters
        value = str(item["chapter"])
        if value in seen:
            problems.append(Problem(CONTENTS_FILE, lines.get(f"chapters.{index}.chapter", line),
                                    f"chapter {value} is listed twice (also at line {seen[value]}); "
                                    "give each chapter its own number"))
            continue
        seen[value] = lines.get(f"chapters.{index}.chapter", line)
        chapters.append(Chapter(value, index, str(item["label"]),
                                str(item["title"]), str(item["page"]), item.get("part")))
    return data, chapters, problems


CHAPTER_VALUE_RE = re.compile(r"^(?:[1-9]\d?|introduction|conclusion)$")


def _chapter_entry_problems(item: dict, index: int, line: int, lines: dict[str, int],
                            pages_seen: dict[str, int]) -> list[Problem]:
    """A chapter entry's number and page as the rest of the guide uses them: the number makes
    its ids (ch3-q1), the page is a path under docs/, named once."""
    def at(key: str) -> int:
        return lines.get(f"chapters.{index}.{key}", line)

    problems = []
    value = item["chapter"]
    if isinstance(value, bool) or not isinstance(value, (int, str)) \
            or not CHAPTER_VALUE_RE.match(str(value)):  # not [3], null, 3.0, true
        problems.append(Problem(CONTENTS_FILE, at("chapter"), f"chapter {value!r} must be a "
                                "whole number (1, 2, …), introduction or conclusion"))
    for key in ("label", "title"):
        if isinstance(item[key], str) and "\n" in item[key].strip():
            problems.append(Problem(CONTENTS_FILE, at(key), f"chapter entry's {key} runs over "
                                    "more than one line; write it on one line, in quotes"))
    page = item["page"]
    if isinstance(page, str) and page:
        if not page.endswith(".md") or page.startswith(("/", "./", "docs/")):
            problems.append(Problem(CONTENTS_FILE, at("page"), f"page '{page}' must be the "
                                    "page's path under docs/, e.g. chapters/chapter-3.md"))
        elif page in pages_seen:  # a page not written yet is the nav check's (site.read)
            problems.append(Problem(CONTENTS_FILE, at("page"), f"page '{page}' is already "
                                    f"another chapter's (line {pages_seen[page]}); give each "
                                    "chapter its own page"))
        pages_seen.setdefault(page, at("page"))
    return problems


BOOK_KEYS = {"title": str, "subtitle": str, "author": str, "publisher": str, "year": int,
             "edition": str, "pages": int, "isbn": str}
BOOK_OPTIONAL = {"foreword": str}
CHAPTER_ENTRY_KEYS = {"chapter", "part", "label", "title", "page"}


def _unknown_keys(mapping: dict, known, where: str, what: str, lines) -> list[Problem]:
    found = []
    for key in mapping:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
            found.append(Problem(CONTENTS_FILE, lines.get(f"{where}.{key}", 1),
                                 f"unknown key '{key}' in {what}{hint}"))
    return found


def _book_problems(book: dict, lines) -> list[Problem]:
    """Every field the pages, the e-book and the structured data print, present and of its
    kind; the year and page count in range; the ISBN-13 with its check digit."""
    problems = _unknown_keys(book, {**BOOK_KEYS, **BOOK_OPTIONAL}, "book", "book", lines)
    missing = [name for name in BOOK_KEYS if name not in book]
    if missing:
        problems.append(Problem(CONTENTS_FILE, lines.get("book", 1),
                                f"book lacks {', '.join(missing)}; copy each from the "
                                "publisher's page, as printed"))
    for name, kind in {**BOOK_KEYS, **BOOK_OPTIONAL}.items():
        if name not in book:
            continue
        value, line = book[name], lines.get(f"book.{name}", 1)
        if kind is int:
            low, high = {"year": (1900, 2100), "pages": (1, 100_000)}[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                problems.append(Problem(CONTENTS_FILE, line, f"book {name} must be a whole "
                                        f"number from {low} to {high} (found {value!r})"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(CONTENTS_FILE, line, f"book {name} must be text in quotes "
                                    f"(found {value!r})"))
        elif name == "isbn" and not _isbn13(value):
            problems.append(Problem(CONTENTS_FILE, line, f"book isbn {value!r} is not an "
                                    "ISBN-13 (13 digits, the last a check digit); copy it from "
                                    "the publisher's page, digits only"))
    return problems


def _isbn13(value: str) -> bool:
    if not re.fullmatch(r"97[89]\d{10}", value):
        return False
    total = sum(int(digit) * (1 if i % 2 == 0 else 3) for i, digit in enumerate(value[:12]))
    return (10 - total % 10) % 10 == int(value[12])


def valid_isbn(value: str) -> bool:
    """An ISBN-13, or an ISBN-10 (its last digit may be X), with or without hyphens, whose
    check digit is right."""
    digits = re.sub(r"[\s-]", "", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(digits))
        return total % 11 == 0
    return _isbn13(digits)


def _parts(items: list, lines, problems: list[Problem]) -> dict:
    """Part number -> title, each part a number with a title; problems added in place."""
    parts: dict = {}
    for index, item in enumerate(items):
        line = lines.get(f"parts.{index}", 1)
        if not isinstance(item, dict) or not isinstance(item.get("part"), int) \
                or isinstance(item.get("part"), bool) \
                or not isinstance(item.get("title"), str) or not item["title"].strip():
            problems.append(Problem(CONTENTS_FILE, line, "each part needs 'part: N' (a whole "
                                    "number) and 'title: \"…\"' (its title, as printed)"))
            if isinstance(item, dict) and isinstance(item.get("part"), int):
                parts.setdefault(item["part"], None)  # reported once, here, not at its chapters
            continue
        problems += _unknown_keys(item, {"part", "title"}, f"parts.{index}", "a part", lines)
        if item["part"] in parts:
            problems.append(Problem(CONTENTS_FILE, lines.get(f"parts.{index}.part", line),
                                    f"part {item['part']} is listed twice; give each part its "
                                    "own number"))
            continue
        parts[item["part"]] = item["title"]
    return parts


# --- The nav of mkdocs.yml -------------------------------------------------------------------------

class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml's tags: !ENV [NAME, default] gives the environment value or the default."""


def _env(loader, node):
    import os

    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) \
        else [loader.construct_scalar(node)]
    for name in values[:-1] if len(values) > 1 else values:
        if isinstance(name, str) and name in os.environ:  # set, if empty: as MkDocs reads it
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/",
                                    lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def load_config(root: Path) -> tuple[dict, dict[str, int], list[Problem]]:
    """mkdocs.yml with the line of each setting; a folder without one has no nav to check."""
    if not (Path(root) / CONFIG_FILE).exists():
        return {}, {}, []
    text, problems = read_text(Path(root) / CONFIG_FILE, CONFIG_FILE)
    if text is None:
        return {}, {}, problems
    data, lines, problems = load_yaml(text, CONFIG_FILE, loader=_ConfigLoader)
    if problems:
        return {}, {}, problems
    if not isinstance(data, dict):
        return {}, {}, [Problem(CONFIG_FILE, 1, "must be 'name: value' settings")]
    return data, lines, []


OVERRIDES = "overrides"   # theme.custom_dir in mkdocs.yml


@functools.lru_cache(maxsize=1)
def _theme_templates() -> Path | None:
    """Material's templates folder, where its templates and bundled icons are."""
    spec = importlib.util.find_spec("material")
    locations = spec.submodule_search_locations if spec else None
    return Path(list(locations)[0]) / "templates" if locations else None


def theme_file(root: Path, relative: str) -> bool:
    """A template or icon (`.icons/material/x.svg`) the theme can find: in overrides/ or in
    Material's own templates."""
    return any(folder is not None and (folder / relative).is_file()
               for folder in (Path(root) / OVERRIDES, _theme_templates()))


def extra_problems(config: dict, lines: dict[str, int], root: Path) -> list[Problem]:
    """`extra.social` as Material reads it: a list of links, each with an icon it has
    (a string there ended the build inside the theme's template)."""
    extra = config.get("extra")
    if extra is None:
        return []
    if not isinstance(extra, dict):
        return [Problem(CONFIG_FILE, lines.get("extra", 1), "extra must be 'name: value' "
                        "settings, indented under it")]
    social = extra.get("social")
    if social is None:
        return []
    where = lines.get("extra.social", lines.get("extra", 1))
    if not isinstance(social, list):
        return [Problem(CONFIG_FILE, where, "extra.social must be a list of links, each "
                        "'- icon: fontawesome/brands/github' with 'link: https://…' (or [])")]
    problems = []
    for n, item in enumerate(social):
        line = lines.get(f"extra.social.{n}", where)
        if not isinstance(item, dict) or not isinstance(item.get("link"), str) \
                or not isinstance(item.get("icon"), str):
            problems.append(Problem(CONFIG_FILE, line, "extra.social: each link needs 'icon:' "
                                    "and 'link:', both text"))
        elif not theme_file(root, f".icons/{item['icon']}.svg"):
            problems.append(Problem(CONFIG_FILE, line, f"extra.social: icon '{item['icon']}' "
                                    "is not one of the theme's icons; write it as "
                                    "fontawesome/brands/github (a set, a slash, the name)"))
    return problems


def site_url_problems(config: dict, lines: dict[str, int]) -> list[Problem]:
    """site_url given but empty (SITE_URL set and blank, say): the build would go on without
    "Cite this page", its downloads, canonical addresses or the printed pages' addresses."""
    if "site_url" in config and not (isinstance(config["site_url"], str)
                                     and config["site_url"].strip()):
        return [Problem(CONFIG_FILE, lines.get("site_url", 1), "site_url is empty, so no page "
                        "could offer 'Cite this page' or give its own address; set SITE_URL to "
                        "the site's address (https://…/), or unset it to use the default")]
    return []


PAGE_ASSETS = "extra.page_assets"


def page_asset_problems(config: dict, lines: dict[str, int], docs: Path,
                        pages: Iterable[str]) -> list[Problem]:
    """`extra.page_assets` in mkdocs.yml (overrides/main.html loads each page's own scripts and
    styles there): every key a page under docs/, every value a list of .css or .js files
    under docs/. A misspelt page would otherwise lose its script without a word."""
    extra = config.get("extra")
    assets = extra.get("page_assets") if isinstance(extra, dict) else None
    if assets is None:  # a misspelt name would drop every page's own scripts
        return [Problem(CONFIG_FILE, lines.get(f"extra.{key}", 1), f"extra.{key}: did you mean "
                        "page_assets? Only that name loads each page's own scripts and styles")
                for key in (extra if isinstance(extra, dict) else ())
                if difflib.get_close_matches(str(key), ["page_assets"], n=1, cutoff=0.75)]

    def line(name: str = "") -> int:
        return lines.get(f"{PAGE_ASSETS}.{name}", lines.get(PAGE_ASSETS, 1))

    if not isinstance(assets, dict):
        return [Problem(CONFIG_FILE, line(), f"{PAGE_ASSETS} must map a page (glossary.md) to a "
                        "list of its own scripts and styles")]
    pages = set(pages)
    problems = []
    for page, paths in assets.items():
        if page not in pages:
            problems.append(Problem(CONFIG_FILE, line(str(page)), f"{PAGE_ASSETS}: no page "
                                    f"docs/{page}; name a page under docs/, e.g. glossary.md"))
        if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
            problems.append(Problem(CONFIG_FILE, line(str(page)), f"{PAGE_ASSETS}: {page} must "
                                    "list paths, e.g. [assets/javascripts/glossary.js]"))
            continue
        for n, path in enumerate(paths):
            if not path.endswith((".css", ".js")):
                problems.append(Problem(CONFIG_FILE, line(f"{page}.{n}"), f"{PAGE_ASSETS}: "
                                        f"{path} is neither a stylesheet (.css) nor a script (.js)"))
            elif not (Path(docs) / path).is_file():
                problems.append(Problem(CONFIG_FILE, line(f"{page}.{n}"), f"{PAGE_ASSETS}: no "
                                        f"file docs/{path}; fix the path"))
    return problems


def _is_url(value: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", value)) or value.startswith("/")


def walk_nav(nav, lines: dict[str, int], docs: Path, path: str = "nav") -> tuple[list[str], list[Problem]]:
    """Docs-relative sources of the pages in a MkDocs nav, in order, by explicit type cases:
    a string (a page or a URL), a one-key mapping (title: page, URL or section list), a list.
    URLs are skipped; anything else, or a page that does not exist, is a located problem."""
    found: list[str] = []
    problems: list[Problem] = []

    def line_of(where: str) -> int:
        return lines.get(where, lines.get("nav", 1))

    def visit(item, where: str) -> None:
        if isinstance(item, str):
            if _is_url(item):
                return
            if not (docs / item).is_file():
                problems.append(Problem(CONFIG_FILE, line_of(where), f"nav: no page docs/{item}; "
                                        "create it or correct the path"))
                return
            found.append(item)
        elif isinstance(item, list):
            for index, child in enumerate(item):
                visit(child, f"{where}.{index}")
        elif isinstance(item, dict) and len(item) == 1:
            (title, value), = item.items()
            if value == [] or value is None:  # MkDocs shows an empty section, or drops it
                problems.append(Problem(CONFIG_FILE, line_of(f"{where}.{title}"), f"nav: "
                                        f"section '{title}' lists no pages; list its pages "
                                        "under it, or remove it"))
                return
            visit(value, f"{where}.{title}")
        else:
            problems.append(Problem(CONFIG_FILE, line_of(where), "nav: each entry is a page path, "
                                    "'Title: page.md', 'Title: https://…' or 'Title:' with a list"))

    visit(nav if nav is not None else [], path)
    return found, problems
