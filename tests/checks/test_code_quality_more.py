"""hardcoded-value and lint-errors through the real engine and CLI."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import check_result, run_cli, scan_tree, write_tree


def test_hardcoded_values_in_app_code_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/clients.py": (
            "import os\n"
            "import requests\n\n"
            "BILLING = 'https://billing.acme.io/api?key=abc'\n"
            "FALLBACK = os.environ.get('BILLING_URL', 'https://billing.acme.io')\n"
            "XMLNS = 'http://www.w3.org/2001/XMLSchema-instance'\n\n"
            "def fetch():\n"
            "    return requests.get('http://10.1.2.3:8080/status', timeout=3)\n"
        ),
        "app/config.py": "BILLING = 'https://billing.acme.io'\n",
        "scripts/seed.py": "URL = 'http://10.0.0.1'\n",
    })
    result = scan_tree(tmp_path, select=["hardcoded-value"])
    found = [(f.path, f.line, f.message) for f in result.findings]
    assert [(p, line) for p, line, _ in found] == [("app/clients.py", 4), ("app/clients.py", 9)]
    assert "key=abc" not in found[0][2] and "https://billing.acme.io/api" in found[0][2]
    assert check_result(result, "hardcoded-value").summary == "2 hardcoded addresses"


def test_localhost_outside_main_block_is_flagged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/db.py": (
        "import redis\n\n"
        "cache = redis.Redis(host='localhost', socket_timeout=1)\n\n"
        "if __name__ == '__main__':\n"
        "    redis.Redis(host='localhost', port=6379, socket_timeout=1)\n"
    )})
    result = scan_tree(tmp_path, select=["hardcoded-value"])
    assert [f.line for f in result.findings] == [3]


def test_lint_errors_through_the_cli(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import os\nimport sys\n\n\ndef f():\n    return sys.argv\n"})
    proc = run_cli("scan", str(tmp_path), "--format", "json", "--no-live", "--select", "lint-errors")
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    findings = [f for f in data["findings"] if f["check"] == "lint-errors"]
    assert [(f["path"], f["line"], f["code"]) for f in findings] == [("app/a.py", 1, "F401")]
    check = next(c for c in data["checks"] if c["id"] == "lint-errors")
    assert check["summary"].startswith("1 ruff finding in 1 of 1 service files; rules E4,E7,E9,F (ruff's documented")
    assert check["status"] == "fail"


def test_lint_errors_is_an_error_when_ruff_cannot_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "x = 1\n", "ruff.toml": "[lint\nbroken = \n"})
    result = scan_tree(tmp_path, select=["lint-errors"])
    outcome = check_result(result, "lint-errors")
    assert outcome.status == "error"
    assert "ruff failed" in outcome.explanation


def test_lint_errors_not_applicable_without_python(tmp_path: Path) -> None:
    write_tree(tmp_path, {"README.md": "# hi\n"})
    result = scan_tree(tmp_path, select=["lint-errors"])
    assert check_result(result, "lint-errors").status == "n/a"
