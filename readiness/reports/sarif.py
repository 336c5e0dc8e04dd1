"""SARIF 2.1.0 for code-scanning UIs: one rule per check (with its help text), one result per finding.

Sample::

    {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "readiness", "rules": [
      {"id": "print-call", "shortDescription": {"text": "print() in service code"}, ...}]}},
      "results": [{"ruleId": "print-call", "level": "warning", "message": {"text": "print() call"},
                   "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/x.py",
                   "uriBaseId": "SRCROOT"}, "region": {"startLine": 10, "startColumn": 5}}}]}]}]}

Failing checks without a location (e.g. "no secrets manager") have no place in a code-scanning
UI; they are listed in the run's properties together with the matrix.
"""

from __future__ import annotations

import json
from typing import Any, TextIO
from urllib.parse import quote

from readiness.reports import ReportContext

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_CATEGORIES = ("secrets", "database-security", "security-audit")
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}


def _rule(check: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    title = meta.get("title") or check.get("title") or check["id"]
    rationale = meta.get("rationale") or title
    remediation = meta.get("remediation") or ""
    help_text = f"{rationale}\n\nHow to fix: {remediation}" if remediation else rationale
    severity = check["severity"]
    return {
        "id": check["id"],
        "name": "".join(part.capitalize() for part in check["id"].split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rationale},
        "help": {"text": help_text, "markdown": f"**Why:** {rationale}\n\n**How to fix:** {remediation}" if remediation else rationale},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {
            "category": check["category"], "severity": severity, "effort": check.get("effort") or meta.get("effort", ""),
            "tags": ["readiness", check["category"]] + (["security"] if check["category"] in SECURITY_CATEGORIES else []),
            "security-severity": SECURITY_SEVERITY.get(severity, "5.0"),
        },
    }


def build(doc: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    checks = {c["id"]: c for c in doc["checks"]}
    for finding in doc["findings"]:  # a finding whose check is not in the list still needs a rule
        checks.setdefault(finding["check"], {"id": finding["check"], "category": "", "severity": finding["severity"]})
    rule_ids = sorted(checks)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [_rule(checks[rid], context.catalogue.get(rid, {})) for rid in rule_ids]
    results = []
    for finding in doc["findings"]:
        physical: dict[str, Any] = {"artifactLocation": {"uri": quote(finding["path"], safe="/"), "uriBaseId": "SRCROOT"}}
        if finding["line"] >= 1:
            region: dict[str, Any] = {"startLine": finding["line"]}
            if finding["column"] >= 1:
                region["startColumn"] = finding["column"]
            physical["region"] = region
        result: dict[str, Any] = {
            "ruleId": finding["check"],
            "ruleIndex": index[finding["check"]],
            "level": LEVEL.get(finding["severity"], "warning"),
            "message": {"text": finding["message"] or finding["check"]},
            "locations": [{"physicalLocation": physical}],
        }
        if finding.get("fingerprint"):
            result["partialFingerprints"] = {"readinessFingerprint/v1": finding["fingerprint"]}
        results.append(result)
    failing = [c["id"] for c in doc["checks"] if c["status"] == "fail"]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "readiness", "version": doc["tool"]["version"], "semanticVersion": doc["tool"]["version"],
                                "rules": rules}},
            "automationDetails": {"id": f"readiness/{doc['target'].get('name') or 'scan'}/"},
            "originalUriBaseIds": {"SRCROOT": {"description": {"text": "The scanned repository root."}}},
            "invocations": [{"executionSuccessful": True, "endTimeUtc": doc["generated_at"]}] if doc["generated_at"].endswith("Z")
            else [{"executionSuccessful": True}],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "overall": doc["overall"],
                "categories": [{k: c[k] for k in ("id", "score", "target", "status", "blockers")} for c in doc["categories"]],
                "failingChecks": failing,
            },
        }],
    }


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(json.dumps(build(doc, context), indent=2, ensure_ascii=False) + "\n")
