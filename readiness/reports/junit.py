"""JUnit XML: one test case per check, grouped in one test suite per category.

Sample::

    <testsuites name="readiness" tests="2" failures="1" errors="0" skipped="0">
      <testsuite name="Code Quality" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="readiness.code-quality" name="print-call: print() in service code">
          <failure type="medium" message="3 print() calls">app/x.py:10:5 print() call ...</failure>

A failing check is a failure (its findings in the body), a check that crashed is an error, and
n/a or skipped checks are skipped, so CI dashboards count them as people would.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nosec B405 - builds XML, parses none
from typing import Any, TextIO

from readiness.reports import ReportContext

MAX_FINDINGS = 200  # per test case; the rest is counted
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: Any) -> str:
    """XML 1.0 cannot hold control characters even escaped: replace them."""
    return _INVALID_XML.sub("\ufffd", str(text))


def build(doc: dict[str, Any], context: ReportContext) -> ET.Element:
    findings: dict[str, list[dict[str, Any]]] = {}
    for finding in doc["findings"]:
        findings.setdefault(finding["check"], []).append(finding)
    names = {c["id"]: c["name"] for c in doc["categories"]}
    by_category: dict[str, list[dict[str, Any]]] = {}
    for check in doc["checks"]:
        by_category.setdefault(check["category"], []).append(check)
    root = ET.Element("testsuites", name="readiness")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for category, checks in by_category.items():
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        suite = ET.SubElement(root, "testsuite", name=_clean(names.get(category, category)), timestamp=doc["generated_at"][:19])
        for check in checks:
            title = check.get("title") or context.catalogue.get(check["id"], {}).get("title") or check["id"]
            case = ET.SubElement(suite, "testcase", classname=f"readiness.{category}", name=_clean(f"{check['id']}: {title}"),
                                 time="0")
            counts["tests"] += 1
            status = check["status"]
            summary = _clean(check.get("summary") or check.get("explanation") or status)
            if status == "fail":
                counts["failures"] += 1
                found = findings.get(check["id"], [])
                lines = [f"{f['path']}:{f['line']}:{f['column']} {f['message']}" for f in found[:MAX_FINDINGS]]
                if len(found) > MAX_FINDINGS:
                    lines.append(f"... and {len(found) - MAX_FINDINGS} more findings")
                remediation = context.catalogue.get(check["id"], {}).get("remediation")
                body = "\n".join(lines + ([f"How to fix: {remediation}"] if remediation else []))
                failure = ET.SubElement(case, "failure", type=check["severity"], message=summary)
                failure.text = _clean(body or check.get("explanation", ""))
            elif status == "error":
                counts["errors"] += 1
                error = ET.SubElement(case, "error", type="error", message=summary)
                error.text = _clean(check.get("explanation", ""))
            elif status in ("n/a", "skipped"):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=summary)
            if check.get("explanation"):
                ET.SubElement(case, "system-out").text = _clean(check["explanation"])
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    return root


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    root = build(doc, context)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
