"""The "Linking to this guide" page: every address is a link to itself (golden Markdown, then
Python-Markdown as the independent reader, then the built page)."""

from __future__ import annotations

import re

import markdown

from conftest import ROOT, TEST_SITE_URL
from studyguide import links, site
from studyguide.links import Target

SITE = "https://example.org/guide/"
ITEMS = [
    Target("page", "chapters/chapter-2/", "Peer Support in Prisons", "chapters/chapter-2.md", "2"),
    Target("question", "chapters/chapter-2/#ch2-q4", "Who benefits | and how?",
           "chapters/chapter-2.md", "2"),
    Target("term", "glossary/#wounded_healer", "Wounded *healer*", "glossary.md"),
]

EXPECTED = """\
### [Peer Support in Prisons](../chapters/chapter-2.md)

<div class="link-targets">
<table class="link-table">
<thead>
<tr><th>What</th><th>Address</th></tr>
</thead>
<tbody>
<tr><td>The whole page</td><td><a href="https://example.org/guide/chapters/chapter-2/">https://example.org/guide/chapters/chapter-2/</a> <button type="button" class="question-copy link-copy" data-copy="https://example.org/guide/chapters/chapter-2/" aria-label="Copy address https://example.org/guide/chapters/chapter-2/">Copy</button></td></tr>
<tr><td>ch2-q4: Who benefits | and how?</td><td><a href="https://example.org/guide/chapters/chapter-2/#ch2-q4">https://example.org/guide/chapters/chapter-2/#ch2-q4</a> <button type="button" class="question-copy link-copy" data-copy="https://example.org/guide/chapters/chapter-2/#ch2-q4" aria-label="Copy address https://example.org/guide/chapters/chapter-2/#ch2-q4">Copy</button></td></tr>
</tbody>
</table>
</div>

### [Wounded *healer*](../glossary.md)

<div class="link-targets">
<table class="link-table">
<thead>
<tr><th>What</th><th>Address</th></tr>
</thead>
<tbody>
<tr><td>Term: Wounded *healer*</td><td><a href="https://example.org/guide/glossary/#wounded_healer">https://example.org/guide/glossary/#wounded_healer</a> <button type="button" class="question-copy link-copy" data-copy="https://example.org/guide/glossary/#wounded_healer" aria-label="Copy address https://example.org/guide/glossary/#wounded_healer">Copy</button></td></tr>
</tbody>
</table>
</div>
"""


def test_linking_page_markdown_links_every_address_golden():
    assert links.linking_page_markdown(ITEMS, SITE, "teaching/linking.md") == EXPECTED


def test_every_address_renders_as_a_link_to_itself():
    html = markdown.markdown(links.linking_page_markdown(ITEMS, SITE, "teaching/linking.md"),
                             extensions=["tables", "md_in_html"])
    cells = re.findall(r"<td>(.*?)</td>", html)[1::2]
    assert [re.sub(r" <button .*", "", cell) for cell in cells] == [
        f'<a href="{SITE}{t.path}">{SITE}{t.path}</a>' for t in ITEMS]
    buttons = [re.search(r'<button [^>]*data-copy="([^"]+)"[^>]*>Copy</button>', cell)
               for cell in cells]  # the address to copy is the link's own
    assert [b and b.group(1) for b in buttons] == [f"{SITE}{t.path}" for t in ITEMS]
    assert "<code>" not in html


def test_built_linking_page_links_every_target(site_dir):
    html = (site_dir / "teaching/linking/index.html").read_text(encoding="utf-8")
    targets = site.load(ROOT).targets
    assert len(targets) > 100
    for t in targets:
        url = TEST_SITE_URL + t.path
        assert (f'<td><a href="{url}">{url}</a> <button type="button" class="question-copy '
                f'link-copy" data-copy="{url}" aria-label="Copy address {url}">Copy</button></td>'
                in html), t.path
    tables = re.findall(r'<div class="link-targets">(.*?)</div>', html, re.S)
    assert len(tables) >= 10 and not any("<code>" in table for table in tables)
