"""bandit's own example files, fetched from its source distribution for comparison tests.

The files are not committed: a session fixture downloads the sdist of the installed bandit
version once into a cache directory and extracts the examples the tests compare against.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

EXAMPLES = ("requests-missing-timeout.py", "hardcoded-passwords.py")


def cache_dir() -> Path:
    return Path(os.environ.get("READINESS_TEST_CACHE") or Path.home() / ".cache" / "readiness-tests")


def fetch_examples() -> Path:
    version = importlib.metadata.version("bandit")
    cache = cache_dir()
    target = cache / f"bandit-{version}-examples"
    if all((target / name).is_file() for name in EXAMPLES):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / f"bandit-{version}.tar.gz"
    if not sdist.is_file():
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", f"bandit=={version}", "--no-deps", "--no-binary", ":all:",
             "-d", str(cache)],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0 and sdist.is_file(), f"cannot download the bandit sdist: {proc.stderr[-2000:]}"
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as archive:
        for name in EXAMPLES:
            member = archive.extractfile(f"bandit-{version}/examples/{name}")
            assert member is not None, name
            (target / name).write_bytes(member.read())
    return target


@pytest.fixture(scope="session")
def bandit_examples() -> Path:
    """A directory holding bandit's example files for B113 and B105-B107."""
    return fetch_examples()


def run_bandit(path: Path, tests: str) -> list[dict[str, object]]:
    """bandit's own results (test id, line, text) for ``path`` with the given test ids."""
    proc = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-f", "json", "-t", tests, str(path)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return list(json.loads(proc.stdout)["results"])
