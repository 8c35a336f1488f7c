"""Offline reading: the worker's file list and the control (plain Python), and, in headless
Chromium, the guide saved and read with the network off, the offline page, cancelling and
removing, and a new deployment replacing the cache."""

from __future__ import annotations

import json
import re
import shutil
import struct
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from conftest import ROOT, SEARCH_READY_MS, SUB_PATH, mkdocs_build, wait_for_search
from studyguide import devserver, offline
from test_browser import run_axe

# --- Plain Python: the file list, the version, the size ----------------------------------------

FIXTURE = {
    "index.html": b"<html><head><title>Guide</title></head><body>home</body></html>",
    "chapters/chapter-1/index.html":
        b"<html><head><title>Chapter 1 - Guide</title></head><body>one</body></html>",
    "ch1/index.html": b'<html><head><meta http-equiv="refresh" content="0; url=../chapters/'
                      b'chapter-1/"><title>Redirecting...</title></head></html>',
    "404.html": b"<html><head><title>Guide</title></head><body>not found</body></html>",
    "503.html": b"<html><head><title>Offline - Guide</title></head><body>offline</body></html>",
    "search/search_index.json": b'{"docs": []}',
    "assets/stylesheets/main.css": b"body{}",
    "assets/javascripts/bundle.min.js.map": b"{}",
    "assets/javascripts/lunr/min/lunr.de.min.js": b"//",
    "downloads/bibliography.bib": b"@book{x, title={X}}\n",
    "manifest.webmanifest": b"{}",
    "sitemap.xml": b"<urlset/>",
    "sitemap.xml.gz": b"\x1f\x8b",
    "sw.js": b"// old worker",
}


def test_plan_lists_every_file_a_saved_copy_needs_and_nothing_else():
    plan = offline.plan(FIXTURE, "Guide")
    got = {(e.url, e.kind, e.title) for e in plan.entries}
    assert got == {
        ("", "page", "Guide"),
        ("chapters/chapter-1/", "page", "Chapter 1"),
        ("ch1/", "redirect", None),
        ("503.html", "offline", None),
        ("search/search_index.json", "search", None),
        ("assets/stylesheets/main.css", "theme", None),
        ("downloads/bibliography.bib", "download", None),
        ("manifest.webmanifest", "app", None),
    }
    # sizes are the files' own lengths; a tiny file grows when gzipped, so it travels as it is
    assert plan.size == sum(len(FIXTURE[p]) for p in (
        "index.html", "chapters/chapter-1/index.html", "ch1/index.html", "503.html",
        "search/search_index.json", "assets/stylesheets/main.css", "downloads/bibliography.bib",
        "manifest.webmanifest"))
    assert plan.transfer <= plan.size


def test_version_is_a_hash_of_every_built_file_but_the_worker():
    version = offline.plan(FIXTURE, "Guide").version
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert offline.plan({**FIXTURE, "sw.js": b"// another worker"}, "Guide").version == version
    for path in ("chapters/chapter-1/index.html", "sitemap.xml", "assets/javascripts/bundle.min.js.map"):
        changed = {**FIXTURE, path: FIXTURE[path] + b" "}
        assert offline.plan(changed, "Guide").version != version, path


@pytest.mark.parametrize(("n", "text"), [(400, "1 kB"), (985_400, "985 kB"), (999_999, "1000 kB"),
                                         (1_000_000, "1.0 MB"), (3_349_999, "3.3 MB")])
def test_human_size(n, text):
    assert offline.human_size(n) == text


def test_control_is_hidden_without_scripts_and_escapes_its_text():
    from studyguide import markers

    page = markers.expand("Before\n\n<!-- guide:offline -->\n\nAfter",
                          {"offline": lambda _: offline.control_html()})
    tree = lxml_html.fromstring(f"<div>{page}</div>")
    assert "guide:offline" not in page
    controls = tree.xpath("//*[@data-guide-offline-controls]")[0]
    assert controls.get("hidden") is not None
    fallback = tree.xpath("//*[@data-guide-offline-fallback]")[0]
    assert "service workers" in fallback.text_content()
    assert tree.xpath("//*[@data-guide-offline-save]")[0].text_content() == \
        "Save the guide for offline reading"
    assert tree.xpath("//*[@role='status']")
    assert tree.xpath("//progress")[0].get("aria-label")
    assert 'data-guide-offline-size>a &lt;b&gt; c<' in offline.control_html(size="a <b> c")


def test_finalise_states_the_size_and_writes_the_worker(tmp_path):
    site = tmp_path / "site"
    for path, data in {**FIXTURE, "about/index.html": b"<html><head><title>About - Guide</title>"
                       b"</head><body>" + offline.control_html().encode()
                       + b"</body></html>"}.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    assert offline.finalise(site, "Guide") == []
    about = (site / "about/index.html").read_text(encoding="utf-8")
    stated = re.search(r"data-guide-offline-size>about ([\d.]+) kB to download, ([\d.]+) kB on", about)
    on_disk = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and
                  p.name not in {"sw.js", "404.html", "sitemap.xml", "sitemap.xml.gz"}
                  and not p.name.endswith(".map") and "lunr" not in p.parts)
    assert stated and int(stated.group(2)) == round(on_disk / 1000)
    worker = (site / "sw.js").read_text(encoding="utf-8")
    data = json.loads(re.match(r"// .*\nconst GUIDE = (.*);\n", worker).group(1))
    assert {row[0] for row in data["files"]} >= {"", "about/", "503.html", "downloads/bibliography.bib"}
    assert "self.addEventListener(\"fetch\"" in worker


def test_finalise_reports_a_missing_offline_page(tmp_path):
    (tmp_path / "index.html").write_text("<title>x</title>")
    problems = offline.finalise(tmp_path, "Guide")
    assert [str(p) for p in problems] == ["mkdocs.yml:1: the built site has no 503.html (the page "
                                          "shown offline); list it under theme: static_templates"]


def test_web_manifest_and_its_icons():
    manifest = json.loads(offline.web_manifest("Peer Support in Prison: A Study Guide", "A guide."))
    assert manifest["start_url"] == manifest["scope"] == "./"   # relative to the sub-path
    assert manifest["theme_color"] in (ROOT / "docs/assets/stylesheets/guide.css").read_text()
    assert len(manifest["short_name"]) <= 12
    for icon in manifest["icons"]:
        path = ROOT / "docs" / icon["src"]
        data = path.read_bytes()
        if icon["type"] == "image/png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            assert f"{width}x{height}" == icon["sizes"]
        else:
            assert data.startswith(b"<svg") and len(data) < 2000


# --- In the browser ---------------------------------------------------------------------------

BROWSER = pytest.mark.browser


def served_copy(site_dir: Path, tmp_path: Path) -> Path:
    served = tmp_path / "served"
    shutil.copytree(site_dir, served)
    return served


@pytest.fixture
def guide(site_dir, tmp_path):
    """A copy of the built site served under the sub-path on its own port (its own origin, so
    its own service worker and caches): (served directory, base URL)."""
    served = served_copy(site_dir, tmp_path)
    with devserver.serve(served, SUB_PATH) as url:
        yield served, url


def heading(site: Path, rel: str) -> str:
    """The page's h1 as built (read from the file, not from the browser)."""
    tree = lxml_html.fromstring((site / rel).read_bytes())
    return " ".join(tree.xpath("//article//h1")[0].text_content().split())


def open_controlled(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    return page


def cache_keys(page) -> dict[str, list[str]]:
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            out[name] = (await (await caches.open(name)).keys()).map(r => r.url);
        }
        return out;
    }""")


def save(page):
    page.click("[data-guide-offline-save]")
    page.wait_for_function("document.querySelector('[data-guide-offline-status]').textContent"
                           ".startsWith('Saved.')", timeout=60000)


def record_requests(context) -> list:
    requests = []
    context.on("request", lambda request: requests.append(request))
    return requests


def reading_pages(site: Path) -> list[str]:
    chapters = sorted(str(p.relative_to(site)) for p in (site / "chapters").glob("*/index.html"))
    assert len(chapters) == 8  # introduction, six chapters, conclusion
    return chapters + ["glossary/index.html", "bibliography/index.html"]


@BROWSER
def test_saved_guide_is_read_and_searched_offline(browser, guide):
    site, base = guide
    context = browser.new_context()
    requests = record_requests(context)
    page = open_controlled(context, base + "about/")
    size = page.text_content("[data-guide-offline-size]")
    assert re.fullmatch(r"about [\d.]+ (kB|MB) to download, [\d.]+ (kB|MB) on this device", size)
    page.evaluate("""() => {
        window.progressSeen = [];
        const bar = document.querySelector('[data-guide-offline-progress]');
        new MutationObserver(() => window.progressSeen.push([bar.hidden, bar.value, bar.max]))
            .observe(bar, {attributes: true});
    }""")
    save(page)
    seen = page.evaluate("window.progressSeen")
    assert any(not hidden and 0 < value < top for hidden, value, top in seen), seen
    assert page.is_visible("[data-guide-offline-remove]")
    assert page.is_hidden("[data-guide-offline-save]")
    assert run_axe(page) == []

    context.set_offline(True)
    for rel in reading_pages(site):
        response = page.goto(base + rel[: -len("index.html")])
        assert response.status == 200, rel
        assert " ".join(page.text_content("article h1").split()) == heading(site, rel), rel
        assert page.title() != "Offline - Peer Support in Prison: A Study Guide"
    page.goto(base + "handouts/chapter-3/")
    assert "Seminar handout" in page.text_content("article h1")
    page.keyboard.press("/")
    wait_for_search(page)   # the index is built from the cache
    page.keyboard.type("Listener")   # the theme reads the query on keyup
    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_READY_MS)
    assert "Listener" in page.text_content(".md-search-result")
    download = page.evaluate("url => fetch(url).then(r => r.text())", base + "downloads/bibliography.bib")
    assert download == (site / "downloads/bibliography.bib").read_text(encoding="utf-8")

    # Nothing but the guide's own files in the cache, and each one is a file of the site.
    keys = cache_keys(page)
    assert len(keys) == 1
    for url in next(iter(keys.values())):
        assert url.startswith(base), url
        rel = url[len(base):]
        assert (site / rel).is_file() or (site / rel / "index.html").is_file(), url
    context.set_offline(False)
    own = urlsplit(base).netloc
    assert {urlsplit(r.url).netloc for r in requests} == {own}
    assert any(r.service_worker for r in requests), "the worker's requests must be recorded too"
    assert context.cookies() == []
    context.close()


@BROWSER
def test_unsaved_page_shows_the_offline_page(browser, guide):
    site, base = guide
    context = browser.new_context()
    page = open_controlled(context, base)
    page.goto(base + "glossary/")
    context.set_offline(True)
    response = page.goto(base + "chapters/chapter-3/")
    assert response.status == 503
    assert page.text_content("article h1") == "You are offline"
    page.wait_for_selector("[data-guide-offline-saved] li")
    saved = page.locator("[data-guide-offline-saved] li").all_text_contents()
    assert sorted(saved) == ["Glossary", "Home"]  # as each <title> names them
    assert page.is_hidden("[data-guide-offline-none]")
    assert run_axe(page) == []
    # the offline page's own styles and scripts come from the cache
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    page.click("[data-guide-offline-saved] a >> text=Glossary")
    assert page.text_content("article h1").strip() == heading(site, "glossary/index.html")
    context.close()


@BROWSER
def test_save_can_be_cancelled_and_the_copy_removed(browser, guide):
    site, base = guide
    context = browser.new_context()
    held = []  # the downloads are held, unanswered, so that the save cannot finish first
    context.route(re.compile(r".*/downloads/.*"), lambda route: held.append(route))
    page = open_controlled(context, base + "about/")
    page.click("[data-guide-offline-save]")
    page.wait_for_selector("[data-guide-offline-cancel]:visible")
    page.click("[data-guide-offline-cancel]")
    page.wait_for_function("document.querySelector('[data-guide-offline-status]').textContent"
                           ".startsWith('Cancelled.')", timeout=30000)
    context.unroute_all(behavior="ignoreErrors")
    assert page.is_visible("[data-guide-offline-save]")
    assert page.is_visible("[data-guide-offline-remove]")
    assert "Part of the guide is kept" in page.text_content("[data-guide-offline-state]")
    downloads = [u for u in next(iter(cache_keys(page).values())) if "/downloads/" in u]
    assert len(downloads) < len(list((site / "downloads").iterdir()))

    page.click("[data-guide-offline-remove]")
    page.wait_for_function("document.querySelector('[data-guide-offline-status]').textContent"
                           ".startsWith('The saved copy has been removed')")
    kept = next(iter(cache_keys(page).values()))
    assert kept and all("/assets/" in u or u.endswith(("/503.html", "/manifest.webmanifest"))
                        for u in kept), kept
    assert page.is_hidden("[data-guide-offline-remove]")
    context.close()


@BROWSER
def test_a_cancel_before_any_file_is_fetched_is_a_cancel(browser, guide):
    """A cancel that lands while the worker is still drawing up the list of files to fetch
    stops the save without any fetch failing: it is still reported as cancelled, never as saved."""
    site, base = guide
    context = browser.new_context()
    page = open_controlled(context, base + "about/")
    reply = page.evaluate("""async () => {
        const worker = (await navigator.serviceWorker.ready).active;
        const saving = new MessageChannel();
        const ended = new Promise((resolve) => { saving.port1.onmessage = (event) => {
            if (event.data.type !== "progress") resolve(event.data.type); }; });
        worker.postMessage({ type: "save" }, [saving.port2]);
        worker.postMessage({ type: "cancel" }, [new MessageChannel().port2]);
        return await ended;
    }""")
    assert reply == "cancelled"
    assert "/downloads/" not in " ".join(next(iter(cache_keys(page).values())))
    context.close()


@BROWSER
def test_pages_come_from_the_network_first(browser, guide):
    site, base = guide
    context = browser.new_context()
    page = open_controlled(context, base + "glossary/")
    page.reload()
    assert "Published a moment ago" not in page.text_content("article")
    built = site / "glossary/index.html"
    built.write_text(built.read_text(encoding="utf-8").replace(
        "</h1>", "</h1><p>Published a moment ago.</p>", 1), encoding="utf-8")
    page.reload()
    assert "Published a moment ago" in page.text_content("article")
    context.close()


@BROWSER
def test_without_scripts_the_control_explains_itself(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "about/")
    assert page.is_hidden("[data-guide-offline-controls]")
    assert "needs JavaScript" in page.text_content("[data-guide-offline-fallback]")
    context.close()


def changed_build(tmp_path: Path) -> Path:
    """The site built again from a copy of the project with one page changed."""
    project = tmp_path / "project"
    for name in ("docs", "scripts", "overrides", "data", ".cache"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "bibliography.bib"):
        shutil.copy(ROOT / name, project / name)
    page = project / "docs/about/accessibility.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThis sentence arrived with the new "
                    "deployment.\n", encoding="utf-8")
    out = tmp_path / "site-v2"
    result = mkdocs_build(out, config=project / "mkdocs.yml")
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def worker_version(site: Path) -> str:
    return re.search(r'const GUIDE = \{"version":"([0-9a-f]+)"', (site / "sw.js").read_text()).group(1)


@BROWSER
def test_new_deployment_replaces_the_cache_and_says_so_once(browser, guide, tmp_path):
    site, base = guide
    new_site = changed_build(tmp_path)
    old, new = worker_version(site), worker_version(new_site)
    assert old != new
    context = browser.new_context()
    page = open_controlled(context, base + "about/")
    save(page)
    reader = context.new_page()
    reader.goto(base + "about/accessibility/")
    assert "arrived with the new deployment" not in reader.text_content("article")
    untouched = context.new_page()
    untouched.goto(base + "glossary/")

    # Deploy: the served directory now holds the new build.
    shutil.rmtree(site)
    shutil.copytree(new_site, site)
    reader.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    reader.wait_for_selector(".guide-update button", timeout=30000)
    assert "An updated version of this guide is available" in reader.text_content(".guide-update")
    assert reader.get_attribute(".guide-update", "role") == "status"
    assert run_axe(reader) == []
    keys = cache_keys(reader)
    assert [name.rsplit(" ", 1)[1] for name in keys] == [new]   # the old cache is gone
    assert untouched.locator(".guide-update").count() == 0       # its content did not change

    with reader.expect_navigation():
        reader.click(".guide-update button >> text=Reload the page")
    assert "arrived with the new deployment" in reader.text_content("article")
    context.set_offline(True)   # the saved copy was carried over to the new version
    for rel in ("about/accessibility/", "chapters/chapter-2/", "bibliography/"):
        reader.goto(base + rel)
        assert reader.title() != "Offline - Peer Support in Prison: A Study Guide", rel
    assert "arrived with the new deployment" in (reader.goto(base + "about/accessibility/")
                                                 and reader.text_content("article"))
    context.close()
