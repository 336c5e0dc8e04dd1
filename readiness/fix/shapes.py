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


_ENV_READS = ("os.getenv", "os.environ.get")


def _qualified(node: ast.expr, imports: dict[str, str]) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(imports.get(node.id, node.id))
    return ".".join(reversed(parts))


def _env_read_fixable(node: ast.expr, imports: dict[str, str]) -> bool:
    if not isinstance(node, ast.Call) or any(kw.arg is None for kw in node.keywords):
        return False
    if any(isinstance(a, ast.Starred) for a in node.args):
        return False
    name = _qualified(node.func, imports)
    if name == "decouple.config":
        return True
    has_var = bool(node.args) or any(kw.arg == "key" for kw in node.keywords)
    return name in _ENV_READS and has_var


def default_secret_fixable(node: ast.AST, imports: dict[str, str], owner: ast.ClassDef | None = None) -> bool:
    """Whether the default-secret codemod can drop this fallback: an ``os.getenv``/``os.environ.get``
    read (alone or ``... or "x"``), ``decouple.config``, or an annotated field of an undecorated
    pydantic settings class."""
    if isinstance(node, ast.Call):
        return _env_read_fixable(node, imports)
    if isinstance(node, ast.BoolOp):
        return isinstance(node.op, ast.Or) and len(node.values) == 2 and _env_read_fixable(node.values[0], imports) \
            and _qualified(node.values[0].func, imports) != "decouple.config"  # type: ignore[attr-defined]
    if isinstance(node, ast.AnnAssign) and owner is not None:
        return settings_model(owner)
    return False


def settings_model(cls: ast.ClassDef) -> bool:
    """A pydantic settings class: a field without a default is required, so removing one is safe."""
    if cls.decorator_list:
        return False
    for base in cls.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name in ("BaseSettings", "BaseModel"):
            return True
    return False


def swallowed_fixable(handler: ast.ExceptHandler) -> bool:
    """An ``except`` whose body only passes: the codemod replaces the ``pass`` with ``logger.exception``."""
    return bool(handler.body) and all(isinstance(stmt, ast.Pass) for stmt in handler.body)


#: Libraries whose missing or disabled timeout the codemod can add as a number of seconds.
TIMEOUT_FIXABLE_LIBRARIES = frozenset({"requests", "httpx", "urllib", "http.client", "redis"})
