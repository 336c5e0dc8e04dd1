"""SARIF 2.1.0 for code-scanning UIs: one rule per check (with its help text), one result per finding.

Sample::

    {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "readiness", "rules": [
      {"id": "print-call", "shortDescription": {"text": "print() in service code"}, ...}]}},
      "results": [{"ruleId": "print-call", "level": "warning", "message": {"text": "print() call"},
                   "baselineState": "new",
                   "locations": [{"physicalLocation": {"artifactLocation": {"uri": "services/orders/app/x.py",
                   "uriBaseId": "SRCROOT"}, "region": {"startLine": 10, "startColumn": 5}}}]}]}]}

URIs are relative to the git repository root (a scan of ``services/orders`` points at files
that exist in the checkout). Findings of the bandit and ruff engines appear under their own
rule ids (``bandit/B113``). With ``--baseline`` every result carries ``baselineState``: new,
unchanged, or absent (fixed since the baseline; marked suppressed so code scanning does not
open an alert for code that is gone). Failing checks without a location (e.g. "no secrets
manager") have no place in a code-scanning UI; they are listed in the run's properties
together with the matrix. The output stays within GitHub's documented upload limits.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any, TextIO
from urllib.parse import quote

from readiness.baseline import baseline_counts, stable_fingerprints
from readiness.dedupe import RESULT_ENGINES
from readiness.reports import ReportContext
from readiness.reports.repo_root import repository_path, root_files, scan_prefix

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS_URL = "https://github.com/readiness-dev/readiness/blob/main/docs/checks/{id}.md"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_CATEGORIES = ("secrets", "database-security", "security-audit")
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATE_ORDER = {"new": 0, "unchanged": 1, "absent": 2}
# GitHub code scanning's documented limits for one uploaded file.
MAX_RESULTS = 25_000  # per run (only the 5,000 most severe are shown)
MAX_RULES = 25_000  # per run
MAX_TAGS = 10  # per rule shown (20 accepted)
MAX_LOCATIONS = 1_000  # per result (each result here has one)
MAX_GZIP_BYTES = 10 * 1024 * 1024  # the upload, gzip-compressed


@lru_cache(maxsize=1)
def _documented() -> frozenset[str]:
    """Ids of the built-in checks: each has a page under docs/checks/."""
    from readiness.registry import load_checks

    return frozenset(c.id for c in load_checks(use_entry_points=False))


def rule_id(finding: dict[str, Any]) -> str:
    """The engine's own rule for an engine finding (``bandit/B113``), else the check id."""
    engine = RESULT_ENGINES.get(str(finding.get("check")))
    code = str(finding.get("code") or "")
    return f"{engine}/{code}" if engine and code else str(finding["check"])


def _rule(rid: str, check: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    check_id = check["id"]
    title = meta.get("title") or check.get("title") or check_id
    rationale = meta.get("rationale") or title
    remediation = meta.get("remediation") or ""
    if rid != check_id:  # an engine rule, reported through its check
        engine, _, code = rid.partition("/")
        title = f"{engine} {code} (through {check_id}: {title})"
    help_text = f"{rationale}\n\nHow to fix: {remediation}" if remediation else rationale
    severity = check["severity"]
    security = check.get("category") in SECURITY_CATEGORIES
    tags = ["readiness", check.get("category") or "plugin"] + (["security"] if security else [])
    if rid != check_id:
        tags.append(check_id)
    properties: dict[str, Any] = {
        "category": check.get("category", ""), "severity": severity, "effort": check.get("effort") or meta.get("effort", ""),
        "tags": tags[:MAX_TAGS],
    }
    if security:
        properties["security-severity"] = SECURITY_SEVERITY.get(severity, "5.5")
    rule: dict[str, Any] = {
        "id": rid,
        "name": "".join(part.capitalize() for part in rid.replace("/", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rationale},
        "help": {"text": help_text, "markdown": f"**Why:** {rationale}\n\n**How to fix:** {remediation}" if remediation else rationale},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": properties,
    }
    if check_id in _documented():
        rule["helpUri"] = DOCS_URL.format(id=quote(check_id))
    return rule


def _located(doc: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
    """Every finding to report with its baseline state (None without a baseline), new first."""
    info = doc.get("baseline")
    if not info:
        return [(f, None) for f in doc["findings"]]
    return ([(f, "new") for f in doc["findings"]] + [(f, "unchanged") for f in info.get("existing_findings", [])]
            + [(f, "absent") for f in info.get("fixed", [])])


def _result(finding: dict[str, Any], state: str | None, fingerprint: str, prefix: tuple[str, frozenset[str]],
            index: dict[str, int], statuses: dict[str, str]) -> dict[str, Any]:
    path = repository_path(prefix[0], str(finding["path"]), prefix[1])
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "SRCROOT"}}
    line, column = int(finding.get("line") or 0), int(finding.get("column") or 0)
    if line >= 1:
        region: dict[str, Any] = {"startLine": line}
        if column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    rid = rule_id(finding)
    severity = str(finding.get("severity") or "medium")
    result: dict[str, Any] = {"ruleId": rid, "ruleIndex": index[rid]}
    if statuses.get(str(finding["check"])) == "unknown":
        # The check could not decide: its findings are for review, never a failure.
        result.update(kind="review", level="none")
    else:
        result["level"] = LEVEL.get(severity, "warning")
    result["message"] = {"text": finding.get("message") or finding["check"]}
    result["locations"] = [{"physicalLocation": physical}][:MAX_LOCATIONS]
    result["partialFingerprints"] = {"readinessFingerprint/v2": fingerprint}
    if state is not None:
        result["baselineState"] = state
    if state == "absent":
        result["suppressions"] = [{"kind": "external", "justification": "fixed since the baseline"}]  # absent status: accepted
    result["properties"] = {"check": finding["check"], "severity": severity}
    return result


def _within_limits(results: list[dict[str, Any]], size_of: Any) -> tuple[list[dict[str, Any]], int]:
    """Keep the new and most severe results when the file would pass GitHub's limits."""
    ordered = sorted(results, key=lambda r: (STATE_ORDER.get(r.get("baselineState", "new"), 0),
                                             SEVERITY_ORDER.get(r["properties"]["severity"], 9)))
    kept = ordered[:MAX_RESULTS]
    while kept and size_of(kept) > MAX_GZIP_BYTES:
        kept = kept[: len(kept) * 9 // 10]
    left_out = len(results) - len(kept)
    if not left_out:
        return results, 0
    keep = {id(r) for r in kept}
    return [r for r in results if id(r) in keep], left_out


def build(doc: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    checks = {c["id"]: c for c in doc["checks"]}
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    located = _located(doc)
    for finding, _ in located:  # a finding whose check is not in the list still needs a rule
        checks.setdefault(finding["check"], {"id": finding["check"], "category": "", "severity": finding.get("severity", "medium")})
    rule_checks: dict[str, dict[str, Any]] = {cid: check for cid, check in checks.items()}
    for finding, _ in located:
        rid = rule_id(finding)
        if rid not in rule_checks:
            rule_checks[rid] = {**checks[finding["check"]], "severity": finding.get("severity", "medium")}
    rule_ids = sorted(rule_checks)[:MAX_RULES]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [_rule(rid, rule_checks[rid], context.catalogue.get(rule_checks[rid]["id"], {})) for rid in rule_ids]
    prefix = (scan_prefix(doc), root_files(doc))
    fingerprints = stable_fingerprints(f for f, _ in located)
    results = [
        _result(finding, state, fp, prefix, index, statuses)
        for (finding, state), fp in zip(located, fingerprints, strict=True) if rule_id(finding) in index
    ]
    failing = [c["id"] for c in doc["checks"] if c["status"] == "fail"]
    properties: dict[str, Any] = {
        "overall": doc["overall"],
        "categories": [{k: c[k] for k in ("id", "score", "target", "status", "blockers")} for c in doc["categories"]],
        "failingChecks": failing,
    }
    if doc.get("baseline"):
        properties["baseline"] = baseline_counts(doc["baseline"])
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "readiness", "version": doc["tool"]["version"], "semanticVersion": doc["tool"]["version"],
                            "informationUri": "https://github.com/readiness-dev/readiness", "rules": rules}},
        "automationDetails": {"id": f"readiness/{doc['target'].get('name') or 'scan'}/"},
        "originalUriBaseIds": {"SRCROOT": {"description": {"text": "The repository root."}}},
        "invocations": [{"executionSuccessful": True, "endTimeUtc": doc["generated_at"]}] if doc["generated_at"].endswith("Z")
        else [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": properties,
    }
    sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def size_of(kept: list[dict[str, Any]]) -> int:
        return len(gzip.compress(_dumps({**sarif, "runs": [{**run, "results": kept}]}).encode("utf-8"), 1))

    kept, left_out = _within_limits(results, size_of) if len(results) > 1000 else (results, 0)
    if left_out:
        run["results"] = kept
        properties["resultsLeftOut"] = left_out
    return sarif


def _dumps(sarif: dict[str, Any]) -> str:
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(_dumps(build(doc, context)))
