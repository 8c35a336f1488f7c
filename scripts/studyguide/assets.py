"""The guide's own stylesheets and scripts (docs/assets/) as the site serves them: without
the comments written for maintainers, which were a third of what every page fetched.

Only what cannot be code is taken out: in a stylesheet every `/* … */`; in a script a
comment that fills its lines (`/* … */` or `// …` from the start of a line), never one after
code on the same line, where it could sit inside a string or a regular expression. Blank
lines go too. tests/test_assets.py checks each file still parses and keeps every rule and
statement. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import re

FOLDERS = ("assets/javascripts/", "assets/stylesheets/")
CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
JS_BLOCK_COMMENT_RE = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*$", re.S | re.M)
JS_LINE_COMMENT_RE = re.compile(r"^[ \t]*//.*$", re.M)
BLANK_LINES_RE = re.compile(r"\n(?:[ \t]*\n)+")


def is_own(src_uri: str) -> bool:
    """A stylesheet or script of the guide's own, under docs/assets/."""
    return src_uri.startswith(FOLDERS) and src_uri.endswith((".css", ".js"))


def served_bytes(src_uri: str, data: bytes) -> bytes:
    """The file's bytes as served. A file that is not UTF-8 is served as it is: taking its
    comments out is only a saving, and the browser reads it as before."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return served(src_uri, text).encode("utf-8")


def served(src_uri: str, text: str) -> str:
    """The file as served: `text` without its comments and blank lines."""
    if src_uri.endswith(".css"):
        text = CSS_COMMENT_RE.sub("", text)
    else:
        text = JS_LINE_COMMENT_RE.sub("", JS_BLOCK_COMMENT_RE.sub("", text))
    return BLANK_LINES_RE.sub("\n", text).strip("\n") + "\n"
