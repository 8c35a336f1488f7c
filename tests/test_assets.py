"""The guide's own stylesheets and scripts are served without their comments
(scripts/studyguide/assets.py): golden cases for what is taken out and what stays, every real
file still parsing, and the built site serving the lighter files."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT, require
from studyguide import assets

OWN = sorted(p for folder in ("javascripts", "stylesheets")
             for p in (ROOT / "docs/assets" / folder).iterdir() if p.suffix in (".js", ".css"))

SCRIPT = """/* What the file does,
   over two lines. */
(function () {
  "use strict";
  // a whole-line comment
  var pattern = /\\/*[a-z]+/g;   // after code: kept, it could be inside a regular expression
  var url = "https://example.org/a//b";

  /* Run on every page. */
  var text = '/* not a comment */ // nor this';
  return `// a template, ${url}`;
})();
"""
SCRIPT_SERVED = """(function () {
  "use strict";
  var pattern = /\\/*[a-z]+/g;   // after code: kept, it could be inside a regular expression
  var url = "https://example.org/a//b";
  var text = '/* not a comment */ // nor this';
  return `// a template, ${url}`;
})();
"""
STYLES = """/* The page's own rules. */
.a { color: red; } /* after a rule */

/* Two
   lines. */
.b { background: url(https://example.org/x.svg); }
"""
STYLES_SERVED = """.a { color: red; } 
.b { background: url(https://example.org/x.svg); }
"""


def test_comments_written_for_maintainers_are_left_out_and_code_is_kept():
    assert assets.served("assets/javascripts/x.js", SCRIPT) == SCRIPT_SERVED
    assert assets.served("assets/stylesheets/x.css", STYLES) == STYLES_SERVED
    assert assets.is_own("assets/javascripts/guide.js")
    assert not assets.is_own("assets/icons/icon.svg") and not assets.is_own("downloads/x.js")


@pytest.mark.parametrize("path", [p for p in OWN if p.suffix == ".js"], ids=lambda p: p.name)
def test_every_served_script_still_parses(path, tmp_path):
    """node, not this project, says whether the script is still JavaScript."""
    node = shutil.which("node")
    require(node is not None, "Node.js", "apt-get install -y nodejs")
    served = tmp_path / path.name
    served.write_text(assets.served(f"assets/javascripts/{path.name}",
                                    path.read_text(encoding="utf-8")), encoding="utf-8")
    result = subprocess.run([node, "--check", str(served)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _css_marks(text: str) -> dict[str, int]:
    """Braces and semicolons outside comments and strings, counted by a plain scan of the
    text (not the stripping's own pattern)."""
    counts, i, quote = {"{": 0, "}": 0, ";": 0}, 0, None
    while i < len(text):
        if quote:
            quote = None if text[i] == quote else quote
        elif text.startswith("/*", i):
            i = text.index("*/", i + 2) + 1
        elif text[i] in "'\"":
            quote = text[i]
        elif text[i] in counts:
            counts[text[i]] += 1
        i += 1
    return counts


@pytest.mark.parametrize("path", [p for p in OWN if p.suffix == ".css"], ids=lambda p: p.name)
def test_every_served_stylesheet_keeps_its_rules(path):
    original = path.read_text(encoding="utf-8")
    text = assets.served(f"assets/stylesheets/{path.name}", original)
    assert "/*" not in text and "*/" not in text
    assert _css_marks(text) == _css_marks(original)


def test_a_file_that_is_not_utf8_is_served_as_it_is():
    """A bad byte in a stylesheet was copied as it was; reading it for its comments must not
    end the build."""
    data = "/* note */ .a { content: 'caf\u00e9'; }\n".encode("latin-1")
    assert assets.served_bytes("assets/stylesheets/x.css", data) == data
    assert assets.served_bytes("assets/stylesheets/x.css", b"/* n */\n.a {}\n") == b".a {}\n"


def test_the_built_site_serves_the_lighter_files(site_dir):
    """No comment written for maintainers reaches the site: none in a stylesheet, none filling
    a line of a script; and every line of code in the source is still there."""
    for path in OWN:
        kind = "javascripts" if path.suffix == ".js" else "stylesheets"
        built = (site_dir / "assets" / kind / path.name).read_text(encoding="utf-8")
        source = path.read_text(encoding="utf-8")
        assert len(built) < len(source), path.name
        if path.suffix == ".css":
            assert "/*" not in built and _css_marks(built) == _css_marks(source), path.name
            continue
        lines = [line.strip() for line in built.split("\n")]
        assert not [line for line in lines if line.startswith(("/*", "//"))], path.name
        assert set(_code_lines(source)) <= set(lines), path.name


def _code_lines(script: str) -> list[str]:
    """The lines of a script that are not comments filling their lines, read line by line."""
    code, inside = [], False
    for line in (row.strip() for row in script.split("\n")):
        if inside:
            inside = "*/" not in line
        elif line.startswith("/*"):
            inside = "*/" not in line
        elif line and not line.startswith("//"):
            code.append(line)
    return code
