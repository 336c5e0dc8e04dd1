"""The scan pipeline: discover files, analyse each Python file once, evaluate, score.

``analyze_file`` is a pure function of a file's bytes and the plan, so it runs in worker
processes and its result can be cached by content; everything that needs the whole project
happens afterwards, in this process, in path order, so results never depend on ``--jobs``,
the cache or the order in which workers finish.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from readiness import __version__
from readiness.categories import BUILTIN_CATEGORIES
from readiness.checks.base import Check, Collected, FileOutcome, Verdict
from readiness.config import ConfigError, Settings
from readiness.discovery import discover
from readiness.measures import Errored, NotApplicable
from readiness.model import CheckResult, Finding, Note, ScanResult
from readiness.paths import is_application_path
from readiness.project import Project
from readiness.scoring import DEFAULT_SEVERITY_WEIGHTS, CategorySpec, score_categories, score_measure, score_overall
from readiness.source import DecodeError, SourceFile, decode_source

MAX_FILE_BYTES = 8 * 1024 * 1024
_SUPPRESS_RE = re.compile(r"#\s*readiness:\s*ignore(?:\[([^\]]*)\])?")


class SelectionError(Exception):
    """An unknown check or category id given on the command line (exit 2)."""


# -- the per-file plan and its result ------------------------------------------------------

@dataclass(frozen=True)
class PlannedCheck:
    check: type[Check]
    options: Mapping[str, Any]
    severity: str


@dataclass
class FileAnalysis:
    path: str
    lines: int = 0
    imports: frozenset[str] = frozenset()
    notes: list[Note] = field(default_factory=list)
    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    suppressions: list[tuple[int, tuple[str, ...] | None, bool]] = field(default_factory=list)


def _normalise(line: str) -> str:
    return " ".join(line.split())


def fingerprint(check: str, path: str, source: SourceFile, line: int) -> str:
    """Stable across line moves: the check, the path, the line's text and its neighbours."""
    parts = [check, path, _normalise(source.line_text(line)),
             _normalise(source.line_text(line - 1)), _normalise(source.line_text(line + 1))]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _suppressions(source: SourceFile) -> dict[int, list[tuple[int, tuple[str, ...] | None]]]:
    """line -> [(comment line, ids or None for a bare ignore)] that cover it."""
    covered: dict[int, list[tuple[int, tuple[str, ...] | None]]] = {}
    for comment in source.comments:
        match = _SUPPRESS_RE.search(comment.text)
        if match is None:
            continue
        ids = None if match.group(1) is None else tuple(i.strip() for i in match.group(1).split(",") if i.strip())
        covered.setdefault(comment.line, []).append((comment.line, ids))
        if not comment.trailing:
            covered.setdefault(comment.line + 1, []).append((comment.line, ids))
    return covered


def analyze_file(root: str, rel: str, plan: Sequence[PlannedCheck]) -> FileAnalysis:
    """Read, decode, parse and check one Python file; never raises."""
    result = FileAnalysis(rel)
    full = os.path.join(root, rel)
    try:
        size = os.path.getsize(full)
        if size > MAX_FILE_BYTES:
            result.notes.append(Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB ({size} bytes)", rel))
            return result
        with open(full, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        result.notes.append(Note("read-error", f"cannot read: {exc.strerror or exc}", rel))
        return result
    try:
        text, encoding = decode_source(data)
    except DecodeError as exc:
        result.notes.append(Note("read-error", str(exc), rel))
        return result
    source = SourceFile.from_text(rel, text, encoding)
    result.lines = source.line_count
    result.imports = source.imports
    if source.error:
        result.notes.append(Note("parse-error", source.error, rel))
    covered = _suppressions(source) if "readiness:" in text else {}
    used: set[int] = set()
    for planned in plan:
        check = planned.check
        if check.needles and not any(n in text for n in check.needles):
            continue
        needs_tree = getattr(check, "needs_tree", True)
        if needs_tree and source.tree is None:
            continue
        try:
            outcome = check().check_file(source, planned.options)
        except Exception as exc:  # a check bug must not stop the scan
            result.errors[check.id] = f"{rel}: {type(exc).__name__}: {exc}"
            continue
        if outcome is None:
            continue
        kept: list[Finding] = []
        for hit in outcome.hits:
            suppressing = [
                line for line, ids in covered.get(hit.line, ()) if ids is not None and check.id in ids
            ]
            if suppressing:
                used.update(suppressing)
                result.suppressed[check.id] = result.suppressed.get(check.id, 0) + 1
                continue
            kept.append(Finding(
                path=rel, line=hit.line, column=hit.column, check=check.id, message=hit.message,
                severity=planned.severity,  # type: ignore[arg-type]
                fingerprint=fingerprint(check.id, rel, source, hit.line), fixable=hit.fixable,
                code=hit.code,
            ))
        outcome.hits = []
        result.outcomes[check.id] = outcome
        result.findings[check.id] = kept
    seen_comments: set[int] = set()
    for entries in covered.values():
        for line, ids in entries:
            if line in seen_comments:
                continue
            seen_comments.add(line)
            result.suppressions.append((line, ids, line in used))
    result.suppressions.sort(key=lambda s: s[0])
    return result


# -- selection and options -----------------------------------------------------------------

def select_checks(
    checks: Sequence[type[Check]], settings: Settings, select: Sequence[str] = (), ignore: Sequence[str] = (),
) -> tuple[list[type[Check]], list[type[Check]]]:
    """(selected, deselected); an unknown id raises SelectionError."""
    categories = {c.category for c in checks} | {c.id for c in BUILTIN_CATEGORIES}
    ids = {c.id for c in checks}
    for ident in [*select, *ignore]:
        if ident not in ids and ident not in categories:
            raise SelectionError(f"unknown check or category id '{ident}' (see `readiness checks`)")
    chosen_select = list(select) or list(settings.get("select", []) or [])
    chosen_ignore = list(ignore) + list(settings.get("ignore", []) or [])
    disabled_cats = {k for k, v in (settings.data.get("categories") or {}).items() if v and v.get("enabled") is False}
    selected, deselected = [], []
    for check in checks:
        keys = {check.id, check.category}
        on = (not chosen_select or keys & set(chosen_select)) and not keys & set(chosen_ignore)
        on = on and settings.check_entry(check.id).get("enabled", True) and check.category not in disabled_cats
        (selected if on else deselected).append(check)
    return selected, deselected


def check_options(check: type[Check], settings: Settings) -> dict[str, Any]:
    given = settings.check_entry(check.id).get("options") or {}
    merged = dict(check.options)
    for key, value in given.items():
        if key not in check.options:
            line = settings.lines.get(("checks", check.id, "options", key))
            where = f":{line}" if line else ""
            known = ", ".join(sorted(check.options)) or "none"
            raise ConfigError(f"{settings.source}{where}: checks.{check.id}.options.{key}: unknown option (known: {known})")
        default = check.options[key]
        if default is not None and not _same_kind(default, value):
            line = settings.lines.get(("checks", check.id, "options", key))
            where = f":{line}" if line else ""
            raise ConfigError(
                f"{settings.source}{where}: checks.{check.id}.options.{key}: expected {type(default).__name__}"
            )
        merged[key] = value
    return merged


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def category_specs(settings: Settings, checks: Iterable[type[Check]]) -> list[CategorySpec]:
    specs: list[CategorySpec] = []
    configured = settings.data.get("categories") or {}
    seen = set()
    for cat in BUILTIN_CATEGORIES:
        entry = configured.get(cat.id) or {}
        seen.add(cat.id)
        if entry.get("enabled") is False:
            continue
        specs.append(CategorySpec(
            cat.id, entry.get("name") or cat.name, float(entry.get("target", cat.target)),
            float(entry.get("weight", cat.weight)),
        ))
    for cat_id, entry in configured.items():
        if cat_id in seen or not entry or entry.get("enabled") is False:
            continue
        specs.append(CategorySpec(cat_id, entry["name"], float(entry["target"]), float(entry.get("weight", 1.0))))
        seen.add(cat_id)
    # A plugin's check may bring a category of its own, with a default target.
    for check in checks:
        if check.category not in seen:
            specs.append(CategorySpec(check.category, check.category.replace("-", " ").title(), 100.0))
            seen.add(check.category)
    return specs


# -- the scan ------------------------------------------------------------------------------

@dataclass
class ScanRequest:
    root: Path
    settings: Settings
    checks: Sequence[type[Check]]
    deselected: Sequence[type[Check]] = ()
    live: bool | None = None
    jobs: int = 1
    analyzer: Callable[[str, Sequence[str], Sequence[PlannedCheck]], list[FileAnalysis]] | None = None
    progress: Callable[[int, int], None] | None = None
    display_path: str | None = None  # the path as the user gave it


def live_enabled(request: ScanRequest) -> bool:
    if request.live is not None:
        return request.live
    return bool(request.settings.data.get("environment"))


def run_scan(request: ScanRequest) -> ScanResult:
    started = time.perf_counter()
    root = request.root.resolve()
    settings = request.settings
    discovered = discover(
        root,
        include=settings.get("include"),
        exclude=settings.get("exclude"),
        respect_gitignore=bool(settings.get("respect_gitignore", True)),
    )
    t_discover = time.perf_counter()
    severities = {c.id: settings.check_entry(c.id).get("severity") or c.severity for c in request.checks}
    options = {c.id: check_options(c, settings) for c in request.checks}
    plan = [PlannedCheck(c, options[c.id], severities[c.id]) for c in request.checks if c.kind == "static" and c().per_file]
    python_files = discovered.python_files
    if request.analyzer is not None:
        analyses = request.analyzer(str(root), python_files, plan)
    else:
        analyses = []
        for i, rel in enumerate(python_files):
            analyses.append(analyze_file(str(root), rel, plan))
            if request.progress is not None:
                request.progress(i + 1, len(python_files))
    t_analyze = time.perf_counter()

    notes: list[Note] = list(discovered.notes)
    for analysis in analyses:
        notes.extend(analysis.notes)
    project = Project(
        root=root,
        files=tuple(discovered.files),
        python_files=tuple(python_files),
        lines=sum(a.lines for a in analyses),
        imports={a.path: a.imports for a in analyses if a.imports},
        app_lines=sum(a.lines for a in analyses if is_application_path(a.path)),
        settings=settings,
    )

    run_live = live_enabled(request)
    results: list[CheckResult] = []
    findings: list[Finding] = []
    for check_cls in request.checks:
        check = check_cls()
        severity = severities[check_cls.id]
        ignore_rules = settings.check_entry(check_cls.id).get("ignore") or []
        collected = Collected()
        errors: list[str] = []
        suppressed = 0
        for analysis in analyses:
            if check_cls.id in analysis.errors:
                errors.append(analysis.errors[check_cls.id])
            suppressed += analysis.suppressed.get(check_cls.id, 0)
            outcome = analysis.outcomes.get(check_cls.id)
            if outcome is None:
                continue
            collected.files_seen += 1
            for finding in analysis.findings.get(check_cls.id, ()):
                if any(fnmatch.fnmatch(finding.path, rule["path"]) for rule in ignore_rules):
                    suppressed += 1
                else:
                    collected.findings.append(finding)
            collected.evidence.extend(outcome.evidence)
            collected.counts.update(outcome.counts)
            if outcome.facts is not None:
                collected.facts[analysis.path] = outcome.facts
        observed_at = None
        if check_cls.kind == "live" and not run_live:
            verdict = Verdict(NotApplicable("live checks are off (use --live or configure environment:)"))
            status_override = "skipped"
        else:
            status_override = None
            if check_cls.kind == "live":
                observed_at = _now()
            if errors:
                verdict = Verdict(Errored(f"check crashed on {len(errors)} file(s): {errors[0]}"))
            else:
                try:
                    verdict = check.evaluate(project, collected, options[check_cls.id])
                except Exception as exc:
                    verdict = Verdict(Errored(f"{type(exc).__name__}: {exc}"))
        repo_findings = [
            f for f in verdict.findings
            if not any(fnmatch.fnmatch(f.path, rule["path"]) for rule in ignore_rules)
        ]
        suppressed += len(verdict.findings) - len(repo_findings)
        repo_findings = [
            Finding(f.path, f.line, f.column, check_cls.id, f.message, severity,  # type: ignore[arg-type]
                    f.fingerprint or _repo_fingerprint(check_cls.id, f), f.fixable, f.code)
            for f in repo_findings
        ]
        scored = score_measure(verdict.measure)
        check_findings = sorted(collected.findings + repo_findings)
        status = status_override or scored.status
        evidence = tuple(sorted(set(collected.evidence) | set(verdict.evidence)))
        results.append(CheckResult(
            id=check_cls.id, category=check_cls.category, severity=severity,  # type: ignore[arg-type]
            kind=check_cls.kind, title=check_cls.title, status=status,  # type: ignore[arg-type]
            score=scored.score if status in ("pass", "fail") else None,
            summary=verdict.summary or scored.explanation, explanation=scored.explanation,
            effort=check_cls.effort, evidence=evidence, findings=len(check_findings),
            suppressed=suppressed, observed_at=observed_at,
        ))
        findings.extend(check_findings)
    for check_cls in request.deselected:
        results.append(CheckResult(
            id=check_cls.id, category=check_cls.category, severity=check_cls.severity, kind=check_cls.kind,
            title=check_cls.title, status="skipped", score=None, summary="not selected",
            explanation="not selected", effort=check_cls.effort,
        ))
    t_evaluate = time.perf_counter()

    order = {c.id: i for i, c in enumerate([*request.checks, *request.deselected])}
    results.sort(key=lambda r: order[r.id])
    weights = dict(DEFAULT_SEVERITY_WEIGHTS)
    weights.update(settings.data.get("severity_weights") or {})
    all_checks = [*request.checks, *request.deselected]
    categories = score_categories(category_specs(settings, all_checks), results, weights)
    overall = score_overall(categories, float(settings.get("target", 80)))
    unused = [
        (a.path, line) for a in analyses for line, ids, was_used in a.suppressions if ids and not was_used
    ]
    bare = [(a.path, line) for a in analyses for line, ids, _ in a.suppressions if ids is None]
    return ScanResult(
        tool_version=__version__,
        target_path=request.display_path or str(root),
        target_name=root.name,
        files=len(discovered.files),
        lines=project.lines,
        generated_at=_now(),
        overall=overall,
        categories=categories,
        checks=tuple(results),
        findings=tuple(sorted(findings, key=lambda f: (f.path, f.line, f.column, f.check))),
        notes=tuple(sorted(notes, key=lambda n: (n.path, n.kind, n.message))),
        timings={
            "discover": round(t_discover - started, 4),
            "analyze": round(t_analyze - t_discover, 4),
            "evaluate": round(t_evaluate - t_analyze, 4),
            "total": round(time.perf_counter() - started, 4),
        },
        extra={
            "suppressions": {
                "suppressed": sum(r.suppressed for r in results),
                "unused": [{"path": p, "line": n} for p, n in unused],
                "bare": [{"path": p, "line": n} for p, n in bare],
            },
            "python_files": len(python_files),
            "live": run_live,
        },
    )


def _repo_fingerprint(check: str, finding: Finding) -> str:
    raw = "\0".join([check, finding.path, finding.message])
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
