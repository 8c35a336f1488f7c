"""`make serve` rebuilds only what an edit changed, and every page that shows it.

The builds below are the ones `mkdocs serve --dirty` runs (the command in the Makefile), in one
process, on a copy of the project; the test records which pages MkDocs converted again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import ROOT, build_env
from test_bad_input import copy_project

# Each step: a file edit (path, old text, new text); after it, one dirty rebuild. The script
# prints, per step, the pages converted from Markdown again (docs-relative sources).
SCRIPT = r'''
import json, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

converted = []
render = Page.render
def recording(self, config, files):
    converted.append(self.file.src_uri)
    return render(self, config, files)
Page.render = recording

site = Path(sys.argv[1])
steps = json.loads(sys.argv[2])

def once():
    config = load_config("mkdocs.yml", site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)

once()
out = []
for path, old, new in steps:
    converted.clear()
    time.sleep(0.05)
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    once()
    out.append(sorted(converted))
print(json.dumps(out))
'''


def test_serve_rebuilds_the_edited_page_and_the_pages_that_show_what_changed(tmp_path):
    assert "mkdocs serve --dirty --no-strict" in (ROOT / "Makefile").read_text(encoding="utf-8")
    project = copy_project(tmp_path)
    # The summary's first word changed, so that its length (checked) stays the same.
    summary = (project / "docs/chapters/chapter-3.md").read_text(encoding="utf-8")
    first = re.search(r"^## Summary\n\n([^A-Za-z]*[A-Za-z]+)", summary, re.M).group(1)
    renamed = re.sub(r"[A-Za-z]+$", "Zanzibarish", first)
    steps = [
        # A one-word edit to a chapter's summary.
        ["docs/chapters/chapter-3.md", f"## Summary\n\n{first}", f"## Summary\n\n{renamed}"],
        # A glossary definition: every page linking the term shows it as the link's title.
        ["docs/glossary.md", "as opposed to the person who receives it",
         "as opposed to the person who is given it"],
        # A reference's title: the bibliography and every page citing the work show it.
        ["bibliography.bib", "A few stumbling blocks to consider", "A few stumbling blocks to weigh"],
    ]
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "site"), json.dumps(steps)],
                            cwd=project, env=build_env(), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    edit, definition, reference = json.loads(result.stdout.strip().splitlines()[-1])
    site = tmp_path / "site"

    # 1. The chapter itself (and the print edition, which holds every chapter) is rebuilt;
    #    pages that do not show the summary are not.
    assert "chapters/chapter-3.md" in edit and "print.md" in edit
    for untouched in ("bibliography.md", "glossary.md", "chapters/chapter-1.md", "about/index.md"):
        assert untouched not in edit
    assert "Zanzibarish" in (site / "chapters/chapter-3/index.html").read_text(encoding="utf-8")

    # 2. The glossary edit reaches the chapters that link the term, without the edited file
    #    being theirs.
    assert {"glossary.md", "chapters/chapter-1.md"} <= set(definition)
    assert "as opposed to the person who is given it" in \
        (site / "chapters/chapter-1/index.html").read_text(encoding="utf-8")
    assert "about/index.md" not in definition

    # 3. The reference's new title is on the bibliography page and on a chapter that cites it.
    assert {"bibliography.md", "chapters/chapter-2.md"} <= set(reference)
    for page in ("bibliography/index.html", "chapters/chapter-2/index.html"):
        assert "stumbling blocks to weigh" in (site / page).read_text(encoding="utf-8"), page


def test_a_change_every_page_shares_makes_every_page_stale():
    from studyguide import rebuild
    last = rebuild.Keys()
    assert rebuild.stale("shared", {"a.md": "1", "b.md": "2"}, last) == {"a.md", "b.md"}
    assert rebuild.stale("shared", {"a.md": "1", "b.md": "2"}, last) == set()
    assert rebuild.stale("shared", {"a.md": "1", "b.md": "3"}, last) == {"b.md"}
    assert rebuild.stale("theme edited", {"a.md": "1", "b.md": "3"}, last) == {"a.md", "b.md"}



# The same dirty rebuilds in one process, then a build from nothing of the final sources: the
# served site must be that site (pages, handouts, print page, navigation, search index).
DIFFERENTIAL = r"""
import json, shutil, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

served, steps, clean = Path(sys.argv[1]), json.loads(sys.argv[2]), Path(sys.argv[3])

def once(site, dirty):
    config = load_config("mkdocs.yml", site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve", dirty=dirty)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=dirty)

once(served, True)
for n, (path, old, new) in enumerate(steps):
    time.sleep(0.05)
    file = Path(path)
    if new is None:
        file.unlink()
    else:
        text = file.read_text(encoding="utf-8") if file.exists() else ""
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    once(served, True)
    shutil.copytree(served, clean / f"served-{n}")
    once(clean / f"full-{n}", False)
"""


def _served_view(site):
    """Every built page and the search index's documents. The sizes of the e-book and of the
    offline copy are left out: `make serve` shows the page before pandoc has made the e-book."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        pages[path.relative_to(site).as_posix()] = re.sub(
            r"(<span data-guide-(?:ebook|offline)-size>)[^<]*", r"\1", text)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = sorted(json.dumps(doc, sort_keys=True) for doc in index["docs"])
    return pages, docs


def test_after_any_edits_make_serve_shows_the_site_a_full_build_makes(tmp_path):
    project = copy_project(tmp_path)
    extra = "docs/about/extra.md"
    steps = [
        # The home page: the theme's own merge of the search index kept none of the others.
        ["docs/index.md", "a book about people in prison who", "a book about people in prisons who"],
        # A glossary term renamed: the glossary and the pages linking it are built again.
        ["docs/glossary.md", "### Generativity {#generativity}",
         "### Generativity (generative concern) {#generativity}"],
        # A cited work's title and a glossary definition reach the handouts too.
        ["bibliography.bib", "I}’m not a monster", "I}’m not a beast"],
        ["docs/glossary.md", "to leave a positive legacy", "to leave a lasting legacy"],
        # A section renamed: its old search document goes.
        ["docs/about/privacy.md", "## Hosting", "## Where the guide is hosted"],
        # The theme: every page, the generated ones included.
        ["overrides/main.html", "{% block extrahead %}",
         '{% block extrahead %}<meta name="x-edited" content="yes">'],
        # A page added to the navigation, then taken away again.
        [extra, "", "---\ntitle: Extra\ndescription: A page for a while.\n---\n\n# Extra\n\nFor a while.\n"],
        ["mkdocs.yml", "      - Privacy: about/privacy.md\n",
         "      - Privacy: about/privacy.md\n      - Extra: about/extra.md\n"],
        ["mkdocs.yml", "      - Extra: about/extra.md\n", ""],
        [extra, "", None],
    ]
    served, clean = tmp_path / "served", tmp_path / "clean"
    result = subprocess.run([sys.executable, "-c", DIFFERENTIAL, str(served), json.dumps(steps),
                             str(clean)], cwd=project, env=build_env(), capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    for n, step in enumerate(steps):  # after each edit, the served site is the full build's
        served_pages, served_docs = _served_view(clean / f"served-{n}")
        clean_pages, clean_docs = _served_view(clean / f"full-{n}")
        assert sorted(served_pages) == sorted(clean_pages), step
        stale = [page for page in clean_pages if served_pages[page] != clean_pages[page]]
        assert stale == [], (step, stale)
        assert served_docs == clean_docs, step
        if n >= 5:
            assert 'content="yes"' in served_pages["handouts/chapter-1/index.html"]


def test_make_serve_looks_for_saved_files_every_tenth_of_a_second(tmp_path):
    """MkDocs' own watcher (a real one, as `mkdocs serve` makes it) after the hooks' on_serve."""
    import importlib.util

    from mkdocs.livereload import LiveReloadServer

    spec = importlib.util.spec_from_file_location("hooks_under_test", ROOT / "scripts" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path))  # as serve watches docs/ and mkdocs.yml before on_serve
    assert server.observer.timeout == 0.5  # MkDocs' default, which the hook changes
    assert hooks.on_serve(server, config=None, builder=None) is server
    emitters = server.observer.emitters
    assert {e.watch.path for e in emitters} == {str(tmp_path), str(ROOT / "data")}
    timeouts = [server.observer.timeout] + [e.timeout for e in emitters]
    assert timeouts == [0.1, 0.1, 0.1]
    server.server_close()


def test_a_source_problem_in_make_serve_keeps_the_served_site_answering(tmp_path):
    """A rebuild stopped by a problem in the sources (here an unknown citation key) reports
    the problem with its file and line, prints no traceback, and leaves the served site as it
    was: pages still load, and the next good save is shown."""
    import socket
    import time
    import urllib.request

    project = copy_project(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"127.0.0.1:{port}"
    url = f"http://{address}/chapters/chapter-3/"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--dev-addr",
             address], cwd=project, env=build_env(SITE_URL=f"http://{address}/"),
            stdout=log, stderr=subprocess.STDOUT)

    def served(timeout: float = 10) -> str:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait(condition, limit: float = 120) -> None:
        start = time.monotonic()
        while not condition():
            assert server.poll() is None, log_path.read_text(encoding="utf-8")[-3000:]
            assert time.monotonic() - start < limit, log_path.read_text(encoding="utf-8")[-3000:]
            time.sleep(0.1)

    page = project / "docs/chapters/chapter-3.md"
    text = page.read_text(encoding="utf-8")
    broken = text.replace("[@perrin2025peer]", "[@perrin2025per]", 1)
    line = broken[:broken.index("[@perrin2025per]")].count("\n") + 1
    try:
        wait(lambda: "</html>" in served())
        before = served()
        time.sleep(1.5)  # past the watcher's settling time
        page.write_text(broken, encoding="utf-8")
        wait(lambda: "stays as it was" in log_path.read_text(encoding="utf-8"))
        logged = log_path.read_text(encoding="utf-8")
        assert f"docs/chapters/chapter-3.md:{line}: unknown citation key 'perrin2025per'" in logged
        assert "Traceback" not in logged and "will appear stuck" not in logged
        # Answered at once, and unchanged: the same page, and the same site version in MkDocs'
        # reload script, so that open browsers do not reload (only the request's number, the
        # script's last argument, differs).
        request_number = re.compile(r"(livereload\(\d+, )\d+\)")
        same = request_number.sub(r"\1N)", before)
        assert request_number.sub(r"\1N)", served(timeout=5)) == same
        time.sleep(1.5)
        page.write_text(text.replace("Chapter 3 is the first", "Chapter 3 is the very first", 1),
                        encoding="utf-8")
        wait(lambda: "the very first" in served())
    finally:
        server.terminate()
        server.wait(timeout=30)
