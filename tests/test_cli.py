"""The installed CLI, end to end: every exit code, formats, outputs, the gate."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, write_tree

SERVICE = {
    "app/service.py": "import logging\n\n# TODO: retry\ndef go():\n    print('x')\n",
}


def test_scan_prints_matrix_and_exits_0(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("scan", str(tmp_path), "--no-live")
    assert proc.returncode == 0, proc.stderr
    assert "Code Quality" in proc.stdout
    assert "app/service.py:5:5" in proc.stdout
    assert "app/service.py:3:3" in proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour when not on a terminal


def test_json_format_and_outputs(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    out = tmp_path / "out" / "result.json"
    proc = run_cli("scan", str(tmp_path), "--format", "json", "--output", str(out), "--no-live",
                   "--select", "todo-comment,print-call")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert doc["findings"] == saved["findings"]
    assert {f["check"] for f in doc["findings"]} == {"print-call", "todo-comment"}


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("scan", str(tmp_path), "--quiet", "--no-live")
    assert proc.returncode == 0
    assert proc.stdout == ""


def test_fail_under_exits_1_with_reason(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("scan", str(tmp_path), "--fail-under", "99", "--select", "code-quality", "--no-live")
    assert proc.returncode == 1
    assert "below --fail-under 99" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_fail_under_passes_when_met(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/ok.py": "import logging\nlog = logging.getLogger(__name__)\n"})
    proc = run_cli("scan", str(tmp_path), "--fail-under", "50", "--select", "code-quality", "--no-live")
    assert proc.returncode == 0, proc.stderr


def test_fail_on_targets(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("scan", str(tmp_path), "--fail-on-targets", "--select", "print-call", "--no-live")
    assert proc.returncode == 1
    assert "code-quality" in proc.stderr


def test_fail_under_from_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {**SERVICE, "readiness.yaml": "fail_under: 99\nselect: [code-quality]\n"})
    proc = run_cli("scan", str(tmp_path), "--no-live")
    assert proc.returncode == 1


def test_missing_path_exits_2(tmp_path: Path) -> None:
    proc = run_cli("scan", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_check_id_exits_2(tmp_path: Path) -> None:
    proc = run_cli("scan", str(tmp_path), "--select", "print-cal")
    assert proc.returncode == 2
    assert "print-cal" in proc.stderr


def test_unknown_format_exits_2(tmp_path: Path) -> None:
    proc = run_cli("scan", str(tmp_path), "--format", "pdf")
    assert proc.returncode == 2


def test_bad_yaml_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "target: 80\nchecks:\n  print-call: [unclosed\n"})
    proc = run_cli("scan", str(tmp_path))
    assert proc.returncode == 2
    assert "readiness.yaml:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_config_key_exits_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "target: 80\nfail_undr: 70\n"})
    proc = run_cli("scan", str(tmp_path))
    assert proc.returncode == 2
    assert "readiness.yaml:2: fail_undr: unknown key (did you mean 'fail_under'?)" in proc.stderr


def test_usage_error_exits_2() -> None:
    proc = run_cli("scan", "--no-such-option")
    assert proc.returncode == 2


def test_plugin_that_fails_to_load_is_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "x = 1\n"})
    proc = run_cli("scan", str(tmp_path), "--plugin", "no_such_plugin_module")
    assert proc.returncode == 2
    assert "no_such_plugin_module" in proc.stderr


def test_plugins_of_a_scanned_configuration_are_not_loaded(tmp_path: Path) -> None:
    write_tree(tmp_path, {"readiness.yaml": "plugins: [no_such_plugin_module]\n", "app.py": "x = 1\n"})
    proc = run_cli("scan", str(tmp_path), "--no-history")
    assert proc.returncode == 0, proc.stderr
    assert "plugins: not loaded from the scanned repository" in proc.stderr
    trusted = run_cli("scan", str(tmp_path), "--config", str(tmp_path / "readiness.yaml"))
    assert trusted.returncode == 2 and "no_such_plugin_module" in trusted.stderr


def test_a_main_module_is_never_a_plugin(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "x = 1\n"})
    proc = run_cli("scan", str(tmp_path), "--plugin", "pip.__main__")
    assert proc.returncode == 2 and "__main__" in proc.stderr


def test_config_plugin_check_runs(tmp_path: Path) -> None:
    plugin = '''
from readiness.checks.base import Check, FileOutcome, Hit, Verdict
from readiness.measures import Density


class NoEval(Check):
    id = "no-eval"
    category = "code-quality"
    title = "eval() calls"
    rationale = "eval runs arbitrary code."
    remediation = "Parse the input instead."
    needles = ("eval",)

    def check_file(self, source, options):
        out = FileOutcome()
        for i, line in enumerate(source.lines, 1):
            if "eval(" in line:
                out.hits.append(Hit(i, line.index("eval(") + 1, "eval() call"))
        return out

    def evaluate(self, project, collected, options):
        return Verdict(Density(len(collected.findings), project.lines, "eval() calls"))


CHECKS = [NoEval]
'''
    write_tree(tmp_path, {
        "plugins_dir/my_plugin.py": plugin,
        "readiness.yaml": "plugins: [my_plugin]\nexclude: [plugins_dir/]\nchecks:\n  no-eval: {severity: high}\n",
        "app/x.py": "y = eval('1')\n",
    })
    proc = run_cli("scan", str(tmp_path), "--format", "json", "--select", "no-eval",
                   "--config", str(tmp_path / "readiness.yaml"), env={"PYTHONPATH": str(tmp_path / "plugins_dir")})
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [f["check"] for f in doc["findings"]] == ["no-eval"]
    assert doc["findings"][0]["severity"] == "high"


def test_checks_and_explain(tmp_path: Path) -> None:
    proc = run_cli("checks", cwd=tmp_path)
    assert proc.returncode == 0
    assert "todo-comment" in proc.stdout and "print-call" in proc.stdout
    proc = run_cli("explain", "print-call", cwd=tmp_path)
    assert proc.returncode == 0
    assert "## Why it matters" in proc.stdout and "## Examples" in proc.stdout
    proc = run_cli("explain", "nope", cwd=tmp_path)
    assert proc.returncode == 2


def test_init_writes_a_valid_config(tmp_path: Path) -> None:
    proc = run_cli("init", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "readiness.yaml").read_text(encoding="utf-8")
    assert text.startswith("#")
    proc = run_cli("scan", str(tmp_path), "--no-live")
    assert proc.returncode == 0, proc.stderr
    assert run_cli("init", str(tmp_path)).returncode == 2  # refuses to overwrite


def test_version_and_module_entry() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("readiness ")


def test_report_rerenders_saved_result(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    saved = tmp_path / "r.json"
    assert run_cli("scan", str(tmp_path), "-o", str(saved), "--quiet", "--no-live").returncode == 0
    proc = run_cli("report", str(saved), "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["findings"] == json.loads(saved.read_text())["findings"]
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    assert run_cli("report", str(bad)).returncode == 2


def test_reports_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    write_tree(tmp_path, SERVICE)
    out = tmp_path / "r.json"
    assert run_cli("scan", str(tmp_path), "-o", str(out), "--quiet", "--no-live").returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_nothing_to_scan_is_not_a_perfect_score(tmp_path: Path) -> None:
    write_tree(tmp_path, {"README.md": "# not a service\n", "web/index.js": "console.log(1)\n"})
    proc = run_cli("scan", str(tmp_path), "--format", "json", "--no-history")
    assert proc.returncode == 0 and "no Python files" in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["overall"]["score"] is None
    assert all(c["status"] in ("n/a", "skipped") for c in doc["checks"])
    gated = run_cli("scan", str(tmp_path), "--fail-under", "50", "--no-history")
    assert gated.returncode == 2 and "nothing to judge" in gated.stderr
