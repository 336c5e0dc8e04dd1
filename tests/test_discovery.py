from __future__ import annotations

import os
from pathlib import Path

from helpers import write_tree

from readiness.discovery import discover


def test_skips_default_dirs_and_gitignore(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/a.py": "", "app/gen/b.py": "", ".venv/lib/c.py": "", "node_modules/x/d.py": "",
        "build/e.py": "", ".git/f.py": "", "pkg.egg-info/g.py": "", "app/__pycache__/h.py": "",
        "myenv/pyvenv.cfg": "", "myenv/lib/i.py": "", ".gitignore": "app/gen/\n*.log\n",
        "app/x.log": "", "app/sub/.gitignore": "local.py\n", "app/sub/local.py": "", "app/sub/kept.py": "",
    })
    found = discover(tmp_path).files
    assert found == [".gitignore", "app/a.py", "app/sub/.gitignore", "app/sub/kept.py"]


def test_include_and_exclude(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "", "app/b.py": "", "docs/c.md": "", "migrations/m.py": ""})
    found = discover(tmp_path, include=["app/**", "migrations/**"], exclude=["migrations/"]).files
    assert found == ["app/a.py", "app/b.py"]


def test_gitignore_can_be_ignored(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "b.py": "", ".gitignore": "b.py\n"})
    assert "b.py" in discover(tmp_path, respect_gitignore=False).files


def test_symlinks_never_leave_the_root_or_loop(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    write_tree(outside, {"secret.py": "x = 1\n"})
    write_tree(root, {"app/a.py": ""})
    os.symlink(outside, root / "app" / "escape")
    os.symlink(outside / "secret.py", root / "app" / "secret_link.py")
    os.symlink(root / "app", root / "app" / "loop")
    os.symlink(root / "app" / "a.py", root / "app" / "inner_link.py")
    os.symlink(root / "nowhere", root / "app" / "broken.py")
    result = discover(root)
    assert result.files == ["app/a.py", "app/inner_link.py"]
    kinds = {(n.path, n.message) for n in result.notes}
    assert ("app/secret_link.py", "symlink points outside the root") in kinds
    assert ("app/broken.py", "broken or looping symlink") in kinds
