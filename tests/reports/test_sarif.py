from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from helpers import run_cli, write_tree

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))


def validate(sarif: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(sarif)


def test_example_sarif_validates_with_rules_and_locations(example_reports: dict[str, Any]) -> None:
    sarif = json.loads(example_reports["texts"]["sarif"])
    validate(sarif)
    run = sarif["runs"][0]
    doc = example_reports["doc"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {c["id"] for c in doc["checks"]}
    timeout = rules["missing-timeout"]
    assert timeout["help"]["text"] and "How to fix" in timeout["help"]["text"]
    assert timeout["defaultConfiguration"]["level"] == "error"
    assert len(run["results"]) == len(doc["findings"]) > 0
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
    physical = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    located = {(p["artifactLocation"]["uri"], p["region"]["startLine"]) for p in physical}
    assert {(f["path"], f["line"]) for f in doc["findings"]} == located


def test_test_schema_rejects_what_sarif_forbids() -> None:
    location = {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 1}}}
    result = {"message": {"text": "m"}, "locations": [location]}
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [result]}]}
    validate(good)
    for broken in (
        {**good, "version": "2.0.0"},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 0}}}]}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rule": []}}}]},
    ):
        try:
            validate(broken)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"accepted {broken}")


def test_odd_paths_are_uri_encoded(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/my file#1.py": "print('x')\n"})
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--select", "print-call", "--format", "sarif")
    sarif = json.loads(proc.stdout)
    validate(sarif)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris == ["app/my%20file%231.py"]


def test_example_sarif_validates_against_the_official_schema(example_reports: dict[str, Any]) -> None:
    from reports.official_sarif import official_schema

    schema = official_schema()
    validator = jsonschema.Draft4Validator(schema)
    sarif = json.loads(example_reports["texts"]["sarif"])
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    broken = json.loads(example_reports["texts"]["sarif"])
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken)), "the official schema must reject an unknown level"
