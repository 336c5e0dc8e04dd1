"""Files this Python cannot parse because they use newer syntax are counted and announced, never silently dropped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import run_cli, write_tree

NEWER = {
    "app/fstrings.py": "def label(d):\n    return f\"{d[\"name\"]}: {d[\"count\"]}\"\n",
    "app/generics.py": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
    "app/py2.py": "print 'python 2 is not newer syntax'\n",
    "app/ok.py": "import logging\n\nlog = logging.getLogger(__name__)\n",
}


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this interpreter reads 3.12 syntax")
def test_newer_syntax_marks_the_result_partial_in_every_human_report(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", NEWER)
    proc = run_cli("scan", str(root), "--no-history", "--format", "json")
    doc = json.loads(proc.stdout)
    assert doc["partial"] is True
    assert doc["unread"]["files"] == 2 and doc["unread"]["python"] == "3.12"  # not the Python 2 file
    for fmt in ("terminal", "markdown", "html"):
        out = run_cli("scan", str(root), "--no-history", "--format", fmt).stdout
        assert "2 Python files were not read" in out and "Python 3.12" in out, fmt
        if fmt == "markdown":
            assert out.index("Partial result") < out.index("Overall readiness")


def test_a_complete_result_says_nothing_of_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app/ok.py": NEWER["app/ok.py"]})
    proc = run_cli("scan", str(root), "--no-history", "--format", "json")
    doc = json.loads(proc.stdout)
    assert "partial" not in doc and "unread" not in doc
