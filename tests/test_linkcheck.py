"""The external link checker, proven against a local server that injects faults: every case
below is a real HTTP exchange on 127.0.0.1 (no internet)."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time

import pytest

from studyguide import bibliography, linkcheck

HITS: dict[str, list[float]] = {}


class FaultHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, code: int, headers: dict | None = None, body: bytes = b"ok") -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        path = self.path
        hits = HITS.setdefault(path, [])
        hits.append(time.monotonic())
        if path == "/ok":
            self._send(200)
        elif path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/moved-gone":
            self._send(301, {"Location": "/gone"})
        elif path == "/gone":
            self._send(404)
        elif path == "/removed":
            self._send(410)
        elif path == "/busy":
            self._send(429, {"Retry-After": "1"}) if len(hits) == 1 else self._send(200)
        elif path == "/flaky":
            self._send(500) if len(hits) == 1 else self._send(200)
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200)
        elif path == "/loop":
            self._send(301, {"Location": "/loop"})
        elif path == "/forbidden":
            self._send(403)
        elif path.startswith("/api/handles/"):
            known = path.endswith("10.1000/ok")
            body = json.dumps({"responseCode": 1 if known else 100}).encode()
            self._send(200 if known else 404, {"Content-Type": "application/json"}, body)
        else:
            self._send(404)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture()
def settings(server) -> linkcheck.Settings:
    HITS.clear()
    return linkcheck.Settings(timeout=0.5, retries=2, backoff=0.05, max_redirects=5,
                              handle_api=server + "/api/handles/", refusing_hosts={"127.0.0.2"})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(url: str, settings) -> linkcheck.Result:
    return linkcheck.check_url(linkcheck.session(settings), url, settings)


@pytest.mark.parametrize("path, status, detail", [
    ("/ok", "ok", "200"),
    ("/moved", "ok", "200 after redirect"),
    ("/moved-gone", "broken", "404 after redirect"),
    ("/gone", "broken", "404"),
    ("/removed", "broken", "410"),
    ("/flaky", "ok", "200"),
    ("/loop", "broken", "redirect loop"),
    ("/slow", "broken", "timed out after 0.5 s"),
])
def test_each_fault_is_classified(server, settings, path, status, detail):
    result = check(server + path, settings)
    assert (result.status, result.detail) == (status, detail)


def test_500_is_retried_then_succeeds(server, settings):
    assert check(server + "/flaky", settings).status == "ok"
    assert len(HITS["/flaky"]) == 2


def test_429_honours_retry_after(server, settings):
    result = check(server + "/busy", settings)
    assert result.status == "ok"
    first, second = HITS["/busy"]
    assert second - first >= 0.95  # waited for Retry-After: 1, not the tiny back-off


def test_refused_connection(settings):
    result = check(f"http://127.0.0.1:{closed_port()}/", settings)
    assert result.status == "broken" and result.detail.startswith("could not connect")


def test_hosts_that_refuse_automated_clients_are_unverifiable(server, settings):
    settings.refusing_hosts = {"127.0.0.1"}
    result = check(server + "/forbidden", settings)
    assert (result.status, result.detail) == ("unverifiable", "403: host refuses automated clients")
    settings.refusing_hosts = set()
    assert check(server + "/forbidden", settings).status == "broken"


def test_dois_go_through_the_handle_api(server, settings):
    http = linkcheck.session(settings)
    assert linkcheck.check_doi(http, "10.1000/ok", settings).status == "ok"
    missing = linkcheck.check_doi(http, "10.1000/missing", settings)
    assert (missing.status, missing.detail) == ("broken", "DOI not registered")
    assert "/api/handles/10.1000/ok" in HITS


def test_run_caches_results_and_writes_a_report(server, settings, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<a href="{server}/ok">a</a><a href="{server}/gone">b</a>'
        '<a href="../local/">internal</a><a href="https://doi.org/10.1/x">doi link</a>')
    bib_file = tmp_path / "refs.bib"
    bib_file.write_text("@article{a2001b,\n author={A, B},\n title={T},\n journal={J},\n"
                        " year={2001},\n doi={10.1000/ok}\n}\n")
    bib = bibliography.load(bib_file)
    cache = tmp_path / "cache.json"
    results = linkcheck.run(site, bib, cache, settings, now=1000.0)
    assert {r.url: r.status for r in results} == {
        f"{server}/ok": "ok", f"{server}/gone": "broken", "doi:10.1000/ok": "ok"}
    assert [r.where for r in results][0] == ["index.html"]
    hits_before = len(HITS["/ok"])
    again = linkcheck.run(site, bib, cache, settings, now=2000.0)
    assert len(HITS["/ok"]) == hits_before           # good result reused from the cache
    assert len(HITS["/gone"]) == 2                     # broken ones are checked again
    assert {r.url: r.status for r in again} == {r.url: r.status for r in results}
    report = linkcheck.report(again)
    assert "3 links and DOIs checked: 1 broken, 0 could not be verified, 2 fine." in report
    assert f"| {server}/gone | 404 | index.html |" in report


@pytest.mark.parametrize("damage", ["[1]", "{not json", '{"URL": 5}', '{"URL": {"status": "ok"}}',
                                    '{"URL": {"url": "URL", "status": "ok", "detail": "200", '
                                    '"checked_at": "yesterday"}}'])
def test_a_damaged_cache_is_checked_again_not_a_traceback(server, settings, tmp_path, damage):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<a href="{server}/ok">a</a>')
    (tmp_path / "empty.bib").write_text("", encoding="utf-8")
    cache = tmp_path / "cache.json"
    cache.write_text(damage.replace("URL", f"{server}/ok"))
    hits = len(HITS.get("/ok", []))
    results = linkcheck.run(site, bibliography.load(tmp_path / "empty.bib"), cache, settings,
                            now=1000.0)
    assert [r.status for r in results] == ["ok"] and len(HITS["/ok"]) == hits + 1


def test_a_good_result_is_reused_for_a_week_then_checked_again(server, settings, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<a href="{server}/ok">a</a>')
    (tmp_path / "empty.bib").write_text("", encoding="utf-8")
    bib = bibliography.load(tmp_path / "empty.bib")
    cache = tmp_path / "cache.json"
    start = 1_000_000.0
    linkcheck.run(site, bib, cache, settings, now=start)
    hits = len(HITS["/ok"])
    linkcheck.run(site, bib, cache, settings, now=start + 6.9 * 86400)
    assert len(HITS["/ok"]) == hits                    # still fresh: not fetched
    linkcheck.run(site, bib, cache, settings, now=start + 7.1 * 86400)
    assert len(HITS["/ok"]) == hits + 1                # a week old: fetched again
