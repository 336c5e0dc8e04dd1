"""The per-file half of a scan: one read, one decode, one parse, every per-file check.

``analyze_source`` is a pure function of a file's bytes and the plan: it runs in worker
processes, and its result is cached by content hash. It never raises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence

from readiness import needles
from readiness.checks.base import Check, FileOutcome
from readiness.lazy_regex import lazy_compile
from readiness.model import Finding, Note
from readiness.roles import file_role
from readiness.source import DecodeError, SourceFile, decode_source

MAX_FILE_BYTES = 8 * 1024 * 1024
# Syntax elements (brackets, commas, operators) a Python file may hold and still be analysed:
# hand-written modules of 1 MB hold about 100 000; a 7 MB generated list literal holds millions,
# and would cost minutes and gigabytes to parse and walk (and as much again in bandit).
MAX_SYNTAX_ESTIMATE = 500_000
_SYNTAX_BYTES = b",;:()[]{}=+-*/%<>|&^~.@!"
_SUPPRESS_RE = lazy_compile(r"#\s*readiness:\s*ignore(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class PlannedCheck:
    check: type[Check]
    options: Mapping[str, Any]
    severity: str


@dataclass(frozen=True)
class Suppression:
    """A ``# readiness: ignore[...]`` comment; ``ids`` is None for a bare (blanket) ignore."""

    line: int
    ids: tuple[str, ...] | None
    covers: tuple[int, ...]
    used: tuple[str, ...] = ()  # the ids that suppressed something in this file


@dataclass
class FileAnalysis:
    path: str
    lines: int = 0
    imports: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()  # full names, relative imports resolved (SourceFile.modules)
    role: str = ""  # the file's own role (roles.file_role), cached with it so the project phase need not read it
    notes: list[Note] = field(default_factory=list)
    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)

    # Cached as text read back only when asked for: a rescan needs every file's imports and role,
    # but a check's outcomes and findings only when that check runs again (``cache_codec.Deferred``).
    __cache_deferred__: ClassVar[frozenset[str]] = frozenset({"outcomes", "findings"})
    # Written as plain lists of names, rebuilt without a tag of their own: every file has them.
    __cache_name_sets__: ClassVar[frozenset[str]] = frozenset({"imports", "modules"})


def _normalise(line: str) -> str:
    return " ".join(line.split())


def fingerprint(check: str, path: str, source: SourceFile, line: int) -> str:
    """Stable across line moves: the check, the path, the line's text and its neighbours."""
    parts = [check, path, _normalise(source.line_text(line)),
             _normalise(source.line_text(line - 1)), _normalise(source.line_text(line + 1))]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _suppressions(source: SourceFile) -> list[Suppression]:
    found = []
    for comment in source.comments:
        match = _SUPPRESS_RE.search(comment.text)
        if match is None:
            continue
        ids = None if match.group(1) is None else tuple(i.strip() for i in match.group(1).split(",") if i.strip())
        covers = (comment.line,) if comment.trailing else (comment.line, comment.line + 1)
        found.append(Suppression(comment.line, ids, covers))
    return found


def syntax_estimate(data: bytes) -> int:
    """An upper estimate of a Python file's syntax nodes, counted in one pass at C speed."""
    return len(data) - len(data.translate(None, _SYNTAX_BYTES))


_NEEDLES: dict[tuple[type[Check], ...], frozenset[str]] = {}


def _plan_needles(plan: Sequence[PlannedCheck]) -> frozenset[str]:
    checks = tuple(planned.check for planned in plan)
    known = _NEEDLES.get(checks)
    if known is None:
        known = _NEEDLES[checks] = frozenset(n for check in checks for n in check.needles or ())
    return known


def analyze_source(rel: str, data: bytes, plan: Sequence[PlannedCheck], suppress: bool = True) -> FileAnalysis:
    result = FileAnalysis(rel)
    if len(data) > MAX_FILE_BYTES:
        result.notes.append(Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB ({len(data)} bytes)", rel))
        return result
    if len(data) > MAX_SYNTAX_ESTIMATE and syntax_estimate(data) > MAX_SYNTAX_ESTIMATE:
        result.notes.append(Note(
            "skipped-file",
            f"too many syntax elements to analyse (about {syntax_estimate(data)}, at most {MAX_SYNTAX_ESTIMATE})", rel))
        return result
    try:
        text, encoding = decode_source(data)
    except DecodeError as exc:
        result.notes.append(Note("read-error", str(exc), rel))
        return result
    source = SourceFile.from_text(rel, text, encoding)
    result.lines = source.line_count
    result.imports = source.imports
    result.modules = source.modules
    result.role = file_role(source, plan[0].options if plan else None)
    if source.error:
        result.notes.append(Note("parse-error", source.error, rel))
    suppressions = _suppressions(source) if "readiness:" in text else []
    covered: dict[int, list[int]] = {}
    for index, sup in enumerate(suppressions):
        for line in sup.covers:
            covered.setdefault(line, []).append(index)
    used: dict[int, set[str]] = {}
    found = needles.present(_plan_needles(plan), text)
    # A package's __init__.py may re-export what other modules route to, by relative or absolute import
    # (``from app.dashboard.app import app as dashboard_app``): checks reading re-exports ("from ." among
    # their needles) see every one.
    package_init = rel.endswith("__init__.py") and "import" in text

    for planned in plan:
        check = planned.check
        if check.needles and not (package_init and "from ." in check.needles) and found.isdisjoint(check.needles):
            continue
        if getattr(check, "needs_tree", True) and source.tree is None:
            continue
        try:
            outcome = check().check_file(source, planned.options)
        except RecursionError:
            result.errors[check.id] = f"{rel}: too deeply nested for this check"
            continue
        except Exception as exc:  # a check bug must not stop the scan
            result.errors[check.id] = f"{rel}: {type(exc).__name__}: {exc}"
            continue
        if outcome is None:
            continue
        kept: list[Finding] = []
        for hit in outcome.hits:
            suppressing = [i for i in covered.get(hit.line, ()) if check.id in (suppressions[i].ids or ())]
            if suppressing and suppress:
                for i in suppressing:
                    used.setdefault(i, set()).add(check.id)
                result.suppressed[check.id] = result.suppressed.get(check.id, 0) + 1
                continue
            kept.append(Finding(
                path=rel, line=hit.line, column=hit.column, check=check.id, message=hit.message,
                severity=planned.severity,  # type: ignore[arg-type]
                fingerprint=fingerprint(check.id, rel, source, hit.line), fixable=hit.fixable, code=hit.code,
            ))
        outcome.hits = []
        result.outcomes[check.id] = outcome
        result.findings[check.id] = kept
    result.suppressions = [
        Suppression(sup.line, sup.ids, sup.covers, tuple(sorted(used.get(i, ())))) for i, sup in enumerate(suppressions)
    ]
    return result


def analyze_batch(
    batch: Sequence[tuple[str, bytes]], plan: Sequence[PlannedCheck], suppress: bool = True,
) -> list[FileAnalysis]:
    """Worker entry point: a batch keeps inter-process traffic low."""
    return [analyze_source(rel, data, plan, suppress) for rel, data in batch]
