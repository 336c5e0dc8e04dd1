"""Which flagged shapes the codemods can rewrite faithfully, decided on the ``ast`` tree.

The checks call these to set ``Hit.fixable`` (scans stay free of libcst) and the codemods call
them before rewriting, so "marked fixable" and "fixed" cannot disagree.
"""

from __future__ import annotations

import ast

_STREAMS = {"stdout", "stderr"}


def std_stream(node: ast.expr) -> str | None:
    """``stdout``/``stderr`` for ``sys.stdout``, ``sys.stderr`` or a bare imported name, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys":
        return node.attr if node.attr in _STREAMS else None
    if isinstance(node, ast.Name) and node.id in _STREAMS:
        return node.id
    return None


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def print_problem(call: ast.Call) -> str | None:
    """Why this print() cannot become a logger call with the same output, or None when it can."""
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return "unpacks *args (the number of values is unknown)"
    for kw in call.keywords:
        if kw.arg is None:
            return "unpacks **kwargs"
        if kw.arg == "end":
            if not (_is_none(kw.value) or (_is_str(kw.value) and kw.value.value == "\n")):  # type: ignore[attr-defined]
                return "end= changes how lines are joined"
        elif kw.arg == "sep":
            if not (_is_none(kw.value) or _is_str(kw.value)):
                return "sep= is not a literal string"
        elif kw.arg == "file":
            if std_stream(kw.value) is None and not _is_none(kw.value):
                return "file= writes to a real file"
        elif kw.arg == "flush":
            if not isinstance(kw.value, (ast.Constant, ast.Name)):
                return "flush= is an expression with possible side effects"
        else:
            return f"unknown keyword {kw.arg}="
    return None


def print_fixable(call: ast.Call) -> bool:
    return print_problem(call) is None
