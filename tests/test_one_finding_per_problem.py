"""One problem on one line is one finding, under the most specific built-in check.

A service that calls ``requests.get`` without a timeout and swallows exceptions is flagged by
``missing-timeout``/``swallowed-exception``, by bandit (B113; its B110 is left to swallowed-exception)
and, when the project enables ruff's S rules, by ruff (S113, S110, E722, BLE001). The report names it
once and counts it once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers import check_result, scan_json, scan_tree, write_tree

from readiness.dedupe import OneFindingPerProblem, duplicates, problem_of
from readiness.model import Finding

CLIENT = (
    "import logging\n\n"
    "import requests\n\n"
    'DB_PASSWORD = "hunter2hunter2"\n\n\n'
    "def fetch(url):\n"
    "    return requests.get(url)\n\n\n"
    "def notify(url):\n"
    "    try:\n"
    "        requests.post(url, json={}, timeout=5)\n"
    "    except:\n"
    "        pass\n\n\n"
    "def probe(url):\n"
    "    try:\n"
    "        return requests.head(url, timeout=2).ok\n"
    "    except Exception:\n"
    "        logging.exception('probe failed')\n"
    "        return False\n"
)
RUFF_WITH_S = '[tool.ruff.lint]\nselect = ["E", "F", "S", "BLE"]\n'
CHECKS = ["missing-timeout", "swallowed-exception", "hardcoded-secret", "sast-findings", "lint-errors"]


def _by_line(findings: object) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for f in findings:  # type: ignore[attr-defined]
        out.setdefault(f.line, []).append((f.check, f.code))
    return out


def test_builtin_bandit_and_ruff_on_one_line_are_one_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": RUFF_WITH_S, "app/client.py": CLIENT})
    result = scan_tree(tmp_path, select=CHECKS)
    lines = _by_line(result.findings)
    assert lines[9] == [("missing-timeout", "")]
    assert lines[15] == [("swallowed-exception", "")]
    assert lines[5] == [("hardcoded-secret", "")]
    messages = {f.line: f.message for f in result.findings}
    assert messages[9].endswith("(also bandit B113, ruff S113)")
    assert messages[15].endswith("(also ruff E722, ruff S110)")  # bandit's B110 is left to swallowed-exception
    assert "ruff S105" in messages[5]  # bandit's B105 may be left to hardcoded-secret by sast-findings itself
    assert 21 not in lines  # the handler that logs is not swallowed, for any of them
    # Counted once: bandit and ruff have nothing left of their own.
    assert check_result(result, "sast-findings").findings == 0
    assert check_result(result, "lint-errors").findings == 0
    assert check_result(result, "sast-findings").status == "pass"


def test_bandit_and_ruff_alone_are_one_finding_under_bandit(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": RUFF_WITH_S,
        "app/digest.py": "import hashlib\n\n\ndef token(body):\n    return hashlib.md5(body).hexdigest()\n",
    })
    result = scan_tree(tmp_path, select=["sast-findings", "lint-errors"])
    assert [(f.check, f.code, f.line) for f in result.findings] == [("sast-findings", "B324", 5)]
    assert result.findings[0].message.endswith("(also ruff S324)")
    assert result.findings[0].severity == "high"
    assert check_result(result, "lint-errors").findings == 0


def test_engine_severity_is_kept(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/codes.py": "import random\n\n\ndef reset_code():\n    return random.randint(100000, 999999)\n"})
    result = scan_tree(tmp_path, select=["sast-findings"])
    assert {(f.code, f.severity) for f in result.findings} == {("B311", "low")}


def test_different_problems_on_one_line_stay_apart(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": RUFF_WITH_S,
        "app/fetch.py": "import requests\n\n\ndef get(url):\n    return requests.get(url, verify=False, timeout=3)\n",
    })
    result = scan_tree(tmp_path, select=CHECKS)
    assert sorted((f.check, f.code) for f in result.findings) == [("sast-findings", "B501")]
    assert "also ruff S501" in result.findings[0].message


def test_same_rule_twice_on_a_line_is_one_finding() -> None:
    merger = OneFindingPerProblem()
    twice = [Finding("app/a.py", 3, 1, "lint-errors", "S113 no timeout", code="S113"),
             Finding("app/a.py", 3, 30, "lint-errors", "S113 no timeout", code="S113")]
    kept = merger.keep("lint-errors", "ruff", twice)
    assert kept == twice[:1]
    assert merger.annotate(kept) == kept  # nothing else to name
    assert problem_of("bandit", "B113") == "missing-timeout" and problem_of("bandit", "B324") == "S324"
    assert problem_of("ruff", "B006") == "B006"  # ruff's B rules are bugbear's, not bandit's


def test_duplicates_finds_two_findings_for_one_problem() -> None:
    clean = {"findings": [
        {"check": "missing-timeout", "path": "a.py", "line": 3},
        {"check": "lint-errors", "path": "a.py", "line": 3, "code": "F401"},
        {"check": "sast-findings", "path": "a.py", "line": 4, "code": "B113"},
    ]}
    assert duplicates(clean) == []
    doubled = {"findings": [
        {"check": "missing-timeout", "path": "a.py", "line": 3},
        {"check": "sast-findings", "path": "a.py", "line": 3, "code": "B113"},
        {"check": "lint-errors", "path": "b.py", "line": 7, "code": "S324"},
        {"check": "sast-findings", "path": "b.py", "line": 7, "code": "B324"},
        {"check": "lint-errors", "path": "c.py", "line": 1, "code": "F401"},
        {"check": "lint-errors", "path": "c.py", "line": 1, "code": "F401"},
    ]}
    assert len(duplicates(doubled)) == 3


def test_a_scan_result_has_no_duplicates(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": RUFF_WITH_S, "app/client.py": CLIENT})
    data = scan_json(tmp_path, "--select", ",".join(CHECKS))
    assert duplicates(data) == []
    out = tmp_path / "result.json"
    out.write_text(json.dumps(data))
    script = Path(__file__).resolve().parents[1] / "bench" / "realworld" / "one_finding_per_problem.py"
    import subprocess

    proc = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
