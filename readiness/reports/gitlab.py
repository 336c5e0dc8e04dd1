"""GitLab Code Quality: the JSON array of issues a merge request's widget and diff show.

Sample::

    [{"description": "requests.get() has no timeout", "check_name": "missing-timeout",
      "fingerprint": "0f3c...", "severity": "critical",
      "location": {"path": "services/orders/app/client.py", "lines": {"begin": 12}}}]

GitLab compares the report of the merge request with the target branch's by fingerprint, so
fingerprints never depend on the line's text or number (``readiness.baseline``). Paths are
relative to the repository root. With ``--baseline`` the issues are the new findings: debt the
baseline recorded is not reported as the merge request's doing. Findings of a check that
could not decide (status ``unknown``) are info, whatever the check's severity.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from readiness.baseline import stable_fingerprints
from readiness.reports import ReportContext
from readiness.reports.repo_root import repository_path, root_files, scan_prefix
from readiness.reports.sarif import rule_id

# readiness severity -> GitLab's scale (info, minor, major, critical, blocker)
SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor"}


def issues(doc: dict[str, Any]) -> list[dict[str, Any]]:
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    prefix, at_root = scan_prefix(doc), root_files(doc)
    findings = list(doc["findings"])
    out: list[dict[str, Any]] = []
    for finding, fingerprint in zip(findings, stable_fingerprints(findings), strict=True):
        severity = "info" if statuses.get(finding["check"]) == "unknown" else SEVERITY.get(finding["severity"], "major")
        out.append({
            "type": "issue",
            "description": finding.get("message") or finding["check"],
            "check_name": rule_id(finding),
            "fingerprint": hashlib.sha256(f"readiness\0{prefix}\0{fingerprint}".encode("utf-8", "surrogatepass")).hexdigest(),
            "severity": severity,
            "categories": ["Security"] if finding["check"] in _security_checks(doc) else ["Bug Risk"],
            "location": {"path": repository_path(prefix, finding["path"], at_root),
                         "lines": {"begin": max(int(finding.get("line") or 1), 1)}},
        })
    return out


def _security_checks(doc: dict[str, Any]) -> set[str]:
    from readiness.reports.sarif import SECURITY_CATEGORIES

    return {c["id"] for c in doc["checks"] if c.get("category") in SECURITY_CATEGORIES}


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(json.dumps(issues(doc), indent=2, ensure_ascii=False) + "\n")
