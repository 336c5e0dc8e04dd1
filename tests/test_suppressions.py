"""Every suppression form, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, write_tree


def scan(root: Path, *args: str) -> dict:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--select", "code-quality", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_check(doc: dict, check: str) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in doc["findings"] if f["check"] == check]


def test_inline_same_line_line_above_and_several_ids(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "print(1)  # readiness: ignore[print-call] banner\n"        # 1 suppressed
        "# readiness: ignore[print-call, todo-comment] legacy\n"    # 2 covers 3
        "print(2)  # TODO later\n"                                  # 3 both suppressed
        "print(3)\n"                                                # 4 reported
        "print(4)  # readiness: ignore[todo-comment] wrong id\n"    # 5 reported + unused
        "x = 1  # readiness: ignore\n"                              # 6 blanket
    )})
    doc = scan(tmp_path)
    assert by_check(doc, "print-call") == [("app/a.py", 4), ("app/a.py", 5)]
    assert by_check(doc, "todo-comment") == []
    assert by_check(doc, "blanket-suppression") == [("app/a.py", 6)]
    assert by_check(doc, "unused-suppression") == [("app/a.py", 5)]
    counts = {c["id"]: c["suppressed"] for c in doc["checks"]}
    assert counts["print-call"] == 2 and counts["todo-comment"] == 1
    assert doc["suppressions"]["suppressed"] == 3


def test_config_ignore_and_no_suppress(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/a.py": "print(1)  # readiness: ignore[print-call] banner\n",
        "legacy/b.py": "print(2)\n",
        "readiness.yaml": "checks:\n  print-call:\n    ignore:\n      - {path: 'legacy/*', reason: frozen code}\n",
    })
    doc = scan(tmp_path)
    assert by_check(doc, "print-call") == []
    assert next(c for c in doc["checks"] if c["id"] == "print-call")["suppressed"] == 2
    everything = scan(tmp_path, "--no-suppress")
    assert by_check(everything, "print-call") == [("app/a.py", 1), ("legacy/b.py", 1)]


def test_config_ignore_needs_a_reason(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "checks:\n  print-call:\n    ignore:\n      - {path: 'legacy/*'}\n"})
    proc = run_cli("scan", str(tmp_path))
    assert proc.returncode == 2
    assert "readiness.yaml:4: checks.print-call.ignore.0: reason: required" in proc.stderr
