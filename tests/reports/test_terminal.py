from __future__ import annotations

import re
from pathlib import Path

from helpers import run_cli, write_tree

LONG = "app/" + "/".join(f"package_with_a_long_name_{i}" for i in range(6)) + "/module.py"
SERVICE = {
    "app/main.py": (
        "import logging\nimport requests\nimport yaml\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def load(path):\n    return yaml.load(open(path))\n\n\n"
        "def go():\n    print('a')\n    print('b')\n    print('c')\n    print('d')\n"
        "    return requests.get('https://inventory.internal/items')\n"
    ),
    LONG: "def f():\n    print('deep')\n",
}


def scan(root: Path, *args: str) -> list[str]:
    proc = run_cli("scan", str(root), "--no-live", "--no-history", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout.splitlines()


def test_findings_grouped_by_check_with_the_summary_last(tmp_path: Path) -> None:
    lines = scan(write_tree(tmp_path, SERVICE))
    assert lines[0].startswith("Production readiness ") and lines[-1].startswith("Production readiness ")
    assert re.search(r"· \d+ findings, \d+ fixable with `readiness fix` \(\[\*\]\)$", lines[-1])
    assert any(line.startswith("Category") for line in lines[-20:])  # the matrix sits just above the summary
    headers = [line for line in lines if re.match(r"^[a-z][a-z-]+( [A-Z]+\d+)? \[(critical|high|medium|low)\] ", line)]
    assert len(headers) == len(set(headers))
    assert sum(1 for h in headers if h.startswith("print-call ")) == 1
    fixes = [line for line in lines if line.startswith("  fix: ")]
    assert len(fixes) == len(headers)  # one fix line per check
    # print-call: 5 findings, 3 shown, fixable marks, the rest counted.
    group = lines[lines.index(next(h for h in headers if h.startswith("print-call "))):]
    shown = [line for line in group[1:4] if line.startswith("  app/")]
    assert len(shown) == 3 and all(line.endswith(" [*]") for line in shown)
    assert group[4] == "  … 2 more (--all shows every finding)"


def test_engine_findings_get_their_own_rule_fix(tmp_path: Path) -> None:
    lines = scan(write_tree(tmp_path, SERVICE))
    yaml_group = next(i for i, line in enumerate(lines) if line.startswith("sast-findings B506 "))
    fix = next(line for line in lines[yaml_group:] if line.startswith("  fix: "))
    assert "yaml.safe_load()" in fix and "readiness explain B506" in fix
    timeout_group = next(i for i, line in enumerate(lines) if line.startswith("missing-timeout "))
    fix = next(line for line in lines[timeout_group:] if line.startswith("  fix: "))
    assert "timeout=" in fix and "yaml" not in fix


def test_repository_level_failures_are_listed_with_their_reason(tmp_path: Path) -> None:
    lines = scan(write_tree(tmp_path, SERVICE))
    start = lines.index("Failing checks of the repository as a whole:")
    listed = [line for line in lines[start + 1:] if line.startswith("  ")]
    assert any(re.match(r"^  load-tests \[high\] no load tests", line) for line in listed), listed


def test_one_finding_per_line_off_a_terminal(tmp_path: Path) -> None:
    lines = scan(write_tree(tmp_path, SERVICE), "--all")
    assert any(line.startswith(f"  {LONG}:2:5 print() call") for line in lines)  # longer than the 100 columns, unwrapped
    assert sum(1 for line in lines if line.startswith("  app/main.py:") and "print()" in line) == 4
    assert not any("more (--all" in line for line in lines)


def test_statistics_and_min_severity(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SERVICE)
    lines = scan(root, "--statistics")
    stats = [line for line in lines if re.match(r"^\s+\d+\s{2}\S", line)]
    print_line = next(line for line in stats if " print-call " in line)
    assert re.match(r"^\s+5\s+print-call\s+\[\*\]\s+medium\s+print\(\) in service code$", print_line)
    assert not any(line.startswith("  fix: ") for line in lines)
    high = scan(root, "--min-severity", "high")
    assert not any(line.startswith("print-call ") for line in high)
    assert any(line.startswith("missing-timeout ") for line in high)
    assert re.search(r"· \d+ at high or above shown$", high[-1])
    bad = run_cli("scan", str(root), "--no-live", "--no-history", "--min-severity", "severe")
    assert bad.returncode == 2 and "--min-severity" in bad.stderr


def test_a_partial_scan_claims_no_blockers_and_no_trend(tmp_path: Path) -> None:
    root = write_tree(tmp_path, SERVICE)
    run_cli("scan", str(root), "--no-live", "--quiet")  # a full scan in the history
    proc = run_cli("scan", str(root), "--no-live", "--select", "print-call")
    assert proc.returncode in (0, 1), proc.stderr
    first, last = proc.stdout.splitlines()[0], proc.stdout.splitlines()[-1]
    for line in (first, last):
        assert "partial scan: 1 of " in line and "blockers not judged by a partial scan" in line
        assert "0 critical blockers" not in line and "up from" not in line and "down from" not in line
    markdown = run_cli("scan", str(root), "--no-live", "--select", "print-call", "--format", "markdown").stdout
    assert "Partial scan:" in markdown and "not judged by a partial scan" in markdown and "0 open" not in markdown
