"""Small AST helpers: what a dotted name refers to given a module's imports.

One-module analysis only: ``from requests import get`` makes ``get(...)`` resolve to
``requests.get``; ``import requests as r`` makes ``r.post`` resolve to ``requests.post``.
Names bound any other way resolve to nothing, so callers never guess.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

from readiness.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from readiness.source import SourceFile


_WORD_RE = lazy_compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


class FieldsOf(dict[type, tuple[str, ...]]):
    """Per node type, the fields ``keep`` accepts, worked out the first time a type is looked up: a walk's
    hot loop reads the table as a plain dict."""

    def __init__(self, keep: Callable[[str], bool]) -> None:
        super().__init__()
        self.keep = keep

    def __missing__(self, kind: type) -> tuple[str, ...]:
        names = self[kind] = tuple(f for f in kind._fields if self.keep(f))
        return names


# Fields holding the parser's shared singletons (expression contexts, operators) or plain values.
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "module", "level", "kind", "type_comment",
                           "asname", "is_async", "conversion", "simple"})
CHILD_FIELDS = FieldsOf(lambda name: name not in _NOT_CHILDREN)  # the fields that may hold other nodes


def walk(node: ast.AST) -> list[ast.AST]:
    """``list(ast.walk(node))`` in the same order (breadth first, fields in order) but for the parser's
    shared singletons (``Load``, ``Add``: no position, no one parent, a third of all nodes, which no
    caller looks for), and without a generator per node: for the checks that walk each function more
    than once."""
    found = [node]
    append, ast_type, list_type, fields = found.append, ast.AST, list, CHILD_FIELDS
    for current in found:  # grows as it goes: a queue read in order
        for name in fields[type(current)]:
            value = getattr(current, name, None)
            if isinstance(value, ast_type):
                append(value)
            elif isinstance(value, list_type):
                for item in value:
                    if isinstance(item, ast_type):
                        append(item)
    return found


_WALKED: dict[int, tuple[ast.AST, list[ast.AST]]] = {}


def walked(node: ast.AST) -> list[ast.AST]:
    """``walk(node)``, kept: a function read by many passes (a route handler's features, request taint
    followed with each seed) is walked once. Kept for the functions of the last few files only; the
    list is shared, so callers only read it."""
    entry = _WALKED.get(id(node))
    if entry is not None and entry[0] is node:  # held here, so its id names no other node meanwhile
        return entry[1]
    if len(_WALKED) >= 512:
        _WALKED.clear()
    nodes = walk(node)
    _WALKED[id(node)] = (node, nodes)
    return nodes


def name_words(name: str) -> list[str]:
    """The lower-case words of an identifier, camel case and acronyms split (``SMSProvider``: sms, provider)."""
    return [w.lower() for w in _WORD_RE.findall(name)]


def import_map(source: SourceFile) -> dict[str, str]:
    """Local name -> fully qualified name, from every import statement in the module.

    Computed once per file from the shared node index, however many checks ask.
    """
    return source.import_map


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def qualify(node: ast.AST, imports: dict[str, str]) -> str | None:
    """The qualified name an expression refers to through the imports, or None."""
    head_node = node
    while isinstance(head_node, ast.Attribute):
        head_node = head_node.value
    # most chains start at a local name (self.x.y): answered before any string is built
    if not isinstance(head_node, ast.Name) or head_node.id not in imports:
        return None
    name = dotted(node)
    assert name is not None
    head, _, rest = name.partition(".")
    base = imports[head]
    return f"{base}.{rest}" if rest else base


_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "TextChoices", "IntegerChoices", "Choices", "Flag"})


def is_enumeration(node: ast.AST | None) -> bool:
    """A class deriving from an enumeration base (``class Tag(str, Enum)``, Django's ``TextChoices``):
    its members name choices, whatever their names say (``HOST = "host"``, ``PasswordReset = "password:reset"``)."""
    return isinstance(node, ast.ClassDef) and any(
        (b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")) in _ENUM_BASES for b in node.bases)


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args)


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def str_value(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_main_guard(node: ast.AST) -> bool:
    """``if __name__ == "__main__":``."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, *test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def main_block_nodes(source: SourceFile) -> frozenset[int]:
    """ids of every node inside a top-level ``if __name__ == "__main__":`` block: code run by hand, not by the
    service. Computed once per file, whichever check asks first."""
    def compute() -> frozenset[int]:
        body = source.tree.body if source.tree is not None else []
        return frozenset(id(n) for stmt in body if is_main_guard(stmt) for n in ast.walk(stmt))
    return source.memo("main-block-nodes", compute)


def docstring_nodes(source: SourceFile) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    out: set[int] = set()
    for node in source.nodes(ast.Expr):
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            out.add(id(value))
    return out
