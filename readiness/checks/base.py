"""The check API: metadata, examples, and the two phases a check may implement.

A check is one class. Its class attributes are its published documentation (rendered by
``readiness explain``, the reports and the docs) and its ``examples`` are run by one shared
test, so documentation and behaviour cannot drift apart.

Phases:
- ``check_file(source, options)`` runs once per Python file (in a worker process, cached by
  file content) and returns a picklable ``FileOutcome``;
- ``evaluate(project, collected, options)`` runs once per scan on what the files produced plus
  the repository, and returns a ``Verdict`` holding a measure; ``scoring.py`` turns that
  measure into a score.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping

from readiness.measures import Measure, NotApplicable
from readiness.model import Evidence, Finding, Kind, Severity, Status

if TYPE_CHECKING:
    from readiness.project import Project
    from readiness.source import SourceFile


@dataclass(frozen=True)
class Example:
    """A small repository (path -> content) and what the check must say about it.

    ``findings`` is the exact number of findings expected (0 for a good example); ``lines``
    optionally pins the lines they must be on; ``status`` pins the check status.
    """

    files: Mapping[str, str]
    findings: int | None = None
    lines: tuple[int, ...] | None = None
    status: Status | None = None
    note: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def good(self) -> bool:
        return self.findings == 0 or self.status in ("pass", "n/a")


def good(source: str, *, path: str = "app/service.py", note: str = "", **kw: Any) -> Example:
    """A single-file example with no findings."""
    return Example({path: source}, findings=0, note=note, **kw)


def bad(
    source: str, findings: int = 1, *, path: str = "app/service.py", lines: tuple[int, ...] | None = None,
    note: str = "", **kw: Any,
) -> Example:
    """A single-file example with ``findings`` findings."""
    return Example({path: source}, findings=findings, lines=lines, note=note, **kw)


@dataclass(frozen=True)
class Hit:
    """A finding inside the file being checked (the engine adds path and check id)."""

    line: int
    column: int
    message: str
    fixable: bool = False
    code: str = ""


@dataclass
class FileOutcome:
    hits: list[Hit] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    facts: Any = None  # anything picklable the check wants back in ``evaluate``


@dataclass
class Collected:
    """What every file produced for one check, in path order."""

    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    facts: dict[str, Any] = field(default_factory=dict)
    files_seen: int = 0
    # Drops suppressed findings (inline comments, config ignores); a check that finds problems
    # for the whole project filters with it *before* scoring, so suppressed findings never count.
    keep: Callable[[list[Finding]], list[Finding]] = field(default=lambda findings: list(findings))


@dataclass(frozen=True)
class Verdict:
    measure: Measure
    summary: str = ""
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()  # repository-level findings (manifests, CI files)


class Check:
    """Base class of every check; subclasses fill the metadata and one or both phases."""

    id: ClassVar[str]
    category: ClassVar[str]
    kind: ClassVar[Kind] = "static"
    severity: ClassVar[Severity] = "medium"
    effort: ClassVar[str] = "1d"
    title: ClassVar[str]
    rationale: ClassVar[str]
    remediation: ClassVar[str]
    scoring: ClassVar[str] = ""  # how the score comes about, in words
    examples: ClassVar[tuple[Example, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    version: ClassVar[int] = 1
    fixable: ClassVar[bool] = False
    # Cheap pre-filter: check_file runs only on files whose text contains one of these.
    needles: ClassVar[tuple[str, ...]] = ()
    # External engines (name -> runner(project, cache)) started early, alongside the per-file
    # work; evaluate() reads their result with ``project.tool(name, ...)``.
    tools: ClassVar[Mapping[str, Callable[..., Any]]] = {}
    # Whole-repository work (name -> fn(project)) that needs only the file list: started early
    # on a thread, so its reading overlaps the per-file analysis.
    prefetch: ClassVar[Mapping[str, Callable[..., Any]]] = {}
    # Text facts evaluate() asks of many files (readiness.file_facts.TextFact): worked out on a
    # thread while the per-file phase runs in worker processes.
    text_facts: ClassVar[tuple[Any, ...]] = ()

    @property
    def per_file(self) -> bool:
        return type(self).check_file is not Check.check_file

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        return None

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        return Verdict(NotApplicable("no evaluation defined"))

    @classmethod
    def metadata(cls) -> dict[str, Any]:
        return {
            "id": cls.id,
            "category": cls.category,
            "kind": cls.kind,
            "severity": cls.severity,
            "effort": cls.effort,
            "title": cls.title,
            "rationale": cls.rationale,
            "remediation": cls.remediation,
            "scoring": cls.scoring,
            "fixable": cls.fixable,
            "tools": sorted(cls.tools),
            "options": dict(cls.options),
            "examples": [
                {"good": ex.good, "files": dict(ex.files), "findings": ex.findings, "note": ex.note}
                for ex in cls.examples
            ],
        }
