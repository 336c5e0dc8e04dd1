"""Performance checks through the real engine on small repositories."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

WORKLOADS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mongo}
spec:
  template:
    spec:
      containers:
        - name: mongo
          image: mongo:7
          resources:
            requests: {memory: 1Gi}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: report:1
              resources:
                requests: {cpu: 50m}
                limits: {cpu: 100m, memory: 64Mi}
"""


def test_capacity_limits_share_and_locations(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n", "deploy/workloads.yaml": WORKLOADS, "deploy/broken.yaml": "apiVersion: v1\nkind: [\n"})
    result = scan_tree(tmp_path, select=["capacity-limits"])
    outcome = check_result(result, "capacity-limits")
    findings = [f for f in result.findings if f.check == "capacity-limits"]
    assert outcome.status == "fail" and outcome.score == 0.5
    assert [(f.path, f.line) for f in findings] == [("deploy/workloads.yaml", 8)]
    assert "sets no resource limits" in findings[0].message and "StatefulSet/mongo" in findings[0].message
    assert outcome.summary.startswith("1 of 2 containers")
    assert "deploy/broken.yaml: malformed YAML" in outcome.summary


def test_load_tests_k6_require_and_ci_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.py": "x = 1\n",
        "perf/smoke.js": "const http = require('k6/http');\nmodule.exports.default = () => http.get('x');\n",
        ".github/workflows/load.yml": "on: [workflow_dispatch]\njobs:\n  k6:\n    runs-on: ubuntu-latest\n"
                                      "    steps:\n      - run: k6 run perf/smoke.js\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["load-tests"]), "load-tests")
    assert outcome.status == "pass"
    assert "run in CI" in outcome.summary
    assert {e.path for e in outcome.evidence} == {"perf/smoke.js", ".github/workflows/load.yml"}


def test_benchmarks_asv_and_missing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n"})
    assert check_result(scan_tree(tmp_path, select=["performance-benchmarks"]), "performance-benchmarks").status == "fail"
    write_tree(tmp_path, {"asv.conf.json": "{\"version\": 1}\n"})
    outcome = check_result(scan_tree(tmp_path, select=["performance-benchmarks"]), "performance-benchmarks")
    assert outcome.status == "pass" and "asv" in outcome.summary


def test_load_generator_run_against_a_url_in_ci(tmp_path: Path) -> None:
    perf = (
        "on:\n  push:\n    branches: [main]\njobs:\n  perf:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - name: Perf test\n        run: >-\n          docker run --network host ghcr.io/example/hey\n"
        "          -z 2s -m POST -T application/json -d '{\"event\":\"node_down\"}'\n"
        "          http://localhost:8080/alert\n"
    )
    write_tree(tmp_path / "good", {"app/x.py": "x = 1\n", ".github/workflows/performance.yml": perf})
    result = check_result(scan_tree(tmp_path / "good", select=["load-tests"]), "load-tests")
    assert result.status == "pass" and "hey" in result.summary, result.summary
    smoke = "on: [push]\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -fsS http://localhost:8080/health\n"
    write_tree(tmp_path / "bad", {"app/x.py": "x = 1\n", ".github/workflows/smoke.yml": smoke})
    result = check_result(scan_tree(tmp_path / "bad", select=["load-tests"]), "load-tests")
    assert result.status == "fail", result.summary
