"""The GitHub Action and the GitLab snippet, their shell steps run for real on a temporary repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import write_tree

ROOT = Path(__file__).resolve().parents[1]
REPO = {"app/svc.py": "def f():\n    print('x')\n    return 1\n"}


def _expand(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr.startswith("steps.scan.outputs."):
            return outputs.get(expr[len("steps.scan.outputs."):], "")
        raise AssertionError(f"unexpected expression {expr}")
    return re.sub(r"\$\{\{(.*?)\}\}", repl, value)


def run_action(repo: Path, tmp: Path, **given: str) -> tuple[int, dict[str, str], Path]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update(given)
    output_file, summary = tmp / "github_output", tmp / "step_summary"
    output_file.write_text("", encoding="utf-8")
    outputs: dict[str, str] = {}
    bindir = str(Path(sys.executable).parent)
    for step in action["runs"]["steps"]:
        if "uses" in step:
            continue  # a third-party action (SARIF upload): only its input file is checked below
        if step["name"] == "Install readiness":
            assert "GITHUB_ACTION_PATH" in step["run"]  # installs this checkout; already installed here
            continue
        env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"], "GITHUB_OUTPUT": str(output_file),
               "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTION_PATH": str(ROOT), "CI": "true", "NO_COLOR": "1"}
        env.update({k: _expand(str(v), inputs, outputs) for k, v in (step.get("env") or {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=300)
        for line in output_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
        if proc.returncode != 0:
            return proc.returncode, outputs, summary
    return 0, outputs, summary


def test_action_passes_and_reports(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", REPO)
    code, outputs, summary = run_action(repo, tmp_path, **{"fail-under": "1", "args": "--select code-quality"})
    assert code == 0
    assert outputs["exit-code"] == "0"
    assert float(outputs["score"]) > 0
    assert (repo / "readiness.sarif").is_file()
    assert "print-call" in summary.read_text(encoding="utf-8") or "print()" in summary.read_text(encoding="utf-8")


def test_action_fails_the_job_after_reporting(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", REPO)
    code, outputs, summary = run_action(repo, tmp_path, **{"fail-under": "99", "args": "--select code-quality"})
    assert code == 1
    assert outputs["exit-code"] == "1"
    assert summary.read_text(encoding="utf-8")  # the summary was still written
    assert (repo / "readiness.sarif").is_file()  # and the SARIF is there to upload


def test_action_configuration_error_is_2(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**REPO, "readiness.yaml": "fail_undr: 3\n"})
    code, outputs, _ = run_action(repo, tmp_path)
    assert code == 2
    assert outputs["exit-code"] == "2"


def _gitlab_job() -> dict[str, Any]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("## GitLab CI", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    return yaml.safe_load(block)["readiness"]


@pytest.mark.parametrize(("files", "expected"), [
    ({"app/ok.py": "import logging\n", "readiness.yaml": "select: [todo-comment, print-call]\n"}, 0),
    ({**REPO, "readiness.yaml": "fail_under: 99\nselect: [code-quality]\n"}, 1),
    ({**REPO, "readiness.yaml": "target: [1]\n"}, 2),
])
def test_gitlab_snippet(tmp_path: Path, files: dict[str, str], expected: int) -> None:
    job = _gitlab_job()
    repo = write_tree(tmp_path / "repo", files)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"], "CI": "true"}
    code = 0
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # the package under test is installed already
        code = subprocess.run(["bash", "-c", line], cwd=repo, env=env, capture_output=True, timeout=300).returncode
        if code:
            break
    assert code == expected
    if expected != 2:
        assert (repo / "readiness.xml").is_file()
        for path in job["artifacts"]["paths"]:
            assert (repo / path).is_file()


def test_action_never_publishes_committed_files(tmp_path: Path) -> None:
    """A pull request that commits a result and a report linked to .git/config publishes neither."""
    secret = tmp_path / "git-config"
    secret.write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0LXRva2Vu\n", encoding="utf-8")
    repo = write_tree(tmp_path / "repo", {
        **REPO, "readiness-result.json": '{"overall": {"score": 100}}',
    })
    (repo / "readiness-report.md").symlink_to(secret)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    os.environ["RUNNER_TEMP"] = str(runner_temp)
    try:
        code, outputs, summary = run_action(repo, tmp_path, **{"fail-under": "1", "args": "--select code-quality"})
    finally:
        del os.environ["RUNNER_TEMP"]
    assert code == 0
    assert outputs["score"] != "100"
    published = summary.read_text(encoding="utf-8")
    assert "extraheader" not in published and "c2VjcmV0" not in published
    assert secret.read_text(encoding="utf-8").startswith("[http]")  # the link's target was not written either


def test_action_publishes_nothing_after_a_configuration_error(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**REPO, "readiness.yaml": "fail_undr: 3\n",
                                          "readiness-report.md": "# planted\n"})
    code, outputs, summary = run_action(repo, tmp_path)
    assert code == 2 and "score" not in outputs
    assert not summary.exists() or "planted" not in summary.read_text(encoding="utf-8")
