"""A hostile repository costs bounded time and memory: every file read is capped, every parse budgeted.

Each attack runs the real CLI on a small repository built in tmp_path, under ``prlimit`` where
available so that a regression fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import run_cli, write_tree
from support import notes_by_path, scan_cli

from readiness.discovery import discover

GIB = 1024 * 1024 * 1024
GUARD = ["prlimit", f"--as={6 * GIB}", "--"] if shutil.which("prlimit") else None
SERVICE = {"app/__init__.py": "", "app/main.py": "print('hello')  # a finding that must survive\n"}


def _timed_scan(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> tuple[float, dict]:  # type: ignore[type-arg]
    started = time.monotonic()
    _proc, doc = scan_cli(root, "--jobs", "1", *args, env=env, timeout=timeout, prefix=GUARD)
    return time.monotonic() - started, doc


def _has_print_finding(doc: dict) -> bool:  # type: ignore[type-arg]
    return any(f["path"] == "app/main.py" and f["check"] == "print-call" for f in doc["findings"])


# -- .gitignore -----------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_gitignore_symlinked_to_dev_zero_or_a_fifo_is_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {**SERVICE, "sub/x.py": "x = 1\n", "other/y.py": "y = 2\n"})
    (tmp_path / ".gitignore").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "sub" / ".gitignore")  # nobody ever writes: an open() for reading blocks forever
    (tmp_path / "other" / ".gitignore").write_bytes(b"*.log\n" * 400_000)  # 2.4 MB: over the cap
    seconds, doc = _timed_scan(tmp_path)
    assert seconds < 30
    assert {"sub/x.py", "other/y.py"} <= {f["path"] for f in doc["findings"]} | set(_listed(tmp_path))
    notes = notes_by_path(doc)
    assert any("symlink" in n["message"] for n in notes[".gitignore"])
    assert any("not a regular file" in n["message"] for n in notes["sub/.gitignore"])
    assert any("larger than" in n["message"] for n in notes["other/.gitignore"])
    assert _has_print_finding(doc)


def _listed(root: Path) -> list[str]:
    return discover(root).files


def test_gitignore_pattern_cannot_backtrack(tmp_path: Path) -> None:
    # 27 bytes of pattern; pathspec's regex takes 17 s on a 40-character name and doubles per character
    write_tree(tmp_path, {**SERVICE, ".gitignore": "a*a*a*a*a*a*a*a*a*a*a*b\n"})
    for length in (60, 120, 200):
        (tmp_path / ("a" * length)).write_text("", encoding="utf-8")
    (tmp_path / ("a" * 80 + "b")).write_text("", encoding="utf-8")
    seconds, doc = _timed_scan(tmp_path)
    assert seconds < 30
    files = _listed(tmp_path)
    assert "a" * 200 in files and "a" * 80 + "b" not in files
    assert doc["target"]["files"] == len(files)


GIT_PATTERNS = [
    "foo/**", "**/foo", "a/**/b", "foo", "foo/", "/foo", "a/b", "*.py", "!keep.py", "build", "!build/keep", "a**b",
    "[a-c]", "[!a-c]", "**", "*", "a/*", "a/", "**/", "foo/*/", "a?c", "a/**/", "*/", "foo/**/", "!foo", "a/b/",
    "*.txt", "doc/*.txt", "doc/**/*.txt", "*/b", "a/*/c", "?", "[a-z]*", "*[0-9]", "x*y*z", "/a/b/", "**/b/**",
    "b/**/", "a/b/**/c/d", "!a/**", "!*/", "[a-c]/**", "!*.py", "!doc/", "!b", "q", "\\!x", "[]a]",
]
GIT_FILES = [
    "foo/keep.py", "a/b/foo/x", "a/x/y/b", "x/foo/y", "foo/bar", "x/a/b", "keep.py", "build2/keep", "axxb", "b/x/y",
    "doc/a.txt", "doc/x/a.txt", "doc/x/y/a.txt", "a/q/c", "z9", "xyz", "xaybz", "a/b/c/d", "a/b/z/c/d", "q/b/k.py",
    "a/c", "p/q", "m.py", "!x", "]",
]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignore_matching_agrees_with_git(tmp_path: Path) -> None:
    """The linear-time matcher keeps gitignore semantics: same files as ``git ls-files --others --exclude-standard``."""
    rng = random.Random(7)
    for trial in range(60):
        root = tmp_path / str(trial)
        write_tree(root, dict.fromkeys(GIT_FILES, ""))
        patterns = rng.sample(GIT_PATTERNS, rng.randint(1, 4))
        (root / ".gitignore").write_text("\n".join(patterns) + "\n", encoding="utf-8")
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-o", "--exclude-standard"],
                                check=True, capture_output=True, text=True).stdout.split()
        assert sorted(listed) == _listed(root), patterns


# -- YAML, JSON, TOML -------------------------------------------------------------------------

def _alias_bomb() -> str:
    lines = ['.l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        lines.append(f".l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
    lines.append("bomb:\n  script: *l8\n  rules: *l8")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    bomb = _alias_bomb()
    assert len(bomb) < 600
    write_tree(tmp_path, {**SERVICE, ".gitlab-ci.yml": bomb, "k8s/bomb.yaml": "apiVersion: v1\nkind: List\n" + bomb})
    seconds, doc = _timed_scan(tmp_path)
    assert seconds < 30
    assert "expands to more than" in json.dumps(doc)  # checks mention the file they could not read
    assert _has_print_finding(doc)


def test_nested_and_bloated_documents_do_not_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **SERVICE,
        "pyproject.toml": "[project]\nname = 'x'\ndependencies = " + "[" * 50_000 + "]" * 50_000 + "\n",
        "Pipfile": "[packages]\n" + "".join(f"p{i} = '*'\n" for i in range(250_000)),
        "noxfile.py": "x = " + "(" * 100_000 + ")" * 100_000 + "\n",
        "Dockerfile": "FROM python\nRUN " + "[" * 100_000 + "]" * 100_000 + "\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  x:\n    steps: " + "[" * 20_000 + "]" * 20_000 + "\n",
    })
    seconds, doc = _timed_scan(tmp_path)
    assert seconds < 60
    assert _has_print_finding(doc)


# -- Python sources -------------------------------------------------------------------------

def test_huge_list_literal_is_skipped_with_a_note(tmp_path: Path) -> None:
    write_tree(tmp_path, {**SERVICE, "app/data.py": "DATA = [" + "1, " * (7 * 1024 * 1024 // 3) + "]\n"})
    seconds, doc = _timed_scan(tmp_path, timeout=120)
    assert seconds < 30  # it took 66 s and 2.4 GB before
    notes = notes_by_path(doc)["app/data.py"]
    assert any("too many syntax elements" in n["message"] for n in notes)
    assert _has_print_finding(doc)


def test_memory_limit_costs_only_the_hostile_file(tmp_path: Path) -> None:
    # Under the syntax budget, but needing ~400 MB to parse: over a 300 MB limit in its worker.
    write_tree(tmp_path, {**SERVICE, "app/table.py": "TABLE = [" + "1, " * 420_000 + "]\n"})
    _seconds, doc = _timed_scan(tmp_path, env={"READINESS_MEMORY_LIMIT_MB": "300"}, timeout=120)
    notes = notes_by_path(doc)["app/table.py"]
    assert any("memory" in n["message"] for n in notes), notes
    assert _has_print_finding(doc)


# -- the history store ------------------------------------------------------------------------

def _planted_text(store: Path) -> None:
    store.write_text("not a database\n" * 100, encoding="utf-8")


def _planted_other_tables(store: Path) -> None:
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE secrets (value TEXT)")
        db.execute("INSERT INTO secrets VALUES ('x')")


def _planted_wrong_types(store: Path) -> None:
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, target BLOB, generated_at INTEGER, "
                   "overall TEXT, blockers TEXT, summary INTEGER)")
        db.execute("INSERT INTO scans (target, generated_at, overall, blockers, summary) VALUES (?, 1, 'x', 'y', 42)",
                   (str(store.parent.parent.resolve()),))


def _planted_bad_rows(store: Path) -> None:
    """The right schema, rows of the wrong shape: each must be skipped, not crash a report."""
    from readiness.history import SCHEMA

    with sqlite3.connect(store) as db:
        db.executescript(SCHEMA)
        target = str(store.parent.parent.resolve())
        for summary in (42, "[1, 2]", json.dumps({"generated_at": 1}), json.dumps({"overall": None}), "{" * 100_000):
            db.execute("INSERT INTO scans (target, generated_at, overall, blockers, summary) VALUES (?, 'x', 1.0, 0, ?)",
                       (target, summary))


@pytest.mark.parametrize("plant", [_planted_text, _planted_other_tables, _planted_wrong_types, _planted_bad_rows])
def test_planted_history_store_never_breaks_a_scan(tmp_path: Path, plant: object) -> None:
    write_tree(tmp_path, SERVICE)
    store = tmp_path / ".readiness" / "history.sqlite"
    store.parent.mkdir()
    plant(store)  # type: ignore[operator]
    warnings = []
    for _ in range(2):
        proc = run_cli("scan", str(tmp_path), "--no-live", "--format", "markdown", env={"XDG_CACHE_HOME": str(tmp_path / "h")})
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
        warnings.append(proc.stderr)
    history = run_cli("history", str(tmp_path), "--json")
    assert history.returncode == 0, history.stderr
    assert len(json.loads(history.stdout)) == 2  # both scans recorded in a fresh store
    with sqlite3.connect(store) as db:
        assert [row[1] for row in db.execute("PRAGMA table_info(scans)")][-1] == "summary"
    if plant is not _planted_bad_rows:
        aside = [p.name for p in store.parent.iterdir() if p.name.startswith("history.sqlite.invalid-")]
        assert len(aside) == 1, sorted(p.name for p in store.parent.iterdir())
        assert "set aside" in warnings[0] and "set aside" not in warnings[1]


def test_history_store_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    (tmp_path / ".readiness").mkdir()
    os.mkfifo(tmp_path / ".readiness" / "history.sqlite")
    proc = subprocess.run(
        [sys.executable, "-m", "readiness", "scan", str(tmp_path), "--no-live", "--quiet"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}, "XDG_CACHE_HOME": str(tmp_path / "h")},
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr


# -- the checks' own text patterns ---------------------------------------------------------------

def test_check_patterns_cannot_backtrack(tmp_path: Path) -> None:
    # Each text below took a check's pattern minutes or more before it was rewritten: a restore script's name
    # searched in a long hyphenated word (cubic), a SQLite cache told by one pattern over a long line, and a
    # shell fallback whose blanks could match a run of newlines two ways (both quadratic).
    write_tree(tmp_path, {
        **SERVICE,
        "app/store.py": "import sqlite3\n\nDB = sqlite3.connect('data.db')\nDB.execute('create table items (id int)')\n"
                        "NOTE = '" + "cache " * 40_000 + "'\n",
        "app/restore.py": "def restore_everything():\n    name = '" + "restore-" * 2_000 + "'\n    return name\n",
        "docker-entrypoint.sh": '#!/bin/sh\nif [ -z "$SECRET_KEY" ]' + "\n" * 200_000 + "then\n  SECRET_KEY=x\nfi\n",
    })
    seconds, doc = _timed_scan(tmp_path)
    assert seconds < 30
    assert _has_print_finding(doc)
    assert {c["id"]: c["status"] for c in doc["checks"]}["restore-procedure"] != "error"
