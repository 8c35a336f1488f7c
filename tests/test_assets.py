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


@pytest.mark.parametrize("path", [p for p in OWN if p.suffix == ".css"], ids=lambda p: p.name)
def test_every_served_stylesheet_keeps_its_rules(path):
    text = assets.served(f"assets/stylesheets/{path.name}", path.read_text(encoding="utf-8"))
    assert "/*" not in text and "*/" not in text
    original = path.read_text(encoding="utf-8")
    # No comment in these files holds a brace or a semicolon, so each rule and declaration
    # survives exactly when the counts do.
    for mark in "{};":
        assert text.count(mark) == original.count(mark) - sum(
            comment.count(mark) for comment in assets.CSS_COMMENT_RE.findall(original)), mark


def test_the_built_site_serves_the_lighter_files(site_dir):
    for path in OWN:
        kind = "javascripts" if path.suffix == ".js" else "stylesheets"
        built = (site_dir / "assets" / kind / path.name).read_text(encoding="utf-8")
        assert built == assets.served(f"assets/{kind}/{path.name}",
                                      path.read_text(encoding="utf-8")), path.name
        assert len(built) < len(path.read_text(encoding="utf-8")), path.name
