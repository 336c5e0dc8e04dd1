"""Test helpers: build repositories in a temporary directory and run the real CLI or engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from readiness.config import Operator, Settings
from readiness.engine import ScanRequest, run_scan, select_checks
from readiness.model import ScanResult
from readiness.registry import load_checks
from readiness.routes import Route, build_route_table, route_facts
from readiness.source import SourceFile


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def scan_tree(
    root: Path, *, select: Sequence[str] = (), config: Mapping[str, Any] | None = None, live: bool | None = False,
    allow_private: bool = False,
) -> ScanResult:
    """Run the real engine in-process on ``root``, with a configuration given as a dict."""
    settings = Settings(dict(config or {}), "test-config" if config else None, operator=Operator(allow_private=allow_private))
    checks = load_checks(use_entry_points=False)
    selected, deselected = select_checks(checks, settings, list(select))
    return run_scan(ScanRequest(root=root, settings=settings, checks=selected, deselected=deselected, live=live))


def run_cli(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would (``python -m readiness``), without a terminal."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    full_env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "readiness", *args], cwd=cwd, env=full_env, capture_output=True,
        text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def scan_json(root: Path, *args: str, **kw: Any) -> dict[str, Any]:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", *args, **kw)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def check_result(result: ScanResult, check_id: str) -> Any:
    return next(c for c in result.checks if c.id == check_id)


def route_table(root: Path) -> dict[str, Route]:
    """The route table of every Python file under ``root``, by label (``GET /orders``)."""
    facts = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        facts[rel] = route_facts(SourceFile.from_text(rel, path.read_text()))
    return {r.label: r for r in build_route_table(facts)}


def check_status(root: Path, check: str) -> tuple[str, float | None, int]:
    """One check's status, score and number of findings on the tree."""
    result = scan_tree(root, select=[check])
    outcome = check_result(result, check)
    return outcome.status, outcome.score, len([f for f in result.findings if f.check == check])
