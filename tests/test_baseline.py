"""Adopting the gate on a repository with existing debt: one baseline command, then only news count."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, write_tree

DEBT = {
    "app/a.py": "def f():\n    print('old debt')\n    return 1\n",
    "app/b.py": "# TODO: old\nX = 1\n",
}


def test_adopt_with_baseline_then_fail_on_new_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, DEBT)
    gate = ("--fail-under", "99", "--select", "code-quality", "--no-live", "--no-history")
    assert run_cli("scan", str(tmp_path), *gate).returncode == 1  # existing debt blocks a plain gate
    base = tmp_path / "readiness-baseline.json"
    proc = run_cli("baseline", "save", str(base), "--path", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "2 findings recorded" in proc.stdout

    # Lines move: still the same findings.
    (tmp_path / "app" / "a.py").write_text('"""Orders."""\n\n\n' + DEBT["app/a.py"], encoding="utf-8")
    proc = run_cli("scan", str(tmp_path), "--baseline", str(base), "--format", "json", *gate)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["findings"] == []
    assert doc["baseline"]["existing"] == 2 and doc["baseline"]["new"] == 0

    # A new finding fails the gate, and only it is reported.
    (tmp_path / "app" / "c.py").write_text("def g():\n    print('new')\n", encoding="utf-8")
    proc = run_cli("scan", str(tmp_path), "--baseline", str(base), "--format", "json", *gate)
    assert proc.returncode == 1
    assert "1 new finding since the baseline" in proc.stderr
    doc = json.loads(proc.stdout)
    assert [(f["path"], f["baseline"]) for f in doc["findings"]] == [("app/c.py", "new")]


def test_fixed_findings_are_shown_as_fixed(tmp_path: Path) -> None:
    write_tree(tmp_path, DEBT)
    base = tmp_path / "base.json"
    assert run_cli("baseline", "save", str(base), "--path", str(tmp_path)).returncode == 0
    (tmp_path / "app" / "b.py").write_text("X = 1\n", encoding="utf-8")
    proc = run_cli("scan", str(tmp_path), "--baseline", str(base), "--select", "code-quality", "--no-live", "--no-history")
    assert proc.returncode == 0, proc.stderr
    assert "1 fixed" in proc.stdout
    assert "fixed: app/b.py:1  todo-comment" in proc.stdout


def test_category_that_fell_fails_the_gate(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "".join(f"x{i} = {i}\n" for i in range(200))})
    base = tmp_path / "base.json"
    assert run_cli("baseline", "save", str(base), "--path", str(tmp_path)).returncode == 0
    doc = json.loads(base.read_text())
    # Pretend the baseline was better than today in code quality.
    (tmp_path / "app" / "a.py").write_text("print(1)\n" + "".join(f"x{i} = {i}\n" for i in range(200)), encoding="utf-8")
    proc = run_cli("scan", str(tmp_path), "--baseline", str(base), "--select", "code-quality", "--no-live", "--no-history")
    assert proc.returncode == 1
    assert "code-quality fell from" in proc.stderr
    assert doc["schema_version"] == 1


def test_unreadable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "base.json").write_text("[]", encoding="utf-8")
    proc = run_cli("scan", str(tmp_path), "--baseline", str(tmp_path / "base.json"))
    assert proc.returncode == 2
    proc = run_cli("scan", str(tmp_path), "--baseline", str(tmp_path / "missing.json"))
    assert proc.returncode == 2
