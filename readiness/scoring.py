"""Turning measures into scores, categories and the overall percentage (SPEC §4).

Pure functions of their inputs: the same measures always give the same numbers and the same
words, so the JSON result is reproducible byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from readiness.measures import Count, Density, Errored, Measure, NotApplicable, Presence, Ratio, Share, Unknown
from readiness.model import CategoryScore, CategoryStatus, CheckResult, Overall, Status

DEFAULT_SEVERITY_WEIGHTS: Mapping[str, float] = {"critical": 4, "high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class Scored:
    status: Status
    score: float | None
    explanation: str


def _pct(value: float) -> str:
    return f"{round(value * 100):d}%"


def _num(value: float) -> str:
    text = f"{value:,.1f}".replace(",", " ")
    return text[:-2] if text.endswith(".0") else text


DEFAULT_PASS_AT: Mapping[str, float] = {"critical": 100.0}
DEFAULT_PASS_AT_OTHERS = 90.0


def pass_mark(severity: str, pass_at: float | None = None) -> float:
    """The score (0-1) a check passes at: ``pass_at`` (a percentage) from configuration, else 100%
    for a critical check and 90% for the others. Findings are listed whether it passes or not."""
    if pass_at is None:
        pass_at = DEFAULT_PASS_AT.get(severity, DEFAULT_PASS_AT_OTHERS)
    return max(0.0, min(100.0, float(pass_at))) / 100


def score_measure(measure: Measure, mark: float = 1.0) -> Scored:
    """Score in [0, 1] with a sentence saying how it came about; it passes at ``mark`` (see ``pass_mark``)."""
    scored = _score(measure)
    if isinstance(measure, Ratio):
        return scored  # a check with its own target (coverage, certificate days) passes at that target
    if scored.status in ("pass", "fail") and scored.score is not None:
        status: Status = "pass" if scored.score >= mark - 1e-9 else "fail"
        if status != scored.status:
            scored = Scored(status, scored.score, f"{scored.explanation}; passes at {_pct(mark)}")
    return scored


def _score(measure: Measure) -> Scored:
    if isinstance(measure, NotApplicable):
        return Scored("n/a", None, measure.reason)
    if isinstance(measure, Unknown):
        return Scored("unknown", None, measure.reason)
    if isinstance(measure, Errored):
        return Scored("error", None, measure.reason)
    if isinstance(measure, Density):
        if measure.count == 0:
            return Scored("pass", 1.0, f"no {measure.noun} in {_num(measure.lines)} lines → 100%")
        per_kloc = measure.count * 1000 / max(measure.lines, 1)
        score = max(0.0, 1.0 - per_kloc / measure.zero_at)
        return Scored(
            "fail", score,
            f"{measure.count} {measure.noun} in {_num(measure.lines)} lines "
            f"({per_kloc:.2f} per 1 000 lines; 0% at {_num(measure.zero_at)}) → {_pct(score)}",
        )
    if isinstance(measure, Count):
        if measure.count == 0:
            return Scored("pass", 1.0, f"no {measure.noun} → 100%")
        score = 0.5 ** measure.count
        return Scored("fail", score, f"{measure.count} {measure.noun}; each halves the score → {_pct(score)}")
    if isinstance(measure, Ratio):
        if measure.target <= 0:
            return Scored("pass", 1.0, f"{measure.label} {_num(measure.value)}{measure.unit}, no target → 100%")
        score = max(0.0, min(1.0, measure.value / measure.target))
        status: Status = "pass" if score >= 1.0 else "fail"
        return Scored(
            status, score,
            f"{measure.label} {_num(measure.value)}{measure.unit} of a {_num(measure.target)}{measure.unit} "
            f"target → {_pct(score)}",
        )
    if isinstance(measure, Presence):
        if measure.found:
            return Scored("pass", 1.0, f"{measure.what} found → 100%")
        what = measure.what.removeprefix("a ").removeprefix("an ")  # "no load test found", not "no a load test"
        return Scored("fail", 0.0, f"no {what} found → 0%")
    if isinstance(measure, Share):
        if measure.total == 0:
            return Scored("n/a", None, f"no {measure.noun} to examine")
        score = measure.good / measure.total
        status = "pass" if measure.good == measure.total else "fail"
        return Scored(
            status, score,
            f"{measure.good} of {measure.total} {measure.noun} {measure.good_label} → {_pct(score)}",
        )
    raise TypeError(f"unknown measure {measure!r}")


def category_status(score: float | None, target: float) -> CategoryStatus:
    if score is None:
        return "n/a"
    if score >= target:
        return "complete"
    if score <= 0:
        return "pending"
    return "in-progress"


@dataclass(frozen=True)
class CategorySpec:
    id: str
    name: str
    target: float
    weight: float = 1.0


def score_categories(
    categories: Iterable[CategorySpec],
    checks: Iterable[CheckResult],
    severity_weights: Mapping[str, float] = DEFAULT_SEVERITY_WEIGHTS,
) -> tuple[CategoryScore, ...]:
    by_category: dict[str, list[CheckResult]] = {}
    for check in checks:
        by_category.setdefault(check.category, []).append(check)
    out = []
    for cat in categories:
        members = by_category.get(cat.id, [])
        scored = [c for c in members if c.status in ("pass", "fail") and c.score is not None]
        weight_sum = sum(severity_weights.get(c.severity, 1.0) for c in scored)
        if scored and weight_sum > 0:
            mean = sum(severity_weights.get(c.severity, 1.0) * (c.score or 0.0) for c in scored) / weight_sum
            score: float | None = round(mean * 100, 1)
        else:
            score = None
        blockers = sum(1 for c in members if c.status == "fail" and c.severity == "critical")
        errors = sum(1 for c in members if c.status == "error")
        out.append(CategoryScore(
            id=cat.id, name=cat.name, score=score, target=cat.target,
            status=category_status(score, cat.target), blockers=blockers, weight=cat.weight,
            errors=errors,
        ))
    return tuple(out)


def score_overall(categories: Iterable[CategoryScore], target: float) -> Overall:
    cats = list(categories)
    applicable = [c for c in cats if c.score is not None and c.weight > 0]
    weight_sum = sum(c.weight for c in applicable)
    if applicable and weight_sum > 0:
        score: float | None = round(sum(c.weight * (c.score or 0.0) for c in applicable) / weight_sum, 1)
    else:
        score = None
    return Overall(
        score=score, target=target, status=category_status(score, target),
        blockers=sum(c.blockers for c in cats),
    )
