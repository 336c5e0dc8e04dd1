"""A check passes when its score reaches its pass mark: 100% for critical checks, 90% for the
others, ``pass_at`` per check in readiness.yaml. Findings are listed either way.

A few TODOs in a large service pass with their findings listed; one default secret, a critical
problem, fails however large the service is.
"""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_json, scan_tree, write_tree

from readiness.scoring import pass_mark


def _large_service(todos: int) -> str:
    """About 3 000 lines of ordinary service code with ``todos`` TODO comments."""
    parts = ["import logging\n\nlogger = logging.getLogger(__name__)\n"]
    for i in range(600):
        note = "    # TODO: page through results\n" if i < todos else ""
        parts.append(f"\n\ndef handler_{i}(order):\n{note}    logger.info('order %s', order)\n    return order\n")
    return "".join(parts)


def test_a_few_todos_in_a_large_service_pass_with_their_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/orders.py": _large_service(todos=2)})
    result = scan_tree(tmp_path, select=["todo-comment"])
    todo = check_result(result, "todo-comment")
    assert todo.findings == 2
    assert todo.score is not None and 0.9 <= todo.score < 1.0
    assert todo.status == "pass"


def test_many_todos_fail(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/orders.py": _large_service(todos=100)})
    todo = check_result(scan_tree(tmp_path, select=["todo-comment"]), "todo-comment")
    assert todo.status == "fail" and todo.score is not None and todo.score < 0.9
    assert "passes at 90%" not in todo.explanation  # it fails where it always failed: nothing to add


def test_pass_at_in_configuration(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/orders.py": _large_service(todos=2)})
    strict = {"checks": {"todo-comment": {"pass_at": 100}}}
    todo = check_result(scan_tree(tmp_path, select=["todo-comment"], config=strict), "todo-comment")
    assert todo.status == "fail" and todo.findings == 2
    write_tree(tmp_path, {"readiness.yaml": "checks:\n  todo-comment:\n    pass_at: 100\n"})
    data = scan_json(tmp_path, "--select", "todo-comment")
    assert next(c for c in data["checks"] if c["id"] == "todo-comment")["status"] == "fail"


def test_one_default_secret_fails_a_large_service(tmp_path: Path) -> None:
    code = _large_service(todos=0) + '\n\nimport os\n\nSECRET_KEY = os.getenv("SECRET_KEY", "dev-secret-key")\n'
    write_tree(tmp_path, {"app/orders.py": code})
    result = scan_tree(tmp_path, select=["default-secret"])
    secret = check_result(result, "default-secret")
    assert secret.findings == 1 and secret.status == "fail"
    assert result.overall.blockers == 1


def test_a_lenient_pass_at_lets_a_score_below_90_pass(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/orders.py": _large_service(todos=100)})
    lenient = {"checks": {"todo-comment": {"pass_at": 0}}}
    todo = check_result(scan_tree(tmp_path, select=["todo-comment"], config=lenient), "todo-comment")
    assert todo.status == "pass" and todo.findings == 100
    assert "passes at 0%" in todo.explanation


def test_pass_marks() -> None:
    assert pass_mark("critical") == 1.0
    assert pass_mark("high") == pass_mark("low") == 0.9
    assert pass_mark("critical", 80) == 0.8
    assert pass_mark("low", 150) == 1.0


def test_a_check_with_its_own_target_passes_at_that_target() -> None:
    from readiness.measures import Ratio
    from readiness.scoring import score_measure

    below = score_measure(Ratio(85.0, 90.0, "line coverage"), pass_mark("high"))
    assert below.status == "fail" and below.score is not None and below.score > 0.9
    assert score_measure(Ratio(90.0, 90.0, "line coverage"), pass_mark("high")).status == "pass"
