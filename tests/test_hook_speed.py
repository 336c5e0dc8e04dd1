"""The pre-commit path stays cheap: a second hook call on the same files is answered from the
hook's own cache entries, and a hook call on an edited file never touches the scan's cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
    assert len(entries) == 2 and "hook-answers-v1.json" in entries  # the per-file entries and the kept answer
    second = run_cli("hook", "app/svc.py", "app/other.py", cwd=tmp_path)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert _files(tmp_path, hook=True) == entries  # nothing analysed again, nothing rewritten
    # the files in another order are another call: judged from the per-file entries, not analysed again
    third = run_cli("hook", "app/other.py", "app/svc.py", cwd=tmp_path)
    assert (third.returncode, third.stdout) == (first.returncode, first.stdout)
    per_file = {k: v for k, v in entries.items() if k != "hook-answers-v1.json"}
    assert {k: v for k, v in _files(tmp_path, hook=True).items() if k != "hook-answers-v1.json"} == per_file


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


def _modules_after(root: Path, *args: str) -> tuple[set[str], str, int]:
    """The modules ``python -m readiness ARGS`` loaded, what it printed and its exit code."""
    code = ("import atexit, json, runpy, sys\n"
            "atexit.register(lambda: sys.__stderr__.write('MODULES=' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
            f"sys.argv = ['readiness', *{list(args)!r}]\n"
            "runpy.run_module('readiness', run_name='__main__', alter_sys=True)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env={**env, "NO_COLOR": "1"})
    line = next(line for line in proc.stderr.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES="))), proc.stdout, proc.returncode


def test_a_repeated_hook_call_is_answered_before_the_command_line_loads(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    first, out, code = _modules_after(tmp_path, "hook", "app/svc.py")
    assert code == 1 and "app/svc.py:2:5: print-call" in out and "readiness.checks.code_quality" in first
    again, out_again, code_again = _modules_after(tmp_path, "hook", "app/svc.py")
    assert (out_again, code_again) == (out, code)
    assert not any(m.startswith(("readiness.cli", "readiness.checks", "readiness.engine", "typer")) for m in again)


def test_a_replayed_answer_follows_every_input(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    run_cli("hook", "app/svc.py", cwd=tmp_path)
    (tmp_path / "app" / "svc.py").write_text("def f():\n    return 1\n", encoding="utf-8")  # the file changed
    proc = run_cli("hook", "app/svc.py", cwd=tmp_path)
    assert proc.returncode == 0 and "print-call" not in proc.stdout, proc.stdout
    (tmp_path / "app" / "svc.py").write_text(TREE["app/svc.py"], encoding="utf-8")
    assert run_cli("hook", "app/svc.py", cwd=tmp_path).returncode == 1  # back again: the kept answer fits
    (tmp_path / "readiness.yaml").write_text("checks:\n  print-call:\n    enabled: false\n", encoding="utf-8")
    proc = run_cli("hook", "app/svc.py", cwd=tmp_path)  # the configuration changed
    assert proc.returncode == 0 and "print-call" not in proc.stdout, proc.stdout + proc.stderr
    proc = run_cli("hook", "--min-severity", "high", "app/svc.py", cwd=tmp_path)  # other arguments
    assert proc.returncode == 0, proc.stdout


def test_a_planted_answer_is_not_replayed(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    run_cli("hook", "app/svc.py", cwd=tmp_path)
    answers = tmp_path / ".readiness" / "cache" / "hook-answers-v1.json"
    assert answers.is_file()
    answers.write_text('{"answers": {"d": {}}}', encoding="utf-8")  # unsigned: the repository wrote it
    proc = run_cli("hook", "app/svc.py", cwd=tmp_path)
    assert proc.returncode == 1 and "app/svc.py:2:5: print-call" in proc.stdout, proc.stdout + proc.stderr


def test_kept_answers_hold_no_environment_value_and_a_fifo_never_blocks(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    token = "ghp_" + "k3" * 18
    proc = run_cli("hook", "app/svc.py", cwd=tmp_path, env={"DEPLOY_TOKEN": token})
    assert proc.returncode == 1, proc.stderr
    answers = (tmp_path / ".readiness" / "cache" / "hook-answers-v1.json").read_bytes()
    assert token.encode() not in answers and b"DEPLOY_TOKEN" not in answers
    os.mkfifo(tmp_path / "app" / "pipe.py")  # named on the command line: judged without being opened for a read that waits
    proc = run_cli("hook", "app/svc.py", "app/pipe.py", cwd=tmp_path, timeout=60)
    assert proc.returncode == 1 and "app/svc.py:2:5: print-call" in proc.stdout, proc.stdout + proc.stderr
