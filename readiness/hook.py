"""The pre-commit path: the per-file checks on the files given, and nothing else.

No tree walk and no repository phase: each named file is read, analysed (or answered from
the hook's own cache entry, keyed like the scan's by content and plan) and its findings
reported. The scan's cache files are never written here, so a commit leaves the next scan warm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence, TextIO

from readiness.analysis import PlannedCheck
from readiness.cache import Cache
from readiness.checks.base import Check
from readiness.config import Settings
from readiness.discovery import PYTHON_SUFFIXES, IgnoreSpec
from readiness.engine import check_options, select_checks
from readiness.model import SEVERITIES, Finding, Note
from readiness.roles import options_with_roles
from readiness.suppression import Suppressor
from readiness.workers import analyze_files

CACHE_NAME = "hook"  # the hook's own entries: never the scan's ``files-*``


@dataclass
class HookResult:
    findings: list[Finding] = field(default_factory=list)  # at or above the threshold, path order
    below: int = 0  # findings under --min-severity, not shown
    notes: list[Note] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a check crashed on a file
    files: int = 0  # Python files judged


def hook_checks(checks: Sequence[type[Check]], settings: Settings) -> list[type[Check]]:
    """The selected checks that judge one file at a time without an external engine."""
    selected, _ = select_checks(checks, settings)
    return [c for c in selected if c.kind == "static" and c().per_file and not c.tools]


def relative_files(root: Path, files: Sequence[Path]) -> list[str]:
    """The given files inside ``root``, relative with '/', once each, in the order given."""
    base = root.resolve()
    out: list[str] = []
    for file in files:
        full = (root / file).absolute() if not file.is_absolute() else file
        try:
            full = full.resolve()
        except (OSError, RuntimeError):
            continue
        if full.is_relative_to(base) and full.is_file():
            rel = full.relative_to(base).as_posix()
            if rel not in out:
                out.append(rel)
    return out


def _wanted(settings: Settings, rels: Sequence[str]) -> list[str]:
    """Python files the configuration's ``include``/``exclude`` lets the scan see."""
    include = settings.get("include")
    exclude = settings.get("exclude")
    include_spec = IgnoreSpec(list(include)) if include and include != ["**/*"] else None
    exclude_spec = IgnoreSpec(list(exclude)) if exclude else None
    out = []
    for rel in rels:
        if not rel.endswith(PYTHON_SUFFIXES):
            continue
        if exclude_spec is not None and exclude_spec.match(rel):
            continue
        if include_spec is not None and not include_spec.match(rel):
            continue
        out.append(rel)
    return out


def run_hook(
    root: Path, rels: Sequence[str], settings: Settings, checks: Sequence[type[Check]], *,
    min_severity: str = "medium", cache: Cache | None = None,
) -> HookResult:
    """Judge ``rels`` (relative to ``root``) with the per-file checks; never raises for a file."""
    chosen = hook_checks(checks, settings)
    severities = {c.id: settings.check_entry(c.id).get("severity") or c.severity for c in chosen}
    options = options_with_roles({c.id: check_options(c, settings) for c in chosen}, settings)
    plan = [PlannedCheck(c, options[c.id], severities[c.id]) for c in chosen]
    files = _wanted(settings, rels)
    analyses = analyze_files(root, files, plan, jobs=1, cache=cache, cache_name=CACHE_NAME, merge=True)
    rules = {c.id: settings.check_entry(c.id).get("ignore") or [] for c in chosen}
    suppressor = Suppressor.build(analyses, rules, enabled=True)
    threshold = SEVERITIES.index(min_severity)
    result = HookResult(files=len(files))
    for analysis in analyses:
        result.notes.extend(analysis.notes)
        result.errors.extend(analysis.errors[c.id] for c in chosen if c.id in analysis.errors)
        for check in chosen:
            for finding in analysis.findings.get(check.id, ()):
                if suppressor.by_config(check.id, finding.path):
                    continue
                if SEVERITIES.index(finding.severity) > threshold:
                    result.below += 1
                else:
                    result.findings.append(finding)
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.check))
    return result


def without_baseline(findings: list[Finding], baseline: dict[str, Any], source: str) -> list[Finding]:
    """The findings a saved result does not already hold (the same pairing as ``scan --baseline``)."""
    from readiness.baseline import apply_baseline

    paths = {f.path for f in findings}
    saved = [f for f in baseline.get("findings", []) if isinstance(f, dict) and f.get("path") in paths]
    docs = [f.to_dict() for f in findings]
    new = apply_baseline({"findings": docs, "categories": [], "checks": []},
                         {"findings": saved}, source)["findings"]
    keep = {(d["path"], d["line"], d["column"], d["check"], d["message"]) for d in new}
    return [f for f in findings if (f.path, f.line, f.column, f.check, f.message) in keep]


def write_findings(findings: Sequence[Finding], out: TextIO, printable: Any) -> None:
    """``path:line:col: check [severity] message``, with ``[*]`` before the message when
    ``readiness fix`` can repair it (as ruff marks its fixable findings)."""
    for f in findings:
        mark = " [*]" if f.fixable else ""
        out.write(f"{printable(f.path)}:{f.line}:{f.column}: {f.check} [{f.severity}]{mark} {printable(f.message)}\n")


def summary(result: HookResult, min_severity: str) -> str:
    count = len(result.findings)
    text = f"readiness: {count} finding{'s' if count != 1 else ''} in {result.files} file{'s' if result.files != 1 else ''}"
    fixable = sum(1 for f in result.findings if f.fixable)
    extras = []
    if fixable:
        extras.append(f"{fixable} fixable with `readiness fix` [*]")
    if result.below:
        extras.append(f"{result.below} below --min-severity {min_severity} not shown")
    return text + (f" ({'; '.join(extras)})" if extras else "")


# -- the readiness-fix hook ------------------------------------------------------------------------

def fix_files(
    root: Path, findings: Sequence[Finding], settings: Settings, out: TextIO, *, unsafe: bool = False,
) -> int:
    """Apply the codemods to the given findings' files; fixes that change behaviour need ``unsafe``.

    Returns how many files changed (pre-commit then fails the hook and shows the diff)."""
    from readiness.fix.runner import CODEMODS, UNSAFE_FIXES, fix_tree, write_fix

    chosen = [f for f in findings if f.fixable and f.check in CODEMODS]
    held = [f for f in chosen if f.check in UNSAFE_FIXES and not unsafe]
    fixes = fix_tree(root, [f for f in chosen if f not in held], settings.section("fix"))
    changed = 0
    for fix in fixes:
        if fix.error:
            out.write(f"{fix.path}: left untouched: {fix.error}\n")
            continue
        if fix.changed:
            try:
                write_fix(root, fix)
                changed += 1
            except OSError as exc:
                out.write(f"{fix.path}: left untouched: {exc}\n")
                continue
        for outcome in fix.outcomes:
            where = f"{outcome.path}:{outcome.line}:{outcome.column}: {outcome.check}"
            out.write(f"{where}: fixed\n" if outcome.fixed else f"{where}: left alone: {outcome.reason}\n")
    for f in held:
        out.write(f"{f.path}:{f.line}:{f.column}: {f.check}: not fixed: this fix changes behaviour (--unsafe-fixes)\n")
    return changed
