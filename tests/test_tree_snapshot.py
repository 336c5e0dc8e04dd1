"""A rescan lists the tree from its snapshot only while that gives what a walk would give:
files added, removed, renamed or newly ignored, and content that decides whether a file is
analysed, are all seen; and the result is the one a scan without a cache prints."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness.analysis import MAX_SYNTAX_ESTIMATE
from readiness.fileindex import FINE_RACY_NS, RACY_NS

ONLY = ("--select", "todo-comment")


def _scan(root: Path, *args: str) -> dict:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-history", *ONLY, *args)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return doc


def _settle(root: Path) -> None:
    """Wait out the clock tick: a tree changed within it is walked, not kept (readiness.fileindex)."""
    fine = root.stat().st_mtime_ns % 1_000_000_000 != 0
    time.sleep((FINE_RACY_NS if fine else RACY_NS) / 1e9 + 0.15)


def _same_as_uncached(root: Path) -> dict:
    warm = _scan(root)
    assert warm == _scan(root, "--no-cache")
    return warm


def _todos(doc: dict) -> list[str]:
    return sorted(f["path"] for f in doc["findings"] if f["check"] == "todo-comment")


def _snapshot(root: Path) -> Path:
    (found,) = (root / ".readiness" / "cache").glob("tree-*.json")
    return found


def _primed(root: Path) -> dict:
    """Scanned with a snapshot stored: the first scan also makes the root's .readiness folder."""
    _settle(root)
    _scan(root)
    _settle(root)
    doc = _scan(root)
    assert _snapshot(root).is_file()
    return doc


def test_unchanged_tree_is_answered_from_the_snapshot(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "# TODO: one\n", "app/util/helpers.py": "x = 1\n", "README.md": "hi\n"})
    first = _primed(tmp_path)
    stamp = _snapshot(tmp_path).stat().st_mtime_ns
    assert _same_as_uncached(tmp_path) == first
    assert _snapshot(tmp_path).stat().st_mtime_ns == stamp  # read, not rewritten
    assert first["target"]["files"] == 3


def test_added_removed_and_renamed_files_are_seen(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n", "app/deep/er/mod.py": "y = 2\n"})
    _primed(tmp_path)
    (tmp_path / "app" / "deep" / "er" / "new.py").write_text("# TODO: added\n", encoding="utf-8")
    assert _todos(_same_as_uncached(tmp_path)) == ["app/deep/er/new.py"]
    _primed(tmp_path)
    os.rename(tmp_path / "app" / "deep" / "er" / "new.py", tmp_path / "app" / "deep" / "moved.py")
    assert _todos(_same_as_uncached(tmp_path)) == ["app/deep/moved.py"]
    _primed(tmp_path)
    (tmp_path / "app" / "deep" / "moved.py").unlink()
    doc = _same_as_uncached(tmp_path)
    assert _todos(doc) == [] and doc["target"]["files"] == 2


def test_a_gitignore_edited_in_place_is_read_again(tmp_path: Path) -> None:
    write_tree(tmp_path, {".gitignore": "build_out/\n", "app/main.py": "# TODO: kept\n",
                          "app/generated.py": "# TODO: ignored later\n"})
    assert _todos(_primed(tmp_path)) == ["app/generated.py", "app/main.py"]
    with open(tmp_path / ".gitignore", "a", encoding="utf-8") as handle:  # same folder entry, new content
        handle.write("app/generated.py\n")
    assert _todos(_same_as_uncached(tmp_path)) == ["app/main.py"]


def test_a_file_grown_past_the_analysis_limit_in_place_is_judged_again(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "# TODO: small\n", "app/data.py": "# TODO: data\n"})
    assert _todos(_primed(tmp_path)) == ["app/data.py", "app/main.py"]
    huge = "# TODO: data\nVALUES = [" + "1," * (MAX_SYNTAX_ESTIMATE + 10) + "]\n"
    with open(tmp_path / "app" / "data.py", "w", encoding="utf-8") as handle:
        handle.write(huge)
    doc = _same_as_uncached(tmp_path)
    assert _todos(doc) == ["app/main.py"]
    assert any(n["path"] == "app/data.py" and "too many syntax elements" in n["message"] for n in doc["notes"])
    _primed(tmp_path)
    with open(tmp_path / "app" / "data.py", "w", encoding="utf-8") as handle:
        handle.write("# TODO: data\n")
    assert _todos(_same_as_uncached(tmp_path)) == ["app/data.py", "app/main.py"]


def test_a_tree_with_a_symlink_is_always_walked(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "x = 1\n", "lib/real.py": "# TODO: linked\n"})
    (tmp_path / "app" / "link.py").symlink_to(tmp_path / "lib" / "real.py")
    _settle(tmp_path)
    _scan(tmp_path)
    _settle(tmp_path)
    _scan(tmp_path)
    assert not list((tmp_path / ".readiness" / "cache").glob("tree-*.json"))
    assert _todos(_same_as_uncached(tmp_path)) == ["app/link.py", "lib/real.py"]
