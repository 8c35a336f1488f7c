"""Golden fixtures for the Markdown transforms, one folder per behaviour, run without a build:
tests/fixtures/transforms/<behaviour>/ holds the input (Markdown, or a case.yml of records) and
the expected Markdown, written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from studyguide import glossary, sources, transforms

FIXTURES = Path(__file__).parent / "fixtures" / "transforms"


def read(behaviour: str, name: str) -> str:
    return (FIXTURES / behaviour / name).read_text(encoding="utf-8")


def data(behaviour: str, name: str):
    return yaml.safe_load(read(behaviour, name))


def page_from(text: str, rel: str = "docs/chapters/chapter-2.md") -> sources.Page:
    page, problems = sources.parse_page(text, Path(rel), rel)
    assert problems == [] and page is not None
    return page


def run(behaviour: str) -> str:
    if behaviour == "questions":
        return transforms.render_questions(read(behaviour, "input.md"))
    if behaviour == "glossary-usage":
        usage = {k: [tuple(p) for p in v] for k, v in data(behaviour, "usage.yml").items()}
        return glossary.add_usage(read(behaviour, "input.md"), usage)
    if behaviour == "glossary-titles":
        return glossary.add_titles(read(behaviour, "input.md"), data(behaviour, "definitions.yml"))
    if behaviour == "further-reading":
        case = data(behaviour, "case.yml")
        return transforms.further_reading(case["items"], case["references"], case["footer"])
    if behaviour == "reading-map":
        case = data(behaviour, "case.yml")
        pairs = []
        for item in case["chapters"]:
            record = sources.Chapter(item["value"], item["order"], item["label"], "T", item["page"])
            page = page_from(f"---\nkey_concepts: {item['key_concepts']}\n---\n")
            pairs.append((record, page))
        return glossary.reading_map(pairs, glossary.Glossary(terms=case["terms"]))
    if behaviour == "handout":
        record = sources.Chapter("2", 2, "Chapter 2", "A Magnified Effect?",
                                 "chapters/chapter-2.md", 1)
        return transforms.handout(page_from(read(behaviour, "input.md")), record)
    raise AssertionError(f"no runner for {behaviour}")


@pytest.mark.parametrize("behaviour", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_transform_matches_its_golden_output(behaviour):
    assert run(behaviour).rstrip("\n") == read(behaviour, "expected.md").rstrip("\n")
