from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from helpers import run_cli, write_tree

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
HOSTILE = {
    "app/x<img src=q onerror=window.__pwned=1>.py": "print('x')\n",
    "app/y.py": "# TODO: </script><script>window.__pwned=2</script>\nx = 1\n",
    "app/z.py": "import requests\nrequests.get('http://example.invalid/')\n",
}

browser = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="needs /usr/bin/chromium")


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS,
                                                        headless=True, viewport={"width": 1200, "height": 900})
        tab = context.new_page()
        tab.errors = []  # type: ignore[attr-defined]
        tab.requests = []  # type: ignore[attr-defined]
        tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))  # type: ignore[attr-defined]
        tab.on("request", lambda r: tab.requests.append(r.url))  # type: ignore[attr-defined]
        yield tab
        context.close()


def test_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    write_tree(tmp_path, HOSTILE)
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "html")
    html = proc.stdout
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<img src=q" not in html and "&lt;img src=q onerror=window.__pwned=1&gt;" in html
    assert html.count("</script>") == 2  # the JSON block and the filter script, nothing injected
    summary = re.search(r'<script type="application/json" id="readiness-summary">(.*?)</script>', html, re.S)
    assert summary and json.loads(summary.group(1))["findings"] >= 3


@browser
@pytest.mark.browser
def test_example_in_a_browser(example_reports: dict[str, Any], page: Any, tmp_path: Path) -> None:
    doc = example_reports["doc"]
    page.goto(example_reports["paths"]["html"].as_uri())
    assert page.errors == []
    assert all(url.startswith(("file:", "data:", "about:")) for url in page.requests), page.requests
    assert page.locator("#matrix tbody tr").count() == len(doc["categories"])
    rows = page.locator("tr.finding")
    assert rows.count() == len(doc["findings"])
    high = sum(f["severity"] == "high" for f in doc["findings"])
    page.select_option("#filter-severity", "high")
    assert page.locator("tr.finding:visible").count() == high > 0
    assert page.locator("#finding-count").inner_text() == f"{high} of {len(doc['findings'])} shown"
    page.select_option("#filter-severity", "")
    page.select_option("#filter-category", "code-quality")
    checks = {c["id"] for c in doc["checks"] if c["category"] == "code-quality"}
    assert page.locator("tr.finding:visible").count() == sum(f["check"] in checks for f in doc["findings"])
    page.select_option("#filter-category", "")
    page.fill("#filter-path", "clients.py")
    assert page.locator("tr.finding:visible").count() == sum("clients.py" in f["path"] for f in doc["findings"])
    assert page.locator("#check-missing-timeout").inner_text().count("How to fix") == 1
    shot = tmp_path / "example.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.errors == []


EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff\u2b00-\u2bff\u2300-\u23ff]")


@browser
@pytest.mark.browser
def test_overview_fits_one_screen_at_1400(example_reports: dict[str, Any], page: Any, tmp_path: Path) -> None:
    html = example_reports["texts"]["html"]
    assert not EMOJI.search(html), EMOJI.findall(html)[:5]  # icons are inline SVG: no font needed
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(example_reports["paths"]["html"].as_uri())
    shot = Path(os.environ.get("READINESS_SCREENSHOTS", str(tmp_path))) / "example-overview-1400.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")  # shown with -s, and kept under pytest's temporary directory
    box = page.locator("#overview").bounding_box()
    assert box["y"] + box["height"] <= 900, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    for part in ("#matrix", "#blocker-list", "#phases", "#estimate", "svg.gauge"):
        item = page.locator(part).first.bounding_box()
        assert item is not None and item["y"] + 10 < 900, part
    # Paths and code wrap only between names (after a slash), never inside one.
    styles = page.evaluate("""() => Array.from(document.querySelectorAll('code')).map(c => {
        const s = getComputedStyle(c); return s.wordBreak + '/' + s.overflowWrap; })""")
    assert set(styles) == {"normal/normal"}
    assert page.errors == []


@browser
@pytest.mark.browser
def test_rollup_is_readable_at_1400(tmp_path: Path, page: Any) -> None:
    results = []
    for i in range(8):
        repo = write_tree(tmp_path / f"service-with-a-long-name-{i}", {"app/a.py": "print(1)\n" * i + "x = 1\n"})
        results.append(str(tmp_path / f"r{i}.json"))
        run_cli("scan", str(repo), "--no-live", "--no-history", "-o", results[-1], "--quiet")
    out = tmp_path / "rollup.html"
    assert run_cli("report", *results, "--format", "html", "-o", str(out)).returncode == 0
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(out.as_uri())
    page.screenshot(path=str(tmp_path / "rollup-1400.png"))
    print(f"screenshot: {tmp_path / 'rollup-1400.png'}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    assert page.locator("#rollup tbody tr").count() >= 5  # categories as rows
    assert page.locator("#rollup thead th.cell").count() == 8  # repositories as columns


@browser
@pytest.mark.browser
def test_hostile_names_do_not_execute(tmp_path: Path, page: Any) -> None:
    repo = write_tree(tmp_path / "repo", HOSTILE)
    out = tmp_path / "r.html"
    run_cli("scan", str(repo), "--no-live", "--no-history", "-o", str(out), "--quiet")
    page.goto(out.as_uri())
    assert page.evaluate("window.__pwned === undefined")
    assert page.errors == []
    assert page.locator("tr.finding", has_text="x<img src=q onerror=window.__pwned=1>.py").count() == 1
    assert page.locator("tr.finding", has_text="</script><script>window.__pwned=2</script>").count() == 1
    page.fill("#filter-path", "<img")
    assert page.locator("tr.finding:visible").count() == 1


@browser
@pytest.mark.browser
def test_overview_with_history_fits_one_screen(page: Any, tmp_path: Path) -> None:
    """The golden page of a service with history: fixed since the last scan, a data-needed check, the plan."""
    golden = Path(__file__).parent / "golden" / "orders.html"
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(golden.as_uri())
    shot = tmp_path / "orders-overview-1400.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    box = page.locator("#overview").bounding_box()
    assert box["y"] + box["height"] <= 900, box
    assert page.locator("#fixed").is_visible() and page.locator("#unknown").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    assert page.errors == []
