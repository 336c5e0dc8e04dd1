from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import run_cli, write_tree

SERVICE = {"app/main.py": "import logging\nlog = logging.getLogger(__name__)\nprint('starting')\n", "app/util.py": "x = 1\n",
           "readiness.yaml": "select: [print-call, todo-comment]\n"}


def scan(root: Path, *args: str) -> str:
    """Two stable checks (the repository's configured selection) keep the trend about the fix alone."""
    proc = run_cli("scan", str(root), "--no-live", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_second_scan_after_a_fix_shows_the_trend_everywhere(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SERVICE)
    first = json.loads(scan(repo, "--format", "json"))
    (repo / "app" / "main.py").write_text("import logging\nlog = logging.getLogger(__name__)\nlog.info('starting')\n", encoding="utf-8")
    out = tmp_path / "out"
    terminal = scan(repo, "-o", str(out / "r.md"), "-o", str(out / "r.html"), "-o", str(out / "r.json"))
    second = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert second["overall"]["score"] > first["overall"]["score"]
    phrase = f"up from {first['overall']['score']:.1f}%"
    assert phrase in terminal.splitlines()[0]
    markdown = (out / "r.md").read_text(encoding="utf-8")
    assert f"**Overall readiness:** {second['overall']['score']:.1f}% ({phrase})" in markdown
    assert re.search(r"\| Code Quality \| [\d.]+% \| 80% \| [^|]+ \| \+\d+\.\d \|", markdown)
    html = (out / "r.html").read_text(encoding="utf-8")
    assert phrase in html
    assert len(re.findall(r"<circle cx=\"[\d.]+\" cy=\"[\d.]+\" r=\"4\"", html)) == 2  # two points in the trend chart


def test_report_rerenders_one_repository_with_its_trend(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "orders", SERVICE)
    scan(repo, "--no-history", "-o", str(tmp_path / "old.json"), "--quiet")
    (repo / "app" / "main.py").write_text("x = 1\n", encoding="utf-8")
    scan(repo, "--no-history", "-o", str(tmp_path / "new.json"), "--quiet")
    old = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    proc = run_cli("report", str(tmp_path / "new.json"), str(tmp_path / "old.json"), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert f"up from {old['overall']['score']:.1f}%" in proc.stdout


def test_report_rolls_up_several_repositories(tmp_path: Path) -> None:
    results = []
    for name, files in (("orders", SERVICE), ("billing", {"app/a.py": "x = 1\n", "readiness.yaml": SERVICE["readiness.yaml"]})):
        repo = write_tree(tmp_path / name, files)
        results.append(str(tmp_path / f"{name}.json"))
        scan(repo, "--no-history", "-o", results[-1], "--quiet")
    terminal = run_cli("report", *results)
    assert terminal.returncode == 0, terminal.stderr
    assert "across 2 repositories" in terminal.stdout
    # Categories as rows, repositories as columns, everywhere.
    header = next(line for line in terminal.stdout.splitlines() if line.startswith("Category"))
    assert [cell.strip() for cell in header.split("┃")][2:] == ["billing", "orders"]
    assert re.search(r"^Code Quality\s+│\s+80%\s+│\s+\d+%\s+│\s+\d+%$", terminal.stdout, re.M)
    markdown = run_cli("report", *results, "--format", "markdown").stdout
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Category | Target | billing | orders |"
    assert [r.split("|")[1].strip() for r in rows[1:]] == ["Code Quality", "**Overall**", "Trend", "Blockers"]
    html_out = tmp_path / "rollup.html"
    assert run_cli("report", *results, "--format", "html", "-o", str(html_out)).returncode == 0
    html = html_out.read_text(encoding="utf-8")
    assert html.count('<th class="cell" data-repository="') == 2 and html.count('<tr data-category="') == 1
    sarif = run_cli("report", *results, "--format", "sarif")
    assert sarif.returncode == 2 and "roll-up" in sarif.stderr
