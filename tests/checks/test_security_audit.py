"""Security audit checks; sast-findings against a real bandit run on the same files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import check_result, scan_tree, write_tree

VULNERABLE = """\
import hashlib
import pickle
import subprocess

PASSWORD = "hunter2-very-secret"


def password_digest(data):
    return hashlib.md5(data).hexdigest()


def load(blob):
    return pickle.loads(blob)


def run(cmd):
    return subprocess.call(cmd, shell=True)
"""


def bandit_json(root: Path, *files: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-m", "bandit", "-f", "json", "-q", "--exit-zero", *files],
                          cwd=root, capture_output=True, text=True, timeout=120)
    return json.loads(proc.stdout)


def test_findings_match_bandit_and_hide_secrets(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/risky.py": VULNERABLE,
        "tests/test_risky.py": "def test_it():\n    assert True\n    password = 'x'\n",
    })
    result = scan_tree(tmp_path, select=["sast-findings"])
    outcome = check_result(result, "sast-findings")
    ours = [f for f in result.findings if f.check == "sast-findings"]
    every = bandit_json(tmp_path, "app/risky.py")["results"]
    # B105-B107 are hardcoded-secret's findings; B403 and B404 only warn of imports whose calls are judged
    theirs = [r for r in every if r["test_id"] not in ("B105", "B106", "B107", "B403", "B404")]
    assert len(ours) == len(theirs) == 3 and len(every) == len(theirs) + 3
    assert sorted((f.line, f.code) for f in ours) == sorted((r["line_number"], r["test_id"]) for r in theirs)
    assert all(f.path == "app/risky.py" for f in ours)  # the test file is not scanned
    assert all("hunter2" not in f.message for f in ours)
    assert "hunter2" not in outcome.summary
    assert outcome.status == "fail" and outcome.score is not None and outcome.score < 1
    assert f"{len(ours)} bandit findings" in outcome.summary


def test_clean_code_passes_and_a_broken_bandit_table_is_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/ok.py": "def add(a, b):\n    return a + b\n"})
    outcome = check_result(scan_tree(tmp_path, select=["sast-findings"]), "sast-findings")
    assert outcome.status == "pass" and outcome.score == 1.0
    # The project's bandit settings are read by the tool (skips, tests), never handed to bandit:
    # a broken table skips nothing and bandit still judges the code.
    write_tree(tmp_path, {"pyproject.toml": "[tool.bandit]\nexclude_dirs = [\n",
                          "app/h.py": "import hashlib\n\ndef sign(x):\n    return hashlib.md5(x).hexdigest()\n"})
    outcome = check_result(scan_tree(tmp_path, select=["sast-findings"]), "sast-findings")
    assert outcome.status == "fail" and "1 bandit finding" in outcome.summary


def test_weights_are_options(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/h.py": "import hashlib\n\ndef sign(x):\n    return hashlib.md5(x).hexdigest()\n"})
    heavy = check_result(scan_tree(tmp_path, select=["sast-findings"]), "sast-findings")
    config = {"checks": {"sast-findings": {"options": {"weights": {"HIGH": 0, "MEDIUM": 0, "LOW": 0}}}}}
    light = check_result(scan_tree(tmp_path, select=["sast-findings"], config=config), "sast-findings")
    assert heavy.score == 0.0 and light.score == 1.0


def test_dependency_scanning_pre_commit_hook_run_by_ci(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pypa/pip-audit\n    rev: v2.7.3\n"
                                   "    hooks:\n      - id: pip-audit\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  h:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - run: pre-commit run --all-files\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["dependency-scanning"]), "dependency-scanning")
    assert outcome.status == "pass"
    assert any(e.path == ".pre-commit-config.yaml" for e in outcome.evidence)


def test_sast_run_with_ignored_result_still_counts_but_says_so(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        ".gitlab-ci.yml": "sast:\n  allow_failure: true\n  script:\n    - bandit -r app\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["sast-in-ci"]), "sast-in-ci")
    assert outcome.status == "pass"
    assert outcome.evidence[0].message == "bandit runs in CI (its result does not fail the build)"
    assert (outcome.evidence[0].path, outcome.evidence[0].line) == (".gitlab-ci.yml", 4)


def test_dast_gitlab_template(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/x.py": "x = 1\n", ".gitlab-ci.yml": "include:\n  - template: DAST.gitlab-ci.yml\n"})
    outcome = check_result(scan_tree(tmp_path, select=["dast-in-ci"]), "dast-in-ci")
    assert outcome.status == "pass" and "DAST.gitlab-ci.yml" in outcome.summary
