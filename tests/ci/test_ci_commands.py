"""Commands a new user meets first, through the installed CLI: baseline save, usage errors,
did-you-mean, shell completion, --fail-under, the state folder's .gitignore, bad globs and
which configuration was read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_cli, write_tree

DEBT = {"app/a.py": "def f():\n    print('old debt')\n    return 1\n", "app/b.py": "# TODO: old\nX = 1\n"}
QUICK = ("--no-live", "--no-history", "--select", "code-quality")


def _one_usage_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("readiness: ")
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr
    return lines[0]


def test_baseline_save_takes_the_repository_as_its_argument(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    out = tmp_path / "saved.json"
    proc = run_cli("baseline", "save", str(repo), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 1
    assert f"recorded in {out}" in proc.stdout
    # Without -o the file goes into the repository.
    proc = run_cli("baseline", "save", str(repo))
    assert proc.returncode == 0, proc.stderr
    assert (repo / "readiness-baseline.json").is_file()
    # In the repository, without arguments, as every other command.
    (repo / "readiness-baseline.json").unlink()
    assert run_cli("baseline", "save", cwd=repo).returncode == 0
    assert (repo / "readiness-baseline.json").is_file()
    # The earlier spelling still works.
    legacy = tmp_path / "legacy.json"
    assert run_cli("baseline", "save", str(legacy), "--path", str(repo)).returncode == 0 and legacy.is_file()
    line = _one_usage_line(run_cli("baseline", "save", str(tmp_path / "missing")))
    assert "does not exist" in line


@pytest.mark.parametrize("args", [
    ("scna",),
    ("scan", "--fromat", "json"),
    ("scan", ".", "--jobs", "many"),
    ("fix", "--nope"),
    ("baseline", "save", "--bogus"),
    ("report",),
    ("scan", ".", "--fail-under", "101"),
    ("scan", ".", "--fail-under", "-1"),
    ("explain", "print-cal"),
])
def test_a_usage_error_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    write_tree(tmp_path, DEBT)
    _one_usage_line(run_cli(*args, cwd=tmp_path))


def test_did_you_mean_on_the_command_line(tmp_path: Path) -> None:
    assert "did you mean 'scan'?" in _one_usage_line(run_cli("scna")).lower()
    assert "--format" in _one_usage_line(run_cli("scan", "--fromat", "json"))
    assert "did you mean 'print-call'?" in _one_usage_line(run_cli("explain", "print-cal"))
    assert "did you mean 'save'?" in _one_usage_line(run_cli("baseline", "sav")).lower()
    assert "did you mean 'json'?" in _one_usage_line(run_cli("scan", str(tmp_path), "--format", "jsn"))
    assert "did you mean 'print-call'?" in _one_usage_line(run_cli("scan", str(tmp_path), "--select", "print-cal"))
    assert "did you mean 'missing-timeout'?" in _one_usage_line(run_cli("fix", str(tmp_path), "--select", "missing-timout"))
    write_tree(tmp_path, DEBT)
    saved = tmp_path / "r.json"
    assert run_cli("scan", str(tmp_path), *QUICK, "-o", str(saved), "--quiet").returncode == 0
    assert "did you mean 'sarif'?" in _one_usage_line(run_cli("report", str(saved), "--format", "sarf"))


def test_fail_under_must_be_a_percentage(tmp_path: Path) -> None:
    write_tree(tmp_path, DEBT)
    for bad in ("101", "-0.5", "1e9"):
        line = _one_usage_line(run_cli("scan", str(tmp_path), *QUICK, "--fail-under", bad))
        assert "--fail-under" in line
    assert run_cli("scan", str(tmp_path), *QUICK, "--fail-under", "100").returncode == 1
    assert run_cli("scan", str(tmp_path), *QUICK, "--fail-under", "0").returncode == 0


def test_install_completion_and_the_completions_it_gives(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # The shell is named, not detected from the process tree (which a CI runner may not have).
    proc = run_cli("--install-completion", "bash", env={"HOME": str(home), "SHELL": "/bin/bash",
                                                         "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert proc.returncode == 0, proc.stderr
    script = home / ".bash_completions" / "readiness.sh"
    assert script.is_file() and "_READINESS_COMPLETE" in script.read_text(encoding="utf-8")
    assert str(script) in (home / ".bashrc").read_text(encoding="utf-8")
    commands = run_cli(env={"_READINESS_COMPLETE": "complete_bash", "COMP_WORDS": "readiness sc", "COMP_CWORD": "1"})
    assert commands.stdout.split() == ["scan"]
    options = run_cli(env={"_READINESS_COMPLETE": "complete_bash", "COMP_WORDS": "readiness scan --fail", "COMP_CWORD": "2"})
    assert set(options.stdout.split()) == {"--fail-under", "--fail-on-targets"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_state_folder_carries_its_own_gitignore(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    proc = run_cli("scan", str(repo), "--no-live")  # a full scan: history and cache on
    assert proc.returncode == 0, proc.stderr
    assert (repo / ".readiness" / "history.sqlite").is_file()
    assert (repo / ".readiness" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout
    assert ".readiness" not in status and "app/a.py" in status
    # A .gitignore the team wrote is kept.
    (repo / ".readiness" / ".gitignore").write_text("history.sqlite\n", encoding="utf-8")
    assert run_cli("scan", str(repo), "--no-live").returncode == 0
    assert (repo / ".readiness" / ".gitignore").read_text(encoding="utf-8") == "history.sqlite\n"


def test_a_planted_state_folder_link_is_not_written_through(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", DEBT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / ".readiness").symlink_to(elsewhere, target_is_directory=True)
    run_cli("scan", str(repo), *QUICK)
    assert not (elsewhere / ".gitignore").exists()


@pytest.mark.parametrize(("config", "problem"), [
    ("exclude: ['app/[ab.py']\n", "unclosed '['"),
    ("exclude: ['../outside/**']\n", "outside the scanned root"),
    ("include: ['']\n", "empty glob"),
    ("paths:\n  tests: ['/srv/app/tests/**']\n", "absolute"),
    ("checks:\n  print-call:\n    ignore:\n      - {path: 'app/[x', reason: legacy}\n", "unclosed '['"),
])
def test_a_bad_glob_in_the_configuration_is_an_error(tmp_path: Path, config: str, problem: str) -> None:
    write_tree(tmp_path, {**DEBT, "readiness.yaml": config})
    line = _one_usage_line(run_cli("scan", str(tmp_path), *QUICK))
    assert problem in line and "readiness.yaml:" in line


def test_gitignore_style_globs_stay_valid(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DEBT, "readiness.yaml": "exclude: ['/app/b.py', '!app/a.py', 'build/**', 'app/\\[x']\n"})
    proc = run_cli("scan", str(tmp_path), *QUICK, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert {f["path"] for f in json.loads(proc.stdout)["findings"]} == {"app/a.py"}


def test_the_result_says_which_configuration_was_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {**DEBT, "readiness.yaml": "select: [print-call]\n",
                          "pyproject.toml": "[project]\nname = 'x'\n\n[tool.readiness]\nselect = ['todo-comment']\n"})
    proc = run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["config"]["source"].endswith("readiness.yaml")
    assert doc["config"]["unused"] == ["pyproject.toml [tool.readiness]"]
    assert {f["check"] for f in doc["findings"]} == {"print-call"}  # readiness.yaml won
    assert any(n["kind"] == "config" and "readiness.yaml" in n["message"] for n in doc["notes"])
    assert "configuration read from" in proc.stderr and "pyproject.toml [tool.readiness]" in proc.stderr
    # Only one of them: nothing to say.
    os.remove(tmp_path / "readiness.yaml")
    doc = json.loads(run_cli("scan", str(tmp_path), "--no-live", "--no-history", "--format", "json").stdout)
    assert doc["config"] == {"source": str(tmp_path / "pyproject.toml"), "unused": []}
