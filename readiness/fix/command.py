"""``readiness fix`` end to end: plan with a scan, fix in memory, then diff, check or write.

Kept out of ``cli.py`` (which stays a thin layer of options and exit codes) and imported only
when ``fix`` runs, so ``readiness scan`` never loads libcst.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

from readiness.checks.base import Check
from readiness.config import Settings
from readiness.engine import SelectionError
from readiness.fix.runner import CODEMODS, FileFix, fix_tree, fixable_checks, plan_fixes, write_fix


@dataclass(frozen=True)
class FixRequest:
    root: Path
    settings: Settings
    checks: Sequence[type[Check]]
    select: Sequence[str] = ()
    only: str | None = None  # one file, relative to root, with '/'
    diff: bool = False
    check: bool = False


def validate_selection(checks: Sequence[type[Check]], select: Sequence[str]) -> None:
    """Refuse ids that are unknown or have no codemod (exit 2 in the CLI)."""
    fixable = {c.id for c in fixable_checks(checks)}
    categories = {c.category for c in checks if c.id in fixable}
    known = {c.id for c in checks} | {c.category for c in checks}
    for ident in select:
        if ident not in known:
            raise SelectionError(f"unknown check or category id '{ident}' (see `readiness checks`)")
        if ident not in fixable and ident not in categories:
            names = ", ".join(sorted(fixable)) or "none"
            raise SelectionError(f"'{ident}' has no automatic fix (fixable checks: {names})")


def run_fix(request: FixRequest, out: TextIO, err: TextIO) -> int:
    """Returns the exit code: 1 when ``check`` or ``diff`` and something would change (as ruff does), else 0."""
    validate_selection(request.checks, request.select)
    plan = plan_fixes(request.root, request.settings, request.checks, request.select)
    findings, manual, unparsable = plan.findings, plan.manual, plan.unparsable
    if request.only is not None:
        findings = [f for f in findings if f.path == request.only]
        manual = [f for f in manual if f.path == request.only]
        unparsable = [n for n in unparsable if n.path == request.only]
    options = request.settings.section("fix")
    fixes = fix_tree(request.root, findings, options)
    writing = not (request.diff or request.check)
    log = err if request.diff else out
    changed = [f for f in fixes if f.changed]
    if request.diff:
        for fix in changed:
            out.write(fix.diff())
    for fix in fixes:
        if writing and fix.changed:
            try:
                write_fix(request.root, fix)
            except OSError as exc:
                fix.data, fix.error = None, str(exc)
        _report_file(fix, log, writing)
    for finding in manual:
        log.write(f"{finding.path}:{finding.line}:{finding.column}: {finding.check}: needs a manual fix: {finding.message}\n")
    for note in unparsable:
        log.write(f"{note.path}: left untouched: {note.message}\n")
    fixed = sum(1 for fix in changed for o in fix.outcomes if o.fixed)
    left = sum(1 for fix in fixes for o in fix.outcomes if not o.fixed) + len(manual)
    verb = "fixed" if writing else "would fix"
    files = len(changed)
    summary = f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if left:
        summary += f"; {left} left for review"
    untouched = sum(1 for fix in fixes if fix.error) + len(unparsable)
    if untouched:
        summary += f"; {untouched} file{'s' if untouched != 1 else ''} left untouched"
    if not findings and not manual:
        ids = ", ".join(sorted(CODEMODS))
        summary = f"nothing to fix ({ids})"
    log.write(summary + "\n")
    return 1 if (request.check or request.diff) and changed else 0


def _report_file(fix: FileFix, log: TextIO, writing: bool) -> None:
    if fix.error:
        log.write(f"{fix.path}: left untouched: {fix.error}\n")
    for outcome in fix.outcomes:
        where = f"{outcome.path}:{outcome.line}:{outcome.column}: {outcome.check}"
        if outcome.fixed and not fix.error:
            log.write(f"{where}: {'fixed' if writing else 'would fix'}\n")
        elif not outcome.fixed:
            log.write(f"{where}: left alone: {outcome.reason}\n")
