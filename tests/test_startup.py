"""Start-up: commands import what they use. ``--version`` and ``--help`` load no check, no
engine and no pydantic; the check modules load when checks are asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import run_cli

from readiness.checks import BUILTIN_MODULES, builtin_checks
from readiness.cli_support import BUILTIN_FORMAT_NAMES, SCAN_TIMEOUT
from readiness.reports import BUILTIN_FORMATS
from readiness.runner import DEFAULT_TIMEOUT

HEAVY = ("readiness.engine", "readiness.analysis", "readiness.checks.api", "readiness.checks.code_quality",
         "readiness.registry", "readiness.runner", "pydantic")


def _imported(*args: str, cwd: Path | None = None) -> set[str]:
    """Every module ``python -m readiness ARGS`` had loaded when it exited."""
    code = ("import atexit, json, runpy, sys\n"
            "atexit.register(lambda: sys.__stderr__.write('MODULES=' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
            f"sys.argv = ['readiness', *{list(args)!r}]\n"
            "runpy.run_module('readiness', run_name='__main__', alter_sys=True)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    line = next(line for line in proc.stderr.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def test_version_and_help_import_no_check_and_no_engine() -> None:
    for args in (["--version"], ["--help"], ["scan", "--help"], ["hook", "--help"]):
        modules = _imported(*args)
        assert "readiness.cli" in modules  # the listing is real
        loaded = sorted(m for m in modules if m.startswith(HEAVY))
        assert loaded == [], (args, loaded)


def test_hook_loads_checks_but_not_pydantic(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('print("hello")\n', encoding="utf-8")
    modules = _imported("hook", "--min-severity", "low", "app.py", cwd=tmp_path)
    assert "readiness.checks.code_quality" in modules
    assert not any(m == "pydantic" or m.startswith("pydantic.") for m in modules)


def test_builtin_checks_load_on_first_use() -> None:
    code = ("import sys, readiness.checks as c; from readiness.checks.base import Check; "
            "assert 'readiness.checks.api' not in sys.modules; "
            "print(len(c.BUILTIN_CHECKS), 'readiness.checks.api' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(len(builtin_checks())), "True"]
    assert {c.__module__.rsplit(".", 1)[1] for c in builtin_checks()} == set(BUILTIN_MODULES)


def test_help_names_every_format_and_the_runner_default_timeout() -> None:
    assert set(BUILTIN_FORMAT_NAMES) == set(BUILTIN_FORMATS)
    assert SCAN_TIMEOUT == DEFAULT_TIMEOUT
    proc = run_cli("scan", "--help", env={"COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    assert "|".join(sorted(BUILTIN_FORMATS)) in proc.stdout


def test_plain_option_values_are_coerced_like_typer(tmp_path: Path) -> None:
    """Paths, words and defaults are coerced without pydantic; values typer must judge still are."""
    (tmp_path / "app.py").write_text('print("hello")\n', encoding="utf-8")
    proc = run_cli("hook", "--min-severity", "low", "app.py", "app.py", cwd=tmp_path)
    assert proc.returncode == 1 and "app.py:1:1: print-call" in proc.stdout
    assert "in 1 file" in proc.stdout  # the same file twice is judged once
    proc = run_cli("scan", str(tmp_path), "--fail-under", "200")
    assert proc.returncode == 2 and "'--fail-under'" in proc.stderr and "100" in proc.stderr  # typer's range check
    proc = run_cli("history", str(tmp_path), "--limit", "many")
    assert proc.returncode == 2 and "valid integer" in proc.stderr
