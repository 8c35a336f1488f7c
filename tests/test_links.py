"""Links that never break: the permalink manifest, redirects, the "Linking to this guide" page
with its CSV and JSON, and the VLE package (IMS Common Cartridge)."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, TEST_SITE_URL
from studyguide import links, sitecheck, site, sources

MANIFEST = Path(__file__).parent / "permalinks.txt"
NS = {"cc": links.CC_NS, "wl": links.WL_NS}


CONFIG = sources.load_config(ROOT)[0]
REDIRECTS = next(p["redirects"]["redirect_maps"] for p in CONFIG["plugins"]
                 if isinstance(p, dict) and "redirects" in p)


@pytest.fixture(scope="module")
def targets():
    return site.load(ROOT).targets


def resolves(site_dir: Path, address: str) -> bool:
    path, _, anchor = address.partition("#")
    file = site_dir / path / "index.html" if path.endswith("/") or not path else site_dir / path
    if not file.is_file():
        return False
    return not anchor or anchor in sitecheck.parse_page(file.read_text(encoding="utf-8")).ids


def redirected(address: str) -> bool:
    old = address.partition("#")[0]
    return any(links.bibpage.page_url(src) == old for src in REDIRECTS)


def test_no_published_address_ever_disappears(site_dir):
    missing = [a for a in links.read_manifest(MANIFEST)
               if not resolves(site_dir, a) and not redirected(a)]
    assert not missing, ("published addresses no longer resolve (restore them, or add a redirect "
                         f"in mkdocs.yml for a moved page): {missing}")


def test_every_linkable_target_is_in_the_manifest(targets):
    published = set(links.read_manifest(MANIFEST))
    new = [t.path for t in targets if t.path not in published]
    assert not new, ("append these new addresses to tests/permalinks.txt:\n"
                     + "\n".join("/" + path for path in new))


def test_manifest_lines_are_read_with_or_without_the_leading_slash(tmp_path):
    manifest = tmp_path / "permalinks.txt"
    manifest.write_text("# a comment\n\n/glossary/#generativity\nglossary/#knifing-off\n"
                        "  /chapters/  \n", encoding="utf-8")
    assert links.read_manifest(manifest) == ["glossary/#generativity", "glossary/#knifing-off",
                                             "chapters/"]


def test_manifest_covers_every_kind_of_target(targets):
    kinds = {t.kind for t in targets}
    assert kinds == set(links.KINDS)
    published = links.read_manifest(MANIFEST)
    assert "chapters/chapter-2/#ch2-q4" in published
    assert "glossary/#generativity" in published
    assert "bibliography/#ref-perrin2014accumulating" in published
    assert "chapters/chapter-4/#seminar-questions" in published


def test_every_redirect_is_followed_to_its_page(base_url):
    assert REDIRECTS
    for old, new in REDIRECTS.items():
        old_url = base_url + links.bibpage.page_url(old)
        with urllib.request.urlopen(old_url) as response:
            body = response.read().decode("utf-8")
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', body).group(1)
        final = urllib.parse.urljoin(old_url, target)
        assert final == base_url + links.bibpage.page_url(new), old
        with urllib.request.urlopen(final) as response:
            assert response.status == 200
            assert "<h1" in response.read().decode("utf-8")


def test_linking_page_lists_every_target_with_its_full_url(site_dir, targets):
    html = (site_dir / "teaching/linking/index.html").read_text(encoding="utf-8")
    for t in targets:
        url = TEST_SITE_URL + t.path
        assert f'<a href="{url}">{url}</a>' in html, t.path
    assert "ch2-q4: " in html


def test_csv_and_json_list_the_same_targets(site_dir, targets):
    rows = list(csv.DictReader(io.StringIO((site_dir / "downloads/links.csv").read_text(encoding="utf-8"))))
    data = json.loads((site_dir / "downloads/links.json").read_text(encoding="utf-8"))
    expected = [TEST_SITE_URL + t.path for t in targets]
    assert [r["url"] for r in rows] == expected
    assert [d["url"] for d in data] == expected
    for row in rows:
        assert resolves(site_dir, row["url"][len(TEST_SITE_URL):]), row["url"]


def test_vle_package_is_a_valid_cartridge_of_working_links(site_dir, targets):
    archive = zipfile.ZipFile(site_dir / "downloads" / "peer-support-in-prison.imscc")
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{links.CC_NS}}}manifest"
    assert manifest.find("cc:metadata/cc:schema", NS).text == "IMS Common Cartridge"
    assert manifest.find("cc:metadata/cc:schemaversion", NS).text == "1.1.0"
    resources = {r.get("identifier"): r for r in manifest.iterfind("cc:resources/cc:resource", NS)}
    items = list(manifest.iterfind(".//cc:item[@identifierref]", NS))
    assert {i.get("identifierref") for i in items} == set(resources)
    urls = []
    for ident, resource in resources.items():
        if resource.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment":
            continue  # a chapter's self-check quiz: tests/test_quiz.py reads these
        assert resource.get("type") == "imswl_xmlv1p1"
        href = resource.find("cc:file", NS).get("href")
        link = ET.fromstring(archive.read(href))
        url = link.find("wl:url", NS).get("href")
        assert link.find("wl:title", NS).text
        assert url.startswith(TEST_SITE_URL) and resolves(site_dir, url[len(TEST_SITE_URL):]), url
        urls.append(url)
    expected = [TEST_SITE_URL + t.path for t in targets
                if t.chapter and t.kind in ("page", "question")]
    assert sorted(urls) == sorted(expected)
    # organised by part, then chapter
    top = manifest.find("cc:organizations/cc:organization/cc:item", NS)
    groups = [g.find("cc:title", NS).text for g in top.findall("cc:item", NS)]
    assert groups == ["Introduction",
                      "Part 1: Humanity and Interdependency in the Bleakness of Prison",
                      "Part 2: Narrativising Redemption and Recovery from Offending Behaviour",
                      "Part 3: Obstacles and Implications for Life After Prison",
                      "Conclusion"]
    part1 = top.findall("cc:item", NS)[1]
    assert [c.find("cc:title", NS).text.split(":")[0] for c in part1.findall("cc:item", NS)] == \
        ["Chapter 1", "Chapter 2"]


def test_short_reference_of_a_work_without_author():
    from studyguide.bibliography import Entry

    entry = Entry("hmpps2020guidance", "misc", 1, fields={"title": "Guidance", "year": "2020",
                                                            "howpublished": "HM Prison Service"})
    assert links.short_reference(entry) == "HM Prison Service (2020). Guidance"
