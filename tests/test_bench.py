"""`make bench` cannot rot: its quick form runs every part (site against plain MkDocs, the
generated case against stock mkdocs-bibtex, bibliography formatting, first-view transfer and
the search index) on a small generated case, and every figure line must parse. Not timed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE_RE = re.compile(r"^(?P<part>[a-z-]+): (?P<pairs>[a-z_]+=\S+(?: [a-z_]+=\S+)*)$")
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")


def parse(stdout: str) -> dict[str, list[dict[str, str]]]:
    """part -> [{key: value}] from the bench's figure lines; headings and notes are skipped,
    anything else is an error."""
    parts: dict[str, list[dict[str, str]]] = {}
    for line in stdout.splitlines():
        if not line.strip() or line.startswith("==") or line.startswith(" "):
            continue
        match = FIGURE_RE.match(line)
        assert match, f"unparseable bench line: {line!r}"
        pairs = dict(pair.split("=", 1) for pair in match.group("pairs").split(" "))
        parts.setdefault(match.group("part"), []).append(pairs)
    return parts


def test_parse_rejects_a_malformed_line():
    parse("site: cold=1.0 ratio_cold=2.0\n== heading\n      (a note)\n")
    try:
        parse("site: cold took 1.0 s\n")
    except AssertionError:
        return
    raise AssertionError("a malformed line was accepted")


def test_quick_bench_prints_every_part_with_ratios():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    parts = parse(result.stdout)
    assert set(parts) >= {"machine", "site", "site-cpu", "reload", "large", "format", "page",
                          "first-view", "search-index"}, result.stdout
    machine = parts["machine"][0]
    assert NUMBER_RE.match(machine["nproc"]) and machine["python"].startswith("3.")

    site = parts["site"][0]
    for key in ("cold", "plain_cold", "ratio_cold", "warm", "plain_warm", "ratio_warm"):
        assert NUMBER_RE.match(site[key]) and float(site[key]) > 0, (key, site)
    assert abs(float(site["ratio_warm"]) - float(site["warm"]) / float(site["plain_warm"])) \
        < 0.05 * float(site["ratio_warm"]) + 0.01

    cpu = parts["site-cpu"][0]  # processor time, pandoc's included: more than the build's own
    assert float(cpu["cold"]) > float(cpu["plain_cold"]) > 0
    assert abs(float(cpu["cold_floor"]) - float(cpu["cold"]) / int(cpu["cores"])) < 0.01

    reload = parts["reload"][0]  # the served page showed the edit (else the bench exits)
    assert reload["page"] == "page00.md" and float(reload["median"]) > 0

    large = parts["large"][0]
    assert NUMBER_RE.match(large["ratio"]) and float(large["ratio"]) > 0
    assert abs(float(large["ratio"]) - float(large["stock"]) / float(large["ours"])) \
        < 0.05 * float(large["ratio"]) + 0.01

    sizes = [int(row["entries"]) for row in parts["format"]]
    assert len(sizes) >= 2 and sizes == sorted(sizes)
    assert parts["format"][0]["ratio"] == "1.000"
    assert all(NUMBER_RE.match(row["per_entry_ms"]) for row in parts["format"])

    assert parts["page"] and all(row["path"].startswith("/") for row in parts["page"])
    assert all(row["search_index"] in {"fetched", "not-fetched", "unknown"}
               for row in parts["page"])
    assert all(float(row["first_view"]) > 0 for row in parts["page"])
    index = parts["search-index"][0]
    assert float(index["raw"]) > float(index["gzip"]) > 0
