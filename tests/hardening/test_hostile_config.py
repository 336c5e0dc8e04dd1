"""Hostile configuration: every broken file gets one clear line on stderr and exit 2, never a traceback,
never a hang, never a value echoed back (values may hold expanded secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, write_tree

SECRET = "s3cr3t-config-value-4242"

ALIAS_BOMB = "\n".join([
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    *(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
      f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
      for i in range(8)),
    "include: *i",
]) + "\n"

CASES: dict[str, tuple[str, str | bytes, str]] = {
    # name: (file name, content, words the one line must hold)
    "alias-bomb": ("readiness.yaml", ALIAS_BOMB, "too many values"),
    "huge-document": ("readiness.yaml", "exclude:\n" + "  - 'x/**'\n" * 200_000, "too large"),
    "many-nodes": ("readiness.yaml", "exclude: [" + ", ".join(["x"] * 60_000) + "]\n", "too many values"),
    "deep-nesting": ("readiness.yaml", "exclude: " + "[" * 5_000 + "]" * 5_000 + "\n", "nested"),
    "not-yaml": ("readiness.yaml", "target: [80\nexclude: {\n", "invalid YAML"),
    "not-utf8": ("readiness.yaml", b"target: \xff\xfe\n", "UTF-8"),
    "top-level-list": ("readiness.yaml", "- target\n- 80\n", "mapping"),
    "python-tag": ("readiness.yaml", "target: !!python/object/apply:os.system ['touch pwned']\n", "target"),
    "wrong-type-number": ("readiness.yaml", "target: high\n", "target: expected a number"),
    "wrong-type-list": ("readiness.yaml", "exclude: 5\n", "exclude: expected a list"),
    "wrong-type-map": ("readiness.yaml", "checks: [print-call]\n", "checks: expected a mapping"),
    "wrong-type-nested": ("readiness.yaml", "environment:\n  http:\n    timeout: fast\n", "environment.http.timeout"),
    "wrong-option-type": ("readiness.yaml", "checks:\n  print-call:\n    options: {cli_modules: 5}\n", "cli_modules"),
    "unknown-key": ("readiness.yaml", "tagret: 80\n", "unknown key"),
    "unknown-nested-key": ("readiness.yaml", "environment:\n  http:\n    base_ulr: http://x\n", "unknown key"),
    "unknown-check": ("readiness.yaml", "checks:\n  no-such-check: {enabled: false}\n", "no-such-check"),
    "unset-variable": ("readiness.yaml", "environment:\n  mongodb:\n    uri: ${READINESS_TEST_UNSET_VAR_X}\n",
                       "READINESS_TEST_UNSET_VAR_X"),
    "pyproject-not-toml": ("pyproject.toml", "[tool.readiness]\ntarget = = 80\n[[[\n", "invalid TOML"),
    "pyproject-wrong-type": ("pyproject.toml", "[tool.readiness]\ntarget = 'high'\n", "target"),
    "pyproject-not-utf8": ("pyproject.toml", b"[tool.readiness]\ntarget = '\xff'\n", "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_clear_error_exit_2(tmp_path: Path, case: str) -> None:
    name, content, words = CASES[case]
    root = write_tree(tmp_path / "repo", {"app/a.py": "x = 1\n", name: content})
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-cache", "--no-history",
                   cwd=tmp_path, env={"READINESS_TEST_SECRET": SECRET}, timeout=60)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr[-2000:]
    assert lines[0].startswith("readiness: ") and name in lines[0], lines[0]
    assert words in lines[0], lines[0]
    assert len(lines[0]) < 400
    assert not (tmp_path / "pwned").exists() and not (root / "pwned").exists()


@pytest.mark.parametrize("yaml_text", [
    "checks:\n  print-call:\n    severity: ${READINESS_TEST_SECRET}\n",
    "environment:\n  http:\n    base_url: ${READINESS_TEST_SECRET}\n    rate_limit: {path: /x, burst: ${READINESS_TEST_SECRET}}\n",
    "categories:\n  testing: {target: ${READINESS_TEST_SECRET}}\n",
    "select: [\"${READINESS_TEST_SECRET}\"]\n",
])
def test_errors_never_echo_expanded_values(tmp_path: Path, yaml_text: str) -> None:
    root = write_tree(tmp_path / "repo", {"app/a.py": "x = 1\n", "readiness.yaml": yaml_text})
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-cache", "--no-history",
                   env={"READINESS_TEST_SECRET": SECRET}, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr


def test_explicit_config_that_is_a_directory_or_fifo(tmp_path: Path) -> None:
    import os

    root = write_tree(tmp_path / "repo", {"app/a.py": "x = 1\n"})
    os.mkfifo(tmp_path / "fifo.yaml")
    for config in (tmp_path, tmp_path / "fifo.yaml"):
        proc = run_cli("scan", str(root), "--config", str(config), "--no-cache", "--no-history", timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
