"""The bundled example: every category scored from evidence, and its README tells the truth."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

from readiness.docs import refresh_example

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-service"


def scan() -> dict:
    proc = run_cli("scan", str(EXAMPLE), "--format", "json", "--no-live", "--no-cache", "--no-history")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_category_is_scored_from_evidence() -> None:
    doc = scan()
    assert all(c["score"] is not None for c in doc["categories"]), [c["id"] for c in doc["categories"] if c["score"] is None]
    assert not [c for c in doc["checks"] if c["status"] == "error"]
    found = {f["check"] for f in doc["findings"]}
    for expected in ("todo-comment", "print-call", "default-secret", "missing-timeout", "mongo-transactions"):
        assert expected in found
    tracing = next(c for c in doc["categories"] if c["id"] == "tracing")
    assert tracing["score"] == 0.0
    backup = {c["id"]: c["status"] for c in doc["checks"]}
    assert backup["backup-job"] == "pass" and backup["backup-verification"] == "fail"


def test_readme_describes_what_the_scan_finds() -> None:
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert refresh_example(text, scan()) == text, "run `python -m readiness.docs` to refresh the example README"
