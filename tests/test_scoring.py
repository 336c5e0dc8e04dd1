from __future__ import annotations

import pytest

from readiness.measures import Density, Errored, NotApplicable, Presence, Ratio, Share
from readiness.model import CheckResult
from readiness.scoring import CategorySpec, score_categories, score_measure, score_overall


def check(id_: str, category: str, severity: str, status: str, score: float | None) -> CheckResult:
    return CheckResult(id_, category, severity, "static", id_, status, score, "", "", "1d")  # type: ignore[arg-type]


@pytest.mark.parametrize(("measure", "status", "score"), [
    (Density(0, 100, "x"), "pass", 1.0),
    (Density(12, 4200, "print() calls", 5.0), "fail", pytest.approx(1 - (12 / 4.2) / 5)),
    (Density(100, 100, "x"), "fail", 0.0),
    (Ratio(35, 70, "coverage"), "fail", 0.5),
    (Ratio(90, 70, "coverage"), "pass", 1.0),
    (Presence(True, "a thing"), "pass", 1.0),
    (Presence(False, "a thing"), "fail", 0.0),
    (Share(3, 4, "routes", "paginate"), "fail", 0.75),
    (Share(0, 0, "routes", "paginate"), "n/a", None),
    (NotApplicable("no db"), "n/a", None),
    (Errored("boom"), "error", None),
])
def test_score_measure(measure, status, score) -> None:
    scored = score_measure(measure)
    assert scored.status == status
    assert scored.score == score
    assert scored.explanation


def test_share_explanation() -> None:
    assert score_measure(Share(11, 14, "HTTP calls", "have a timeout")).explanation == "11 of 14 HTTP calls have a timeout → 79%"


def test_category_weighted_by_severity_and_statuses() -> None:
    results = [
        check("a", "secrets", "critical", "fail", 0.0),
        check("b", "secrets", "low", "pass", 1.0),
        check("c", "secrets", "high", "n/a", None),
        check("d", "secrets", "high", "error", None),
        check("e", "api", "medium", "n/a", None),
        check("f", "testing", "high", "pass", 1.0),
    ]
    cats = score_categories(
        [CategorySpec("secrets", "Secrets", 100), CategorySpec("api", "API", 85), CategorySpec("testing", "Testing", 70)],
        results,
    )
    secrets, api, testing = cats
    assert secrets.score == 20.0  # (4*0 + 1*1) / 5
    assert secrets.status == "in-progress"
    assert secrets.blockers == 1 and secrets.errors == 1
    assert api.score is None and api.status == "n/a"
    assert testing.status == "complete"
    overall = score_overall(cats, 80)
    assert overall.score == 60.0 and overall.blockers == 1 and overall.status == "in-progress"


def test_pending_and_no_categories() -> None:
    cats = score_categories([CategorySpec("x", "X", 100)], [check("a", "x", "high", "fail", 0.0)])
    assert cats[0].status == "pending"
    assert score_overall([], 80).score is None
