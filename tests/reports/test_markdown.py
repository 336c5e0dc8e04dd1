from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from helpers import run_cli, write_tree
from markdown_it import MarkdownIt

from readiness.reports import ReportContext
from readiness.reports.markdown import GITHUB_COMMENT_LIMIT, render_text


def parse(text: str) -> tuple[list[str], list[list[str]], str]:
    """(headings, table rows, rendered HTML) as GitHub-flavoured Markdown reads the document."""
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    rows: list[list[str]] = []
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open") and row is not None:
            row.append(tokens[i + 1].content)
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
    return headings, rows, md.render(text)


def test_example_plan_reads_like_a_plan(example_reports: dict[str, Any]) -> None:
    text = example_reports["texts"]["markdown"]
    doc = example_reports["doc"]
    headings, rows, html = parse(text)
    assert headings[0].startswith("Production readiness: next steps for sample-service")
    order = [next(i for i, h in enumerate(headings) if wanted in h) for wanted in ("Blockers", "Plan", "By category", "Progress")]
    assert order == sorted(order), headings
    assert rows[0] == ["Category", "Current", "Target", "Status"]
    names = [r[0] for r in rows[1:-1]]
    assert names == [c["name"] for c in doc["categories"]]
    code_quality = next(r for r in rows if r[0] == "Code Quality")
    cat = next(c for c in doc["categories"] if c["id"] == "code-quality")
    assert code_quality[1] == f"{cat['score']:.1f}%" and code_quality[2] == f"{cat['target']:g}%"
    assert f"**Overall readiness:** {doc['overall']['score']:.1f}%" in text
    assert "Critical blockers:** 2 open" in text
    assert re.search(r"Estimated time to production:\*\* \d+(-\d+)? weeks for a team of 2", text)
    for phase in ("**Immediate (this week)**", "**Short-term (next 2 weeks)**", "**Medium-term (next month)**"):
        assert phase in text
    assert re.search(r"^- Week 1: ", text, re.M) and re.search(r"^- Week 2: ", text, re.M)
    # The critical tasks come first: both blockers are scheduled in week 1.
    week1 = re.search(r"^- Week 1: (.*)$", text, re.M).group(1)  # type: ignore[union-attr]
    assert "Secrets with a literal fallback" in week1 and "NoSQL injection" in week1
    # Per category: a status heading, an impact line, what is in place and the tasks.
    assert "### 🔄 Secrets Management: " in text and "**Impact:** A default or leaked secret" in text
    assert "- [ ] ❌ 3 of 4 outbound calls and clients have no timeout." in text and "`app/clients.py`" in text
    for check in doc["checks"]:  # what is in place is stated by what was found
        if check["status"] == "pass" and check["evidence"]:
            assert f"- ✅ {check['evidence'][0]['message']}".replace("_", "\\_") in text, check["id"]
    # A passing check is stated as the practice in place, never as its bare title.
    assert "- ✅ Hardcoded passwords, tokens and keys\n" not in text
    assert "<script" not in html
    assert len(text.encode("utf-8")) < 15_000


def test_each_task_appears_once_and_actions_fit_the_framework(example_reports: dict[str, Any]) -> None:
    text = example_reports["texts"]["markdown"]
    tasks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    failing = [c for c in example_reports["doc"]["checks"] if c["status"] == "fail"]
    assert len(tasks) == len(failing) == len(set(tasks))
    by_category = text.split("## 🔧 By category", 1)[1]
    # The example is a FastAPI service: the options for other frameworks are left out.
    assert "FastAPI" in by_category
    for other in ("Flask", "Django", "flask", "django"):
        assert other not in by_category, other


def test_team_size_changes_the_estimate(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import requests\nrequests.get('http://x')\nprint(1)\n"})
    estimates = []
    for team in (1, 4):
        (tmp_path / "readiness.yaml").write_text(f"report:\n  team_size: {team}\n", encoding="utf-8")
        proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "markdown")
        line = next(line for line in proc.stdout.splitlines() if "Estimated time" in line)
        assert f"team of {team}" in line
        estimates.append(line.split(":** ")[1].split(" for a team")[0])
    assert estimates[0] != estimates[1]


def test_hostile_names_and_messages_render_as_text(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x<img src=q onerror=alert(1)>.py": "print('x')\n",
        "app/y.py": "# TODO: <script>alert(1)</script> [click](http://evil) | *bold*\nx = 1\n",
    })
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "markdown")
    _, rows, html = parse(proc.stdout)
    assert "<img" not in html and "<script" not in html and 'href="http://evil"' not in html
    assert "x&lt;img src=q onerror=alert(1)&gt;.py" in html
    assert all(len(r) == len(rows[0]) for r in rows)


def test_stays_under_the_comment_limit(tmp_path: Path) -> None:
    files = {f"app/module_with_a_rather_long_name_{i:04d}.py": "print(1)\n# TODO: later\n" for i in range(1500)}
    write_tree(tmp_path, files)
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "json", "--select", "print-call,todo-comment")
    doc = json.loads(proc.stdout)
    text = render_text(doc, ReportContext())
    assert "and 1490 more" in text and "shortened" not in text
    # Many failing checks with long evidence (as a large catalogue of plugins would give) force shorter lists.
    base = next(c for c in doc["checks"] if c["id"] == "print-call")
    for i in range(400):
        doc["checks"].append({**base, "id": f"plugin-check-{i}", "title": f"Plugin check {i}", "summary": "x" * 80,
                              "evidence": [{"message": "y" * 100, "path": f"p{j}.py", "line": 1} for j in range(10)]})
        doc["findings"].extend({**f, "check": f"plugin-check-{i}"} for f in doc["findings"][:5])
    text = render_text(doc, ReportContext())
    assert len(text) < GITHUB_COMMENT_LIMIT
    assert "shortened" in text or "cut here" in text
    parse(text)


def test_fixable_findings_are_counted(example_reports) -> None:  # type: ignore[no-untyped-def]
    fixable = sum(1 for f in example_reports["doc"]["findings"] if f.get("fixable"))
    assert fixable > 0
    assert f"{fixable} fixable with `readiness fix`" in example_reports["texts"]["markdown"]
    assert f"{fixable} fixable with <code>readiness fix</code>" in example_reports["texts"]["html"]


def test_report_command_reads_team_size_from_config(example_reports, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from helpers import run_cli

    config = tmp_path / "readiness.yaml"
    saved = example_reports["paths"]["json"]
    two = run_cli("report", str(saved), "--format", "markdown", cwd=tmp_path)
    config.write_text("report:\n  team_size: 5\n", encoding="utf-8")
    five = run_cli("report", str(saved), "--format", "markdown", "--config", str(config), cwd=tmp_path)
    assert two.returncode == five.returncode == 0, five.stderr
    assert "team of 2" in two.stdout and "team of 5" in five.stdout
    assert two.stdout != five.stdout
