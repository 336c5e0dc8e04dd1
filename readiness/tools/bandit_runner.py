"""bandit over the project's application code, once per scan, as a subprocess with JSON output.

A subprocess rather than bandit's in-process API: bandit configures logging and keeps global
state, a crash in it cannot take the scan down, and several batches run in parallel on large
trees. It runs isolated (``python -I``) so a module in the scanned repository can never shadow
bandit or its dependencies. Test files are left out: asserts and fixtures with fake passwords are
what tests are made of.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readiness.paths import is_test_path

if TYPE_CHECKING:
    from readiness.project import Project

BATCH_FILES = 200
TIMEOUT_SECONDS = 600
# Tests whose message quotes the literal they found (a password): the literal is masked.
_QUOTING_TESTS = frozenset({"B105", "B106", "B107"})


@dataclass(frozen=True)
class BanditIssue:
    path: str
    line: int
    column: int  # 1-based
    test_id: str  # B303
    test_name: str
    severity: str  # LOW, MEDIUM, HIGH
    confidence: str
    message: str


@dataclass(frozen=True)
class BanditReport:
    issues: tuple[BanditIssue, ...] = ()
    files: int = 0
    loc: int = 0
    unparsed: tuple[str, ...] = ()  # files bandit could not parse
    error: str | None = None  # bandit itself failed


def mask(test_id: str, message: str) -> str:
    """Bandit's message without any secret it quotes."""
    if test_id in _QUOTING_TESTS:
        return re.sub(r"(['\"]).*?\1", r"\1***\1", message)
    return message


def _batches(files: list[str]) -> list[list[str]]:
    return [files[i:i + BATCH_FILES] for i in range(0, len(files), BATCH_FILES)]


def _config_args(project: Project) -> list[str]:
    text = project.read_text("pyproject.toml") if "pyproject.toml" in project.files else None
    if text and "[tool.bandit" in text:
        return ["-c", "pyproject.toml"]
    return []


def _run_batch(root: str, files: list[str], config: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-I", "-m", "bandit", "-f", "json", "-q", "--exit-zero", *config, "--", *files]
    proc = subprocess.run(
        command, cwd=root, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        raise RuntimeError(f"bandit exited with {proc.returncode}: {lines[-1] if lines else 'no message'}")
    start = proc.stdout.find("{")
    try:
        data = json.loads(proc.stdout[start:] if start >= 0 else proc.stdout)
    except ValueError as exc:
        raise RuntimeError("bandit produced no JSON report") from exc
    if not isinstance(data, dict):
        raise RuntimeError("bandit produced an unexpected report")
    return data


def run_bandit(project: Project) -> BanditReport:
    """Run bandit on the non-test Python files; never raises (a failure is ``error``)."""
    files = [f for f in project.python_files if not is_test_path(f)]
    if not files:
        return BanditReport()
    config = _config_args(project)
    batches = _batches(files)
    try:
        if len(batches) == 1:
            reports = [_run_batch(str(project.root), batches[0], config)]
        else:
            with ThreadPoolExecutor(max_workers=min(len(batches), os.cpu_count() or 2)) as pool:
                reports = list(pool.map(lambda b: _run_batch(str(project.root), b, config), batches))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        return BanditReport(files=len(files), error=str(exc))
    issues: list[BanditIssue] = []
    unparsed: list[str] = []
    loc = 0
    for data in reports:
        totals = (data.get("metrics") or {}).get("_totals") or {}
        loc += int(totals.get("loc", 0) or 0)
        unparsed.extend(str(e.get("filename", "")) for e in data.get("errors") or [] if isinstance(e, dict))
        for item in data.get("results") or []:
            test_id = str(item.get("test_id", ""))
            issues.append(BanditIssue(
                path=str(item.get("filename", "")).removeprefix("./").replace(os.sep, "/"),
                line=int(item.get("line_number", 0) or 0),
                column=int(item.get("col_offset", 0) or 0) + 1,
                test_id=test_id,
                test_name=str(item.get("test_name", "")),
                severity=str(item.get("issue_severity", "LOW")).upper(),
                confidence=str(item.get("issue_confidence", "LOW")).upper(),
                message=mask(test_id, str(item.get("issue_text", ""))),
            ))
    issues.sort(key=lambda i: (i.path, i.line, i.column, i.test_id))
    return BanditReport(tuple(issues), len(files), loc, tuple(sorted(unparsed)))
