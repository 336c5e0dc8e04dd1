"""A service folder inside a git repository still sees the repository's CI, infrastructure and
dependency bot at the git root; the walk is bounded and never follows a symlink out."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import check_result, scan_json, scan_tree, write_tree

from readiness.discovery import discover
from readiness.project import Project
from readiness.repo_root import git_root, repository_files, scan_prefix

SERVICE = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef handle(order):\n    return order\n"
WORKFLOW = (
    "on: [push]\njobs:\n  checks:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - run: pip-audit -r services/orders/requirements.txt\n"
    "      - run: bandit -r services/orders/app\n"
)
DEPENDABOT = ("version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /services/orders\n"
              "    schedule: {interval: weekly}\n")


def _monorepo(root: Path, *, git: bool = True) -> Path:
    write_tree(root, {
        ".github/workflows/ci.yml": WORKFLOW,
        ".github/dependabot.yml": DEPENDABOT,
        "deploy/terraform/main.tf": 'resource "aws_db_instance" "orders" {\n  backup_retention_period = 7\n}\n',
        "docker-compose.yml": "services:\n  orders:\n    build: services/orders\n",
        "services/orders/app/main.py": SERVICE,
        "services/orders/requirements.txt": "flask==3.0.0\n",
        "services/billing/app/main.py": SERVICE,
        "node_modules/pkg/.github/workflows/theirs.yml": WORKFLOW,
    })
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    return root / "services" / "orders"


def _project(root: Path) -> Project:
    found = discover(root)
    return Project(root=root, files=tuple(found.files), python_files=tuple(found.python_files), lines=0)


def test_a_service_folder_reads_the_repositorys_ci_and_dependency_bot(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo")
    result = scan_tree(service, select=["dependency-scanning", "sast-in-ci"])
    assert check_result(result, "dependency-scanning").status == "pass"
    assert check_result(result, "sast-in-ci").status == "pass"
    doc = scan_json(service, "--select", "dependency-scanning")
    evidence = next(c for c in doc["checks"] if c["id"] == "dependency-scanning")["evidence"]
    assert any(e["path"] == ".github/dependabot.yml" for e in evidence)


def test_without_a_repository_the_folder_is_all_there_is(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo", git=False)
    result = scan_tree(service, select=["dependency-scanning", "sast-in-ci"])
    assert check_result(result, "dependency-scanning").status == "fail"
    assert check_result(result, "sast-in-ci").status == "fail"


def test_the_project_model_names_the_git_root_and_the_scan_prefix(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo")
    project = _project(service)
    assert project.git_root == (tmp_path / "repo").resolve()
    assert project.scan_prefix == "services/orders/"
    assert set(project.repository_level) == {
        ".github/workflows/ci.yml", ".github/dependabot.yml", "deploy/terraform/main.tf", "docker-compose.yml"}
    assert "services/billing/app/main.py" not in project.files  # another service is not this one's code
    assert project.python_files == ("app/main.py",)
    assert "pip-audit" in (project.read_text(".github/workflows/ci.yml") or "")
    root_project = _project(tmp_path / "repo")
    assert root_project.scan_prefix == "" and root_project.repository_level == frozenset()


def test_the_scanned_folders_own_files_win(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo")
    write_tree(service, {".github/dependabot.yml": "version: 2\nupdates: []\n"})
    project = _project(service)
    assert ".github/dependabot.yml" not in project.repository_level
    assert project.read_text(".github/dependabot.yml") == "version: 2\nupdates: []\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_out_of_the_repository_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.yml"
    write_tree(tmp_path / "outside", {"secret.yml": "password: hunter2\n", "workflows/x.yml": WORKFLOW})
    service = _monorepo(tmp_path / "repo")
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows" / "leak.yml").symlink_to(secret)
    (repo / ".gitlab").symlink_to(tmp_path / "outside", target_is_directory=True)
    listed = repository_files(repo, service)
    assert ".github/workflows/leak.yml" not in listed
    assert not any(rel.startswith(".gitlab/") for rel in listed)
    project = _project(service)
    assert all("hunter2" not in (project.read_text(rel) or "") for rel in project.repository_level)


def test_the_search_for_the_git_root_is_bounded(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    deep = tmp_path.joinpath(*[f"d{i}" for i in range(10)])
    deep.mkdir(parents=True)
    assert git_root(tmp_path / "d0") == tmp_path.resolve()
    assert git_root(deep) is None
    assert scan_prefix(None, deep) == ""


def test_a_monorepo_root_says_it_holds_several_services(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _monorepo(root)
    write_tree(root, {"services/orders/pyproject.toml": "[project]\nname = 'orders'\n",
                      "services/billing/Dockerfile": "FROM python:3.12\n",
                      "docs/requirements.txt": "sphinx\n", "docs/conf.py": "project = 'x'\n"})
    doc = scan_json(root, "--select", "print-call")
    notes = [n["message"] for n in doc["notes"] if "services" in n["message"]]
    assert len(notes) == 1
    assert "2 services (services/billing/, services/orders/)" in notes[0]
    assert "readiness scan services/billing/" in notes[0] and "readiness report" in notes[0]
    single = scan_json(root / "services" / "orders", "--select", "print-call")
    assert not [n for n in single["notes"] if "holds" in n["message"]]


def test_the_result_names_the_scan_prefix_and_the_files_read_from_the_git_root(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo")
    doc = scan_json(service, "--select", "dependency-scanning")
    assert doc["repository"]["scan_prefix"] == "services/orders/"
    assert ".github/dependabot.yml" in doc["repository"]["root_files"]
    assert "repository" not in scan_json(tmp_path / "repo", "--select", "dependency-scanning")


def test_a_file_added_at_the_git_root_is_seen_by_a_warm_rescan(tmp_path: Path) -> None:
    service = _monorepo(tmp_path / "repo")
    (tmp_path / "repo" / ".github" / "dependabot.yml").unlink()
    (tmp_path / "repo" / ".github" / "workflows" / "ci.yml").unlink()

    def status() -> str:
        doc = scan_json(service, "--select", "dependency-scanning", "--no-history")
        return next(c for c in doc["checks"] if c["id"] == "dependency-scanning")["status"]

    assert status() == "fail"
    assert status() == "fail"  # answered from the cache
    write_tree(tmp_path / "repo", {".github/dependabot.yml": DEPENDABOT})
    assert status() == "pass"
