"""Repository files parsed into commands, containers and problems, on real files in tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import write_tree

from readiness.discovery import discover
from readiness.project import Project
from readiness.repo_files import RepoFiles, build, repo_files, split_segments

RUFF = re.compile(r"\bruff\b")


def project_for(root: Path) -> Project:
    found = discover(root)
    return Project(root=root, files=tuple(found.files), python_files=tuple(found.python_files), lines=0)


def parse(tmp_path: Path, files: dict[str, str]) -> RepoFiles:
    write_tree(tmp_path, files)
    return build(project_for(tmp_path))


WORKFLOW = """\
name: ci
on:
  push:
  pull_request:
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: ruff (advisory)
        continue-on-error: true
        run: ruff check .
      - name: tests
        run: |
          pip install -e .
          pytest -q
"""


def test_workflow_steps_with_lines_and_continue_on_error(tmp_path: Path) -> None:
    repo = parse(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    cmds = [c for c in repo.commands if c.origin == "github-actions"]
    runs = {c.text: c for c in cmds if c.text and not c.action}
    assert runs["ruff check ."].line == 12
    assert runs["ruff check ."].ignores_failure is True
    assert runs["pytest -q"].line == 16 and runs["pytest -q"].ignores_failure is False
    assert runs["pip install -e ."].line == 15
    assert any(c.action == "actions/checkout@v4" and c.line == 9 for c in cmds)
    assert repo.ci_files == [".github/workflows/ci.yml"]
    assert runs["ruff check ."].invocations(RUFF) == [("ruff", True)]


def test_shell_idioms_that_discard_failure(tmp_path: Path) -> None:
    assert split_segments("ruff check . || true") == [("ruff check .", True)]
    assert split_segments("pip install x || true; ruff check .") == [("pip install x", True), ("ruff check .", False)]
    assert split_segments("ruff check .; exit 0") == [("ruff check .", True)]
    assert split_segments("ruff check . && mypy .") == [("ruff check .", False), ("mypy .", False)]
    workflow = WORKFLOW.replace("continue-on-error: true\n        run: ruff check .",
                                "run: |\n          set +e\n          ruff check .\n          echo done")
    repo = parse(tmp_path, {".github/workflows/ci.yml": workflow})
    ruff = next(c for c in repo.commands if c.text == "ruff check .")
    assert ruff.ignores_failure is True  # after set +e, and not the last command of the step


def test_malformed_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        ".github/workflows/broken.yml": "jobs:\n  a: [unclosed\n",
        ".github/workflows/ok.yml": WORKFLOW,
        "k8s/bad.yaml": "apiVersion: v1\nkind: Pod\nspec: {containers: [\n",
    })
    paths = sorted(p.path for p in repo.problems)
    assert paths == [".github/workflows/broken.yml", "k8s/bad.yaml"]
    assert all("malformed YAML" in p.message for p in repo.problems)
    assert any(c.text == "pytest -q" for c in repo.commands)


MULTI = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.2
          env:
            - name: DB_PASSWORD
              value: hunter2-not-copied
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
        - name: sidecar
          image: envoy
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: mongo-backup}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: dump
              image: mongo:7
              command: ["sh", "-c"]
              args: ["mongodump --archive=/backup/db.gz --gzip"]
"""


def test_multi_document_kubernetes_manifest(tmp_path: Path) -> None:
    repo = parse(tmp_path, {"deploy/k8s.yaml": MULTI})
    by_name = {c.name: c for c in repo.containers}
    assert set(by_name) == {"api", "sidecar", "dump"}
    assert by_name["api"].line == 8 and by_name["sidecar"].line == 16 and by_name["dump"].line == 29
    assert by_name["api"].requests == ("cpu", "memory") and by_name["api"].limits == ("cpu", "memory")
    assert by_name["sidecar"].requests == () and by_name["sidecar"].limits == ()
    assert by_name["api"].env == ("DB_PASSWORD",)
    assert "hunter2" not in repr(by_name["api"])
    assert by_name["dump"].schedule == "0 2 * * *" and by_name["dump"].workload == "CronJob/mongo-backup"
    dump = next(c for c in repo.commands if c.origin == "kubernetes")
    assert dump.scheduled and "mongodump" in dump.text
    assert [m.kind for m in repo.manifests] == ["Deployment", "CronJob"]


def test_helm_values_and_templates(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        "chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
        "chart/values.yaml": "replicaCount: 1\nresources: {}\nworker:\n  resources:\n    requests: {cpu: 1}\n    limits: {cpu: 2}\n",
        "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n{{- if .Values.x }}\n",
    })
    assert repo.problems == []  # templates are not YAML and are not reported as broken
    assert [p.path for p in repo.unrendered] == ["chart/templates/deployment.yaml"]  # skipped with a note
    blocks = {h.key: h for h in repo.helm_resources}
    assert not blocks["resources"].has_limits and blocks["resources"].line == 2
    assert blocks["worker.resources"].has_requests and blocks["worker.resources"].has_limits


def test_gitlab_precommit_tox_nox_make_expansion(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        ".gitlab-ci.yml": (
            "include:\n  - template: Security/SAST.gitlab-ci.yml\n"
            "stages: [test]\n"
            ".base:\n  script:\n    - make lint\n"
            "lint:\n  extends: .base\n"
            "types:\n  allow_failure: true\n  script:\n    - mypy .\n"
            "tox:\n  script:\n    - tox -e style\n"
        ),
        "Makefile": ".PHONY: lint\nlint:\n\truff check .\n\t-flake8 app\n",
        "tox.ini": "[tox]\nenvlist = py\n\n[testenv:style]\ncommands =\n    pylint app\n",
        "noxfile.py": "import nox\n\n@nox.session\ndef lint(session):\n    session.run('ruff', 'check', '.', success_codes=[0, 1])\n",
        ".pre-commit-config.yaml": (
            "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n    hooks:\n      - id: ruff\n"
        ),
    })
    assert repo.gitlab_includes == [(".gitlab-ci.yml", 2, "Security/SAST.gitlab-ci.yml")]
    ci = repo.ci_commands()
    texts = {(c.origin, c.text, c.ignores_failure) for c in ci}
    assert ("gitlab-ci", "make lint", False) in texts
    assert ("make", "ruff check .", False) in texts
    assert ("make", "flake8 app", True) in texts
    assert ("gitlab-ci", "mypy .", True) in texts
    assert ("tox", "pylint app", False) in texts
    assert repo.nox_sessions["lint"][0].ignores_failure is True
    assert [h.context for h in repo.precommit_hooks] == ["ruff"] and repo.precommit_hooks[0].line == 5


def test_dockerfile_cron_systemd_and_docs(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        "Dockerfile": "FROM python:3.12\nRUN pip install \\\n    -r requirements.txt\nCMD [\"gunicorn\", \"app:app\"]\n",
        "ops/crontab": "# m h dom mon dow command\n0 3 * * * /opt/backup.sh\n",
        "ops/backup.timer": "[Timer]\nOnCalendar=daily\n",
        "ops/backup.service": "[Service]\nExecStart=/usr/local/bin/backup-mongo\n",
        "docs/runbook.md": "# Restore\n",
        "README.md": "# x\n",
        "app/notes.md": "not a doc\n",
    })
    docker = [(c.line, c.text) for c in repo.commands if c.origin == "dockerfile"]
    assert docker == [(2, "pip install -r requirements.txt"), (4, "gunicorn app:app")]
    scheduled = {(c.origin, c.path, c.line) for c in repo.commands if c.scheduled}
    assert scheduled == {("cron", "ops/crontab", 2), ("systemd", "ops/backup.service", 2)}
    assert repo.docs == ["README.md", "docs/runbook.md"]


def test_memoised_once_per_scan(tmp_path: Path) -> None:
    write_tree(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    project = project_for(tmp_path)
    assert repo_files(project) is repo_files(project)


def test_prek_action_runs_the_pre_commit_hooks_in_ci(tmp_path: Path) -> None:
    hooks = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.14.0\n    hooks:\n      - id: ruff-check\n"
    steps = "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    for action, runs in (("j178/prek-action@v2.0.6", True), ("pre-commit/action@v3.0.1", True),
                         ("actions/setup-node@v4", False)):
        repo = parse(tmp_path / action.split("/")[0], {
            ".github/workflows/lint.yml": steps + f"      - uses: {action}\n", ".pre-commit-config.yaml": hooks})
        assert any(c.text == "ruff check" for c in repo.ci_commands()) is runs, action


def test_tox_factor_commands_and_posargs_defaults(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        ".github/workflows/ci.yml": "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - run: tox -e lint\n",
        "tox.ini": "[tox]\nenvlist = tests\n\n[testenv]\ncommands =\n    tests: pytest {posargs:tests/unit}\n"
                   "    lint: {posargs:ruff check app tests}\n    {docs,dev}: sphinx-build docs out\n    python -V\n",
    })
    ci = {(c.origin, c.text) for c in repo.ci_commands()}
    assert ("tox", "ruff check app tests") in ci  # the env CI names, its {posargs:...} default
    assert ("tox", "python -V") in ci  # unconditional: every env runs it
    assert not any("pytest" in text or "sphinx" in text for _, text in ci)  # other envs' commands
    assert [c.text for c in repo.tox_envs["docs"]] == ["sphinx-build docs out", "python -V"]


def test_gitlab_reference_tags_are_read_as_written(tmp_path: Path) -> None:
    repo = parse(tmp_path, {
        ".gitlab-ci.yml": ".setup:\n  script:\n    - pip install bandit\n"
                          "sast:\n  script:\n    - !reference [.setup, script]\n    - bandit -r app\n",
    })
    assert not repo.problems
    assert ("gitlab-ci", "bandit -r app") in {(c.origin, c.text) for c in repo.ci_commands()}
