"""In-text citations and reference lists (studyguide.citeproc), against golden files and an
independent citeproc run; the cache; the batched bibliography against one citeproc run.

Golden fixtures: tests/fixtures/citeproc/<behaviour>/input.md -> expected.html (the page's
Markdown as the renderer hands it to MkDocs), over the invented works of refs.bib. Each expected
file was read and checked by hand against APA 7 (author-date text as the link, one link per
work, locators as APA prints them, a/b suffixes, reference-list order).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from studyguide import citations, citeproc, render

FIXTURES = Path(__file__).parent / "fixtures" / "citeproc"
BIB = FIXTURES / "refs.bib"
BEHAVIOURS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def references() -> dict[str, str]:
    return render.format_references(BIB)


def make(references, cache_dir=None) -> citeproc.Citeproc:
    return citeproc.Citeproc(BIB, references, cache_dir=cache_dir)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_golden_pages(behaviour, references):
    folder = FIXTURES / behaviour
    rendered = make(references).render("chapters/example.md",
                                       (folder / "input.md").read_text(encoding="utf-8"))
    assert rendered == (folder / "expected.html").read_text(encoding="utf-8")


def test_fixtures_cover_every_behaviour():
    assert set(BEHAVIOURS) >= {"narrative", "parenthetical", "locators", "untouched",
                               "prefix-keys", "reference-list"}


def test_author_date_text_is_the_link(references):
    out = make(references).render("x.md", "@perrin2018team said it [-@perrin2014pair].")
    assert ('<a id="cite-perrin2018team" class="cite" href="#ref-perrin2018team" '
            'role="doc-biblioref">Perrin et al. (2018)</a>') in out
    assert '(<a id="cite-perrin2014pair" class="cite" href="#ref-perrin2014pair" ' \
           'role="doc-biblioref">2014</a>)' in out
    assert "<sup" not in out and "footnote" not in out


def test_multiple_citations_one_link_each_in_apa_order_in_one_parenthesis(references):
    out = make(references).render("x.md", "[@zz2019adams; @becker1963; @perrin2018team]")
    links = re.findall(r'href="#ref-([^"]+)"[^>]*>([^<]+)</a>', out)
    assert links == [("zz2019adams", "Adams, 2019"), ("becker1963", "Becker, 1963"),
                     ("perrin2018team", "Perrin et al., 2018")]
    text = re.sub(r"<[^>]+>", "", out)
    assert text == "(Adams, 2019; Becker, 1963; Perrin et al., 2018)"


def test_never_a_citation():
    text = (FIXTURES / "untouched" / "input.md").read_text(encoding="utf-8")
    assert citations.find(text) == []
    assert citations.check(text, ["smith2020"], "p.md") == []
    for sample in ["mail x@smith2020.org", "\\@smith2020", "`@smith2020`", "<b title='@smith2020'>",
                   "see https://example.org/@smith2020", "[a](http://x/@smith2020)",
                   "---\ntitle: '@smith2020'\n---\n"]:
        assert citations.find(sample) == [], sample


def test_keys_end_where_pandoc_ends_them():
    text = "@smith2020b, @smith2020. [@smith2020; @smith2020b] @a:b.c. @{odd.key}"
    assert [c.key for c in citations.find(text)] == [
        "smith2020b", "smith2020", "smith2020", "smith2020b", "a:b.c", "odd.key"]


def pandoc_cites(text: str) -> list[tuple[str, str]]:
    """(key, citation mode) of every citation pandoc's own reader finds, from its JSON AST."""
    import json

    ast = json.loads(subprocess.run([render.pandoc(), "-f", "markdown", "-t", "json"],
                                    input=text.encode(), capture_output=True, check=True).stdout)
    found: list[tuple[str, str]] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                found.extend((c["citationId"], c["citationMode"]["t"]) for c in node["c"][0])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast["blocks"])
    return found


def test_keys_and_forms_agree_with_pandoc_itself():
    """pandoc's own reader (its JSON AST) finds the same citations, keys and forms, in order."""
    text = ("@smith2020b and @smith2020. See [@smith2020; see @smith2020b, p. 3]. "
            "@a:b.c, (@perrin2018team) and [-@zz2019adams]; @key_with_under-dash.\n\n"
            "A list item: [link text](../x.md#y) [@becker1963]: an idea, and @smith2020 [p. 4].")
    found = pandoc_cites(text)
    mode = lambda cluster, cite: ("SuppressAuthor" if cite.suppress_author else  # noqa: E731
                                  "AuthorInText" if cluster.narrative else "NormalCitation")
    ours = [(c.key, mode(cl, c)) for cl in citations.clusters(text) for c in cl.cites]
    assert ours == found
    assert ("becker1963", "NormalCitation") in ours


def test_prefix_keys_cannot_corrupt_each_other_under_any_hash_seed(references):
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from pathlib import Path\n"
        "from studyguide import citeproc, render\n"
        "bib = Path(%r)\n"
        "c = citeproc.Citeproc(bib, render.format_references(bib))\n"
        "print(c.render('x.md', Path(%r).read_text()))\n"
    ) % (str(ROOT / "scripts"), str(BIB), str(FIXTURES / "prefix-keys" / "input.md"))
    outputs = set()
    for seed in ("0", "1", "2", "3"):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                env=dict(os.environ, PYTHONHASHSEED=seed), check=True)
        outputs.add(result.stdout)
    assert len(outputs) == 1
    out = outputs.pop()
    # each key links to its own work, with its own suffix
    assert re.findall(r'href="#ref-(smith2020b?)"[^>]*>([^<]+)<', out)[:2] == [
        ("smith2020", "Smith (2020b)"), ("smith2020b", "Smith (2020a)")]
    assert "@" not in re.sub(r"<[^>]+>", "", out)


def test_unknown_keys_are_located_with_suggestions_in_every_form():
    text = "Line one.\n\n@smith202 says [see @smith2020c, p. 3] and [-@smyth2020].\n"
    problems = [str(p) for p in citations.check(text, ["smith2020", "smith2020b"], "docs/p.md")]
    assert problems[0].startswith("docs/p.md:3: unknown citation key 'smith202'; did you mean "
                                  "'smith2020'")
    assert "(write \\@ for an '@' that is not a citation)" in problems[0]
    assert problems[1].startswith("docs/p.md:3: unknown citation key 'smith2020c'; did you mean")
    assert problems[2].startswith("docs/p.md:3: unknown citation key 'smyth2020'; did you mean")
    assert len(problems) == 3


def test_unknown_or_malformed_clusters_are_left_as_written(references):
    text = "A [@nosuch2020] and [@smith2020 p. 3] and @nosuch2021."
    assert make(references).render("x.md", text) == text


class Counter:
    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        real = subprocess.run

        def counted(args, *rest, **kwargs):
            self.calls.append(kwargs.get("input", b"").decode())
            return real(args, *rest, **kwargs)

        monkeypatch.setattr(render.subprocess, "run", counted)


def test_one_pandoc_run_per_build_and_none_when_cached(tmp_path, monkeypatch, references):
    pages = {name: (FIXTURES / name / "input.md").read_text(encoding="utf-8") for name in BEHAVIOURS}
    counter = Counter(monkeypatch)
    first = make(references, tmp_path)
    first.prepare(pages.values())
    rendered = {name: first.render(f"{name}.md", text) for name, text in pages.items()}
    assert len(counter.calls) == 1  # every cluster of every page in one run

    counter.calls.clear()
    again = make(references, tmp_path)  # a new build: the disk cache answers
    again.prepare(pages.values())
    assert {name: again.render(f"{name}.md", text) for name, text in pages.items()} == rendered
    assert counter.calls == []

    counter.calls.clear()
    edited = pages["narrative"].replace("interviewed men", "interviewed many men") \
        + "\nA new claim [@zz2019adams, p. 9].\n"
    third = make(references, tmp_path)
    third.prepare([*pages.values(), edited])
    assert len(counter.calls) == 1
    assert counter.calls[0].count("::: {#c") == 1 and "@zz2019adams, p. 9" in counter.calls[0]


def test_background_preparation_gives_the_golden_pages_in_one_run(monkeypatch, references):
    pages = {name: (FIXTURES / name / "input.md").read_text(encoding="utf-8") for name in BEHAVIOURS}
    counter = Counter(monkeypatch)
    renderer = make(references)
    renderer.prepare_in_background(pages.values())
    for name, text in pages.items():  # render waits for the run instead of starting its own
        expected = (FIXTURES / name / "expected.html").read_text(encoding="utf-8")
        assert renderer.render("chapters/example.md", text) == expected, name
    assert len(counter.calls) == 1


def test_a_failure_in_the_background_is_raised_where_the_clusters_are_used(monkeypatch, references):
    real, calls = render.run_pandoc, []

    def first_run_fails(markdown, *args):
        calls.append(markdown)
        if len(calls) == 1:
            raise RuntimeError("pandoc failed: a test's failure")
        return real(markdown, *args)

    monkeypatch.setattr(render, "run_pandoc", first_run_fails)
    text = (FIXTURES / "narrative" / "input.md").read_text(encoding="utf-8")
    renderer = make(references)
    renderer.prepare_in_background([text])
    with pytest.raises(RuntimeError, match="a test's failure"):
        renderer.render("chapters/example.md", text)


def test_the_real_sites_citations_are_all_formatted_by_the_early_run(monkeypatch):
    """site.Guide.start_formatting reads every citation of the pages and self-checks before
    MkDocs hands over the pages: rendering every page as the build does, the handouts and the
    print page included, starts no second run."""
    from mkdocs.utils import meta

    from studyguide import printguide, site

    guide = site.load(ROOT)
    guide.configure("https://example.org/guide/", "The guide")
    guide.citeproc = citeproc.Citeproc(ROOT / "bibliography.bib", guide.references)  # no cache
    counter = Counter(monkeypatch)
    guide.start_formatting()
    sources = {src: page.body for src, page in guide.pages.items()}
    generated = {**guide.handouts(), printguide.PATH: printguide.from_guide(guide)}
    sources.update({src: meta.get_data(text)[0] for src, text in generated.items()})
    for src, markdown in sources.items():
        out = guide.citeproc.render(src, guide.render_page(src, markdown, web=True))
        assert "[@" not in out, src
    cluster_runs = [c for c in counter.calls if "link-citations: true" in c]
    assert len(cluster_runs) == 1 and guide.citeproc.pandoc_runs == 1


def test_cache_key_includes_the_bibliography(tmp_path, references):
    one = make(references, tmp_path)
    changed = tmp_path / "refs.bib"
    changed.write_text(BIB.read_text(encoding="utf-8") + "\n% edited\n", encoding="utf-8")
    two = citeproc.Citeproc(changed, references, cache_dir=tmp_path)
    assert one.cache_file != two.cache_file


# --- APA order of a page's list, computed independently --------------------------------------------

def independent_order(bib: Path, keys: list[str]) -> list[str]:
    """pandoc's citeproc run directly over only these keys: the order of its bibliography."""
    nocite = ", ".join("@" + k for k in keys)
    html = subprocess.run(
        [render.pandoc(), "-f", "markdown", "-t", "html", "--citeproc", f"--bibliography={bib}",
         f"--csl={render.csl_path('apa')}"],
        input=f"---\nnocite: '{nocite}'\n---\n".encode(), capture_output=True, check=True).stdout
    return re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', html.decode())


def listed(markdown: str) -> list[str]:
    return re.findall(r'<div id="ref-([^"]+)" class="csl-entry"', markdown)


def test_page_reference_list_is_in_citeprocs_apa_order(references):
    text = (FIXTURES / "reference-list" / "input.md").read_text(encoding="utf-8")
    keys = [c.key for c in citations.find(text)]
    out = make(references).render("chapters/example.md", text)
    assert listed(out) == independent_order(BIB, sorted(set(keys)))
    assert listed(out) != sorted(set(keys))  # key order differs: same first author, a particle
    assert listed(out).index("perrin2022alone") < listed(out).index("perrin2014pair")


def test_real_pages_list_their_references_in_citeprocs_order():
    refs = render.format_references(ROOT / "bibliography.bib", cache_dir=ROOT / ".cache")
    renderer = citeproc.Citeproc(ROOT / "bibliography.bib", refs, cache_dir=ROOT / ".cache")
    checked = 0
    for path in sorted((ROOT / "docs" / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        keys = sorted({c.key for c in citations.find(text)})
        if not keys:
            continue
        out = renderer.render(f"chapters/{path.name}", text)
        assert listed(out) == independent_order(ROOT / "bibliography.bib", keys), path.name
        checked += 1
    assert checked >= 6


def test_list_entries_match_the_bibliography_page_and_link_to_it(references):
    out = make(references).render("chapters/example.md", "[@becker1963]\n\n\\bibliography\n")
    entry = re.search(r'<div id="ref-becker1963" class="csl-entry" role="listitem">(.*?) '
                      r'<span class="ref-links">(.*?)</span></div>', out)
    assert entry.group(1) == references["becker1963"]
    assert '<a href="../../bibliography/#ref-becker1963">In the bibliography</a>' in entry.group(2)
    assert entry.group(2).count('class="ref-back"') == 1
    assert "\\bibliography" not in out


# --- The whole bibliography, in batches --------------------------------------------------------------

def test_batched_bibliography_is_identical_to_one_citeproc_run(tmp_path):
    bib = tmp_path / "generated.bib"
    bib.write_text(render.sample_bib(300), encoding="utf-8")
    single = render.format_references(bib, batch_size=10**6)
    batched = render.format_references(bib, batch_size=25, workers=2)
    assert len(render.batches(render.split_bib(bib.read_text())[1], 25)) > 5
    assert list(batched.items()) == list(single.items())  # same text, same order
    suffixed = [v for v in single.values() if re.search(r"\(\d{4}[ab]\)", v)]
    assert len(suffixed) >= 40  # the file really has same-author, same-year works
    assert any(v.startswith("Haan, ") for v in single.values())  # a particle
    assert any(v.startswith("Müller, ") for v in single.values())  # {\"u} and ü together


def test_surname_groups_ignore_spelling():
    group = lambda names: render.surname_group(f"@article{{k,\n author = {{{names}}},\n}}")  # noqa: E731
    assert group('M{\\"u}ller, J.') == group("Müller, Jörg") == "muller"
    assert group("{de Haan}, W.") == group("de Haan, Willem") == group("Willem de Haan") == "haan"
    assert group("Perrin, C. and Blagden, N.") == group("Christian Perrin") == "perrin"


def test_bibliography_time_per_entry(tmp_path):
    """Printed, not asserted (the machine is shared): time per entry at 250 and 2,000 entries."""
    per_entry = {}
    for n in (250, 2000):
        bib = tmp_path / f"g{n}.bib"
        bib.write_text(render.sample_bib(n), encoding="utf-8")
        start = time.perf_counter()
        refs = render.format_references(bib)
        per_entry[n] = (time.perf_counter() - start) / n
        assert len(refs) == n
    print(f"\nbibliography formatting: {per_entry[250] * 1000:.2f} ms/entry at 250, "
          f"{per_entry[2000] * 1000:.2f} ms/entry at 2,000 "
          f"(ratio {per_entry[2000] / per_entry[250]:.2f})")


def test_clusters_formatted_in_batches_match_one_run_over_the_whole_file(tmp_path, monkeypatch):
    """For a large .bib the clusters are formatted in batches that carry only the surname groups
    they cite; a/b suffixes, added initials and et al. must come out as in one run."""
    import random

    bib = tmp_path / "generated.bib"
    bib.write_text(render.sample_bib(300), encoding="utf-8")
    refs = render.format_references(bib, batch_size=10**6)
    rnd = random.Random(7)
    keys = list(refs)
    clusters = []
    for n in range(120):
        chosen = rnd.sample(keys, rnd.choice([1, 1, 2, 3]))
        if n % 3 == 0:
            clusters.append(f"@{chosen[0]}" + (f" [p. {n}]" if n % 2 else ""))
        else:
            clusters.append("[" + "; ".join(f"@{k}" for k in chosen) + (f", p. {n}]" if n % 2 else "]"))
    page = " text ".join(clusters)
    one = citeproc.Citeproc(bib, refs, batch_size=10**6)
    one.prepare([page])
    batched = citeproc.Citeproc(bib, refs, batch_size=30, workers=2)
    monkeypatch.setattr(batched, "worth_batching", lambda sizes, total: True)  # always batch
    batched.prepare([page])
    assert one.pandoc_runs == 1 and batched.pandoc_runs > 3
    assert batched.formatted == one.formatted
    assert sum(bool(re.search(r"\d{4}[ab]\b", v)) for v in one.formatted.values()) >= 10


def test_batching_is_chosen_only_when_faster():
    c = citeproc.Citeproc(BIB, {}, workers=2)
    assert c.worth_batching([120] * 9, 1000)        # few batches over a large file
    assert not c.worth_batching([30] * 40, 300)     # many small batches over a small one


def test_every_real_page_reads_as_pandoc_reads_it():
    """The guide's own pages: the same citations, keys and forms as pandoc's reader finds."""
    pages = sorted((ROOT / "docs").rglob("*.md"))
    body = "\n\n".join(citations._FRONT_MATTER_RE.sub("", p.read_text(encoding="utf-8"))
                       for p in pages)
    ours = [(c.key, "SuppressAuthor" if c.suppress_author else
             "AuthorInText" if cl.narrative else "NormalCitation")
            for cl in citations.clusters(body) for c in cl.cites]
    assert len(ours) > 300
    assert ours == pandoc_cites(body)
