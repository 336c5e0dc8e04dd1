"""The pre-commit hooks, run by pre-commit itself against a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_tree

ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hooks_run_under_pre_commit(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        "app/svc.py": "def f():\n    print('x')\n    return 1\n",
        "app/clean.py": "X = 1\n",
        "app/config.py": "import os\n\nSECRET = os.getenv('APP_SECRET', 'dev-secret')\n",
    })
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    pre_commit = Path(sys.executable).with_name("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    proc = subprocess.run([str(pre_commit), "try-repo", str(ROOT), "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "app/svc.py:2:5: print-call" in out  # the scan hook reports the finding and fails
    assert "app/clean.py" not in out.split("readiness fix")[0]
    fixed = (repo / "app" / "svc.py").read_text(encoding="utf-8")
    assert "logger.info" in fixed and "print(" not in fixed  # the fix hook rewrote it
    assert "files were modified by this hook" in out
    # A fix that changes behaviour (the secret becomes required) waits for --unsafe-fixes.
    assert "os.getenv('APP_SECRET', 'dev-secret')" in (repo / "app" / "config.py").read_text(encoding="utf-8")
    assert "app/config.py:3:10: default-secret: not fixed" in out
