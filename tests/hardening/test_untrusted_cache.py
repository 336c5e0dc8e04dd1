"""The per-file cache holds JSON, never pickle, and its signing key must be one the scanned repository cannot know.

Every test runs the real CLI on a small repository built in tmp_path; the attacker forges cache
entries signed with a key of its choosing and tries to get the scan to use that key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import write_tree

SERVICE = {
    "app/__init__.py": "",
    "app/main.py": (
        "from fastapi import FastAPI\nimport os\n\napp = FastAPI()\n\n\n@app.get('/items/{item_id}')\n"
        "def read(item_id: int, q: str | None = None):\n    # TODO: cache this\n    print(item_id)\n"
        "    return {'id': item_id, 'token': os.getenv('TOKEN')}\n"
    ),
    "app/db.py": "from pymongo import MongoClient\n\nclient = MongoClient('mongodb://db', maxPoolSize=5)\norders = client.shop.orders\n",
    "app/util.py": (
        "import subprocess\n\n\ndef run(cmd):\n    try:\n        return subprocess.call(cmd, shell=True)\n"
        "    except:\n        pass\n"
    ),
    "tests/test_main.py": "def test_x():\n    assert True\n",
}
ATTACKER_KEY = b"k" * 32


def _env(cache_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "XDG_CACHE_HOME": str(cache_home)})
    return env


def _scan(root: Path, cache_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "scan", str(root), "--format", "json", "--no-live", "--no-history",
         "--jobs", "1", *args],
        env=_env(cache_home), capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _stable(stdout: str) -> str:
    doc = json.loads(stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return json.dumps(doc, sort_keys=True)


def _private_home(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".readiness" / "cache").iterdir() if not p.name.startswith("."))


def _forge(root: Path, honest_home: Path, marker: Path) -> None:
    """Replace every cache file with one signed by ATTACKER_KEY: a code-running pickle where the
    cache is pickle, else the honest entries with every finding's message rewritten."""
    for path in _cache_files(root):
        if path.suffix == ".pickle":

            class Evil:
                def __reduce__(self) -> tuple[Any, ...]:
                    return (os.system, (f"touch {marker}",))

            body = pickle.dumps({"app/main.py": Evil()})
            path.write_bytes(b"RDYC1\n" + hmac.new(ATTACKER_KEY, body, hashlib.sha256).digest() + body)
            continue
        from readiness.analysis import FileAnalysis
        from readiness.cache import seal, unseal

        honest_key = (honest_home / "readiness" / "key").read_bytes()
        entries = unseal(honest_key, path.read_bytes())
        assert entries, f"{path.name}: the honest scan wrote no readable entries"
        for rel, entry in list(entries.items()):
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], FileAnalysis):
                digest, value = entry
                value.findings = {
                    check: [dataclasses.replace(f, message="FORGED") for f in found] for check, found in value.findings.items()
                }
                entries[rel] = (digest, value)
        path.write_bytes(seal(ATTACKER_KEY, entries))


def _plant_key(directory: Path, mode: int = 0o600) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / "key"
    key.write_bytes(ATTACKER_KEY)
    key.chmod(mode)
    return key


def _assert_not_used(root: Path, attack_home: Path, clean: str, marker: Path) -> None:
    proc = _scan(root, attack_home)
    assert not marker.exists(), "a forged cache entry ran code"
    assert "FORGED" not in proc.stdout, "a forged cache entry was loaded"
    assert _stable(proc.stdout) == clean
    assert "cache off" in proc.stderr, proc.stderr


def _prepared(tmp_path: Path) -> tuple[Path, Path, str, Path]:
    root = write_tree(tmp_path / "repo", SERVICE)
    honest = _private_home(tmp_path / "honest")
    clean = _stable(_scan(root, honest, "--no-cache").stdout)
    _scan(root, honest)  # writes the cache files whose names the attacker reuses
    marker = tmp_path / "pwned"
    _forge(root, honest, marker)
    return root, honest, clean, marker


def test_cache_files_are_json_and_warm_scans_print_the_same_bytes(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", SERVICE)
    home = _private_home(tmp_path / "home")
    uncached = _stable(_scan(root, home, "--no-cache").stdout)
    cold = _scan(root, home).stdout
    warm = _scan(root, home).stdout
    assert _stable(cold) == _stable(warm) == uncached
    files = _cache_files(root)
    assert {p.name.split("-")[0] for p in files} >= {"files", "ruff", "bandit"}
    for path in files:
        assert path.suffix == ".json"
        blob = path.read_bytes()
        assert b"\n" in blob[:8]
        header, *lines = blob[blob.index(b"\n") + 1 + 32:].decode("utf-8").split("\n")
        assert json.loads(header)["classes"] is not None
        assert lines, path.name
        for line in lines:
            head, *texts = line.split("\t")
            name, _value = json.loads(head)  # every entry is plain JSON: [name, value], then its deferred values
            assert isinstance(name, str)
            assert all(isinstance(json.loads(text), list) for text in texts)
    # and the warm scan really read them: a cache the scan could not load would be rewritten
    stamps = {p.name: p.stat().st_mtime_ns for p in files}
    _scan(root, home)
    assert {p.name: p.stat().st_mtime_ns for p in _cache_files(root)} == stamps


def test_key_committed_inside_the_repository_is_refused(tmp_path: Path) -> None:
    root, _honest, clean, marker = _prepared(tmp_path)
    # CI with HOME (or XDG_CACHE_HOME) inside the checkout: the repository ships the "user" key
    _plant_key(root / ".cache" / "readiness")
    _assert_not_used(root, root / ".cache", clean, marker)


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    root, _honest, clean, marker = _prepared(tmp_path)
    home = _private_home(tmp_path / "shared")
    _plant_key(home / "readiness", mode=0o644)
    _assert_not_used(root, home, clean, marker)


def test_symlinked_key_or_key_folder_is_refused(tmp_path: Path) -> None:
    root, _honest, clean, marker = _prepared(tmp_path)
    planted = _plant_key(tmp_path / "elsewhere")
    home = _private_home(tmp_path / "linked-key")
    (home / "readiness").mkdir(mode=0o700)
    (home / "readiness" / "key").symlink_to(planted)
    _assert_not_used(root, home, clean, marker)
    folder_home = _private_home(tmp_path / "linked-folder")
    (folder_home / "readiness").symlink_to(planted.parent)
    _assert_not_used(root, folder_home, clean, marker)
