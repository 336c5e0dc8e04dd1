from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from helpers import run_cli, write_tree


def test_one_case_per_check_and_failures_carry_findings(example_reports: dict[str, Any]) -> None:
    root = ET.fromstring(example_reports["texts"]["junit"])
    doc = example_reports["doc"]
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(doc["checks"]) == int(root.get("tests", "0"))
    by_id = {case.get("name", "").split(":")[0]: case for case in cases}
    assert set(by_id) == {c["id"] for c in doc["checks"]}
    failing = [c for c in doc["checks"] if c["status"] == "fail"]
    assert int(root.get("failures", "0")) == len(failing) > 0
    for check in failing:
        failure = by_id[check["id"]].find("failure")
        assert failure is not None and failure.get("message") == check["summary"]
        for finding in (f for f in doc["findings"] if f["check"] == check["id"]):
            assert f"{finding['path']}:{finding['line']}:{finding['column']} {finding['message']}" in (failure.text or "")
    skipped = [c for c in doc["checks"] if c["status"] in ("n/a", "skipped", "unknown")]
    assert int(root.get("skipped", "0")) == len(skipped)
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))


def test_control_characters_and_markup_stay_well_formed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "# TODO: fix \x0b this <b>&</b> ]]>\nx = 1\n"})
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--select", "todo-comment", "--format", "junit")
    root = ET.fromstring(proc.stdout)
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert "<b>&</b> ]]>" in (failure.text or "")
