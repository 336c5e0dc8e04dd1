"""What every codemod shares: the codemod interface, the per-module facts, the rewrite context.

A codemod names the check it repairs and the libcst node type that check's findings point at;
the runner matches findings to nodes by position and calls ``rewrite`` only on those nodes.
Module-level needs (a logger, an import) are requested through ``FixContext`` and added once,
after the rewrite, by ``finish_module``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Sequence

import libcst as cst

from readiness.lazy_regex import lazy_compile

_TIMEOUT_CONST = lazy_compile(r"^_?[A-Z][A-Z0-9_]*TIMEOUT[A-Z0-9_]*$")
_LOGGER_NAMES = ("logger", "log", "_logger", "_log", "module_logger")
_TIMEOUT_NAMES = ("HTTP_TIMEOUT", "REQUEST_TIMEOUT", "HTTP_TIMEOUT_SECONDS")
# A timeout a settings object already holds: ``settings.HTTP_TIMEOUT``, ``config.request_timeout``.
_SETTING_TIMEOUT = lazy_compile(r"^(?:http_|request_|requests_|default_|api_)?timeout(?:_seconds|_secs|_s)?$", re.IGNORECASE)


class Skip(Exception):
    """The node cannot be rewritten faithfully; the message says why (it is reported)."""


class Codemod:
    """One repair for one check, applied to the nodes the check's findings point at."""

    check: ClassVar[str]
    node_type: ClassVar[type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]]

    def candidate(self, node: cst.CSTNode, info: ModuleInfo) -> bool:
        """Whether ``node`` is of a shape a finding of this check may point at."""
        return isinstance(node, self.node_type)

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        raise NotImplementedError


def node_code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def as_ast_expr(node: cst.BaseExpression) -> ast.expr:
    """The ``ast`` form of one expression (parsed in parentheses, so multi-line code works)."""
    tree = ast.parse("(" + node_code(node) + "\n)", mode="eval")
    return tree.body


def dotted(node: cst.BaseExpression) -> str | None:
    """``requests.Session`` for an Attribute chain of Names, ``get`` for a Name, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def has_comment(node: cst.CSTNode | None) -> bool:
    if node is None:
        return False
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Comment(self, _: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(_Finder())
    return found


def _import_names(stmt: cst.BaseStatement) -> list[cst.Import | cst.ImportFrom] | None:
    if isinstance(stmt, cst.SimpleStatementLine) and stmt.body and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    ):
        return list(stmt.body)  # type: ignore[arg-type]
    return None


def _module_name(node: cst.BaseExpression | None) -> str:
    return (dotted(node) or "") if node is not None else ""


@dataclass
class ModuleInfo:
    """Facts about one module, gathered before any rewrite (names, imports, loggers, constants)."""

    names: set[str] = field(default_factory=set)  # every identifier that occurs anywhere
    name_uses: Counter[str] = field(default_factory=Counter)
    from_module_uses: Counter[str] = field(default_factory=Counter)  # ... of which in ``from X import``
    bindings: Counter[str] = field(default_factory=Counter)  # how often each name is bound
    imported: dict[str, str] = field(default_factory=dict)  # local name -> "module" or "module.attr"
    top_assigned: dict[str, cst.BaseExpression] = field(default_factory=dict)
    import_indexes: list[int] = field(default_factory=list)  # top-level statements that only import
    future_end: int = 0  # index after the docstring and ``from __future__`` imports
    settings_fields: set[int] = field(default_factory=set)  # ids of annotated fields of pydantic settings classes
    scopes: dict[int, str] = field(default_factory=dict)  # id(except handler) -> enclosing function name
    attribute_uses: list[tuple[str, str]] = field(default_factory=list)  # ``name.attr`` read anywhere, in order

    @classmethod
    def of(cls, module: cst.Module) -> ModuleInfo:
        info = cls()
        module.visit(_Collector(info))
        for cls in _classes(module):
            if not cls.decorators and any(
                (dotted(b.value) or "").rpartition(".")[2] in ("BaseSettings", "BaseModel") for b in cls.bases
            ) and isinstance(cls.body, cst.IndentedBlock):
                for stmt in cls.body.body:
                    if isinstance(stmt, cst.SimpleStatementLine):
                        info.settings_fields.update(id(s) for s in stmt.body if isinstance(s, cst.AnnAssign) and s.value is not None)
        for index, stmt in enumerate(module.body):
            imports = _import_names(stmt)
            if imports is not None:
                info.import_indexes.append(index)
                for imp in imports:
                    info._note_import(imp)
                if all(isinstance(i, cst.ImportFrom) and _module_name(i.module) == "__future__" for i in imports):
                    info.future_end = index + 1
            elif index == 0 and _is_docstring(stmt):
                info.future_end = 1
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                        info.top_assigned[small.targets[0].target.value] = small.value
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                        info.top_assigned[small.target.value] = small.value
        return info

    def _note_import(self, imp: cst.Import | cst.ImportFrom) -> None:
        if isinstance(imp, cst.Import):
            for alias in imp.names:
                full = _module_name(alias.name)
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else full.split(".")[0]
                self.imported[local] = full if alias.asname else full.split(".")[0]
        elif not isinstance(imp.names, cst.ImportStar) and not imp.relative:
            base = _module_name(imp.module)
            for alias in imp.names:
                name = _module_name(alias.name)
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                self.imported[local] = f"{base}.{name}"

    def local_for(self, target: str) -> str | None:
        """The top-level name under which ``target`` (``os`` or ``os.environ``) is imported, if bound once."""
        for local, full in self.imported.items():
            if full == target and self.bindings[local] == 1:
                return local
        return None

    def fresh_name(self, preferred: Sequence[str]) -> str:
        for name in preferred:
            if name not in self.names:
                return name
        i = 2
        while f"{preferred[0]}{i}" in self.names:
            i += 1
        return f"{preferred[0]}{i}"

    def existing_logger(self) -> str | None:
        """A module-level ``NAME = logging.getLogger(...)`` bound nowhere else, under any name."""
        for name, value in self.top_assigned.items():
            if self.bindings[name] != 1 or not isinstance(value, cst.Call):
                continue
            func = dotted(value.func)
            if func is None:
                continue
            head, _, attr = func.rpartition(".")
            if (head and self.imported.get(head) == "logging" and attr == "getLogger") or (
                not head and self.imported.get(func) == "logging.getLogger"
            ):
                return name
        return None

    def setting_timeout(self) -> str | None:
        """``settings.HTTP_TIMEOUT`` when the module already reads a timeout from an imported settings object."""
        for head, attr in self.attribute_uses:
            if head in self.imported and self.bindings[head] == 1 and _SETTING_TIMEOUT.match(attr) \
                    and not attr.lower().endswith(("_ms", "_millis")):
                return f"{head}.{attr}"
        return None

    def timeout_constant(self) -> str | None:
        """A named module-level (or imported) timeout constant in seconds, if the module has one."""
        found = [
            n for n in [*self.top_assigned, *self.imported]
            if _TIMEOUT_CONST.match(n) and not n.endswith(("_MS", "_MILLIS")) and self.bindings[n] == 1
        ]
        if not found:
            return None
        found.sort(key=lambda n: (0 if ("HTTP" in n or "REQUEST" in n) else 1, n))
        return found[0]


def _classes(module: cst.Module) -> list[cst.ClassDef]:
    found: list[cst.ClassDef] = []

    class _Finder(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            found.append(node)

    module.visit(_Finder())
    return found


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class _Collector(cst.CSTVisitor):
    """Every identifier, and every place a name is bound (for shadowing and fresh names)."""

    def __init__(self, info: ModuleInfo) -> None:
        self.info = info
        self.functions: list[str] = []

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.functions:
            self.info.scopes[id(node)] = self.functions[-1]

    def visit_Name(self, node: cst.Name) -> None:
        self.info.names.add(node.value)
        self.info.name_uses[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.info.attribute_uses.append((node.value.value, node.attr.value))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = node.module
        while isinstance(module, cst.Attribute):
            self.info.from_module_uses[module.attr.value] += 1
            module = module.value
        if isinstance(module, cst.Name):
            self.info.from_module_uses[module.value] += 1

    def _bind(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.info.bindings[target.value] += 1
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind(node.name)

    def visit_Param(self, node: cst.Param) -> None:
        self._bind(node.name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name)
        self.functions.append(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.info.bindings[item.name.value] += 1

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            self.info.bindings[_module_name(node.name).split(".")[0]] += 1


@dataclass
class FixContext:
    """What rewrites share within one module: options, module facts, and module-level needs."""

    info: ModuleInfo
    http_timeout: float = 10
    logger_name: str | None = None
    logger_is_new: bool = False
    first_use: int | None = None  # top-level statement index of the first use of the logger
    current_top: int = 0
    need_imports: dict[str, str] = field(default_factory=dict)  # local name -> module to import
    original: cst.CSTNode | None = None  # the node being rewritten, as it was before any change
    new_constant: str | None = None  # a module-level timeout constant added by ``finish_module``

    def timeout_name(self) -> str:
        """A new module constant holding ``http_timeout``: the number lives in one named place."""
        if self.new_constant is None:
            self.new_constant = self.info.fresh_name(_TIMEOUT_NAMES)
        self.first_use = self.current_top if self.first_use is None else min(self.first_use, self.current_top)
        return self.new_constant

    def logger(self) -> str:
        """The module logger's name, creating one (added once by ``finish_module``) when needed."""
        if self.logger_name is None:
            existing = self.info.existing_logger()
            if existing is not None:
                self.logger_name = existing
            else:
                self.logger_name = self.info.fresh_name(_LOGGER_NAMES)
                self.logger_is_new = True
        if self.logger_is_new:
            self.first_use = self.current_top if self.first_use is None else min(self.first_use, self.current_top)
        return self.logger_name

    def module_ref(self, module: str) -> str:
        """A name bound to ``module`` at the top level, importing it when it is not."""
        local = self.info.local_for(module)
        if local is not None:
            return local
        for name, wanted in self.need_imports.items():
            if wanted == module:
                return name
        free = self.info.name_uses[module] == self.info.from_module_uses[module] and not self.info.bindings[module]
        name = module if free else self.info.fresh_name([f"_{module}"])
        self.need_imports[name] = module
        self.first_use = self.current_top if self.first_use is None else min(self.first_use, self.current_top)
        return name


def _stdlib(name: str) -> bool:
    return name.split(".")[0] in getattr(sys, "stdlib_module_names", ())


def finish_module(module: cst.Module, ctx: FixContext) -> cst.Module:
    """Add the imports and the module logger the rewrites asked for, after the imports."""
    if not ctx.need_imports and not ctx.logger_is_new and ctx.new_constant is None:
        return module
    body = list(module.body)
    limit = ctx.first_use if ctx.first_use is not None else len(body)
    imports_before = [i for i in ctx.info.import_indexes if i < limit]
    after_imports = max(imports_before) + 1 if imports_before else min(ctx.info.future_end, limit)
    new_imports: list[cst.SimpleStatementLine] = []
    if ctx.logger_is_new:
        assert ctx.logger_name is not None
        logging_ref = ctx.info.local_for("logging")
        getter: str
        if logging_ref is not None:
            getter = f"{logging_ref}.getLogger"
        elif ctx.info.local_for("logging.getLogger") is not None:
            getter = ctx.info.local_for("logging.getLogger") or "getLogger"
        else:
            getter = f"{ctx.module_ref('logging')}.getLogger"
        logger_stmt = cst.parse_statement(f"{ctx.logger_name} = {getter}(__name__)\n")
        assert isinstance(logger_stmt, cst.SimpleStatementLine)
        if after_imports > 0:
            logger_stmt = logger_stmt.with_changes(leading_lines=[cst.EmptyLine()])
        body.insert(after_imports, logger_stmt)
    if ctx.new_constant is not None:
        value = cst.Module(body=[]).code_for_node(number(ctx.http_timeout))
        constant = cst.parse_statement(f"{ctx.new_constant} = {value}  # seconds, for outbound calls\n")
        assert isinstance(constant, cst.SimpleStatementLine)
        if after_imports > 0:
            constant = constant.with_changes(leading_lines=[cst.EmptyLine()])
        body.insert(after_imports, constant)
        following = body[after_imports + 1] if after_imports + 1 < len(body) else None
        if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not following.leading_lines:
            body[after_imports + 1] = following.with_changes(leading_lines=[cst.EmptyLine()])
    for name, wanted in sorted(ctx.need_imports.items(), key=lambda item: item[1]):
        text = f"import {wanted}\n" if name == wanted else f"import {wanted} as {name}\n"
        new_imports.append(cst.parse_statement(text))  # type: ignore[arg-type]
    if new_imports:
        _insert_imports(body, new_imports, ctx.info, after_imports)
    return module.with_changes(body=body)


class _NameUses(cst.CSTVisitor):
    """Names used outside import statements."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _uses(module: cst.Module) -> set[str]:
    visitor = _NameUses()
    module.visit(visitor)
    return visitor.names


class _DropAliases(cst.CSTTransformer):
    def __init__(self, gone: set[str]) -> None:
        self.gone = gone

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom,
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = [a for a in updated_node.names if _alias_local(a) not in self.gone]
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)


def _alias_local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = alias.name
    return name.value if isinstance(name, cst.Name) else ""


def drop_imports_made_unused(before: cst.Module, after: cst.Module) -> cst.Module:
    """Remove ``from x import name`` aliases whose last use a rewrite just removed
    (``from os import getenv`` once every ``getenv(...)`` became ``os.environ[...]``).
    Imports that were unused before the fix are left alone: that is not ours to decide."""
    gone = _uses(before) - _uses(after)
    if not gone:
        return after
    return after.visit(_DropAliases(gone))  # type: ignore[return-value]


def _insert_imports(body: list[cst.BaseStatement], new: list[cst.SimpleStatementLine], info: ModuleInfo, limit: int) -> None:
    """Put new stdlib imports among the leading stdlib ``import x`` lines, or just before the imports."""
    candidates = [i for i in info.import_indexes if info.future_end <= i < limit]
    for stmt in reversed(new):
        wanted = _module_name(stmt.body[0].names[0].name)  # type: ignore[attr-defined,index]
        if not candidates:
            at = min(info.future_end, limit)
            blank = [cst.EmptyLine()] if at > 0 else []
            body.insert(at, stmt.with_changes(leading_lines=blank))
            following = body[at + 1] if at + 1 < len(body) else None
            if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not following.leading_lines:
                body[at + 1] = following.with_changes(leading_lines=[cst.EmptyLine()])
            continue
        first = candidates[0]
        run: list[int] = []
        for index in candidates:
            imports = _import_names(body[index])
            if index != (run[-1] + 1 if run else first) or imports is None or len(imports) != 1:
                break
            imp = imports[0]
            if not isinstance(imp, cst.Import) or not _stdlib(_module_name(imp.names[0].name)):
                break
            run.append(index)
        if run:
            at = next((i for i in run if _module_name(_import_names(body[i])[0].names[0].name) > wanted), None)  # type: ignore[index,union-attr]
            if at is None:
                body.insert(run[-1] + 1, stmt)
            else:
                current = body[at]
                body[at] = current.with_changes(leading_lines=[])
                body.insert(at, stmt.with_changes(leading_lines=current.leading_lines))
        else:
            current = body[first]
            if any(line.comment is not None for line in current.leading_lines):
                body.insert(first, stmt.with_changes(leading_lines=[cst.EmptyLine()] if first > 0 else []))
            else:
                body[first] = current.with_changes(leading_lines=[cst.EmptyLine()])
                body.insert(first, stmt.with_changes(leading_lines=current.leading_lines))


# -- argument lists ---------------------------------------------------------------------------

def _strip_comment(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return ws


def separator(call: cst.Call) -> cst.Comma:
    """A comma in the style this call already separates its arguments with."""
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return arg.comma.with_changes(whitespace_after=_strip_comment(arg.comma.whitespace_after))
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_strip_comment(call.whitespace_before_args))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def append_arg(call: cst.Call, new: cst.Arg) -> cst.Call:
    """Add ``new`` as the last argument, keeping trailing commas, comments and line layout."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    sep = separator(call)
    if isinstance(last.comma, cst.Comma):
        tail = last.comma.whitespace_after
        if isinstance(tail, cst.ParenthesizedWhitespace) and isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace):
            args[-1] = last.with_changes(comma=last.comma.with_changes(
                whitespace_after=tail.with_changes(indent=sep.whitespace_after.indent, last_line=sep.whitespace_after.last_line)))
            closing = tail.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
            args.append(new.with_changes(comma=cst.Comma(whitespace_after=closing)))
        else:
            args[-1] = last.with_changes(comma=sep.with_changes(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new.with_changes(comma=last.comma))
        return call.with_changes(args=args)
    tail = last.whitespace_after_arg
    if isinstance(tail, cst.ParenthesizedWhitespace) and isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace):
        comma = cst.Comma(whitespace_after=tail.with_changes(
            indent=sep.whitespace_after.indent, last_line=sep.whitespace_after.last_line))
        args[-1] = last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new.with_changes(whitespace_after_arg=tail.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])))
    else:
        args[-1] = last.with_changes(comma=sep, whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new.with_changes(whitespace_after_arg=tail))
    return call.with_changes(args=args)


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(name), value=value,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def number(value: float) -> cst.BaseExpression:
    text = repr(int(value)) if float(value).is_integer() else repr(float(value))
    return cst.Integer(text) if "." not in text and "e" not in text else cst.Float(text)


def remove_arg(call: cst.Call, index: int) -> cst.Call:
    """Drop one argument; the last one left keeps the removed last argument's trailing layout."""
    args = list(call.args)
    removed = args.pop(index)
    if args and index == len(args):
        args[-1] = args[-1].with_changes(comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg)
    if has_comment(removed.comma) and index != len(args):
        raise Skip("a comment on the removed default would be lost")
    return call.with_changes(args=args)
