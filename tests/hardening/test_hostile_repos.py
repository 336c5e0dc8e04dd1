"""Hostile repositories: every odd file yields a note or a finding, the scan completes with a valid result,
and nothing outside the scanned root is ever read."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_tree
from support import MANY_FILES, assert_valid_result, notes_by_path, scan_cli

OUTSIDE_MARKER = "OUTSIDE_THE_ROOT_7f3a"


def _findings_at(doc: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["path"] == path]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, dict[str, Any]]:
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    write_tree(outside, {
        "secret.py": f"print('{OUTSIDE_MARKER}')  # TODO {OUTSIDE_MARKER}\n",
        "pkg/mod.py": f"print('{OUTSIDE_MARKER}')\n",
    })
    root = base / "repo"
    write_tree(root, {
        "app/nul.py": b"import requests\nx = 1\x00\nprint(x)\n",
        "app/invalid_utf8.py": b"x = '\xff\xfe'\nprint(x)\n",
        "app/late_invalid_utf8.py": b"x = 1\ny = 2\nz = '\xc3\x28'\n",
        "app/wrong_cookie.py": b"# -*- coding: klingon-9 -*-\nprint(1)\n",
        "app/ascii_cookie.py": "# -*- coding: ascii -*-\nname = 'caf\u00e9'\n".encode("utf-8"),
        "app/py2.py": "print 'hello'\nexec 'x = 1'\nraise ValueError, 'old'\n",
        "app/too_deep.py": "import requests\nx = a" + "+a" * 150_000 + "\n",
        "app/deep_but_parses.py": "import requests\nprint(a" + "+a" * 900 + ")\n",
        "app/with space.py": "print('space')\n",
        "app/new\nline.py": "print('newline')\n",
        "app/caf\u00e9_\u65e5\u672c.py": "print('non-ascii')\n",
        "app/ok.py": "def f():\n    return 1\n",
    })
    (root / "app" / "outside_link.py").symlink_to(outside / "secret.py")
    (root / "app" / "outside_dir").symlink_to(outside / "pkg", target_is_directory=True)
    (root / "app" / "loop_a.py").symlink_to("loop_b.py")
    (root / "app" / "loop_b.py").symlink_to("loop_a.py")
    (root / "app" / "sub").mkdir()
    (root / "app" / "sub" / "up").symlink_to("..", target_is_directory=True)
    (root / "app" / "sub" / "root_loop").symlink_to(root, target_is_directory=True)
    (root / "app" / "dangling.py").symlink_to(base / "does-not-exist.py")
    (root / "app" / "inside_link.py").symlink_to("ok.py")
    os.mkfifo(root / "app" / "fifo.py")
    (root / os.fsdecode(b"app/bad_name_\xff\xfe.py")).write_text("print('undecodable name')\n", encoding="utf-8")
    proc, doc = scan_cli(root, timeout=120)
    return root, proc, doc


def test_scan_completes_with_a_valid_result(hostile: tuple[Path, Any, dict[str, Any]]) -> None:
    _, proc, doc = hostile
    assert proc.returncode in (0, 1)
    assert_valid_result(doc)
    assert not [c for c in doc["checks"] if c["status"] == "error"], [
        (c["id"], c["summary"]) for c in doc["checks"] if c["status"] == "error"]


@pytest.mark.parametrize(("path", "kind", "words"), [
    ("app/nul.py", "read-error", "NUL"),
    ("app/invalid_utf8.py", "read-error", "UTF-8"),
    ("app/late_invalid_utf8.py", "read-error", "decode"),
    ("app/wrong_cookie.py", "read-error", "cookie"),
    ("app/ascii_cookie.py", "read-error", "ascii"),
    ("app/py2.py", "parse-error", "syntax error (line 1)"),
    ("app/too_deep.py", "parse-error", "nested"),
    ("app/outside_link.py", "skipped-file", "outside the root"),
    ("app/loop_a.py", "skipped-file", "looping"),
    ("app/loop_b.py", "skipped-file", "looping"),
    ("app/dangling.py", "skipped-file", "broken"),
    ("app/fifo.py", "skipped-file", "not a regular file"),
    ("app/bad_name_\\xff\\xfe.py", "skipped-file", "UTF-8"),
])
def test_each_odd_file_yields_a_note(hostile: tuple[Path, Any, dict[str, Any]], path: str, kind: str, words: str) -> None:
    notes = notes_by_path(hostile[2]).get(path, [])
    assert [n for n in notes if n["kind"] == kind and words in n["message"]], notes


@pytest.mark.parametrize("path", ["app/with space.py", "app/new\nline.py", "app/caf\u00e9_\u65e5\u672c.py",
                                  "app/deep_but_parses.py"])
def test_odd_names_and_deep_files_are_scanned(hostile: tuple[Path, Any, dict[str, Any]], path: str) -> None:
    from readiness.outputs import one_line

    hits = _findings_at(hostile[2], one_line(path))  # a line break in a name is shown escaped, never raw
    assert [f for f in hits if f["check"] == "print-call" and f["line"] >= 1], hostile[2]["findings"]


def test_nothing_outside_the_root_is_read(hostile: tuple[Path, Any, dict[str, Any]]) -> None:
    _, proc, doc = hostile
    assert OUTSIDE_MARKER not in proc.stdout + proc.stderr
    paths = {f["path"] for f in doc["findings"]}
    assert not [p for p in paths if p.startswith(("app/outside_dir", "app/sub/"))], paths
    assert "app/outside_link.py" not in paths


def test_symlink_inside_the_root_is_kept(hostile: tuple[Path, Any, dict[str, Any]]) -> None:
    assert "app/inside_link.py" not in notes_by_path(hostile[2])


def test_config_symlinked_outside_the_root_is_refused(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"readiness.yaml": f"{OUTSIDE_MARKER}: 1\n"})
    root = write_tree(tmp_path / "repo", {"app/a.py": "x = 1\n"})
    (root / "readiness.yaml").symlink_to(outside / "readiness.yaml")
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-cache", "--no-history")
    assert proc.returncode == 2, proc.stdout
    assert OUTSIDE_MARKER not in proc.stdout + proc.stderr
    assert "outside" in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr


def test_twenty_megabyte_module(big_module_repo: Path) -> None:
    _, doc = scan_cli(big_module_repo)
    notes = notes_by_path(doc).get("app/generated.py", [])
    assert [n for n in notes if n["kind"] == "skipped-file" and "larger than" in n["message"]], notes
    assert [f for f in doc["findings"] if f["path"] == "app/small.py" and f["check"] == "print-call"]


@pytest.mark.slow
def test_ten_thousand_tiny_files(many_files_repo: Path) -> None:
    _, doc = scan_cli(many_files_repo)
    assert doc["target"]["files"] == MANY_FILES
    assert doc["target"]["lines"] == MANY_FILES
    prints = [f for f in doc["findings"] if f["check"] == "print-call"]
    assert [f["path"] for f in prints] == ["app/pkg000/m000.py"]


def _unprivileged_prefix(probe: Path) -> list[str] | None:
    """As root, permission bits do not block reads: drop the capabilities that bypass them (setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    try:
        blocked = subprocess.run([*prefix, "cat", str(probe)], capture_output=True, timeout=30).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return None
    return prefix if blocked else None


def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        "app/locked.py": "print('locked')\n",
        "app/closed/inner.py": "print('inner')\n",
        "app/open.py": "print('open')\n",
    })
    (root / "app" / "locked.py").chmod(0)
    (root / "app" / "closed").chmod(0)
    try:
        prefix = _unprivileged_prefix(root / "app" / "locked.py")
        if prefix is None:
            pytest.skip("running as root without setpriv able to drop CAP_DAC_OVERRIDE: permissions cannot block reads")
        _, doc = scan_cli(root, prefix=prefix)
    finally:
        (root / "app" / "closed").chmod(0o755)
        (root / "app" / "locked.py").chmod(0o644)
    notes = notes_by_path(doc)
    assert [n for n in notes.get("app/locked.py", []) if n["kind"] == "read-error"], doc["notes"]
    assert [n for n in notes.get("app/closed", []) if n["kind"] == "read-error"], doc["notes"]
    assert [f["path"] for f in doc["findings"] if f["check"] == "print-call"] == ["app/open.py"]
