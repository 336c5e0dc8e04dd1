"""Testing checks on real coverage data: a .coverage database written by coverage itself, XML, JSON."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from helpers import check_result, scan_tree, write_tree

MODULE = "def price(qty):\n    if qty > 10:\n        return qty * 9\n    return qty * 10\n"

# Runs the tiny module under coverage's API in a separate interpreter, so the data is real and
# the test run's own tracer (if any) is left alone. 3 of the 4 statements run: 75%.
MEASURE = textwrap.dedent("""
    import importlib.util, sys
    import coverage
    root = sys.argv[1]
    cov = coverage.Coverage(data_file=root + "/.coverage", config_file=False)
    cov.start()
    spec = importlib.util.spec_from_file_location("pricing", root + "/app/pricing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.price(3)
    cov.stop()
    cov.save()
""")


def measure(root: Path) -> None:
    subprocess.run([sys.executable, "-c", MEASURE, str(root)], check=True, timeout=60)


def coverage_of(root: Path, config: dict[str, object] | None = None) -> object:
    return check_result(scan_tree(root, select=["test-coverage"], config=config), "test-coverage")


def age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_real_coverage_database(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/pricing.py": MODULE})
    age(tmp_path / "app/pricing.py", 60)
    measure(tmp_path)
    outcome = coverage_of(tmp_path)
    assert "75.0%" in outcome.summary and ".coverage" in outcome.summary
    assert outcome.status == "pass"  # 75% of a 70% target
    assert outcome.score == 1.0
    low = coverage_of(tmp_path, {"checks": {"test-coverage": {"options": {"target": 100}}}})
    assert low.status == "fail" and abs(low.score - 0.75) < 1e-9


def test_coverage_database_from_another_checkout(tmp_path: Path) -> None:
    measured = tmp_path / "ci" / "checkout"
    write_tree(measured, {"app/pricing.py": MODULE})
    measure(measured)
    repo = tmp_path / "repo"
    write_tree(repo, {"app/pricing.py": MODULE})
    age(repo / "app/pricing.py", 60)
    (repo / ".coverage").write_bytes((measured / ".coverage").read_bytes())
    outcome = coverage_of(repo)
    assert "75.0%" in outcome.summary, outcome.summary


def test_cobertura_xml_and_json(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/pricing.py": MODULE,
        "coverage.xml": '<coverage line-rate="0.5" lines-valid="200" lines-covered="101"><packages/></coverage>',
    })
    age(tmp_path / "app/pricing.py", 60)
    outcome = coverage_of(tmp_path)
    assert outcome.status == "fail" and abs(outcome.score - 50.5 / 70) < 1e-9
    assert "coverage.xml" in outcome.summary
    time.sleep(0.01)
    write_tree(tmp_path, {"coverage.json": '{"totals": {"percent_covered": 91.5}}'})
    outcome = coverage_of(tmp_path)
    assert outcome.status == "pass" and "91.5%" in outcome.summary and "coverage.json" in outcome.summary


def test_stale_data_still_scores_but_says_so(tmp_path: Path) -> None:
    write_tree(tmp_path, {"coverage.xml": '<coverage line-rate="0.9"><packages/></coverage>'})
    age(tmp_path / "coverage.xml", 3600)
    write_tree(tmp_path, {"app/pricing.py": MODULE})
    outcome = coverage_of(tmp_path)
    assert outcome.status == "pass"
    assert "stale: app/pricing.py changed after the coverage data was written" in outcome.summary
    assert any("stale" in e.message for e in outcome.evidence)
    strict = coverage_of(tmp_path, {"checks": {"test-coverage": {"options": {"accept_stale": False}}}})
    assert strict.status == "fail" and strict.score == 0


def test_no_data_is_unknown_and_broken_data_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/pricing.py": MODULE, "tests/test_pricing.py": "def test_price():\n    assert True\n"})
    outcome = coverage_of(tmp_path)
    assert outcome.status == "unknown" and outcome.score is None and "no coverage data" in outcome.summary
    write_tree(tmp_path, {"coverage.xml": "<coverage"})
    outcome = coverage_of(tmp_path, {"checks": {"test-coverage": {"options": {"data_files": ["coverage.xml"]}}}})
    assert outcome.status == "error" and "malformed XML" in outcome.summary


def test_coverage_enforced_in_setup_cfg_and_addopts(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        "setup.cfg": "[metadata]\nname = x\n\n[tool:pytest]\naddopts = --cov=app --cov-fail-under 65\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["coverage-enforced"]), "coverage-enforced")
    assert outcome.status == "pass" and "65%" in outcome.summary
    assert [(e.path, e.line) for e in outcome.evidence] == [("setup.cfg", 5)]


def test_coverage_gate_ignored_in_ci_does_not_count(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - run: pytest --cov=app --cov-fail-under=90 || true\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["coverage-enforced"]), "coverage-enforced")
    assert outcome.status == "fail"


def test_suites_explain_present_and_missing(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        "tests/test_x.py": "def test_x():\n    assert True\n",
        "tests/integration/test_db.py": "import pytest\n\n@pytest.mark.integration\ndef test_db():\n    pass\n",
        "web/cypress.config.ts": "export default {}\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["test-suites"]), "test-suites")
    assert outcome.status == "fail" and outcome.score == 0.5
    assert outcome.summary == ("3 of 6 kinds of test suite present: unit, integration, end-to-end; "
                               "missing: API, service, load")


def test_a_migration_named_like_a_test_is_not_a_unit_test(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/x.py": "x = 1\n",
        "app/db_migrations/0132_remove_configs_from_test.py": "from django.db import migrations\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["test-suites"]), "test-suites")
    assert outcome.score == 0 and "unit" not in outcome.summary.split("missing")[0], outcome.summary


def test_tests_of_a_perf_package_are_no_load_suite(tmp_path: Path) -> None:
    """tests/perf/ beside the service's own perf/ package tests that feature; a tests/perf/ of its own is load."""
    write_tree(tmp_path, {
        "app/perf/stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
        "tests/perf/test_stats.py": "from app.perf.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n",
    })
    suites = check_result(scan_tree(tmp_path, select=["test-suites"]), "test-suites")
    assert "load" not in suites.summary.split("missing")[0] and "unit" in suites.summary
    (tmp_path / "app/perf/stats.py").unlink()
    write_tree(tmp_path, {"app/stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n"})
    suites = check_result(scan_tree(tmp_path, select=["test-suites"]), "test-suites")
    assert "load" in suites.summary.split("missing")[0]
