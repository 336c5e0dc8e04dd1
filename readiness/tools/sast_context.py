"""What bandit cannot see: whether the code around a finding makes it one.

bandit judges one call or one string at a time. Three of its tests then fire on code a reviewer
dismisses at a glance: SQL whose only interpolations are constants, table and column names from
the ORM's metadata (B608); ``random`` picking a provider or a jitter, not a secret (B311);
``mark_safe``/``Markup`` over a literal or over text that was escaped or sanitised right there
(B308, B703, B704). Each test here reads the file's syntax tree, never runs it, and answers
"not a finding" only when the code shows it; anything it cannot follow stays a finding.
"""

from __future__ import annotations

import ast
import re
import string
from typing import Callable

from readiness.lazy_regex import lazy_compile
from readiness.tools.pyast import name_words

# Attributes that hold schema names the code, not a request, decides: Django's model metadata,
# SQLAlchemy's table names, a primary key value.
_SCHEMA_ATTRS = frozenset({"_meta", "db_table", "column", "attname", "__tablename__", "tablename", "pk", "id",
                           "model_name", "app_label"})
_INT_CALLS = frozenset({"len", "int", "range", "enumerate", "min", "max", "sum", "abs", "round"})
_MAX_DEPTH = 16
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft"})


_Index = tuple[ast.AST, dict[int, ast.AST], dict[int, list[ast.AST]]]
_INDEXES: dict[int, _Index] = {}
_MAX_INDEXES = 256


def _index(tree: ast.AST) -> _Index:
    """Each node's parent and the nodes on each line, built in one walk per file rather than
    two walks per finding (a file with many bandit findings is otherwise walked again and again)."""
    entry = _INDEXES.get(id(tree))
    if entry is not None and entry[0] is tree:
        return entry
    parents: dict[int, ast.AST] = {}
    by_line: dict[int, list[ast.AST]] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        line = getattr(node, "lineno", None)
        if line is not None:
            by_line.setdefault(line, []).append(node)
    if len(_INDEXES) >= _MAX_INDEXES:
        del _INDEXES[next(iter(_INDEXES))]
    entry = _INDEXES[id(tree)] = (tree, parents, by_line)
    return entry


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return _index(tree)[1]


def _at_line(tree: ast.AST, line: int, kinds: tuple[type, ...]) -> list[ast.AST]:
    return [n for n in _index(tree)[2].get(line, ()) if isinstance(n, kinds)]


def _statement_at(tree: ast.AST, line: int) -> ast.stmt | None:
    """The statement bandit's line belongs to: the outermost one starting on ``line`` (a call spanning several
    lines, with its closing line where ruff wants the noqa), or the one holding what starts there."""
    parents = _parents(tree)
    for node in _at_line(tree, line, (ast.stmt, ast.expr)):
        while node is not None and not isinstance(node, ast.stmt):
            node = parents.get(id(node))
        if node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return node
    return None


# Words that make a name grant something: an assert on it is an access check, not an invariant.
_GRANT_WORDS = frozenset({"admin", "admins", "administrator", "superadmin", "staff", "superuser", "authenticated",
                          "authorized", "authorised", "permission", "permissions",
                          "perm", "perms", "permit", "permits", "permitted", "allowed", "owner", "owners", "ownership",
                          "verified",
                          # states a check asks for: is_active, validLineModes, emails_enabled, not url.invalid
                          "valid", "invalid", "active", "enabled"})


def _grants(name: str) -> bool:
    """``is_staff``, ``has_permission_for_form``, ``can_edit``, ``user.is_active``, ``allowed``: a name that
    grants; ``has_directory_index`` and ``is_ip_address`` do not (a predicate, not a grant)."""
    words = name_words(name)
    return bool(words) and (bool(set(words) & _GRANT_WORDS) or words[0] in ("can", "may"))


def assert_guards_nothing(tree: ast.Module, line: int) -> bool:
    """B101 on an ``assert`` that guards nothing: a type narrowed for a type checker (``assert user``,
    ``isinstance``), an invariant of the code itself (``assert schema.raw is not None, "call open() first"``),
    a parameter held to literal choices, or anything under ``if TYPE_CHECKING:``. Stripped by -O, such an
    assert only moves where a bug shows. An assert that stands in for an access check (a granting name:
    ``is_staff``, ``owner``, ``has_perm``) or validates what the client sent (``request`` and names taken
    from it) stays: under -O the check is gone."""
    parents = _parents(tree)
    for node in _at_line(tree, line, (ast.Assert,)):
        assert isinstance(node, ast.Assert)
        up = parents.get(id(node))
        while up is not None:
            if isinstance(up, ast.If) and isinstance(up.test, (ast.Name, ast.Attribute)) \
                    and (up.test.id if isinstance(up.test, ast.Name) else up.test.attr) == "TYPE_CHECKING":
                return True  # never runs
            up = parents.get(id(up))
        if _narrowing(node.test) and not any(_grants(name) for name in _narrowed_names(node.test)):
            return True  # assert request.user, assert request is not None: a type narrowed, no value checked
        return not _guards(node.test, _client_names(_scope_of(node, parents)))
    return False


def _narrowed_names(test: ast.expr) -> list[str]:
    """The names a narrowing test is about, each the last of its dotted path: ``request.user`` is about
    ``user``, ``proof.started_at is not None`` about ``started_at``, ``request.user.is_staff`` about ``is_staff``."""
    if isinstance(test, ast.BoolOp):
        return [name for value in test.values for name in _narrowed_names(value)]
    if isinstance(test, ast.Compare):
        return _narrowed_names(test.left)
    if isinstance(test, ast.Call):
        return _narrowed_names(test.args[0]) if test.args else []
    if isinstance(test, ast.Name):
        return [test.id]
    if isinstance(test, ast.Attribute):
        return [test.attr]
    return []


def _narrowing(test: ast.expr) -> bool:
    """A test a type checker narrows on: a name's or attribute's truth, ``is not None``, ``isinstance``/``hasattr``
    on one, or several of those joined by ``and``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return all(_narrowing(value) for value in test.values)
    if isinstance(test, (ast.Name, ast.Attribute)):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
        return isinstance(test.left, (ast.Name, ast.Attribute)) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None
    return isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in ("isinstance", "hasattr") \
        and bool(test.args) and isinstance(test.args[0], (ast.Name, ast.Attribute))


_CLIENT_ROOTS = frozenset({"request", "req", "flask_request"})
# helpers that hand over what the client sent: get_json_or_400(), parse_body(), request_data()
_CLIENT_READS = re.compile(r"json|request|body|payload|form|params", re.IGNORECASE)


def _from_client(node: ast.AST, names: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        if isinstance(sub, ast.Attribute) and sub.attr in _CLIENT_ROOTS:  # flask.request.args
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and _CLIENT_READS.search(sub.func.id):
            return True
    return False


def _client_names(scope: ast.AST) -> set[str]:
    """Names in a function that hold what the client sent: the request and locals taken from it."""
    names = set(_CLIENT_ROOTS)
    assignments = [n for n in ast.walk(scope) if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None]
    for _ in range(3):  # data = request.get_json(); kind = data["kind"]
        for node in assignments:
            if _from_client(node.value, names):  # type: ignore[arg-type]
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name))
    return names


def _guards(test: ast.expr, client: set[str]) -> bool:
    """Whether an assert's test checks access or the client's input."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and (node.id in client or _grants(node.id)):
            return True
        if isinstance(node, ast.Attribute) and (_grants(node.attr) or node.attr in _CLIENT_ROOTS):
            return True
    return False


def _scope_of(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST:
    current = parents.get(id(node))
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        current = parents.get(id(current))
    return current if current is not None else node


# Upper-case attributes that hold what a client sent (Django's request.GET), not a constant.
_REQUEST_ATTRS = frozenset({"GET", "POST", "META", "FILES", "COOKIES", "DATA", "QUERY_PARAMS"})


_IDENTIFIER_QUOTERS = frozenset({"quote_name", "quote_ident", "quote_identifier", "quote_schema", "quote_table"})


class _Trust:
    """Whether an expression's value comes only from the code: literals, module constants
    (UPPER_CASE), schema metadata, lengths and counts, and locals assigned from those."""

    def __init__(self, scope: ast.AST, module: ast.Module) -> None:
        self.scope = scope
        self.module = module
        self.trusted_names: set[str] = set()
        self.seen: set[str] = set()
        self.judging: set[str] = set()

    def expr(self, node: ast.AST | None, depth: int = 0) -> bool:
        if node is None:
            return True
        if depth > _MAX_DEPTH:
            return False
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return self.name(node.id, depth)
        if isinstance(node, ast.Attribute):
            if (node.attr.isupper() and node.attr not in _REQUEST_ATTRS) or node.attr in _SCHEMA_ATTRS:
                return True
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") \
                    and self._class_constant(node.attr, depth):
                return True
            return any(isinstance(n, ast.Attribute) and n.attr == "_meta" for n in ast.walk(node))
        if isinstance(node, ast.JoinedStr):
            return all(self.expr(v.value, depth + 1) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.FormattedValue):
            return self.expr(node.value, depth + 1)
        if isinstance(node, ast.BinOp):
            return self.expr(node.left, depth + 1) and self.expr(node.right, depth + 1)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(self.expr(e, depth + 1) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.expr(v, depth + 1) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self.expr(node.body, depth + 1) and self.expr(node.orelse, depth + 1)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            if self._elt_alone(node.elt, depth):
                return True  # [f.column for f in fields]: the element is trusted whatever is iterated
            for comp in node.generators:
                if not self.expr(comp.iter, depth + 1):
                    return False
                self.trusted_names.update(n.id for n in ast.walk(comp.target) if isinstance(n, ast.Name))
            return self.expr(node.elt, depth + 1)
        if isinstance(node, ast.Starred):
            return self.expr(node.value, depth + 1)
        if isinstance(node, ast.Subscript):  # where_tuple[0]: a part of a trusted value
            return self.expr(node.value, depth + 1) and self.expr(node.slice, depth + 1)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        return False

    def _class_constant(self, attr: str, depth: int) -> bool:
        """``cls._columns``: the class body gives the attribute only trusted values, and no method assigns it."""
        owner = next((c for c in ast.walk(self.module) if isinstance(c, ast.ClassDef) and self.scope in c.body), None)
        if owner is None:
            return False
        values = [stmt.value for stmt in owner.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))
                  and stmt.value is not None and any(isinstance(t, ast.Name) and t.id == attr
                                                     for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))]
        stored = any(isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.ctx, (ast.Store, ast.Del))
                     for n in ast.walk(owner))
        return bool(values) and not stored and all(self.expr(v, depth + 1) for v in values)

    def _elt_alone(self, elt: ast.AST, depth: int) -> bool:
        saved = set(self.seen)
        ok = self.expr(elt, depth + 1)
        self.seen = saved  # a comprehension variable judged untrusted here may be trusted once its iterable is
        return ok

    def call(self, node: ast.Call, depth: int) -> bool:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _INT_CALLS:
            return func.id == "len" or all(self.expr(a, depth + 1) for a in node.args)
        if isinstance(func, ast.Attribute):
            if func.attr in ("join", "format", "replace", "upper", "lower", "strip"):
                args = [*node.args, *(k.value for k in node.keywords)]
                return self.expr(func.value, depth + 1) and all(self.expr(a, depth + 1) for a in args)
            if func.attr in ("get_field", "get_for_model"):  # ORM metadata lookups
                return True
            if func.attr in _IDENTIFIER_QUOTERS:  # connection.ops.quote_name(table): quoted as a name, never a value
                return True
            if func.attr in ("as_sql", "sql_with_params"):  # the ORM's compiled SQL; its parameters are bound apart
                return True
        return False

    def name(self, name: str, depth: int) -> bool:
        if name.isupper() or name in self.trusted_names:
            return True
        if name in self.seen:  # judged untrusted, or being judged: ``sql += ...`` refers to itself
            return name in self.judging
        self.seen.add(name)
        self.judging.add(name)
        values = self._assigned(name, self.scope)
        if values is None and self.scope is not self.module:
            values = self._assigned(name, self.module, module_level=True)
        ok = bool(values) and all(self.expr(v, depth + 1) for v in values or ())
        self.judging.discard(name)
        if ok:
            self.trusted_names.add(name)
        return ok

    @staticmethod
    def _assigned(name: str, scope: ast.AST, module_level: bool = False) -> list[ast.AST] | None:
        """Every value the name is given in the scope; None when it is a parameter, a loop
        variable, imported or bound some other way (then nothing is known about it)."""
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = scope.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            if any(a is not None and a.arg == name for a in every):
                return None
        values: list[ast.AST] = []
        nodes = scope.body if module_level and isinstance(scope, ast.Module) else [scope]
        for top in nodes:
            for node in ast.walk(top):
                if isinstance(node, ast.Assign):
                    if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                        values.append(node.value)
                    elif any(isinstance(n, ast.Name) and n.id == name for t in node.targets for n in ast.walk(t)):
                        target = next(t for t in node.targets if any(isinstance(n, ast.Name) and n.id == name
                                                                     for n in ast.walk(t)))
                        spots = [i for i, e in enumerate(getattr(target, "elts", [])) if isinstance(e, ast.Name)
                                 and e.id == name]
                        if not isinstance(target, (ast.Tuple, ast.List)) or len(spots) != 1:
                            return None  # bound some other way (an attribute, a starred or nested target)
                        if isinstance(node.value, (ast.Tuple, ast.List)) and len(node.value.elts) == len(target.elts):
                            values.append(node.value.elts[spots[0]])  # where, params = parts[0], parts[1]
                        else:
                            values.append(node.value)  # unpacked from a value: trusted when all of it is
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) \
                        and node.target.id == name:
                    if node.value is None:
                        continue
                    values.append(node.value)
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Import, ast.ImportFrom,
                                       ast.NamedExpr, ast.ExceptHandler, ast.comprehension)):
                    if name in _bound_names(node):
                        return None
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == name \
                        and node.func.attr in _MUTATORS:
                    values.extend([*node.args, *(k.value for k in node.keywords)])  # parts.append(f"... {x}")
        return values or None


def _bound_names(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return {n.id for item in node.items if item.optional_vars is not None
                for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, ast.ExceptHandler) and node.name:
        return {node.name}
    return set()


def _string_expression(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST:
    """The whole expression a string literal is part of: its f-string, concatenation or ``.format``."""
    current = node
    for _ in range(8):
        parent = parents.get(id(current))
        if isinstance(parent, (ast.JoinedStr, ast.BinOp)):
            current = parent
        elif isinstance(parent, ast.Attribute) and parent.attr == "format":
            call = parents.get(id(parent))
            if not isinstance(call, ast.Call):
                break
            current = call
        else:
            break
    return current


_SQL_WORDS = lazy_compile(r"\b(?:select|insert|update|delete|from|where|values|into|join)\b", re.IGNORECASE)


def _literal_parts(node: ast.AST) -> str:
    """The text a string literal or f-string writes itself, without what it interpolates."""
    if isinstance(node, ast.JoinedStr):
        return " ".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return str(getattr(node, "value", ""))


def constant_sql(tree: ast.Module, line: int) -> bool:
    """B608 on SQL built only from constants, schema metadata and counts: values stay bound parameters."""
    parents = _parents(tree)
    strings = [n for n in _at_line(tree, line, (ast.Constant, ast.JoinedStr))
               if isinstance(n, ast.JoinedStr) or isinstance(getattr(n, "value", None), str)]
    if not strings:
        return False
    sql = [n for n in strings if _SQL_WORDS.search(_literal_parts(n))]
    for node in sql or strings:  # the SQL itself, not a value bound beside it (``[prefix + "%"]``)
        whole = _string_expression(node, parents)
        trust = _Trust(_scope_of(whole, parents), tree)
        if not trust.expr(whole) and not _values_from_code(whole, trust, _given_parameters(whole, parents)):
            return False
    return True


def _given_parameters(sql: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``conn.execute(f"... {marks}", args)``: the SQL goes to a call beside the values it binds."""
    call = parents.get(id(sql))
    return isinstance(call, ast.Call) and bool(call.args) and call.args[0] is sql and (
        len(call.args) > 1 or any(k.arg in ("params", "parameters", "args", "vars") for k in call.keywords))


# What a value slot in SQL text follows: a quote opened right before it (``'{name}'``, ``'%{q}%'``)
# or a comparison (``= {id}``, ``LIKE {pattern}``). Anything else the text interpolates is a name
# (``FROM {table}``), a list of placeholders (``IN ({marks})``) or a clause the code assembled.
_VALUE_BEFORE = lazy_compile(r"(?:['\"]%?|(?:[=<>]|\blike|\bilike)\s*)$", re.IGNORECASE)
_PERCENT_FIELD = lazy_compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdrifxXeEgGc]|%%")
_ESCAPING = ("escape", "quote", "literal")
# What a table's name follows: FROM, JOIN, INTO, UPDATE, TABLE (a schema and an opening quote may come between)
_TABLE_BEFORE = lazy_compile(r"\b(?:from|join|into|update|table)\s+(?:\w+\.)?[`\"\[]?$", re.IGNORECASE)
_BIND_MARKER = lazy_compile(r"\?|%s|%\(\w+\)s|(?<![:\w]):[A-Za-z_]\w*|\$\d")


def _values_from_code(whole: ast.AST, trust: _Trust, bound: bool = False) -> bool:
    """Whether SQL text puts only values the code decides where a value goes and binds the rest:
    ``f"SELECT v FROM {table} WHERE k = ?"`` interpolates a name and binds the key. A name or clause
    the code does not decide passes only in SQL that binds its values (``?``, ``%s``, ``:name``,
    ``$1``, or values given beside it: ``bound``): SQL that binds nothing and interpolates a parameter
    (``ORDER BY {order_by}``) stays."""
    text = _SqlText(trust)
    if not text.safe(whole, 0):
        return False
    return not text.unknown or bound or bool(_BIND_MARKER.search("\0".join(text.literal)))


class _SqlText:
    """One walk over a SQL string expression and the clauses it interpolates, held in locals."""

    def __init__(self, trust: _Trust) -> None:
        self.trust = trust
        self.names: set[str] = set()
        self.literal: list[str] = []
        self.unknown = False  # a name or clause from outside the function (a parameter, an attribute, a call)
        self._client: set[str] | None = None

    def safe(self, node: ast.AST, depth: int) -> bool:
        """False when a value slot holds what the code does not decide (``'{x}'``, ``= {x}``)."""
        if depth > _MAX_DEPTH or _read_from_request(node):
            return False
        if isinstance(node, ast.IfExp):
            return all(self.safe(n, depth + 1) for n in (node.body, node.orelse))
        if isinstance(node, ast.Name):
            if node.id in self.names or self.trust.expr(node):
                return True
            self.names.add(node.id)
            values = self.trust._assigned(node.id, self.trust.scope)
            if values is None:
                self.unknown = True
                return True
            return all(self.safe(v, depth + 1) for v in values)
        parts = _sql_parts(node)
        if parts is None:
            joined = None if self.trust.expr(node) else self.joined(node, depth)
            if joined is not None:
                return joined
            if not self.trust.expr(node):
                self.unknown = True
            return True
        before = ""
        for part in parts:
            if isinstance(part, str):
                before += part
                self.literal.append(part)
                continue
            if _VALUE_BEFORE.search(before):
                if not (self.trust.expr(part) or _escaped(part) or self.numeric(part)):
                    return False
            elif _TABLE_BEFORE.search(before) and self._from_code(part, depth + 1):
                pass  # FROM {table}: where only a table's name goes, named by the code (a caller's or its own)
            elif not self.safe(part, depth + 1):
                return False
            before += "\0"
        return True

    def numeric(self, node: ast.AST) -> bool:
        """A difference or quotient, or a local given only such values (``timestamp = now() - days * 86400``)."""
        if isinstance(node, ast.Name):
            values = self.trust._assigned(node.id, self.trust.scope)
            return bool(values) and all(_arithmetic(v) for v in values or ())
        return _arithmetic(node)

    def client(self) -> set[str]:
        """The function's names that hold what the client sent, found once."""
        if self._client is None:
            self._client = _client_names(self.trust.scope)
        return self._client

    def joined(self, node: ast.AST, depth: int) -> bool | None:
        """``",".join(marks)``: the SQL its pieces write (``(:obj_{i}, :perm_{i})``), judged piece by piece;
        None when the node is no join of a local list, a comprehension or a literal list."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
                and isinstance(node.func.value, ast.Constant) and len(node.args) == 1 and not node.keywords):
            return None
        items = node.args[0]
        if isinstance(items, (ast.ListComp, ast.GeneratorExp)):
            return self.safe(items.elt, depth + 1)
        if isinstance(items, (ast.List, ast.Tuple)):
            return all(self.safe(e, depth + 1) for e in items.elts)
        if isinstance(items, ast.Name) and items.id not in self.names:
            values = self.trust._assigned(items.id, self.trust.scope)
            if values is None:
                return None
            self.names.add(items.id)
            return all(self.safe(v, depth + 1) for v in values)
        return None

    def _from_code(self, node: ast.AST, depth: int) -> bool:
        """A value nothing in the function reads from the request: a parameter, an attribute, a call,
        or a local given only such values."""
        if depth > _MAX_DEPTH or _read_from_request(node) or _from_client(node, self.client()):
            return False
        if isinstance(node, ast.Name):
            values = self.trust._assigned(node.id, self.trust.scope)
            return values is None or all(self._from_code(v, depth + 1) for v in values)
        return all(self._from_code(n, depth + 1) for n in ast.iter_child_nodes(node) if isinstance(n, ast.Name))


def _arithmetic(node: ast.AST) -> bool:
    """Arithmetic: a difference or quotient (text cannot be subtracted or divided), or a sum or product with a
    number written in it and no text (``now() - days * 86400``, ``start + days * 86400``): a number."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return True
    if not isinstance(node, ast.BinOp):
        return False
    if isinstance(node.op, (ast.Sub, ast.Div, ast.FloorDiv)):
        return True
    if not isinstance(node.op, (ast.Add, ast.Mult)):
        return False
    leaves = [n for n in ast.walk(node) if isinstance(n, (ast.Constant, ast.JoinedStr))]
    return not any(isinstance(n, ast.JoinedStr) or isinstance(n.value, (str, bytes)) for n in leaves) and any(
        isinstance(n, ast.Constant) and type(n.value) in (int, float) for n in leaves)


def _read_from_request(node: ast.AST) -> bool:
    """Text read straight from the request (``request.args["where"]``) is the client's, wherever it goes."""
    return any((isinstance(n, ast.Name) and n.id in _CLIENT_ROOTS)
               or (isinstance(n, ast.Attribute) and n.attr in _REQUEST_ATTRS) for n in ast.walk(node))


def _escaped(node: ast.AST) -> bool:
    """``escape_string(name)``, ``_escape_literal(value)``, ``conn.literal(v)``: quoted for the SQL it enters."""
    return isinstance(node, ast.Call) and any(word in _called(node).lower() for word in _ESCAPING)


def _sql_parts(node: ast.AST) -> list[str | ast.AST] | None:
    """The text a string expression writes and, in order, what it interpolates; None when it is no such expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.Constant) else v.value for v in node.values
                if isinstance(v, (ast.Constant, ast.FormattedValue))]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sql_parts(node.left), _sql_parts(node.right)
        return [*(left if left is not None else [node.left]), *(right if right is not None else [node.right])]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return _percent_parts(node.left.value, node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        return _format_parts(node.func.value.value, node)
    return None


def _percent_parts(template: str, given: ast.AST) -> list[str | ast.AST] | None:
    values = list(given.elts) if isinstance(given, ast.Tuple) else None
    named = {k.value: v for k, v in zip(given.keys, given.values, strict=True) if isinstance(k, ast.Constant)} \
        if isinstance(given, ast.Dict) else None
    parts: list[str | ast.AST] = []
    at = 0
    position = 0
    for match in _PERCENT_FIELD.finditer(template):
        parts.append(template[at:match.start()])
        at = match.end()
        if match.group(0) == "%%":
            parts.append("%")
            continue
        if match.group(1) is not None:
            if named is None or match.group(1) not in named:
                return None
            parts.append(named[match.group(1)])
        elif values is not None:
            if position >= len(values):
                return None
            parts.append(values[position])
            position += 1
        elif position == 0 and named is None:
            parts.append(given)
            position += 1
        else:
            return None
    parts.append(template[at:])
    return parts


def _format_parts(template: str, call: ast.Call) -> list[str | ast.AST] | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    parts: list[str | ast.AST] = []
    auto = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, field_name, _spec, _conversion in fields:
        parts.append(literal)
        if field_name is None:
            continue
        base = re.split(r"[.\[]", field_name, maxsplit=1)[0]
        if base == "":
            base, auto = str(auto), auto + 1
        if base.isdigit():
            if int(base) >= len(call.args):
                return None
            parts.append(call.args[int(base)])
        elif base in keywords:
            parts.append(keywords[base])
        else:
            return None
    return parts


_EXTRA_SQL_ARGUMENTS = frozenset({"select", "where", "tables", "order_by"})  # select_params and params are bound


def constant_extra_sql(tree: ast.Module, line: int) -> bool:
    """B610/B611 on ``queryset.extra(select=..., where=...)`` or ``RawSQL(...)`` whose SQL is built only from
    constants and schema metadata (``model._meta.db_table``): values go through ``params``, bound."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call)
             and (_called(n) == "RawSQL" or (isinstance(n.func, ast.Attribute) and n.func.attr == "extra"))]
    if not calls:
        return False
    for call in calls:
        if _called(call) == "RawSQL":
            sql = call.args[:1]
        else:
            sql = [k.value for k in call.keywords if k.arg in _EXTRA_SQL_ARGUMENTS]
            if any(k.arg is None for k in call.keywords) or call.args:
                return False  # **kwargs or positional SQL: not seen
        trust = _Trust(_scope_of(call, parents), tree)
        if not sql or not all(trust.expr(value) for value in sql):
            return False
    return True


# Words that make a random value a secret, an identifier someone could guess, or a challenge.
_SECURITY_WORDS = frozenset({
    "token", "tokens", "secret", "secrets", "password", "passwd", "passphrase", "pwd", "pin", "otp", "totp", "hotp",
    "key", "keys", "apikey", "salt", "nonce", "iv", "seed", "challenge", "authenticator", "csrf", "xsrf",
    "session", "sid", "code", "codes", "verification", "verify", "signature", "sign", "crypt", "encrypt", "cipher",
    "credential", "credentials", "reset", "invite", "invitation", "id", "ident", "identifier", "uid", "uuid",
    "auth", "authenticate", "login", "captcha", "secure", "cookie", "coupon", "voucher", "promo", "referral",
    "activation", "confirmation", "confirm", "share", "magic",
})
_JITTER_CALLS = frozenset({"sleep", "wait", "delay"})
_RANDOM_CALLS = frozenset({"random", "randint", "randrange", "choice", "choices", "uniform", "triangular", "sample",
                           "randbytes", "getrandbits", "Random"})


def _words(name: str) -> set[str]:
    return set(name_words(name))


def _surroundings(call: ast.AST, parents: dict[int, ast.AST]) -> tuple[list[str], set[str]]:
    """Names around a call, innermost first: what it is passed to, keywords, assigned names, dict
    keys, the enclosing functions and classes; and the calls it is an argument of."""
    names: list[str] = []
    callers: set[str] = set()
    current: ast.AST | None = call
    while current is not None and not isinstance(current, ast.Module):
        parent = parents.get(id(current))
        if isinstance(parent, ast.Call) and current is not parent.func:
            called = _called(parent)
            callers.add(called)
            names.append(called)
        elif isinstance(parent, ast.keyword):
            names.append(parent.arg or "")
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names.extend(n.id if isinstance(n, ast.Name) else n.attr for t in targets for n in ast.walk(t)
                         if isinstance(n, (ast.Name, ast.Attribute)))
        elif isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(parent.name)
        elif isinstance(parent, ast.Dict):
            names.extend(str(k.value) for k, v in zip(parent.keys, parent.values, strict=True)
                         if v is current and isinstance(k, ast.Constant))
        current = parent
    return names, callers


def random_not_for_security(tree: ast.Module, line: int) -> bool:
    """B311 where nothing around the call makes its value a secret: a jitter passed to sleep, a
    weighted choice of provider, a port, a name. Kept when the assigned name or the function says
    token, password, key, OTP, session, identifier and the like."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) in _RANDOM_CALLS]
    if not calls:
        return False
    for call in calls:
        if _called(call) == "getrandbits" and call.args and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, int) and call.args[0].value >= 64:
            return False  # 64 bits and more: an unguessable value (an invite hash, a reset code), whatever its name
        holder = parents.get(id(call))
        if isinstance(holder, ast.Slice) or (isinstance(holder, ast.Subscript) and holder.slice is call):
            continue  # items[random.randint(0, n - 1)], name[:random.randint(2, 12)]: picks among what exists
        if _coin_flip(call, parents) or _picks_an_item(call, tree, parents):
            continue
        names, callers = _surroundings(call, parents)
        if callers & _JITTER_CALLS:
            continue
        if any(_words(n) & _SECURITY_WORDS for n in names):
            return False
    return True


_PICKS = frozenset({"choice", "sample", "shuffle"})
_ALPHABET_WORDS = frozenset({"alphabet", "chars", "charset", "characters", "letters", "digits", "symbols",
                             "hexdigits", "punctuation", "printable", "lowercase", "uppercase", "vocab", "pool"})


def _coin_flip(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``if random.randint(0, 1) == 0:``: a random number only compared in a condition decides a branch,
    it is kept nowhere that could be guessed."""
    compare = parents.get(id(call))
    if not isinstance(compare, ast.Compare):
        return False
    test = parents.get(id(compare))
    return isinstance(test, (ast.If, ast.While, ast.IfExp)) and test.test is compare


def _picks_an_item(call: ast.Call, tree: ast.Module, parents: dict[int, ast.AST]) -> bool:
    """``random.choice(self.followers)``, ``random.sample(options, n)``: one of the things that exist, not
    characters drawn for a token (``choice(string.ascii_letters)``, ``choice(ALPHABET)``, ``choice(range(10))``)."""
    if _called(call) not in _PICKS or not call.args:
        return False
    return not _alphabet(call.args[0], _scope_of(call, parents), tree, 0)


def _alphabet(node: ast.AST, scope: ast.AST, tree: ast.Module, depth: int) -> bool:
    """Characters or digits to draw from: text, ``string.digits``, ``range(...)``, a list of one-character
    literals, a name that says so or is given such a value. Unknown names count as items."""
    if depth > _MAX_DEPTH:
        return True
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, ast.BinOp):
        return _alphabet(node.left, scope, tree, depth + 1) or _alphabet(node.right, scope, tree, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(isinstance(e, ast.Constant) and isinstance(e.value, (str, int)) and len(str(e.value)) == 1
                   for e in node.elts)
    if isinstance(node, ast.Call):
        name = _called(node)
        if name in ("range", "str", "bytes"):
            return True
        return name in ("list", "tuple", "sorted", "set") and bool(node.args) and _alphabet(node.args[0], scope, tree, depth + 1)
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "string":
        return True
    if _words(name) & _ALPHABET_WORDS:
        return True
    if isinstance(node, ast.Name):
        values = _Trust._assigned(node.id, scope) if scope is not tree else None
        if values is None:
            values = _Trust._assigned(node.id, tree, module_level=True)
        return bool(values) and any(_alphabet(v, scope, tree, depth + 1) for v in values or ())
    return False


# A weak hash is a finding when it protects something: the names around it say so (a password, a token,
# a signature, a salt; an address masked for privacy). A cache key, a checksum or an id says nothing of the
# kind, and neither does a bare ``digest(data)``: a collision there costs a cache miss, not a break-in.
_HASH_SECURITY = frozenset({
    "password", "passwd", "pwd", "pw", "secret", "token", "signature", "sign", "signed", "sig", "hmac", "auth",
    "verify", "credential", "credentials", "salt", "nonce", "otp", "csrf", "session", "integrity", "encrypt",
    "crypt", "apikey", "mask", "masked", "anonymize", "anonymise", "anonymized", "anonymised", "pseudonymize",
    "pseudonym", "obfuscate", "hide", "private",
})
_HASH_KEY_PURPOSES = frozenset({"cache", "cached", "caching", "etag", "bucket", "dedupe", "dedup", "lookup", "index",
                                "shard", "name"})
_WEAK_HASHES = frozenset({"md5", "sha1", "new", "md4", "sha"})


# Words that make a hash keep a secret, not merely stand for one: a bucket number named for them stays a finding.
_HASH_SECRETS = frozenset({
    "password", "passwd", "pwd", "pw", "secret", "token", "signature", "sign", "signed", "sig", "hmac", "salt",
    "nonce", "otp", "csrf", "apikey", "credential", "credentials", "encrypt", "crypt",
})
# Calls whose value is fresh randomness from the operating system's generator
_FRESH_RANDOMNESS = frozenset({"urandom", "token_bytes", "token_hex", "token_urlsafe", "randbits", "uuid4"})
_CACHE_WORDS = frozenset({"cache", "caches", "cached", "caching", "memcache", "memoize"})


def weak_hash_not_for_security(tree: ast.Module, line: int, path: str = "") -> bool:
    """B324 unless the names around the hash say it protects something: a password, a token, a signature,
    a key that is no cache key, an address masked for privacy. A checksum, an ETag, a dedupe key, an id stay clear;
    so does the digest of fresh random bytes (as unguessable as they are, whatever the hash), a digest made a
    number and reduced modulo n (a bucket, unless the names say it keeps a secret), and a key in a module that
    names a cache, itself or its package (``app/cache/__init__.py``, ``caching.py``: its keys are cache keys)."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) in _WEAK_HASHES]
    if not calls:
        return False
    module_words = set().union(*(_words(part.rsplit(".", 1)[0]) for part in path.split("/")[-2:]))
    in_cache_module = bool(module_words & _CACHE_WORDS)
    for call in calls:
        if call.args and _fresh_randomness(call.args[0], _scope_of(call, parents), 0):
            continue
        names, _callers = _surroundings(call, parents)
        words = set().union(*(_words(n) for n in names)) if names else set()
        if _bucket_number(call, tree, parents) and not words & _HASH_SECRETS:
            continue
        if words & _HASH_SECURITY or ("key" in words and not words & _HASH_KEY_PURPOSES
                                      and not in_cache_module and not _cache_key(call, parents)):
            return False
    return True


def _fresh_randomness(node: ast.AST, scope: ast.AST, depth: int) -> bool:
    """``os.urandom(64)``, ``secrets.token_hex()``, ``str(uuid.uuid4()).encode()``, an f-string of one of those
    and literals, or a local given only such a value: bytes an attacker cannot guess, so their digest is a token
    as good as the randomness, weak hash or not. Anything mixed in that is not random (a password) keeps it."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(node, ast.Call):
        if _called(node) in _FRESH_RANDOMNESS:
            return True
        if isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1:
            return _fresh_randomness(node.args[0], scope, depth + 1)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("encode", "hex"):
            return _fresh_randomness(node.func.value, scope, depth + 1)
        return False
    if isinstance(node, ast.Attribute) and node.attr in ("hex", "bytes"):
        return _fresh_randomness(node.value, scope, depth + 1)  # uuid.uuid4().hex
    if isinstance(node, (ast.JoinedStr, ast.BinOp)):
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)] if isinstance(node, ast.JoinedStr) \
            else [p for p in (node.left, node.right) if not isinstance(p, ast.Constant)]
        return bool(parts) and (isinstance(node, ast.JoinedStr) or isinstance(node.op, ast.Add)) \
            and all(_fresh_randomness(p, scope, depth + 1) for p in parts)
    if isinstance(node, ast.Name) and not isinstance(scope, ast.Module):
        values = _Trust._assigned(node.id, scope)
        return bool(values) and len(values) == 1 and _fresh_randomness(values[0], scope, depth + 1)
    return False


def _bucket_number(call: ast.Call, tree: ast.Module, parents: dict[int, ast.AST]) -> bool:
    """``int(md5(user_id).hexdigest(), 16) % 100``: the digest made a number and reduced modulo n picks one of
    n buckets (an A/B group, a shard); it keeps nothing. Followed through a local the digest is assigned to, and
    through a module function that returns the number when every call of it in the module is reduced with ``%``."""
    method = parents.get(id(call))
    node = parents.get(id(method))
    if not (isinstance(method, ast.Attribute) and method.attr in ("hexdigest", "digest")
            and isinstance(node, ast.Call) and node.func is method):
        return False
    holder = parents.get(id(node))
    if isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
        name = holder.targets[0].id
        scope = _scope_of(holder, parents)
        if isinstance(scope, ast.Module):
            return False
        uses = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        stores = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
        return bool(uses) and len(stores) == 1 and all(_reduced_number(use, tree, parents) for use in uses)
    return _reduced_number(node, tree, parents)


def _reduced_number(digest: ast.AST, tree: ast.Module, parents: dict[int, ast.AST]) -> bool:
    """The digest passes through ``int(digest, 16)`` or ``int.from_bytes(digest, ...)`` and the number is then
    taken modulo something, here or by every caller of the module function that returns it."""
    number = parents.get(id(digest))
    if not (isinstance(number, ast.Call) and number.args and number.args[0] is digest and (
            (isinstance(number.func, ast.Name) and number.func.id == "int" and len(number.args) == 2)
            or (isinstance(number.func, ast.Attribute) and number.func.attr == "from_bytes"
                and isinstance(number.func.value, ast.Name) and number.func.value.id == "int"))):
        return False
    return _taken_modulo(number, tree, parents, 0)


def _taken_modulo(node: ast.AST, tree: ast.Module, parents: dict[int, ast.AST], depth: int) -> bool:
    holder = parents.get(id(node))
    if isinstance(holder, ast.BinOp) and isinstance(holder.op, ast.Mod) and holder.left is node:
        return True
    if depth > 0 or not isinstance(holder, ast.Return):
        return False
    function = _scope_of(holder, parents)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function not in tree.body:
        return False
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == function.name]
    calls = [parents.get(id(n)) for n in uses]
    return bool(uses) and all(isinstance(c, ast.Call) and c.func is n and _taken_modulo(c, tree, parents, depth + 1)
                              for n, c in zip(uses, calls, strict=True))


def _cache_key(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``key = md5(...).hexdigest()`` then ``cache.get(key)``: the name the hash is given is handed to a cache."""
    statement: ast.AST | None = call
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = parents.get(id(statement))
    if not isinstance(statement, ast.Assign):
        return False
    targets = {t.id for t in statement.targets if isinstance(t, ast.Name)}
    scope = _scope_of(statement, parents)
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and any(isinstance(a, ast.Name) and a.id in targets for a in node.args):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if _words(owner_name) & {"cache", "caches", "memcache", "redis_cache"}:
                return True
    return False


def hmac_digest(tree: ast.Module, line: int) -> bool:
    """B303 on SHA-1 or MD5 handed to an HMAC as its digest (``hmac.HMAC(key, hashes.SHA1())``): an HMAC's
    strength rests on the key, and HMAC-SHA1 is not broken the way a bare SHA-1 digest is."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call)
             and _called(n).lower() in ("sha1", "md5")]
    if not calls:
        return False
    for call in calls:
        owner = parents.get(id(call))
        if not (isinstance(owner, ast.Call) and call in owner.args and _called(owner) in ("HMAC", "new")
                and "hmac" in ast.unparse(owner.func).lower()):
            return False
    return True


_ESCAPERS = frozenset({"escape", "conditional_escape", "format_html", "clean", "linkify", "escape_silent",
                       "urlize", "json_script", "strip_tags", "sanitize", "sanitize_html", "bleach_clean",
                       "make_table", "make_file"})  # difflib.HtmlDiff escapes the text it lays out


def safe_markup(tree: ast.Module, line: int) -> bool:
    """``mark_safe``/``Markup`` (B308, B703, B704) over a literal, or over text escaped or sanitised
    (``escape``, ``format_html``, ``bleach.clean``) in the function itself or by a helper the module
    defines, or rendered by Django (a template, a form widget): nothing unescaped gets in."""
    calls = [n for n in _at_line(tree, line, (ast.Call,))
             if isinstance(n, ast.Call) and _called(n) in ("mark_safe", "Markup", "SafeString", "SafeText")]
    if not calls:
        return False
    parents = _parents(tree)
    return all(_plain_text(call, parents) or (bool(call.args) and _Escaped(
        _scope_of(call, parents), tree, parents).expr(call.args[0])) for call in calls)


def _plain_text(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """``Markup(text).unescape()`` or ``.striptags()``: the markup is turned straight back into plain text."""
    holder = parents.get(id(call))
    return isinstance(holder, ast.Attribute) and holder.attr in ("unescape", "striptags") and isinstance(
        parents.get(id(holder)), ast.Call)


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


# Django's and Flask's template renderers escape every variable they interpolate (autoescape is on by default)
_TEMPLATE_RENDERERS = frozenset({"render_to_string", "render_template", "render_template_string"})
# Django's template loaders: what their templates render is autoescaped (a Jinja2 Environment's need not be)
_DJANGO_TEMPLATE_LOADERS = frozenset({"get_template", "select_template", "Template"})
# Django's form widgets: ``Select(choices=...).render(name, value, attrs)`` escapes every value and choice
_DJANGO_WIDGETS = frozenset({"Select", "SelectMultiple", "NullBooleanSelect", "RadioSelect", "CheckboxSelectMultiple",
                             "TextInput", "NumberInput", "EmailInput", "URLInput", "PasswordInput", "HiddenInput",
                             "DateInput", "DateTimeInput", "TimeInput", "CheckboxInput", "Textarea",
                             "SelectDateWidget", "SplitDateTimeWidget", "FileInput", "ClearableFileInput"})
_KEY_ATTRS = frozenset({"pk", "id"})
# str methods that only cut or trim: what escaped text they return is still escaped
_CUTTERS = frozenset({"split", "rsplit", "splitlines", "strip", "lstrip", "rstrip"})
# methods whose text holds no markup characters whatever the value: a datetime's ISO form
_MARKUP_FREE = frozenset({"isoformat", "count"})
# statements whose bodies run in order once: an assignment there reaches what follows it
_STRAIGHT = (ast.If, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Try)


class _Escaped:
    """Whether markup is a literal or built only from literals and escaped or sanitised text."""

    def __init__(self, scope: ast.AST, module: ast.Module | None = None,
                 parents: dict[int, ast.AST] | None = None, helpers: frozenset[str] = frozenset()) -> None:
        self.scope = scope
        self.module = module
        self.parents = parents or {}
        self.helpers = helpers  # the module's functions being judged already: a recursion is not followed
        self.judged: dict[str, bool] = {}

    def expr(self, node: ast.AST, depth: int = 0) -> bool:
        if depth > _MAX_DEPTH:
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (str, int, float))
        if isinstance(node, ast.Name):
            return self.name(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Attribute) and node.attr in _KEY_ATTRS:
            return True  # obj.pk, tag.id: a row's key, a number or a UUID
        if isinstance(node, ast.JoinedStr):
            return all(self.expr(v.value, depth + 1) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp):
            return self.expr(node.left, depth + 1) and self.expr(node.right, depth + 1)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return self.expr(node.elt, depth + 1)
        if isinstance(node, (ast.List, ast.Tuple)):
            return all(self.expr(e, depth + 1) for e in node.elts)
        if isinstance(node, ast.Dict):  # _("in <b>%(name)s</b>") % {"name": escape(name)}
            return all(self.expr(v, depth + 1) for v in node.values)
        if isinstance(node, ast.IfExp):
            safe = _already_markup(node.test)
            body_ok = (safe is not None and _is_value_of(node.body, safe)) or self.expr(node.body, depth + 1)
            return body_ok and self.expr(node.orelse, depth + 1)
        return False

    def name(self, node: ast.Name, depth: int) -> bool:
        if isinstance(self.scope, ast.Module):
            return False
        reaching = _reaching_value(node, self.parents)
        if reaching is not None:  # url = html.escape(url) right before: only that value gets here
            return self.expr(reaching, depth + 1)
        if node.id in self.judged:  # escaped = escaped.replace(...): judged by its other assignments
            return self.judged[node.id]
        self.judged[node.id] = True
        values = _Trust._assigned(node.id, self.scope)
        self.judged[node.id] = bool(values) and all(self.expr(v, depth + 1) for v in values or ())
        return self.judged[node.id]

    def call(self, node: ast.Call, depth: int) -> bool:
        name = _called(node)
        method = isinstance(node.func, ast.Attribute)
        if name in _ESCAPERS or name in _TEMPLATE_RENDERERS:
            return True  # escaped, or rendered by an autoescaping template engine (render_to_string)
        if name == "render" and method and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, ast.Call) and _called(receiver) == "super":
                return True  # super().render(name, value, attrs) in a widget: Django's widget escapes what it renders
            if self._made_by(receiver, _DJANGO_TEMPLATE_LOADERS | _DJANGO_WIDGETS):
                return True  # get_template(name).render(context), Select(choices=...).render(name, value)
        if name in _GETTEXT and node.args and all(self.expr(a, depth + 1) for a in node.args):
            return True  # _("deactivated user"), gettext(msg) of a literal: the project's own text, translated
        if name in _NUMBERS or name in _URL_BUILDERS or name.startswith("reverse_"):
            return True  # int(score), len(rows); reverse("team", args=[pk]): a number or a quoted URL path
        if name in _MARKUP_FREE and method:
            return True  # when.isoformat(), snapshots.count(): digits and separators
        if name == "str" and not method and len(node.args) == 1:
            return self.expr(node.args[0], depth + 1)  # str(format_html(...)), str(ord(c))
        if name in _CUTTERS and method and isinstance(node.func, ast.Attribute):
            return self.expr(node.func.value, depth + 1)  # escape(value).split("\n")
        if name in ("join", "format", "replace") and method and isinstance(node.func, ast.Attribute):
            parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]
            return all(self.expr(p, depth + 1) for p in parts)
        helper = self._helper(node)
        if helper is not None:
            return self._returns_escaped(helper, depth)
        return False

    def _made_by(self, node: ast.AST, makers: frozenset[str]) -> bool:
        """The value is a call of one of Django's ``makers`` (``loader.get_template``, ``forms.Select``),
        directly or through a local name only they assign."""
        if isinstance(node, ast.Call):
            return _called(node) in makers and self._from_django(node.func)
        if isinstance(node, ast.Name) and not isinstance(self.scope, ast.Module):
            values = _Trust._assigned(node.id, self.scope)
            return bool(values) and all(self._made_by(v, makers) for v in values or () if isinstance(v, ast.Call)) \
                and all(isinstance(v, ast.Call) for v in values or ())
        return False

    def _from_django(self, func: ast.AST) -> bool:
        """``get_template`` imported from Django, or ``loader.get_template``, ``template.Template``,
        ``forms.Select`` on a name imported from Django."""
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id in self._django_names()

    def _django_names(self) -> set[str]:
        if self.module is None:
            return set()
        names: set[str] = set()
        for node in self.module.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
                names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == "django")
        return names

    def _helper(self, call: ast.Call) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The module's own function (``obfuscate(value)``) or the class's own method (``self._link(...)``)
        that a call runs; None for anything defined elsewhere or already being judged."""
        if self.module is None:
            return None
        func = call.func
        if isinstance(func, ast.Name):
            defs = [n for n in self.module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and n.name == func.id]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            owner = self.parents.get(id(self.scope))
            body = owner.body if isinstance(owner, ast.ClassDef) else []
            defs = [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == func.attr]
        else:
            return None
        if len(defs) != 1 or defs[0].name in self.helpers:
            return None
        return defs[0]

    def _returns_escaped(self, helper: ast.FunctionDef | ast.AsyncFunctionDef, depth: int) -> bool:
        """Every value the helper returns is escaped in the helper itself (its parameters count as unknown)."""
        returns = [n.value for n in _own_nodes(helper) if isinstance(n, ast.Return)]
        if not returns or any(r is None for r in returns):
            return False
        judge = _Escaped(helper, self.module, self.parents, self.helpers | {helper.name})
        return all(judge.expr(r, depth + 1) for r in returns if r is not None)


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of a function's body, not those of functions, lambdas or classes nested in it."""
    found: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _binds(node: ast.AST, name: str) -> bool:
    """Whether a statement may give ``name`` a value or change it anywhere in it: assigns it, stores into
    it (``v[k] = ...``), calls its methods or hands it to a call (``parts.append(x)``, ``fill(parts)``)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(sub, (ast.Subscript, ast.Attribute)) and isinstance(sub.ctx, (ast.Store, ast.Del)) \
                and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.value)):
            return True
        if isinstance(sub, ast.Call) and any(isinstance(n, ast.Name) and n.id == name
                                             for part in (sub.func, *sub.args, *(k.value for k in sub.keywords))
                                             for n in ast.walk(part)):
            return True
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and sub.name == name:
            return True
        if name in _bound_names(sub):
            return True
    return False


def _reaching_value(use: ast.Name, parents: dict[int, ast.AST]) -> ast.AST | None:
    """The value of the one plain assignment that reaches ``use`` in straight-line code: the nearest
    statement before it, in its block or an enclosing one, that binds the name (``url = escape(url)``).
    None when that statement binds it some other way, when a loop around the use rebinds it, or when
    the use sits where the order is not plain (an except handler, a comprehension)."""
    current: ast.AST = use
    while not isinstance(current, ast.stmt):
        parent = parents.get(id(current))
        if parent is None or isinstance(parent, (ast.Lambda, ast.comprehension)):
            return None
        current = parent
    while True:
        holder = parents.get(id(current))
        if holder is None or isinstance(holder, (ast.ClassDef, ast.Module, ast.ExceptHandler)):
            return None
        if not isinstance(holder, (*_STRAIGHT, ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        if isinstance(holder, (ast.For, ast.AsyncFor, ast.While)) and _binds(holder, use.id):
            return None  # bound again later in the loop: that value reaches the next turn
        block = next((b for b in (getattr(holder, f, None) for f in ("body", "orelse", "finalbody"))
                      if isinstance(b, list) and current in b), None)
        if block is None or (isinstance(holder, ast.Try) and block is not holder.body):
            return None
        for before in reversed(block[:block.index(current)]):
            if _binds(before, use.id):
                if isinstance(before, ast.Assign) and len(before.targets) == 1 \
                        and isinstance(before.targets[0], ast.Name) and before.targets[0].id == use.id:
                    return before.value
                return None
        if isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None  # a parameter, or bound nowhere before: nothing known here
        current = holder


_NUMBERS = frozenset({"int", "float", "len", "round", "abs", "ord"})
_URL_BUILDERS = frozenset({"reverse", "reverse_lazy", "url_for"})  # path arguments come out percent-quoted
_SAFE_TYPES = frozenset({"Markup", "SafeString", "SafeData", "SafeText"})
_GETTEXT = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "pgettext_lazy",
                      "lazy_gettext", "ngettext"})


def _already_markup(test: ast.AST) -> str | None:
    """The name ``isinstance(name, Markup)`` proves to be markup already."""
    if isinstance(test, ast.Call) and _called(test) == "isinstance" and len(test.args) == 2:
        subject, kinds = test.args
        names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        if isinstance(subject, ast.Name) and names and all(
                (n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "")) in _SAFE_TYPES for n in names):
            return subject.id
    return None


def _is_value_of(node: ast.AST, name: str) -> bool:
    """``name`` itself or ``str(name)``."""
    if isinstance(node, ast.Call) and _called(node) == "str" and len(node.args) == 1:
        node = node.args[0]
    return isinstance(node, ast.Name) and node.id == name


_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})


def safe_yaml_loader(tree: ast.Module, line: int) -> bool:
    """``yaml.load(text, Loader=QuotePreserving)`` (B506) where the module's own loader class derives from
    PyYAML's SafeLoader or BaseLoader: it builds no arbitrary objects either."""
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) == "load"]
    if not calls:
        return False
    safe = {cls.name for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
            and any((b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")) in _SAFE_LOADERS for b in cls.bases)}
    for call in calls:
        loader = next((k.value for k in call.keywords if k.arg == "Loader"), call.args[1] if len(call.args) > 1 else None)
        if not (isinstance(loader, ast.Name) and loader.id in safe):
            return False
    return True


_SHELL_CALLS = frozenset({"system", "popen", "run", "call", "check_call", "check_output", "Popen", "getoutput",
                          "getstatusoutput", "popen2", "popen3", "popen4"})


def literal_shell_command(tree: ast.Module, line: int) -> bool:
    """B602/B605 on ``os.system("doveadm reload")``: a command written whole as one literal gives nothing
    from outside to the shell (an interpolated one stays, even of a constant: a path may hold spaces)."""
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) in _SHELL_CALLS]
    if not calls:
        return False
    for call in calls:
        command = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("args", "cmd", "command")), None)
        if not (isinstance(command, ast.Constant) and isinstance(command.value, str)):
            return False
    return True


_URL_OPENERS = frozenset({"urlopen", "urlretrieve", "Request", "URLopener", "FancyURLopener"})
_WEB_SCHEMES = ("http://", "https://")


def fixed_web_scheme(tree: ast.Module, line: int) -> bool:
    """B310 (``urlopen`` may open ``file:`` and custom schemes) on a URL whose text starts with http:// or
    https:// in the code itself, a literal, an f-string or a module constant: the scheme is fixed, whatever fills the rest."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) in _URL_OPENERS]
    if not calls:
        return False
    constants = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)}
    for call in calls:
        url = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("url", "fullurl")), None)
        if isinstance(url, ast.Name):
            scope = _scope_of(call, parents)
            local = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == url.id for t in n.targets)]
            url = local[0] if len(local) == 1 else (constants.get(url.id) if not local else None)
        if not _starts_with_web_scheme(url):
            return False
    return True


def _starts_with_web_scheme(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.lower().startswith(_WEB_SCHEMES)
    if isinstance(node, ast.JoinedStr):
        return bool(node.values) and _starts_with_web_scheme(node.values[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _starts_with_web_scheme(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _starts_with_web_scheme(node.func.value)
    return False


_HUB_CALLS = frozenset({"from_pretrained", "snapshot_download", "hf_hub_download", "load_dataset"})
# transformers classes whose from_pretrained reads a vocabulary or JSON settings and loads no weights
_NO_CODE_LOADER = lazy_compile(r"(Tokenizer|TokenizerFast|Processor|FeatureExtractor|Config)$")
_DIRECTORY_WORDS = frozenset({"dir", "dirs", "directory", "folder"})
_PATH_TYPES = frozenset({"Path", "PurePath", "PosixPath", "PurePosixPath"})


def hub_download_runs_no_code(tree: ast.Module, line: int) -> bool:
    """B615 (a Hugging Face download not pinned to a commit) where nothing from the repository runs: a tokenizer,
    processor, feature extractor or config (a vocabulary and JSON settings), a model read from a local directory
    (no Hub download to pin), or the files of a dataset repository (``repo_type="dataset"``: data, not code).
    Kept whenever ``trust_remote_code`` is given anything but the constant False, or ``**kwargs`` may carry it
    (the repository's own Python then runs, and only a pinned commit says which), and for a model's weights or a
    ``load_dataset`` from the Hub (a pickled checkpoint, a loading script may run as it loads)."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) in _HUB_CALLS]
    if not calls:
        return False
    for call in calls:
        if _may_trust_remote_code(call):
            return False
        name = _called(call)
        if name == "from_pretrained":
            owner = call.func.value if isinstance(call.func, ast.Attribute) else None
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            source = call.args[0] if call.args else next(
                (k.value for k in call.keywords if k.arg == "pretrained_model_name_or_path"), None)
            if _NO_CODE_LOADER.search(owner_name) or (
                    source is not None and _local_directory(source, _scope_of(call, parents), 0)):
                continue
            return False
        repo_type = next((k.value for k in call.keywords if k.arg == "repo_type"), None)
        if not (name != "load_dataset" and isinstance(repo_type, ast.Constant) and repo_type.value == "dataset"):
            return False
    return True


def _may_trust_remote_code(call: ast.Call) -> bool:
    """``trust_remote_code`` given a value that is not the constant False (a setting, True), or arguments
    unseen here (``**kwargs``, ``*args``) that may carry it."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return True
    for keyword in call.keywords:
        if keyword.arg is None:
            return True
        if keyword.arg == "trust_remote_code" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
            return True
    return False


def _local_directory(node: ast.AST, scope: ast.AST, depth: int) -> bool:
    """A path on this machine: a ``Path``, a parameter annotated as one, ``os.path.join`` or ``/`` from one,
    a literal starting with ``/``, ``./`` or ``~``, or text built from a name that says directory
    (``f"{MODEL_CACHE_DIR}/{name}"``, ``model_dir``). A bare ``org/name`` string is a Hub id."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith(("/", "./", "../", "~"))
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first is not None and _local_directory(
            first.value if isinstance(first, ast.FormattedValue) else first, scope, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        return _local_directory(node.left, scope, depth + 1)
    if isinstance(node, ast.Call):
        if _called(node) in _PATH_TYPES:
            return True
        if _called(node) == "join" and "path" in ast.unparse(node.func) and node.args:
            return _local_directory(node.args[0], scope, depth + 1)  # os.path.join(MODEL_DIR, name)
        if _called(node) in ("str", "fspath") and len(node.args) == 1:
            return _local_directory(node.args[0], scope, depth + 1)
        return False
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = node.id if isinstance(node, ast.Name) else node.attr
        if _words(name) & _DIRECTORY_WORDS:
            return True
        if isinstance(node, ast.Name) and isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = scope.args
            given = next((a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.arg == node.id), None)
            if given is not None:
                return given.annotation is not None and _path_annotation(given.annotation)
            values = _Trust._assigned(node.id, scope)
            return bool(values) and all(_local_directory(v, scope, depth + 1) for v in values or ())
    return False


def _path_annotation(annotation: ast.AST) -> bool:
    """``Path``, ``pathlib.Path``, ``"Path"``; a union takes every member to be a path."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value in _PATH_TYPES
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _path_annotation(annotation.left) and _path_annotation(annotation.right)
    name = annotation.attr if isinstance(annotation, ast.Attribute) else getattr(annotation, "id", "")
    return name in _PATH_TYPES


# bandit test id -> the reading of the code that can clear it
def constant_remote_command(tree: ast.Module, line: int) -> bool:
    """B601 on ``client.exec_command("sudo systemctl restart shim")``: a command written in the code, whose
    every interpolation is a constant too, gives a caller nothing to inject into the remote shell."""
    parents = _parents(tree)
    calls = [n for n in _at_line(tree, line, (ast.Call,)) if isinstance(n, ast.Call) and _called(n) == "exec_command"]
    if not calls:
        return False
    for call in calls:
        command = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "command"), None)
        if command is None or not _Trust(_scope_of(call, parents), tree).expr(command):
            return False
    return True


CLEARED_BY: dict[str, Callable[[ast.Module, int], bool]] = {
    "B101": assert_guards_nothing,
    "B601": constant_remote_command,
    "B608": constant_sql,
    "B602": literal_shell_command,
    "B605": literal_shell_command,
    "B310": fixed_web_scheme,
    "B610": constant_extra_sql,
    "B611": constant_extra_sql,
    "B311": random_not_for_security,
    "B303": hmac_digest,
    "B324": weak_hash_not_for_security,
    "B308": safe_markup,
    "B703": safe_markup,
    "B704": safe_markup,
    "B506": safe_yaml_loader,
    "B615": hub_download_runs_no_code,
}


# judges that also read where the file sits (a module under ``cache/``), given its path
_CLEARED_IN_FILE: dict[str, Callable[[ast.Module, int, str], bool]] = {
    "B324": weak_hash_not_for_security,
}


def _tree(trees: dict[str, ast.Module | None], read: Callable[[str], str | None], path: str) -> ast.Module | None:
    """The file's syntax tree, parsed once for all the findings of a scan."""
    if path not in trees:
        text = read(path)
        try:  # a UTF-8 byte-order mark, which Python's own reading drops, is no syntax error
            trees[path] = ast.parse(text.removeprefix("\ufeff")) if text else None
        except (SyntaxError, ValueError, RecursionError):
            trees[path] = None
    return trees[path]


_NOQA_RE = lazy_compile(r"#\s*noqa\s*:\s*([A-Z0-9, ]+)", re.IGNORECASE)


def marked_for_ruff(trees: dict[str, ast.Module | None], read: Callable[[str], str | None], path: str, test_id: str,
                    line: int) -> bool:
    """The statement bandit flags carries ruff's ``# noqa: S608`` for the same rule (ruff's flake8-bandit codes
    are bandit's numbers with an S): the team already judged this line under that rule, on the statement's
    last line as ruff asks for a string that spans several."""
    text = read(path) or ""
    if not test_id[1:].isdigit() or "noqa" not in text:
        return False
    tree = _tree(trees, read, path)
    if tree is None:
        return False
    statement = _statement_at(tree, line)
    first, last = (statement.lineno, getattr(statement, "end_lineno", None) or line) if statement else (line, line)
    wanted = {f"S{test_id[1:]}", *_RUFF_SAME_RULE.get(test_id, ())}
    for text_line in text.splitlines()[first - 1:last]:
        match = _NOQA_RE.search(text_line)
        if match and wanted & {c.strip().upper() for c in match.group(1).split(",")}:
            return True
    return False


# bandit tests ruff implements under another number: its S308 covers Django's mark_safe, bandit's B703 too
_RUFF_SAME_RULE: dict[str, tuple[str, ...]] = {"B703": ("S308",)}


def cleared(trees: dict[str, ast.Module | None], read: Callable[[str], str | None], path: str, test_id: str,
            line: int) -> bool:
    """Whether the code around one bandit finding shows it is none (see ``CLEARED_BY``);
    ``trees`` caches each file's syntax tree across the findings of a scan."""
    judge = CLEARED_BY.get(test_id)
    if judge is None:
        return False
    tree = _tree(trees, read, path)
    in_file = _CLEARED_IN_FILE.get(test_id)
    try:
        return tree is not None and (in_file(tree, line, path) if in_file is not None else judge(tree, line))
    except RecursionError:
        return False
