"""Metadata for sharing and discovery: description, Open Graph, canonical URL, schema.org JSON-LD
(the book as a Book with its ISBN, chapter pages as LearningResources with a Quiz) and a sitemap."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

from conftest import TEST_SITE_URL, built_pages
from studyguide import chapter, site

ROOT = Path(__file__).resolve().parent.parent


def meta(html: str, attr: str, name: str) -> str | None:
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    return htmllib.unescape(match.group(1)) if match else None


def jsonld(html: str) -> list[dict]:
    return [json.loads(m) for m in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_every_page_has_description_open_graph_and_canonical(site_dir):
    for rel in built_pages(site_dir):
        if rel in ("404.html", "503.html"):  # error and offline pages: served at any address
            continue
        html = (site_dir / rel).read_text(encoding="utf-8")
        description = meta(html, "name", "description")
        assert description and len(description) <= 160, rel
        assert meta(html, "property", "og:title"), rel
        assert meta(html, "property", "og:description") == description, rel
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        assert canonical.startswith(TEST_SITE_URL), rel
        assert meta(html, "property", "og:url") == canonical, rel


def test_chapter_pages_are_learning_resources_about_their_chapter(site_dir):
    guide = site.load(ROOT)
    for src, page in guide.chapters.items():
        html = (site_dir / src.replace(".md", "/index.html")).read_text(encoding="utf-8")
        [data] = jsonld(html)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "LearningResource"
        assert data["url"] == TEST_SITE_URL + src.replace(".md", "/")
        assert data["description"] == page.meta["description"]
        assert data["about"]["@type"] == "Chapter"
        assert page.meta["title"] in data["about"]["name"]
        book = data["about"]["isPartOf"]
        assert book["@type"] == "Book" and book["isbn"] == "9780367894252"
        [quiz] = data["hasPart"]
        assert quiz["@type"] == "Quiz"
        checks = chapter.self_checks(page)
        assert len(quiz["hasPart"]) == len(checks) >= 5
        for question, check in zip(quiz["hasPart"], checks):
            assert question["@type"] == "Question" and question["name"] == check.question
            assert question["acceptedAnswer"]["@type"] == "Answer"
            assert question["acceptedAnswer"]["text"] and "**" not in question["acceptedAnswer"]["text"]


def test_book_page_describes_the_book(site_dir):
    [data] = jsonld((site_dir / "book/index.html").read_text(encoding="utf-8"))
    assert data["@type"] == "Book"
    assert data["isbn"] == "9780367894252"
    assert data["author"] == {"@type": "Person", "name": "Christian Perrin"}
    assert data["publisher"]["name"] == "Routledge"
    assert data["copyrightYear"] == 2025 and data["numberOfPages"] == 176


def test_sitemap_lists_every_page(site_dir):
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    for rel in built_pages(site_dir):
        if rel in ("404.html", "503.html"):  # error and offline pages: served at any address
            continue
        url = TEST_SITE_URL + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        assert url in locations, url
