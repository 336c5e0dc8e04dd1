"""The ruff runner against the real ruff binary, on files in a temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import write_tree

from readiness.tools.ruff_runner import _chunks, find_ruff, has_own_config, run_ruff_on


def test_findings_grouped_per_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "import os\n", "pkg/b.py": "def f():\n    return nope\n", "c.py": "x = 1\n"})
    result = run_ruff_on(tmp_path, ["a.py", "pkg/b.py", "c.py"])
    assert result.error is None and not result.configured
    assert {p: [(m.line, m.code) for m in ms] for p, ms in result.files.items()} == {
        "a.py": [(1, "F401")], "pkg/b.py": [(2, "F821")],
    }


def test_project_config_respected_and_parent_config_ignored(tmp_path: Path) -> None:
    parent = tmp_path / "outer"
    write_tree(parent, {"pyproject.toml": '[tool.ruff]\nline-length = 10\n[tool.ruff.lint]\nselect = ["E501"]\n'})
    repo = parent / "repo"
    write_tree(repo, {"a.py": "import os\nx = 'a long line here'\n"})
    assert not has_own_config(repo)
    defaults = run_ruff_on(repo, ["a.py"])
    codes = [m.code for m in defaults.files["a.py"]]
    assert "F401" in codes and "E501" not in codes
    write_tree(repo, {"ruff.toml": 'line-length = 10\n[lint]\nselect = ["E501"]\n'})
    own = run_ruff_on(repo, ["a.py"])
    assert own.configured
    assert [m.code for m in own.files["a.py"]] == ["E501"]


def test_syntax_error_is_a_finding_not_a_failure(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bad.py": "def f(:\n"})
    result = run_ruff_on(tmp_path, ["bad.py"])
    assert result.error is None
    assert "syntax" in result.files["bad.py"][0].code


def test_missing_binary_and_broken_config_give_reasons(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    missing = run_ruff_on(tmp_path, ["a.py"], binary=str(tmp_path / "no-such-ruff"))
    assert missing.error is not None and "cannot run ruff" in missing.error
    write_tree(tmp_path, {"ruff.toml": "[lint\nselect = \n"})
    broken = run_ruff_on(tmp_path, ["a.py"])
    assert broken.error is not None and broken.error.startswith("ruff failed")


def test_slow_ruff_times_out(tmp_path: Path) -> None:
    fake = tmp_path / "slow-ruff"
    fake.write_text("#!/bin/sh\nsleep 5\n")
    fake.chmod(0o755)
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    result = run_ruff_on(tmp_path, ["a.py"], timeout=0.5, binary=str(fake))
    assert result.error == "ruff timed out after 0.5s"


def test_many_files_are_passed_in_chunks(tmp_path: Path) -> None:
    names = [f"module_with_a_rather_long_name_{i:04d}.py" for i in range(3000)]
    chunks = _chunks(names)
    assert len(chunks) > 1 and sum(len(c) for c in chunks) == 3000
    assert all(sum(len(n) + 1 for n in c) <= 60_000 for c in chunks)
    write_tree(tmp_path, {name: "import os\n" for name in names[:5]})
    result = run_ruff_on(tmp_path, names[:5])
    assert len(result.files) == 5


def test_ruff_is_found_next_to_the_interpreter() -> None:
    found = find_ruff()
    assert found is not None and os.access(found, os.X_OK)


def test_a_file_that_crashes_ruff_is_skipped_not_fatal(tmp_path: Path) -> None:
    fake = tmp_path / "picky-ruff"
    real = find_ruff()
    fake.write_text(
        "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *hostile.py) echo 'stack overflow' >&2; kill -ABRT $$;; esac; done\n"
        f"exec {real} \"$@\"\n"
    )
    fake.chmod(0o755)
    write_tree(tmp_path, {"hostile.py": "x = 1\n", "ok.py": "import os\n"})
    result = run_ruff_on(tmp_path, ["hostile.py", "ok.py"], binary=str(fake))
    assert result.error is None
    assert result.crashed == ["hostile.py"]
    assert [m.code for m in result.files["ok.py"]] == ["F401"]
    alone = run_ruff_on(tmp_path, ["hostile.py"], binary=str(fake))
    assert alone.error == "ruff crashed on every file"
