"""Files this Python cannot parse because they use newer syntax are counted and announced, never silently dropped."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import run_cli, write_tree

from readiness.newer_syntax import newer_interpreter

NEWER = {
    "app/fstrings.py": "def label(d):\n    return f\"{d[\"name\"]}: {d[\"count\"]}\"\n",
    "app/nested.py": "def row(r):\n    return f\"{r[\"id\"]}\"\n",
    "app/py2.py": "print 'python 2 is not newer syntax'\n",
    "app/ok.py": "import logging\n\nlog = logging.getLogger(__name__)\n",
}


NO_NEWER = {"READINESS_NEWER_PYTHON": "off"}  # no newer interpreter may read them instead


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter reads 3.12 syntax")
def test_newer_syntax_marks_the_result_partial_in_every_human_report(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", NEWER)
    proc = run_cli("scan", str(root), "--no-history", "--format", "json", env=NO_NEWER)
    doc = json.loads(proc.stdout)
    assert doc["partial"] is True
    assert doc["unread"]["files"] == 2 and doc["unread"]["python"] == "3.12"  # not the Python 2 file
    for fmt in ("terminal", "markdown", "html"):
        out = run_cli("scan", str(root), "--no-history", "--format", fmt, env=NO_NEWER).stdout
        assert "2 Python files were not read" in out and "Python 3.12" in out, fmt
        if fmt == "markdown":
            assert out.index("Partial result") < out.index("Overall readiness")


def test_a_complete_result_says_nothing_of_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app/ok.py": NEWER["app/ok.py"]})
    proc = run_cli("scan", str(root), "--no-history", "--format", "json")
    doc = json.loads(proc.stdout)
    assert "partial" not in doc and "unread" not in doc


@pytest.mark.skipif(newer_interpreter("3.12") is None or sys.version_info >= (3, 12),
                    reason="needs a Python >= 3.12 beside an older running one")
def test_a_newer_interpreter_on_the_machine_reads_them(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        **NEWER,
        "app/generics.py": ("import requests\n\ntype Pair[K, V] = tuple[K, V]\n\n\ndef first[T](items: list[T]) -> T:\n"
                            "    print('first')  # TODO: remove\n    requests.get('http://api.internal/x')\n"
                            "    return items[0]\n"),
    })
    doc = json.loads(run_cli("scan", str(root), "--no-history", "--format", "json", "--no-live",
                             "--select", "print-call,todo-comment,missing-timeout").stdout)
    assert "partial" not in doc
    found = {(f["check"], f["path"], f["line"]) for f in doc["findings"]}
    assert found == {("print-call", "app/generics.py", 7),
                     ("todo-comment", "app/generics.py", 7), ("missing-timeout", "app/generics.py", 8)}
    # Python 2 code is still an ordinary syntax error, never handed to another interpreter.
    assert [n["path"] for n in doc["notes"] if n["kind"] == "parse-error"] == ["app/py2.py"]


@pytest.mark.skipif(newer_interpreter("3.14") is not None or sys.version_info >= (3, 14),
                    reason="a Python 3.14 on this machine reads it")
def test_syntax_no_interpreter_here_reads_is_announced(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        "app/templates.py": "def page(name):\n    return t'<p>{name}</p>'\n",
        "app/rows.py": "def row(name):\n    return t'<td>{name}</td>'\n",
        "app/ok.py": NEWER["app/ok.py"],
    })
    doc = json.loads(run_cli("scan", str(root), "--no-history", "--format", "json", "--no-live").stdout)
    assert doc["partial"] is True
    assert doc["unread"]["files"] == 2 and doc["unread"]["python"] == "3.14"


@pytest.mark.skipif(sys.version_info >= (3, 12) or os.name != "posix", reason="needs 3.12 syntax to be newer, and POSIX")
def test_the_scanned_tree_never_chooses_the_interpreter(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app/fstrings.py": NEWER["app/fstrings.py"]})
    marker = tmp_path / "ran"
    for name in ("python3.12", "python3.13", "python3.14"):
        fake = root / name
        fake.write_text(f"#!/bin/sh\ntouch {marker}\necho 3 13\n")
        fake.chmod(0o755)
    home = tmp_path / "home"  # no pyenv or uv interpreters to fall back on
    env = {"PATH": ".::bin:/usr/bin:/bin", "HOME": str(home), "PYENV_ROOT": str(home / "pyenv"),
           "XDG_DATA_HOME": str(home / "share")}
    doc = json.loads(run_cli("scan", ".", "--no-history", "--format", "json", "--no-live", cwd=root, env=env).stdout)
    doc2 = json.loads(run_cli("scan", ".", "--no-history", "--format", "json", "--no-live", "--no-cache", cwd=root,
                              env={**env, "READINESS_NEWER_PYTHON": "python3.13"}).stdout)
    assert not marker.exists()
    assert doc["partial"] is True and doc2["partial"] is True


def test_excepts_and_type_parameters_are_read_without_a_newer_interpreter(tmp_path: Path) -> None:
    """PEP 758 excepts and PEP 695 type parameters mean to the checks what their older spellings do: the file is
    read, findings keep their lines, and the result is complete."""
    root = write_tree(tmp_path / "repo", {
        "app/generics.py": ("import requests\n\ntype Pair[K, V] = tuple[K, V]\n\n\ndef first[T](items: list[T]) -> T:\n"
                            "    print('first')  # TODO: remove\n    requests.get('http://api.internal/x')\n"
                            "    return items[0]\n"),
        "app/excepts.py": ("def load(path):\n    try:\n        return open(path).read()\n"
                           "    except OSError, Exception:\n        pass\n"),
    })
    doc = json.loads(run_cli("scan", str(root), "--no-history", "--format", "json", "--no-live", "--select",
                             "print-call,todo-comment,missing-timeout,swallowed-exception", env=NO_NEWER).stdout)
    assert "partial" not in doc
    assert not [n for n in doc["notes"] if n["kind"] == "parse-error"]
    found = {(f["check"], f["path"], f["line"]) for f in doc["findings"]}
    assert {("print-call", "app/generics.py", 7), ("todo-comment", "app/generics.py", 7),
            ("missing-timeout", "app/generics.py", 8)} <= found
    assert any(c == "swallowed-exception" and p == "app/excepts.py" and line == 4 for c, p, line in found)
