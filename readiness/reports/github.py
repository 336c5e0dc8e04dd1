"""GitHub Actions workflow commands: one annotation per finding, as GitHub shows them on a diff.

Sample::

    ::error file=app/settings.py,line=12,col=15,title=default-secret (critical)::JWT_SECRET has a literal fallback
    ::warning file=app/x.py,line=10,col=5,title=print-call (medium)::print() call; use a logger
    ::notice title=readiness::Production readiness 61.5% (target 80%), 1 critical blocker open; 14 annotations left out ...

GitHub shows at most 10 error and 10 warning annotations per step, so the most severe come first
and the final notice says how many were left out. critical and high are errors, the rest warnings.
With ``--baseline`` the errors and warnings are what the gate fails (new findings first, then
fallen categories); debt recorded in the baseline follows as notices, and the final notice gives
the counts of new, existing and fixed findings. Paths are relative to the git repository root.
"""

from __future__ import annotations

from typing import Any, TextIO

from readiness.baseline import baseline_counts
from readiness.reports import ReportContext
from readiness.reports.repo_root import repository_path as _join
from readiness.reports.repo_root import root_files, scan_prefix

CAP = 10  # annotations of one level GitHub shows per step
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "warning"}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: Any) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v not in (None, "", 0))
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def repository_path(doc: dict[str, Any], path: str) -> str:
    """Findings are relative to the scanned directory; GitHub wants them relative to the repository
    root, so a scan of ``services/orders`` is prefixed with where that folder sits in the repository."""
    return _join(scan_prefix(doc), path, root_files(doc))


def _finding(doc: dict[str, Any], f: dict[str, Any], level: str, note: str = "") -> str:
    return command(level, f["message"], file=repository_path(doc, f["path"]), line=f["line"], col=f["column"],
                   title=f"{f['check']} ({f['severity']}{note})")


def annotations(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(level, command) for every finding and every failing check without a finding, most severe first;
    with a baseline, what the gate fails first and the recorded debt as notices after it."""
    out: list[tuple[int, int, str, str]] = []
    info = doc.get("baseline")
    with_findings = set()
    for f in doc["findings"]:
        with_findings.add(f["check"])
        level = LEVEL.get(f["severity"], "warning")
        out.append((0, SEVERITY_ORDER.get(f["severity"], 9), level, _finding(doc, f, level)))
    if info:
        for reg in info.get("regressions", []):
            message = f"{reg['name']} fell from {reg['baseline']:.1f}% to {reg['score']:.1f}% since the baseline"
            out.append((1, 0, "error", command("error", message, title=f"{reg['id']} (category score)")))
        for f in info.get("existing_findings", []):
            with_findings.add(f["check"])
            out.append((2, SEVERITY_ORDER.get(f["severity"], 9), "notice", _finding(doc, f, "notice", ", in the baseline")))
    for check in doc["checks"]:
        if check["status"] == "fail" and check["id"] not in with_findings:
            level = "notice" if info else LEVEL.get(check["severity"], "warning")
            message = check.get("summary") or check.get("explanation") or check["id"]
            out.append((0 if not info else 3, SEVERITY_ORDER.get(check["severity"], 9), level,
                        command(level, message, title=f"{check['id']} ({check['severity']})")))
    out.sort(key=lambda t: (t[0], t[1]))
    return [(level, line) for _, _, level, line in out]


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    shown = {"error": 0, "warning": 0, "notice": 0}
    left_out = 0
    for level, line in annotations(doc):
        if shown[level] >= (CAP - 1 if level == "notice" else CAP):  # the closing notice is one too
            left_out += 1
            continue
        shown[level] += 1
        out.write(line + "\n")
    overall = doc["overall"]
    score = "n/a" if overall["score"] is None else f"{overall['score']:.1f}%"
    blockers = overall.get("blockers", 0)
    plural = "s" if blockers != 1 else ""
    summary = f"Production readiness {score} (target {overall['target']:g}%), {blockers} critical blocker{plural} open"
    previous = (context.previous or {}).get("overall", {}).get("score")
    if previous is not None and overall["score"] is not None:
        delta = round(overall["score"] - previous, 1)
        summary += f", {'up' if delta > 0 else 'down' if delta < 0 else 'unchanged'}" + (f" from {previous:.1f}%" if delta else "")
    info = doc.get("baseline")
    if info:
        counts = baseline_counts(info)
        summary += f"; against the baseline: {counts['new']} new, {counts['existing']} existing, {counts['fixed']} fixed"
    if left_out:
        summary += (f"; {left_out} annotation{'s' if left_out != 1 else ''} left out"
                    f" (GitHub shows at most {CAP} of each level per step; see the full report)")
    out.write(command("notice", summary, title="readiness") + "\n")
