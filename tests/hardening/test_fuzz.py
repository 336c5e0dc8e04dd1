"""Property-based tests of the per-file pipeline and of every check.

In the suite the runs are small; a long run is ``READINESS_FUZZ_EXAMPLES=5000 pytest tests/hardening/test_fuzz.py``.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import hypothesmith
from helpers import scan_tree, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.analysis import FileAnalysis, PlannedCheck, analyze_source
from readiness.registry import load_checks

EXAMPLES = int(os.environ.get("READINESS_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 30,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
CHECKS = load_checks(use_entry_points=False)
PLAN = [PlannedCheck(c, dict(c.options), c.severity) for c in CHECKS if c.kind == "static" and c().per_file]
PATHS = st.sampled_from(["app/service.py", "tests/test_service.py", "scripts/tool.py", "app/__main__.py", "settings.py"])

# Text that reaches the checks: real Python from the grammar, plus snippets that wake the needles of every check.
NEEDLES = sorted({n for planned in PLAN for n in planned.check.needles})
SNIPPETS = st.sampled_from([
    "import requests\nrequests.get(url)\n", "print('x')  # TODO later\n", "import os\nos.getenv('SECRET', 'dev')\n",
    "from pymongo import MongoClient\nMongoClient(uri).db.c.insert_one({})\n", "try:\n    f()\nexcept Exception:\n    pass\n",
    "@app.get('/items')\ndef items(): ...\n", "# readiness: ignore[print-call]\nprint(1)\n", "x = 1  # readiness: ignore\n",
    *[f"{n}\n" for n in NEEDLES], *[f"x = {n}(timeout=None)\n" for n in NEEDLES if n.isidentifier()],
])
SOURCES = st.one_of(
    hypothesmith.from_grammar(),
    st.lists(st.one_of(SNIPPETS, hypothesmith.from_grammar()), min_size=1, max_size=6).map("".join),
    st.text(max_size=400),
)


def _check(analysis: FileAnalysis, text_lines: int) -> None:
    assert analysis.errors == {}, analysis.errors
    for check_id, findings in analysis.findings.items():
        for finding in findings:
            assert finding.check == check_id
            assert 1 <= finding.line <= max(text_lines, analysis.lines), (finding, text_lines)
            assert finding.column >= 1, finding
    pickle.loads(pickle.dumps(analysis))  # must travel back from a worker and into the cache


@FUZZ
@given(source=SOURCES, path=PATHS)
def test_per_file_pipeline_on_generated_python(source: str, path: str) -> None:
    data = source.encode("utf-8", "surrogatepass")
    first = analyze_source(path, data, PLAN)
    _check(first, first.lines)
    assert analyze_source(path, data, PLAN) == first


@FUZZ
@given(data=st.binary(max_size=600), path=PATHS)
def test_per_file_pipeline_on_arbitrary_bytes(data: bytes, path: str) -> None:
    first = analyze_source(path, data, PLAN)
    _check(first, first.lines)
    assert analyze_source(path, data, PLAN) == first
    if not first.notes:
        assert first.lines == len(data.decode("utf-8", "replace").splitlines()) or first.lines >= 0


@FUZZ
@given(source=SOURCES)
def test_findings_point_at_lines_of_the_file(source: str) -> None:
    analysis = analyze_source("app/service.py", source.encode("utf-8", "surrogatepass"), PLAN)
    real_lines = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    for findings in analysis.findings.values():
        for finding in findings:
            assert 1 <= finding.line <= max(real_lines, 1), (finding, real_lines)


@settings(max_examples=max(5, EXAMPLES // 3), deadline=None, derandomize=EXAMPLES <= 30,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(files=st.lists(st.tuples(PATHS, SOURCES), min_size=1, max_size=3))
def test_every_check_survives_generated_repositories(tmp_path_factory, files: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    root: Path = tmp_path_factory.mktemp("fuzz-repo")
    write_tree(root, {path: source.encode("utf-8", "surrogatepass") for path, source in files})
    result = scan_tree(root)
    errored = [(c.id, c.summary) for c in result.checks if c.status == "error"]
    assert errored == []
    assert {c.id for c in result.checks} == {c.id for c in CHECKS}
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
