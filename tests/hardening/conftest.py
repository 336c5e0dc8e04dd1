"""Fixtures of the hardening suite: the big generated trees, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import BIG_MODULE_BYTES, MANY_FILES


@pytest.fixture(scope="session")
def big_module_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose one module is a 20 MB generated file."""
    root = tmp_path_factory.mktemp("big-module")
    (root / "app").mkdir()
    line = b"value_%07d = 'x' * 40  # generated\n"
    count = BIG_MODULE_BYTES // len(line % 0) + 1
    with (root / "app" / "generated.py").open("wb") as handle:
        handle.write(b"".join(line % i for i in range(count)))
    (root / "app" / "small.py").write_text("print('hello')\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def many_files_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of 10 000 tiny Python files in 100 packages."""
    root = tmp_path_factory.mktemp("many-files")
    for package in range(100):
        directory = root / "app" / f"pkg{package:03d}"
        directory.mkdir(parents=True)
        for module in range(MANY_FILES // 100):
            (directory / f"m{module:03d}.py").write_text(f"X = {module}\n", encoding="utf-8")
    (root / "app" / "pkg000" / "m000.py").write_text("print('one finding')\n", encoding="utf-8")
    return root
