"""Coverage data produced elsewhere (--coverage, the `coverage` key) and the `unknown` status without it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
from helpers import check_result, run_cli, scan_json, scan_tree, write_tree
from test_result_schema import schema

from readiness.coverage_data import CoverageUnreadable, measured_lines

MODULE = "def price(qty):\n    if qty > 10:\n        return qty * 9\n    return qty * 10\n"
CI = ("on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: uv run coverage run -m pytest\n      - run: uv run coverage report --fail-under=90\n")
XML_81 = '<?xml version="1.0" ?>\n<coverage version="7.4" line-rate="0.81" lines-valid="100" lines-covered="81">\n' \
         '<packages><package name="app"><classes><class name="pricing.py" filename="app/pricing.py">' \
         '<lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>\n'

# Runs the module under coverage in a separate interpreter, in a checkout elsewhere (as CI does):
# 3 of its 4 statements run, 75%.
MEASURE = textwrap.dedent("""
    import importlib.util, sys
    import coverage
    root = sys.argv[1]
    cov = coverage.Coverage(data_file=root + "/.coverage", config_file=False, branch=sys.argv[2] == "branch")
    cov.start()
    spec = importlib.util.spec_from_file_location("pricing", root + "/app/pricing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.price(3)
    cov.stop()
    cov.save()
""")


TEST_MODULE = "def test_price():\n    assert True\n"  # the project has tests, whose coverage data may be missing

def ci_coverage(base: Path, branch: bool = False) -> Path:
    checkout = base / "ci-checkout"
    write_tree(checkout, {"app/pricing.py": MODULE})
    subprocess.run([sys.executable, "-c", MEASURE, str(checkout), "branch" if branch else "lines"], check=True, timeout=60)
    return checkout / ".coverage"


def coverage_check(doc: dict) -> dict:
    return next(c for c in doc["checks"] if c["id"] == "test-coverage")


def test_without_data_coverage_is_unknown_and_left_out_of_scores(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE, ".github/workflows/ci.yml": CI,
                                          "tests/test_pricing.py": TEST_MODULE})
    doc = scan_json(repo, "--select", "testing")
    jsonschema.validate(doc, schema())
    check = coverage_check(doc)
    assert check["status"] == "unknown" and check["score"] is None
    assert "--coverage" in check["summary"] and "90%" in check["summary"]
    assert any("CI coverage gate" in e["message"] for e in check["evidence"])
    enforced = next(c for c in doc["checks"] if c["id"] == "coverage-enforced")
    testing = next(c for c in doc["categories"] if c["id"] == "testing")
    # coverage-enforced passes (100%) and test-suites fails (0 of 6 kinds: 0%): the mean of those two only
    suites = next(c for c in doc["checks"] if c["id"] == "test-suites")
    assert enforced["status"] == "pass" and suites["score"] is not None
    assert testing["score"] == round((2 * 1.0 + 2 * suites["score"]) / 4 * 100, 1)


def test_unknown_alone_does_not_fail_the_gate(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE, "tests/test_pricing.py": TEST_MODULE,
                                          "pyproject.toml": "[tool.coverage.report]\nfail_under = 80\n"})
    proc = run_cli("scan", str(repo), "--no-live", "--select", "test-coverage,coverage-enforced", "--fail-under", "90",
                   "--no-history")
    assert proc.returncode == 0, proc.stderr


def test_every_report_renders_an_unknown_check(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    for fmt in ("terminal", "json", "markdown", "html", "sarif", "junit", "github"):
        proc = run_cli("scan", str(repo), "--no-live", "--select", "testing", "--format", fmt, "--no-history")
        assert proc.returncode == 0, (fmt, proc.stderr)
        assert proc.stdout.strip(), fmt
    saved = tmp_path / "result.json"
    saved.write_text(run_cli("scan", str(repo), "--no-live", "--format", "json", "--no-history").stdout, encoding="utf-8")
    proc = run_cli("report", str(saved), "--format", "html")
    assert proc.returncode == 0, proc.stderr


def test_coverage_option_reads_a_ci_database(tmp_path: Path) -> None:
    data = ci_coverage(tmp_path)
    before = data.read_bytes()
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--coverage", str(data)))
    assert check["status"] == "pass" and "75.0%" in check["summary"] and "--coverage" in check["summary"]
    assert data.read_bytes() == before  # read-only: nothing written into the database
    assert sorted(p.name for p in data.parent.iterdir()) == [".coverage", "app"]  # no journal beside it


def test_coverage_option_reads_branch_data_and_renamed_artifacts(tmp_path: Path) -> None:
    data = ci_coverage(tmp_path, branch=True)
    renamed = tmp_path / "artifact-coverage-db"
    renamed.write_bytes(data.read_bytes())
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--coverage", str(renamed)))
    assert check["status"] == "pass" and "75.0%" in check["summary"], check["summary"]


def test_coverage_option_reads_xml_and_json_and_wins_over_local_data(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        "app/pricing.py": MODULE,
        "coverage.json": '{"totals": {"covered_lines": 10, "num_statements": 100}}',
    })
    xml = write_tree(tmp_path, {"ci/coverage.xml": XML_81}) / "ci/coverage.xml"
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--coverage", str(xml)))
    assert check["status"] == "pass" and "81.0%" in check["summary"]
    check = coverage_check(scan_json(repo, "--select", "test-coverage"))
    assert check["status"] == "fail" and "10.0%" in check["summary"]


def test_missing_or_broken_coverage_option(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    proc = run_cli("scan", str(repo), "--no-live", "--coverage", str(tmp_path / "nope.xml"))
    assert proc.returncode == 2 and "coverage data file not found" in proc.stderr
    broken = write_tree(tmp_path, {"broken.xml": "<coverage"}) / "broken.xml"
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--coverage", str(broken)))
    assert check["status"] == "error" and "malformed XML" in check["summary"]
    # local data does not stand in for the file the operator named
    write_tree(repo, {"coverage.json": '{"totals": {"percent_covered": 95.0}}'})
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--coverage", str(broken)))
    assert check["status"] == "error" and "95" not in check["summary"]


def test_configuration_key_names_files_inside_the_tree_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"secret/coverage.xml": XML_81})
    repo = write_tree(tmp_path / "repo", {
        "app/pricing.py": MODULE,
        "artifacts/cov.xml": XML_81,
        "readiness.yaml": "coverage: artifacts/cov.xml\n",
    })
    check = coverage_check(scan_json(repo, "--select", "test-coverage"))
    assert check["status"] == "pass" and "artifacts/cov.xml" in check["summary"]
    for outside in ("../secret/coverage.xml", str(tmp_path / "secret/coverage.xml")):
        (repo / "readiness.yaml").write_text(f"coverage: [{outside}]\n", encoding="utf-8")
        check = coverage_check(scan_json(repo, "--select", "test-coverage"))
        assert check["status"] == "error" and "outside the scanned root" in check["summary"], check["summary"]
    (repo / "link.xml").symlink_to(tmp_path / "secret/coverage.xml")
    (repo / "readiness.yaml").write_text("coverage: [link.xml]\n", encoding="utf-8")
    assert coverage_check(scan_json(repo, "--select", "test-coverage"))["status"] == "error"


def test_configuration_named_with_config_may_point_anywhere(tmp_path: Path) -> None:
    xml = write_tree(tmp_path, {"ci/coverage.xml": XML_81}) / "ci/coverage.xml"
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    config = write_tree(tmp_path, {"ops/readiness.yaml": f"coverage: [{xml}]\n"}) / "ops/readiness.yaml"
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--config", str(config)))
    assert check["status"] == "pass" and "81.0%" in check["summary"]


def test_unreadable_data_found_in_the_tree_is_unknown_with_the_reason(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/pricing.py": MODULE, "tests/test_pricing.py": TEST_MODULE, "coverage.xml": "<coverage"})
    outcome = check_result(scan_tree(tmp_path, select=["test-coverage"]), "test-coverage")
    assert outcome.status == "unknown" and "malformed XML" in outcome.summary


# -- hostile databases -----------------------------------------------------------------------

def database(path: Path, *statements: str, rows: list[tuple[str, tuple]] | None = None) -> bytes:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    for sql, args in rows or []:
        conn.execute(sql, args)
    conn.commit()
    conn.close()
    return path.read_bytes()


SCHEMA = ("CREATE TABLE coverage_schema (version integer)", "CREATE TABLE file (id integer primary key, path text)",
          "CREATE TABLE line_bits (file_id integer, context_id integer, numbits blob)")


def test_database_reading_is_bounded_by_the_local_file(tmp_path: Path) -> None:
    huge = b"\xff" * 4_000_000  # 32 million "executed" lines for a 4-line file
    data = database(tmp_path / "a.db", *SCHEMA, rows=[
        ("INSERT INTO file VALUES (?, ?)", (1, "/ci/app/pricing.py")),
        ("INSERT INTO line_bits VALUES (?, ?, ?)", (1, 1, huge)),
    ])
    lines = measured_lines(data, lambda path: 5 if path.endswith("pricing.py") else 0)
    assert lines == {"/ci/app/pricing.py": {1, 2, 3, 4, 5}}


def test_database_views_and_computed_columns_are_not_evaluated(tmp_path: Path) -> None:
    slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS id, 'x' AS path FROM n")
    as_view = database(tmp_path / "v.db", "CREATE TABLE coverage_schema (version integer)", f"CREATE VIEW file AS {slow}")
    computed = database(tmp_path / "g.db", "CREATE TABLE coverage_schema (version integer)",
                        "CREATE TABLE file (id integer, path text GENERATED ALWAYS AS (hex(zeroblob(1000000))))")
    other = database(tmp_path / "o.db", "CREATE TABLE accounts (name text)")
    for data in (as_view, computed, other):
        try:
            measured_lines(data, lambda path: 10)
        except CoverageUnreadable as exc:
            assert "not a coverage.py data file" in str(exc)
        else:
            raise AssertionError("a database that is not coverage.py's plain tables was read")


def test_a_hostile_database_in_the_tree_is_unknown_not_a_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/pricing.py": MODULE, "tests/test_pricing.py": TEST_MODULE,
                          ".coverage": b"SQLite format 3\x00" + b"\x00" * 200})
    outcome = check_result(scan_tree(tmp_path, select=["test-coverage"]), "test-coverage")
    assert outcome.status == "unknown" and ".coverage" in outcome.summary
    json.dumps(outcome.summary)


def test_a_fifo_named_in_a_trusted_configuration_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "coverage.xml"
    os.mkfifo(fifo)
    repo = write_tree(tmp_path / "repo", {"app/pricing.py": MODULE})
    config = write_tree(tmp_path, {"ops/readiness.yaml": f"coverage: [{fifo}]\n"}) / "ops/readiness.yaml"
    check = coverage_check(scan_json(repo, "--select", "test-coverage", "--config", str(config), timeout=60))
    assert check["status"] == "error" and "not a regular file" in check["summary"]
