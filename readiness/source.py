"""One Python file, read, decoded, parsed and tokenised once for every check.

Decoding follows PEP 263 (coding cookie) and honours a UTF-8 BOM; a file that cannot be
decoded or parsed still yields a ``SourceFile`` whose ``tree`` is None and whose ``error``
says why, so checks that only need text (comments, raw lines) can still run.
"""

from __future__ import annotations

import ast
import io
import operator
import re
import sys
import threading
import tokenize
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator, TypeVar

from readiness.lazy_regex import lazy_compile
from readiness.newer_syntax import parse_newer
from readiness.older_syntax import rewrite
from readiness.tools.pyast import CHILD_FIELDS, FieldsOf

_IMPORT_RE = lazy_compile(
    r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))",
    re.MULTILINE,
)


def _import_lines(text: str) -> Iterator[re.Match[str]]:
    """``_IMPORT_RE.finditer(text)``, tried only on the lines that hold "import": a match starts a line
    and never crosses one, and the whole text is not walked position by position."""
    pos = text.find("import")
    while pos != -1:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        match = _IMPORT_RE.match(text, start, end)
        if match is not None:
            yield match
        pos = text.find("import", end)


_COOKIE_RE = lazy_compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


T = TypeVar("T")
_TRIPLE_START = lazy_compile(rb"[rRbBuU]{0,2}(\"\"\"|\'\'\')")
_NEWLINE_RE = lazy_compile(r"\r\n|\r|\n")


MAX_DEPTH = 2000  # deeper trees are refused, as Python 3.11+'s parser refuses them itself


def _parse(text: str, path: str) -> ast.Module:
    if sys.version_info >= (3, 11):
        return ast.parse(text, filename=path, type_comments=False)
    # Python 3.10's parser has no guard against C stack exhaustion: a generated expression
    # nested deeply enough crashes the interpreter. Parse on a thread with a large stack, then
    # refuse trees deeper than 3.11 would accept.
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["tree"] = ast.parse(text, filename=path, type_comments=False)
        except BaseException as exc:  # handed to the calling thread
            result["error"] = exc

    previous = threading.stack_size(512 * 1024 * 1024)
    try:
        worker = threading.Thread(target=work, name="readiness-parse")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if "error" in result:
        raise result["error"]
    tree: ast.Module = result["tree"]
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RecursionError("too deeply nested")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


# The fields that hold statements (or handlers, cases holding them).
_BLOCK_FIELDS = FieldsOf(frozenset({"body", "orelse", "finalbody", "handlers", "cases"}).__contains__)


def _import_statements(tree: ast.Module) -> list[ast.stmt]:
    """Every import statement of a module, found by walking statement blocks only: an import is a
    statement, never inside an expression, so a file nothing else asks the node index of is spared it."""
    found: list[ast.stmt] = []
    stack: list[ast.AST] = [tree]
    pop, push, fields, imports = stack.pop, stack.extend, _BLOCK_FIELDS, (ast.Import, ast.ImportFrom)
    while stack:
        node = pop()
        kind = type(node)
        if kind in imports:
            found.append(node)  # type: ignore[arg-type]
            continue
        for name in fields[kind]:
            block = getattr(node, name)
            if type(block) is list:  # a lambda's or a conditional expression's body is one expression
                push(block)
    return found


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


_LOCATED = operator.attrgetter("lineno", "col_offset")  # _position for node types the parser always locates


@dataclass(frozen=True)
class Comment:
    line: int
    column: int  # 1-based
    text: str  # including the leading '#'
    trailing: bool  # code stands before it on the same line


class DecodeError(Exception):
    pass


def decode_source(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) per PEP 263; raise DecodeError with a readable reason."""
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if _COOKIE_RE.search(b"\n".join(data.split(b"\n", 2)[:2])):
            raise DecodeError(f"bad coding cookie: {exc}") from None
        raise DecodeError("not valid UTF-8 and no coding cookie") from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"cannot decode as {encoding}: {exc.__class__.__name__}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


NEEDS_PREFIX = "needs Python "
_PEP695_RE = lazy_compile(
    r"^[ \t]*(?:type[ \t]+\w+[ \t]*(?:\[[^\]\n]*\])?[ \t]*=|(?:async[ \t]+)?def[ \t]+\w+\[|class[ \t]+\w+\[)",
    re.MULTILINE,
)


_PEP758_RE = lazy_compile(r"^[ \t]*except\*?[ \t]+[\w.]+[ \t]*,[ \t]*[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*:", re.MULTILINE)
_TSTRING_RE = lazy_compile(r"(?<![\w.'\"])(?:[tT][rR]?|[rR][tT])(?:'|\")")


def newer_python_needed(text: str, message: str) -> tuple[str, str] | None:
    """(version, feature) when a file that does not parse here uses syntax of a newer Python.

    Only what this interpreter lacks: PEP 701 f-strings and PEP 695 type parameters came with
    3.12, PEP 758 excepts and PEP 750 template strings with 3.14. A file that fails for another
    reason (Python 2 code, a typo) is an ordinary syntax error.
    """
    if sys.version_info < (3, 12):
        if message.startswith("f-string"):
            return "3.12", "PEP 701 f-strings"
        if _PEP695_RE.search(text):
            return "3.12", "PEP 695 type parameters"
    if sys.version_info < (3, 14):
        if _PEP758_RE.search(text):
            return "3.14", "PEP 758 excepts without parentheses"
        if _TSTRING_RE.search(text):
            return "3.14", "PEP 750 template strings"
    return None


@dataclass
class SourceFile:
    """The per-file context handed to every per-file check."""

    path: str  # relative, with '/'
    text: str
    encoding: str = "utf-8"
    tree: ast.Module | None = None
    error: str | None = None
    parsed_by: str | None = None  # the newer Python that read a file this one cannot (readiness.newer_syntax)
    _buckets: dict[type, list[ast.AST]] | None = field(default=None, repr=False)
    _parents: dict[ast.AST, ast.AST] | None = field(default=None, repr=False)
    _sorted: set[type] = field(default_factory=set, repr=False)
    _merged: dict[tuple[type, ...], list[ast.AST]] = field(default_factory=dict, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_text(cls, path: str, text: str, encoding: str = "utf-8") -> SourceFile:
        source = cls(path=path, text=text, encoding=encoding)
        try:
            with warnings.catch_warnings():  # the scanned code's SyntaxWarnings are not ours to print
                warnings.simplefilter("ignore")
                source.tree = _parse(text, path)
        except SyntaxError as exc:
            where = f" (line {exc.lineno})" if exc.lineno else ""
            needs = newer_python_needed(text, exc.msg or "")
            parsed = parse_newer(text, path, needs[0]) if needs else None
            if parsed is not None:
                source.tree, source.parsed_by = parsed
                return source
            older = rewrite(text) if needs and needs[1].startswith(("PEP 758", "PEP 695")) else None
            if needs and older is not None:  # no newer Python here: the same meaning in the older spelling
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        source.tree = _parse(older, path)
                    source.parsed_by = f"{needs[0]}, rewritten"
                    return source
                except (SyntaxError, RecursionError, MemoryError, ValueError):
                    pass  # another newer feature in the file: it stays unread
            source.error = f"syntax error{where}: {exc.msg}" + (f"; {NEEDS_PREFIX}{needs[0]} ({needs[1]})" if needs else "")
        except RecursionError:
            source.error = "too deeply nested to parse"
        except MemoryError:  # the worker's memory limit: this file costs only itself
            source.error = "too large to parse within the memory limit"
        except ValueError as exc:  # e.g. source with NUL bytes
            source.error = f"cannot parse: {exc}"
        return source

    @cached_property
    def lines(self) -> list[str]:
        """Lines as Python counts them: only \\n, \\r\\n and \\r end a line (str.splitlines
        would also split on form feeds and vertical tabs, shifting every line number after them)."""
        # without a carriage return, only \n ends a line: a plain split, several times faster
        lines = _NEWLINE_RE.split(self.text) if "\r" in self.text else self.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    @cached_property
    def line_count(self) -> int:
        return len(self.lines)

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""

    @cached_property
    def comments(self) -> tuple[Comment, ...]:
        """Comments only: a ``#`` inside a string or docstring is never one.

        With a parse tree, every ``#`` outside the spans of string literals starts a comment,
        which is several times faster than tokenising; without one, the tokenizer decides.
        """
        if self.tree is None:
            return self._tokenized_comments()
        if "#" not in self.text:
            return ()
        spans: dict[int, list[tuple[int, int, ast.AST | None]]] = defaultdict(list)  # line -> (start, end, unsure node)
        for node in self.nodes(ast.Constant, ast.JoinedStr):
            if isinstance(node, ast.Constant) and not isinstance(node.value, (str, bytes)):
                continue
            start, end = node.lineno, node.end_lineno or node.lineno
            end_col = node.end_col_offset if node.end_col_offset is not None else 1 << 30
            if start == end:
                spans[start].append((node.col_offset, end_col, None))
            else:
                unsure = None if self._single_literal(node) else node
                spans[start].append((node.col_offset, 1 << 30, unsure))
                for line in range(start + 1, end):
                    spans[line].append((0, 1 << 30, unsure))
                spans[end].append((0, end_col, unsure))
        found: list[Comment] = []
        for number, text in enumerate(self.lines, 1):
            col = text.find("#")
            if col < 0:
                continue
            raw = text.encode("utf-8", "surrogatepass") if not text.isascii() else None
            inside = spans.get(number, ())
            while col >= 0:
                at = len(text[:col].encode("utf-8", "surrogatepass")) if raw is not None else col
                covering = [unsure for a, b, unsure in inside if a <= at < b]
                unsure_nodes = [n for n in covering if n is not None]
                is_comment = not covering
                if unsure_nodes:
                    # Inside a multi-line expression of implicitly concatenated pieces (or an
                    # f-string): only the tokenizer can tell, and only that expression needs it.
                    starts = self._comment_starts(unsure_nodes[0])
                    if starts is None:
                        return self._tokenized_comments()
                    is_comment = (number, col) in starts
                if is_comment:
                    found.append(Comment(number, col + 1, text[col:].rstrip("\r\n"), trailing=bool(text[:col].strip())))
                    break
                col = text.find("#", col + 1)
        return tuple(found)

    def _comment_starts(self, node: ast.AST) -> set[tuple[int, int]] | None:
        """(line, column) of every comment token inside one expression, by tokenising just it."""
        key = ("comment-starts", id(node))
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        first_line = self.line_text(node.lineno)  # type: ignore[attr-defined]
        start_col = len(first_line.encode("utf-8", "surrogatepass")[:node.col_offset].decode("utf-8", "surrogatepass"))  # type: ignore[attr-defined]
        end_line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        last = self.line_text(end_line)
        end_col = len(last.encode("utf-8", "surrogatepass")[:node.end_col_offset].decode("utf-8", "surrogatepass"))  # type: ignore[attr-defined]
        pieces = [self.line_text(n) for n in range(node.lineno, end_line + 1)]  # type: ignore[attr-defined]
        pieces[-1] = pieces[-1][:end_col]
        pieces[0] = pieces[0][start_col:] if len(pieces) > 1 else pieces[0][start_col:end_col]
        starts: set[tuple[int, int]] | None = set()
        try:
            for tok in tokenize.generate_tokens(io.StringIO("(" + "\n".join(pieces) + ")").readline):
                if tok.type == tokenize.COMMENT:
                    row, col = tok.start
                    line = node.lineno + row - 1  # type: ignore[attr-defined]
                    starts.add((line, col - 1 + start_col if row == 1 else col))  # type: ignore[union-attr]
        except (tokenize.TokenError, SyntaxError, IndentationError):
            starts = None
        self._memo[key] = starts
        return starts

    def _single_literal(self, node: ast.AST) -> bool:
        """A multi-line string node that is one triple-quoted literal (not implicitly concatenated
        pieces, between which a real comment could stand)."""
        if not isinstance(node, ast.Constant) or node.end_lineno is None or node.end_col_offset is None:
            return False
        first = self.line_text(node.lineno).encode("utf-8", "surrogatepass")[node.col_offset:]
        last = self.line_text(node.end_lineno).encode("utf-8", "surrogatepass")[:node.end_col_offset]
        match = _TRIPLE_START.match(first)
        if match is None or not last.endswith(match.group(1)):
            return False
        quote = match.group(1)
        body = b"\n".join([first[match.end():]] + [
            self.line_text(n).encode("utf-8", "surrogatepass") for n in range(node.lineno + 1, node.end_lineno)
        ] + [last[:-3]])
        return quote not in body.replace(b"\\" + quote[:1], b"")

    def _tokenized_comments(self) -> tuple[Comment, ...]:
        found: list[Comment] = []
        last_code_line = 0
        try:
            for tok in tokenize.generate_tokens(io.StringIO(self.text).readline):
                if tok.type == tokenize.COMMENT:
                    line, col = tok.start
                    found.append(Comment(line, col + 1, tok.string, trailing=last_code_line == line))
                elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                      tokenize.DEDENT, tokenize.ENCODING):
                    last_code_line = tok.end[0]
        except (tokenize.TokenError, SyntaxError, IndentationError):
            # Keep what was tokenised before the fault; the parse error is noted elsewhere.
            pass
        return tuple(found)

    @cached_property
    def imports(self) -> frozenset[str]:
        """Top-level module names imported anywhere in the file (a cheap text scan)."""
        names: set[str] = set()
        for match in _import_lines(self.text):
            if match.group(1) is not None:
                if match.group(1) and not match.group(1).startswith("."):
                    names.add(match.group(1).split(".")[0])
            else:
                for part in match.group(2).split(","):
                    names.add(part.strip().split(".")[0])
        names.discard("")
        return frozenset(names)

    @cached_property
    def modules(self) -> frozenset[str]:
        """Every module the file imports by full name, relative imports resolved against its package;
        ``from pkg import name`` also names ``pkg.name``, which may be a module (an import graph's edges)."""
        if self.tree is None:
            return frozenset()
        parts = self.path[:-3].split("/") if self.path.endswith(".py") else self.path.split("/")
        package = parts[:-1]  # a package's __init__ and its modules share one package
        names: set[str] = set()
        imports = self.nodes(ast.Import, ast.ImportFrom) if self._buckets is not None else _import_statements(self.tree)
        for node in imports:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
                continue
            assert isinstance(node, ast.ImportFrom)
            if node.level:
                if node.level - 1 > len(package):
                    continue
                base = package[:len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if not module:
                continue
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        return frozenset(names)

    @cached_property
    def import_map(self) -> dict[str, str]:
        """Local name -> fully qualified name, from every import statement in the module."""
        names: dict[str, str] = {}
        for node in self.nodes(ast.Import, ast.ImportFrom):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        names[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return names

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per file per scan, shared by every check that asks with ``key``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    def _index(self) -> None:
        """One walk of the tree: nodes bucketed by type, and every node's parent.

        The parser's shared singletons (``ctx`` Load/Store, operators) are not walked: they have no
        position and no one parent, and they are a third of all nodes."""
        buckets: dict[type, list[ast.AST]] = defaultdict(list)
        parents: dict[ast.AST, ast.AST] = {}  # keyed by the node itself: nodes hash and compare by identity
        if self.tree is not None:
            stack: list[ast.AST] = [self.tree]
            pop, push, AST, fields = stack.pop, stack.append, ast.AST, CHILD_FIELDS
            while stack:
                node = pop()
                kind = type(node)
                buckets[kind].append(node)
                for name in fields[kind]:
                    value = getattr(node, name, None)
                    if isinstance(value, list):
                        for item in value:
                            if isinstance(item, AST):
                                parents[item] = node
                                push(item)
                    elif isinstance(value, AST):
                        parents[value] = node
                        push(value)
        self._buckets = buckets
        self._sorted = set()
        self._parents = parents

    def nodes(self, *types: type) -> list[ast.AST]:
        """All nodes of the given types in source order, from one shared walk of the tree: a list the
        source keeps, which callers only read."""
        if self._buckets is None:
            self._index()
        assert self._buckets is not None
        for t in types:
            if t not in self._sorted:  # sorted on first request only: most types are never asked for
                self._buckets.get(t, []).sort(key=_LOCATED if "lineno" in t._attributes else _position)
                self._sorted.add(t)
        if len(types) == 1:
            return self._buckets.get(types[0], [])
        out = self._merged.get(types)
        if out is None:  # merged once per file: several checks ask for the same types
            out = self._merged[types] = [n for t in types for n in self._buckets.get(t, [])]
            out.sort(key=_LOCATED if all("lineno" in t._attributes for t in types) else _position)
        return out

    def walk_order(self, *types: type) -> list[ast.AST]:
        """Statements of these types in ``ast.walk`` order (breadth first), from the shared index.

        For statements (never inside an expression) breadth-first order is depth, then position."""
        parents = self._parents if self._parents is not None else (self._index() or self._parents)
        assert parents is not None

        def depth(node: ast.AST) -> int:
            count = 0
            current = parents.get(node)
            while current is not None:
                count += 1
                current = parents.get(current)
            return count

        return sorted(self.nodes(*types), key=depth)  # stable: position order within a depth

    def parent(self, node: ast.AST) -> ast.AST | None:
        if self._parents is None:
            self._index()
        assert self._parents is not None
        return self._parents.get(node)

    def ancestors(self, node: ast.AST) -> list[ast.AST]:
        chain: list[ast.AST] = []
        current = self.parent(node)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return chain
