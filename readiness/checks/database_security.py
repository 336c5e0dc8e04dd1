"""Database security checks: NoSQL injection, validated inputs, tenant isolation.

``nosql-injection`` follows request data inside one function (through local variables, and one call
level into a helper of the same file) into the filter of a MongoDB query or an Eve service lookup, and
finds regular expressions built from unescaped input; ``query-validation`` reads the route table;
``tenant-isolation`` runs only when configured with the tenant field and the tenant-scoped collections.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from readiness.checks.agents import Equivalent
from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict
from readiness.checks.db_transactions import (
    NO_MONGO,
    Problems,
    deferred_findings,
    enclosing_function,
    imports_sql,
    inline_suppressed,
    mongo_facts,
    mongo_only_in_commands,
    query_calls,
)
from readiness.lazy_regex import lazy_compile
from readiness.measures import Count, NotApplicable, Share
from readiness.model import Evidence, Finding
from readiness.paths import is_application_path
from readiness.profile import profile_of
from readiness.project import Project
from readiness.routes import (
    ROUTE_NEEDLES,
    FileRoutes,
    Route,
    call_name,
    dotted,
    facts_of,
    import_names,
    module_name,
    route_facts,
    route_table,
    routes_worth_keeping,
)
from readiness.source import SourceFile
from readiness.tools.pyast import walked

# What a request attribute holds: a whole query-string/form mapping, or a whole JSON body.
_QUERY_SOURCES = frozenset({"args", "query_params", "GET", "POST", "form", "values", "query", "QUERY_PARAMS"})
_JSON_SOURCES = frozenset({"json", "get_json", "data", "body", "media", "DATA"})
_REQUEST_NAMES = frozenset({"request", "req", "flask.request"})


def _request_names(func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> set[str]:
    names = set(_REQUEST_NAMES)
    if func is not None:
        for arg in [*func.args.args, *func.args.kwonlyargs]:
            if arg.annotation is not None and dotted(arg.annotation).rpartition(".")[2] == "Request":
                names.add(arg.arg)
    return names


def _taint(node: ast.AST | None, tainted: Mapping[str, str], requests: set[str]) -> str:
    """'query' or 'json' for a whole request mapping, 'value' for one JSON value, '' for clean."""
    if node is None:
        return ""
    if isinstance(node, ast.Await):
        return _taint(node.value, tainted, requests)
    if isinstance(node, ast.Name):
        return tainted.get(node.id, "")
    if isinstance(node, ast.Attribute) and dotted(node.value) in requests:
        if node.attr in _QUERY_SOURCES:
            return "query"
        if node.attr in _JSON_SOURCES:
            return "json"
        return ""
    if isinstance(node, ast.Call):
        name = call_name(node)
        func = node.func
        if isinstance(func, ast.Attribute):
            inner = _taint(func.value, tainted, requests)
            if dotted(func.value) in requests and name in _JSON_SOURCES:
                return "json"  # request.get_json(), await request.json()
            if inner in ("query", "json") and name in ("to_dict", "dict", "copy"):
                return inner
            if inner == "json" and name == "get":
                return "value"
            if name == "loads" and node.args and _taint(node.args[0], tainted, requests):
                return "json"
        elif name in ("dict", "loads") and node.args:
            inner = _taint(node.args[0], tainted, requests)
            return "json" if name == "loads" and inner else inner if inner in ("query", "json") else ""
        return ""
    if isinstance(node, ast.Subscript):
        return "value" if _taint(node.value, tainted, requests) == "json" else ""
    return ""


def _dangerous(node: ast.AST | None, tainted: Mapping[str, str], requests: set[str]) -> str:
    """Why a filter is unsafe, or ''."""
    kind = _taint(node, tainted, requests)
    if kind in ("query", "json"):
        return "the whole request data is used as the filter"
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            value_kind = _taint(value, tainted, requests)
            if key is None and value_kind in ("query", "json"):
                return "request data is spread into the filter"
            if key is not None and value_kind in ("json", "value"):
                return "a JSON request value (which may be an operator object like {\"$ne\": null}) is used as a filter value"
            if isinstance(value, ast.Dict):
                inner = _dangerous(value, tainted, requests)
                if inner:
                    return inner
    return ""


def _tainted_names(func: ast.AST, requests: set[str], seed: Mapping[str, str] | None = None) -> dict[str, str]:
    """Local names holding request data. An element of a JSON value (``for user_id in body["users"]``) is a
    JSON value itself; the keys of a whole body (``for key in body``) are strings."""
    tainted: dict[str, str] = dict(seed or {})
    assigns = [n for n in walked(func) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.For, ast.AsyncFor,
                                                           ast.comprehension)) and
               getattr(n, "value", getattr(n, "iter", None)) is not None]
    for _ in range(3):  # a few passes reach chains like body = await request.json(); f = body["filter"]
        changed = False
        for node in assigns:
            if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                kind = "value" if _taint(node.iter, tainted, requests) == "value" else ""
                targets = [node.target]
            else:
                kind = _taint(node.value, tainted, requests)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and kind and tainted.get(target.id) != kind:
                    tainted[target.id] = kind
                    changed = True
        if not changed:
            break
    return tainted


def _filter_of(call: ast.Call) -> ast.AST | None:
    method = call_name(call)
    if method == "distinct":
        return call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "filter"), None)
    return call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "filter"), None)


def _filter_reason(call: ast.Call, tainted: Mapping[str, str], requests: set[str]) -> str:
    """Why a query call's filter (or an Eve service's lookup keywords) is unsafe, or ''."""
    target = _filter_of(call)
    if target is None and any(k.arg == "req" for k in call.keywords):
        return _lookup_keywords(call, tainted, requests)
    return _dangerous(target, tainted, requests)


def _helper_sinks(source: SourceFile, queries: list[ast.Call]) -> dict[str, list[tuple[int, str, str, ast.Call]]]:
    """Functions of the file whose parameter reaches a query filter: name -> (position, parameter, taint, query).

    Request data handed to such a helper is followed one call level: ``find_orders(request.args.to_dict())``
    with ``def find_orders(filters): return orders.find(filters)``.
    """
    sinks: dict[str, list[tuple[int, str, str, ast.Call]]] = {}
    by_function: dict[int, list[ast.Call]] = {}
    functions: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for call in queries:
        func = enclosing_function(source, call)
        if func is not None and call_name(call) != "aggregate":
            by_function.setdefault(id(func), []).append(call)
            functions[id(func)] = func
    for key, calls in by_function.items():
        func = functions[key]
        params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
        offset = 1 if params[:1] in (["self"], ["cls"]) else 0
        for position, param in enumerate(params[offset:]):
            if param in _REQUEST_NAMES:
                continue  # the request itself: judged inside the helper
            for kind in ("query", "json", "value"):
                tainted = _tainted_names(func, set(), {param: kind})
                hit = next((c for c in calls if _filter_reason(c, tainted, set())), None)
                if hit is not None:
                    sinks.setdefault(func.name, []).append((position, param, kind, hit))
    return sinks


def _through_helpers(source: SourceFile, sinks: Mapping[str, list[tuple[int, str, str, ast.Call]]],
                     flow: Callable[[ast.AST], _Flow]) -> list[tuple[int, int, str]]:
    if not sinks:
        return []
    problems: list[tuple[int, int, str]] = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) and \
            dotted(func.value) in ("self", "cls") else ""
        caller = enclosing_function(source, call)
        if name not in sinks or caller is None or getattr(caller, "name", "") == name:
            continue
        state = flow(caller)
        requests, tainted = state.requests, state.tainted
        for position, param, kind, query in sinks[name]:
            arg = call.args[position] if position < len(call.args) else next(
                (k.value for k in call.keywords if k.arg == param), None)
            got = _taint(arg, tainted, requests)
            if got and (got == kind or kind == "value" and got in ("json", "value")):
                problems.append((call.lineno, call.col_offset + 1,
                                 f"{name}(): request data reaches the {call_name(query)}() filter at line {query.lineno} "
                                 f"through its parameter {param}"))
                break
    return problems


@dataclass(frozen=True)
class _Injections(Problems):
    """A file's findings, and what it offers to and asks of the project's other modules: its functions
    whose parameter reaches a query filter, and its calls that hand request data to an imported function."""

    sinks: tuple[tuple[str, int, str, str, str, int], ...] = ()  # (function, position, parameter, taint, query, line)
    # (callee, position or -1, keyword, taint, line, column, the imported helpers it holds only if they return JSON)
    calls: tuple[tuple[str, int, str, str, int, int, tuple[str, ...]], ...] = ()
    sources: tuple[str, ...] = ()  # functions returning the request's JSON body (``get_json_or_400()``)
    # findings that hold if one of the imported helpers returns the request's JSON body
    conditional: tuple[tuple[int, int, str, tuple[str, ...]], ...] = ()


_Functions = Mapping[str, "ast.FunctionDef | ast.AsyncFunctionDef"]  # a module's own functions by name


def _exported_sinks(module: str, top: _Functions, sinks: Mapping[str, list[tuple[int, str, str, ast.Call]]]) -> tuple[
        tuple[str, int, str, str, str, int], ...]:
    """The module-level helpers among ``sinks``, by full name, for the calls other modules make."""
    return tuple((f"{module}.{name}", position, param, kind, call_name(query), query.lineno)
                 for name, found in sorted(sinks.items()) if name in top for position, param, kind, query in found
                 if not _receiver_is_local(query, top[name]))


def _receiver_is_local(query: ast.Call, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``text.find(needle)`` on a parameter or a local string: a string's method, not a collection's query (a
    collection handle comes from the module, ``self`` or a database lookup)."""
    root: ast.AST = query.func.value if isinstance(query.func, ast.Attribute) else query.func
    while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
        root = root.func if isinstance(root, ast.Call) else root.value
    if not isinstance(root, ast.Name) or root.id in ("self", "cls"):
        return False
    if call_name(query) != "find":
        return False  # find_one, update_one...: no string has them
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.arg == root.id:  # a parameter typed or named as text (a collection handed in is not)
            return (arg.annotation is not None and dotted(arg.annotation) in ("str", "bytes")) or arg.arg in _TEXT_NAMES
    for node in walked(func):  # text = path.read_text(); for line in text.splitlines(): line.find(...)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == root.id for t in node.targets):
            if _string_like(node.value):
                return True
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and node.target.id == root.id:
            if isinstance(node.iter, ast.Call) and call_name(node.iter) in ("split", "splitlines", "readlines"):
                return True
    return False


_TEXT_NAMES = frozenset({"text", "s", "string", "line", "content", "haystack", "source", "html", "body"})
_STRING_CALLS = frozenset({"str", "read", "read_text", "decode", "strip", "lower", "upper", "format", "join",
                           "replace", "getvalue", "get_text", "rstrip", "lstrip"})


def _string_like(value: ast.AST) -> bool:
    """A value that is text: a literal, an f-string, a concatenation, or a string method's result."""
    if isinstance(value, (ast.JoinedStr, ast.BinOp)) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return True
    return isinstance(value, ast.Call) and call_name(value) in _STRING_CALLS


@dataclass
class _Flow:
    """Request data in one function: the request's names and the tainted locals, and what would be tainted if
    an imported helper the function calls (``data = get_json_or_400()``) returned the JSON body, which
    only the other module can tell."""

    func: ast.AST
    requests: set[str]
    tainted: dict[str, str]
    seed: dict[str, str]
    maybe: dict[str, str]  # local name -> the imported function its value comes from
    _all: dict[str, str] | None = None
    _alone: dict[str, dict[str, str]] = field(default_factory=dict)

    def if_helpers_return_json(self, judge: Callable[[dict[str, str]], bool]) -> list[tuple[str, dict[str, str]]]:
        """For each imported helper the function calls: the tainted locals if it alone returned the JSON body;
        none when ``judge`` stays false even if they all did (one cheap pass rules most functions out)."""
        if not self.maybe:
            return []
        if self._all is None:
            self._all = _tainted_names(self.func, self.requests, {**self.seed, **dict.fromkeys(self.maybe, "json")})
        if not judge(self._all):
            return []
        for helper in sorted(set(self.maybe.values()) - set(self._alone)):
            assumed = {**self.seed, **{n: "json" for n, f in self.maybe.items() if f == helper}}
            self._alone[helper] = _tainted_names(self.func, self.requests, assumed)
        return sorted(self._alone.items())


def _imported_calls(source: SourceFile, flow: Callable[[ast.AST], _Flow], names: Mapping[str, str],
                    local: _Functions) -> tuple[tuple[str, int, str, str, int, int, tuple[str, ...]], ...]:
    """Calls to imported functions (``get_entity(body["id"])``, ``utils.find(request.args)``) that hand them
    request data: followed into the other module's helper once every file has been read."""
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if isinstance(func, ast.Name) and func.id in names and func.id not in local:
            callee = names[func.id]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names:
            callee = f"{names[func.value.id]}.{func.attr}"
        else:
            continue
        caller = enclosing_function(source, call)
        if caller is None:
            continue
        state = flow(caller)
        args = [(i, "", a) for i, a in enumerate(call.args)] + [(-1, k.arg, k.value) for k in call.keywords if k.arg]
        for position, keyword, arg in args:
            kind = _taint(arg, state.tainted, state.requests)
            if kind:
                out.append((callee, position, keyword, kind, call.lineno, call.col_offset + 1, ()))
                continue
            for helper, assumed in state.if_helpers_return_json(lambda t, a=arg, r=state.requests: bool(_taint(a, t, r))):
                kind = _taint(arg, assumed, state.requests)
                if kind:
                    out.append((callee, position, keyword, kind, call.lineno, call.col_offset + 1, (helper,)))
    return tuple(out)


def _returns_json(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A helper that hands back the request's JSON body as it came (``data = request.get_json(); ...;
    return data``): its callers hold raw request data."""
    requests = _request_names(func)
    if not any(isinstance(n, (ast.Name, ast.Attribute)) and dotted(n) in requests for n in walked(func)):
        return False
    tainted = _tainted_names(func, requests)
    return any(isinstance(n, ast.Return) and _taint(n.value, tainted, requests) == "json" for n in walked(func))


def _helper_results(func: ast.AST, names: Mapping[str, str], local: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names assigned from a call to a JSON-returning helper of the file (``local``), and from calls to imported
    functions that may be one (name -> the function's full name)."""
    known: dict[str, str] = {}
    maybe: dict[str, str] = {}
    for node in walked(func):
        if not isinstance(node, ast.Assign):
            continue
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not isinstance(value, ast.Call) or not isinstance(value.func, (ast.Name, ast.Attribute)):
            continue
        called = dotted(value.func)
        head, _, rest = called.partition(".")
        for target in node.targets:
            if not isinstance(target, ast.Name):
                continue
            if called in local:
                known[target.id] = called
            elif head in names:
                maybe[target.id] = names[head] + (f".{rest}" if rest else "")
    return known, maybe


def _one_per_line(problems: list[tuple[int, int, str]]) -> tuple[tuple[int, int, str], ...]:
    """One finding per line, however many filters the line holds."""
    first: dict[int, tuple[int, int, str]] = {}
    for problem in sorted(problems):
        first.setdefault(problem[0], problem)
    return tuple(first.values())


def _lookup_keywords(call: ast.Call, tainted: Mapping[str, str], requests: set[str]) -> str:
    """Eve and Superdesk services take the filter as keywords: ``service.find_one(req=None, _id=user_id)``."""
    for keyword in call.keywords:
        kind = _taint(keyword.value, tainted, requests)
        if keyword.arg is None and kind in ("query", "json"):
            return "request data is spread into the lookup"
        if keyword.arg not in (None, "req") and kind in ("json", "value"):
            return ("a JSON request value (which may be an operator object like {\"$ne\": null}) is used as "
                    f"the {keyword.arg} lookup value")
    return ""


# Typed parameters cannot carry regular-expression syntax.
_PLAIN_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "ObjectId", "PydanticObjectId", "date", "datetime"})
_REGEX_NEEDLES = ("$regex", "compile", "Regex")
_PATTERN_BUILDERS = frozenset({"re.compile", "Regex", "bson.Regex", "bson.regex.Regex"})


def _request_derived(func: ast.AST, requests: set[str]) -> set[str]:
    """Local names computed from the request, whatever their type (a query-string value is text a pattern takes)."""
    derived: set[str] = set()
    assigns = [n for n in walked(func) if isinstance(n, ast.Assign)]
    for _ in range(3):
        before = len(derived)
        for node in assigns:
            if any(isinstance(n, (ast.Name, ast.Attribute)) and (dotted(n) in requests or
                                                                   isinstance(n, ast.Name) and n.id in derived)
                   for n in ast.walk(node.value)):
                derived.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if len(derived) == before:
            break
    return derived


def _regex_problems(source: SourceFile) -> list[tuple[int, int, str]]:
    """Regular expressions built from unescaped input and used as a filter value.

    ``{"_id": {"$regex": "^" + id}}`` with ``id`` from the URL matches every document when the caller sends
    ``.*``, and a crafted pattern can pin the database (ReDoS). A pattern counts when a piece pasted into it is
    request data or a parameter of the function, and no ``re.escape`` is applied to it.
    """
    if not any(n in source.text for n in _REGEX_NEEDLES):
        return []
    problems: list[tuple[int, int, str]] = []
    per_function: dict[int, tuple[set[str], set[str], set[str]]] = {}

    def context(node: ast.AST) -> tuple[set[str], set[str], set[str]] | None:
        func = enclosing_function(source, node)
        if func is None:
            return None
        if id(func) not in per_function:
            requests = _request_names(func)
            params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
                      if a.arg not in ("self", "cls") and not (
                          a.annotation is not None and dotted(a.annotation).rpartition(".")[2] in _PLAIN_ANNOTATIONS)}
            escaped = {t.id for n in ast.walk(func) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                       and call_name(n.value) == "escape" for t in n.targets if isinstance(t, ast.Name)}
            per_function[id(func)] = (requests, _request_derived(func, requests) - escaped, params - escaped)
        return per_function[id(func)]

    def unescaped(pattern: ast.AST, where: ast.AST) -> bool:
        found = context(where)
        if found is None:
            return False
        requests, derived, params = found
        if any(isinstance(n, ast.Call) and call_name(n) == "escape" for n in ast.walk(pattern)):
            return False
        built = isinstance(pattern, (ast.BinOp, ast.JoinedStr)) or (
            isinstance(pattern, ast.Call) and call_name(pattern) == "format")
        for node in ast.walk(pattern):
            if isinstance(node, ast.Name) and (node.id in derived or built and node.id in params):
                return True
            if isinstance(node, (ast.Attribute, ast.Name)) and dotted(node) in requests and pattern is not node:
                return True
        return False

    compiled: dict[str, ast.Call] = {}  # regex = re.compile(...) used later as a filter value
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        if isinstance(node.value, ast.Call) and call_name(node.value) in ("compile", "Regex") and node.value.args:
            compiled.update({t.id: node.value for t in node.targets if isinstance(t, ast.Name)})
    message = ("a regular expression built from unescaped input is used as a filter: `.*` matches every "
               "document and a crafted pattern can stall the database; wrap the input in re.escape()")
    for node in source.nodes(ast.Dict):
        assert isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "$regex":
                if unescaped(value, node):
                    problems.append((key.lineno, key.col_offset + 1, f"$regex: {message}"))
                continue
            call = compiled.get(value.id) if isinstance(value, ast.Name) else value
            if isinstance(call, ast.Call) and call.args and dotted(call.func) in _PATTERN_BUILDERS and \
                    enclosing_function(source, call) is enclosing_function(source, node) and \
                    unescaped(call.args[0], call):
                problems.append((call.lineno, call.col_offset + 1, f"{dotted(call.func)}(): {message}"))
    return sorted(set(problems))


_HELPER_QUERY = (
    "from flask import Flask, jsonify, request\n\nfrom app.db import orders\n\napp = Flask(__name__)\n\n\n"
    "def find_orders(filters: dict) -> list:\n    return list(orders.find(filters, {{'_id': 0}}))\n\n\n"
    "@app.route('/orders')\ndef list_orders():\n    return jsonify(find_orders({arg}))\n"
)


_QUERY_NEEDLES = ("$where", "request", "req.")  # where a query may take request data
# Query methods only a MongoDB collection (or an Eve service) has: ``.find(`` alone is mostly str.find.
_MONGO_METHOD_NEEDLES = (".find_one", ".update_one(", ".update_many(", ".delete_one(", ".delete_many(",
                         ".count_documents(", ".replace_one(")


class NosqlInjection(Check):
    id = "nosql-injection"
    category = "database-security"
    severity = "critical"
    effort = "1-2d"
    title = "NoSQL injection"
    rationale = (
        "Request data used as a MongoDB filter lets a caller send operators: `{\"password\": {\"$ne\": null}}` "
        "logs in without a password, `dict(request.query_params)` lets anyone query any field; `$where` runs "
        "JavaScript built from strings on the server."
    )
    remediation = (
        "Build filters from validated, typed values only: `{\"_id\": ObjectId(order_id), \"tenant\": user.tenant}`; "
        "validate bodies with a schema (pydantic, marshmallow) so values are strings or numbers, never objects; "
        "whitelist filterable fields; replace `$where` with query operators or `$expr`; pass text put into a "
        "pattern through `re.escape()`."
    )
    scoring = ("Count: each possible injection halves the score (one exploitable filter is enough, however large "
               "the code base).")
    # the client's construction (mongo), and helper modules that only query (a collection handle imported)
    needles = (*_QUERY_NEEDLES, *_REGEX_NEEDLES, "mongo", "Mongo", "MONGO", *_MONGO_METHOD_NEEDLES)
    equivalents = (
        Equivalent("call", ("find(dict(request.args))", "find(request.json)", "find({'f': body['f']})"), True,
                   "request data as a filter or a filter value: a JSON value may be an operator object"),
        Equivalent("call", ("helper(request.json) -> find(...)",), True,
                   "request data reaching a filter through a helper, one call level away (in any module)"),
        Equivalent("argument", ("$where",), True, "JavaScript run on the server"),
        Equivalent("argument", ("{'$regex': user_text}",), True, "an unescaped pattern matches what the caller wants"),
        Equivalent("call", ("request.args.get('f')", "ObjectId(value)", "int(value)", "re.escape(value)"), False,
                   "a query-string value is a string, converted or escaped values are no operators"),
        Equivalent("call", ("str.find()",), False, "not a query"),
        Equivalent("file", ("a MongoDB connector in a service on SQL",), False, "the users' database, not the service's"),
    )
    examples = (
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/api.py": "from fastapi import FastAPI, Request\nfrom app.db import orders\n\napp = FastAPI()\n\n\n"
                               "@app.get('/orders/search')\nasync def search(request: Request):\n"
                               "    return list(orders.find(dict(request.query_params)))\n"},
                findings=1, lines=(9,), note="query string straight into find()"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nusers = MongoClient().shop.users\n",
                 "app/login.py": "from flask import request\nfrom app.db import users\n\n\ndef login():\n"
                                 "    body = request.get_json()\n"
                                 "    return users.find_one({'name': body['name'], 'password': body['password']})\n"},
                findings=1, lines=(7,), note="JSON values may be operator objects"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n\n\n"
                              "def slow(n):\n    return orders.find({'$where': 'this.total > ' + n})\n"},
                findings=1, lines=(7,), note="$where"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/api.py": "from flask import request\nfrom app.db import orders\n\n\ndef search():\n"
                               "    status = request.args.get('status', 'new')\n"
                               "    return list(orders.find({'status': status}))\n"},
                findings=0, status="pass", note="a query-string value is a string, not an operator"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/api.py": "def text(request):\n    return 'abc'.find(request.args)\n"},
                findings=0, status="pass", note="str.find on a literal"),
        Example({"mylib/x.py": "def f(request, coll):\n    return coll.find(request.json)\n"}, findings=0, status="n/a",
                note="no MongoDB in the project"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/api.py": _HELPER_QUERY.format(arg="request.args.to_dict()")}, findings=1, lines=(14,),
                note="request data reaches the filter through a helper, followed one call level"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/api.py": _HELPER_QUERY.format(arg="{'status': request.args.get('status', 'new')}")},
                findings=0, status="pass", note="a helper given a filter built from one query-string value"),
        Example({"app/models.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
                 "app/sources/mongo.py": "from pymongo import MongoClient\n\n\nclass MongoSource:\n"
                 "    def __init__(self, configuration: dict) -> None:\n"
                 "        self.client = MongoClient(configuration['connectionString'])\n\n"
                 "    def run(self, request):\n        return list(self.client.db.items.find(request.json))\n"},
                status="n/a", note="a MongoDB data-source connector in a service that runs on a SQL database"),
        Example({"app/store.py": "from pymongo import MongoClient\n\n\nclass Store:\n    def __init__(self) -> None:\n"
                 "        self.db = MongoClient().monitoring\n\n"
                 "    def delete_alert(self, id):\n        return self.db.alerts.delete_one({'_id': {'$regex': '^' + id}})\n"},
                findings=1, lines=(9,), note="an id prefix pasted into $regex: `.*` deletes any alert"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nusers = MongoClient().shop.users\n",
                 "app/views.py": "import re\n\nimport flask\n\nfrom app.db import users\n\n\ndef search():\n"
                                 "    regex = re.compile('.*{}.*'.format(flask.request.args.get('q')), re.IGNORECASE)\n"
                                 "    return list(users.find({'$or': [{'first_name': regex}, {'last_name': regex}]}))\n"},
                findings=1, lines=(9,), note="a search term formatted into a compiled pattern"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nusers = MongoClient().shop.users\n",
                 "app/views.py": "import re\n\nfrom flask import request\n\nfrom app.db import users\n\n\ndef search():\n"
                                 "    term = re.escape(request.args.get('q', ''))\n"
                                 "    return list(users.find({'name': {'$regex': '^' + term, '$options': 'i'}}))\n\n\n"
                                 "def page(number: int):\n    return list(users.find({'page': {'$regex': f'^{number}-'}}))\n"},
                findings=0, status="pass", note="escaped input, and a typed number, in a pattern"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nclient = MongoClient()\n",
                 "app/analytics.py": "from bson import ObjectId\nfrom flask import request\n\nfrom app.services import blogs\n\n\n"
                                     "def hit():\n    data = request.get_json()\n"
                                     "    blog = blogs.find_one(req=None, _id=data['blog_id'])\n"
                                     "    same = blogs.find_one(req=None, _id=ObjectId(data['blog_id']))\n"
                                     "    return blog, same\n"},
                findings=1, lines=(9,), note="a JSON value as an Eve service lookup keyword; ObjectId() makes it safe"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nusers = MongoClient().shop.users\n",
                 "app/share.py": "from flask import request\n\nfrom app.db import users\n\n\ndef share():\n"
                                 "    data = request.get_json()\n    for user_id in data['users']:\n"
                                 "        users.update_one({'_id': user_id}, {'$inc': {'shares': 1}})\n"
                                 "    for key in data:\n        users.find_one({'field': key})\n"},
                findings=1, lines=(9,), note="each element of a JSON list may be an operator object; the body's keys are text"),
        Example({"app/db.py": "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n",
                 "app/repo.py": "from app.db import orders\n\n\ndef find_orders(filters: dict) -> dict:\n"
                                "    return orders.find_one(filters)\n\n\n"
                                "def contains(text: str, needle: str) -> bool:\n    return text.find(needle) >= 0\n",
                 "app/api.py": "from flask import Flask, jsonify, request\n\nfrom app import repo\nfrom app.repo import find_orders\n\n"
                               "app = Flask(__name__)\n\n\n@app.route('/orders')\ndef list_orders():\n"
                               "    return jsonify(find_orders(request.args.to_dict()))\n\n\n"
                               "@app.route('/orders/by-status')\ndef by_status():\n"
                               "    return jsonify(repo.find_orders({'status': request.args.get('status', 'new')}))\n\n\n"
                               "@app.route('/orders/named')\ndef named():\n"
                               "    return jsonify(repo.contains('orders', request.args.to_dict()))\n"},
                findings=1, lines=(11,),
                note="request data reaches a helper of another module, followed one call level (str.find is no query)"),
        Example({"app/db.py": "from pymongo import MongoClient\n\nusers = MongoClient().shop.users\n",
                 "app/utils.py": "from flask import abort, request\n\n\ndef get_json_or_400():\n"
                                 "    data = request.get_json()\n    if not isinstance(data, dict):\n        abort(400)\n"
                                 "    return data\n\n\ndef current_user():\n    return {'_id': 1}\n",
                 "app/views.py": "from app.db import users\nfrom app.utils import current_user, get_json_or_400\n\n\n"
                                 "def share():\n    data = get_json_or_400()\n    user = current_user()\n"
                                 "    for user_id in data['users']:\n        users.find_one({'_id': user_id})\n"
                                 "    return users.find_one({'_id': user['_id']})\n"},
                findings=1, lines=(9,), note="the JSON body handed back by another module's helper reaches a filter"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        out = FileOutcome()
        client = mongo_facts(source)  # a connector built from runtime configuration is not the service's database
        if client.clients:
            out.counts["mongo_clients"] += len(client.clients)
        if client.own or client.settings:
            out.counts["mongo_own"] += 1
        assert source.tree is not None
        module = module_name(source.path)
        top = {stmt.name: stmt for stmt in source.tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
        problems: list[tuple[int, int, str]] = _regex_problems(source)
        queries = [call for call, _collection in query_calls(source)]
        sinks = _helper_sinks(source, queries)
        exported = _exported_sinks(module, top, sinks)
        for node in source.nodes(ast.Dict):
            for key in getattr(node, "keys", []):
                if isinstance(key, ast.Constant) and key.value == "$where":
                    problems.append((key.lineno, key.col_offset + 1,
                                     "$where evaluates JavaScript on the server; use query operators or $expr"))
        names = import_names(source, module, source.path.endswith("__init__.py"))
        json_helpers = {name for name, stmt in top.items() if _returns_json(stmt)}
        per_function: dict[int, _Flow] = {}

        def flow(func: ast.AST) -> _Flow:
            if id(func) not in per_function:
                requests = _request_names(func)  # type: ignore[arg-type]
                known, maybe = _helper_results(func, names, json_helpers)
                seed = dict.fromkeys(known, "json")
                per_function[id(func)] = _Flow(func, requests, _tainted_names(func, requests, seed), seed, maybe)
            return per_function[id(func)]

        problems += _through_helpers(source, sinks, flow)
        conditional: list[tuple[int, int, str, tuple[str, ...]]] = []
        for call in queries:
            func = enclosing_function(source, call)
            if func is None:
                out.counts["queries"] += 1
                continue
            if _receiver_is_local(call, func):
                continue  # text.find(needle): a string's method
            out.counts["queries"] += 1
            state = flow(func)
            method = call_name(call)
            why = self._reason(call, state.tainted, state.requests)
            if why:
                problems.append((call.lineno, call.col_offset + 1, f"{method}(): {why}"))
                continue
            judged = state.if_helpers_return_json(lambda t, c=call, r=state.requests: bool(self._reason(c, t, r)))
            for helper, assumed in judged:
                why = self._reason(call, assumed, state.requests)
                if why:
                    conditional.append((call.lineno, call.col_offset + 1, f"{method}(): {why}", (helper,)))
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) == "objects" and any(
                (k.arg in (None, "__raw__")) and _taint(k.value, _tainted_names(enclosing_function(source, call) or call,
                                                                                 _REQUEST_NAMES), set(_REQUEST_NAMES))
                for k in call.keywords
            ):
                problems.append((call.lineno, call.col_offset + 1, f"{call_name(call)}(): request data used as the query"))
        calls = _imported_calls(source, flow, names, top)
        sources = tuple(f"{module}.{name}" for name in sorted(json_helpers))
        if not problems and not out.counts and not exported and not calls and not sources:
            return None
        out.facts = _Injections(_one_per_line(problems), exported, calls, sources, tuple(conditional))
        return out

    @classmethod
    def _reason(cls, call: ast.Call, tainted: Mapping[str, str], requests: set[str]) -> str:
        if call_name(call) == "aggregate":
            return cls._pipeline(_filter_of(call), tainted, requests)
        return _filter_reason(call, tainted, requests)

    @staticmethod
    def _pipeline(node: ast.AST | None, tainted: Mapping[str, str], requests: set[str]) -> str:
        if _taint(node, tainted, requests) in ("query", "json"):
            return "the whole pipeline comes from the request"
        if isinstance(node, ast.List):
            for stage in node.elts:
                if isinstance(stage, ast.Dict):
                    for key, value in zip(stage.keys, stage.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "$match":
                            reason = _dangerous(value, tainted, requests)
                            if reason:
                                return f"$match: {reason}"
        return ""

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not profile_of(project).mongodb:
            return Verdict(NotApplicable(NO_MONGO))
        if (command := mongo_only_in_commands(project)) is not None:
            return Verdict(NotApplicable(f"MongoDB is used only by a command or a script ({command}) in a service that runs on "
                                         "a SQL database"))
        sql = any(imports_sql(modules) for modules in project.imports.values())
        if collected.counts["mongo_clients"] and not collected.counts["mongo_own"] and sql:
            return Verdict(NotApplicable("MongoDB is only a connector built from runtime configuration in a service "
                                         "that runs on a SQL database"))
        findings = tuple(sorted(deferred_findings(project, collected, self.id) + _across_modules(project, collected)))
        queries = collected.counts["queries"]
        noun = "possible NoSQL injection" if len(findings) == 1 else "possible NoSQL injections"
        return Verdict(
            Count(len(findings), "possible NoSQL injections"),
            summary=f"{len(findings)} {noun} in {queries} MongoDB quer{'y' if queries == 1 else 'ies'}",
            findings=findings,
        )


def _across_modules(project: Project, collected: Collected) -> tuple[Finding, ...]:
    """Request data handed to a helper of another module whose parameter reaches a query filter, and the
    JSON body a helper of another module returns (``data = get_json_or_400()``) reaching a filter: one call
    level, as within a file."""
    sinks: dict[str, list[tuple[str, int, str, str, str, int]]] = {}
    sources: set[str] = set()
    for path, facts in collected.facts.items():
        for name, position, param, kind, method, line in getattr(facts, "sinks", ()):
            for full in {name, name.removeprefix("src.")}:
                sinks.setdefault(full, []).append((path, position, param, kind, method, line))
        sources.update(n for name in getattr(facts, "sources", ()) for n in (name, name.removeprefix("src.")))
    out: dict[tuple[str, int], Finding] = {}
    for path, facts in sorted(collected.facts.items()):
        done = {line for line, _column, _message in getattr(facts, "problems", ())}
        for line, column, message, helpers in getattr(facts, "conditional", ()):
            if line not in done and set(helpers) & sources and not inline_suppressed(project, path, line, NosqlInjection.id):
                out[(path, line)] = Finding(path, line, column, NosqlInjection.id, message)
        for callee, position, keyword, got, line, column, helpers in getattr(facts, "calls", ()):
            if line in done or (path, line) in out or (helpers and not set(helpers) & sources):
                continue
            for where, at, param, kind, method, query_line in sinks.get(callee, ()):
                if where == path or not (position == at or keyword == param):
                    continue
                if (got == kind or kind == "value" and got in ("json", "value")) and \
                        not inline_suppressed(project, path, line, NosqlInjection.id):
                    out[(path, line)] = Finding(
                        path, line, column, NosqlInjection.id,
                        f"{callee.rpartition('.')[2]}(): request data reaches the {method}() filter at "
                        f"{where}:{query_line} through its parameter {param}")
                    break
    return tuple(out.values())


@dataclass(frozen=True)
class _RouteFacts:
    routes: FileRoutes


class QueryValidation(Check):
    id = "query-validation"
    category = "database-security"
    severity = "high"
    effort = "2-3d"
    title = "Inputs validated before queries"
    rationale = (
        "A write endpoint that stores or queries with the raw request body accepts any shape: unexpected fields "
        "(mass assignment), operator objects, wrong types. A schema makes the contract explicit and rejects the rest."
    )
    remediation = (
        "Declare the body as a model: a pydantic parameter in FastAPI (`def create(order: OrderIn)`), marshmallow "
        "or pydantic `.load()`/`model_validate()` in Flask, a Form or DRF serializer `.is_valid()` in Django."
    )
    scoring = ("Share of write routes (POST/PUT/PATCH, GraphQL mutations) reading a body whose handler takes a validated "
               "model or validates it: a schema or serializer, a model's own parser, flask-restx `expect()` with validation on, "
               "required or allow-listed fields, "
               "fields converted, checked or only used to look a row up one by one, typed GraphQL arguments, an Eve "
               "schema. OAuth code exchanges "
               "and inbound webhooks are left out.")
    needles = ROUTE_NEEDLES
    examples = (
        Example({"app/main.py": "from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
                                "class OrderIn(BaseModel):\n    sku: str\n    qty: int\n\n\n@app.post('/orders')\n"
                                "def create(order: OrderIn) -> dict:\n    return {}\n"}, findings=0, status="pass"),
        Example({"app/api.py": "from flask import Flask\nfrom flask_restful import Api, Resource, reqparse\n\n"
                               "app = Flask(__name__)\napi = Api(app, prefix='/api/0')\n\n\nclass DeployIndex(Resource):\n"
                               "    post_parser = reqparse.RequestParser()\n"
                               "    post_parser.add_argument('app', required=True)\n"
                               "    post_parser.add_argument('env', choices=('production', 'staging'))\n\n"
                               "    def post(self):\n        args = self.post_parser.parse_args()\n"
                               "        return {'app': args.app}, 201\n\n\napi.add_resource(DeployIndex, '/deploys/')\n"},
                findings=0, status="pass", note="flask-restful's reqparse reads the body's fields, required and allow-listed"),
        Example({"app/views.py": "from flask import Blueprint, redirect\n\nfrom app.forms import IncidentForm\n"
                                 "from app.models import db\n\n"
                                 "bp = Blueprint('main', __name__)\n\n\n@bp.route('/api/incidents', methods=['POST'])\n"
                                 "def new_incident():\n    form = IncidentForm()\n    if form.validate_on_submit():\n"
                                 "        db.session.add(form.to_incident())\n        db.session.commit()\n"
                                 "    return redirect('/incidents')\n"},
                findings=0, status="pass", note="a Flask-WTF form reads the submitted fields and validates them"),
        Example({"app/main.py": "from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n@app.post('/orders')\n"
                                "async def create(request: Request) -> dict:\n    body = await request.json()\n"
                                "    return body\n"}, findings=1, lines=(7,), note="raw request.json()"),
        Example({"app/main.py": "from fastapi import FastAPI\n\nfrom app import pubsub\n\napp = FastAPI()\n\n\n"
                                "@app.post('/push/{list_name}')\nasync def push(raw: dict, list_name: str) -> dict:\n"
                                "    attributes = dict(raw)\n    await pubsub.push(list_name, attributes.pop('data'), attributes)\n"
                                "    return {}\n"},
                findings=1, lines=(9,), note="a body typed as a plain dict: FastAPI checks nothing inside it"),
        Example({"app/main.py": "from flask import Flask, request\n\nfrom app.models import Entity, db\n\napp = Flask(__name__)\n\n\n"
                                "@app.route('/api/collections/<int:cid>/bulk', methods=['POST'])\n"
                                "@app.route('/api/collections/<int:cid>/_bulk', methods=['POST'])\n"
                                "def bulk(cid):\n    data = request.get_json()\n"
                                "    db.entities.insert_many(data['entities'])\n    return data, 201\n"},
                findings=1, lines=(10,), note="one handler under two paths is one thing to fix: one finding, naming both"),
        Example({"calls/urls.py": "from django.urls import path\n\nfrom calls import views\n\n"
                                  "urlpatterns = [\n    path('twilioapp/sms_status_events/', views.SMSStatusCallback.as_view()),\n"
                                  "    path('api/v1/notes/', views.NoteView.as_view()),\n]\n",
                 "calls/views.py": "from rest_framework.permissions import BasePermission\nfrom rest_framework.response import Response\n"
                                   "from rest_framework.views import APIView\nfrom twilio.request_validator import RequestValidator\n\n"
                                   "from calls.models import Note, SMS\n\n\nclass AllowOnlyTwilio(BasePermission):\n"
                                   "    def has_permission(self, request, view):\n        validator = RequestValidator(TOKEN)\n"
                                   "        return validator.validate(request.build_absolute_uri(), request.POST,\n"
                                   "                                  request.META.get('HTTP_X_TWILIO_SIGNATURE', ''))\n\n\n"
                                   "class SMSStatusCallback(APIView):\n    permission_classes = [AllowOnlyTwilio]\n\n"
                                   "    def post(self, request):\n"
                                   "        SMS.objects.filter(sid=request.data['MessageSid']).update(**request.data)\n"
                                   "        return Response(status=204)\n\n\n"
                                   "class NoteView(APIView):\n    def post(self, request):\n"
                                   "        Note.objects.create(**request.data)\n        return Response(status=201)\n"},
                findings=1, lines=(25,),
                note="a provider's callback whose permission class checks its signature is an inbound webhook"),
        Example({"app.py": "from flask import Flask, jsonify, render_template, request\n\n"
                           "from app import index, media\nfrom app.models import SavedSearch\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/search', methods=['POST'])\ndef search():\n"
                           "    return jsonify(index.run(request.json))\n\n\n"
                           "@app.route('/api/v1/messages/preview-async', methods=['POST'])\ndef preview():\n"
                           "    return render_template('preview.html', text=request.form.get('text'))\n\n\n"
                           "@app.route('/api/v1/saved-search', methods=['POST'])\ndef save_search():\n"
                           "    return jsonify(SavedSearch.create(request.json))\n\n\n"
                           "@app.route('/api/v1/preview-files', methods=['POST'])\ndef preview_files():\n"
                           "    return jsonify(media.receive(request.json))\n"},
                findings=2, lines=(20, 25), note="a search or a preview sent as POST writes nothing; a saved search "
                                                 "created, or a collection of preview files, is written"),
        Example({"app.py": "from flask import Flask, request\n\nfrom app import accounts, settings_store\n\n"
                           "app = Flask(__name__)\n\n\n@app.route('/auth/magic-sign-in/', methods=['POST'])\ndef magic_sign_in():\n"
                           "    return accounts.send_code(request.json)\n\n\n"
                           "@app.route('/auth/oidc-callback-token', methods=['POST'])\ndef oidc_token():\n"
                           "    return accounts.exchange(request.json)\n\n\n"
                           "@app.route('/api/v1/sso-settings', methods=['PUT'])\ndef sso_settings():\n"
                           "    settings_store.save(request.json)\n    return {}\n"},
                findings=1, lines=(19,), note="sign-in steps named in one segment (magic-sign-in, oidc-callback-token) "
                                              "are left out; a protocol's settings are the API's own resource"),
        Example({"app/main.py": "import json\n\nfrom fastapi import FastAPI, Request\n\nfrom app import billing, devices\n\n"
                                "app = FastAPI()\n\n\n@app.post('/api/billing/events')\nasync def billing_events(request: Request):\n"
                                "    payload = await request.body()\n"
                                "    event = billing.verify(payload, request.headers['stripe-signature'])\n"
                                "    billing.apply(json.loads(payload))\n    return {'received': event['id']}\n\n\n"
                                "@app.post('/api/devices/{device_id}/state')\n"
                                "async def device_state(device_id: str, request: Request):\n"
                                "    devices.check(request.headers.get('Auth-Signature'))\n"
                                "    devices.store(device_id, await request.json())\n    return {}\n"},
                findings=1, lines=(19,), note="a provider's signature header marks its inbound webhook; a client's own "
                                              "signed request to the API is still judged"),
        Example({"notes/__init__.py": "",
                 "notes/urls.py": "from django.urls import path\n\nfrom notes import views\n\n"
                                  "urlpatterns = [\n    path('notes/new/', views.NoteCreate.as_view()),\n"
                                  "    path('notes/<int:pk>/edit/', views.NoteEdit.as_view()),\n"
                                  "    path('notes/import/', views.NoteImport.as_view()),\n]\n",
                 "notes/views.py": "from django.shortcuts import redirect, render\n"
                                   "from django.views.generic import CreateView, FormView, UpdateView\n\n"
                                   "from notes.forms import NoteForm\nfrom notes.models import Note\n\n\n"
                                   "class PreviewMixin(FormView):\n    def post(self, request, *args, **kwargs):\n"
                                   "        if 'preview' in request.POST:\n"
                                   "            return render(request, 'preview.html', {'text': request.POST.get('text')})\n"
                                   "        return super().post(request, *args, **kwargs)\n\n\n"
                                   "class NoteCreate(CreateView):\n    form_class = NoteForm\n\n"
                                   "    def post(self, request, *args, **kwargs):\n"
                                   "        if 'preview' in request.POST:\n"
                                   "            return render(request, 'preview.html', {'text': request.POST.get('text')})\n"
                                   "        return super().post(request, *args, **kwargs)\n\n\n"
                                   "class NoteEdit(PreviewMixin):\n    form_class = NoteForm\n\n\n"
                                   "class NoteImport(UpdateView):\n    form_class = NoteForm\n\n"
                                   "    def post(self, request, *args, **kwargs):\n"
                                   "        Note.objects.create(text=request.POST.get('text'), owner=request.user)\n"
                                   "        return redirect('/notes/')\n"},
                findings=1, lines=(31,), note="a form view's post that shows a preview, then hands on to super().post(), "
                                              "where the form class validates; one storing the field itself does not"),
        Example({"dash/urls.py": "from django.urls import path\n\nfrom dash import views\n\n"
                                 "urlpatterns = [path('api/dashboards', views.DashboardView.as_view())]\n",
                 "dash/views.py": "import json\n\nfrom django.http import JsonResponse\nfrom django.views import View\n\n"
                                  "from dash.models import Dashboard\n\n\nclass DashboardView(View):\n    def post(self, request):\n"
                                  "        try:\n            body = json.loads(request.body)\n        except ValueError:\n"
                                  "            return JsonResponse({'error': 'invalid JSON'}, status=400)\n"
                                  "        dashboard_id = body.get('dashboard_id')\n        if not dashboard_id:\n"
                                  "            return JsonResponse({'error': 'dashboard_id required'}, status=400)\n"
                                  "        dashboard = Dashboard.objects.filter(user=request.user, id=dashboard_id).first()\n"
                                  "        if body.get('set_default') is True:\n            dashboard.is_default = True\n"
                                  "            dashboard.save()\n        return JsonResponse({'id': str(dashboard_id)})\n"},
                findings=0, status="pass", note="json.loads(request.body): every field required or tested by hand"),
        Example({"dash/urls.py": "from django.urls import path\n\nfrom dash import views\n\n"
                                 "urlpatterns = [path('api/dashboards', views.DashboardView.as_view())]\n",
                 "dash/views.py": "import json\n\nfrom django.http import JsonResponse\nfrom django.views import View\n\n"
                                  "from dash.models import Dashboard\n\n\nclass DashboardView(View):\n    def post(self, request):\n"
                                  "        body = json.loads(request.body)\n        dashboard = Dashboard.objects.create(**body)\n"
                                  "        return JsonResponse({'id': str(dashboard.id)})\n"},
                findings=1, note="json.loads(request.body) handed whole to the model"),
        Example({"app.py": "from flask import Flask, request\nfrom app.schemas import OrderSchema\n\n"
                           "app = Flask(__name__)\n\n\n@app.route('/orders', methods=['POST'])\ndef create():\n"
                           "    data = OrderSchema().load(request.get_json())\n    return data\n"},
                findings=0, status="pass", note="marshmallow load"),
        Example({"app.py": "from flask import Flask, request\nfrom flask.views import MethodView\n\n"
                           "from app.helpers import load_schema, loads_schema\nfrom app.schemas import TagSchema, "
                           "UploadSchema\n\napp = Flask(__name__)\n\n\nclass TagResource(MethodView):\n"
                           "    def put(self, ident):\n        obj = loads_schema(request.get_data(as_text=True), TagSchema())\n"
                           "        return {'tag': obj['tag']}\n\n    def post(self):\n"
                           "        obj = load_schema(request.form.to_dict(), UploadSchema())\n        return obj\n\n\n"
                           "app.add_url_rule('/tag/<ident>', view_func=TagResource.as_view('tag'))\n"},
                findings=0, status="pass", note="a project's own schema loaders over the raw body (request.get_data)"),
        Example({"app.py": "import json\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/tags', methods=['POST'])\ndef create():\n"
                           "    obj = json.loads(request.get_data())\n    return {'tag': obj['tag']}\n"},
                findings=1, lines=(9,), note="the raw body parsed by hand"),
        Example({"shelf/__init__.py": "",
                 "shelf/urls.py": "from django.urls import path\n\nfrom shelf import views\n\n"
                                  "urlpatterns = [path('api/v1/unshelve/', views.unshelve), path('api/v1/follow/', views.follow)]\n",
                 "shelf/views.py": "from django.http import JsonResponse\nfrom django.shortcuts import get_object_or_404\n"
                                   "from django.views.decorators.http import require_POST\n\n"
                                   "from shelf.models import Book, ShelfBook\nfrom shelf.users import get_user_from_username\n\n\n"
                                   "@require_POST\ndef unshelve(request):\n"
                                   "    item = get_object_or_404(ShelfBook, id=request.POST.get('id'))\n"
                                   "    item.delete()\n    return JsonResponse({})\n\n\n"
                                   "@require_POST\ndef follow(request):\n    username = request.POST['user']\n"
                                   "    target = get_user_from_username(request.user, username)\n"
                                   "    request.user.follows.add(target)\n    return JsonResponse({})\n"},
                findings=0, status="pass", note="one form field that only selects the row to change, or a 404"),
        Example({"notes/__init__.py": "",
                 "notes/urls.py": "from django.urls import path\n\nfrom notes import views\n\n"
                                  "urlpatterns = [path('api/v1/notes/', views.add_note)]\n",
                 "notes/views.py": "from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n"
                                   "from notes.models import Note\n\n\n"
                                   "@require_POST\ndef add_note(request):\n    Note.objects.get_or_create(text=request.POST['text'])\n"
                                   "    return JsonResponse({})\n"},
                findings=1, lines=(8,), note="a field stored as it came (get_or_create creates)"),
        Example({"mt/__init__.py": "",
                 "mt/urls.py": "from django.urls import path\n\nfrom mt import views\n\n"
                               "urlpatterns = [path('api/v1/transform/', views.transform)]\n",
                 "mt/views.py": "from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n"
                                "from mt.services import TranslationService\n\n\n"
                                "@require_POST\ndef transform(request):\n    text = request.POST.get('text')\n"
                                "    return JsonResponse({'out': TranslationService().get_translation(text)})\n"},
                findings=1, lines=(8,), note="a field handed to a helper that is no lookup (get_translation)"),
        Example({"app.py": "from flask import Flask, request\nfrom flask_restx import Api, Resource, fields\n\n"
                           "app = Flask(__name__)\napi = Api(app)\nentry = api.model('Entry', {'cpe': fields.String(required=True)})\n\n\n"
                           "@api.route('/api/v1/whitelist')\nclass Whitelist(Resource):\n"
                           "    @api.expect(entry, validate=True)\n    def post(self):\n"
                           "        return insert(request.json)\n\n\n"
                           "@api.route('/api/v1/blacklist')\nclass Blacklist(Resource):\n"
                           "    @api.expect(entry)\n    def post(self):\n        return insert(request.json)\n"},
                findings=1, lines=(19,), note="flask-restx validates only an expect() with validate=True"),
        Example({"app.py": "from flask import Flask, request\nfrom flask_restx import Api, Resource, fields\n\n"
                           "app = Flask(__name__)\napp.config['RESTX_VALIDATE'] = True\napi = Api(app)\n"
                           "entry = api.model('Entry', {'cpe': fields.String(required=True)})\n\n\n"
                           "@api.route('/api/v1/blacklist')\nclass Blacklist(Resource):\n"
                           "    @api.expect(entry)\n    def post(self):\n        return insert(request.json)\n"},
                findings=0, status="pass", note="RESTX_VALIDATE turns validation on for every expect()"),
        Example({"main.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/generate-tags', methods=['POST'])\ndef generate_tags():\n    try:\n"
                            "        data = request.get_json()\n        image_path = data['image_path']\n"
                            "        confidence = data['confidence']\n    except Exception:\n        return '', 400\n"
                            "    return {'tags': infer(image_path, confidence)}, 201\n"},
                findings=0, status="pass", note="required fields: a missing one is answered with 400"),
        Example({"main.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/api/v1/tags', methods=['POST'])\ndef create_tag():\n    try:\n"
                            "        name = request.get_json()['name']\n    except KeyError:\n        name = 'untitled'\n"
                            "    Tag.create(name=name)\n    return {}, 201\n"},
                findings=1, lines=(7,), note="a missing field replaced, then stored as it came"),
        Example({"main.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/api/v1/secrets', methods=['POST'])\ndef create_secret():\n"
                            "    data = request.get_json()\n    if not data.get('pairs'):\n"
                            "        return jsonify({'error': 'pairs is a required field'}), 400\n"
                            "    if not isinstance(data.get('labels', {}), dict):\n"
                            "        return jsonify({'error': 'labels must be a dict'}), 400\n"
                            "    Secret(name=data['name'], pairs=data['pairs'], labels=data.get('labels')).save()\n"
                            "    return jsonify({}), 201\n"},
                findings=0, status="pass", note="required and type-checked fields, answered with 400, then taken by name"),
        Example({"main.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/api/v1/secrets', methods=['POST'])\ndef create_secret():\n"
                            "    data = request.get_json()\n    if not data:\n"
                            "        return jsonify({'error': 'empty body'}), 400\n"
                            "    Secret(name=data['name'], pairs=data['pairs']).save()\n    return jsonify({}), 201\n"},
                findings=1, lines=(7,), note="only the whole body tested for presence: no field is checked"),
        Example({"main.py": "from flask import Flask, abort, request\n\napp = Flask(__name__)\nFORMATS = ('text', 'html')\n\n\n"
                            "@app.route('/api/v1/convert', methods=['POST'])\ndef convert():\n"
                            "    text = request.values.get('q')\n    kind = request.values.get('format') or 'text'\n"
                            "    if not text:\n        abort(400, 'missing q')\n    if kind not in FORMATS:\n"
                            "        abort(400, 'unknown format')\n    return {'out': render(text, kind)}\n"},
                findings=0, status="pass", note="request.values is the form too: a required field and an allow-listed one"),
        Example({"main.py": "import json\n\nfrom flask import Flask, abort, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/api/v1/token', methods=['POST'])\ndef token():\n"
                            "    creds = json.loads(request.data.decode('utf-8'))\n    user = creds.get('username')\n"
                            "    if user is None:\n        abort(400, 'username is missing')\n"
                            "    return {'token': issue(user, creds.get('scope'))}\n"},
                findings=0, status="pass", note="json.loads(request.data) read field by field, one field required"),
        Example({"main.py": "from flask import Flask, abort, request\n\napp = Flask(__name__)\n\n\n"
                            "@app.route('/api/v1/entries', methods=['POST'])\ndef add_entries():\n"
                            "    for entry in request.json:\n        cpe = entry.get('cpe')\n"
                            "        if not cpe:\n            abort(400, 'missing cpe')\n"
                            "        Entry.add(cpe, entry.get('comment'))\n    return {}, 201\n\n\n"
                            "@app.route('/api/v1/imports', methods=['POST'])\ndef import_entries():\n"
                            "    for entry in request.json:\n        Entry.insert(entry)\n    return {}, 201\n"},
                findings=1, lines=(17,), note="a JSON list read item by item with a required field; items stored whole"),
        Example({"app/main.py": "from fastapi import FastAPI, HTTPException, Request\n\napp = FastAPI()\n\n\n"
                                "@app.post('/api/v1/clients')\nasync def create_client(request: Request) -> dict:\n"
                                "    data = await request.json()\n    if not isinstance(data.get('homeserver'), str):\n"
                                "        raise HTTPException(status_code=400, detail='homeserver must be text')\n"
                                "    return await register(data['homeserver'], data.get('token'))\n"},
                findings=0, status="pass", note="await request.json(), a field type-checked with a 400"),
        Example({"app.py": "import json\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/explain', methods=['POST'])\ndef explain():\n"
                           "    body = json.loads(request.data) if request.data else {}\n"
                           "    if 'query' not in body:\n        return {'error': 'query is required'}, 400\n"
                           "    return {'plan': plan(body['query'], body.get('dataset'))}\n"},
                findings=0, status="pass", note="a body defaulted when empty, then a required key"),
        Example({"app.py": "import json\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/queries', methods=['POST'])\ndef run_query():\n"
                           "    body = json.loads(request.data)\n    body['dry_run'] = True\n    dataset = body.pop('dataset')\n"
                           "    try:\n        return execute(dataset, body)\n    except InvalidQueryError as exc:\n"
                           "        return {'error': str(exc)}, 400\n\n\n"
                           "@app.route('/api/v1/jobs', methods=['POST'])\ndef run_job():\n"
                           "    body = json.loads(request.data)\n    try:\n        return schedule(body)\n"
                           "    except ConnectionError as exc:\n        return {'error': str(exc)}, 503\n"},
                findings=1, lines=(20,), note="the body handed to a callee whose invalid-input error is answered with 400 is "
                                              "validated there; a connection error is no such answer"),
        Example({"app.py": "from flask import Flask, redirect, render_template, request\n\nfrom app import forms\n\n"
                           "app = Flask(__name__)\n\n\n@app.route('/api/v1/import', methods=['GET', 'POST'])\ndef import_page():\n"
                           "    form = forms.importForm(formdata=request.form if request.method == 'POST' else None)\n"
                           "    return render_template('import.html', form=form)\n\n\n"
                           "@app.route('/api/v1/history/clear', methods=['POST'])\ndef clear_history():\n"
                           "    confirm = request.form.get('confirm', '')\n    if confirm.strip().lower() == 'clear':\n"
                           "        History.clear_all()\n    return redirect('/')\n\n\n"
                           "@app.route('/api/v1/tags', methods=['POST'])\ndef add_tag():\n"
                           "    name = request.form.get('name', '')\n    Tag.create(name=name.strip())\n    return redirect('/')\n"},
                findings=1, lines=(23,), note="a form bound only on POST and a confirmation compared after strip() are "
                                              "checked; a stripped name stored as it came is not"),
        Example({"photos/__init__.py": "",
                 "photos/urls.py": "from django.urls import path\n\nfrom photos import views\n\n"
                                   "urlpatterns = [path('api/photos/favorite/', views.SetFavorite.as_view())]\n",
                 "photos/views.py": "import logging\n\nfrom rest_framework.response import Response\n"
                                    "from rest_framework.views import APIView\n\nlogger = logging.getLogger(__name__)\n\n\n"
                                    "class SetFavorite(APIView):\n    def post(self, request):\n"
                                    "        data = dict(request.data)\n        favorite = data['favorite']\n"
                                    "        for image_hash in data['image_hashes']:\n"
                                    "            photo = Photo.objects.filter(image_hash=image_hash).first()\n"
                                    "            if photo is None:\n"
                                    "                logger.warning('no photo %s', image_hash)\n                continue\n"
                                    "            photo.rating = 5 if favorite else 0\n            photo.save()\n"
                                    "        return Response({})\n"},
                findings=0, status="pass", note="ids only used to look rows up, one by one, and a flag only tested"),
        Example({"app.py": "from flask import Flask, redirect, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/resources/<rid>/delete', methods=['POST'])\ndef delete(rid):\n"
                           "    if 'cancel' in request.form:\n        return redirect('/resources')\n"
                           "    Resource.delete(rid)\n    return {'deleted': rid}\n"},
                findings=0, status="pass", note="the form only tested for which button was pressed; no field is used"),
        Example({"app.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/resources/<rid>', methods=['POST'])\ndef update(rid):\n"
                           "    if 'cancel' in request.form:\n        return {}\n"
                           "    Resource.update(rid, request.form)\n    return {'updated': rid}\n"},
                findings=1, lines=(7,), note="after the button test, the whole form is stored"),
        Example({"app.py": "from http import HTTPMethod\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/notes', methods=[HTTPMethod.POST])\ndef add_note():\n"
                           "    Note.create(**request.form)\n    return {}, 201\n"},
                findings=1, lines=(9,), note="methods named by the standard library's HTTPMethod enum"),
        Example({"app/lib.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="no write routes"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        facts = route_facts(source)
        return FileOutcome(facts=_RouteFacts(facts)) if routes_worth_keeping(source, facts) else None

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        routes = [r for r in route_table(project, facts_of(collected.facts))
                  if r.is_write and r.fact.body and not r.ops and not r.signin and not r.webhook
                  and not r.relay and not _only_reads(r)]  # not sign-in flows, webhooks, relays, searches
        if not routes:
            return Verdict(NotApplicable("no write routes that read a request body"))
        every_expect = _restx_validates(project) if any("@expect" in r.fact.calls for r in routes) else False
        good = [r for r in routes if r.fact.body in ("model", "validated") or (every_expect and "@expect" in r.fact.calls)]
        # one handler serving several methods or paths is one thing to fix: one finding, naming the others
        by_place: dict[tuple[str, int, int], list[Route]] = {}
        for r in routes:
            if r.fact.body == "raw" and r not in good and not inline_suppressed(project, r.file, r.line, self.id):
                by_place.setdefault((r.file, r.line, r.fact.column), []).append(r)
        findings = tuple(
            Finding(same[0].file, same[0].line, same[0].fact.column, self.id,
                    f"{same[0].label} ({same[0].handler}) uses the raw request body without schema validation"
                    + (f" (also {', '.join(r.label for r in same[1:])})" if len(same) > 1 else ""))
            for same in by_place.values()
        )
        evidence = tuple(Evidence(f"{r.label} takes a validated body", r.file, r.line) for r in good[:5])
        return Verdict(Share(len(good), len(routes), "write routes", "validate their body"),
                       summary=f"{len(good)} of {len(routes)} write routes validate their body",
                       evidence=evidence, findings=findings)


# A POST that asks rather than stores: the last segment of a search or a preview (``POST /search``,
# ``/messages/preview-async``); words that only say how it is called are left aside.
_ASKING_WORDS = frozenset({"search", "preview"})
_MANNER_WORDS = frozenset({"async", "ajax", "json", "api", "post", "rendered", "html"})
_STORING_CALLS = frozenset({"save", "create", "add", "commit", "insert", "insert_one", "insert_many", "update",
                            "update_one", "update_many", "bulk_create", "get_or_create", "update_or_create", "delete",
                            "set", "put", "put_object", "upload", "store", "write"})


def _only_reads(route: Route) -> bool:
    """A search or preview endpoint sent as POST (a query too long for a URL, a draft to render) whose handler
    calls nothing that stores: it answers and writes nothing. A saved search or a collection of preview files
    (``/saved-search`` creating a row, ``/preview-files``) is a resource the API writes."""
    last = next((s for s in reversed(route.segments) if not s.startswith(("{", "<", "(", ":")) and "(?P<" not in s), "")
    words = [w for w in re.split(r"[-_.]+", last.lower()) if w and w not in _MANNER_WORDS]
    if not words or words[-1] not in _ASKING_WORDS:
        return False
    return not {c.rpartition(".")[2] for c in route.fact.calls} & _STORING_CALLS


_RESTX_ON = lazy_compile(r"(?:RESTX|RESTPLUS)_VALIDATE['\"]?\]?\s*[=:]\s*True|\bApi\([^)]*validate\s*=\s*True")


def _restx_validates(project: Project) -> bool:
    """flask-restx validating every ``expect()``: ``RESTX_VALIDATE = True`` in the config or ``Api(app, validate=True)``."""
    return any(project.text_fact("restx-validate", rel, lambda text: (
        "VALIDATE" in text or "validate" in text) and _RESTX_ON.search(text) is not None)
        for rel in project.python_files if is_application_path(rel))


def _has_key(node: ast.AST, field_name: str) -> bool | None:
    """True/False when a literal filter does/does not mention the field; None when it cannot be seen."""
    if not isinstance(node, ast.Dict):
        return None
    unknown = False
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:
            unknown = True
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if key.value == field_name or key.value.startswith(field_name + "."):
                return True
        if isinstance(value, ast.Dict) and _has_key(value, field_name):
            return True
        if isinstance(value, ast.List) and any(_has_key(e, field_name) for e in value.elts):
            return True  # $and / $or branches
    return None if unknown else False


class TenantIsolation(Check):
    id = "tenant-isolation"
    category = "database-security"
    severity = "critical"
    effort = "2-3d"
    title = "Tenant isolation in queries"
    rationale = (
        "In a multi-tenant service every query on tenant data must filter by the tenant; one forgotten filter "
        "shows or changes another customer's data."
    )
    remediation = (
        "Add the tenant field to every filter on tenant-scoped collections (`{\"_id\": id, \"tenant_id\": "
        "user.tenant_id}`), ideally through one repository layer that adds it for you."
    )
    scoring = "Share of queries on the configured tenant collections whose literal filter includes the tenant field."
    options = {"tenant_field": "", "collections": []}
    needles = ("find", "update_", "delete_", "aggregate", "count_documents", "replace_one", "distinct")
    _opts = {"tenant_field": "tenant_id", "collections": ["orders"]}
    _db = "from pymongo import MongoClient\n\norders = MongoClient().shop.orders\n"
    examples = (
        Example({"app/db.py": _db, "app/repo.py": "from app.db import orders\n\n\ndef get(tenant, oid):\n"
                 "    return orders.find_one({'_id': oid, 'tenant_id': tenant})\n"}, findings=0, status="pass",
                options=_opts),
        Example({"app/db.py": _db, "app/repo.py": "from app.db import orders\n\n\ndef get(oid):\n"
                 "    return orders.find_one({'_id': oid})\n\n\ndef purge():\n    orders.delete_many({})\n"},
                findings=2, lines=(5, 9), options=_opts),
        Example({"app/db.py": _db, "app/repo.py": "from app.db import orders\n\n\ndef total(t):\n"
                 "    return list(orders.aggregate([{'$match': {'tenant_id': t}}, {'$count': 'n'}]))\n"},
                findings=0, status="pass", options=_opts, note="aggregate with a tenant $match"),
        Example({"app/db.py": _db, "app/repo.py": "from app.db import orders\n\n\ndef get(oid):\n"
                 "    return orders.find_one({'_id': oid})\n"}, findings=0, status="n/a", note="not configured"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        field_name = options.get("tenant_field") or ""
        collections = set(options.get("collections") or [])
        if not field_name or not collections or not is_application_path(source.path):
            return None
        out = FileOutcome()
        for call, collection in query_calls(source):
            if collection not in collections:
                continue
            method = call_name(call)
            if method == "aggregate":
                stages = call.args[0] if call.args else None
                if not isinstance(stages, ast.List):
                    out.counts["unknown"] += 1
                    continue
                matches = [v for s in stages.elts if isinstance(s, ast.Dict)
                           for k, v in zip(s.keys, s.values, strict=True) if isinstance(k, ast.Constant) and k.value == "$match"]
                verdicts = [_has_key(m, field_name) for m in matches]
                has: bool | None = True if any(verdicts) else (None if None in verdicts else False)
            else:
                index = 1 if method == "distinct" else 0
                target = call.args[index] if len(call.args) > index else next(
                    (k.value for k in call.keywords if k.arg == "filter"), None)
                has = False if target is None else _has_key(target, field_name)
            if has is None:
                out.counts["unknown"] += 1
            elif has:
                out.counts["scoped"] += 1
            else:
                out.counts["unscoped"] += 1
                out.hits.append(Hit(call.lineno, call.col_offset + 1,
                                    f"{method}() on {collection} does not filter by {field_name}"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        field_name = options.get("tenant_field") or ""
        if not field_name or not options.get("collections"):
            return Verdict(NotApplicable("not configured (set options tenant_field and collections)"))
        total = collected.counts["scoped"] + collected.counts["unscoped"]
        unknown = collected.counts["unknown"]
        note = f" ({unknown} with filters built elsewhere not judged)" if unknown else ""
        if not total:
            return Verdict(NotApplicable(f"no literal queries on the tenant collections{note}"))
        good = collected.counts["scoped"]
        return Verdict(Share(good, total, "queries on tenant collections", f"filter by {field_name}"),
                       summary=f"{good} of {total} queries on tenant collections filter by {field_name}{note}")


CHECKS: list[type[Check]] = [NosqlInjection, QueryValidation, TenantIsolation]
