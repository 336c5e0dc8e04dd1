"""The pre-commit path stays cheap: a second hook call on the same files is answered from the
hook's own cache entries, and a hook call on an edited file never touches the scan's cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness.fileindex import RACY_NS

TREE = {
    "app/svc.py": "def f():\n    print('x')\n    return 1\n",
    "app/other.py": "def h():\n    return 2\n",
}


def _files(root: Path, *, hook: bool) -> dict[str, tuple[bytes, int]]:
    """The hook's cache files (or the scan's), with their bytes and modification times."""
    folder = root / ".readiness" / "cache"
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())
            if p.name.startswith("hook-") == hook}


def _scan(root: Path, *extra: str) -> str:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-history", "--jobs", "1", *extra)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return json.dumps(doc, sort_keys=True)


def test_second_hook_call_is_answered_from_its_cache(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    first = run_cli("hook", "app/svc.py", "app/other.py", cwd=tmp_path)
    assert first.returncode == 1 and "app/svc.py:2:5: print-call" in first.stdout, first.stdout + first.stderr
    entries = _files(tmp_path, hook=True)
    assert len(entries) == 1
    second = run_cli("hook", "app/svc.py", "app/other.py", cwd=tmp_path)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert _files(tmp_path, hook=True) == entries  # nothing analysed again, nothing rewritten


def test_hook_on_an_edited_file_leaves_the_scan_cache_alone(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    time.sleep(RACY_NS / 1e9 + 0.2)
    _scan(tmp_path)
    _scan(tmp_path)
    scan_files = _files(tmp_path, hook=False)
    assert scan_files
    (tmp_path / "app" / "other.py").write_text("def h():\n    print('now')\n    return 2\n", encoding="utf-8")
    proc = run_cli("hook", "app/other.py", cwd=tmp_path)
    assert proc.returncode == 1 and "app/other.py:2:5: print-call" in proc.stdout, proc.stdout + proc.stderr
    assert _files(tmp_path, hook=False) == scan_files  # the hook analysed the new content into its own entries only
    assert _scan(tmp_path) == _scan(tmp_path, "--no-cache")  # the next scan sees the edit
