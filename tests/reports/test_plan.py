from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_tree

from readiness.registry import load_checks
from readiness.reports import ReportContext, plan, schedule, wording
from readiness.reports.markdown import render_text
from readiness.reports.terminal import fix_line

CATALOGUE = {c.id: c.metadata() for c in load_checks(use_entry_points=False)}
CUT = re.compile(r"(\be\.g\.|\bi\.e\.|\betc\.|\bvs\.|,|;|:| or| and)$")


def only_failing(doc: dict[str, Any], check_id: str) -> dict[str, Any]:
    """The example's result with one check failing and every other passing."""
    out = copy.deepcopy(doc)
    for check in out["checks"]:
        failing = check["id"] == check_id
        check.update(status="fail" if failing else "pass", score=0.0 if failing else 1.0, findings=0)
    out["findings"] = []
    return out


@pytest.mark.parametrize("check_id", sorted(CATALOGUE))
def test_every_check_renders_its_fix_whole(example_reports: dict[str, Any], check_id: str) -> None:
    doc = only_failing(example_reports["doc"], check_id)
    if not any(c["id"] == check_id for c in doc["checks"]):
        pytest.skip("not in the example's result")
    context = ReportContext(catalogue=CATALOGUE)
    item = plan.build(doc, context)["items"][0]
    remediation = " ".join(CATALOGUE[check_id]["remediation"].split())
    action = item["action"]
    assert action.endswith((".", "!", "?")) and not CUT.search(action[:-1]), action
    trimmed = wording.for_frameworks(remediation, wording.frameworks_of(doc))  # the options for this service's framework
    for sentence in wording.sentences(action):
        assert sentence[:-1] in trimmed, sentence  # whole sentences of the check's own text
    words = {w.strip(",;.()") for w in remediation.split()}
    assert {w.strip(",;.()") for w in trimmed.split()} <= words  # trimming drops options, it never writes new text
    text = render_text(doc, context)
    assert item["rest"] in text.replace("\\", "")
    line = fix_line(check_id, "", CATALOGUE[check_id], wording.frameworks_of(doc))
    assert line.endswith((".", "!", "?")) and not CUT.search(line[:-1]), line


def test_sentences_never_end_at_an_abbreviation() -> None:
    text = "Run the linter in CI, e.g. `ruff check .` in a job. Keep it green (i.e. required). Done."
    assert wording.sentences(text) == ["Run the linter in CI, e.g. `ruff check .` in a job.", "Keep it green (i.e. required).", "Done."]
    assert wording.first_sentence("Use a cursor, e.g. `find().limit(10)`, etc. and more") == \
        "Use a cursor, e.g. `find().limit(10)`, etc. and more."


def test_framework_options_follow_the_service() -> None:
    text = ("Export metrics: prometheus-fastapi-instrumentator or starlette-exporter for FastAPI, prometheus-flask-exporter "
            "for Flask, django-prometheus for Django, or prometheus_client directly.")
    assert wording.for_frameworks(text, {"flask"}) == \
        "Export metrics: prometheus-flask-exporter for Flask, or prometheus_client directly."
    assert wording.for_frameworks(text, set()) == text  # not known: the whole text, never a guess
    assert wording.frameworks_of({"stack": {"frameworks": ["Django"]}, "checks": []}) == {"django"}


def test_schedule_follows_priority_dependencies_and_team_size() -> None:
    items = [{"check": cid, "severity": sev, "effort": effort, "category_order": 0} for cid, sev, effort in (
        ("metrics-endpoint", "high", "0.5d"), ("metrics-exported", "high", "2d"), ("default-secret", "critical", "1d"),
        ("todo-comment", "low", "1-2d"), ("secret-rotation", "medium", "3d"), ("secrets-manager", "high", "5d"))]
    one = schedule.build(items, 1)
    order = [i["check"] for i in one["items"]]
    assert order[0] == "default-secret"
    assert order.index("metrics-exported") < order.index("metrics-endpoint")
    assert order.index("secrets-manager") < order.index("secret-rotation")
    assert order[-1] == "todo-comment"
    assert one["days"] == [12.5, 13.5] and one["text"] == "3 weeks"
    three = schedule.build(items, 3)
    assert three["days"][1] < one["days"][1]
    endpoint = next(i for i in three["items"] if i["check"] == "metrics-endpoint")
    assert endpoint["after"] == ["metrics-exported"]
    assert [p["key"] for p in one["phases"]][0] == "immediate"
    assert schedule.trend_text([20, 25], [30, 40]) == "down from 6-8 weeks"
    assert schedule.trend_text([20, 25], [20, 25]) == ""


def test_unknown_checks_are_listed_first_and_left_out_of_the_plan(example_reports: dict[str, Any]) -> None:
    doc = copy.deepcopy(example_reports["doc"])
    target = next(c for c in doc["checks"] if c["id"] == "missing-timeout")
    target.update(status="unknown", score=None, summary="no data to decide",
                  explanation="give the scan the data it needs with --coverage FILE")
    doc["findings"] = [f for f in doc["findings"] if f["check"] != "missing-timeout"]
    text = render_text(doc, ReportContext(catalogue=CATALOGUE))
    assert text.index("## ❔ Not decided: data needed") < text.index("## 🚨 Blockers")
    assert "**Outbound calls without a timeout** (External API Resilience): no data to decide. give the scan" in text
    assert "Outbound calls without a timeout" not in text.split("## 🗓️ Plan", 1)[1]


def test_fixed_since_the_last_scan_and_the_estimate_trend(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        "app/main.py": ("import requests\n\n\ndef go():\n    print('a')\n    print('b')\n"
                        "    return requests.get('https://x.example', timeout=3)\n"),
        "app/jobs.py": "def run():\n    print('job')\n",
    })
    assert run_cli("scan", str(repo), "--no-live", "--quiet").returncode in (0, 1)
    (repo / "app" / "main.py").write_text(
        "import logging\nimport requests\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def go():\n    log.info('a')\n    return requests.get('https://x.example', timeout=3)\n", encoding="utf-8")
    (repo / "app" / "jobs.py").write_text("import logging\n\n\ndef run():\n    logging.getLogger(__name__).info('job')\n",
                                          encoding="utf-8")
    proc = run_cli("scan", str(repo), "--no-live", "--format", "markdown")
    text = proc.stdout
    fixed = text.split("## ✅ Fixed since the last scan", 1)[1].split("\n## ", 1)[0]
    assert "- print() in service code: now passes" in fixed
    assert re.search(r"Estimated time to production:\*\* [^\n]*\(down from [^)]+\)", text) or "unchanged" not in text
    assert text.index("Fixed since the last scan") < text.index("## 🗓️ Plan")


def test_baseline_counts_and_fixed_findings(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/main.py": "def go():\n    print('a')\n    # TODO: later\n"})
    base = tmp_path / "base.json"
    assert run_cli("scan", str(repo), "--no-live", "--no-history", "-o", str(base), "--quiet").returncode in (0, 1)
    (repo / "app" / "main.py").write_text("def go():\n    # TODO: later\n    return 1\n\n\ndef more():\n    # FIXME: soon\n    return 2\n",
                                          encoding="utf-8")
    out = tmp_path / "r.md"
    run_cli("scan", str(repo), "--no-live", "--no-history", "--baseline", str(base), "-o", str(out), "--quiet")
    text = out.read_text(encoding="utf-8")
    doc = json.loads(run_cli("scan", str(repo), "--no-live", "--no-history", "--baseline", str(base), "--format", "json").stdout)
    info = doc["baseline"]
    assert f"**Against the baseline:** {info['new']} new, {info['existing']} existing, {len(info['fixed'])} fixed" in text
    assert info["new"] == 1 and info["existing"] == 1 and len(info["fixed"]) == 1
    assert "- `app/main.py:2` print() in service code: print() call; use a logger" in text


def test_the_result_names_the_stack_and_the_plan_follows_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\nrequests==2.32.0\n",
        "app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/orders')\n"
                       "def orders():\n    return {'orders': []}\n",
    })
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "json")
    doc = json.loads(proc.stdout)
    assert doc["stack"]["frameworks"] == ["Flask"]
    markdown = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "markdown").stdout
    assert "prometheus-flask-exporter" in markdown
    assert "prometheus-fastapi-instrumentator" not in markdown and "django-prometheus" not in markdown
