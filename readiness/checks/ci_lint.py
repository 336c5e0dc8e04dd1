"""Code quality: a linter that runs in CI or as a pre-commit hook and fails the build on errors."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence
from readiness.model import Evidence, Finding
from readiness.project import Project
from readiness.repo_files import CI_ORIGINS, Command, RepoFiles, build, describe_problems, exit_zero, programs, repo_files

TYPE_CHECKERS = ("mypy", "pyright", "basedpyright", "pyre", "pytype")
LINTERS = ("ruff", "flake8", "pylint", "pyflakes", "pycodestyle", "prospector", "pylama", "flakeheaven", "flakehell")
_LINT_ACTION_RE = lazy_compile(r"(ruff-action|flake8|pylint|python-lint|wemake-python-styleguide)", re.IGNORECASE)
_NOT_A_RUN = {"format", "--version", "version", "--help", "help", "rule", "config", "clean"}
_ENFORCING_ORIGINS = (*CI_ORIGINS, "pre-commit", "tox", "nox", "make", "just", "script", "task")


def linter_of(argv: tuple[str, ...], linters: tuple[str, ...] = LINTERS) -> str | None:
    """The linter an argv runs (``ruff check .`` -> ruff), None for ``ruff format`` or ``pip install ruff``."""
    head = PurePosixPath(argv[0]).name
    if head in _WRAPPERS:
        return _wrapped_linter(argv, linters)
    if head not in linters:
        return None
    if any(word in _NOT_A_RUN for word in argv[1:2]) or "--version" in argv:
        return None
    return head


_WRAPPERS = ("darker", "graylint")  # run linters on changed lines: ``darker --check -L "flake8 app"``


def _wrapped_linter(argv: tuple[str, ...], linters: tuple[str, ...]) -> str | None:
    """The linter a wrapper runs through its ``-L``/``--lint`` option, if any."""
    for i, word in enumerate(argv[1:], 1):
        value = None
        if word in ("-L", "--lint") and i + 1 < len(argv):
            value = argv[i + 1]
        elif word.startswith("--lint="):
            value = word.split("=", 1)[1]
        elif word.startswith("-L") and len(word) > 2:
            value = word[2:]
        if value and value.split() and PurePosixPath(value.split()[0]).name in linters:
            return PurePosixPath(value.split()[0]).name
    return None


def lint_runs(repo: RepoFiles, linters: tuple[str, ...] = LINTERS) -> list[tuple[str, Command, bool]]:
    """(linter, where, failure ignored) for every linter run by CI, pre-commit, tox or nox."""
    candidates: list[Command] = list(repo.ci_commands())
    candidates += [c for c in repo.commands if c.origin in ("pre-commit", "tox", "nox")]
    runs: list[tuple[str, Command, bool]] = []
    seen: set[tuple[str, int, str]] = set()
    for command in candidates:
        if command.origin not in _ENFORCING_ORIGINS:
            continue
        if command.origin == "github-actions" and command.action:
            match = _LINT_ACTION_RE.search(command.action)
            if match:
                name = "ruff" if "ruff" in match.group(1).lower() else match.group(1).lower()
                if any(tool in LINTERS for tool in linters) and (name in linters or name not in LINTERS):
                    _add(runs, seen, name, command, command.ignores_failure or exit_zero(command.text))
            continue
        for argv, ignored in programs(command):
            name = linter_of(argv, linters)
            if name:
                _add(runs, seen, name, command, ignored)
    return runs


def _add(runs: list[tuple[str, Command, bool]], seen: set[tuple[str, int, str]], name: str, command: Command,
         ignored: bool) -> None:
    key = (command.path, command.line, name)
    if key not in seen:
        seen.add(key)
        runs.append((name, command, ignored))


_ORIGIN_WORDS = {
    "github-actions": "GitHub Actions", "gitlab-ci": "GitLab CI", "circleci": "CircleCI", "pre-commit": "a pre-commit hook",
    "tox": "tox", "nox": "nox", "make": "a make target CI runs", "just": "a just recipe CI runs",
    "script": "a script CI runs",
    "task": "a pyproject task CI runs",
}


class LintEnforcedInCI(Check):
    prefetch = {"repo_files": build}
    id = "lint-enforced-in-ci"
    category = "code-quality"
    severity = "medium"
    effort = "0.5d"
    title = "Linter enforced in CI"
    rationale = (
        "Lint rules only hold if something stops a change that breaks them. A linter that runs "
        "only on some laptops, or runs in CI with its exit status ignored, lets errors pile up "
        "until nobody reads the output."
    )
    remediation = (
        "Run the linter as a required CI step that fails the build, e.g. `ruff check .` in a "
        "GitHub Actions job (no `continue-on-error`, no `|| true`, no `--exit-zero`), or the "
        "ruff/flake8 pre-commit hook run by `pre-commit run --all-files` in CI or by pre-commit.ci."
    )
    scoring = (
        "Presence: 100% when GitHub Actions, GitLab CI (directly or through make, a script, tox, "
        "nox, pre-commit or a pyproject task of hatch, pdm, poethepoet or taskipy) or a pre-commit hook runs a "
        "linter without discarding its "
        "exit status; runs that discard it are findings and do not count, unless the same linter also "
        "gates elsewhere (then the discarded run is an informational report)."
    )
    options = {"linters": list(LINTERS)}
    examples = (
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: pip install ruff\n      - run: ruff check .\n"
            ),
        }, findings=0, status="pass"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  test:\n    strategy:\n      matrix:\n        include:\n"
                "          - name: Tests\n            command: bin/tests\n          - name: Lint\n            command: bin/lint\n"
                "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                "      - name: Run ${{ matrix.name }}\n        run: ${{ matrix.command }}\n"
            ),
            "bin/lint": "#!/bin/bash\nset -ex\nruff check .\nruff format --check .\n",
            "bin/tests": "#!/bin/bash\nset -ex\npytest\n",
        }, findings=0, status="pass", note="a matrix job whose step runs each entry's command (bin/lint runs ruff)"),
        Example({
            "app/main.py": "x = 1\n",
            ".pre-commit-config.yaml": (
                "repos:\n  - repo: https://github.com/PyCQA/flake8\n    rev: 7.0.0\n    hooks:\n      - id: flake8\n"
            ),
        }, findings=0, status="pass", note="a pre-commit hook"),
        Example({
            "app/main.py": "x = 1\n",
            ".gitlab-ci.yml": "lint:\n  script:\n    - make lint\n",
            "Makefile": "lint:\n\tpoetry run pylint app\n",
        }, findings=0, status="pass", note="GitLab CI through a make target"),
        Example({
            "app/main.py": "x = 1\n",
            ".circleci/config.yml": (
                "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/python:3.12\n    steps:\n"
                "      - checkout\n      - run: pip install -r requirements.txt\n"
                "      - run:\n          name: Lint\n          command: |\n            flake8\n"
                "workflows:\n  main:\n    jobs: [build]\n"
            ),
        }, findings=0, status="pass", note="a CircleCI job's run step"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: make lint\n",
            "Makefile": ".PHONY: lint\nlint: ## check only\n\tuv tool run ruff check .\n",
        }, findings=0, status="pass", note="ruff run by uv tool run, through a make target"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest\n",
            "tox.ini": "[tox]\nenvlist = py312\n\n[testenv:flake8]\ncommands = flake8 app\n",
        }, findings=0, status="fail", note="a tox env no CI job runs"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: tox -e flake8\n",
            "tox.ini": "[tox]\nenvlist = py312\n\n[testenv:flake8]\ncommands = flake8 app\n",
        }, findings=0, status="pass", note="the same env run by CI"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/build.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: ./.github/actions/lint\n"
            ),
            ".github/actions/lint/action.yml": (
                "name: Lint\nruns:\n  using: composite\n  steps:\n    - shell: bash\n"
                "      run: |\n        pip install hatch\n        hatch run lint-check\n"
            ),
            "pyproject.toml": (
                "[tool.hatch.envs.default.scripts]\nlint-check = [\n  \"ruff format --check .\",\n"
                "  \"ruff check .\",\n]\n"
            ),
        }, findings=0, status="pass", note="a hatch script run by the repository's own composite action"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pdm run lint\n"
                "      - run: poe types\n"
            ),
            "pyproject.toml": (
                "[tool.pdm.scripts]\nlint = \"flake8 app\"\n\n[tool.poe.tasks]\ntypes = \"mypy app\"\n"
            ),
        }, findings=0, status="pass", note="a pdm script (poethepoet and taskipy tasks count alike)"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: hatch run test\n"
            ),
            "pyproject.toml": (
                "[tool.hatch.envs.default.scripts]\ntest = \"pytest\"\nlint = \"ruff check .\"\n"
            ),
        }, findings=0, status="fail", note="a lint task CI never runs"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: ruff check . || true\n"
            ),
        }, findings=1, status="fail", note="the exit status is thrown away"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: flake8 app\n        continue-on-error: true\n"
            ),
        }, findings=1, status="fail", note="continue-on-error"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/lint.yml": (
                "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
                "          flake8 . --count --select=E9,F63,F7,F82 --show-source --statistics\n"
                "          flake8 . --count --exit-zero --max-complexity=10 --statistics\n"
            ),
        }, findings=0, status="pass", note="a gating run plus a report-only run of the same linter"),
        Example({
            "app/main.py": "x = 1\n",
            ".github/workflows/ci.yml": (
                "on: [push]\njobs:\n  fmt:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: pip install ruff\n      - run: ruff format --check .\n"
            ),
        }, findings=0, status="fail", note="installing ruff and checking formatting is not linting"),
        Example({"app/main.py": "x = 1\n"}, findings=0, status="fail", note="no CI at all"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files to lint"))
        repo = repo_files(project)
        linters = tuple(str(x) for x in options.get("linters", LINTERS))
        runs = lint_runs(repo, linters)
        enforced = [(name, cmd) for name, cmd, ignored in runs if not ignored]
        # a second, report-only run of a linter that also gates (`flake8 --exit-zero --statistics`) is informational
        gating = {name for name, _ in enforced}
        ignored_runs = [(name, cmd) for name, cmd, ignored in runs if ignored and name not in gating]
        findings = tuple(
            Finding(cmd.path, cmd.line, 1, self.id,
                    f"{name} runs in {_ORIGIN_WORDS.get(cmd.origin, cmd.origin)} with its exit status discarded; "
                    "lint errors do not fail the build")
            for name, cmd in ignored_runs
        )
        evidence = tuple(
            Evidence(f"{name} runs in {_ORIGIN_WORDS.get(cmd.origin, cmd.origin)}", cmd.path, cmd.line)
            for name, cmd in enforced
        )
        # type checkers enforced in CI are shown alongside (they are not linters and do not score)
        evidence += tuple(
            Evidence(f"{name} type checking enforced in {_ORIGIN_WORDS.get(cmd.origin, cmd.origin)}", cmd.path, cmd.line)
            for name, cmd, ignored in lint_runs(repo, TYPE_CHECKERS) if not ignored
        )
        broken = describe_problems(p for p in repo.problems if p.path in repo.ci_files or p.path.startswith(".pre-commit"))
        # a tox env or nox session gates only when CI runs it; one nobody runs is a command a developer may type
        from_ci = set(repo.ci_commands())
        local = [(name, cmd) for name, cmd in enforced if cmd.origin in ("tox", "nox") and cmd not in from_ci]
        enforced = [(name, cmd) for name, cmd in enforced if (name, cmd) not in local]
        if enforced:
            names = sorted({name for name, _ in enforced})
            first = enforced[0][1]
            summary = f"{', '.join(names)} enforced ({first.where})"
        elif local:
            name, cmd = local[0]
            summary = f"{name} runs in {cmd.origin} ({cmd.where}), but no CI job runs it"
        elif ignored_runs:
            summary = f"a linter runs in {len(ignored_runs)} place(s) but its failures are ignored"
        elif repo.ci_files:
            summary = f"{len(repo.ci_files)} CI file(s) found but none runs a linter"
        else:
            summary = "no CI configuration or pre-commit hook runs a linter"
        return Verdict(Presence(bool(enforced), "a linter enforced in CI"), summary + broken, evidence, findings)


CHECKS: list[type[Check]] = [LintEnforcedInCI]
