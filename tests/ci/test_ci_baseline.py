"""With --baseline every format tells the gate's story, and fingerprints survive edits and fixes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
from helpers import run_cli, write_tree

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "select: [code-quality, external-api]\n"
CLIENT = (
    '"""Payments client."""\nimport requests\n\n\n'
    "def charge(url, body):\n    return requests.post(url, json=body)\n\n\n"
    "def refund(url):\n    return requests.get(url)\n"
)
DEBT = {
    "readiness.yaml": CONFIG,
    "app/client.py": CLIENT,
    "app/a.py": "def f():\n    print('old debt')\n    return 1\n",
    "app/b.py": "# TODO: old\nX = 1\n",
}
GATE = ("--no-live", "--no-history")


def _save(repo: Path) -> Path:
    base = repo.parent / "base.json"
    proc = run_cli("baseline", "save", str(repo), "-o", str(base))
    assert proc.returncode == 0, proc.stderr
    return base


def _scan(repo: Path, base: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    proc = run_cli("scan", str(repo), "--baseline", str(base), "--format", "json", *GATE, *args)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_fingerprints_do_not_depend_on_the_lines_text(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    base = _save(repo)
    # Reword the flagged line, change both neighbours and move everything down.
    (repo / "app" / "a.py").write_text(
        '"""Orders."""\n\nLIMIT = 3\n\n\ndef f():\n    total = LIMIT * 2\n    print("old debt, reworded", total)\n'
        "    return total\n", encoding="utf-8")
    (repo / "app" / "b.py").write_text("import os\n\n# TODO: old, said differently\nX = os.sep\n", encoding="utf-8")
    code, doc, stderr = _scan(repo, base)
    assert code == 0, stderr
    assert doc["findings"] == []
    assert doc["baseline"]["counts"] == {"new": 0, "existing": len(doc["baseline"]["existing_findings"]), "fixed": 0}


def test_baseline_save_then_fix_then_scan_with_the_baseline_passes(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    base = _save(repo)
    before = json.loads(base.read_text(encoding="utf-8"))
    timeouts = [f for f in before["findings"] if f["check"] == "missing-timeout"]
    assert len(timeouts) == 2
    proc = run_cli("fix", str(repo), "--select", "missing-timeout")
    assert proc.returncode == 0, proc.stderr
    text = (repo / "app" / "client.py").read_text(encoding="utf-8")
    assert "HTTP_TIMEOUT = 10" in text and "timeout=HTTP_TIMEOUT" in text and "timeout=10" not in text
    code, doc, stderr = _scan(repo, base)
    assert code == 0, stderr
    assert doc["findings"] == []  # the fix created nothing: no literal timeout for centralized-timeouts
    counts = doc["baseline"]["counts"]
    assert counts["new"] == 0 and counts["fixed"] == 2
    assert {f["check"] for f in doc["baseline"]["fixed"]} == {"missing-timeout"}
    assert doc["baseline"]["regressions"] == []


def test_a_copy_added_above_old_debt_is_the_new_one(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    base = _save(repo)
    (repo / "app" / "a.py").write_text(
        "def e():\n    print('brand new')\n\n\n" + DEBT["app/a.py"], encoding="utf-8")
    code, doc, _ = _scan(repo, base)
    assert code == 1
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("app/a.py", 2)]
    assert [(f["path"], f["line"]) for f in doc["baseline"]["existing_findings"] if f["check"] == "print-call"] == [("app/a.py", 6)]


def _official(sarif: dict[str, Any]) -> None:
    from reports.official_sarif import official_schema

    errors = list(jsonschema.Draft4Validator(official_schema()).iter_errors(sarif))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _states(sarif: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for result in sarif["runs"][0]["results"]:
        out[result["baselineState"]] = out.get(result["baselineState"], 0) + 1
    return out


def test_every_format_tells_the_gates_story(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    base = _save(repo)
    (repo / "app" / "b.py").write_text("X = 1\n", encoding="utf-8")  # one fixed
    (repo / "app" / "c.py").write_text("def g():\n    print('new')\n", encoding="utf-8")  # one new
    out = tmp_path / "out"
    proc = run_cli("scan", str(repo), "--baseline", str(base), *GATE, "--format", "github",
                   "-o", str(out / "r.json"), "-o", str(out / "r.sarif"), "-o", str(out / "r.xml"),
                   "-o", str(out / "r.codequality.json"))
    assert proc.returncode == 1
    assert "gate failed: 1 new finding since the baseline" in proc.stderr
    doc = json.loads((out / "r.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads((ROOT / "readiness" / "schema" / "result.schema.json").read_text(encoding="utf-8")))
    counts = doc["baseline"]["counts"]
    assert counts["new"] == 1 and counts["fixed"] == 1 and counts["existing"] >= 3

    sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
    _official(sarif)
    assert len(sarif["runs"]) == 1
    assert _states(sarif) == {"new": 1, "unchanged": counts["existing"], "absent": 1}
    absent = [r for r in sarif["runs"][0]["results"] if r["baselineState"] == "absent"]
    assert absent[0]["suppressions"][0]["kind"] == "external" and absent[0]["ruleId"] == "todo-comment"
    assert sarif["runs"][0]["properties"]["baseline"] == counts
    fingerprints = [r["partialFingerprints"]["readinessFingerprint/v2"] for r in sarif["runs"][0]["results"]]
    assert len(set(fingerprints)) == len(fingerprints)

    junit = ET.parse(out / "r.xml").getroot()
    failed = [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name", "").split(":")[0] for c in failed] == ["print-call"]
    body = failed[0].find("failure").text or ""  # type: ignore[union-attr]
    assert body.index("new: app/c.py:2") < body.index("existing: app/a.py:2")
    passing_on_debt = [c for c in junit.iter("testcase") if c.get("name", "").startswith("missing-timeout:")]
    assert passing_on_debt[0].find("failure") is None
    assert "existing: app/client.py" in (passing_on_debt[0].findtext("system-out") or "")
    assert junit.get("failures") == "1" and float(junit.get("time", "0")) > 0

    lines = proc.stdout.splitlines()
    loud = [line for line in lines if line.startswith(("::error", "::warning"))]
    assert len(loud) == 1 and "file=app/c.py,line=2" in loud[0]
    assert lines[0] == loud[0]  # new findings first
    assert "1 new, " + str(counts["existing"]) + " existing, 1 fixed" in lines[-1]

    quality = json.loads((out / "r.codequality.json").read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"]) for i in quality] == [("print-call", "app/c.py")]


def test_a_fallen_category_fails_in_junit_and_annotations_too(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"readiness.yaml": "select: [code-quality]\n",
                                          "app/a.py": "".join(f"x{i} = {i}\n" for i in range(200))})
    base = _save(repo)
    (repo / "app" / "a.py").write_text("import os\nprint(os.sep)\n" + "".join(f"x{i} = {i}\n" for i in range(200)),
                                       encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("scan", str(repo), "--baseline", str(base), *GATE, "--format", "github", "-o", str(out / "r.xml"))
    assert proc.returncode == 1 and "code-quality fell from" in proc.stderr
    junit = ET.parse(out / "r.xml").getroot()
    regression = [c for c in junit.iter("testcase") if "category score" in c.get("name", "")]
    assert regression and regression[0].find("failure") is not None
    assert any(line.startswith("::error") and "since the baseline" in line for line in proc.stdout.splitlines())


def test_undecided_checks_are_skipped_in_junit_and_never_failures_in_sarif(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    saved = tmp_path / "r.json"
    assert run_cli("scan", str(repo), *GATE, "-o", str(saved), "--quiet").returncode == 0
    doc = json.loads(saved.read_text(encoding="utf-8"))
    # A check that could not decide (e.g. coverage without coverage data) keeps what it saw.
    target = next(c for c in doc["checks"] if c["id"] == "print-call")
    target.update(status="unknown", score=None, summary="cannot tell without the data")
    saved.write_text(json.dumps(doc), encoding="utf-8")
    junit = ET.fromstring(run_cli("report", str(saved), "--format", "junit").stdout)
    case = next(c for c in junit.iter("testcase") if c.get("name", "").startswith("print-call:"))
    assert case.find("skipped") is not None and case.find("failure") is None
    sarif = json.loads(run_cli("report", str(saved), "--format", "sarif").stdout)
    _official(sarif)
    printed = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "print-call"]
    assert printed and all(r["kind"] == "review" and r["level"] == "none" for r in printed)
    assert "print-call" not in sarif["runs"][0]["properties"]["failingChecks"]
    quality = json.loads(run_cli("report", str(saved), "--format", "gitlab").stdout)
    assert {i["severity"] for i in quality if i["check_name"] == "print-call"} == {"info"}
