"""Helpers for the codemod tests: scan with the real engine, fix, re-scan."""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from helpers import scan_tree, write_tree

from readiness.fix.runner import FileFix, Outcome, fix_file
from readiness.model import Finding


@dataclass
class Fixed:
    before: list[Finding]  # findings of the check before the fix
    after: list[Finding]  # findings of the check after the fix (file rewritten)
    fix: FileFix
    text: str  # the file's text after the fix (unchanged when nothing was fixed)
    data: bytes

    @property
    def outcomes(self) -> list[Outcome]:
        return self.fix.outcomes


def fix_one(
    root: Path, source: str | bytes, check: str, *, path: str = "app/service.py",
    config: Mapping[str, Any] | None = None, options: Mapping[str, Any] | None = None,
) -> Fixed:
    """Write one file, scan it with ``check``, fix what the scan marked fixable, scan again."""
    write_tree(root, {path: source})
    before = [f for f in scan_tree(root, select=[check], config=config).findings if f.check == check]
    fix = fix_file(root, path, [f for f in before if f.fixable], options)
    if fix.data is not None:
        (root / path).write_bytes(fix.data)
        compile(fix.data, path, "exec", dont_inherit=True)
    after = [f for f in scan_tree(root, select=[check], config=config).findings if f.check == check]
    data = (root / path).read_bytes()
    return Fixed(before, after, fix, fix.after if fix.data is not None else fix.before, data)


def run_module(text: str, call: str = "") -> str:
    """Execute module text (then ``call``) and return what it printed plus what it logged, as lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            namespace: dict[str, Any] = {"__name__": "fixed_module"}
            exec(compile(text, "<fixed>", "exec"), namespace)  # noqa: S102 - our own test input
            if call:
                exec(call, namespace)  # noqa: S102
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    return stream.getvalue()
