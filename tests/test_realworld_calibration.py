"""The real-world benchmark's calibration bound: the category error a per-category straight-line rescaling,
fitted to the reviewers' scores, would still leave."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "bench" / "realworld" / "evaluate.py"
_SPEC = importlib.util.spec_from_file_location("realworld_evaluate", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
evaluate = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = evaluate
_SPEC.loader.exec_module(evaluate)


def _score(name: str, points: list[tuple[str, float, float, float]]) -> object:
    score = evaluate.Score(name)
    score.category_points.extend(points)
    return score


def test_reviewers_on_a_line_leave_nothing() -> None:
    """Reviewers who score every category as 40 + half the formula's score are matched exactly by a line."""
    scores = [_score(f"s{i}", [("api", 40 + x / 2, x, x), ("secrets", 10 + x / 2, x, 100 - x)])
              for i, x in enumerate((0.0, 20.0, 50.0, 80.0, 100.0))]
    assert evaluate.calibration_bound(scores, 2) == 0.0
    assert evaluate.calibration_bound(scores, 3) > 0  # "secrets" runs the other way in column 3: no line with slope >= 0


def test_scores_the_formula_cannot_tell_apart_leave_their_spread() -> None:
    """Reviewers who give 20, 50 and 80 where the formula says 0 every time: the best line is flat through the
    median, and the error left is the mean distance from it."""
    scores = [_score(f"s{i}", [("api", human, 0.0, 0.0)]) for i, human in enumerate((20.0, 50.0, 80.0))]
    assert evaluate.calibration_bound(scores, 2) == 20.0  # |20-50|, 0, |80-50| over three services
    assert evaluate.calibration_bound([], 2) is None
