"""Results never depend on --jobs, the cache or file order; the cache cannot be planted."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness.fileindex import RACY_NS
from readiness.workers import PARALLEL_MIN_FILES


def _repo(root: Path) -> None:
    files = {}
    for i in range(PARALLEL_MIN_FILES + 20):
        files[f"pkg/mod_{i:03d}.py"] = (
            f"import os\n# TODO: item {i}\n"
            f"def f{i}():\n    print({i})\n    return os.getenv('X{i}')\n"
        )
    files["pkg/broken.py"] = "def (:\n"
    write_tree(root, files)


def _stable(stdout: str) -> str:
    doc = json.loads(stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return json.dumps(doc, sort_keys=True)


def _scan(root: Path, *args: str) -> str:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", *args)
    assert proc.returncode == 0, proc.stderr
    return _stable(proc.stdout)


def test_same_result_with_any_jobs_and_cache(tmp_path: Path) -> None:
    _repo(tmp_path)
    time.sleep(RACY_NS / 1e9 + 0.2)  # files this fresh are re-hashed and the repository phase is not stored
    serial = _scan(tmp_path, "--jobs", "1", "--no-cache")
    parallel = _scan(tmp_path, "--jobs", "2", "--no-cache")
    cold = _scan(tmp_path, "--jobs", "2")
    folder = tmp_path / ".readiness" / "cache"
    assert any(p.name.startswith("repository-") for p in folder.iterdir())
    stored = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    warm = _scan(tmp_path, "--jobs", "2")
    warm_serial = _scan(tmp_path, "--jobs", "1")
    assert serial == parallel == cold == warm == warm_serial
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stored  # answered whole, nothing rewritten
    assert json.loads(serial)["target"]["files"] == PARALLEL_MIN_FILES + 21


def test_changed_file_is_reanalysed(tmp_path: Path) -> None:
    _repo(tmp_path)
    only = ("--select", "todo-comment,print-call,sast-findings")
    first = json.loads(_scan(tmp_path, *only))
    (tmp_path / "pkg" / "mod_000.py").write_text("X = 1\n", encoding="utf-8")
    second = json.loads(_scan(tmp_path, *only))
    assert len(second["findings"]) == len(first["findings"]) - 2
    assert second == json.loads(_scan(tmp_path, "--no-cache", *only))
    (tmp_path / "pkg" / "mod_001.py").write_text("import pickle\npickle.loads(b'')\n", encoding="utf-8")
    third = json.loads(_scan(tmp_path, *only))  # bandit's cached results are refreshed for the changed file
    assert [f["code"] for f in third["findings"] if f["check"] == "sast-findings"] == ["B301"]
    assert third == json.loads(_scan(tmp_path, "--no-cache", *only))


def test_planted_cache_is_ignored(tmp_path: Path) -> None:
    _repo(tmp_path)
    clean = _scan(tmp_path, "--no-cache")
    _scan(tmp_path)
    marker = tmp_path / "pwned"
    for cached in (tmp_path / ".readiness" / "cache").iterdir():
        # A repository could ship any bytes here; a forged pickle must never be loaded.
        import os
        import pickle

        class Evil:
            def __reduce__(self):  # type: ignore[no-untyped-def]
                return (os.system, (f"touch {marker}",))

        cached.write_bytes(b"RDYC1\n" + b"\0" * 32 + pickle.dumps({"pkg/mod_000.py": Evil()}))
    assert _scan(tmp_path) == clean
    assert not marker.exists()


def test_files_whose_stat_changed_are_read_and_answered_by_content(tmp_path: Path) -> None:
    """Every file touched (a fresh checkout, a restored cache): the index knows none of them, so all are
    read in the batches sent to workers; those whose content the cache holds are answered from it."""
    _repo(tmp_path)
    time.sleep(RACY_NS / 1e9 + 0.2)
    cold = _scan(tmp_path, "--jobs", "2", "--no-cache")
    _scan(tmp_path, "--jobs", "2")
    later = time.time() + 10
    for path in sorted((tmp_path / "pkg").iterdir()):
        os.utime(path, (later, later))
    (tmp_path / "pkg" / "mod_005.py").write_text("import os\n# TODO: changed\nprint(os.getenv('Y'))\n", encoding="utf-8")
    changed = _scan(tmp_path, "--jobs", "2")
    assert changed == _scan(tmp_path, "--jobs", "1", "--no-cache") != cold
    assert json.loads(changed)["target"]["files"] == PARALLEL_MIN_FILES + 21
