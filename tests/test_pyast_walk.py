"""The list walk gives ``ast.walk``'s nodes in ``ast.walk``'s order, the parser's shared singletons aside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from readiness.source import SourceFile, _import_statements
from readiness.tools.pyast import walk, walked

SINGLETONS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
SAMPLES = [
    "x = a + b * -c if not d else [e for e in f if e in g]\n",
    "async def h(p, /, q: int = 1, *r, s, **t) -> None:\n    async with u as v:\n        await w[x:y:z]\n",
    "match m:\n    case [1, *rest] | {'k': _, **kw}:\n        pass\n    case Point(x=0) as p if p:\n        del q.r\n",
    "try:\n    raise E from F\nexcept G as e:\n    global g\nfinally:\n    print(f'{a!r:>{width}}')\n",
    "@dec\nclass C(B, metaclass=M):\n    a: int = 1\n    b += 2\n    lambda *a, **k: (yield from a)\n",
]


@pytest.mark.parametrize("text", [*SAMPLES, Path(ast.__file__).read_text(encoding="utf-8")])
def test_walk_keeps_ast_walk_order_without_the_singletons(text: str) -> None:
    tree = ast.parse(text)
    for node in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
        expected = [n for n in ast.walk(node) if not isinstance(n, SINGLETONS)]
        assert walk(node) == expected
        assert walked(node) == expected
        assert walked(node) is walked(node)


NESTED_IMPORTS = (
    "import a\nfrom . import b\nif x:\n    import c\nelse:\n    from d import e as f\n"
    "try:\n    import g\nexcept ImportError:\n    import h\nelse:\n    import i\nfinally:\n    import j\n"
    "def k():\n    import l\n    class M:\n        from ..n import o\n        async def p(self):\n"
    "            async with q:\n                import r\n            async for s in t:\n                import u\n"
    "while v:\n    import w\nfor x in y:\n    pass\nelse:\n    import z\n"
    "match m:\n    case 1:\n        import aa\n    case _:\n        from bb import *\n"
    "with cc:\n    lambda: __import__('dd')\n"
)


@pytest.mark.parametrize("text", [NESTED_IMPORTS, *SAMPLES, Path(ast.__file__).read_text(encoding="utf-8")])
def test_import_statements_are_found_without_the_node_index(text: str) -> None:
    """A file nothing else asks the node index of gets its imports from a walk of statement blocks only:
    the same imports, so the same import graph, as the index gives."""
    tree = ast.parse(text)
    expected = {id(n) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    assert {id(n) for n in _import_statements(tree)} == expected
    spared = SourceFile.from_text("pkg/sub/mod.py", text)
    indexed = SourceFile.from_text("pkg/sub/mod.py", text)
    indexed.nodes(ast.Call)  # the index built first: modules are read from it
    assert spared.modules == indexed.modules
    assert spared._buckets is None
