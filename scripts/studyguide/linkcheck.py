"""External links and DOIs: checked politely, with a report, never as part of `make test`.

Built on requests and urllib3's `Retry` (back-off, `Retry-After` on 429 and 503, retries on
5xx), with a timeout per request, a cache between runs, DOIs checked through the DOI handle API
rather than publisher pages, and hosts that refuse automated clients reported as unverifiable
rather than broken. `make linkcheck` runs it on the built site; a weekly workflow files the
report as a GitHub issue.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import sitecheck
from .bibliography import Bibliography

USER_AGENT = "peer-support-in-prison-study-guide link check (+https://github.com)"
HANDLE_API = "https://doi.org/api/handles/"
# Publishers that answer automated clients with 403 whatever the link: a 403 from these is
# reported as "could not verify", not as broken.
REFUSING_HOSTS = {
    "www.routledge.com", "routledge.com", "www.tandfonline.com", "journals.sagepub.com",
    "onlinelibrary.wiley.com", "www.sciencedirect.com", "academic.oup.com",
    "link.springer.com", "www.emerald.com", "www.jstor.org", "www.cambridge.org",
}


@dataclass
class Result:
    url: str
    status: str          # ok, broken, unverifiable
    detail: str          # e.g. "200", "404 after redirect", "timed out", "DOI not registered"
    checked_at: float = 0.0
    where: list[str] = field(default_factory=list)


@dataclass
class Settings:
    timeout: float = 15.0
    retries: int = 3
    backoff: float = 1.0
    max_redirects: int = 10
    cache_days: float = 7.0
    handle_api: str = HANDLE_API
    refusing_hosts: set[str] = field(default_factory=lambda: set(REFUSING_HOSTS))


def session(settings: Settings) -> requests.Session:
    # read=False: a response slower than the timeout fails at once, reported as a timeout.
    retry = Retry(total=settings.retries, connect=settings.retries, read=False,
                  status=settings.retries, backoff_factor=settings.backoff,
                  status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=frozenset({"GET", "HEAD"}),
                  respect_retry_after_header=True, raise_on_status=False)
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    s.max_redirects = settings.max_redirects
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def check_url(http: requests.Session, url: str, settings: Settings) -> Result:
    try:
        with http.get(url, timeout=settings.timeout, stream=True, allow_redirects=True) as response:
            code = response.status_code
            moved = " after redirect" if response.history else ""
    except requests.TooManyRedirects:
        return Result(url, "broken", "redirect loop")
    except requests.Timeout:
        return Result(url, "broken", f"timed out after {settings.timeout:g} s")
    except requests.ConnectionError as err:
        return Result(url, "broken", f"could not connect ({type(err).__name__})")
    except requests.RequestException as err:
        return Result(url, "broken", f"request failed ({type(err).__name__})")
    if code < 400:
        return Result(url, "ok", f"{code}{moved}")
    if code in (401, 403, 429) and urlsplit(url).hostname in settings.refusing_hosts | {None}:
        return Result(url, "unverifiable", f"{code}: host refuses automated clients")
    if code == 429:
        return Result(url, "unverifiable", "429: still rate-limited after retries")
    return Result(url, "broken", f"{code}{moved}")


def check_doi(http: requests.Session, doi: str, settings: Settings) -> Result:
    """A DOI is fine when the handle system knows it (responseCode 1)."""
    url = settings.handle_api + quote(doi, safe="/")
    try:
        response = http.get(url, timeout=settings.timeout)
        code = response.json().get("responseCode") if response.content else None
    except requests.Timeout:
        return Result(f"doi:{doi}", "broken", f"handle API timed out after {settings.timeout:g} s")
    except (requests.RequestException, ValueError) as err:
        return Result(f"doi:{doi}", "unverifiable", f"handle API unavailable ({type(err).__name__})")
    if code == 1:
        return Result(f"doi:{doi}", "ok", "registered")
    if code == 100 or response.status_code == 404:
        return Result(f"doi:{doi}", "broken", "DOI not registered")
    return Result(f"doi:{doi}", "unverifiable", f"handle API answered {response.status_code}")


def external_links(site_dir: Path, own_host: str | None = None) -> dict[str, list[str]]:
    """External http(s) URL -> the built pages that link to it. DOI links are left to check_doi."""
    found: dict[str, list[str]] = {}
    for page in sorted(Path(site_dir).rglob("*.html")):
        rel = str(page.relative_to(site_dir))
        for link, _ in sitecheck.parse_page(page.read_text(encoding="utf-8")).links:
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or parts.hostname == own_host:
                continue
            if parts.hostname in ("doi.org", "dx.doi.org"):
                continue
            url = link.split("#", 1)[0]
            found.setdefault(url, [])
            if rel not in found[url]:
                found[url].append(rel)
    return found


def _fresh(cached, url: str, now: float, settings: Settings) -> bool:
    """A cached good result, recent enough to reuse (anything else in the cache is checked
    again)."""
    return (isinstance(cached, dict) and set(cached) == {"url", "status", "detail", "checked_at"}
            and cached["url"] == url and cached["status"] == "ok"
            and isinstance(cached["detail"], str)
            and isinstance(cached["checked_at"], (int, float))
            and now - cached["checked_at"] < settings.cache_days * 86400)


def run(site_dir: Path, bib: Bibliography, cache_file: Path, settings: Settings,
        own_host: str | None = None, now: float | None = None) -> list[Result]:
    """Check every external link and DOI, reusing cached results that are recent and good."""
    now = time.time() if now is None else now
    try:
        cache: dict[str, dict] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    except ValueError:
        cache = {}  # a damaged cache is only a slower run
    if not isinstance(cache, dict):
        cache = {}
    http = session(settings)
    results: list[Result] = []
    todo: list[tuple[str, list[str], object]] = [
        (url, where, lambda u=url: check_url(http, u, settings))
        for url, where in external_links(site_dir, own_host).items()]
    for key, entry in sorted(bib.entries.items()):
        doi = entry.raw.get("doi")
        if doi:
            todo.append((f"doi:{doi}", [f"bibliography.bib: {key}"],
                         lambda d=doi: check_doi(http, d, settings)))
    for url, where, check in todo:
        cached = cache.get(url)
        if _fresh(cached, url, now, settings):
            result = Result(**{**cached, "where": where})
        else:
            result = check()
            result.checked_at = now
            result.where = where
        cache[url] = {k: v for k, v in asdict(result).items() if k != "where"}
        results.append(result)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True))
    return results


def report(results: list[Result]) -> str:
    """A Markdown report: broken first, then unverifiable, then a count of good links."""
    lines = ["# Link check report", ""]
    counts = {s: sum(r.status == s for r in results) for s in ("broken", "unverifiable", "ok")}
    lines.append(f"{len(results)} links and DOIs checked: {counts['broken']} broken, "
                 f"{counts['unverifiable']} could not be verified, {counts['ok']} fine.")
    for status, heading in (("broken", "Broken"), ("unverifiable", "Could not verify")):
        rows = [r for r in results if r.status == status]
        if rows:
            lines += ["", f"## {heading}", "", "| Link | Result | Where |", "|---|---|---|"]
            lines += [f"| {r.url} | {r.detail} | {', '.join(r.where)} |" for r in rows]
    return "\n".join(lines) + "\n"
