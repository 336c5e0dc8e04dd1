from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from helpers import run_cli, write_tree

from readiness import history

SECRETISH = "hunter2-super-secret-token"
SERVICE = {"app/main.py": f"# TODO: rotate {SECRETISH}\nprint('starting')\n", "app/util.py": "x = 1\n"}


def scan(root: Path, *args: str) -> None:
    proc = run_cli("scan", str(root), "--no-live", "--quiet", *args)
    assert proc.returncode in (0, 1), proc.stderr


def test_each_scan_appends_a_summary_without_messages(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    scan(tmp_path)
    scan(tmp_path)
    store = tmp_path / ".readiness" / "history.sqlite"
    assert store.is_file()
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT target, overall, summary FROM scans ORDER BY id").fetchall()
    assert len(rows) == 2
    assert rows[0][0] == str(tmp_path.resolve())
    summary = json.loads(rows[1][2])
    assert set(summary) == {"generated_at", "target", "overall", "categories", "blockers", "failing", "check_findings",
                            "estimate_days", "counts"}
    assert summary["counts"]["findings"] == 2
    raw = store.read_bytes()
    assert SECRETISH.encode() not in raw and b"app/main.py" not in raw and b"starting" not in raw


def test_no_history_flag_and_config_switch(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    scan(tmp_path, "--no-history")
    assert not (tmp_path / ".readiness" / "history.sqlite").exists()
    (tmp_path / "readiness.yaml").write_text("history:\n  enabled: false\n", encoding="utf-8")
    scan(tmp_path)
    assert not (tmp_path / ".readiness" / "history.sqlite").exists()


def test_configured_path_and_history_command(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    (tmp_path / "readiness.yaml").write_text("history:\n  path: state/scans.db\n", encoding="utf-8")
    scan(tmp_path)
    (tmp_path / "app" / "main.py").write_text("x = 2\n", encoding="utf-8")
    scan(tmp_path)
    assert (tmp_path / "state" / "scans.db").is_file()
    proc = run_cli("history", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line[:4].isdigit()]
    assert len(lines) == 2
    assert "code-quality +" in lines[1]
    assert "2 scans:" in proc.stdout
    summaries = json.loads(run_cli("history", str(tmp_path), "--json").stdout)
    assert summaries[1]["overall"]["score"] > summaries[0]["overall"]["score"]


def test_history_command_without_scans(tmp_path: Path) -> None:
    proc = run_cli("history", str(tmp_path))
    assert proc.returncode == 0
    assert "No scans recorded yet" in proc.stdout


def test_load_filters_by_target_and_limits(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    doc = {"generated_at": "2025-01-01T00:00:00Z", "target": {"name": "a", "files": 1, "lines": 1},
           "overall": {"score": 10.0, "target": 80, "status": "in-progress", "blockers": 1}, "categories": [],
           "checks": [{"id": "default-secret", "severity": "critical", "status": "fail"}], "findings": []}
    for i in range(5):
        history.record(store, "one", {**doc, "overall": {**doc["overall"], "score": float(i)}})
    history.record(store, "two", doc)
    got = history.load(store, "one", limit=3)
    assert [s["overall"]["score"] for s in got] == [2.0, 3.0, 4.0]
    assert got[0]["blockers"] == ["default-secret"]
    assert len(history.load(store, "two")) == 1
    assert history.load(tmp_path / "absent.sqlite") == []


def test_blocker_progress_counts_fixed_blockers() -> None:
    now = {"checks": [{"id": "a", "severity": "critical", "status": "fail"}, {"id": "b", "severity": "critical", "status": "pass"}]}
    past = [{"blockers": ["a", "b"]}, {"blockers": ["c"]}]
    assert history.blocker_progress(now, past) == (1, 2, 3)


def _git(root: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   check=True, capture_output=True)


def test_full_scans_are_recorded_with_commit_and_branch(tmp_path: Path) -> None:
    import subprocess

    write_tree(tmp_path, SERVICE)
    _git(tmp_path, "init", "-q", "-b", "release/1.2")
    _git(tmp_path, "add", "app")
    _git(tmp_path, "commit", "-q", "-m", "first")
    sha = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    scan(tmp_path)
    scan(tmp_path, "--select", "print-call")  # a partial scan is not history
    scan(tmp_path, "--ignore", "todo-comment")
    stored = history.load(tmp_path / ".readiness" / "history.sqlite")
    assert len(stored) == 1
    assert stored[0]["git"] == {"commit": sha, "branch": "release/1.2"}
    table = run_cli("history", str(tmp_path))
    assert table.returncode == 0 and f"{sha[:8]} (release/1.2)" in table.stdout
    _git(tmp_path, "pack-refs", "--all")  # the ref now lives in packed-refs only
    scan(tmp_path)
    assert history.load(tmp_path / ".readiness" / "history.sqlite")[-1]["git"]["commit"] == sha


def test_outside_git_there_is_no_commit(tmp_path: Path) -> None:
    from readiness.git_state import git_state

    assert git_state(tmp_path / "nowhere") == {} or "commit" not in git_state(tmp_path / "nowhere")
    write_tree(tmp_path, {".git/HEAD": "ref: refs/heads/../../../etc/passwd\n"})
    assert "commit" not in git_state(tmp_path) and "branch" not in git_state(tmp_path)


def test_trend_has_one_point_per_commit(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "app")
    _git(tmp_path, "commit", "-q", "-m", "first")
    scan(tmp_path)
    scan(tmp_path)  # the same commit again: one point
    (tmp_path / "app" / "main.py").write_text("import logging\nlog = logging.getLogger(__name__)\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "fix")
    scan(tmp_path)
    stored = history.load(tmp_path / ".readiness" / "history.sqlite")
    assert len(stored) == 3 and len(history.per_commit(stored)) == 2
    out = tmp_path / "r.html"
    scan(tmp_path, "--no-history", "-o", str(out))  # this commit again: its earlier scan is not a second point
    html = out.read_text(encoding="utf-8")
    import re

    assert len(re.findall(r"<circle cx=\"[\d.]+\" cy=\"[\d.]+\" r=\"4\"", html)) == 2
    markdown = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "markdown").stdout
    assert "## ✅ Fixed since the last scan" not in markdown  # the last scan is of this very tree
