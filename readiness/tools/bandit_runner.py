"""bandit over the project's application code, once per scan, as a subprocess with JSON output.

A subprocess rather than bandit's in-process API: bandit configures logging and keeps global
state, a crash in it cannot take the scan down, and several batches run in parallel on large
trees. It runs isolated (``python -I``) so a module in the scanned repository can never shadow
bandit or its dependencies. Test files are left out: asserts and fixtures with fake passwords are
what tests are made of.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess  # nosec B404 - fixed argv, no shell
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readiness.cache import Cache, plan_key, split_cached
from readiness.lazy_regex import lazy_compile
from readiness.roles import SERVICE, project_roles
from readiness.tools import memory_limited

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
    scanned: tuple[tuple[str, int], ...] = ()  # (file, lines of code) of every file it judged

    def without(self, left_out: frozenset[str]) -> BanditReport:
        """The report less some files (a command's helpers, known only once the imports are)."""
        if not left_out or self.error:
            return self
        scanned = tuple((p, n) for p, n in self.scanned if p not in left_out)
        return BanditReport(tuple(i for i in self.issues if i.path not in left_out), len(scanned),
                            sum(n for _, n in scanned), tuple(p for p in self.unparsed if p not in left_out),
                            None, scanned)


def mask(test_id: str, message: str) -> str:
    """Bandit's message without any secret it quotes."""
    if test_id in _QUOTING_TESTS:
        return re.sub(r"(['\"]).*?\1", r"\1***\1", message)
    return message


def _batches(files: list[str]) -> list[list[str]]:
    return [files[i:i + BATCH_FILES] for i in range(0, len(files), BATCH_FILES)]


_TEST_ID = lazy_compile(r"^B\d{3}$")
_YAML_CONFIGS = ("bandit.yaml", "bandit.yml", ".bandit.yaml", ".bandit.yml")
_INI_CONFIGS = (".bandit", "setup.cfg", "tox.ini")


def _ids(value: object) -> list[str]:
    """Test ids from a list or a comma-separated string; anything that is not an id is dropped."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(i).strip() for i in items if _TEST_ID.match(str(i).strip())]


def project_selection(project: Project) -> tuple[str, dict[str, list[str]]]:
    """The tests the project's own bandit configuration skips or restricts bandit to, and the file
    that says so: ``[tool.bandit]`` in pyproject.toml, a bandit YAML file, or a ``[bandit]``
    section of an INI file. Read here rather than handed to bandit, so bandit reads no file of
    the scanned tree but the code itself."""
    found: list[tuple[str, object, object]] = []
    if "pyproject.toml" in project.files:
        doc, _error = project.toml_document("pyproject.toml")
        table = doc.get("tool", {}).get("bandit") if isinstance(doc.get("tool"), dict) else None
        if isinstance(table, dict):
            found.append(("pyproject.toml", table.get("skips"), table.get("tests")))
    for rel in _YAML_CONFIGS:
        if rel in project.files:
            docs, _error = project.yaml_documents(rel)
            doc = docs[0] if docs and isinstance(docs[0], dict) else {}
            found.append((rel, doc.get("skips"), doc.get("tests")))
    for rel in _INI_CONFIGS:
        text = project.read_text(rel) if rel in project.files else None
        if text and "[bandit]" in text:
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                parser.read_string(text)
            except configparser.Error:
                continue
            if parser.has_section("bandit"):
                found.append((rel, parser.get("bandit", "skips", fallback=""), parser.get("bandit", "tests", fallback="")))
    for rel, skips, tests in found:
        selection = {"skips": _ids(skips), "tests": _ids(tests)}
        if selection["skips"] or selection["tests"]:
            return rel, selection
    return "", {"skips": [], "tests": []}


def _config_args(project: Project) -> list[str]:
    _source, selection = project_selection(project)
    args: list[str] = []
    if selection["skips"]:
        args += ["--skip", ",".join(selection["skips"])]
    if selection["tests"]:
        args += ["--tests", ",".join(selection["tests"])]
    return args


class BanditCrashed(RuntimeError):
    """bandit died from a signal: one hostile file (a parser stack overflow) can do that."""


def _run_isolating(root: str, files: list[str], config: list[str]) -> dict[str, Any]:
    """One batch; if bandit crashes on it, halves of it, so one hostile file costs only itself.
    A file bandit cannot survive is reported as unparsed."""
    try:
        return _run_batch(root, files, config)
    except BanditCrashed:
        if len(files) == 1:
            return {"results": [], "errors": [{"filename": files[0], "reason": "bandit crashed"}], "metrics": {}}
    merged: dict[str, Any] = {"results": [], "errors": [], "metrics": {}}
    half = len(files) // 2  # halves, not single files: a culprit costs a few runs, not one per file
    for part_files in (files[:half], files[half:]):
        part = _run_isolating(root, part_files, config)
        merged["results"].extend(part.get("results") or [])
        merged["errors"].extend(part.get("errors") or [])
        merged["metrics"].update(part.get("metrics") or {})
    return merged


def _run_batch(root: str, files: list[str], config: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-I", "-m", "bandit", "-f", "json", "-q", "--exit-zero", *config, "--", *files]
    proc = subprocess.run(  # nosec B603 - fixed argv, no shell
        memory_limited(command), cwd=root, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        # a signal, or the memory limit reached on one file: bisect to find it
        out_of_memory = "MemoryError" in proc.stderr
        error = BanditCrashed if proc.returncode < 0 or out_of_memory else RuntimeError
        raise error(f"bandit exited with {proc.returncode}: {lines[-1] if lines else 'no message'}")
    start = proc.stdout.find("{")
    try:
        data = json.loads(proc.stdout[start:] if start >= 0 else proc.stdout)
    except ValueError as exc:
        raise RuntimeError("bandit produced no JSON report") from exc
    if not isinstance(data, dict):
        raise RuntimeError("bandit produced an unexpected report")
    return data


def _bandit_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only when bandit runs

    try:
        return version("bandit")
    except PackageNotFoundError:
        return ""


FileResult = tuple[tuple[BanditIssue, ...], int, bool]  # issues, lines of code, unparsed


def _parse(data: dict[str, Any]) -> dict[str, FileResult]:
    issues: dict[str, list[BanditIssue]] = {}
    for item in data.get("results") or []:
        test_id = str(item.get("test_id", ""))
        path = str(item.get("filename", "")).removeprefix("./").replace(os.sep, "/")
        issues.setdefault(path, []).append(BanditIssue(
            path=path,
            line=int(item.get("line_number", 0) or 0),
            column=int(item.get("col_offset", 0) or 0) + 1,
            test_id=test_id,
            test_name=str(item.get("test_name", "")),
            severity=str(item.get("issue_severity", "LOW")).upper(),
            confidence=str(item.get("issue_confidence", "LOW")).upper(),
            message=mask(test_id, str(item.get("issue_text", ""))),
        ))
    unparsed = {
        str(e.get("filename", "")).removeprefix("./").replace(os.sep, "/")
        for e in data.get("errors") or [] if isinstance(e, dict)
    }
    out: dict[str, FileResult] = {}
    for name, metrics in (data.get("metrics") or {}).items():
        if name == "_totals" or not isinstance(metrics, dict):
            continue
        path = name.removeprefix("./").replace(os.sep, "/")
        out[path] = (tuple(issues.get(path, ())), int(metrics.get("loc", 0) or 0), path in unparsed)
    for path in set(issues) | unparsed:
        if path not in out:
            out[path] = (tuple(issues.get(path, ())), 0, path in unparsed)
    return out


def run_bandit(project: Project, cache: Cache | None = None) -> BanditReport:
    """Run bandit on the service's Python files (``readiness.roles``); never raises (a failure is ``error``).

    Per-file results are cached by content hash, so a warm scan runs bandit only on the files
    that changed.
    """
    # tests, scripts, migrations, commands: not judged. The role a file's own path and text give it,
    # whenever this runs (alongside the per-file phase): a command's helpers are left out later (``without``)
    roles = project_roles(project)
    files = [p for p in project.python_files if roles.own(p) == SERVICE]
    if not files:
        return BanditReport()
    config = _config_args(project)
    key = plan_key(["bandit", _bandit_version(), config])
    stored = cache.load("bandit", key) if cache is not None else {}
    results: dict[str, FileResult]
    results, todo = split_cached(stored, files, project.digests)
    batches = _batches(todo)
    try:
        if len(batches) == 1:
            reports = [_run_isolating(str(project.root), batches[0], config)]
        elif batches:
            with ThreadPoolExecutor(max_workers=min(len(batches), os.cpu_count() or 2)) as pool:
                reports = list(pool.map(lambda b: _run_isolating(str(project.root), b, config), batches))
        else:
            reports = []
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        return BanditReport(files=len(files), error=str(exc))
    fresh: dict[str, FileResult] = {}
    for data in reports:
        fresh.update(_parse(data))
    for path in todo:
        results[path] = fresh.get(path, ((), 0, False))
    if cache is not None and todo:
        cache.save("bandit", key, {p: (project.digests[p], results[p]) for p in files if p in project.digests})
    issues = sorted((i for p in files for i in results[p][0]), key=lambda i: (i.path, i.line, i.column, i.test_id))
    return BanditReport(
        tuple(issues), len(files), sum(results[p][1] for p in files), tuple(sorted(p for p in files if results[p][2])),
        scanned=tuple((p, results[p][1]) for p in files),
    )
