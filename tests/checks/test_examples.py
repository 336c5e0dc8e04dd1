"""Every example of every check, run through the real engine: documentation is behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_result, scan_tree, write_tree

from readiness.checks import BUILTIN_CHECKS
from readiness.checks.base import Check, Example

CASES = [
    pytest.param(check, example, id=f"{check.id}-{'good' if example.good else 'bad'}-{i}")
    for check in BUILTIN_CHECKS
    for i, example in enumerate(check.examples)
]


def test_every_check_has_good_and_bad_examples() -> None:
    for check in BUILTIN_CHECKS:
        kinds = {ex.good for ex in check.examples}
        assert kinds == {True, False}, f"{check.id} needs good and bad examples"


@pytest.mark.parametrize(("check", "example"), CASES)
def test_example(tmp_path: Path, check: type[Check], example: Example) -> None:
    write_tree(tmp_path, example.files)
    config = {"checks": {check.id: {"options": dict(example.options)}}} if example.options else None
    result = scan_tree(tmp_path, select=[check.id], config=config, live=check.kind == "live",
                       allow_private=check.kind == "live")  # live examples point at a closed loopback port
    outcome = check_result(result, check.id)
    assert outcome.status != "error", outcome.explanation
    found = [f for f in result.findings if f.check == check.id]
    if example.findings is not None:
        assert len(found) == example.findings, (example.note, [(f.path, f.line, f.message) for f in found])
    if example.lines is not None:
        assert sorted(f.line for f in found) == sorted(example.lines), example.note
    if example.status is not None:
        assert outcome.status == example.status, (example.note, outcome.explanation)
