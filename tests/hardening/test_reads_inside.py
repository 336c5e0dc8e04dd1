"""Files are read inside the root only, whatever a folder turns into between two reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readiness.project import Refused, read_inside


def test_a_folder_swapped_for_a_link_out_between_two_reads_is_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "docs").mkdir(parents=True)
    outside.mkdir()
    (root / "docs" / "a.md").write_text("inside a\n")
    (root / "docs" / "b.md").write_text("inside b\n")
    (outside / "b.md").write_text("SECRET\n")
    assert read_inside(root, "docs/a.md", 1000) == b"inside a\n"  # its folder is now held open
    (root / "docs").rename(root / "moved")
    os.symlink(outside, root / "docs")
    with pytest.raises(OSError):  # the folder's path is a link now: refused, not followed, not the old folder
        read_inside(root, "docs/b.md", 1000)


def test_a_folder_replaced_between_two_reads_is_read_anew(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("old a\n")
    (root / "docs" / "b.md").write_text("old b\n")
    assert read_inside(root, "docs/a.md", 1000) == b"old a\n"
    (root / "docs").rename(root / "moved")
    (root / "docs").mkdir()
    (root / "docs" / "b.md").write_text("new b\n")
    assert read_inside(root, "docs/b.md", 1000) == b"new b\n"


def test_a_link_out_of_the_root_is_refused_next_to_a_file_just_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("inside\n")
    (tmp_path / "secret.txt").write_text("SECRET\n")
    os.symlink(tmp_path / "secret.txt", root / "docs" / "b.md")
    assert read_inside(root, "docs/a.md", 1000) == b"inside\n"
    with pytest.raises(Refused):
        read_inside(root, "docs/b.md", 1000)
