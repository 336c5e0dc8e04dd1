"""Writes are atomic: a scan killed midway leaves the previous report, history and cache intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import assert_valid_result

from readiness.cache import Cache
from readiness.fsutil import atomic_write_bytes


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "XDG_CACHE_HOME": str(home)})
    return env


def _scan(root: Path, report: Path, home: Path) -> subprocess.Popen[bytes]:
    # per-file checks and ruff only: the whole catalogue with bandit takes half a minute on 10 000 files;
    # selected in a configuration file, since a scan narrowed by --select is not recorded in the history
    config = home.parent / "code-quality-only.yaml"
    config.write_text("select: [code-quality]\n", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "readiness", "scan", str(root), "-o", str(report), "--quiet", "--no-live", "--jobs", "2",
         "--config", str(config)],
        env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )


def _history_rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return db.execute("SELECT * FROM scans ORDER BY id").fetchall()


def _cache_entries(directory: Path, home: Path) -> dict[str, int]:
    os.environ["XDG_CACHE_HOME"] = str(home)  # the same signing key as the scans used
    try:
        cache = Cache(directory)
        out = {}
        for path in sorted(directory.glob("*.json")):
            name, key = path.stem.split("-", 1)
            out[path.name] = len(cache.load(name, key))
        return out
    finally:
        os.environ.pop("XDG_CACHE_HOME", None)


@pytest.mark.slow
def test_killed_scan_leaves_previous_outputs_intact(many_files_repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    history = many_files_repo / ".readiness" / "history.sqlite"
    cache_dir = many_files_repo / ".readiness" / "cache"

    started = time.monotonic()
    finished = _scan(many_files_repo, report, home)
    assert finished.wait(timeout=300) in (0, 1), finished.stderr.read() if finished.stderr else ""
    duration = time.monotonic() - started
    assert_valid_result(json.loads(report.read_text(encoding="utf-8")))
    previous_report = report.read_bytes()
    previous_history = _history_rows(history)
    names_before = sorted(p.name for p in out_dir.iterdir())
    assert _cache_entries(cache_dir, home), "the finished scan wrote no cache"

    intact = 0
    for share in (0.15, 0.4, 0.7):  # discovery, analysis, and near the cache and report writes
        for cache_file in cache_dir.glob("*.json"):
            cache_file.unlink()  # a cold cache makes the killed scan do real work when the signal lands
        victim = _scan(many_files_repo, report, home)
        time.sleep(duration * share)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        if victim.returncode != -signal.SIGKILL:
            continue  # it finished first: nothing to learn from this round

        current = report.read_bytes()
        if current == previous_report:
            intact += 1
        else:  # killed after its own rename: then the new report is whole, never a torn file
            assert_valid_result(json.loads(current.decode("utf-8")))
            previous_report = current
        assert sorted(p.name for p in out_dir.iterdir() if not p.name.endswith(".tmp")) == names_before
        rows = _history_rows(history)
        assert rows[:len(previous_history)] == previous_history
        previous_history = rows
        for name, entries in _cache_entries(cache_dir, home).items():
            assert entries > 0, f"{name} is not a complete, signed cache file"
    assert intact >= 1, "no kill landed before the report was written: the test proved nothing"


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
