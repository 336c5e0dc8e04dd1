"""Result types shared by the engine, the scorer and the reporters.

Everything here is frozen and built only from plain values, so results pickle across worker
processes, cache to disk and serialise to the JSON result without custom encoders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "high", "medium", "low"]
Kind = Literal["static", "live"]
Status = Literal["pass", "fail", "n/a", "unknown", "error", "skipped"]
CategoryStatus = Literal["complete", "in-progress", "pending", "n/a"]

SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place; ``path`` is relative to the scanned root, with ``/``."""

    path: str
    line: int
    column: int
    check: str
    message: str
    severity: Severity = "medium"
    fingerprint: str = ""
    fixable: bool = False
    code: str = ""  # an engine's own rule code (ruff, bandit), when there is one
    role: str = ""  # the file's role (readiness.roles): service, test, script, migration, cli, ...

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "check": self.check,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }
        if self.code:
            data["code"] = self.code
        if self.fixable:
            data["fixable"] = True
        if self.role:
            data["role"] = self.role
        return data


@dataclass(frozen=True, order=True)
class Evidence:
    """Something that counts in a project's favour, e.g. ``prometheus_client used``."""

    message: str
    path: str = ""
    line: int = 0

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.message} ({self.path}:{self.line})"
        if self.path:
            return f"{self.message} ({self.path})"
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True)
class Note:
    """Something the scan could not do fully: a file that did not parse, a plugin warning."""

    kind: str  # parse-error, read-error, skipped-file, config, engine
    message: str
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "message": self.message}


@dataclass(frozen=True)
class CheckResult:
    id: str
    category: str
    severity: Severity
    kind: Kind
    title: str
    status: Status
    score: float | None  # 0..1, None unless pass/fail
    summary: str
    explanation: str
    effort: str
    evidence: tuple[Evidence, ...] = ()
    findings: int = 0
    suppressed: int = 0
    observed_at: str | None = None  # live checks only

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "score": None if self.score is None else round(self.score, 4),
            "summary": self.summary,
            "explanation": self.explanation,
            "effort": self.effort,
            "findings": self.findings,
            "suppressed": self.suppressed,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.observed_at is not None:
            data["observed_at"] = self.observed_at
        return data


@dataclass(frozen=True)
class CategoryScore:
    id: str
    name: str
    score: float | None  # percent, one decimal; None when n/a
    target: float
    status: CategoryStatus
    blockers: int
    weight: float = 1.0
    errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "target": self.target,
            "status": self.status,
            "blockers": self.blockers,
            "weight": self.weight,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class Overall:
    score: float | None
    target: float
    status: CategoryStatus
    blockers: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "target": self.target,
            "status": self.status,
            "blockers": self.blockers,
        }


@dataclass(frozen=True)
class ScanResult:
    """The whole outcome of one scan; ``to_dict`` is the published JSON result."""

    tool_version: str
    target_path: str
    target_name: str
    files: int
    lines: int
    generated_at: str
    overall: Overall
    categories: tuple[CategoryScore, ...]
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": 1,
            "tool": {"name": "readiness", "version": self.tool_version},
            "target": {
                "path": self.target_path, "name": self.target_name, "files": self.files, "lines": self.lines,
            },
            "generated_at": self.generated_at,
            "overall": self.overall.to_dict(),
            "categories": [c.to_dict() for c in self.categories],
            "checks": [c.to_dict() for c in self.checks],
            "findings": [f.to_dict() for f in self.findings],
            "notes": [n.to_dict() for n in self.notes],
            "timings": dict(self.timings),
        }
        data.update(self.extra)
        return data
