"""Helplines, written once: `<!-- guide:helpline name="samaritans" -->` on any page renders the
numbers as `tel:` links and the website as an `https:` link, from this table and a template:
templates/helpline-<name>.md.j2 where a service has a sentence of its own, otherwise
templates/helpline-number.md.j2. The sentence around the marker stays in the page's own words.

Numbers and addresses as the services publish them (samaritans.org; stopitnow.org.uk/helpline/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import templates
from .markers import Marker
from .problems import Problem


@dataclass(frozen=True)
class Number:
    shown: str       # as printed: "116 123"
    where: str       # who can call it, as the page says: "UK and Ireland", "free from the UK"

    @property
    def tel(self) -> str:
        """RFC 3966: the digits, with a leading + kept (116 123 -> tel:116123)."""
        return "tel:" + re.sub(r"[^\d+]", "", self.shown)


@dataclass(frozen=True)
class Helpline:
    name: str
    numbers: tuple[Number, ...]
    site: str        # as printed: "samaritans.org"
    url: str         # the https address the site link opens


HELPLINES: dict[str, Helpline] = {
    "samaritans": Helpline("Samaritans", (Number("116 123", "UK and Ireland"),),
                           "samaritans.org", "https://www.samaritans.org/"),
    "stop-it-now": Helpline("Stop It Now!", (Number("0808 1000 900", "free from the UK"),
                                             Number("+44 1372 847 161", "from Ireland")),
                            "stopitnow.org.uk", "https://www.stopitnow.org.uk/helpline/"),
    # The services on the teaching page on sensitive topics (numbers as each service's own
    # site gives them; the page links each site beside the number).
    "rape-crisis-scotland": Helpline("Rape Crisis Scotland", (Number("08088 01 03 02", ""),),
                                     "rapecrisisscotland.org.uk",
                                     "https://www.rapecrisisscotland.org.uk/"),
    "ni-abuse-helpline": Helpline("Domestic and Sexual Abuse Helpline",
                                  (Number("0808 802 1414", ""),), "nexusni.org",
                                  "https://nexusni.org/"),
    "drcc": Helpline("Dublin Rape Crisis Centre", (Number("1800 77 88 88", ""),), "drcc.ie",
                     "https://drcc.ie/"),
    "pact": Helpline("Prisoners' Families Helpline", (Number("0808 808 3444", ""),),
                     "prisonadvice.org.uk", "https://www.prisonadvice.org.uk/pact-helpline"),
    "families-outside": Helpline("Families Outside", (Number("0800 254 0088", ""),),
                                 "familiesoutside.org.uk", "https://www.familiesoutside.org.uk/"),
}


class UnknownHelpline(ValueError):
    pass


def render(name: str) -> str:
    helpline = HELPLINES.get(name)
    if helpline is None:
        raise UnknownHelpline(f"unknown helpline '{name}'; known: {', '.join(sorted(HELPLINES))}")
    own = templates.TEMPLATES / f"helpline-{name}.md.j2"  # a sentence of its own, or just the number
    return templates.render(own.name if own.exists() else "helpline-number.md.j2", helpline=helpline)


def render_marker(marker: Marker) -> str:
    return render(marker.args.get("name", ""))


def problems(found: list[Marker], rel: str) -> list[Problem]:
    """Located problems for helpline markers whose name is missing or unknown."""
    import difflib

    result = []
    for m in found:
        if m.name != "helpline" or m.args.get("name") in HELPLINES:
            continue
        close = difflib.get_close_matches(m.args.get("name") or "", sorted(HELPLINES), n=1)
        hint = f'did you mean name="{close[0]}"?' if close else \
            "known names: " + ", ".join(sorted(HELPLINES))
        result.append(Problem(rel, m.line, f"helpline marker has {_name(m)}; {hint}"))
    return result


def _name(marker: Marker) -> str:
    name = marker.args.get("name")
    return "no name" if name is None else f'the unknown name "{name}"'
