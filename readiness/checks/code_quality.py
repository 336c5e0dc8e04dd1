"""Code quality checks: comments that mark unfinished work, and print() in service code."""

from __future__ import annotations

import ast
import fnmatch
import re
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.fix.shapes import print_fixable
from readiness.measures import Density
from readiness.paths import is_script_path, is_test_path
from readiness.project import Project
from readiness.source import SourceFile


class TodoComment(Check):
    id = "todo-comment"
    category = "code-quality"
    severity = "low"
    effort = "1-2d"
    title = "TODO/FIXME comments"
    rationale = (
        "Each TODO, FIXME, XXX or HACK comment marks work someone decided was unfinished. In a "
        "service headed for production they hide known bugs and shortcuts that nobody tracks."
    )
    remediation = (
        "Finish the work, or move it to the issue tracker and delete the comment (link the issue "
        "if the code must say why it looks the way it does)."
    )
    scoring = "Density: comments per 1 000 lines of Python; 0% at `zero_at` (default 10)."
    options = {"tags": ["TODO", "FIXME", "XXX", "HACK"], "zero_at": 10.0}
    needles = ("TODO", "FIXME", "XXX", "HACK")
    examples = (
        bad("def charge(order):\n    # TODO: handle refunds\n    return order.total\n", lines=(2,)),
        bad("total = price * qty  # FIXME rounding\n", lines=(1,), note="after code on the same line"),
        bad("# XXX: remove before launch\n# HACK around the broken SDK\nx = 1\n", findings=2),
        good('MESSAGE = "TODO: list is empty"\n', note="inside a string"),
        good('def f():\n    """TODO: this docstring is not a comment."""\n', note="inside a docstring"),
        good("# todos are tracked in the issue tracker\nTODOS = []\n", note="not the tag as a word"),
        good("# FIXMEPLEASE is not a tag\n"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        tags = "|".join(re.escape(t) for t in options.get("tags", self.options["tags"]))
        pattern = re.compile(rf"(?<![\w-])({tags})(?![\w-])")
        out = FileOutcome()
        for comment in source.comments:
            match = pattern.search(comment.text)
            if match is None or "readiness: ignore" in comment.text:
                continue
            text = comment.text.lstrip("#").strip()
            if len(text) > 80:
                text = text[:77] + "..."
            out.hits.append(Hit(comment.line, comment.column + match.start(), f"{match.group(1)} comment: {text}"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        noun = "TODO/FIXME comment" if count == 1 else "TODO/FIXME comments"
        return Verdict(
            Density(count, project.lines, "TODO/FIXME comments", float(options["zero_at"])),
            summary=f"{count} {noun}",
        )


def _is_main_guard(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, *test.comparators]
    has_name = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return has_name and has_main


_CLI_DECORATORS = ("command", "callback", "group", "main")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


def _binds_print(scope: ast.AST) -> bool:
    """Whether ``print`` is bound as a local name in this scope (def, assignment, import, arg)."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if any(a is not None and a.arg == "print" for a in every):
            return True
    body = getattr(scope, "body", [])
    if not isinstance(body, list):
        return False
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == "print":
                return True
            continue  # nested scopes bind their own names
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name) == "print" for alias in node.names):
                return True
        elif isinstance(node, ast.Name) and node.id == "print" and isinstance(node.ctx, ast.Store):
            return True
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


class PrintCall(Check):
    id = "print-call"
    category = "code-quality"
    severity = "medium"
    effort = "1d"
    title = "print() in service code"
    rationale = (
        "print() writes unstructured text to stdout with no level, timestamp or request context; "
        "in a container it is often lost, interleaved or buffered. Services log instead."
    )
    remediation = (
        "Use a module logger: `logger = logging.getLogger(__name__)` and `logger.info(...)`. "
        "print() stays fine in tests, scripts, `__main__` blocks and CLI commands (list CLI "
        "modules in the `cli_modules` option)."
    )
    scoring = "Density: calls per 1 000 lines of application code; 0% at `zero_at` (default 5)."
    options = {"cli_modules": [], "zero_at": 5.0}
    needles = ("print",)
    fixable = True
    examples = (
        bad('def create(order):\n    print("creating", order)\n    return order\n', lines=(2,)),
        bad("print('starting up')\nx = [print(i) for i in range(3)]\n", findings=2),
        good('if __name__ == "__main__":\n    print("usage: service PORT")\n', note="__main__ block"),
        good('def test_it():\n    print("debug")\n', path="tests/test_orders.py", note="in tests"),
        good('print("migrating")\n', path="scripts/migrate.py", note="in a script"),
        good("def print(*a):\n    pass\n\nprint('shadowed')\n", note="a local function named print"),
        good("log.print('x')\nself.printer.print(1)\n", note="an attribute named print"),
        good("from rich import print\nprint('[b]hi[/b]')\n", note="an imported print is not the built-in"),
        good('import typer\napp = typer.Typer()\n\n@app.command()\ndef hello():\n    print("hi")\n',
             note="a CLI command"),
        good('def main():\n    print("done")\n\nif __name__ == "__main__":\n    main()\n',
             note="the function the __main__ block runs"),
        Example({"app/cli.py": 'print("table")\n'}, findings=0, options={"cli_modules": ["app/cli.py"]},
                note="a configured CLI module"),
        good('MSG = "print(x)"\n# print(debug)\n', note="in a string and a comment"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if is_test_path(source.path) or is_script_path(source.path):
            return None
        if any(fnmatch.fnmatch(source.path, glob) for glob in options.get("cli_modules", [])):
            return None
        out = FileOutcome()
        calls = [
            n for n in source.nodes(ast.Call)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        ]
        if not calls:
            return out
        assert source.tree is not None
        main_called = _names_called_in_main(source.tree)
        binds: dict[int, bool] = {}
        for call in calls:
            if self._excused(source, call, main_called, binds):
                continue
            out.hits.append(Hit(call.lineno, call.col_offset + 1, "print() call; use a logger", fixable=print_fixable(call)))
        return out

    def _excused(
        self, source: SourceFile, call: ast.Call, main_called: set[str], binds: dict[int, bool],
    ) -> bool:
        for ancestor in source.ancestors(call):
            if _is_main_guard(ancestor):
                return True
            if isinstance(ancestor, _SCOPES):
                if id(ancestor) not in binds:
                    binds[id(ancestor)] = _binds_print(ancestor)
                if binds[id(ancestor)]:
                    return True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if ancestor.name in main_called:
                    return True
                for deco in ancestor.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    if isinstance(target, ast.Attribute) and target.attr in _CLI_DECORATORS:
                        return True
        return False

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        noun = "print() call" if count == 1 else "print() calls"
        return Verdict(
            Density(count, project.app_lines, "print() calls", float(options["zero_at"])),
            summary=f"{count} {noun}",
        )


def _names_called_in_main(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        if _is_main_guard(stmt):
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    names.add(node.func.id)
    return names


CHECKS: list[type[Check]] = [TodoComment, PrintCall]
