"""Metadata for sharing and discovery: schema.org JSON-LD for the book and the chapter pages.

Built from the same records as the pages (docs/book/contents.yml and each page's front matter);
the theme prints it in the page head (overrides/main.html).
"""

from __future__ import annotations

import json

from .chapter import plain_text, self_check_items
from .sources import Chapter, Page


def book(contents: dict) -> dict:
    info = contents["book"]
    return {
        "@type": "Book",
        "name": f"{info['title']}: {info['subtitle']}",
        "author": {"@type": "Person", "name": info["author"]},
        "publisher": {"@type": "Organization", "name": info["publisher"]},
        "isbn": info["isbn"],
        "copyrightYear": info["year"],
        "numberOfPages": info["pages"],
        "bookEdition": info["edition"],
        "inLanguage": "en",
    }


def website(site_name: str, site_url: str) -> dict:
    return {"@type": "WebSite", "name": site_name, "url": site_url, "inLanguage": "en-GB"}


def chapter_page(page: Page, record: Chapter, contents: dict, url: str, site_name: str,
                 site_url: str) -> dict:
    """A chapter page as a LearningResource about its chapter, with its self-check as a Quiz."""
    about = {"@type": "Chapter", "name": record.heading,
             "isPartOf": book(contents)}
    quiz = {
        "@type": "Quiz",
        "name": "Check your understanding",
        "hasPart": [question(item) for item in self_check_items(page)],
    }
    return {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": record.heading,
        "description": page.meta.get("description", ""),
        "url": url,
        "inLanguage": "en-GB",
        "learningResourceType": "Study guide",
        "educationalLevel": "Higher education",
        "isAccessibleForFree": True,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isPartOf": website(site_name, site_url),
        "about": about,
        "hasPart": [quiz],
    }


QUESTION_TYPES = {"multiple-choice": "Multiple choice", "true-false": "True or false",
                  "short-answer": "Short answer"}


def question(item) -> dict:
    """One self-check item (a quiz.Item) as a schema.org Question: the answer as the page shows
    it, and a multiple-choice item's other options as suggested answers."""
    data = {"@type": "Question", "identifier": item.id, "name": item.question,
            "eduQuestionType": QUESTION_TYPES[item.type],
            "acceptedAnswer": {"@type": "Answer", "text": plain_text(item.answer)}}
    wrong = [o.text for o in item.options if not o.correct]
    if wrong:
        data["suggestedAnswer"] = [{"@type": "Answer", "text": text} for text in wrong]
    return data


def book_page(contents: dict, url: str, site_name: str, site_url: str) -> dict:
    data = {"@context": "https://schema.org", **book(contents)}
    data["subjectOf"] = {"@type": "WebPage", "url": url, "isPartOf": website(site_name, site_url)}
    return data


def script(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element (safe inside HTML)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
