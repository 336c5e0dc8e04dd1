"""Suppressions: inline ``# readiness: ignore[id] reason`` comments and config ``ignore:`` globs.

Per-file findings are filtered in the workers (analysis.py); findings that checks produce for
the whole project (ruff, bandit, manifests) pass through ``Suppressor.filter`` here, so every
finding honours the same rules and every use of a suppression is recorded for the unused
report.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from readiness.analysis import FileAnalysis, Suppression
from readiness.model import Finding


@dataclass
class Suppressor:
    enabled: bool
    inline: dict[str, list[Suppression]] = field(default_factory=dict)
    rules: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)  # check id -> ignore entries
    used: set[tuple[str, int, str]] = field(default_factory=set)  # (path, comment line, check id)
    dropped: dict[str, int] = field(default_factory=dict)  # check id -> findings suppressed here

    @classmethod
    def build(cls, analyses: Iterable[FileAnalysis], rules: Mapping[str, Sequence[Mapping[str, Any]]], enabled: bool) -> Suppressor:
        inline = {a.path: a.suppressions for a in analyses if a.suppressions}
        made = cls(enabled, inline, rules)
        for path, sups in inline.items():
            for sup in sups:
                made.used.update((path, sup.line, check) for check in sup.used)
        return made

    def by_config(self, check: str, path: str) -> bool:
        return self.enabled and any(fnmatch.fnmatch(path, rule["path"]) for rule in self.rules.get(check, ()))

    def filter(self, check: str, findings: Iterable[Finding]) -> tuple[list[Finding], int]:
        """(kept findings, how many were suppressed)."""
        kept, dropped = [], 0
        for finding in findings:
            if self.enabled and (self.covers(check, finding.path, finding.line) or self.by_config(check, finding.path)):
                dropped += 1
            else:
                kept.append(finding)
        if dropped:
            self.dropped[check] = self.dropped.get(check, 0) + dropped
        return kept, dropped

    def covers(self, check: str, path: str, line: int) -> bool:
        """Whether an inline comment suppresses ``check`` at ``path:line`` (and record its use)."""
        if not self.enabled:
            return False
        hit = False
        for sup in self.inline.get(path, ()):
            if line in sup.covers and check in (sup.ids or ()):
                self.used.add((path, sup.line, check))
                hit = True
        return hit

    def report(self, ran: set[str], known: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Blanket suppressions, and suppressions that matched nothing among the checks that ran."""
        bare, unused = [], []
        for path in sorted(self.inline):
            for sup in self.inline[path]:
                if sup.ids is None:
                    bare.append({"path": path, "line": sup.line})
                    continue
                matched = {c for (p, line, c) in self.used if p == path and line == sup.line}
                idle = [i for i in sup.ids if i not in matched and (i in ran or i not in known)]
                if idle and not matched:
                    unknown = [i for i in idle if i not in known]
                    unused.append({"path": path, "line": sup.line, "ids": list(sup.ids), "unknown": unknown})
        return {"bare": bare, "unused": unused}
