"""Pages: front matter, the chapter page model, seminar questions and the glossary's terms.

A chapter page (docs/chapters/*.md with a `chapter` field) must follow the model set out in the
README ("The chapter page model"). `validate_chapter()` returns every way a page departs from it,
each located in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .mdlines import code_mask
from .problems import Problem

SECTIONS = [
    "At a glance",
    "Summary",
    "Key concepts",
    "Seminar questions",
    "Check your understanding",
    "Seminar activity",
    "Further reading",
    "Connections",
    "References",
]
CONTENT_NOTES = {"suicide", "self-harm", "sexual-offending"}
DESCRIPTION_MAX = 160
LIMITS = {
    "outcomes": (4, 6),
    "summary_words": (600, 1000),
    "questions": (8, 12),
    "self_checks": (5, 8),
    "activity_minutes": (45, 60),
    "further_reading": (5, 10),
}
FURTHER_READING_MARK = "<!-- further-reading"

QUESTION_RE = re.compile(r"^(?P<indent>\s*)(?P<num>\d+)\.\s+\{#(?P<id>[^}\s]*)\}\s*(?P<text>.*)$")
SELF_CHECK_RE = re.compile(r'^\?\?\?\+?\s+question\s+"(?P<title>[^"]*)"')
H2_RE = re.compile(r"^##\s+(?P<title>.+?)\s*(\{[^}]*\})?\s*$")
GLOSSARY_TERM_RE = re.compile(r"^###\s+(?P<term>.+?)\s+\{#(?P<id>[a-z0-9-]+)\}\s*$")
CITATION_RE = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
TIME_RE = re.compile(r"\*\*Time:\*\*\s*(?P<minutes>\d+)\s*minutes", re.I)


@dataclass
class Question:
    id: str
    number: int
    text: str
    line: int


@dataclass
class Page:
    path: Path
    rel: str
    meta: dict
    body: str
    body_line: int  # line number (1-based) of the body's first line in the file
    meta_lines: dict[str, int] = field(default_factory=dict)

    @property
    def is_chapter(self) -> bool:
        return "chapter" in self.meta

    @property
    def chapter_id(self) -> str:
        """Question-id prefix: ch1…ch6, intro, concl."""
        chapter = self.meta.get("chapter")
        return {"introduction": "intro", "conclusion": "concl"}.get(str(chapter), f"ch{chapter}")


# The front-matter block as MkDocs reads it (mkdocs/utils/meta.py).
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*\n", re.S)


def read_page(path: Path, root: Path) -> tuple[Page | None, list[Problem]]:
    rel = str(path.relative_to(root))
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    match = FRONT_MATTER_RE.match(text)
    if not match:
        if text.startswith("---"):
            return None, [Problem(rel, 1, "front matter is never closed; end it with a line '---'")]
        return Page(path, rel, {}, text, 1), []
    raw = match.group(1) or ""
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(err, "problem", None) or str(err).split("\n")[0]
        return None, [Problem(rel, line, f"front matter is not valid YAML ({problem}); "
                              "quote values that contain ':' or quotes")]
    if not isinstance(meta, dict):
        return None, [Problem(rel, 2, "front matter must be 'name: value' lines")]
    meta_lines = {}
    for number, line in enumerate(raw.split("\n"), 2):
        found = re.match(r"^([A-Za-z_]+):", line)
        if found:
            meta_lines[found.group(1)] = number
    body_line = text.count("\n", 0, match.end()) + 1
    return Page(path, rel, meta, text[match.end():], body_line, meta_lines), []


def sections(page: Page) -> list[tuple[str, int, str]]:
    """(title, file line, text) of each level-2 section of the body, outside code fences."""
    found: list[tuple[str, int, list[str]]] = []
    for offset, (line, in_code) in enumerate(zip(page.body.split("\n"), code_mask(page.body))):
        match = None if in_code else H2_RE.match(line)
        if match:
            found.append((match.group("title"), page.body_line + offset, []))
        elif found:
            found[-1][2].append(line)
    return [(title, line, "\n".join(lines)) for title, line, lines in found]


def questions(page: Page) -> list[Question]:
    result = []
    for title, line, text in sections(page):
        if title != "Seminar questions":
            continue
        for offset, row in enumerate(text.split("\n"), 1):
            match = QUESTION_RE.match(row)
            if match and not match.group("indent"):
                result.append(Question(match.group("id"), int(match.group("num")),
                                       match.group("text").strip(), line + offset))
    return result


def words(text: str) -> int:
    return len(CITATION_RE.sub(" ", text).split())


def glossary_terms(path: Path) -> dict[str, str]:
    """Glossary id -> term, from the `### Term {#id}` headings of docs/glossary.md."""
    if not path.is_file():
        return {}
    terms = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = GLOSSARY_TERM_RE.match(line)
        if match:
            terms[match.group("id")] = match.group("term")
    return terms


def expected_titles(contents: list[dict]) -> dict[str, dict]:
    """chapter value (as text) -> its record in the book's contents."""
    return {str(item["chapter"]): item for item in contents}


def validate_chapter(page: Page, contents: list[dict], glossary: set[str],
                     bib_keys) -> list[Problem]:
    problems: list[Problem] = []
    meta = page.meta

    def at(line: int, message: str) -> None:
        problems.append(Problem(page.rel, line, message))

    def meta_at(name: str) -> int:
        return page.meta_lines.get(name, 1)

    # Front matter
    for name in ("title", "chapter", "description", "key_concepts", "further_reading"):
        if name not in meta:
            at(1, f"front matter: missing required field '{name}'")
    record = expected_titles(contents).get(str(meta.get("chapter")))
    if "chapter" in meta and record is None:
        at(meta_at("chapter"), f"front matter: chapter '{meta['chapter']}' is not in the book's "
           "contents; use 1-6, introduction or conclusion")
    if record:
        if meta.get("title") != record["title"]:
            at(meta_at("title"), f"front matter: title {meta.get('title')!r} differs from the "
               f"publisher's contents {record['title']!r}; copy it exactly")
        if meta.get("part") != record.get("part"):
            at(meta_at("part"), f"front matter: part should be {record.get('part')!r} "
               f"for this chapter, not {meta.get('part')!r}")
    description = meta.get("description")
    if description is not None:
        if not isinstance(description, str) or not description.strip():
            at(meta_at("description"), "front matter: description must be one sentence of text")
        elif len(description) > DESCRIPTION_MAX:
            at(meta_at("description"), f"front matter: description too long ({len(description)} "
               f"characters; at most {DESCRIPTION_MAX}); shorten it")
    notes = meta.get("content_notes") or []
    if not _strings(notes):
        at(meta_at("content_notes"), "front matter: content_notes must be a list such as "
           "[suicide, self-harm]")
        notes = []
    for note in notes:
        if note not in CONTENT_NOTES:
            at(meta_at("content_notes"), f"front matter: unknown content note '{note}'; use "
               + ", ".join(sorted(CONTENT_NOTES)))
    concepts = meta.get("key_concepts") or []
    if not _strings(concepts) or not concepts:
        at(meta_at("key_concepts"), "front matter: key_concepts must list glossary ids")
        concepts = []
    for concept in concepts:
        if concept not in glossary:
            at(meta_at("key_concepts"), f"front matter: unknown glossary id '{concept}' in "
               "key_concepts; add it to docs/glossary.md or correct it")
    reading = meta.get("further_reading") or []
    low, high = LIMITS["further_reading"]
    if not isinstance(reading, list) or not low <= len(reading) <= high:
        at(meta_at("further_reading"), f"front matter: further_reading needs {low}-{high} works "
           f"(has {len(reading) if isinstance(reading, list) else 0})")
        reading = reading if isinstance(reading, list) else []
    for item in reading:
        if not isinstance(item, dict) or not _strings([item.get("key"), item.get("why")]) \
                or not item["key"] or not item["why"].strip():
            at(meta_at("further_reading"), "front matter: each further_reading item needs "
               "'key' (a bibliography key) and 'why' (one line)")
        elif item["key"] not in bib_keys:
            at(meta_at("further_reading"), f"front matter: unknown bibliography key "
               f"'{item['key']}' in further_reading")

    # Body: sections present and in order
    found = sections(page)
    titles = [title for title, _, _ in found]
    for name in SECTIONS:
        if name not in titles:
            at(page.body_line, f"missing section '## {name}'")
    present = [t for t in titles if t in SECTIONS]
    if present != [s for s in SECTIONS if s in present]:
        at(page.body_line, "sections out of order; the order is: " + ", ".join(SECTIONS))
    by_title = {title: (line, text) for title, line, text in found}

    if notes and not re.search(r'^!!!\s+warning\s+"Content note"', page.body.split("\n## ")[0],
                                re.M):
        at(page.body_line, "content_notes is set but the page has no '!!! warning \"Content "
           "note\"' under its title")

    if "At a glance" in by_title:
        line, text = by_title["At a glance"]
        outcomes = re.findall(r"^\d+\.\s+\S", text, re.M)
        low, high = LIMITS["outcomes"]
        if not low <= len(outcomes) <= high:
            at(line, f"At a glance: needs {low}-{high} numbered learning outcomes "
               f"(has {len(outcomes)}); missing learning outcomes")
    if "Summary" in by_title:
        line, text = by_title["Summary"]
        count = words(text)
        low, high = LIMITS["summary_words"]
        if not low <= count <= high:
            at(line, f"Summary: {count} words; it needs {low}-{high}")
    if "Key concepts" in by_title:
        line, text = by_title["Key concepts"]
        linked = set(re.findall(r"glossary\.md#([a-z0-9-]+)", text))
        for concept in concepts:
            if concept not in linked:
                at(line, f"Key concepts: no link to ../glossary.md#{concept} "
                   "(listed in key_concepts)")
    if "Seminar questions" in by_title:
        problems += _question_problems(page, by_title["Seminar questions"][0])
    if "Check your understanding" in by_title:
        line, text = by_title["Check your understanding"]
        items = re.split(r"^(?=\?\?\?)", text, flags=re.M)[1:]
        low, high = LIMITS["self_checks"]
        if not low <= len(items) <= high:
            at(line, f"Check your understanding: needs {low}-{high} '??? question' items "
               f"(has {len(items)})")
        for item in items:
            if not SELF_CHECK_RE.match(item):
                at(line, "Check your understanding: items are '??? question \"N. …\"' blocks")
            elif "**Answer:**" not in item or "*Why:*" not in item:
                title = SELF_CHECK_RE.match(item).group("title")
                at(line, f"Check your understanding: item {title!r} needs '**Answer:**' "
                   "and '*Why:*'")
    if "Seminar activity" in by_title:
        line, text = by_title["Seminar activity"]
        match = TIME_RE.search(text)
        low, high = LIMITS["activity_minutes"]
        if not match:
            at(line, "Seminar activity: state its length as '**Time:** N minutes'")
        elif not low <= int(match.group("minutes")) <= high:
            at(line, f"Seminar activity: {match.group('minutes')} minutes; plan {low}-{high}")
    if "Further reading" in by_title:
        line, text = by_title["Further reading"]
        if FURTHER_READING_MARK not in text:
            at(line, "Further reading: keep only the generated-list marker "
               "'<!-- further-reading -->'; the list comes from front matter")
    if "References" in by_title:
        line, text = by_title["References"]
        if "\\bibliography" not in text:
            at(line, "References: the section must contain \\bibliography")
    return problems


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def valid_further_reading(page: Page) -> list[dict]:
    """The well-formed further_reading items of a page (the rest are reported by the validator)."""
    items = page.meta.get("further_reading") or []
    return [i for i in items if isinstance(i, dict) and _strings([i.get("key"), i.get("why")])] \
        if isinstance(items, list) else []


def glossary_problems(path: Path, root: Path) -> list[Problem]:
    """Every term heading must carry a lower-case id, once."""
    if not path.is_file():
        return []
    rel = str(path.relative_to(root))
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.startswith("### "):
            continue
        match = GLOSSARY_TERM_RE.match(line)
        if not match:
            problems.append(Problem(rel, number, "glossary term heading needs a lower-case id, "
                                    "like '### Helper therapy principle {#helper-therapy-principle}'"))
        elif match.group("id") in seen:
            problems.append(Problem(rel, number, f"duplicate glossary id '{match.group('id')}' "
                                    f"(also at line {seen[match.group('id')]})"))
        else:
            seen[match.group("id")] = number
    return problems


def _question_problems(page: Page, section_line: int) -> list[Problem]:
    problems = []
    found = questions(page)
    low, high = LIMITS["questions"]
    if not low <= len(found) <= high:
        problems.append(Problem(page.rel, section_line, f"Seminar questions: needs {low}-{high} "
                                f"questions written '1. {{#{page.chapter_id}-q1}} …' "
                                f"(has {len(found)}); too few questions" if len(found) < low
                                else f"Seminar questions: too many questions ({len(found)}; "
                                f"at most {high})"))
    seen: dict[str, int] = {}
    pattern = re.compile(rf"^{re.escape(page.chapter_id)}-q\d+$")
    for question in found:
        if question.id in seen:
            problems.append(Problem(page.rel, question.line, f"duplicate question id "
                                    f"'{question.id}' (also at line {seen[question.id]}); "
                                    "give the new question the next unused number"))
        seen.setdefault(question.id, question.line)
        if not pattern.match(question.id):
            problems.append(Problem(page.rel, question.line, f"malformed question id "
                                    f"'{question.id}'; use {page.chapter_id}-qN"))
        if not question.text:
            problems.append(Problem(page.rel, question.line, f"question {question.id} has no text"))
    return problems


def render_questions(markdown: str) -> str:
    """Turn `1. {#ch1-q3} Text` into a list item with an anchor and a visible permalink."""
    lines = markdown.split("\n")
    out: list[str] = []
    pending: str | None = None  # id whose permalink goes at the end of the current paragraph
    for line in lines:
        match = QUESTION_RE.match(line)
        if pending and (not line.strip() or match or re.match(r"^\s+(\?\?\?|!!!)", line)):
            out[-1] += _permalink(pending)
            pending = None
        if match:
            qid = match.group("id")
            line = (f"{match.group('indent')}{match.group('num')}. "
                    f'<span class="question-anchor" id="{qid}"></span>{match.group("text")}')
            pending = qid
        out.append(line)
    if pending:
        out[-1] += _permalink(pending)
    return "\n".join(out)


def _permalink(qid: str) -> str:
    return (f' <a class="question-link" href="#{qid}" '
            f'title="Permanent link to question {qid}">{qid}</a>')


def further_reading_markdown(items: list[dict], references: dict[str, str],
                             bibliography_md: str = "../bibliography.md") -> str:
    """The Further reading list: each work's full reference (HTML), why to read it, and a link
    to its entry in the bibliography."""
    return "\n".join(
        f'- <span class="reading-ref">{references.get(item["key"], item["key"])}</span><br>\n'
        f'  <span class="reading-why">{item["why"].strip()}</span>\n'
        f'  [In the bibliography]({bibliography_md}#ref-{item["key"]})'
        for item in items
        if isinstance(item, dict) and item.get("key") and item.get("why")
    )


def replace_further_reading(markdown: str, items: list[dict], references: dict[str, str],
                            footer: str = "") -> str:
    text = further_reading_markdown(items, references) + (f"\n\n{footer}" if footer else "")
    return re.sub(r"^<!-- further-reading[^>]*-->\s*$", lambda _: text, markdown, flags=re.M)


def glossary_usage(chapters: list[Page], contents: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """Glossary id -> [(chapter label, page path)] in book order, from key_concepts."""
    order = {str(item["chapter"]): n for n, item in enumerate(contents)}
    labels = expected_titles(contents)
    usage: dict[str, list[tuple[str, str]]] = {}
    for page in sorted(chapters, key=lambda p: order.get(str(p.meta.get("chapter")), 99)):
        record = labels.get(str(page.meta.get("chapter")))
        if not record:
            continue
        for concept in page.meta.get("key_concepts") or []:
            usage.setdefault(str(concept), []).append((record["label"], record["page"]))
    return usage


def add_glossary_usage(markdown: str, usage: dict[str, list[tuple[str, str]]],
                       prefix: str = "") -> str:
    """After each glossary term's definition, a line linking the chapters that use the term."""
    out: list[str] = []
    current: str | None = None

    def close() -> None:
        if current and usage.get(current):
            links = ", ".join(f"[{label}]({prefix}{path})" for label, path in usage[current])
            while out and not out[-1].strip():
                out.pop()
            out.extend(["", f"*Used in:* {links}", ""])

    for line in markdown.split("\n"):
        match = GLOSSARY_TERM_RE.match(line)
        if match or line.startswith("## "):
            close()
            current = match.group("id") if match else None
        out.append(line)
    close()
    return "\n".join(out)


# --- Glossary definitions as tooltips, and the reading map ---------------------------------------

_GLOSSARY_LINK_RE = re.compile(r"\]\((?P<path>(?:\.\./)*glossary\.md)#(?P<id>[a-z0-9-]+)\)")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def glossary_definitions(path: Path) -> dict[str, str]:
    """Glossary id -> the first sentence of its definition, as plain text."""
    if not path.is_file():
        return {}
    definitions: dict[str, str] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = GLOSSARY_TERM_RE.match(line)
        if match:
            current = match.group("id")
        elif current and line.strip() and not line.startswith(("#", "!!!", "???", "    ")):
            first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", plain_text(line))[0]
            definitions[current] = first.replace('"', "\u201d")
            current = None
    return definitions


def add_glossary_titles(markdown: str, definitions: dict[str, str]) -> str:
    """Links to glossary terms carry the definition as a title, which the theme shows as a
    tooltip on hover and keyboard focus."""
    def titled(match: re.Match) -> str:
        definition = definitions.get(match.group("id"))
        if not definition:
            return match.group(0)
        return f']({match.group("path")}#{match.group("id")} "{definition}")'

    return _GLOSSARY_LINK_RE.sub(titled, markdown)


def reading_map_markdown(chapters: list[Page], contents: list[dict],
                         terms: dict[str, str]) -> str:
    """A table of every key concept, most widely shared first, with links to the pages using it."""
    records = expected_titles(contents)
    order = {str(item["chapter"]): n for n, item in enumerate(contents)}
    where: dict[str, list[tuple[int, str, str]]] = {}
    for page in chapters:
        record = records.get(str(page.meta.get("chapter")))
        if not record:
            continue
        for concept in page.meta.get("key_concepts") or []:
            where.setdefault(concept, []).append(
                (order[str(record["chapter"])], record["label"], Path(record["page"]).name))
    rows = sorted(where.items(), key=lambda item: (-len(item[1]), terms.get(item[0], item[0])))
    lines = ["| Key concept | Where it is a key concept |", "|---|---|"]
    for concept, places in rows:
        links = ", ".join(f"[{label}]({name})" for _, label, name in sorted(places))
        lines.append(f"| [{terms.get(concept, concept)}](../glossary.md#{concept}) | {links} |")
    return "\n".join(lines)


@dataclass
class SelfCheck:
    question: str
    answer: str


def self_checks(page: Page) -> list[SelfCheck]:
    """The 'Check your understanding' items: question (without its number) and answer text."""
    found = []
    for title, _, text in sections(page):
        if title != "Check your understanding":
            continue
        for item in re.split(r"^(?=\?\?\?)", text, flags=re.M)[1:]:
            head = SELF_CHECK_RE.match(item)
            answer = re.search(r"\*\*Answer:\*\*\s*(.+?)(?:\n\s*\n|$)", item, re.S)
            if head and answer:
                question = re.sub(r"^\d+\.\s*", "", head.group("title"))
                found.append(SelfCheck(question, plain_text(answer.group(1))))
    return found


def plain_text(markdown: str) -> str:
    """Markdown inline text as plain text (citations, links and emphasis removed)."""
    text = re.sub(r"\s*" + CITATION_RE.pattern, "", markdown)
    text = _MD_LINK_RE.sub(r"\1", text).replace("**", "").replace("*", "")
    return " ".join(text.split())


def strip_leader_notes(text: str) -> str:
    """Seminar questions without their collapsible "For discussion leaders" notes."""
    return re.sub(r'^\s+\?\?\?\+? note "For discussion leaders"\n(?:(?:[ \t]+.*)?\n)*?(?=\S|\Z)',
                  "", text + "\n", flags=re.M).rstrip() + "\n"


def add_handout_link(markdown: str, target: str) -> str:
    """Under the Seminar questions heading: a link to the chapter's printable handout."""
    return re.sub(r"^## Seminar questions[^\n]*\n",
                  lambda m: m.group(0) + f"\n[Printable seminar handout]({target}) "
                  "(these questions and the seminar activity, on one page)\n",
                  markdown, count=1, flags=re.M)
