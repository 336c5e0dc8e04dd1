"""`readiness hook`: the given files only, severity threshold and marks, safe fixes, and the scan's cache left warm."""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness.fileindex import RACY_NS

SERVICE = {
    "app/svc.py": "def f():\n    print('x')\n    # TODO: later\n    return 1\n",
    "app/client.py": (
        "import os\n\nimport requests\n\nSECRET = os.getenv('APP_SECRET', 'dev-secret')\n\n\n"
        "def g():\n    try:\n        return requests.get('https://api.example.com/x')\n    except Exception:\n        pass\n"
    ),
    "app/other.py": "def h():\n    print('untouched')\n",
    "docs/runbook.md": "# Runbook\n\nRestore: `pg_restore -d app latest.dump`\n",
}


def _settle() -> None:
    """Let the files' change times fall out of the racy window, as an edited tree does by the next scan."""
    time.sleep(RACY_NS / 1e9 + 0.2)


def _cache_state(root: Path) -> dict[str, tuple[bytes, int]]:
    folder = root / ".readiness" / "cache"
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if not p.name.startswith("hook-")}


def _scan(root: Path) -> str:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-history", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return json.dumps(doc, sort_keys=True)


def test_hook_call_leaves_the_scan_cache_warm(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    _settle()
    cold = _scan(tmp_path)
    _scan(tmp_path)  # the first warm scan may still add the entries a cold one could not
    before = _cache_state(tmp_path)
    assert any(name.startswith("repository-") for name in before), sorted(before)
    proc = run_cli("hook", "app/svc.py", cwd=tmp_path)
    assert proc.returncode == 1 and "app/svc.py:2:5: print-call" in proc.stdout, proc.stdout + proc.stderr
    assert any(p.name.startswith("hook-") for p in (tmp_path / ".readiness" / "cache").iterdir())
    assert _cache_state(tmp_path) == before  # the hook wrote none of the scan's files
    assert _scan(tmp_path) == cold
    assert _cache_state(tmp_path) == before  # and the next scan was answered whole: nothing rewritten


def test_severity_threshold_and_fixable_marks(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    default = run_cli("hook", "app/svc.py", cwd=tmp_path)
    assert default.returncode == 1
    assert "app/svc.py:2:5: print-call [medium] [*] " in default.stdout
    assert "todo-comment" not in default.stdout  # low: below the default threshold
    assert "1 below --min-severity medium not shown" in default.stdout
    low = run_cli("hook", "--min-severity", "low", "app/svc.py", cwd=tmp_path)
    assert "app/svc.py:3:7: todo-comment [low] TODO" in low.stdout  # no [*]: nothing can fix a TODO
    high = run_cli("hook", "--min-severity", "high", "app/svc.py", cwd=tmp_path)
    assert high.returncode == 0 and "print-call" not in high.stdout
    bad = run_cli("hook", "--min-severity", "severe", "app/svc.py", cwd=tmp_path)
    assert bad.returncode == 2 and "--min-severity" in bad.stderr


def test_hook_judges_only_the_files_given(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("hook", "app/client.py", "docs/runbook.md", "missing.py", cwd=tmp_path)
    assert proc.returncode == 1
    paths = {line.split(":", 1)[0] for line in proc.stdout.splitlines() if not line.startswith("readiness:")}
    assert paths == {"app/client.py"}
    assert "in 1 file" in proc.stdout
    clean = run_cli("hook", "docs/runbook.md", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""
    # the state folder the hook's cache created is never committed
    assert (tmp_path / ".readiness" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_fix_hook_applies_safe_fixes_to_the_given_files_only(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("hook", "--fix", "app/svc.py", "app/client.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    svc = (tmp_path / "app" / "svc.py").read_text(encoding="utf-8")
    client = (tmp_path / "app" / "client.py").read_text(encoding="utf-8")
    assert "print(" not in svc and "logger.info('x')" in svc
    assert "timeout=" in client
    assert "os.getenv('APP_SECRET', 'dev-secret')" in client and "pass\n" in client  # behaviour kept
    assert "default-secret: not fixed: this fix changes behaviour (--unsafe-fixes)" in proc.stdout
    assert "print('untouched')" in (tmp_path / "app" / "other.py").read_text(encoding="utf-8")
    unsafe = run_cli("hook", "--fix", "--unsafe-fixes", "app/client.py", cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stderr
    client = (tmp_path / "app" / "client.py").read_text(encoding="utf-8")
    assert "os.environ['APP_SECRET']" in client and "logger.exception(" in client


def test_warm_scan_follows_changes_outside_python_files(tmp_path: Path) -> None:
    workflow = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install bandit\n"
    write_tree(tmp_path, {**SERVICE, ".github/workflows/ci.yml": workflow + "      - run: echo done\n"})
    _settle()
    _scan(tmp_path)
    before = _scan(tmp_path)
    write_tree(tmp_path, {".github/workflows/ci.yml": workflow + "      - run: bandit -r app\n"})
    warm = _scan(tmp_path)
    assert warm != before  # sast-in-ci now passes: the workflow's content is part of the key
    proc = run_cli("scan", str(tmp_path), "--format", "json", "--no-live", "--no-history", "--no-cache")
    cold = json.loads(proc.stdout)
    cold.pop("generated_at")
    cold.pop("timings")
    assert warm == json.dumps(cold, sort_keys=True)
