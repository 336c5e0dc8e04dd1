"""Suppression hygiene: every exception to a rule names the rule and still matches something."""

from __future__ import annotations

from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.lazy_regex import lazy_compile
from readiness.measures import Density, NotApplicable
from readiness.model import Finding
from readiness.project import Project
from readiness.source import SourceFile

_BARE_RE = lazy_compile(r"#\s*readiness:\s*ignore(?!\[)")


class BlanketSuppression(Check):
    id = "blanket-suppression"
    category = "code-quality"
    severity = "low"
    effort = "1h"
    title = "Suppression without a check id"
    rationale = (
        "A bare `# readiness: ignore` would hide every present and future finding on the line; "
        "nobody can tell which risk was accepted. It suppresses nothing and is reported instead."
    )
    remediation = "Name the checks and give a reason: `# readiness: ignore[print-call] CLI banner`."
    scoring = "Density: blanket suppressions per 1 000 lines; 0% at `zero_at` (default 2)."
    options = {"zero_at": 2.0}
    needles = ("readiness:",)
    examples = (
        bad("x = 1  # readiness: ignore\n", lines=(1,)),
        good("print('banner')  # readiness: ignore[print-call] startup banner\n", path="app/cli_banner.py"),
        good('HELP = "# readiness: ignore"\n', note="inside a string"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        out = FileOutcome()
        for comment in source.comments:
            match = _BARE_RE.search(comment.text)
            if match is not None:
                out.hits.append(Hit(comment.line, comment.column + match.start(),
                                    "suppression names no check; it suppresses nothing"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        return Verdict(Density(count, project.lines, "blanket suppressions", float(options["zero_at"])),
                       summary=f"{count} blanket suppression{'s' if count != 1 else ''}")


class UnusedSuppression(Check):
    id = "unused-suppression"
    category = "code-quality"
    severity = "low"
    effort = "1h"
    title = "Suppression that matches nothing"
    rationale = (
        "A suppression whose finding is gone (fixed, moved, or a misspelt id) silently waits to "
        "hide the next problem on that line."
    )
    remediation = "Delete the comment, or correct the check id it names."
    scoring = "Density: unused suppressions per 1 000 lines; 0% at `zero_at` (default 2)."
    options = {"zero_at": 2.0}
    runs_last = True
    examples = (
        bad("import logging\nx = 1  # readiness: ignore[no-such-check] stale\n", lines=(2,), note="an unknown id"),
        bad("print(1)  # readiness: ignore[print-cal] typo\n", lines=(1,), note="a misspelt id"),
        good("print('banner')  # readiness: ignore[print-call] startup banner\n"),
        Example({"app/x.py": "y = 2\n"}, findings=0, status="n/a", note="no suppressions at all"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        report = project.suppression_report or {}
        entries = report.get("unused", [])
        if not entries and not any(project.suppressor.inline.values() if project.suppressor else ()):
            return Verdict(NotApplicable("no suppression comments"))
        findings = []
        for entry in entries:
            unknown = entry.get("unknown") or []
            what = f"unknown check id {', '.join(unknown)}" if unknown else "matches no finding"
            findings.append(Finding(entry["path"], entry["line"], 1, self.id,
                                    f"suppression of {', '.join(entry['ids'])} {what}"))
        return Verdict(
            Density(len(findings), project.lines, "unused suppressions", float(options["zero_at"])),
            summary=f"{len(findings)} unused suppression{'s' if len(findings) != 1 else ''}",
            findings=tuple(findings),
        )


CHECKS: list[type[Check]] = [BlanketSuppression, UnusedSuppression]
