"""Citations in the build: unknown keys fail with a located message and suggestions; code is
left alone; snippet includes are reported; nothing raw reaches a built page; in-text citations
are linked author-date text and each page lists its references in APA order.
(The renderer's own golden tests are in test_citeproc.py.)"""

from __future__ import annotations

import re

from conftest import make_project, mkdocs_build
from studyguide import citations, sitecheck

KEYS = ["perrin2014accumulating", "perrin2016movements", "becker1963outsiders"]


def test_find_reads_pandoc_forms_with_lines():
    text = "Intro.\n\nA claim [@perrin2014accumulating].\nTwo [@perrin2016movements; @becker1963outsiders] " \
           "and [see @becker1963outsiders, p. 12]."
    found = citations.find(text)
    assert [(c.key, c.line) for c in found] == [
        ("perrin2014accumulating", 3), ("perrin2016movements", 4),
        ("becker1963outsiders", 4), ("becker1963outsiders", 4)]
    assert found[-1].prefix == "see" and found[-1].locator == "p. 12"


def test_unknown_key_is_located_with_suggestions():
    problems = citations.check("Line one.\n\nAs shown [@perin2014accumulating].", KEYS,
                               "docs/chapters/x.md")
    assert [str(p) for p in problems] == [
        "docs/chapters/x.md:3: unknown citation key 'perin2014accumulating'; did you mean "
        "'perrin2014accumulating'?"]


def test_narrative_forms_are_found_and_checked():
    text = "As @perrin2014accumulating argue, and [-@perrin2016movements] shows; @perin2016movements."
    assert [(c.key, c.suppress_author) for c in citations.find(text)] == [
        ("perrin2014accumulating", False), ("perrin2016movements", True),
        ("perin2016movements", False)]
    problems = [str(p) for p in citations.check(text, KEYS, "p.md")]
    assert problems == ["p.md:1: unknown citation key 'perin2016movements'; did you mean "
                        "'perrin2016movements'? (write \\@ for an '@' that is not a citation)"]


def test_a_key_ends_where_pandoc_ends_it():
    problems = citations.check("See [@becker.1963].", KEYS, "p.md")
    assert [str(p) for p in problems] == [
        "p.md:1: unknown citation key 'becker.1963'; did you mean 'becker1963outsiders'?"]


def test_code_spans_and_blocks_are_not_citations():
    text = "Write `[@nokey]` to cite.\n\n```markdown\n[@alsonokey]\n```\n\n~~~\n[@third]\n~~~\n"
    assert citations.find(text) == []
    assert citations.check(text, KEYS, "p.md") == []


def test_build_fails_on_unknown_key_with_location(tmp_path):
    project = make_project(tmp_path, {"docs/index.md": "# Home\n\nText.\n\nA claim [@nosuchkey2020].\n"})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    # line 9: make_project puts four lines of front matter above the page's own lines
    assert "docs/index.md:9: unknown citation key 'nosuchkey2020'" in result.stderr
    assert "Traceback" not in result.stderr


def test_citation_syntax_in_code_survives_the_build(tmp_path):
    page = "# Home\n\nCite with `[@perrin2014accumulating]`.\n\n```\n[@perrin2018monster]\n```\n"
    project = make_project(tmp_path, {"docs/index.md": page})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "<code>[@perrin2014accumulating]</code>" in html
    assert "[@perrin2018monster]" in html
    # nothing was rendered as a citation: both keys are real entries of bibliography.bib
    assert "Perrin &amp; Blagden" not in html and "Perrin et al." not in html


def test_citation_in_snippet_include_is_reported(tmp_path):
    project = make_project(tmp_path, {
        "docs/index.md": "# Home\n\nText.\n\n--8<-- \"includes/part.md\"\n",
        "includes/part.md": "Included text [@perrin2014accumulating].\n",
    })
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0
    assert ("docs/index.md:9: citation [@perrin2014accumulating] comes from the included "
            "snippet 'includes/part.md' (its line 1)") in result.stderr
    assert "Traceback" not in result.stderr  # reported from the one reading, before any page


def test_raw_source_syntax_in_built_html_is_found():
    for token in ["[@key]", "[^note]", "{#anchor}", "\\bibliography", "{{ page.title }}",
                  "{% if x %}"]:
        html = f"<html><body><article><p>Text {token} text</p></article></body></html>"
        problems = sitecheck.leaked_syntax(html, "docs/p.md")
        assert problems and "built page shows raw" in str(problems[0]), token
    clean = "<p>Text</p><pre><code>[@key] {{ x }}</code></pre><script>var a='{{'</script>"
    assert sitecheck.leaked_syntax(clean, "docs/p.md") == []


def test_rendered_citations_are_linked_apa_with_a_reference_list(tmp_path):
    page = ("# Home\n\nOne [@perrin2014accumulating]. Two [@perrin2018monster; "
            "@becker1963outsiders]. Page [see @becker1963outsiders, p. 12]. "
            "Narrative: @perrin2014accumulating said so [-@perrin2018monster].\n\n"
            "## References\n\n\\bibliography\n")
    project = make_project(tmp_path, {"docs/index.md": page})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<span class="citation" data-cites="perrin2018monster becker1963outsiders">' in html
    html = re.sub(r'</?span(?: class="citation"[^>]*)?>', "", html)
    link = '<a {}class="cite" href="#ref-{}" role="doc-biblioref">{}</a>'
    assert "One (" + link.format('id="cite-perrin2014accumulating" ', "perrin2014accumulating",
                                 "Perrin &amp; Blagden, 2014") + ")" in html
    assert "Two (" + link.format('id="cite-becker1963outsiders" ', "becker1963outsiders",
                                 "Becker, 1963") + "; " + link.format(
        'id="cite-perrin2018monster" ', "perrin2018monster", "Perrin et al., 2018") \
        + ")" in html
    assert "Page (see " + link.format("", "becker1963outsiders", "Becker, 1963, p. 12") + ")" in html
    assert "Narrative: " + link.format("", "perrin2014accumulating",
                                       "Perrin and Blagden (2014)") in html
    assert "said so (" + link.format("", "perrin2018monster", "2018") + ")" in html
    assert "<sup" not in html and "footnote" not in html
    entries = re.findall(r'<div id="ref-([^"]+)" class="csl-entry" role="listitem">(.*?)</div>',
                         html)
    assert [key for key, _ in entries] == [
        "becker1963outsiders", "perrin2014accumulating", "perrin2018monster"]
    assert entries[1][1].startswith("Perrin, C., &amp; Blagden, N. (2014). Accumulating meaning, "
                                    "purpose and opportunities to change")
    assert "<em>Psychology, Crime &amp; Law</em>, <em>20</em>(9), 902–920." in entries[1][1]
    assert entries[0][1].startswith("Becker, H. S. (1963). <em>Outsiders: Studies in the "
                                    "sociology of deviance</em>. The Free Press.")
    assert '<a href="bibliography/#ref-becker1963outsiders">In the bibliography</a>' in entries[0][1]
    body = sitecheck.visible_text(html.split('<article', 1)[1].split("</article>", 1)[0])
    assert "\\" not in body and "--" not in body and "{.nocase}" not in body and "@" not in body


def test_locator_without_comma_is_reported_not_crashed():
    problems = citations.check("See [@perrin2014accumulating p. 12].", KEYS, "p.md")
    assert [str(p) for p in problems] == [
        "p.md:1: citation [@perrin2014accumulating p. 12]: put a comma between the key and the "
        "locator, like [@key, p. 12]"]


def test_a_citation_inside_a_links_text_is_located():
    """`[the study [@key]](…)` put a link (the citation) inside a link."""
    text = ("One [study [@perrin2014accumulating]](https://example.org/) here.\n"
            "Two [study](https://example.org/) [@perrin2014accumulating], fine.\n"
            "`[in code [@perrin2014accumulating]](x)` and [@perrin2014accumulating](x).\n")
    assert [str(p) for p in citations.check(text, KEYS, "p.md")] == [
        "p.md:1: citation [@perrin2014accumulating] is inside a link's text, which would put a "
        "link inside a link; move it after the link: […](…) [@perrin2014accumulating]"]
    html = __import__("markdown").markdown(text.split("\n")[0])
    # the citation sits inside the one link, where it would become a link of its own
    assert html.count("<a ") == 1 and "study [@perrin2014accumulating]</a>" in html


def test_a_locator_range_without_its_last_page_is_reported():
    problems = citations.check("See [@perrin2014accumulating, pp. 12--] and "
                               "[@perrin2014accumulating, pp. 12--15].", KEYS, "p.md")
    assert [str(p) for p in problems] == [
        "p.md:1: citation [@perrin2014accumulating, pp. 12--]: the page range lacks its last page "
        "(pandoc would print 'pp. 12–12'); give both, like [@key, pp. 12--15]"]


def test_email_addresses_in_brackets_are_not_citations():
    text = "Write to [guide@example.org](mailto:guide@example.org) or [x@y.com] or guide@example.org."
    assert citations.find(text) == []
    assert citations.check(text, KEYS, "p.md") == []


def test_malformed_locator_fails_the_build_without_traceback(tmp_path):
    project = make_project(tmp_path, {"docs/index.md": "# Home\n\nSee [@nosuchkey2020 p. 12].\n"})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "docs/index.md:7: citation [@nosuchkey2020 p. 12]: put a comma" in result.stderr


def test_escaped_at_prints_as_an_at_sign(tmp_path):
    page = "# Home\n\nOur handle is \\@perrin2014accumulating, not a citation.\n"
    project = make_project(tmp_path, {"docs/index.md": page})
    result = mkdocs_build(project / "site", project / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Our handle is &#64;perrin2014accumulating, not a citation." in html
    assert 'class="cite"' not in html and "References" not in html
