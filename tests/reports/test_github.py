from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers import run_cli, write_tree

from readiness.reports import ReportContext
from readiness.reports.github import escape_data, escape_property, render

COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::(.*)$")


def unescape(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_escaping_round_trips() -> None:
    raw = "50% done,\nnext: line\r"
    assert "\n" not in escape_data(raw) and unescape(escape_data(raw)) == raw
    assert "," not in escape_property(raw) and ":" not in escape_property(raw)
    assert unescape(escape_property(raw)) == raw


def test_example_annotations(example_reports: dict[str, Any]) -> None:
    lines = example_reports["github"].splitlines()
    assert all(COMMAND.match(line) for line in lines), lines
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    worst = min(example_reports["doc"]["findings"], key=lambda f: order[f["severity"]])
    assert worst["severity"] in ("critical", "high")
    # the scan was given an absolute path, so paths stay relative to the scanned root
    assert lines[0].startswith(f"::error file={worst['path']},line={worst['line']},col={worst['column']},title={worst['check']} (")
    assert 0 < sum(line.startswith("::error ") for line in lines) <= 10
    assert lines[-1].startswith("::notice title=readiness::Production readiness")


def _doc(findings: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": {"path": ".", "name": "x", "files": 1, "lines": 1}, "overall": {"score": 50.0, "target": 80, "blockers": 0},
            "checks": [], "findings": findings}


def test_caps_ten_errors_and_ten_warnings_and_counts_the_rest(tmp_path: Path) -> None:
    files = {f"app/m{i}.py": "import requests\nrequests.get('http://x')\nprint('a')\n" for i in range(14)}
    write_tree(tmp_path, files)
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--select", "missing-timeout,print-call", "--format", "github")
    lines = proc.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    assert "8 annotations left out" in lines[-1]


def test_newlines_and_separators_in_messages_are_escaped() -> None:
    import io

    buffer = io.StringIO()
    finding = {"check": "c", "severity": "high", "path": "a,b:c.py", "line": 2, "column": 1, "message": "two\nlines 100%"}
    render(_doc([finding]), buffer, ReportContext())
    line = buffer.getvalue().splitlines()[0]
    assert line == "::error file=a%2Cb%3Ac.py,line=2,col=1,title=c (high)::two%0Alines 100%25"


def test_paths_are_relative_to_the_checkout_when_a_subdirectory_is_scanned(tmp_path: Path) -> None:
    write_tree(tmp_path, {"services/orders/app/a.py": "print('x')\n"})
    proc = run_cli("scan", "services/orders", "--no-live", "--no-history", "--select", "print-call", "--format", "github", cwd=tmp_path)
    assert proc.stdout.startswith("::warning file=services/orders/app/a.py,line=1,col=1,title=print-call (medium)::")
