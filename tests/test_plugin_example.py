"""The example plugin package, installed for real and found through its entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import run_cli, write_tree

ROOT = Path(__file__).resolve().parents[1]


def test_example_plugin_through_entry_point(tmp_path: Path) -> None:
    target = tmp_path / "site"
    source = tmp_path / "plugin-example"
    shutil.copytree(ROOT / "examples" / "plugin-example", source)  # pip builds in place; keep the checkout clean
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(source)],
        check=True, capture_output=True, timeout=300,
    )
    env = {"PYTHONPATH": str(target)}
    listing = run_cli("checks", cwd=tmp_path, env=env)
    assert listing.returncode == 0, listing.stderr
    assert "no-eval" in listing.stdout
    repo = write_tree(tmp_path / "repo", {"app/calc.py": "def run(expr):\n    return eval(expr)\n"})
    proc = run_cli("scan", str(repo), "--format", "json", "--no-live", "--select", "no-eval", env=env)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [(f["check"], f["path"], f["line"]) for f in doc["findings"]] == [("no-eval", "app/calc.py", 2)]
    explained = run_cli("explain", "no-eval", cwd=tmp_path, env=env)
    assert "Parse the input" in explained.stdout
