"""Offline reading: the service worker's file list, the web app manifest and the Save control.

After the build, `finalise(site_dir, site_name)` walks the built site and writes the service
worker `sw.js` at its root: the worker's code (`offline_worker.js`, next to this module) after
one line of data, `const GUIDE = {...}`, that lists every file a saved copy holds (each page with
its title, the search index, the theme's assets, the downloads and the handouts), each with its
size and a hash of its content, and the cache version: a hash of every built file's content
except the worker's. A new deployment changes the version, so browsers install the new worker,
which replaces the old cache.

The control (`<!-- guide:offline -->` in a page) says how much a saved copy downloads. That
figure is only known once the site is built, so `finalise` writes it into the pages that show
the control before it hashes anything.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .problems import Problem

WORKER = "sw.js"
WORKER_SOURCE = Path(__file__).with_name("offline_worker.js")
MANIFEST = "manifest.webmanifest"
# Named like an error page so that MkDocs builds it with links from the site's root, as the 404
# page is: the worker shows it at whatever address was asked for (theme.static_templates).
OFFLINE_PAGE = "503.html"
ICONS = "assets/icons"
THEME_COLOUR = "#1d4a5a"       # --md-primary-fg-color in docs/assets/stylesheets/guide.css
BACKGROUND_COLOUR = "#ffffff"

# Never part of a saved copy: the worker itself, files for crawlers and for debugging, the 404
# page (offline, the offline page stands in for it) and search languages the guide does not use.
_SKIP_FILES = {WORKER, "sitemap.xml", "sitemap.xml.gz", "404.html"}
_SKIP_PREFIXES = ("assets/javascripts/lunr/",)
_SKIP_SUFFIXES = (".map",)
# What GitHub Pages compresses on the way (the rest travels as it is).
_COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".webmanifest")
_SIZE_RE = re.compile(r"(<span data-guide-offline-size>)[^<]*(</span>)")
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)

# Kinds of file. The worker keeps `CORE` from its installation on (the offline page needs them),
# and caches `page` and `redirect` when a reader opens them; the rest only when the guide is saved.
CORE = ("theme", "app", "offline")


@dataclass(frozen=True)
class Entry:
    path: str          # file in the built site
    url: str           # address relative to the site's root, as a reader asks for it
    kind: str          # page, redirect, search, download, theme, app or offline
    size: int          # bytes on the device
    transfer: int      # bytes over the network (compressed where the server compresses)
    sha: str           # the first 16 hex digits of the SHA-256 of the content
    title: str | None = None


@dataclass(frozen=True)
class Plan:
    version: str
    entries: list[Entry]

    @property
    def size(self) -> int:
        return sum(e.size for e in self.entries)

    @property
    def transfer(self) -> int:
        return sum(e.transfer for e in self.entries)


# --- The control ---------------------------------------------------------------------------------

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
_CONTROL = _ENV.from_string("""\
<div class="guide-offline" data-guide-offline>
<p class="guide-offline__fallback" data-guide-offline-fallback>{{ fallback }}</p>
<div class="guide-offline__controls" data-guide-offline-controls hidden>
<p>Keep a copy of every page, the search index, the downloads and the handouts on this device, \
so that you can read and search the guide without a connection. Size: \
<span data-guide-offline-size>{{ size }}</span>.</p>
<p class="guide-offline__buttons">
<button type="button" class="md-button md-button--primary" data-guide-offline-save>{{ save }}</button>
<button type="button" class="md-button" data-guide-offline-cancel hidden>Cancel</button>
<button type="button" class="md-button" data-guide-offline-remove hidden>{{ remove }}</button>
</p>
<p data-guide-offline-state></p>
<progress id="guide-offline-progress" max="100" value="0" aria-label="{{ save }}: progress" \
data-guide-offline-progress hidden></progress>
<p role="status" data-guide-offline-status></p>
</div>
</div>""")

SAVE_LABEL = "Save the guide for offline reading"
REMOVE_LABEL = "Remove the saved copy"
FALLBACK = ("Saving the guide for offline reading needs JavaScript and a browser that supports "
            "service workers. Every page still works online, and any page can be printed.")


def control_html(size: str = "") -> str:
    """The Save control. Shown where scripts and service workers work; elsewhere a sentence
    saying what is needed. `size` is filled in by `finalise` once the site is built."""
    return _CONTROL.render(fallback=FALLBACK, size=size, save=SAVE_LABEL, remove=REMOVE_LABEL)


def web_manifest(site_name: str, description: str, short_name: str = "Peer Support") -> str:
    """`manifest.webmanifest`. Addresses are relative to the manifest, which sits at the site's
    root, so start_url and scope are the site's sub-path wherever it is published."""
    icons = [{"src": f"{ICONS}/icon-192.png", "sizes": "192x192", "type": "image/png"},
             {"src": f"{ICONS}/icon-512.png", "sizes": "512x512", "type": "image/png"},
             {"src": f"{ICONS}/icon-512.png", "sizes": "512x512", "type": "image/png",
              "purpose": "maskable"},
             {"src": f"{ICONS}/icon.svg", "sizes": "any", "type": "image/svg+xml"}]
    return json.dumps({
        "name": site_name, "short_name": short_name, "description": " ".join(description.split()),
        "lang": "en-GB", "dir": "ltr", "start_url": "./", "scope": "./", "id": "./",
        "display": "standalone", "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR, "icons": icons,
    }, indent=2, ensure_ascii=False) + "\n"


# --- After the build -----------------------------------------------------------------------------

def human_size(n: int) -> str:
    """Bytes as a reader reads them (SI units, as browsers' download lists show them)."""
    if n < 1_000_000:
        return f"{max(1, round(n / 1000))} kB"
    return f"{n / 1_000_000:.1f} MB"


def size_phrase(plan: Plan) -> str:
    return (f"about {human_size(plan.transfer)} to download, "
            f"{human_size(plan.size)} on this device")


def _kind(path: str, data: bytes) -> str | None:
    if (path in _SKIP_FILES or path.startswith(_SKIP_PREFIXES) or path.endswith(_SKIP_SUFFIXES)):
        return None
    if path == OFFLINE_PAGE:
        return "offline"
    if path == MANIFEST:
        return "app"
    if path == "search/search_index.json":
        return "search"
    if path.startswith("assets/"):
        return "theme"
    if path.endswith(".html"):
        return "redirect" if b'http-equiv="refresh"' in data[:2000] else "page"
    if path.startswith("search/"):
        return None
    return "download"


def _url(path: str) -> str:
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def _title(data: bytes, site_name: str) -> str | None:
    match = _TITLE_RE.search(data.decode("utf-8", "replace"))
    if not match:
        return None
    title = html.unescape(" ".join(match.group(1).split()))
    suffix = f" - {site_name}"
    return title[: -len(suffix)] if title.endswith(suffix) and title != suffix else title


@functools.lru_cache(maxsize=1024)  # the size is settled in a few passes over the same files
def _sha_and_gzip(data: bytes, compressed: bool) -> tuple[bytes, int]:
    """A file's SHA-256 and its size as served (gzip, as GitHub Pages sends text)."""
    transfer = len(gzip.compress(data, 6, mtime=0)) if compressed else len(data)
    return hashlib.sha256(data).digest(), min(transfer, len(data))


def _entry(path: str, data: bytes, kind: str, site_name: str) -> Entry:
    sha, transfer = _sha_and_gzip(data, path.endswith(_COMPRESSED))
    return Entry(path, _url(path), kind, len(data), transfer, sha.hex()[:16],
                 _title(data, site_name) if kind == "page" else None)


def _read(site_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site_dir)).replace("\\", "/"): p.read_bytes()
            for p in sorted(site_dir.rglob("*")) if p.is_file()}


def plan(files: dict[str, bytes], site_name: str) -> Plan:
    """What a saved copy holds, from the built files (site path -> content)."""
    entries = [_entry(path, data, kind, site_name) for path, data in sorted(files.items())
               if (kind := _kind(path, data))]
    digest = hashlib.sha256()
    for path, data in sorted(files.items()):
        if path != WORKER:
            digest.update(path.encode() + b"\0" + _sha_and_gzip(data, False)[0])
    return Plan(digest.hexdigest()[:16], entries)


def worker_source(p: Plan) -> str:
    data = {"version": p.version,
            "files": [[e.url, e.kind, e.sha] + ([e.title] if e.title else [])
                      for e in p.entries]}
    return ("// Generated by scripts/studyguide/offline.py when the site is built; do not edit.\n"
            f"const GUIDE = {json.dumps(data, ensure_ascii=False, separators=(',', ':'))};\n\n"
            + WORKER_SOURCE.read_text(encoding="utf-8"))


def finalise(site_dir: Path, site_name: str) -> list[Problem]:
    """Write the download size into the pages that show the control, then `sw.js`."""
    site_dir = Path(site_dir)
    files = _read(site_dir)
    if OFFLINE_PAGE not in files:
        return [Problem("mkdocs.yml", 1, f"the built site has no {OFFLINE_PAGE} (the page shown "
                        f"offline); list it under theme: static_templates")]
    with_control = [path for path, data in files.items()
                    if path.endswith(".html") and b"data-guide-offline-size" in data]
    phrase = None
    for _ in range(5):  # the phrase is part of the size it states: stop when it is stable
        current = size_phrase(plan(files, site_name))
        if current == phrase:
            break
        phrase = current
        for path in with_control:
            files[path] = _SIZE_RE.sub(lambda m: m.group(1) + html.escape(current) + m.group(2),
                                       files[path].decode("utf-8")).encode("utf-8")
    for path in with_control:
        (site_dir / path).write_bytes(files[path])
    (site_dir / WORKER).write_text(worker_source(plan(files, site_name)), encoding="utf-8")
    return []
