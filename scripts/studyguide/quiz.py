"""The self-check items as data: one file per chapter page, read once, and everything made from it.

Each chapter page's "Check your understanding" items live in `docs/quiz/<page stem>.yml`
(schema below and in the README). `read()` loads every file through `sources.load_yaml` and
checks it, returning typed `Item` records that carry their file line, or located problems.
From the same records come the on-page self-check (`page_markdown`, which replaces the
`<!-- guide:self-check -->` marker), the schema.org Quiz, and the quiz banks a VLE imports:
GIFT and Moodle XML for Moodle (`to_gift`, `to_moodle_xml`), and QTI 1.2 for Canvas and
Blackboard (`to_qti_zip`; `qti_assessment(…, profile="cc")` for the Common Cartridge).

```yaml
items:
  - id: ch3-s1                # permanent: chapter prefix, -s, a number never reused
    type: multiple-choice     # true-false | multiple-choice | short-answer
    question: "Which …?"      # plain text; curly quotes only (a straight " ends the title)
    options:                  # multiple-choice: 3-5 choices, exactly one correct
      - text: "Interpretative phenomenological analysis"
        correct: true
      - text: "Grounded theory"
    correct: false            # true-false: the right answer
    accept: [Tightness]       # short-answer: answers a VLE marks as right (case ignored)
    answer: "… [@perrin2014accumulating]."   # Markdown, shown on the page and as feedback
    why: "One line on why it matters."
    source: [perrin2014accumulating]   # bibliography keys, "publisher" or "contents"
    lo: [2]                   # the page's learning outcomes (At a glance) it serves
```

Nothing here knows about MkDocs.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from . import citations, templates
from .problems import Problem
from .sources import Chapter, load_yaml, read_text

FOLDER = "docs/quiz"
DOWNLOADS = "downloads/quiz"
WHOLE = "peer-support-in-prison"          # stem of the whole guide's bank
TYPES = ("true-false", "multiple-choice", "short-answer")
ATTRIBUTIONS = {"publisher": "the publisher's description of the book",
                "contents": "the book's contents (part and chapter titles), as the publisher "
                            "lists them"}
OPTIONS = (3, 5)
KEYS = {"id", "type", "question", "options", "correct", "accept", "answer", "why", "source", "lo"}
REQUIRED = ("id", "type", "question", "answer", "why", "source", "lo")
GUIDE_TITLE = "Peer Support in Prison: A Study Guide"
CATEGORY = "Peer Support in Prison study guide"   # a VLE category name (no colon)


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    question: str
    answer: str                    # Markdown (citations allowed)
    why: str                       # Markdown
    source: tuple[str, ...]
    lo: tuple[int, ...]
    options: tuple[Option, ...] = ()
    correct: bool | None = None    # true-false
    accept: tuple[str, ...] = ()   # short-answer
    line: int = 1                  # file line of the item
    lines: dict = field(default_factory=dict, compare=False, hash=False)  # field -> line

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


@dataclass
class Bank:
    """The items of one chapter page, from docs/quiz/<stem>.yml."""
    rel: str                       # docs/quiz/chapter-3.yml
    page: str                      # chapters/chapter-3.md
    chapter: Chapter
    items: list[Item]


def file_for(record: Chapter) -> str:
    return f"{FOLDER}/{record.stem}.yml"


# --- Reading and checking ----------------------------------------------------------------------------

def read(root: Path, records: list[Chapter], bib_keys, pages=None,
         withdrawn: dict[str, str] | None = None) -> tuple[dict[str, Bank], list[Problem]]:
    """Every chapter page's bank, by docs-relative page source, and every problem found.

    `pages` (docs-relative sources that exist) limits the banks looked for to chapter pages
    that are there; a file in docs/quiz/ that names no chapter is a problem."""
    root = Path(root)
    banks: dict[str, Bank] = {}
    problems: list[Problem] = []
    wanted = {file_for(r): r for r in records if pages is None or r.page in pages}
    known = {file_for(r) for r in records}
    for path in sorted((root / FOLDER).glob("*")) if (root / FOLDER).is_dir() else []:
        rel = f"{FOLDER}/{path.name}"
        if rel not in known:
            stems = ", ".join(sorted(Path(w).name for w in known))
            problems.append(Problem(rel, 1, f"no chapter page is called {path.stem}.md; name "
                                    f"each file after its chapter page ({stems})"))
    seen: dict[str, str] = {}
    for rel, record in wanted.items():
        if not (root / rel).is_file():
            problems.append(Problem(rel, 1, f"missing: the self-check items of docs/{record.page} "
                                    "live in this file; create it (the schema is at the top of "
                                    "scripts/studyguide/quiz.py)"))
            continue
        text, found = read_text(root / rel, rel)
        problems += found
        if text is None:
            continue
        bank, found = parse(text, rel, record, bib_keys, withdrawn)
        problems += found
        for item in bank.items:
            if item.id in seen and seen[item.id] != rel:
                problems.append(Problem(rel, item.line_of("id"), f"id '{item.id}' is already "
                                        f"used in {seen[item.id]}; ids are unique site-wide"))
            seen.setdefault(item.id, rel)
        banks[record.page] = bank
    return banks, problems


def parse(text: str, rel: str, record: Chapter, bib_keys,
          withdrawn: dict[str, str] | None = None) -> tuple[Bank, list[Problem]]:
    """One file's items and its problems; an item with a problem is left out of the bank."""
    data, lines, problems = load_yaml(text, rel)
    bank = Bank(rel, record.page, record, [])
    if problems:
        return bank, problems
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return bank, [Problem(rel, 1, "the file holds 'items:', a list of self-check items; "
                              "see the schema in scripts/studyguide/quiz.py")]
    for key in data:
        if key != "items":
            problems.append(Problem(rel, lines.get(str(key), 1), f"unknown key '{key}'; the "
                                    "file holds only 'items:'"))
    pattern = re.compile(rf"^{re.escape(record.prefix)}-s(\d+)$")
    ids: dict[str, int] = {}
    for index, raw in enumerate(data["items"]):
        item, found = _item(raw, index, lines, rel, pattern, record, bib_keys, withdrawn)
        problems += found
        if item is None:
            continue
        if item.id in ids:
            problems.append(Problem(rel, item.line_of("id"), f"duplicate id '{item.id}' (also at "
                                    f"line {ids[item.id]}); give a new item the next unused "
                                    "number"))
            continue
        ids[item.id] = item.line_of("id")
        if not found:
            bank.items.append(item)
    return bank, problems


_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>|<!--")
_URL_RE = re.compile(r"<https?://[^<>\s]+>")


def _feedback_problems(text: str) -> list[str]:
    """An answer or why is one paragraph of Markdown, shown in the page's self-check box and
    written into the VLE files as plain text."""
    problems = []
    if re.search(r"\n[ \t]*\n\s*\S", text.strip()):
        problems.append("holds more than one paragraph; the second would show outside the "
                        "box before the reader answers, so write one paragraph")
    for cluster in citations.clusters(text):
        if cluster.narrative:
            problems.append(f"write {cluster.text} as [{cluster.text}] here: the VLE files "
                            "show the text without its citations' authors")
    tag = _TAG_RE.search(_URL_RE.sub("", text))
    if tag:
        problems.append(f"holds '{tag.group(0)}', which would be read as HTML and not shown; "
                        "write it without angle brackets (HTML comments and guide markers are "
                        "not read here)")
    return problems


def _item(raw, index: int, lines: dict, rel: str, pattern: re.Pattern, record: Chapter,
          bib_keys, withdrawn: dict[str, str] | None = None) -> tuple[Item | None, list[Problem]]:
    base = f"items.{index}"
    line = lines.get(base, 1)
    if not isinstance(raw, dict):
        return None, [Problem(rel, line, "each item is a mapping with id, type, question, answer, "
                              "why, source and lo")]
    where = {k: lines.get(f"{base}.{k}", line) for k in raw}
    name = raw.get("id") if isinstance(raw.get("id"), str) else f"item {index + 1}"
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(rel, where.get(key, line), f"{name}: {message}"))

    for key in raw:
        if key not in KEYS:
            bad(key, f"unknown field '{key}'; the fields are " + ", ".join(sorted(KEYS)))
    for key in REQUIRED:
        if key not in raw:
            bad(key, f"missing '{key}'")
    if problems:
        return None, problems
    if not isinstance(raw["id"], str) or not pattern.match(raw["id"]):
        bad("id", f"id '{raw['id']}' is malformed; use {record.prefix}-sN")
    for key in ("question", "answer", "why"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            bad(key, f"'{key}' must be text")
    if isinstance(raw["question"], str) and '"' in raw["question"]:
        bad("question", "the question contains a straight double quote, which ends the "
            "self-check title; use curly quotes “ ”")
    kind = raw["type"]
    if kind not in TYPES:
        bad("type", f"unknown type '{kind}'; use " + ", ".join(TYPES))
    options: list[Option] = []
    if kind == "multiple-choice":
        opts = raw.get("options")
        low, high = OPTIONS
        if not isinstance(opts, list) or not low <= len(opts) <= high:
            bad("options", f"a multiple-choice item needs {low}-{high} options (has "
                f"{len(opts) if isinstance(opts, list) else 0})")
            opts = opts if isinstance(opts, list) else []
        for n, opt in enumerate(opts):
            at = lines.get(f"{base}.options.{n}", where.get("options", line))
            if not isinstance(opt, dict) or not isinstance(opt.get("text"), str) \
                    or not opt["text"].strip() or set(opt) - {"text", "correct"} \
                    or not isinstance(opt.get("correct", False), bool):
                problems.append(Problem(rel, at, f"{name}: each option is 'text: …' with "
                                        "'correct: true' on the right one"))
                continue
            options.append(Option(opt["text"].strip(), opt.get("correct", False)))
        texts = [o.text.casefold() for o in options]
        if len(set(texts)) != len(texts):
            bad("options", "two options have the same text")
        if options and sum(o.correct for o in options) != 1:
            bad("options", f"exactly one option must have 'correct: true' (has "
                f"{sum(o.correct for o in options)})")
    elif "options" in raw:
        bad("options", f"'options' belongs only on multiple-choice items, not {kind}")
    if kind == "true-false":
        if not isinstance(raw.get("correct"), bool):
            bad("correct" if "correct" in raw else "type", "a true-false item needs "
                "'correct: true' or 'correct: false'")
    elif "correct" in raw:
        bad("correct", "'correct' (true or false) belongs only on true-false items; mark the "
            "right option of a multiple-choice item")
    accept = raw.get("accept")
    if kind == "short-answer":
        if not isinstance(accept, list) or not accept or \
                not all(isinstance(a, str) and a.strip() for a in accept):
            bad("accept" if "accept" in raw else "type", "a short-answer item needs 'accept', "
                "the answers a VLE should mark as right, e.g. [Tightness]")
            accept = []
    elif accept is not None:
        bad("accept", f"'accept' belongs only on short-answer items, not {kind}")
    source = raw["source"]
    if isinstance(source, str):
        source = [source]
    if not isinstance(source, list) or not source or not all(isinstance(s, str) for s in source):
        bad("source", "'source' names what the item rests on: bibliography keys, 'publisher' or "
            "'contents'")
        source = []
    for s in source:
        if s not in ATTRIBUTIONS and s not in bib_keys:
            close = citations.suggestions(s, sorted(bib_keys), n=1)
            bad("source", f"unknown source '{s}'; use a bibliography key"
                + (f" (did you mean '{close[0]}'?)" if close else "")
                + ", 'publisher' or 'contents'")
    lo = raw["lo"]
    if not isinstance(lo, list) or not lo or not all(isinstance(n, int) and not isinstance(n, bool)
                                                      and n > 0 for n in lo):
        bad("lo", "'lo' lists the learning outcomes it serves, e.g. [2, 4]")
        lo = []
    for key in ("answer", "why", "question"):
        if isinstance(raw[key], str):
            for p in citations.check(raw[key], bib_keys, rel, withdrawn=withdrawn):
                problems.append(Problem(rel, where[key], f"{name}: {key}: {p.message}"))
    for n, option in enumerate(options):
        for p in citations.check(option.text, bib_keys, rel, withdrawn=withdrawn):
            problems.append(Problem(rel, lines.get(f"{base}.options.{n}", where.get("options", line)),
                                    f"{name}: option {n + 1}: {p.message}"))
    for key in ("answer", "why"):
        if isinstance(raw[key], str):
            problems += [Problem(rel, where[key], f"{name}: {key}: {message}")
                         for message in _feedback_problems(raw[key])]
    if problems:
        return None, problems
    return Item(raw["id"], kind, " ".join(raw["question"].split()), raw["answer"].strip(),
                raw["why"].strip(), tuple(source), tuple(lo), tuple(options),
                raw.get("correct") if kind == "true-false" else None,
                tuple(a.strip() for a in accept or ()), line,
                {k: v for k, v in where.items()}), []


def cited_keys(bank: Bank) -> list[str]:
    """Bibliography keys the bank's items cite in their text (in order, once each)."""
    keys: list[str] = []
    for item in bank.items:
        for text in (item.question, item.answer, item.why):
            keys += [c.key for c in citations.find(text) if c.key not in keys]
    return keys


def texts(banks: dict[str, Bank]) -> list[tuple[str, str, int]]:
    """(file, text, line) of every prose field, for the copying, claim and language checks."""
    found = []
    for bank in banks.values():
        for item in bank.items:
            for name in ("question", "answer", "why"):
                found.append((bank.rel, getattr(item, name), item.line_of(name)))
            for n, option in enumerate(item.options):
                found.append((bank.rel, option.text, item.line_of("options")))
            for accepted in item.accept:
                found.append((bank.rel, accepted, item.line_of("accept")))
    return found


# --- The page ----------------------------------------------------------------------------------------

LETTERS = "ABCDE"


def page_options(item: Item) -> list[Option]:
    """A multiple-choice item's options in the order its page shows them: shuffled by a hash of
    the item's id and each option's text. The bank lists the correct option first; the page
    must not, and the letters stay the same from one build to the next."""
    return sorted(item.options,
                  key=lambda o: hashlib.sha256(f"{item.id}\n{o.text}".encode()).digest())


def answer_text(item: Item) -> str:
    """The answer as the page and paper print it: a multiple-choice answer names its letter
    first ("B. Tightness …"), the letter of its option in `page_options` order."""
    letters = [LETTERS[n] for n, o in enumerate(page_options(item)) if o.correct]
    return f"{' and '.join(letters)}. {item.answer}" if letters else item.answer


def page_markdown(items: list[Item]) -> str:
    """The self-check as the page shows it: `??? question "N. …"` blocks with **Answer:** and
    *Why:*. A multiple-choice item opens on its options (`page_options`), with the answer in a
    block of its own inside, so that a reader can choose before seeing it."""
    # Questions and options are plain text: an '<' in them is shown, never read as HTML.
    text = lambda value: Markup(html.escape(value, quote=False))  # noqa: E731
    rows = [{"question": text(item.question),
             "options": [(LETTERS[n], text(o.text)) for n, o in enumerate(page_options(item))],
             "answer": Markup(answer_text(item)), "why": Markup(item.why)} for item in items]
    return templates.render("self-check.md.j2", items=rows)


# --- Plain text for the VLE banks --------------------------------------------------------------------

def plain(markdown: str) -> str:
    """Markdown inline text as plain text: citations, links, emphasis and comments removed."""
    from .chapter import plain_text

    return plain_text(markdown)


def source_label(source: str, bib) -> str:
    if source in ATTRIBUTIONS:
        return ATTRIBUTIONS[source]
    entry = bib.entries.get(source) if bib is not None else None
    if entry is None:
        return source
    from .links import short_reference

    return short_reference(entry).rstrip(".") + "."


def feedback(item: Item, bib) -> str:
    """The feedback a VLE shows after an attempt: the answer, why, and what it rests on."""
    sources = "; ".join(source_label(s, bib).rstrip(".") for s in item.source)
    return f"{plain(item.answer)} Why: {plain(item.why)} Source: {sources}."


def choices(item: Item) -> list[tuple[str, bool]]:
    """(text, correct) of each response a VLE offers."""
    if item.type == "multiple-choice":
        return [(plain(o.text), o.correct) for o in item.options]
    if item.type == "true-false":
        return [("True", item.correct is True), ("False", item.correct is False)]
    return [(a, True) for a in item.accept]


def category(record: Chapter) -> str:
    return f"{CATEGORY}/{record.label}"


# --- GIFT (Moodle) -----------------------------------------------------------------------------------

_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def gift_escape(text: str) -> str:
    return _GIFT_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_gift(banks: list[Bank], bib) -> str:
    """Moodle's GIFT format: one category per chapter page, one question per item."""
    out = [f"// {GUIDE_TITLE}: self-check items (CC BY 4.0). Import in Moodle: Question bank > "
           "Import > GIFT format.", ""]
    for bank in banks:
        out += [f"$CATEGORY: $course$/top/{category(bank.chapter)}", ""]
        for item in bank.items:
            general = "####" + gift_escape(feedback(item, bib))
            head = f"::{gift_escape(item.id)}::{gift_escape(plain(item.question))}"
            if item.type == "true-false":
                body = ("TRUE" if item.correct else "FALSE") + general
                out.append(f"{head} {{{body}}}")
            else:
                marks = [("=" if right else "~") + gift_escape(text) for text, right
                         in choices(item)]
                out.append(head + " {\n" + "\n".join(f"\t{m}" for m in marks)
                           + f"\n\t{general}\n}}")
            out.append("")
    return "\n".join(out)


# --- Moodle XML ----------------------------------------------------------------------------------------

def _html_text(parent, tag: str, text: str, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, format="html", **attrs)
    etree.SubElement(element, "text").text = f"<p>{html.escape(text, quote=False)}</p>"
    return element


def to_moodle_xml(banks: list[Bank], bib) -> bytes:
    """Moodle XML (docs.moodle.org, "Moodle XML format"): a category question per chapter
    page, then multichoice, truefalse and shortanswer questions."""
    quiz = etree.Element("quiz")
    for bank in banks:
        cat = etree.SubElement(quiz, "question", type="category")
        etree.SubElement(etree.SubElement(cat, "category"), "text").text = \
            f"$course$/top/{category(bank.chapter)}"
        for item in bank.items:
            kind = {"multiple-choice": "multichoice", "true-false": "truefalse",
                    "short-answer": "shortanswer"}[item.type]
            q = etree.SubElement(quiz, "question", type=kind)
            etree.SubElement(etree.SubElement(q, "name"), "text").text = \
                f"{item.id}: {plain(item.question)}"
            _html_text(q, "questiontext", plain(item.question))
            _html_text(q, "generalfeedback", feedback(item, bib))
            etree.SubElement(q, "defaultgrade").text = "1"
            etree.SubElement(q, "penalty").text = "0" if item.type == "true-false" else "0.3333333"
            etree.SubElement(q, "hidden").text = "0"
            etree.SubElement(q, "idnumber").text = item.id
            if item.type == "multiple-choice":
                etree.SubElement(q, "single").text = "true"
                etree.SubElement(q, "shuffleanswers").text = "true"
                etree.SubElement(q, "answernumbering").text = "ABCD"
            if item.type == "short-answer":
                etree.SubElement(q, "usecase").text = "0"
            for text, right in choices(item):
                answer = etree.SubElement(q, "answer", fraction="100" if right else "0",
                                          format="plain_text" if item.type != "multiple-choice"
                                          else "html")
                etree.SubElement(answer, "text").text = (
                    text.lower() if item.type == "true-false" else
                    f"<p>{html.escape(text, quote=False)}</p>" if item.type == "multiple-choice"
                    else text)
                fb = etree.SubElement(answer, "feedback", format="html")
                etree.SubElement(fb, "text").text = ""
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- QTI 1.2 (Canvas, Blackboard; the Common Cartridge profile) ----------------------------------------

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CANVAS_TYPES = {"multiple-choice": "multiple_choice_question",
                "true-false": "true_false_question",
                "short-answer": "short_answer_question"}
CC_TYPES = {"multiple-choice": "cc.multiple_choice.v0p1", "true-false": "cc.true_false.v0p1",
            "short-answer": "cc.fib.v0p1"}


def _metadata(parent, fields: list[tuple[str, str]]) -> None:
    meta = etree.SubElement(parent, "qtimetadata")
    for label, entry in fields:
        row = etree.SubElement(meta, "qtimetadatafield")
        etree.SubElement(row, "fieldlabel").text = label
        etree.SubElement(row, "fieldentry").text = entry


def _mattext(parent, text: str) -> None:
    material = etree.SubElement(parent, "material")
    etree.SubElement(material, "mattext", texttype="text/plain").text = text


def qti_ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def qti_assessment(title: str, ident: str, items: list[Item], bib, profile: str = "canvas") -> bytes:
    """One QTI 1.2 assessment. `profile="cc"` writes the metadata of the IMS Common Cartridge
    1.1 QTI profile instead of Canvas's."""
    root = etree.Element("questestinterop", nsmap={None: QTI_NS})
    assessment = etree.SubElement(root, "assessment", ident=qti_ident(ident), title=title)
    _metadata(assessment, [("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                           ("qmd_scoretype", "Percentage"), ("cc_maxattempts", "unlimited")]
              if profile == "cc" else [("cc_maxattempts", "1")])
    section = etree.SubElement(assessment, "section", ident="root_section")
    for item in items:
        node = etree.SubElement(section, "item", ident=qti_ident(item.id), title=item.id)
        meta = etree.SubElement(node, "itemmetadata")
        _metadata(meta, [("cc_profile", CC_TYPES[item.type]), ("cc_weighting", "1")]
                  if profile == "cc" else
                  [("question_type", CANVAS_TYPES[item.type]), ("points_possible", "1")])
        presentation = etree.SubElement(node, "presentation")
        _mattext(presentation, plain(item.question))
        responses = choices(item)
        idents = [f"{qti_ident(item.id)}_{n}" for n in range(1, len(responses) + 1)]
        if item.type == "short-answer":
            response = etree.SubElement(presentation, "response_str", ident="response1",
                                        rcardinality="Single")
            etree.SubElement(etree.SubElement(response, "render_fib"), "response_label",
                             ident="answer1", rshuffle="No")
        else:
            response = etree.SubElement(presentation, "response_lid", ident="response1",
                                        rcardinality="Single")
            render = etree.SubElement(response, "render_choice",
                                      shuffle="Yes" if item.type == "multiple-choice" else "No")
            for label, (text, _) in zip(idents, responses):
                _mattext(etree.SubElement(render, "response_label", ident=label), text)
        processing = etree.SubElement(node, "resprocessing")
        outcomes = etree.SubElement(processing, "outcomes")
        etree.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE",
                         vartype="Decimal")
        general = etree.SubElement(processing, "respcondition", {"continue": "Yes"})
        etree.SubElement(etree.SubElement(general, "conditionvar"), "other")
        etree.SubElement(general, "displayfeedback", feedbacktype="Response",
                         linkrefid="general_fb")
        for label, (text, right) in zip(idents, responses):
            if not right:
                continue
            condition = etree.SubElement(processing, "respcondition", {"continue": "No"})
            value = text if item.type == "short-answer" else label
            etree.SubElement(etree.SubElement(condition, "conditionvar"), "varequal",
                             respident="response1", **({"case": "No"} if item.type ==
                                                       "short-answer" else {})).text = value
            etree.SubElement(condition, "setvar", action="Set", varname="SCORE").text = "100"
        fb = etree.SubElement(node, "itemfeedback", ident="general_fb")
        _mattext(etree.SubElement(fb, "flow_mat"), feedback(item, bib))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def to_qti_zip(banks: list[Bank], bib, title: str, ident: str) -> bytes:
    """A QTI 1.2 content package (imsmanifest.xml and one assessment file), as Canvas's
    "QTI .zip file" import and Blackboard's QTI 1.2 import read it."""
    items = [item for bank in banks for item in bank.items]
    name = f"{qti_ident(ident)}/{qti_ident(ident)}.xml"
    manifest = etree.Element("manifest", identifier=f"{qti_ident(ident)}_manifest",
                             nsmap={None: CP_NS})
    metadata = etree.SubElement(manifest, "metadata")
    etree.SubElement(metadata, "schema").text = "IMS Content"
    etree.SubElement(metadata, "schemaversion").text = "1.1.3"
    etree.SubElement(manifest, "organizations")
    resources = etree.SubElement(manifest, "resources")
    resource = etree.SubElement(resources, "resource", identifier=qti_ident(ident),
                                type="imsqti_xmlv1p2", href=name)
    etree.SubElement(resource, "file", href=name)
    return _zip([("imsmanifest.xml", etree.tostring(manifest, xml_declaration=True,
                                                     encoding="UTF-8", pretty_print=True)),
                 (name, qti_assessment(title, ident, items, bib))])


# --- Downloads ---------------------------------------------------------------------------------------

def downloads(banks: dict[str, Bank], records: list[Chapter], bib) -> dict[str, str | bytes]:
    """Site path -> content of each quiz bank: per chapter page and for the whole guide, as
    GIFT, Moodle XML and a QTI zip."""
    ordered = [banks[r.page] for r in records if r.page in banks]
    groups = [(bank.chapter.stem, f"{bank.chapter.heading}: self-check", [bank])
              for bank in ordered]
    if ordered:
        groups.append((WHOLE, f"{GUIDE_TITLE}: self-check items", ordered))
    files: dict[str, str | bytes] = {}
    for stem, title, group in groups:
        files[f"{DOWNLOADS}/{stem}.gift"] = to_gift(group, bib)
        files[f"{DOWNLOADS}/{stem}.xml"] = to_moodle_xml(group, bib)
        files[f"{DOWNLOADS}/{stem}-qti.zip"] = to_qti_zip(group, bib, title, f"{stem}-self-check")
    return files


FORMATS = (("gift", "GIFT, for Moodle"), ("xml", "Moodle XML"), ("qti.zip", "QTI 1.2, for Canvas "
                                                                             "and Blackboard"))


def download_path(stem: str, suffix: str) -> str:
    return f"{DOWNLOADS}/{stem}-qti.zip" if suffix == "qti.zip" else f"{DOWNLOADS}/{stem}.{suffix}"


def targets_for(record: Chapter | None) -> list[tuple[str, str]]:
    """(site path, title) of the quiz-bank downloads listed on the linking page: a chapter's
    own, or with None the whole guide's."""
    stem = record.stem if record else WHOLE
    whose = record.label if record else "every chapter page"
    return [(download_path(stem, suffix), f"Self-check items, {whose} ({label})")
            for suffix, label in FORMATS]


def cartridge_assessments(banks: dict[str, Bank], bib) -> dict[str, tuple[str, bytes]]:
    """Chapter slug -> (title, QTI assessment in the Common Cartridge profile)."""
    return {bank.chapter.slug: (f"Self-check quiz: {bank.chapter.heading}",
                                qti_assessment(f"Self-check quiz: {bank.chapter.heading}",
                                               f"{bank.chapter.stem}-self-check", bank.items, bib,
                                               profile="cc"))
            for bank in banks.values()}


def used_keys(bank: Bank) -> list[str]:
    """Bibliography keys a bank uses: cited in its text or named as an item's source."""
    keys = cited_keys(bank)
    for item in bank.items:
        keys += [s for s in item.source if s not in ATTRIBUTIONS and s not in keys]
    return keys


def add_usage(uses: dict, banks: dict[str, Bank], records: list[Chapter]) -> dict:
    """The bibliography's "used in" lists with each work a bank uses counted as used on its
    chapter page (the page shows the items), kept in book order."""
    from .bibpage import Use

    order = {r.page: r.order for r in records}
    for bank in banks.values():
        use = Use(bank.chapter.label, bank.page, chapter=bank.chapter.slug)
        for key in used_keys(bank):
            places = uses.setdefault(key, [])
            if use not in places:
                places.append(use)
                places.sort(key=lambda u: (order.get(u.src, 99), u.src))
    return uses
