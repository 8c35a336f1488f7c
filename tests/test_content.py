"""Truth rules that a machine can check: no ISBN but the book's own, no page numbers of the
book, no long quotation attributed to the book other than its chapter and part titles, and
content notes where the page model requires them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from studyguide import bibliography, citations, site, sources

ROOT = Path(__file__).resolve().parent.parent
BOOK_ISBN = "9780367894252"
PAGES = sorted((ROOT / "docs").rglob("*.md"))
CONTENTS = yaml.safe_load((ROOT / "docs/book/contents.yml").read_text(encoding="utf-8"))
TITLES = {c["title"] for c in CONTENTS["chapters"]} | {p["title"] for p in CONTENTS["parts"]}
QUOTE_RE = re.compile(r"[“\"]([^”\"\n]+)[”\"]")
WORK_TITLES = {" ".join(e.fields.get("title", "").lower().split())
               for e in bibliography.load(ROOT / "bibliography.bib").entries.values()}
BOOK_MENTION_RE = re.compile(r"@perrin2025peer|\bthe book\b|\bPerrin \(2025\)|Perrin, 2025", re.I)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_no_isbn_other_than_the_books(path):
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"\b97[89][\d-]{10,14}\b|\bISBN[:\s]*[\dX-]{10,17}", text):
        digits = re.sub(r"\D", "", match.group(0))
        assert digits == BOOK_ISBN, f"{rel(path)}: ISBN {match.group(0)}"


def test_bibliography_has_no_other_isbn_and_no_book_doi():
    text = (ROOT / "bibliography.bib").read_text(encoding="utf-8")
    assert re.findall(r"isbn\s*=\s*\{([^}]*)\}", text, re.I) == [BOOK_ISBN]
    book = text.split("@book{perrin2025peer", 1)[1].split("\n}", 1)[0]
    assert "doi" not in book.lower()


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_no_page_numbers_of_the_book(path):
    text = path.read_text(encoding="utf-8")
    for cite in citations.find(text):
        if cite.key == "perrin2025peer":
            assert not cite.locator, f"{rel(path)}:{cite.line}: page number of the book"
    assert not re.search(r"Perrin,? \(?2025\)?,? pp?\.\s*\d", text), rel(path)


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_no_long_quotation_attributed_to_the_book(path):
    page, _ = sources.read_page(path, ROOT)
    body = "\n".join(line for line in page.body.split("\n")
                     if not line.lstrip().startswith(("???", "!!!")))  # admonition titles
    for paragraph in re.split(r"\n\s*\n", body):
        if not BOOK_MENTION_RE.search(paragraph):
            continue
        for quoted in QUOTE_RE.findall(paragraph):
            normal = " ".join(quoted.strip(" .,").lower().split())
            if len(quoted.split()) >= 6 and not any(quoted.strip(" .,") in t for t in TITLES) \
                    and not any(normal and normal in t for t in WORK_TITLES):
                pytest.fail(f"{rel(path)}: long quotation beside a mention of the book: "
                            f"“{quoted}”. Paraphrase it.")


def test_pages_with_content_notes_show_them():
    guide = site.load(ROOT)
    for page in guide.chapters.values():
        body = page.body.lower().split("\n## connections", 1)[0]  # pointers to other pages
        needs = set()
        if re.search(r"suicid", body):
            needs.add("suicide")
        # a page that deals with sexual offending, not one that mentions it in passing
        if len(re.findall(r"sexual offen|sexual convictions|sex offender", body)) >= 3:
            needs.add("sexual-offending")
        missing = needs - set(page.meta.get("content_notes") or [])
        assert not missing, f"{page.rel}: discusses {sorted(missing)} without a content note"
