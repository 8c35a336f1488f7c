"""Everything a lecturer can link to, as plain records, and the files built from them.

`targets()` lists every page, chapter section, seminar question, seminar handout, glossary term
and bibliography entry with its site-relative address (`chapters/chapter-2/#ch2-q4`) and a title. The same list
feeds the "Linking to this guide" page, its CSV and JSON downloads, the VLE package and the
permalink manifest that tests keep (tests/permalinks.txt).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from markdown.extensions.toc import slugify

from . import bibpage, quiz, templates
from .chapter import plain_text, questions, sections
from .sources import Chapter, load_config

KINDS = ("page", "section", "question", "handout", "quiz", "term", "reference")


@dataclass(frozen=True)
class Target:
    kind: str      # one of KINDS
    path: str      # site-relative address, e.g. chapters/chapter-2/#ch2-q4
    title: str
    page: str      # docs-relative source of the page it lives on, e.g. chapters/chapter-2.md
    chapter: str = ""  # intro, 1..6, concl for chapter pages
    core: bool = False  # a core seminar question (shown first on the linking page)

    def url(self, site_url: str) -> str:
        return site_url.rstrip("/") + "/" + self.path


def targets(guide, nav_pages: list[str]) -> list[Target]:
    """Every linkable target, page by page in navigation order."""
    found: list[Target] = []
    for src in nav_pages:
        page = guide.pages.get(src)
        if page is None:
            continue
        url = bibpage.page_url(src)
        record = guide.chapter_of(src)
        chapter = record.slug if record else ""
        title = record.heading if record else page.title
        found.append(Target("page", url, title, src, chapter))
        if record:
            for item in sections(page):
                found.append(Target("section", f"{url}#{slugify(item.title, '-')}",
                                    f"{record.label}: {item.title}", src, chapter))
            for question in questions(page):
                found.append(Target("question", f"{url}#{question.id}",
                                    plain_text(question.text), src, chapter, question.core))
            found.append(Target("handout", f"handouts/{record.stem}/",
                                f"Seminar handout: {record.label}", src, chapter))
        if (record and src in guide.quiz) or (src == "chapters/index.md" and guide.quiz):
            found += [Target("quiz", path, title, src, chapter)
                      for path, title in quiz.targets_for(record)]
        if src == "glossary.md":
            for term_id, term in guide.glossary.terms.items():
                found.append(Target("term", f"{url}#{term_id}", term, src))
        if src == "bibliography.md":
            for key in guide.references:
                entry = guide.bib.entries.get(key)
                if entry:
                    found.append(Target("reference", f"{url}#{bibpage.anchor(key)}",
                                        short_reference(entry), src))
    return found


def short_reference(entry) -> str:
    names = [a.split(",")[0] for a in entry.authors or entry.editors]
    if names:
        who = names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2 else "")
    else:
        who = entry.fields.get("institution") or entry.fields.get("howpublished") or "Anonymous"
    return f"{who} ({entry.year or 'n.d.'}). {entry.fields.get('title', '')}"


# --- Files for lecturers --------------------------------------------------------------------------

def to_csv(items: list[Target], site_url: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "chapter", "title", "url"])
    for t in items:
        writer.writerow([t.kind, t.chapter, t.title, t.url(site_url)])
    return out.getvalue()


def to_json(items: list[Target], site_url: str) -> str:
    return json.dumps([{**asdict(t), "url": t.url(site_url)} for t in items],
                      ensure_ascii=False, indent=1)


def manifest(items: list[Target]) -> list[str]:
    """The permalink manifest: one address per line, from the site's root ("/" is the home page)."""
    return ["/" + t.path for t in items]


def linking_page_markdown(items: list[Target], site_url: str, from_src: str) -> str:
    """The tables of the "Linking to this guide" page, one per page: the page itself, then its
    sections, seminar questions, handout, glossary terms or bibliography entries. Each address
    is a link to itself with a "Copy" button beside it (shown when JavaScript runs; guide.js
    has one listener for them all). The tables carry a class of their own, so the theme's
    script and styles for prose tables leave these 24 long tables alone (a lighter page)."""
    up = bibpage.to_root(from_src)
    blocks: list[str] = []
    by_page: dict[str, list[Target]] = {}
    for t in items:
        by_page.setdefault(t.page, []).append(t)
    for src, group in by_page.items():
        # the page's core questions first, then the others, each in page order
        questions_ = [t for t in group if t.kind == "question"]
        ordered = iter(sorted(questions_, key=lambda t: not t.core))
        group = [next(ordered) if t.kind == "question" else t for t in group]
        head = group[0]
        blocks.append(f"### [{head.title}]({up}{src})\n")
        rows = []
        for t in group:
            if t.kind == "page":
                text = "The whole page"
            elif t.kind == "handout":
                text = "Printable seminar handout"
            else:
                label = {"section": "Section", "term": "Term", "reference": "Entry",
                         "quiz": "Quiz bank"}.get(
                    t.kind, t.path.split("#")[-1] + (" (core)" if t.core else ""))
                text = f"{label}: {t.title}"
            rows.append((text, t.url(site_url)))  # the address is both the link and its text
        blocks.append(templates.render("link-targets.html.j2", rows=rows) + "\n")
    return "\n".join(blocks)


# --- IMS Common Cartridge (web links) -------------------------------------------------------------

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"


def _weblink(title: str, href: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<webLink xmlns="{WL_NS}">\n  <title>{html.escape(title)}</title>\n'
            f'  <url href="{html.escape(href)}" target="_blank"/>\n</webLink>\n')


def cartridge(items: list[Target], contents: dict, records: list[Chapter], site_url: str,
              title: str, assessments: dict[str, tuple[str, bytes]] | None = None) -> bytes:
    """An IMS Common Cartridge 1.1 of web links, one per chapter page and per seminar question,
    and each chapter's self-check quiz (`assessments`: slug -> title and QTI in the cartridge
    profile), organised by part and chapter."""
    resources: list[tuple[str, str]] = []  # (identifier, file)
    types: dict[str, str] = {}             # identifier -> resource type other than a web link
    files: dict[str, str | bytes] = {}
    parts = {p["part"]: p["title"] for p in contents["parts"]}

    def link(target: Target, label: str) -> str:
        ident = "R" + re.sub(r"[^A-Za-z0-9]", "_", target.path).strip("_")
        name = f"links/{ident}.xml"
        files[name] = _weblink(label, target.url(site_url))
        resources.append((ident, name))
        return f'<item identifier="I{ident}" identifierref="{ident}"><title>{html.escape(label)}</title></item>'

    groups: list[tuple[str, list[str]]] = []
    for record in records:
        slug = record.slug
        chapter_items = [t for t in items if t.chapter == slug]
        page = next((t for t in chapter_items if t.kind == "page"), None)
        if page is None:
            continue
        children = [link(page, f"{record.heading} (study guide page)")]
        children += [link(q, f"{q.path.split('#')[1]}: {q.title}")
                     for q in chapter_items if q.kind == "question"]
        if slug in (assessments or {}):
            label, xml = assessments[slug]
            ident = f"Q{slug}"
            files[f"{ident}/assessment.xml"] = xml
            resources.append((ident, f"{ident}/assessment.xml"))
            types[ident] = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
            children.append(f'<item identifier="I{ident}" identifierref="{ident}">'
                            f'<title>{html.escape(label)}</title></item>')
        heading = f"Part {record.part}: {parts[record.part]}" if record.part else record.label
        chapter_xml = (f'<item identifier="C{slug}"><title>{html.escape(record.heading)}</title>'
                       + "".join(children) + "</item>")
        if groups and groups[-1][0] == heading:
            groups[-1][1].append(chapter_xml)
        else:
            groups.append((heading, [chapter_xml]))
    organisation = "".join(
        f'<item identifier="G{n}"><title>{html.escape(heading)}</title>{"".join(chapters)}</item>'
        for n, (heading, chapters) in enumerate(groups, 1))
    resource_xml = "".join(
        f'<resource identifier="{ident}" type="{types.get(ident, "imswl_xmlv1p1")}">'
        f'<file href="{name}"/></resource>'
        for ident, name in resources)
    manifest_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="peer-support-in-prison-study-guide" xmlns="{CC_NS}" '
        f'xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">\n'
        f'<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>'
        f'<lomimscc:lom><lomimscc:general><lomimscc:title><lomimscc:string language="en-GB">'
        f'{html.escape(title)}</lomimscc:string></lomimscc:title></lomimscc:general></lomimscc:lom>'
        f'</metadata>\n'
        f'<organizations><organization identifier="O1" structure="rooted-hierarchy">'
        f'<item identifier="ROOT">{organisation}</item></organization></organizations>\n'
        f'<resources>{resource_xml}</resources>\n</manifest>\n')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("imsmanifest.xml", manifest_xml), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def read_manifest(path: Path) -> list[str]:
    """Site-relative addresses of a manifest file (as Target.path: no leading "/"). Every
    line but a blank one or a '#' comment is an address, with or without its leading "/"."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line.removeprefix("/") for line in lines if line and not line.startswith("#")]


def site_host(root: Path) -> str | None:
    from urllib.parse import urlsplit

    config, _, _ = load_config(root)
    return urlsplit(config.get("site_url") or "").hostname
