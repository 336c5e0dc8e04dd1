"""The GitHub Action, the GitLab job and the Jenkins example, their shell steps run for real on a temporary repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_cli, write_tree
from packaging.requirements import Requirement

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


def run_action(repo: Path, tmp: Path, logs: dict[str, str] | None = None, **given: str) -> tuple[int, dict[str, str], Path]:
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
        if logs is not None:
            logs[step["name"]] = proc.stdout
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


def test_action_uses_only_known_inputs_and_caches_the_history() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for name in re.findall(r"inputs\.([a-z-]+)", text):
        assert name in action["inputs"], name
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore@"))
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save@"))
    assert restore["with"]["path"] == save["with"]["path"] == "${{ inputs.path }}/.readiness/history.sqlite"
    assert restore["with"]["key"] == save["with"]["key"]
    names = [s["name"] for s in steps]
    assert names.index(restore["name"]) < names.index("Scan") < names.index(save["name"]) < names.index("Gate")


DEBT = {
    "readiness.yaml": "select: [code-quality]\n",
    "app/a.py": "def f():\n    print('old debt')\n    return 1\n",
    "app/b.py": "# TODO: old\nX = 1\n",
    "app/c.py": "def g():\n    print('more old debt')\n",
}


def _debt_with_news(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose baseline holds 3 findings; then one is fixed and one is new."""
    repo = write_tree(tmp_path / "repo", DEBT)
    proc = run_cli("baseline", "save", str(repo), "-o", str(repo / "readiness-baseline.json"))
    assert proc.returncode == 0 and "3 findings recorded" in proc.stdout, proc.stderr
    (repo / "app" / "b.py").write_text("X = 1\n", encoding="utf-8")
    (repo / "app" / "d.py").write_text("def h():\n    print('new')\n", encoding="utf-8")
    return repo, repo / "readiness-baseline.json"


def test_action_with_a_baseline_shows_the_same_counts_everywhere(tmp_path: Path) -> None:
    repo, _ = _debt_with_news(tmp_path)
    logs: dict[str, str] = {}
    code, outputs, summary = run_action(repo, tmp_path, logs, baseline="readiness-baseline.json", junit="readiness.xml")
    assert code == 1 and outputs["exit-code"] == "1"
    expected = {"new": 1, "existing": 2, "fixed": 1}

    sarif = json.loads((repo / "readiness.sarif").read_text(encoding="utf-8"))
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert {s: states.count(s) for s in set(states)} == {"new": 1, "unchanged": 2, "absent": 1}
    assert sarif["runs"][0]["properties"]["baseline"] == expected

    junit = ET.parse(repo / "readiness.xml").getroot()
    assert outputs["junit"] == "readiness.xml" and junit.get("failures") == "1"
    failure = next(c for c in junit.iter("testcase") if c.find("failure") is not None).find("failure")
    assert failure is not None and failure.get("message", "").startswith("1 new since the baseline")

    annotations = logs["Scan"].splitlines()
    loud = [line for line in annotations if line.startswith(("::error", "::warning"))]
    quiet = [line for line in annotations if line.startswith("::notice file=")]
    assert len(loud) == 1 and "file=app/d.py" in loud[0] and len(quiet) == 2
    assert "1 new, 2 existing, 1 fixed" in annotations[-1]

    published = summary.read_text(encoding="utf-8")
    assert "**Gate:** failed: 1 new finding since the baseline" in published
    assert "**against the baseline:** 1 new, 2 existing, 1 fixed" in published


def test_action_keeps_the_history_so_the_summary_shows_the_trend(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/svc.py": "def f():\n    print('x')\n    print('y')\n    return 1\n"})
    first_summary = tmp_path / "first"
    first_summary.mkdir()
    code, first, _ = run_action(repo, first_summary)
    assert code == 0 and (repo / ".readiness" / "history.sqlite").is_file()
    (repo / "app" / "svc.py").write_text("import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef f():\n    return 1\n",
                                         encoding="utf-8")
    code, second, summary = run_action(repo, tmp_path)
    assert code == 0 and float(second["score"]) > float(first["score"])
    assert f"up from {float(first['score']):.1f}%" in summary.read_text(encoding="utf-8")


def test_action_compares_with_a_saved_result_of_the_default_branch(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app/svc.py": "def f():\n    print('x')\n    print('y')\n    return 1\n"})
    main = tmp_path / "main.json"
    assert run_cli("scan", str(repo), "--no-live", "--no-history", "-o", str(main), "--quiet").returncode == 0
    before = json.loads(main.read_text(encoding="utf-8"))["overall"]["score"]
    (repo / "app" / "svc.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    code, outputs, summary = run_action(repo, tmp_path, compare=str(main), history="false")
    assert code == 0 and float(outputs["score"]) > before
    assert f"up from {before:.1f}%" in summary.read_text(encoding="utf-8")
    code, outputs, _ = run_action(repo, tmp_path, compare=str(tmp_path / "missing.json"))
    assert code == 2 and outputs["exit-code"] == "2"


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        body = b'{"status": "ok"}'
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


def test_action_live_input_turns_on_the_live_checks(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        repo = write_tree(tmp_path / "repo", REPO)
        saved = tmp_path / "result.json"
        args = f"--select live-health --allow-private --env http.base_url=http://127.0.0.1:{server.server_port} --output {saved}"
        statuses = {}
        for live in ("true", "false"):
            code, _, _ = run_action(repo, tmp_path, live=live, args=args)
            assert code == 0
            doc = json.loads(saved.read_text(encoding="utf-8"))
            statuses[live] = next(c["status"] for c in doc["checks"] if c["id"] == "live-health")
        assert statuses == {"true": "pass", "false": "skipped"}
    finally:
        server.shutdown()
        server.server_close()


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
    code = _run_gitlab(job, repo, {})
    assert code == expected
    if expected != 2:
        assert (repo / "readiness.xml").is_file()
        for path in [*job["artifacts"]["paths"], *job["artifacts"]["reports"].values()]:
            assert (repo / path).is_file()
    assert job["cache"]["paths"] == [".readiness/history.sqlite"]


def _run_gitlab(job: dict[str, Any], repo: Path, variables: dict[str, str]) -> int:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"], "CI": "true",
           **{k: str(v) for k, v in (job.get("variables") or {}).items()}, **variables}
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # the package under test is installed already
        code = subprocess.run(["bash", "-c", line], cwd=repo, env=env, capture_output=True, timeout=300).returncode
        if code:
            return code
    return 0


def test_gitlab_job_with_a_baseline_shows_the_same_counts_everywhere(tmp_path: Path) -> None:
    job = _gitlab_job()
    repo, _ = _debt_with_news(tmp_path)
    assert _run_gitlab(job, repo, {"READINESS_BASELINE": "readiness-baseline.json"}) == 1
    doc = json.loads((repo / "readiness.json").read_text(encoding="utf-8"))
    assert doc["baseline"]["counts"] == {"new": 1, "existing": 2, "fixed": 1}
    junit = ET.parse(repo / job["artifacts"]["reports"]["junit"]).getroot()
    assert junit.get("failures") == "1"
    quality = json.loads((repo / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in quality] == [("print-call", "app/d.py", 2)]
    schema = json.loads((ROOT / "readiness" / "schema" / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))
    import jsonschema

    jsonschema.Draft7Validator(schema).validate(quality)
    # Without the variable the plain threshold gate applies.
    assert _run_gitlab(job, repo, {}) == 1


def _jenkins_steps() -> list[str]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("## Jenkins", 1)[1].split("```groovy", 1)[1].split("```", 1)[0]
    return [shlex.split(line.strip()[3:])[0] for line in block.splitlines() if line.strip().startswith("sh '")]


def test_jenkins_example_runs_and_writes_what_it_publishes(tmp_path: Path) -> None:
    steps = _jenkins_steps()
    assert steps[0].startswith("pip install")
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8").split("## Jenkins", 1)[1]
    published = re.findall(r"junit '([^']+)'|pattern: '([^']+)'|artifacts: '([^']+)'", text)
    repo = write_tree(tmp_path / "repo", REPO)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"], "CI": "true"}
    codes = [subprocess.run(["bash", "-c", step], cwd=repo, env=env, capture_output=True, timeout=300).returncode
             for step in steps[1:]]
    assert codes == [1]  # the sample's print() keeps it under 70: the stage fails after writing the reports
    for names in published:
        name = next(n for n in names if n)
        assert (repo / name).is_file(), name


def test_every_install_line_installs_this_project_from_its_repository() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    lines = re.findall(r"pip install (.+)", text)
    assert len(lines) >= 3
    for line in lines:
        args = shlex.split(line.strip().rstrip("'"))
        requirement = Requirement(args[0])
        assert requirement.name == "readiness"
        assert requirement.url == "git+https://github.com/readiness-dev/readiness@main"
    assert "readiness-dev/readiness@" in text  # the action's own reference names the same repository


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
