"""Scoring a scan result against one service's labels.

The rules, per static check: a label of n/a wants n/a; a labelled true share wants the tool's
score within 0.2 of it; pass wants a score of at least 0.8; fail wants at most 0.5, except for
the density checks, where fail means the tool reported findings of that check (the reading the
labels were written with; SPEC §3 now states a count check's truth against its pass mark). A sampled true
finding must still be reported within two lines of its place (by any check: duplicates may
merge); a sampled false one must be gone from its check within a line. Category error is the
mean absolute difference between the tool's percentage and the reviewer's.

The label floor is the category error left if every check scored what its label says, put through
the same weighted mean (SPEC section 4): it separates what wrong verdicts cost from how far the
reviewers' holistic category scores stand from the scoring formula itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DENSITY = frozenset({"todo-comment", "print-call", "hardcoded-value", "lint-errors", "sast-findings", "swallowed-exception"})


@dataclass
class Disagreement:
    check: str
    tool: str  # "fail 0.31"
    truth: str  # "pass" or "pass ~0.9"
    tool_said: str  # the tool's summary
    label_says: str  # the reviewer's evidence and, where given, why the tool is wrong


@dataclass
class Score:
    name: str
    agree: int = 0
    checks: int = 0
    tp_kept: int = 0
    tp: int = 0
    fp_dropped: int = 0
    fp: int = 0
    category_errors: list[float] = field(default_factory=list)
    floor_errors: list[float] = field(default_factory=list)  # with every check at its label
    category_points: list[tuple[str, float, float, float]] = field(default_factory=list)  # id, human, tool, labelled
    disagreements: list[Disagreement] = field(default_factory=list)
    missed_findings: list[str] = field(default_factory=list)  # sampled tp no longer reported
    kept_false: list[str] = field(default_factory=list)  # sampled fp still reported
    by_check: dict[str, list[int]] = field(default_factory=dict)  # id -> [agree, judged, right, sampled]

    def tally(self, check_id: str, slot: int, hit: bool) -> None:
        row = self.by_check.setdefault(check_id, [0, 0, 0, 0])
        row[slot + 1] += 1
        row[slot] += int(hit)

    @property
    def findings_right(self) -> int:
        return self.tp_kept + self.fp_dropped

    @property
    def findings(self) -> int:
        return self.tp + self.fp

    @property
    def category_error(self) -> float | None:
        return sum(self.category_errors) / len(self.category_errors) if self.category_errors else None

    @property
    def floor_error(self) -> float | None:
        return sum(self.floor_errors) / len(self.floor_errors) if self.floor_errors else None


def _agrees(check_id: str, truth: str, share: Any, status: str, score: Any, result: dict[str, Any]) -> bool:
    if truth in ("n/a", "unknown"):  # unknown: nothing in the repository can decide it (SPEC section 3)
        return status == truth
    if status in ("n/a", "error", "unknown") or score is None:
        return False
    if isinstance(share, (int, float)):
        return abs(score - share) <= 0.2
    if truth == "pass":
        return score >= 0.8
    if check_id in DENSITY:
        return status == "fail" or any(f["check"] == check_id for f in result["findings"])
    return score <= 0.5


def evaluate(name: str, labels: dict[str, Any], result: dict[str, Any]) -> Score:
    out = Score(name)
    checks = {c["id"]: c for c in result["checks"]}
    for check_id, label in labels["checks"].items():
        truth = label.get("truth")
        if truth not in ("pass", "fail", "n/a", "unknown"):
            continue
        check = checks.get(check_id)
        if check is None or check.get("status") == "skipped":
            continue
        out.checks += 1
        status, score, share = check.get("status"), check.get("score"), label.get("truth_share")
        agreed = _agrees(check_id, truth, share, status, score, result)
        out.tally(check_id, 0, agreed)
        if agreed:
            out.agree += 1
            continue
        why = " ".join(str(label.get("why_tool_wrong") or "").split())
        evidence = " ".join(str(label.get("evidence") or "").split())
        out.disagreements.append(Disagreement(
            check=check_id,
            tool=f"{status} {'' if score is None else f'{score:.2f}'}".strip(),
            truth=f"{truth}{'' if share is None else f' ~{share:g}'}",
            tool_said=" ".join(str(check.get("summary") or "").split()),
            label_says=(why + " | " if why else "") + evidence,
        ))
    found: dict[tuple[str, int], set[str]] = {}
    for finding in result["findings"]:
        found.setdefault((finding["path"], finding["line"]), set()).add(finding["check"])
    for sample in labels.get("findings_sample", []):
        path, line, check_id = sample["path"], int(sample["line"]), sample["check"]
        where = f"{check_id} {path}:{line}"
        if sample["verdict"] == "tp":
            out.tp += 1
            kept = any((path, n) in found for n in range(line - 2, line + 3))
            out.tally(check_id, 2, kept)
            if kept:
                out.tp_kept += 1
            else:
                out.missed_findings.append(where)
        else:
            out.fp += 1
            still = any(check_id in found.get((path, n), ()) for n in range(line - 1, line + 2))
            out.tally(check_id, 2, not still)
            if still:
                out.kept_false.append(f"{where}: {' '.join(str(sample.get('why') or '').split())}")
            else:
                out.fp_dropped += 1
    categories = {c["id"]: c.get("score") for c in result["categories"]}
    for category_id, label in (labels.get("categories") or {}).items():
        human = label.get("human")
        if isinstance(human, (int, float)):
            tool = categories.get(category_id)
            out.category_errors.append(abs((tool if isinstance(tool, (int, float)) else 0.0) - human))
            labelled = _labelled_category(category_id, labels["checks"], result)
            out.floor_errors.append(abs((labelled if labelled is not None else 0.0) - human))
            out.category_points.append((category_id, float(human), float(tool) if isinstance(tool, (int, float)) else 0.0,
                                        labelled if labelled is not None else 0.0))
    return out


_WEIGHTS = {"critical": 4, "high": 3, "medium": 2, "low": 1}  # SPEC section 4 defaults


def _labelled_score(check: dict[str, Any], label: dict[str, Any]) -> float | None:
    """The score a check would have if it said what its label says; None when it would not count."""
    truth, share, score = label.get("truth"), label.get("truth_share"), check.get("score")
    if truth not in ("pass", "fail"):
        return score if truth == "unknown" else None
    if isinstance(share, (int, float)):
        return float(share)
    if check["id"] in DENSITY and isinstance(score, (int, float)) and (score >= 0.8) == (truth == "pass"):
        return float(score)  # a density score on the label's side of the mark stands
    return 1.0 if truth == "pass" else 0.0


def _labelled_category(category_id: str, check_labels: dict[str, Any], result: dict[str, Any]) -> float | None:
    weighted = total = 0.0
    for check in result["checks"]:
        if check["category"] != category_id or check.get("kind") == "live":
            continue
        value = _labelled_score(check, check_labels.get(check["id"]) or {})
        if value is not None:
            weight = _WEIGHTS.get(check.get("severity", ""), 1)
            weighted, total = weighted + weight * value, total + weight
    return 100 * weighted / total if total else None


def calibration_bound(scores: list[Score], column: int) -> float | None:
    """The category error left if each category's score were rescaled by the straight line (clipped to 0-100)
    that best fits the reviewers' scores, fitted on these very services: a best case no scoring rule that
    maps a category's weighted mean through one line can beat. ``column`` 2 takes the tool's category scores,
    3 the scores with every check at its label. Averaged like the headline figure (per service, then over
    services), so the three are comparable."""
    by_category: dict[str, list[tuple[float, float]]] = {}
    for score in scores:
        for point in score.category_points:
            by_category.setdefault(point[0], []).append((point[column], point[1]))
    lines = {category: _best_line(points) for category, points in by_category.items()}
    errors = []
    for score in scores:
        if score.category_points:
            fitted = [abs(_on_line(lines[p[0]], p[column]) - p[1]) for p in score.category_points]
            errors.append(sum(fitted) / len(fitted))
    return sum(errors) / len(errors) if errors else None


def _on_line(line: tuple[float, float], x: float) -> float:
    return min(100.0, max(0.0, line[0] * x + line[1]))


def _best_line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) with the least mean absolute error over a grid of slopes from 0 to 1.5; for each
    slope the median residual is the best intercept."""
    best: tuple[float, float, float] | None = None
    for step in range(151):
        slope = step / 100
        residuals = sorted(y - slope * x for x, y in points)
        intercept = residuals[len(residuals) // 2]
        error = sum(abs(_on_line((slope, intercept), x) - y) for x, y in points) / len(points)
        if best is None or error < best[0]:
            best = (error, slope, intercept)
    assert best is not None
    return best[1], best[2]
