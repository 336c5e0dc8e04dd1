"""lint-enforced-in-ci through the real engine on small repositories."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

CHECK = "lint-enforced-in-ci"
STEPS = "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"


def run(tmp_path: Path, files: dict[str, str]) -> tuple[object, list[object]]:
    write_tree(tmp_path, {"app/main.py": "x = 1\n", **files})
    result = scan_tree(tmp_path, select=[CHECK])
    return check_result(result, CHECK), [f for f in result.findings if f.check == CHECK]


def test_exit_zero_flag_is_a_finding_at_its_line(tmp_path: Path) -> None:
    outcome, findings = run(tmp_path, {".github/workflows/ci.yml": STEPS + "      - run: pip install ruff\n"
                                       "      - run: ruff check --exit-zero .\n"})
    assert outcome.status == "fail" and outcome.score == 0
    assert [(f.path, f.line) for f in findings] == [(".github/workflows/ci.yml", 7)]
    assert "exit status discarded" in findings[0].message


def test_pre_commit_action_runs_the_hooks(tmp_path: Path) -> None:
    outcome, findings = run(tmp_path, {
        ".github/workflows/ci.yml": STEPS + "      - uses: pre-commit/action@v3.0.1\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: lint\n        entry: pylint\n"
                                   "        language: system\n",
    })
    assert outcome.status == "pass", outcome.summary
    assert findings == []
    assert any(e.path == ".pre-commit-config.yaml" for e in outcome.evidence)


def test_a_ruff_check_hook_is_a_linter(tmp_path: Path) -> None:
    hooks = ("repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.14.0\n    hooks:\n"
             "      - id: ruff-check\n      - id: ruff-format\n")
    outcome, _ = run(tmp_path, {".pre-commit-config.yaml": hooks})
    assert outcome.status == "pass", outcome.summary  # ruff-pre-commit's new hook id runs ``ruff check``
    formatting_only = run(tmp_path / "fmt", {".pre-commit-config.yaml": hooks.replace("      - id: ruff-check\n", "")})[0]
    assert formatting_only.status == "fail"


def test_a_tox_env_no_ci_job_runs_enforces_nothing(tmp_path: Path) -> None:
    """A lint env in tox.ini runs when a developer types ``tox -e lint``; nothing stops a change that skips it."""
    outcome, _ = run(tmp_path, {"tox.ini": "[testenv:lint]\ncommands =\n    flake8 app\n"})
    assert outcome.status == "fail"
    assert "flake8 runs in tox (tox.ini:3), but no CI job runs it" in outcome.summary


def test_malformed_workflow_is_mentioned(tmp_path: Path) -> None:
    outcome, _ = run(tmp_path, {".github/workflows/ci.yml": "jobs: [\n"})
    assert outcome.status == "fail"
    assert "could not be read" in outcome.summary and "malformed YAML" in outcome.summary


def test_no_python_is_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"README.md": "# docs only\n"})
    outcome = check_result(scan_tree(tmp_path, select=[CHECK]), CHECK)
    assert outcome.status == "n/a"


def test_a_just_recipe_that_ruff_checks_is_followed(tmp_path: Path) -> None:
    """CI runs ``just fmt-check``; the justfile's recipe (and the recipe it depends on) runs ruff."""
    justfile = ("set positional-arguments\n\nproject := \"app\"\n\n# formatting and lint\n"
                "[group('lint')]\nfmt-check *args: lint\n    ruff format --check {{project}}\n\n"
                "lint target=\"app\":\n    @ruff check {{target}}\n\ntest:\n    pytest\n")
    outcome, findings = run(tmp_path, {".github/workflows/style.yml": STEPS + "      - run: just fmt-check\n",
                                       "justfile": justfile})
    assert outcome.status == "pass", outcome.summary
    assert any(e.path == "justfile" and e.line == 11 for e in outcome.evidence), outcome.evidence
    other, _ = run(tmp_path / "other", {".github/workflows/style.yml": STEPS + "      - run: just test\n",
                                        "justfile": justfile})
    assert other.status == "fail"


def test_steps_grouped_to_run_in_parallel_are_read(tmp_path: Path) -> None:
    outcome, _ = run(tmp_path, {".github/workflows/style.yml": STEPS + "      - parallel:\n"
                                "          - name: markers\n            run: ./check-markers.sh\n"
                                "          - name: lint\n            run: ruff check .\n"})
    assert outcome.status == "pass", outcome.summary
