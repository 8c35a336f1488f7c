"""In-text citations and per-page reference lists in APA 7, formatted by pandoc's citeproc.

`Citeproc.prepare(texts)` reads every citation cluster of every page (studyguide.citations) and
formats all that are not yet cached in ONE pandoc run, with the whole .bib in context
(`nocite: '@*'`), so year suffixes (2014a/b) and added names or initials are the same on every
page and on the bibliography page. Each cluster's HTML is cached on disk under a hash of the
.bib, the CSL, pandoc and this code: an unchanged site starts no pandoc process, and an edit
formats only the clusters that are new.

`Citeproc.render(src, markdown)` puts the formatted clusters into a page. The author–date text
is the link to the work's entry in the page's reference list (`#ref-KEY`); the list replaces
`\\bibliography` and holds each cited work once, in the style's order, with exactly the HTML of
the bibliography page, a link to that page and one link back to the first citation.
Nothing here knows about MkDocs.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from . import bibpage, citations, render
from .buildcache import replace_file
from .mdlines import code_mask

_CLUSTER_DIV_RE = re.compile(r'<div id="c(?P<n>\d+)">\s*<p>(?P<html>.*?)</p>\s*</div>', re.S)
# A narrative citation as pandoc writes it: Perrin et al. (<a …>2018</a>). The whole
# author–date text becomes the link.
_NARRATIVE_RE = re.compile(r'^(?P<open><span class="citation"[^>]*>)(?P<names>(?:(?!<a ).)*?)'
                           r'\((?P<a><a [^>]*>)(?P<inner>.*?)</a>\)</span>$', re.S)
_LINK_RE = re.compile(r'<a class="cite" href="#ref-(?P<key>[^"]+)"')
_TEXT_RE = re.compile(r"(?<=>)[^<]+|^[^<]+")
_BIBLIOGRAPHY_RE = re.compile(r"^[ \t]*\\bibliography[ \t]*$", re.M)
# Characters that Python-Markdown would still read inside inline HTML text.
_MARKDOWN_ACTIVE = {"*": "&#42;", "_": "&#95;", "`": "&#96;", "[": "&#91;", "]": "&#93;",
                    "\\": "&#92;", "@": "&#64;"}


def normalise(cluster_text: str) -> str:
    """The cache key and pandoc input of a cluster: its text on one line."""
    return " ".join(cluster_text.split())


def _escape_text(html: str) -> str:
    return _TEXT_RE.sub(lambda m: "".join(_MARKDOWN_ACTIVE.get(c, c) for c in m.group(0)), html)


def finish_cluster(html: str, narrative: bool) -> str:
    """pandoc's HTML for one cluster, as the page shows it."""
    html = render.clean_html(html.strip())
    html = html.replace('<a href="#ref-', '<a class="cite" href="#ref-')
    if narrative:  # APA 7: "and" between the names in running text, "&" only in parentheses
        html = _NARRATIVE_RE.sub(lambda m: f"{m.group('open')}{m.group('a')}"
                                 f"{m.group('names').replace(' &amp; ', ' and ')}"
                                 f"({m.group('inner')})</a></span>", html)
    return _escape_text(html)


class Citeproc:
    """Formats citation clusters for the pages of one build (see the module's docstring)."""

    def __init__(self, bib_path: Path, references: dict[str, str], cache_dir: Path | None = None,
                 style: str = "apa", batch_size: int = render.BATCH_SIZE, workers: int | None = None):
        self.bib_path = Path(bib_path)
        self.batch_size, self.workers = batch_size, workers
        self.references = references              # key -> entry HTML, in the style's order
        self.known = set(references)
        self.position = {key: n for n, key in enumerate(references)}
        self.csl = render.csl_path(style)
        self.cache_file = None
        self.formatted: dict[str, str] = {}       # normalised cluster -> HTML
        self._pending: list[str] = []             # page texts given to prepare(), not yet read
        self._background: Future | None = None    # prepare() running on its own thread
        self.pandoc_runs = 0
        if cache_dir is not None:
            digest = hashlib.sha256()
            for part in (self.bib_path.read_bytes(), self.csl.read_bytes(), render.pandoc_identity(),
                         Path(__file__).read_bytes(), Path(citations.__file__).read_bytes(),
                         Path(render.__file__).read_bytes()):
                digest.update(part)
            self.cache_file = Path(cache_dir) / f"citeproc-{style}-{digest.hexdigest()[:20]}.json"
            try:
                self.formatted = json.loads(self.cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.formatted = {}
            if not isinstance(self.formatted, dict):  # damaged: formatted again
                self.formatted = {}

    # --- formatting ---------------------------------------------------------------------------

    def _renderable(self, markdown: str) -> list[citations.Cluster]:
        return [c for c in citations.clusters(markdown) if citations.renderable(c, self.known)]

    def prepare(self, texts: Iterable[str]) -> None:
        """Format every cluster of these pages that is not cached yet, in one pandoc run."""
        self._settle()
        self._prepare(texts)

    def prepare_in_background(self, texts: Iterable[str]) -> None:
        """`prepare(texts)` on a thread of its own; whatever reads the formatted clusters next
        waits for it (and raises what it raised)."""
        self._settle()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citeproc")
        self._background = pool.submit(self._prepare, list(texts))
        pool.shutdown(wait=False)

    def _settle(self) -> None:
        background, self._background = self._background, None
        if background is not None:
            background.result()

    def _prepare(self, texts: Iterable[str]) -> None:
        wanted: dict[str, bool] = {}
        for text in texts:
            for cluster in self._renderable(text):
                wanted.setdefault(normalise(cluster.text), cluster.narrative)
        self._format(wanted)

    def prepare_on_first_render(self, texts: Iterable[str]) -> None:
        """`prepare(texts)` when the first page is rendered: a build that takes every rendered
        page from its cache reads none of them."""
        self._pending.extend(texts)

    def _format(self, wanted: dict[str, bool]) -> None:
        missing = [(text, narrative) for text, narrative in wanted.items()
                   if text not in self.formatted]
        if not missing:
            return
        if len(self.known) <= self.batch_size:
            jobs = [(None, missing)]
        else:
            jobs = self._batches(missing)
        if len(jobs) == 1:
            results = [self._run(*jobs[0])]
        else:
            with ThreadPoolExecutor(max_workers=self.workers or os.cpu_count() or 1) as pool:
                results = list(pool.map(lambda job: self._run(*job), jobs))
        for result in results:
            self.formatted.update(result)
        self._save()

    def _run(self, bib_text: str | None, clusters: list[tuple[str, bool]]) -> dict[str, str]:
        """One pandoc run: these clusters, with every entry of bib_text (default: the .bib)."""
        import tempfile

        document = "---\nnocite: '@*'\nlink-citations: true\n---\n\n"
        document += "".join(f"::: {{#c{n}}}\n{text}\n:::\n\n" for n, (text, _) in enumerate(clusters))
        self.pandoc_runs += 1
        with tempfile.TemporaryDirectory() as folder:
            bib = self.bib_path
            if bib_text is not None:
                bib = Path(folder) / "part.bib"
                bib.write_text(bib_text, encoding="utf-8")
            output = render.run_pandoc(document, "--citeproc", f"--bibliography={bib}",
                                       f"--csl={self.csl}")
        found = {int(m.group("n")): m.group("html") for m in _CLUSTER_DIV_RE.finditer(output)}
        formatted = {}
        for n, (text, narrative) in enumerate(clusters):
            if n not in found:
                raise RuntimeError(f"pandoc returned no formatting for the citation {text}")
            formatted[text] = finish_cluster(found[n], narrative)
        return formatted

    def _batches(self, clusters: list[tuple[str, bool]]) -> list[tuple[str, list[tuple[str, bool]]]]:
        """For a large .bib: clusters in batches, each run with only the entries that can affect
        its clusters' form (every entry sharing a first-author surname with a cited work; see
        render.format_references), so the cost stays linear and the text is the same."""
        header, entries = render.split_bib(self.bib_path.read_text(encoding="utf-8"))
        group_of = {key: render.surname_group(text) for key, text in entries}
        members: dict[str, list[str]] = {}
        for key, text in entries:
            members.setdefault(group_of[key], []).append(text)
        needs = {text: sorted({group_of.get(c.key, "") for c in
                               citations.clusters(text)[0].cites}) for text, _ in clusters}
        jobs, groups, batch = [], set(), []
        for cluster in sorted(clusters, key=lambda c: needs[c[0]]):
            wider = groups | set(needs[cluster[0]])
            if batch and sum(len(members.get(g, ())) for g in wider) > self.batch_size:
                jobs.append((groups, batch))
                groups, batch, wider = set(), [], set(needs[cluster[0]])
            groups, batch = wider, batch + [cluster]
        if batch:
            jobs.append((groups, batch))
        sizes = [sum(len(members.get(g, ())) for g in gs) for gs, _ in jobs]
        if not self.worth_batching(sizes, len(entries)):
            return [(None, clusters)]
        return [(header + "\n".join(t for g in sorted(gs) for t in members.get(g, ())), b)
                for gs, b in jobs]

    def worth_batching(self, sizes: list[int], total: int) -> bool:
        """Whether batches of these sizes (entries each) beat one run over `total` entries, by
        pandoc's measured cost: about 0.1 s to start, plus a part growing as entries^1.8 (the
        text is the same either way; this only chooses the faster)."""
        cost = lambda n: 0.1 + 0.24 * (n / 250) ** 1.8  # noqa: E731
        workers = self.workers or os.cpu_count() or 1
        return sum(map(cost, sizes)) / workers < cost(total)

    def _save(self) -> None:
        if self.cache_file is None:
            return
        replace_file(self.cache_file,
                     json.dumps(self.formatted, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                     stale=self.cache_file.name.rsplit("-", 1)[0] + "-*.json")

    # --- the page -----------------------------------------------------------------------------

    def render(self, src_uri: str, markdown: str) -> str:
        """The page's Markdown with every renderable cluster formatted, `\\@` printed as '@',
        and `\\bibliography` replaced by the page's reference list. Clusters with unknown keys
        or bad syntax are left as written (citations.check reports them)."""
        self._settle()
        if self._pending:
            pending, self._pending = self._pending, []
            self._prepare(pending)
        found = self._renderable(markdown)
        self._format({normalise(c.text): c.narrative for c in found})  # normally all cached
        inside = lambda at: any(c.start <= at < c.end for c in found)  # noqa: E731
        edits: list[tuple[int, int, str]] = [(at, at + 2, "&#64;")
                                             for at in citations.escaped_ats(markdown)
                                             if not inside(at)]
        cited: list[str] = []
        for cluster in found:
            html = self.formatted[normalise(cluster.text)]

            def first_link(match: re.Match) -> str:
                key = match.group("key")
                if key in cited:
                    return match.group(0)
                cited.append(key)
                return f'<a id="cite-{key}" class="cite" href="#ref-{key}"'

            edits.append((cluster.start, cluster.end, _LINK_RE.sub(first_link, html)))
        for start, end, text in sorted(edits, reverse=True):
            markdown = markdown[:start] + text + markdown[end:]
        return self._place_list(markdown, self.reference_list(cited, src_uri))

    def _place_list(self, markdown: str, listing: str) -> str:
        mask = code_mask(markdown)
        lines = markdown.split("\n")
        for i, line in enumerate(lines):
            if not mask[i] and _BIBLIOGRAPHY_RE.match(line):
                lines[i] = f"\n{listing}\n" if listing else ""
                break
        return "\n".join(lines)

    def ordered(self, keys: Iterable[str]) -> list[str]:
        """The keys once each, in the style's order (the order of the bibliography page)."""
        return sorted(set(keys), key=lambda k: (self.position.get(k, len(self.position)), k))

    def reference_list(self, keys: Iterable[str], src_uri: str) -> str:
        """The page's References: each work's entry exactly as on the bibliography page, with
        its permanent anchor, a link to the bibliography and one back to the first citation."""
        keys = self.ordered(keys)
        if not keys:
            return ""
        bibliography = bibpage.relative_url(src_uri, "bibliography.md")
        items = []
        for key in keys:
            quoted = html_lib.escape(key, quote=True)
            items.append(
                f'<div id="ref-{quoted}" class="csl-entry" role="listitem">'
                f'{self.references.get(key, quoted)} <span class="ref-links">'
                f'<a href="{bibliography}#ref-{quoted}">In the bibliography</a> '
                f'<a class="ref-back" href="#cite-{quoted}" '
                f'aria-label="Back to text: the first citation of this work">Back to text</a>'
                f"</span></div>")
        return ('<div class="references csl-bib-body" role="list">\n' + "\n".join(items)
                + "\n</div>\n")
