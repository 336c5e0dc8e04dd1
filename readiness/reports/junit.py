"""JUnit XML: one test case per check, grouped in one test suite per category.

Sample::

    <testsuites name="readiness" tests="2" failures="1" errors="0" skipped="0" time="1.84">
      <testsuite name="Code Quality" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="readiness.code-quality" name="print-call: print() in service code" time="0">
          <failure type="medium" message="3 print() calls">app/x.py:10:5 print() call ...</failure>

A failing check is a failure (its findings in the body), a check that crashed is an error, and
n/a, unknown or skipped checks are skipped, so CI dashboards count them as people would. With
``--baseline`` the failures are what the gate fails: checks with new findings (listed first,
then the existing ones) and categories whose score fell; a check failing only on debt recorded
in the baseline passes, its findings in the output. The scan's duration is the report's
``time``; checks are not timed one by one, so each case says 0.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405 - builds XML, parses none
from typing import Any, TextIO

from readiness.baseline import gate_failures
from readiness.lazy_regex import lazy_compile
from readiness.reports import ReportContext

MAX_FINDINGS = 200  # per test case; the rest is counted
_INVALID_XML = lazy_compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
SKIPPED = ("n/a", "skipped", "unknown")


def _clean(text: Any) -> str:
    """XML 1.0 cannot hold control characters even escaped: replace them."""
    return _INVALID_XML.sub("\ufffd", str(text))


def _lines(found: list[dict[str, Any]], label: str = "") -> list[str]:
    lines = [f"{label}{f['path']}:{f['line']}:{f['column']} {f['message']}" for f in found[:MAX_FINDINGS]]
    if len(found) > MAX_FINDINGS:
        lines.append(f"... and {len(found) - MAX_FINDINGS} more findings")
    return lines


def build(doc: dict[str, Any], context: ReportContext) -> ET.Element:
    info = doc.get("baseline")
    new: dict[str, list[dict[str, Any]]] = {}
    for finding in doc["findings"]:
        new.setdefault(finding["check"], []).append(finding)
    existing: dict[str, list[dict[str, Any]]] = {}
    for finding in (info or {}).get("existing_findings", []):
        existing.setdefault(finding["check"], []).append(finding)
    gated, regressions = gate_failures(doc) if info else (set(), [])
    names = {c["id"]: c["name"] for c in doc["categories"]}
    by_category: dict[str, list[dict[str, Any]]] = {}
    for check in doc["checks"]:
        by_category.setdefault(check["category"], []).append(check)
    for reg in regressions:
        by_category.setdefault(reg["id"], [])
    root = ET.Element("testsuites", name="readiness")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = float((doc.get("timings") or {}).get("total") or 0.0)
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
            old = existing.get(check["id"], [])
            if status == "fail" and (info is None or check["id"] in gated):
                counts["failures"] += 1
                found = new.get(check["id"], [])
                lines = _lines(found, "new: " if info else "")
                if old:
                    lines += _lines(old, "existing: ")
                remediation = context.catalogue.get(check["id"], {}).get("remediation")
                body = "\n".join(lines + ([f"How to fix: {remediation}"] if remediation else []))
                message = f"{len(found)} new since the baseline; {summary}" if info else summary
                failure = ET.SubElement(case, "failure", type=check["severity"], message=_clean(message))
                failure.text = _clean(body or check.get("explanation", ""))
            elif status == "error":
                counts["errors"] += 1
                error = ET.SubElement(case, "error", type="error", message=summary)
                error.text = _clean(check.get("explanation", ""))
            elif status in SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=summary)
            out = []
            if status == "fail" and info is not None and check["id"] not in gated:
                out.append(f"fails on what the baseline recorded ({len(old)} existing finding{'s' if len(old) != 1 else ''}): "
                           f"{summary}")
                out += _lines(old, "existing: ")
            if check.get("explanation"):
                out.append(str(check["explanation"]))
            if out:
                ET.SubElement(case, "system-out").text = _clean("\n".join(out))
        for reg in (r for r in regressions if r["id"] == category):
            case = ET.SubElement(suite, "testcase", classname=f"readiness.{category}",
                                 name=_clean(f"{category}: category score against the baseline"), time="0")
            counts["tests"] += 1
            counts["failures"] += 1
            message = f"{reg['name']} fell from {reg['baseline']:.1f}% to {reg['score']:.1f}%"
            ET.SubElement(case, "failure", type="regression", message=_clean(message)).text = _clean(message)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    return root


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    root = build(doc, context)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
