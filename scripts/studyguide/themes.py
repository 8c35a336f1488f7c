"""The bibliography's themes: each `keywords` slug and the words a reader sees for it.

One table, used for every place a theme is shown: the entries on the bibliography page and the
theme filter's options. `bibliography.THEMES` (the slugs `make check` accepts) is the same set;
tests/test_bibliography_page.py checks that the two agree.
"""

from __future__ import annotations

THEME_LABELS: dict[str, str] = {
    "active-citizenship": "Active citizenship",
    "desistance": "Desistance",
    "generativity": "Generativity",
    "hope-future-selves": "Hope and future selves",
    "listeners-suicide-prevention": "Listeners and suicide prevention",
    "meaning-existential": "Meaning and existential questions",
    "mental-health": "Mental health",
    "mentoring": "Mentoring",
    "narrative-identity": "Narrative identity",
    "peer-support": "Peer support",
    "policy": "Policy",
    "prison-life-climate": "Prison life and climate",
    "reintegration": "Reintegration",
    "research-methods": "Research methods",
    "restorative-justice": "Restorative justice",
    "sexual-offending": "Sexual offending",
    "stigma-labelling": "Stigma and labelling",
}


def label(slug: str) -> str:
    """The reader's words for a theme; an unknown slug (rejected by `make check`) as words."""
    return THEME_LABELS.get(slug, slug.replace("-", " ").capitalize())
