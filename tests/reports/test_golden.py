"""Golden reports: the plan (Markdown), the terminal and the HTML of the example service and of a
real-shaped Flask service with history, compared byte for byte.

The inputs are saved scan results (``golden/*.json``), so a change to a check's scoring does not
move these files; a change to a reporter or to a check's texts does. Regenerate both the inputs
and the expected reports with::

    READINESS_UPDATE_GOLDEN=1 pytest -q -p no:randomly tests/reports/test_golden.py

then review ``git diff tests/reports/golden``. The files hold no times and no absolute paths.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from golden_service import AFTER, BEFORE
from helpers import run_cli, write_tree

from readiness import history
from readiness.registry import load_checks
from readiness.reports import ReportContext
from readiness.runner import render_to_string

HERE = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-service"
UPDATE = os.environ.get("READINESS_UPDATE_GOLDEN") == "1"
DATES = {"sample-service": "2025-01-14T09:00:00.000+00:00", "orders": "2025-01-14T09:00:00.000+00:00",
         "orders.before": "2025-01-07T09:00:00.000+00:00"}
COMMITS = {"orders.before": {"commit": "1" * 40, "branch": "main"}, "orders": {"commit": "2" * 40, "branch": "main"}}
FORMATS = {"markdown": "md", "terminal": "txt", "html": "html"}


def _normalise(doc: dict[str, Any], name: str) -> dict[str, Any]:
    doc["generated_at"] = DATES[name]
    doc["target"]["path"] = doc["target"]["name"]
    doc.pop("timings", None)
    return doc


def _scan(root: Path, name: str) -> None:
    proc = run_cli("scan", str(root), "--no-live", "--no-history", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    text = json.dumps(_normalise(json.loads(proc.stdout), name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (HERE / f"{name}.json").write_text(text, encoding="utf-8")


def _regenerate_inputs(tmp: Path) -> None:
    HERE.mkdir(exist_ok=True)
    example = tmp / "sample-service"
    shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns(".readiness"))
    _scan(example, "sample-service")
    _scan(write_tree(tmp / "before" / "orders", BEFORE), "orders.before")
    _scan(write_tree(tmp / "after" / "orders", AFTER), "orders")


def _load(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _context(name: str) -> ReportContext:
    catalogue = {c.id: c.metadata() for c in load_checks(use_entry_points=False)}
    past: list[dict[str, Any]] = []
    if name == "orders":
        past = [history.summarize(_load("orders.before"), git=COMMITS["orders.before"])]
    return ReportContext(catalogue=catalogue, previous=past[-1] if past else None, history=past, width=100,
                         options={"team_size": 2, **({"git": COMMITS[name]} if name in COMMITS else {})})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> None:
    if UPDATE or not (HERE / "orders.json").exists():
        if not UPDATE:
            pytest.fail("golden inputs are missing: run with READINESS_UPDATE_GOLDEN=1")
        _regenerate_inputs(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", ["sample-service", "orders"])
def test_golden_report(inputs: None, name: str, fmt: str) -> None:
    text = render_to_string(fmt, _load(name), _context(name))
    expected = HERE / f"{name}.{FORMATS[fmt]}"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    bare = text
    for fixed in DATES.values():  # the fixed stand-in for the scan time in the inputs is not a time of this run
        bare = bare.replace(fixed, "")
    assert not re.search(r"(?<![:\w])\d{2}:\d{2}(:\d{2})?(?![:\d])|T\d{2}:\d{2}", bare), "a time in a golden report"
    assert "/tmp/" not in text and "/home/" not in text and str(Path.cwd()) not in text
    assert text == expected.read_text(encoding="utf-8"), f"{expected.name} differs: see the module docstring to regenerate"


def test_the_real_shaped_service_shows_its_progress(inputs: None) -> None:
    text = (HERE / "orders.md").read_text(encoding="utf-8")
    assert "## ✅ Fixed since the last scan" in text
    assert "- Secrets with a literal fallback: now passes" in text and "- print() in service code: now passes" in text
    assert re.search(r"\*\*Overall readiness:\*\* [\d.]+% \(up from [\d.]+%\)", text)
    assert "Flask" in text and "FastAPI" not in text.split("## 🔧 By category", 1)[1]
    sample = (HERE / "sample-service.md").read_text(encoding="utf-8")
    assert len(sample.encode("utf-8")) < 15_000
    for phase in ("Immediate (this week)", "Short-term (next 2 weeks)", "Medium-term (next month)"):
        assert phase in sample
