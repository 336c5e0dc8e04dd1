"""External API resilience checks: timeouts, retries, circuit breakers, idempotency.

All five share one per-file analysis (``outbound_calls``) that recognises calls to HTTP,
MongoDB and Redis clients as far as one module can tell: module functions (``requests.get``,
``from requests import get``), sessions and clients bound to local names, ``with`` targets,
``self`` attributes, and helpers in the same module that return one. A name bound to a client
in one place and to something else in another is treated as unknown and never flagged.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from readiness.checks.agents import Equivalent
from readiness.checks.api import off_by_default
from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.fix.shapes import TIMEOUT_FIXABLE_LIBRARIES
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence, Share
from readiness.model import Evidence, Finding
from readiness.needles import may_match_ignoring_case
from readiness.paths import is_settings_path, is_test_path
from readiness.project import Project
from readiness.roles import CLI, GENERATED, SERVICE, SERVICE_ONLY, file_role
from readiness.routes import call_name, module_name
from readiness.source import SourceFile
from readiness.tools.pyast import (
    dotted,
    has_star_kwargs,
    import_map,
    is_main_guard,
    is_none,
    keyword,
    qualify,
    str_value,
    walk,
)

HTTP_VERBS = frozenset({"get", "options", "head", "post", "put", "patch", "delete"})
_REQUESTS_FUNCS = HTTP_VERBS | {"request"}
_HTTPX_FUNCS = HTTP_VERBS | {"request", "stream"}
# requests-hardened: a Manager built from a Config whose ``default_timeout`` applies to every request it sends and
# every session it hands out, unless the Config switches it off (``default_timeout=None``).
_HARDENED_MANAGER = "requests_hardened-manager"
_HARDENED = "requests_hardened"
_SESSION_FACTORIES = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "aiohttp.ClientSession": "aiohttp",
    "google.auth.transport.requests.AuthorizedSession": _HARDENED,  # google-auth: a 120 s default timeout
    "requests_oauthlib.OAuth2Session": "requests",  # requests sessions that sign each request
    "requests_oauthlib.OAuth1Session": "requests",
    "requests_oauthlib.oauth2_session.OAuth2Session": "requests",
    "requests_hardened.Manager": _HARDENED_MANAGER,
    "requests_hardened.manager.Manager": _HARDENED_MANAGER,
}
_MONGO_CLIENTS = frozenset({
    "pymongo.MongoClient", "pymongo.mongo_client.MongoClient", "pymongo.AsyncMongoClient",
    "motor.motor_asyncio.AsyncIOMotorClient", "motor.motor_tornado.MotorClient", "motor.MotorClient",
})
_MONGO_TIMEOUTS = ("timeoutms", "sockettimeoutms", "serverselectiontimeoutms")
_REDIS_CLIENTS = frozenset({
    "redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis",
    "redis.asyncio.Redis", "redis.asyncio.StrictRedis", "redis.asyncio.client.Redis",
    "redis.ConnectionPool", "redis.asyncio.ConnectionPool",
})
_REDIS_FROM_URL = frozenset({
    "redis.from_url", "redis.Redis.from_url", "redis.StrictRedis.from_url", "redis.asyncio.from_url",
    "redis.asyncio.Redis.from_url", "redis.ConnectionPool.from_url", "redis.asyncio.ConnectionPool.from_url",
})
# Mail clients: a stalled server holds the request, like any outbound call (no timeout by default).
_MAIL_CLIENTS = {"smtplib.SMTP": 4, "smtplib.SMTP_SSL": 0, "smtplib.LMTP": 0, "imaplib.IMAP4": 3, "imaplib.IMAP4_SSL": 0}
_NOT_HTTP = frozenset({"pymongo", "redis", "smtplib", "imaplib"})  # clients retry-policy and breakers do not judge
_MAIL_LIBRARIES = frozenset({"smtplib", "imaplib"})  # a mail server: an outside dependency, unlike the service's own stores
TIMEOUT_KEYWORDS = frozenset({
    "timeout", "connect_timeout", "read_timeout", "socket_timeout", "socket_connect_timeout",
    "timeoutMS", "socketTimeoutMS", "connectTimeoutMS", "serverSelectionTimeoutMS",
})
_IDEMPOTENCY_RE = lazy_compile(r"idempotency|idempotent", re.IGNORECASE)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Outbound:
    """One recognised outbound call or client construction."""

    line: int
    column: int
    library: str  # requests, httpx, aiohttp, urllib, http.client, pymongo, redis, pycurl, smtplib, imaplib
    label: str  # what the message calls it: "requests.get()", "session.post()"
    timeout: str  # ok | missing | off | unknown
    method: str = ""  # upper-case HTTP method when known
    idempotency: bool | None = None  # POSTs only: header present, absent, or cannot tell
    timeout_args: tuple[tuple[int, int, bool], ...] = ()  # (line, column, bare literal?)
    forwarded: bool = False  # passes its caller's ``**kwargs`` on: only missing-timeout judges it


# -- the shared analysis ---------------------------------------------------------------------

def _hardened_timeout_off(source: SourceFile, imports: dict[str, str]) -> bool:
    """A requests-hardened ``Config(default_timeout=None)`` in the file: its managers send without a timeout."""
    if "requests_hardened" not in source.text:
        return False
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if (qualify(call.func, imports) or "").startswith("requests_hardened.") and call_name(call) == "Config":
            kw = keyword(call, "default_timeout")
            if kw is not None and is_none(kw.value):
                return True
    return False


class _Resolver:
    """Which local names, ``self`` attributes and helpers hold a session or client."""

    def __init__(self, source: SourceFile, imports: dict[str, str]) -> None:
        self.source = source
        self.imports = imports
        self.helpers: dict[str, str] = {}
        self.scoped: dict[int, dict[str, str | None]] = {}
        self.attrs: dict[int, dict[str, str | None]] = {}
        self.hardened_off = _hardened_timeout_off(source, imports)
        self.made = frozenset(_SESSION_FACTORIES[name] for call in source.nodes(ast.Call) if isinstance(call, ast.Call)
                              and (name := qualify(call.func, imports) or "") in _SESSION_FACTORIES)
        assert source.tree is not None
        self.subclasses: dict[str, str] = {}  # class TimeoutSession(requests.Session): its instances are sessions
        for cls in source.tree.body:
            if isinstance(cls, ast.ClassDef):
                kinds = {_SESSION_FACTORIES.get(qualify(b, imports) or "") for b in cls.bases} - {None, _HARDENED_MANAGER}
                if len(kinds) == 1:
                    self.subclasses[cls.name] = str(next(iter(kinds)))
        for _ in range(2):  # helpers may call helpers defined earlier or later
            self._find_helpers(source.tree)
        self._bind_all()

    def factory_kind(self, node: ast.AST | None) -> str | None:
        """The session kind an expression creates, if it is a factory or helper call."""
        if isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call):
            return None
        name = qualify(node.func, self.imports)
        if name in _SESSION_FACTORIES:
            return _SESSION_FACTORIES[name]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get_session" \
                and self.kind_of(node.func.value) == _HARDENED_MANAGER:
            return "requests" if self.hardened_off else _HARDENED
        if isinstance(node.func, ast.Name) and node.func.id in self.helpers:
            return self.helpers[node.func.id]
        if isinstance(node.func, ast.Name) and node.func.id in self.subclasses:
            return self.subclasses[node.func.id]
        return None

    def _find_helpers(self, tree: ast.Module) -> None:
        for func in tree.body:
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kind = self._returned_kind(func)
                if kind:
                    self.helpers[func.name] = kind

    def _returned_kind(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The session kind every return of a function hands back, if it is one kind."""
        local: dict[str, str] = {}
        kinds: set[str | None] = set()
        returns: list[ast.expr] = []
        for node in walk(func):  # one walk: assignments are all bound before any return is read
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                kind = self.factory_kind(node.value)
                if kind:
                    local[node.targets[0].id] = kind
            elif isinstance(node, ast.Return) and node.value is not None:
                returns.append(node.value)
        for value in returns:
            kinds.add(local.get(value.id) if isinstance(value, ast.Name) else self.factory_kind(value))
        return next(iter(kinds)) if len(kinds) == 1 and None not in kinds else None

    def _scope_of(self, node: ast.AST) -> ast.AST:
        for ancestor in self.source.ancestors(node):
            if isinstance(ancestor, (*_SCOPES, ast.Module)):
                return ancestor
        return node

    def _class_of(self, node: ast.AST) -> ast.ClassDef | None:
        for ancestor in self.source.ancestors(node):
            if isinstance(ancestor, ast.ClassDef):
                return ancestor
        return None

    def _bind(self, table: dict[int, dict[str, str | None]], key: int, name: str, kind: str | None) -> None:
        names = table.setdefault(key, {})
        if name in names and names[name] != kind:
            names[name] = None  # bound to different things: unknown
        else:
            names[name] = kind

    def _bind_target(self, target: ast.AST, value_kind: str | None, at: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._bind(self.scoped, id(self._scope_of(at)), target.id, value_kind)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            cls = self._class_of(at)
            if cls is not None:
                self._bind(self.attrs, id(cls), target.attr, value_kind)

    def _bind_all(self) -> None:
        source = self.source
        for node in source.nodes(ast.Assign):
            assert isinstance(node, ast.Assign)
            kind = self.factory_kind(node.value)
            for target in node.targets:
                self._bind_target(target, kind, node)
        for node in source.nodes(ast.AnnAssign):
            assert isinstance(node, ast.AnnAssign)
            if node.value is not None:
                self._bind_target(node.target, self.factory_kind(node.value), node)
        for node in source.nodes(ast.With, ast.AsyncWith):
            assert isinstance(node, (ast.With, ast.AsyncWith))
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, self.factory_kind(item.context_expr), node)
        for node in source.nodes(ast.arg):
            assert isinstance(node, ast.arg)
            scope = source.parent(source.parent(node) or node)
            if scope is not None:
                self._bind(self.scoped, id(scope), node.arg, None)  # parameters: unknown

    def kind_of(self, receiver: ast.AST) -> str | None:
        if isinstance(receiver, ast.Name):
            scope = self._scope_of(receiver)
            local = self.scoped.get(id(scope), {})
            if receiver.id in local:
                return local[receiver.id]
            module = self.source.tree
            if scope is not module:
                return self.scoped.get(id(module), {}).get(receiver.id)
            return None
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == "self":
            cls = self._class_of(receiver)
            if cls is not None:
                return self.attrs.get(id(cls), {}).get(receiver.attr)
            return None
        return self.factory_kind(receiver)


def is_bare_literal(node: ast.AST) -> bool:
    """A timeout written in place: ``5``, ``(3, 10)``, ``httpx.Timeout(5.0)``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return is_bare_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return is_bare_literal(node.left) and is_bare_literal(node.right)
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(is_bare_literal(e) or is_none(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        args = [*node.args, *(kw.value for kw in node.keywords)]
        return name.endswith("Timeout") and bool(args) and all(is_bare_literal(a) or is_none(a) for a in args)
    return False


def _timeout_args(call: ast.Call) -> tuple[tuple[int, int, bool], ...]:
    return tuple(
        (kw.value.lineno, kw.value.col_offset + 1, is_bare_literal(kw.value))
        for kw in call.keywords
        if (kw.arg in TIMEOUT_KEYWORDS or kw.arg == "request_timeout") and not is_none(kw.value)
    )


def _http_timeout(call: ast.Call, library: str) -> str:
    kw = keyword(call, "timeout")
    if library == _HARDENED:
        return "ok"  # the manager's default_timeout fills in a missing or None timeout
    if library == "requests":
        if kw is None:
            return "missing"
        return "off" if is_none(kw.value) else "ok"
    if library == "aiohttp" and kw is not None and isinstance(kw.value, ast.Call) and not kw.value.args:
        name = kw.value.func.attr if isinstance(kw.value.func, ast.Attribute) else getattr(kw.value.func, "id", "")
        if name == "ClientTimeout" and all(is_none(k.value) for k in kw.value.keywords):
            return "off"  # ClientTimeout() with no limits switches every timeout off
    return "off" if kw is not None and is_none(kw.value) else "ok"


def _method_of(call: ast.Call, attr: str) -> str:
    if attr != "request":
        return attr.upper() if attr in HTTP_VERBS else ""
    method = call.args[0] if call.args else getattr(keyword(call, "method"), "value", None)
    text = str_value(method)
    return text.upper() if text else ""


def _returned_dict(node: ast.Call, resolver: _Resolver) -> ast.Dict | None:
    """The dict literal a same-file helper returns (``headers=self._get_headers(...)``), followed one call level."""
    func = node.func
    if isinstance(func, ast.Name):
        name = func.id
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        name = func.attr
    else:
        return None
    defs = [d for d in resolver.source.nodes(ast.FunctionDef, ast.AsyncFunctionDef) if getattr(d, "name", "") == name]
    if len(defs) > 1:  # one per class: take the method of the caller's own class
        own = resolver._class_of(node)
        defs = [d for d in defs if own is not None and resolver._class_of(d) is own]
    if len(defs) != 1:
        return None
    returns = [r.value for r in ast.walk(defs[0]) if isinstance(r, ast.Return)]
    if len(returns) != 1 or not isinstance(returns[0], ast.Dict):
        return None
    return returns[0]


def _headers_dict(node: ast.AST | None, resolver: _Resolver, call: ast.Call) -> ast.Dict | None:
    if isinstance(node, ast.Dict):
        return node
    if isinstance(node, ast.Call):
        return _returned_dict(node, resolver)
    if isinstance(node, ast.Name):
        scope = resolver._scope_of(call)
        found: list[ast.Dict] = []
        for assign in ast.walk(scope):
            if isinstance(assign, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in assign.targets):
                if isinstance(assign.value, ast.Dict):
                    found.append(assign.value)
                else:
                    return None
        return found[0] if len(found) == 1 else None
    return None


def _idempotency(call: ast.Call, resolver: _Resolver) -> bool | None:
    kw = keyword(call, "headers")
    if kw is None:
        return False
    headers = _headers_dict(kw.value, resolver, call)
    if headers is None:
        return None
    for key in headers.keys:
        if key is None:
            return None  # {**base, ...}: cannot tell what base holds
        text = str_value(key)
        if text is not None and _IDEMPOTENCY_RE.search(text):
            return True
    return False


def _uri_has(call: ast.Call, keys: tuple[str, ...], uri_keyword: str) -> bool:
    uri = call.args[0] if call.args else getattr(keyword(call, uri_keyword), "value", None)
    text = str_value(uri)
    if text is None or "?" not in text:
        return False
    query = text.split("?", 1)[1].lower()
    return any(re.search(rf"(^|&){k}=", query) for k in keys)


def outbound_calls(source: SourceFile) -> list[Outbound]:
    """Every recognised outbound call or client in the file, in source order."""
    if source.tree is None:
        return []
    imports = import_map(source)
    interesting = ("requests", "httpx", "aiohttp", "urllib", "urllib3", "http", "pymongo", "motor", "redis",
                   "requests_hardened", "requests_oauthlib", "google", "pycurl", "smtplib", "imaplib")
    if not any(v.split(".")[0] in interesting for v in imports.values()):
        return []
    resolver = _Resolver(source, imports)
    out: list[Outbound] = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        found = _classify(call, imports, resolver)
        if found is None and qualify(call.func, imports) == "pycurl.Curl":
            found = _pycurl_handle(source, call)
        if found is not None:
            out.append(found)
    return out


# libcurl options that bound a transfer: the whole transfer, the connection, or a stalled transfer.
_CURL_TIMEOUTS = frozenset({"TIMEOUT", "TIMEOUT_MS", "CONNECTTIMEOUT", "CONNECTTIMEOUT_MS", "LOW_SPEED_TIME"})


def _pycurl_handle(source: SourceFile, call: ast.Call) -> Outbound | None:
    """A ``pycurl.Curl()`` handle: libcurl waits forever unless a TIMEOUT or CONNECTTIMEOUT option is set on it.

    The options are looked for where the handle lives: its function for a local name, its class for a ``self``
    attribute. A handle that is not bound to a name, or options set from variables, cannot be judged.
    """
    parent = source.parent(call)
    if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
        return None
    target = parent.targets[0]
    if isinstance(target, ast.Name):
        scope: ast.AST | None = next((a for a in source.ancestors(call) if isinstance(a, _SCOPES)), source.tree)
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        scope = next((a for a in source.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    else:
        return None
    if scope is None:
        return None
    held = ast.unparse(target)
    state = "missing"
    for node in ast.walk(scope):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setopt"
                and ast.unparse(node.func.value) == held and node.args):
            continue
        option = node.args[0]
        name = option.attr if isinstance(option, ast.Attribute) else option.id if isinstance(option, ast.Name) else ""
        if not name.isupper():
            return None  # an option chosen at run time: cannot tell
        if name in _CURL_TIMEOUTS:
            state = "ok"
    return Outbound(call.lineno, call.col_offset + 1, "pycurl", "pycurl.Curl()", state)


_SESSION_NAME = lazy_compile(r"(?:^|_)(requests|http)_(?:session|client)$")


def _named_session(receiver: ast.AST, imports: dict[str, str], made: frozenset[str]) -> str | None:
    """A session built out of sight (in a base class, behind a proxy, unpacked from a tuple) whose name says what
    it is: ``self.requests_session``, ``http_client``; the library is the kind of session the file builds
    (``made``), else the one it imports."""
    name = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) else ""
    match = _SESSION_NAME.search(name)
    if match is None:
        return None
    if made == {_HARDENED}:
        return _HARDENED  # the file builds its sessions with google-auth's AuthorizedSession only: a default timeout
    libraries = {v.split(".")[0] for v in imports.values()} & {"requests", "httpx"}
    if match.group(1) == "requests":
        return "requests" if "requests" in libraries else None
    return next(iter(libraries)) if len(libraries) == 1 else None


def _classify(call: ast.Call, imports: dict[str, str], resolver: _Resolver) -> Outbound | None:
    """The call as an outbound call. One that passes ``**kwargs`` on (a request helper's) is kept for its
    timeout alone: one it sets itself, or a manager's default; otherwise the caller may pass it (unknown)."""
    found = _classify_call(call, imports, resolver)
    if found is None or not has_star_kwargs(call):
        return found
    return replace(found, forwarded=True, timeout="unknown" if found.timeout == "missing" else found.timeout)


def _classify_call(call: ast.Call, imports: dict[str, str], resolver: _Resolver) -> Outbound | None:
    name = qualify(call.func, imports) or ""
    where = (call.lineno, call.col_offset + 1)
    head, _, attr = name.rpartition(".")
    if head == "requests" and attr in _REQUESTS_FUNCS or name in ("requests.api.request", "requests.api.get"):
        library = "requests"
    elif head == "httpx" and (attr in _HTTPX_FUNCS or attr in ("Client", "AsyncClient")):
        library = "httpx"
    elif name in ("aiohttp.ClientSession", "aiohttp.request"):
        library = "aiohttp"
    elif name in ("urllib3.request", "urllib3.PoolManager", "urllib3.poolmanager.PoolManager"):
        kw = keyword(call, "timeout")  # urllib3's own default waits forever
        state = "off" if kw is not None and is_none(kw.value) else "ok" if kw is not None else "missing"
        label = "urllib3.request()" if attr == "request" else "urllib3.PoolManager()"
        return Outbound(*where, "urllib3", label, state, timeout_args=_timeout_args(call))
    elif name in ("urllib.request.urlopen", "urllib.request.OpenerDirector.open"):
        kw = keyword(call, "timeout")
        state = "ok" if len(call.args) >= 3 or (kw is not None and not is_none(kw.value)) else "missing"
        state = "off" if kw is not None and is_none(kw.value) else state
        return Outbound(*where, "urllib", "urlopen()", state, timeout_args=_timeout_args(call))
    elif name in ("http.client.HTTPConnection", "http.client.HTTPSConnection"):
        kw = keyword(call, "timeout")
        positional = attr == "HTTPConnection" and len(call.args) >= 3
        state = "ok" if positional or (kw is not None and not is_none(kw.value)) else "missing"
        return Outbound(*where, "http.client", f"{attr}()", state, timeout_args=_timeout_args(call))
    elif name in _MAIL_CLIENTS:
        kw = keyword(call, "timeout")
        positional = bool(_MAIL_CLIENTS[name]) and len(call.args) >= _MAIL_CLIENTS[name]
        state = "off" if kw is not None and is_none(kw.value) else "ok" if positional or kw is not None else "missing"
        return Outbound(*where, head, f"{attr}()", state, timeout_args=_timeout_args(call))
    elif name in _MONGO_CLIENTS:
        names = {kw.arg.lower() for kw in call.keywords if kw.arg}
        has = bool(names & set(_MONGO_TIMEOUTS)) or _uri_has(call, _MONGO_TIMEOUTS, "host")
        return Outbound(*where, "pymongo", f"{attr}()", "ok" if has else "missing", timeout_args=_timeout_args(call))
    elif name in _REDIS_CLIENTS or name in _REDIS_FROM_URL:
        if keyword(call, "connection_pool") is not None:
            return None
        kw = keyword(call, "socket_timeout")
        if kw is not None:
            state = "off" if is_none(kw.value) else "ok"
        else:
            from_url = name in _REDIS_FROM_URL
            state = "ok" if from_url and _uri_has(call, ("socket_timeout",), "url") else "missing"
        label = "from_url()" if name in _REDIS_FROM_URL else f"{attr}()"
        return Outbound(*where, "redis", label, state, timeout_args=_timeout_args(call))
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "send_request" \
            and resolver.kind_of(call.func.value) == _HARDENED_MANAGER:
        library = "requests" if resolver.hardened_off else _HARDENED
        method = str_value(call.args[0]) if call.args else None
        return Outbound(*where, library, "manager.send_request()", _http_timeout(call, library),
                        (method or "").upper(), None, _timeout_args(call))
    elif isinstance(call.func, ast.Attribute) and call.func.attr in _HTTPX_FUNCS:
        library = resolver.kind_of(call.func.value) or _named_session(call.func.value, imports, resolver.made) or ""
        if not library or library == _HARDENED_MANAGER or (library == "requests" and call.func.attr == "stream"):
            return None
        method = _method_of(call, call.func.attr)
        receiver = call.func.value
        label = f"{receiver.id if isinstance(receiver, ast.Name) else 'session'}.{call.func.attr}()"
        return Outbound(
            *where, library, label, _http_timeout(call, library), method,
            _idempotency(call, resolver) if method == "POST" else None, _timeout_args(call),
        )
    else:
        return None
    method = _method_of(call, attr)
    return Outbound(
        *where, library, f"{name}()", _http_timeout(call, library), method,
        _idempotency(call, resolver) if method == "POST" else None, _timeout_args(call),
    )


def _app_calls(source: SourceFile, forwarded: bool = False) -> list[Outbound]:
    """The file's outbound calls outside tests; with ``forwarded``, also those passing ``**kwargs`` on."""
    if is_test_path(source.path):
        return []
    return [c for c in outbound_calls(source) if forwarded or not c.forwarded]


_NEEDLES = ("requests", "httpx", "aiohttp", "urllib", "urllib3", "http.client", "pymongo", "motor", "redis", "pycurl", "smtplib",
            "imaplib")


# -- missing-timeout -------------------------------------------------------------------------

def _sets_timeout(func: ast.AST) -> bool:
    """A method that fills in a timeout: ``kwargs.setdefault("timeout", ...)`` or ``kwargs["timeout"] = ...``."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and call_name(node) == "setdefault" and node.args \
                and str_value(node.args[0]) == "timeout":
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and str_value(node.slice) == "timeout":
            return True
        if isinstance(node, ast.keyword) and node.arg == "timeout" and not is_none(node.value):
            return True
    return False


def _default_timeout_sessions(source: SourceFile) -> set[str]:
    """Sessions (as written: ``s``, ``self.http``) that get a default timeout: built from a Session subclass whose
    request() sets one, or with an adapter mounted that sets one (``TimeoutAdapter(timeout=5)`` or its send())."""
    if source.tree is None or "timeout" not in source.text:
        return set()
    classes: set[str] = set()
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in cls.bases}
        if bases & {"Session", "HTTPAdapter", "BaseAdapter"}:
            methods = [f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name in ("request", "send", "__init__")]
            if any(_sets_timeout(m) for m in methods):
                classes.add(cls.name)
    out: set[str] = set()
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        if isinstance(node.value, ast.Call) and call_name(node.value) in classes:
            out.update(ast.unparse(t) for t in node.targets)
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) != "mount" or not isinstance(call.func, ast.Attribute) or len(call.args) < 2:
            continue
        adapter = call.args[1]
        if isinstance(adapter, ast.Call) and (call_name(adapter) in classes or any(
                k.arg == "timeout" and not is_none(k.value) for k in adapter.keywords)):
            out.add(ast.unparse(call.func.value))
    return out


_HARDENED_CLIENT = (
    "from requests_hardened import Config, Manager\n\nhttp = Manager(Config(default_timeout={timeout}, "
    "never_redirect=True,\n                   ip_filter_enable=True, ip_filter_allow_loopback_ips=False))\n\n\n"
    "class Webhooks:\n    def __init__(self, secret: str) -> None:\n        self.secret = secret\n\n"
    "    def deliver(self, url: str, body: bytes) -> int:\n        return http.send_request('POST', url, data=body).status_code\n\n"
    "    def ping(self, urls: list[str]) -> list[int]:\n        with http.get_session() as session:\n"
    "            return [session.get(url).status_code for url in urls]\n"
)
_CURL_FETCH = (
    "from io import BytesIO\n\nimport pycurl\n\n\ndef fetch_feed(url: str) -> bytes:\n    buffer = BytesIO()\n"
    "    curl = pycurl.Curl()\n    curl.setopt(pycurl.URL, url)\n    curl.setopt(pycurl.WRITEDATA, buffer)\n"
    "    curl.setopt({option})\n    curl.perform()\n    curl.close()\n    return buffer.getvalue()\n"
)


def _shared_session_example(timeout: str) -> dict[str, str]:
    return {
        "app/utils.py": "import requests\n\nhttp_session = requests.Session()\n"
                        "http_session.headers.update({'User-Agent': 'app'})\n",
        "app/brands.py": "from app.utils import http_session\n\n\ndef brands(base_url: str) -> list:\n"
                         f"    return http_session.get(base_url + '/brands.json'{timeout}).json()['tags']\n",
    }


_PLUGIN_CLI = (
    "import requests\n\n\nclass KeysPlugin:\n    def cli_commands(self, cli_group):\n"
    "        import click\n\n        @click.command('request-key')\n        @click.option('--url', default='http://127.0.0.1:5000')\n"
    "        def request_key(url: str) -> None:\n"
    "            click.echo(requests.post(f'{url}/plugin/keys/request').json())\n\n"
    "        return [request_key]\n\n"
    "    def on_request(self, url: str) -> dict:\n        return requests.get(url, timeout=5).json()\n"
)
_FLASK_EXTENSION = (
    "from redis import StrictRedis\n\n\nclass Store:\n    def __init__(self, app=None):\n"
    "        self.master = StrictRedis()\n        if app is not None:\n            self.init_app(app)\n\n"
    "    def init_app(self, app):\n"
    "        self.master = StrictRedis(host=app.config['REDIS_HOST']{timeout})\n"
)


class MissingTimeout(Check):
    id = "missing-timeout"
    category = "external-api"
    severity = "high"
    effort = "1d"
    title = "Outbound calls without a timeout"
    roles_note = SERVICE_ONLY
    rationale = (
        "requests, urllib and http.client wait forever by default, and a MongoDB or Redis client "
        "without socket timeouts blocks a worker for as long as the peer stays silent. One slow "
        "dependency then exhausts every worker and the service stops answering."
    )
    remediation = (
        "Pass `timeout=` on every requests/urllib call (connect and read: `timeout=(3.05, 10)`), never "
        "`timeout=None` on httpx or aiohttp, and give MongoClient `serverSelectionTimeoutMS` and "
        "`socketTimeoutMS` (or `timeoutMS`) and Redis `socket_timeout`."
    )
    scoring = ("Share of recognised outbound calls and clients that have a timeout; a shared request helper (a "
               "module-level function sending to the URL its caller passes) also counts once for each service module "
               "that imports it, with the helper's timeout; mail sent through Django (`send_mail`, "
               "`EmailMessage.send()`) has the timeout the settings give its SMTP backend (`EMAIL_TIMEOUT`); a "
               "client of another service outside those libraries counts when it is given a timeout (a search "
               "engine's `timeout=`, an SSH `connect(timeout=...)`, a `*Client(timeout=...)`), and so does an HTTP verb "
               "method called on a URL with a timeout through a client made out of sight; n/a when there are none.")
    needles = (*_NEEDLES, "pycurl", "requests_hardened", "django.core.mail", "_session", "timeout")
    fixable = True
    examples = (
        Example({"shop/settings.py": "EMAIL_HOST = 'smtp.acme.io'\n",
                 "shop/notify.py": "from django.core.mail import EmailMessage, send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n\n\n"
                                   "def report(user, pdf):\n    message = EmailMessage('Report', 'Attached', to=[user.email])\n"
                                   "    message.attach('r.pdf', pdf)\n    message.send()\n"},
                findings=2, lines=(5, 11), status="fail",
                note="Django's SMTP backend without EMAIL_TIMEOUT waits on a stalled mail server forever"),
        Example({"shop/settings.py": "EMAIL_HOST = 'smtp.acme.io'\nEMAIL_TIMEOUT = 10\n",
                 "shop/notify.py": "from django.core.mail import send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n"},
                findings=0, status="pass", note="EMAIL_TIMEOUT bounds every mail Django sends"),
        Example({"app/oauth.py": "from requests_oauthlib import OAuth2Session\n\n\n"
                                 "def repositories(token):\n    session = OAuth2Session(client_id='app', token=token)\n"
                                 "    return session.get('https://api.github.com/user/repos').json()\n"},
                findings=1, lines=(6,), status="fail", note="an OAuth2Session is a requests session: no timeout by default"),
        Example({"app/wallet.py": "from google.auth.transport.requests import AuthorizedSession\n\n\n"
                                  "def insert(credentials, obj):\n    session = AuthorizedSession(credentials)\n"
                                  "    return session.post('https://walletobjects.googleapis.com/v1/genericObject', json=obj)\n"},
                findings=0, status="pass", note="google-auth's AuthorizedSession sends with a 120 s default timeout"),
        Example({"app/wallet.py": "from google.auth.transport.requests import AuthorizedSession\n"
                                  "from requests.exceptions import HTTPError\n\n\nclass Wallet:\n"
                                  "    def __init__(self, credentials):\n"
                                  "        self.credentials, self.http_client = self._load(credentials)\n\n"
                                  "    def _load(self, credentials):\n        return credentials, AuthorizedSession(credentials)\n\n"
                                  "    def insert(self, obj):\n        try:\n"
                                  "            return self.http_client.post('https://walletobjects.googleapis.com/v1/object', json=obj)\n"
                                  "        except HTTPError:\n            return None\n"},
                findings=0, status="pass",
                note="a session named http_client in a file that builds AuthorizedSessions: google-auth's default timeout"),
        Example({"app/wallet.py": "from google.auth.transport.requests import AuthorizedSession\nimport requests\n\n\n"
                                  "class Wallet:\n    def __init__(self, credentials):\n"
                                  "        self.credentials, self.http_client = credentials, requests.Session()\n\n"
                                  "    def insert(self, obj):\n"
                                  "        return self.http_client.post('https://walletobjects.googleapis.com/v1/object', json=obj)\n\n"
                                  "    def authorized(self):\n        return AuthorizedSession(self.credentials)\n"},
                findings=1, lines=(10,), status="fail",
                note="a plain requests session beside an AuthorizedSession: no default timeout"),
        Example({"alerts/settings/prod.py": "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n",
                 "alerts/media/email.py": "from django.core.mail import send_mail\n\nfrom alerts.media.base import deliver\n\n\n"
                                          "def notify(address, text):\n"
                                          "    return deliver(send_mail, subject='Alert', message=text, from_email=None,\n"
                                          "                   recipient_list=[address])\n"},
                findings=1, lines=(7,), status="fail",
                note="send_mail handed to a wrapper that calls it still sends over SMTP"),
        Example({"tcms/settings/product.py": "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n",
                 "tcms/core/mailto.py": "import threading\n\nfrom django.core.mail import send_mail\n\n\n"
                                        "def mailto(subject, body, recipients):\n"
                                        "    thread = threading.Thread(target=send_mail, args=(subject, body, None, recipients))\n"
                                        "    thread.start()\n"},
                findings=1, lines=(7,), status="fail", note="send_mail run by a thread still waits on the mail server"),
        Example({"shop/settings/base.py": "EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'\n",
                 "shop/settings/test.py": "EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'\n",
                 "shop/notify.py": "from django.core.mail import send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n"},
                findings=1, lines=(5,), status="fail",
                note="a console backend for development and a test one stand in for the deployed SMTP default"),
        Example({"shop/settings.py": "import environ\n\nenv = environ.Env()\n"
                                     "EMAIL_BACKEND = env('EMAIL_BACKEND', default='django.core.mail.backends.smtp.EmailBackend')\n",
                 "shop/notify.py": "from django.core.mail import send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n"},
                findings=1, lines=(5,), status="fail", note="the SMTP backend as the default of an environment variable"),
        Example({"shop/settings.py": "EMAIL_BACKEND = 'django_ses.SESBackend'\n",
                 "shop/settings/dev.py": "EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'\n",
                 "shop/notify.py": "from django.core.mail import send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n"},
                findings=0, status="pass", note="an API backend deployed, a console one for development"),
        Example({"shop/settings.py": "EMAIL_BACKEND = 'anymail.backends.postmark.EmailBackend'\n",
                 "shop/notify.py": "from django.core.mail import send_mail\n\n\n"
                                   "def welcome(user):\n    send_mail('Hi', 'Welcome', None, [user.email])\n"},
                findings=0, status="pass", note="an API provider's backend, not SMTP"),
        Example({"app/http.py": "import requests\n\n\ndef send(method, url, **kw):\n"
                                "    return requests.request(method, url, timeout=10, **kw)\n",
                 "app/cache.py": "import redis\n\nr = redis.Redis(host='cache')\n",
                 **{f"app/view{i}.py": "from app.http import send\n\n\ndef pull():\n"
                                       "    return send('GET', 'https://partner.example')\n" for i in range(9)}},
                findings=1, lines=(3,), status="pass",
                note="a request helper nine modules send through counts for each of them"),
        Example({"app/http.py": "import requests\n\n\ndef send(method, url, data=None):\n"
                                "    return requests.request(method, url, data=data)\n",
                 "app/partner.py": "import requests\n\n\ndef sync(url):\n"
                                   + "".join(f"    requests.get(url + '/{i}', timeout=5)\n" for i in range(9)),
                 **{f"app/view{i}.py": "from app.http import send\n\n\ndef pull():\n"
                                       "    return send('GET', 'https://partner.example')\n" for i in range(3)}},
                findings=1, lines=(5,), status="fail",
                note="the helper without a timeout counts for each module calling it, though reported once"),
        good("import requests\n\n\ndef send(method, url, **kw):\n    return requests.request(method, url, **kw)\n",
             note="a helper passing its caller's keywords on: the caller may give the timeout"),
        Example({"app/__init__.py": "", "app/agent/__init__.py": "", "app/agent/tools/__init__.py": "",
                 "app/agent/tools/search.py": "import requests\n\n\ndef web_search(query: str) -> dict:\n"
                                              "    return requests.get('https://search.example.org', params={'q': query}).json()\n"},
                findings=1, lines=(5,), status="fail",
                note="an agent's tools/ subpackage is the service's code, not a folder of scripts"),
        Example({"app/__init__.py": "", "app/main.py": "def handler():\n    return {'ok': True}\n",
                 "tools/__init__.py": "", "tools/release.py": "import requests\n\n\ndef latest() -> dict:\n"
                                                              "    return requests.get('https://pypi.org/pypi/app/json').json()\n"},
                findings=0, status="n/a", note="a tools/ folder beside the code holds a developer's scripts"),
        bad("import requests\n\ndef fetch(url):\n    return requests.get(url)\n", lines=(4,)),
        bad("import httpx\n\nclient = httpx.Client(timeout=None)\n", lines=(3,), note="httpx with timeouts off"),
        bad("from requests import get\n\nr = get('https://api.example.com/x')\n", lines=(3,),
            note="imported function"),
        bad("import requests\n\nwith requests.Session() as s:\n    s.post('https://api.example.com', json={})\n",
            lines=(4,), note="a session bound in a with block"),
        bad("import requests\n\nclass Api:\n    def __init__(self):\n        self.http = requests.Session()\n\n"
            "    def get(self, path):\n        return self.http.get(path)\n", lines=(8,), note="a session on self"),
        bad("import requests\n\ndef make_session():\n    s = requests.Session()\n    s.headers['x'] = '1'\n"
            "    return s\n\ndef call():\n    return make_session().get('https://api.example.com')\n", lines=(9,),
            note="a session returned by a helper"),
        bad("from urllib.request import urlopen\n\nurlopen('https://api.example.com')\n", lines=(3,)),
        bad("import urllib3\n\n\ndef latest():\n    return urllib3.request('GET', 'https://pypi.org/pypi/app/json')\n\n\n"
            "def checked():\n    return urllib3.request('GET', 'https://pypi.org/pypi/app/json', timeout=30)\n", lines=(5,),
            note="urllib3's module-level request waits forever without a timeout"),
        bad("from pymongo import MongoClient\n\nclient = MongoClient('mongodb://db:27017/app')\n", lines=(3,)),
        bad("import redis\n\ncache = redis.Redis(host='cache')\n", lines=(3,)),
        bad("import smtplib\n\n\ndef send(msg):\n    with smtplib.SMTP('mail.example.com', 587) as smtp:\n"
            "        smtp.send_message(msg)\n", lines=(5,), note="a mail server that stalls holds the request forever"),
        good("import smtplib\n\nfrom app import settings\n\n\ndef send(msg):\n"
             "    with smtplib.SMTP(settings.SMTP_HOST, 587, timeout=settings.SMTP_TIMEOUT) as smtp:\n"
             "        smtp.send_message(msg)\n", note="SMTP with a timeout"),
        good("import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=(3, 10))\n"),
        good("import httpx\n\nr = httpx.get('https://api.example.com')\n", note="httpx has a default timeout"),
        good("import requests\n\ndef fetch(url, **kwargs):\n    return requests.get(url, **kwargs)\n",
             note="timeouts may come through **kwargs"),
        good("from pymongo import MongoClient\n\n"
             "client = MongoClient('mongodb://db:27017/app?serverSelectionTimeoutMS=3000&socketTimeoutMS=5000')\n",
             note="timeouts in a literal URI"),
        good("import redis\n\ncache = redis.Redis(host='cache', socket_timeout=2)\n"),
        good("def get(d, key):\n    return d.get(key)\n\nimport requests\nx = {}.get('a')\n",
             note="dict.get is not an HTTP call"),
        good("import requests\n\nr = requests.get('http://127.0.0.1:8000/health')\n", path="tests/test_api.py",
             note="tests"),
        good("import requests\nfrom requests.adapters import HTTPAdapter\n\n\nclass TimeoutAdapter(HTTPAdapter):\n"
             "    def __init__(self, timeout: float = 5, **kwargs) -> None:\n        self.timeout = timeout\n"
             "        super().__init__(**kwargs)\n\n    def send(self, request, **kwargs):\n"
             "        kwargs['timeout'] = kwargs.get('timeout') or self.timeout\n"
             "        return super().send(request, **kwargs)\n\n\nhttp = requests.Session()\n"
             "http.mount('https://', TimeoutAdapter(timeout=5))\n\n\ndef fetch(url: str) -> dict:\n"
             "    return http.get(url).json()\n", note="an adapter mounted on the session sets a default timeout"),
        bad("import requests\nfrom requests.adapters import HTTPAdapter\n\nhttp = requests.Session()\n"
            "http.mount('https://', HTTPAdapter(max_retries=3))\n\n\ndef fetch(url: str) -> dict:\n"
            "    return http.get(url).json()\n", lines=(9,), note="an adapter that only retries sets no timeout"),
        good(_HARDENED_CLIENT.format(timeout="(3, 20)"), note="requests-hardened applies its default_timeout"),
        bad(_HARDENED_CLIENT.format(timeout="None"), 2, lines=(12, 16),
            note="requests-hardened with its default timeout switched off"),
        good(_CURL_FETCH.format(option="pycurl.TIMEOUT, 30"), note="a pycurl handle with a TIMEOUT option"),
        good(_CURL_FETCH.format(option="curl.CONNECTTIMEOUT, 5"), note="CONNECTTIMEOUT read from the handle"),
        bad(_CURL_FETCH.format(option="pycurl.FOLLOWLOCATION, True"), lines=(8,),
            note="a pycurl handle whose options set no timeout"),
        Example({"app/clients/base.py": "import requests\n\n\nclass Client:\n    def __init__(self) -> None:\n"
                 "        self.requests_session = requests.Session()\n",
                 "app/clients/sms.py": "import requests\n\nfrom app.clients.base import Client\n\n\nclass Sms(Client):\n"
                 "    def send(self, url: str, body: dict) -> None:\n"
                 "        self.requests_session.request('POST', url, data=body, timeout=10)\n\n"
                 "    def status(self, url: str) -> dict:\n        return self.requests_session.get(url).json()\n"},
                findings=1, lines=(11,), note="a session made in a base class elsewhere, known by its name"),
        good("from app import settings\n\n\nclass Partner:\n    def __init__(self, session, api_url: str) -> None:\n"
             "        self.session, self.api_url = session, api_url\n\n    def orders(self) -> list:\n"
             "        return self.session.get(self.api_url + '/orders', timeout=settings.PARTNER_TIMEOUT).json()\n",
             status="pass", note="a session handed in, sending to a URL with a timeout"),
        Example({"app/search.py": "from elasticsearch import Elasticsearch\n\nfrom app import settings\n\n"
                                  "es = Elasticsearch(settings.ES_URL, timeout=settings.ES_TIMEOUT)\n",
                 "app/deploy.py": "import paramiko\n\n\ndef run(host: str, command: str) -> str:\n"
                                  "    client = paramiko.SSHClient()\n    client.connect(host, timeout=30)\n"
                                  "    return client.exec_command(command)[1].read().decode()\n"},
                findings=0, status="pass",
                note="a search engine's client and an SSH connection given a timeout are outbound clients that have one"),
        Example({"app/store.py": "import sqlite3\nimport threading\n\nfrom elasticsearch import Elasticsearch\n\n"
                                 "es = Elasticsearch('http://search:9200')\n\n\ndef open_db(path: str):\n"
                                 "    return sqlite3.connect(path, timeout=20)\n\n\ndef wait(worker: threading.Thread) -> None:\n"
                                 "    worker.join(timeout=5)\n"},
                status="n/a", note="a local database's lock wait and a thread join are no clients of another service"),
        bad("import requests\nfrom opensearchpy import OpenSearch\n\nfrom app import settings\n\n"
            "search = OpenSearch(settings.SEARCH_HOSTS, timeout=settings.SEARCH_TIMEOUT)\n\n\n"
            "def status(url: str) -> dict:\n    return requests.get(url).json()\n", lines=(10,), status="fail",
            note="the search client's timeout does not cover a plain requests call"),
        Example({"app/plugin.py": _PLUGIN_CLI}, findings=0, status="pass",
                note="a plugin's command-line command, registered through its CLI hook, is run by hand"),
        Example({"app/orders.py": "import requests\n\nfrom app.bus import bus\n\n\n@bus.command('create-order')\n"
                                  "def create_order(order: dict) -> dict:\n"
                                  "    return requests.post('https://partner.example.org/orders', json=order).json()\n"},
                findings=1, lines=(8,), status="fail",
                note="a message bus's command handler, in a file without a CLI library, is the service's"),
        Example({"app/ext.py": _FLASK_EXTENSION.format(timeout=", socket_timeout=app.config['REDIS_TIMEOUT']")},
                findings=0, status="pass",
                note="a Flask extension's placeholder client in __init__, built again by init_app with a timeout"),
        Example({"app/ext.py": _FLASK_EXTENSION.format(timeout="")}, findings=1, lines=(11,), status="fail",
                note="the client init_app builds has no timeout: reported there, not at the placeholder"),
        Example({"app/ext.py": "from redis import StrictRedis\n\n\nclass Store:\n    def __init__(self, app=None):\n"
                               "        self.master = StrictRedis()\n\n    def init_app(self, app):\n"
                               "        self.app = app\n"}, findings=1, lines=(6,), status="fail",
                note="init_app keeps the client __init__ built: the one in use"),
        Example(_shared_session_example(""), findings=1, status="fail",
                note="a requests session made in one module and sent through in another"),
        Example(_shared_session_example(", timeout=10"), findings=0, status="pass",
                note="the shared session's calls each set a timeout"),
    )

    equivalents = (
        Equivalent("argument", ("timeout=",), True, "a timeout on the call (connect and read)"),
        Equivalent("call", ("httpx.Client()", "httpx.AsyncClient()", "httpx.get()"), True, "httpx applies a 5 s default"),
        Equivalent("call", ("session.mount(prefix, Adapter(timeout=...))",), True,
                   "an adapter mounted on the session that sets a default timeout"),
        Equivalent("call", ("class TimeoutSession(requests.Session)",), True,
                    "a session subclass whose request() sets a default timeout"),
        Equivalent("argument", ("serverSelectionTimeoutMS", "socketTimeoutMS", "timeoutMS", "socket_timeout"), True,
                   "MongoDB and Redis client timeouts"),
        Equivalent("call", ("requests_hardened.Manager(Config(default_timeout=...))",), True,
                   "requests-hardened fills in its default timeout on send_request() and the sessions it hands out"),
        Equivalent("call", ("curl.setopt(pycurl.TIMEOUT, ...)", "CONNECTTIMEOUT", "TIMEOUT_MS", "LOW_SPEED_TIME"), True,
                   "libcurl options set on the pycurl handle"),
        Equivalent("argument", ("Config(default_timeout=None)",), False, "requests-hardened with its default off"),
        Equivalent("argument", ("timeout=None", "ClientTimeout()"), False, "switches every timeout off"),
        Equivalent("argument", ("**kwargs",), False, "not judged: the timeout may come through the keywords"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        out = FileOutcome()
        if file_role(source, options) != SERVICE:
            return out  # a one-off script or command that hangs is re-run by hand: not counted
        defaulted = _default_timeout_sessions(source)
        nodes = {(c.lineno, c.col_offset + 1): c for c in source.nodes(ast.Call) if isinstance(c, ast.Call)}
        helpers: dict[str, tuple[int, bool]] = {}
        placeholders = _init_app_placeholders(source)
        commands = _cli_command_spans(source)
        calls = [c for c in _app_calls(source, forwarded=True)
                 if (c.line, c.column) not in placeholders and not _in_spans(c.line, commands)]
        for call in calls:
            if call.timeout == "unknown":
                continue
            node = nodes.get((call.line, call.column))
            if call.timeout == "missing" and node is not None and isinstance(node.func, ast.Attribute) \
                    and ast.unparse(node.func.value) in defaulted:
                call = Outbound(call.line, call.column, call.library, call.label, "ok")
            helper = _request_helper(source, node) if node is not None and call.library not in _NOT_HTTP else None
            if helper is not None:
                line, ok = helpers.get(helper.name, (helper.lineno, True))
                helpers[helper.name] = (line, ok and call.timeout not in ("missing", "off"))
            out.counts["calls"] += 1
            if call.timeout in ("missing", "off"):
                why = "switches timeouts off (timeout=None)" if call.timeout == "off" else "has no timeout"
                if call.library in ("pymongo", "redis") and call.timeout == "missing":
                    why = ("has no server-selection or socket timeout" if call.library == "pymongo"
                           else "has no socket_timeout")
                elif call.library == "pycurl":
                    why = "has no TIMEOUT or CONNECTTIMEOUT option"
                out.hits.append(Hit(call.line, call.column, f"{call.label} {why}",
                                    fixable=call.library in TIMEOUT_FIXABLE_LIBRARIES))
        seen = {(c.line, c.column) for c in calls}
        imported = _imported_session_calls(source, seen)
        clients = _timed_service_clients(source, seen)
        seen |= {(c.lineno, c.col_offset + 1) for c in clients} | {(line, column) for _, line, column, _, _ in imported}
        out.counts["calls"] += len(clients) + len(_url_requests(source, seen))
        mail = _django_mail_sends(source)
        sessions = _shared_sessions(source, defaulted)
        if helpers or mail or sessions or imported:
            out.facts = RequestHelpers(tuple((name, line, ok) for name, (line, ok) in sorted(helpers.items())), mail,
                                       sessions, imported)
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        mail = [(path, line, column, what) for path, fact in sorted(collected.facts.items())
                if isinstance(fact, RequestHelpers) for line, column, what in fact.mail]
        waits = bool(mail) and _django_mail_waits(project)
        findings = tuple(Finding(path, line, column, self.id, f"{what} sends over Django's SMTP backend, and the "
                                 "settings set no EMAIL_TIMEOUT", self.severity) for path, line, column, what in mail) \
            if waits else ()
        # a requests session made in another module (utils.http_session) and sent through here
        shared = {f"{module_name(path)}.{name}" for path, fact in collected.facts.items()
                  if isinstance(fact, RequestHelpers) for name in fact.sessions}
        through = [(path, call) for path, fact in sorted(collected.facts.items()) if isinstance(fact, RequestHelpers)
                   for call in fact.session_calls if call[0] in shared]
        findings += tuple(Finding(path, line, column, self.id, f"{label} has no timeout (a requests session made "
                                  f"in {qualified.rpartition('.')[0]})", self.severity)
                          for path, (qualified, line, column, label, state) in through if state != "ok")
        total = collected.counts["calls"] + len(mail) + len(through)
        if total == 0:
            return Verdict(NotApplicable("no HTTP, MongoDB, Redis or mail client calls found"))
        missing = len(collected.findings) + len(findings)
        noun = "outbound call or client" if total == 1 else "outbound calls and clients"
        summary = f"{missing} of {total} {noun} have no timeout"
        users = _helper_users(project, collected.facts)
        if users:
            # A shared request helper sends for every module that calls it: each one is a call site whose
            # timeout is the helper's. Its finding stays one, on the call inside the helper.
            total += sum(n for _, n, _ in users)
            missing += sum(n for _, n, ok in users if not ok)
            named = ", ".join(f"{name}() ({n} module{'s' if n != 1 else ''}, "
                              f"{'with' if ok else 'without'} a timeout)" for name, n, ok in users[:3])
            summary += f"; modules sending through a request helper: {named}"
            noun = "outbound call sites"
        return Verdict(Share(total - missing, total, noun, "have a timeout"), summary=summary, findings=findings)


@dataclass(frozen=True)
class RequestHelpers:
    """A file's module-level request helpers (``def safe_request(method, url, **kw)``): name, line, and
    whether every outbound call in it has a timeout; and where it sends mail through Django (line, column,
    what is called), whose timeout is a setting."""

    helpers: tuple[tuple[str, int, bool], ...] = ()
    mail: tuple[tuple[int, int, str], ...] = ()
    sessions: tuple[str, ...] = ()  # module-level requests sessions without a default timeout
    session_calls: tuple[tuple[str, int, int, str, str], ...] = ()  # (imported name, line, column, label, timeout)


_SESSION_TYPES = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_SESSION_WORDS = lazy_compile(r"_session$", re.IGNORECASE)  # http_session, requests_session


def _shared_sessions(source: SourceFile, defaulted: set[str]) -> tuple[str, ...]:
    """Module-level ``http_session = requests.Session()`` that other modules import and send through."""
    if source.tree is None or "Session" not in source.text and "session(" not in source.text:
        return ()
    names = import_map(source)
    return tuple(sorted(t.id for stmt in source.tree.body if isinstance(stmt, ast.Assign)
                        and isinstance(stmt.value, ast.Call) and qualify(stmt.value.func, names) in _SESSION_TYPES
                        for t in stmt.targets if isinstance(t, ast.Name) and t.id not in defaulted))


def _imported_session_calls(source: SourceFile, seen: set[tuple[int, int]]) -> tuple[tuple[str, int, int, str, str], ...]:
    """``http_session.get(url)`` on a name imported from another module of the project: which name, where, and
    whether the call sets a timeout; the module that made it says whether it is a requests session."""
    if source.tree is None or is_test_path(source.path):
        return ()
    names = import_map(source)
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in _HTTP_VERBS and isinstance(func.value, ast.Name)):
            continue
        qualified = names.get(func.value.id, "")
        if "." not in qualified or not _SESSION_WORDS.search(func.value.id) or (call.lineno, call.col_offset + 1) in seen:
            continue
        if has_star_kwargs(call):
            continue  # the timeout may come through the keywords
        kw = keyword(call, "timeout")
        state = "missing" if kw is None else "off" if is_none(kw.value) else "ok"
        out.append((qualified, call.lineno, call.col_offset + 1, f"{func.value.id}.{func.attr}()", state))
    return tuple(out)


def _cli_command_spans(source: SourceFile) -> list[tuple[int, int]]:
    """Lines of the functions a module registers as command-line commands (``_in_cli_command``): a plugin's
    ``@click.command`` inside its CLI hook, a Flask app's ``@app.cli.command()``. Run by hand from a shell,
    not by the service."""
    if not source.imports & _CLI_LIBRARIES or "command" not in source.text:
        return []
    return [(func.lineno, func.end_lineno or func.lineno) for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
            if _is_cli_command(func)]  # type: ignore[arg-type]


def _in_spans(line: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= line <= end for start, end in spans)


def _init_app_placeholders(source: SourceFile) -> set[tuple[int, int]]:
    """Clients a Flask extension's ``__init__`` puts on ``self`` only to have ``init_app`` build them again from the
    app's configuration (``self.master = StrictRedis()``): a placeholder that never sends, not the client in use."""
    if "init_app" not in source.text:
        return set()
    out = set()
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        methods = {m.name: m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if "__init__" not in methods or "init_app" not in methods:
            continue
        rebuilt = {target.attr for node in ast.walk(methods["init_app"]) if isinstance(node, ast.Assign)
                   for target in node.targets if _self_attribute(target)}
        for node in ast.walk(methods["__init__"]):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1 \
                    and _self_attribute(node.targets[0]) and node.targets[0].attr in rebuilt:  # type: ignore[attr-defined]
                out.add((node.value.lineno, node.value.col_offset + 1))
    return out


def _self_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


_DJANGO_MAIL = frozenset({"django.core.mail.send_mail", "django.core.mail.send_mass_mail", "django.core.mail.mail_admins",
                          "django.core.mail.mail_managers"})
_DJANGO_MESSAGES = frozenset({"django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
                              "django.core.mail.message.EmailMessage", "django.core.mail.message.EmailMultiAlternatives"})


def _django_mail_sends(source: SourceFile) -> tuple[tuple[int, int, str], ...]:
    """Where a module sends mail through Django's mail API: ``send_mail(...)``, ``mail_admins(...)``, or
    ``.send()`` on an ``EmailMessage`` it builds. Django's SMTP backend waits as long as ``EMAIL_TIMEOUT`` says."""
    if "django.core.mail" not in source.text:
        return ()
    names = import_map(source)
    built = {t.id for n in source.nodes(ast.Assign) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
             and qualify(n.value.func, names) in _DJANGO_MESSAGES for t in n.targets if isinstance(t, ast.Name)}
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        target = qualify(call.func, names)
        if target in _DJANGO_MAIL:
            out.append((call.lineno, call.col_offset + 1, f"{call_name(call)}()"))
        elif isinstance(call.func, ast.Attribute) and call.func.attr in ("send", "send_messages"):
            owner = call.func.value
            if (isinstance(owner, ast.Name) and owner.id in built) or (
                    isinstance(owner, ast.Call) and qualify(owner.func, names) in _DJANGO_MESSAGES):
                out.append((call.lineno, call.col_offset + 1, "EmailMessage.send()"))
        # deliver(send_mail, ...), Thread(target=send_mail): a wrapper or thread that sends with the function it is given
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(arg, (ast.Name, ast.Attribute)) and qualify(arg, names) in _DJANGO_MAIL:
                out.append((arg.lineno, arg.col_offset + 1, f"{dotted(arg)}()"))
    return tuple(out)


_EMAIL_TIMEOUT = lazy_compile(r"\bEMAIL_TIMEOUT\b")
_EMAIL_BACKEND = lazy_compile(r"EMAIL_BACKEND[^\n]*?['\"](\w+(?:\.\w+)+)['\"]")  # a dotted path, not env("EMAIL_BACKEND")
# Backends for a developer's machine or tests: they stand in for the deployed one, which is Django's SMTP default
# unless the settings name another.
_DEV_MAIL_BACKENDS = ("console", "locmem", "dummy", "filebased", "outbox")


def _django_mail_waits(project: Project) -> bool:
    """Whether Django's mail goes out over SMTP with no ``EMAIL_TIMEOUT`` in the settings: a stalled mail server
    then holds the request or worker that sends. A backend that is not SMTP (an API provider) is none; a console or
    in-memory one, or one in test settings, only stands in for the deployed backend."""
    settings = {rel: project.text_fact("mail-settings", rel, _mail_settings) for rel in project.python_files
                if is_settings_path(rel)}
    if any(timeout for timeout, _ in settings.values()):
        return False
    backends = [b for rel, (_, found) in settings.items() if not is_test_path(rel) for b in found
                if not any(dev in b.lower() for dev in _DEV_MAIL_BACKENDS)]
    return not backends or any("smtp" in b.lower() or "celery_email" in b.lower() for b in backends)


def _mail_settings(text: str) -> tuple[bool, tuple[str, ...]]:
    """(whether a settings module sets EMAIL_TIMEOUT, the mail backends it names)."""
    return bool(_EMAIL_TIMEOUT.search(text)), tuple(m.group(1) for m in _EMAIL_BACKEND.finditer(text))


def _request_helper(source: SourceFile, node: ast.Call) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level function around an outbound call that sends to a URL its caller passes in."""
    parent = source.parent(node)
    function = None
    while parent is not None:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            function = parent
            break
        parent = source.parent(parent)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or not isinstance(source.parent(function), ast.Module) or function.name.startswith("__"):
        return None
    params = {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
    sent = [*node.args[:2], *(k.value for k in node.keywords if k.arg == "url")]
    return function if any(isinstance(a, ast.Name) and a.id in params for a in sent) else None


def _helper_users(project: Project, facts: Mapping[str, Any]) -> list[tuple[str, int, bool]]:
    """(helper, how many other service modules import it, whether it sets a timeout), most used first."""
    from readiness.roles import service_files

    wanted: dict[str, tuple[str, str, bool]] = {}
    for path, fact in facts.items():
        if isinstance(fact, RequestHelpers):
            module = module_name(path)  # src/app/http.py is imported as app.http and as src.app.http
            for name, _, ok in fact.helpers:
                wanted[f"{module}.{name}"] = (path, name, ok)
                if module.startswith("src."):
                    wanted[f"{module[4:]}.{name}"] = (path, name, ok)
    if not wanted:
        return []
    importers: dict[str, set[str]] = {}
    for path, modules in project.modules.items():
        for full in wanted.keys() & modules:
            if path != wanted[full][0]:
                importers.setdefault(full, set()).add(path)
    out = []
    for full, paths in importers.items():
        users = service_files(project, sorted(paths))
        if users:
            out.append((wanted[full][1], len(users), wanted[full][2]))
    return sorted(out, key=lambda u: (-u[1], u[0]))


# -- retry-policy and circuit-breaker ----------------------------------------------------------

def _library_evidence(source: SourceFile, libraries: list[str], what: str) -> list[Evidence]:
    found: list[Evidence] = []
    if is_test_path(source.path) or source.tree is None:
        return found
    wanted = set(libraries)
    for node in source.nodes(ast.Import, ast.ImportFrom):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [getattr(node, "module", "") or ""]
        for module in modules:
            top = module.split(".")[0]
            if top in wanted:
                found.append(Evidence(f"{what}: {top} used", source.path, getattr(node, "lineno", 0)))
                return found
    return found


def _urllib3_retry(source: SourceFile) -> list[Evidence]:
    """``HTTPAdapter(max_retries=Retry(...))`` mounted on a session, or an SDK client built with ``max_retries``.

    A bare count on an ``HTTPAdapter`` retries connection errors at once, without backoff: not a policy.
    SDK clients (jira, openai, ...) that take ``max_retries`` back off by themselves.
    """
    if is_test_path(source.path) or source.tree is None or "max_retries" not in source.text:
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        kw = keyword(call, "max_retries")
        if kw is None or not name[:1].isupper():
            continue
        value = kw.value
        if isinstance(value, ast.Constant) and (not isinstance(value.value, int) or value.value <= 0):
            continue
        if name == "HTTPAdapter":
            if isinstance(value, ast.Constant):
                continue  # a count without backoff
            return [Evidence("retry policy: urllib3 Retry mounted via HTTPAdapter", source.path, call.lineno)]
        if name not in ("Retry", "Config") and not off_by_default(source, call):  # not an optional feature's client
            return [Evidence(f"retry policy: {name} client built with max_retries", source.path, call.lineno)]
    return []


_TASK_DECORATORS = frozenset({"task", "shared_task", "actor", "periodic_task"})
_HUEY_TASKS = frozenset({"task", "db_task", "periodic_task", "db_periodic_task"})


def _huey_retried(call: ast.AST, source: SourceFile) -> bool:
    """``@huey.task(retries=5, retry_delay=15)``: Huey re-runs the failed task that many times."""
    if not isinstance(call, ast.Call) or "huey" not in source.imports or call_name(call) not in _HUEY_TASKS:
        return False
    retries = keyword(call, "retries")
    return retries is not None and not (isinstance(retries.value, ast.Constant) and not retries.value.value)


def _actor_calls(source: SourceFile, imports: dict[str, str]) -> list[tuple[ast.Call, list[ast.AST]]]:
    """``deliver = dramatiq.actor(DeliverTask(), retry_when=...)``: an actor made by a call rather than a decorator,
    with the functions it runs (the function handed over, or the ``run``/``perform``/``__call__`` of the class
    instance handed over). The Retries middleware re-runs them with backoff unless ``max_retries=0``."""
    if "actor(" not in source.text:
        return []
    classes = {c.name: c for c in source.nodes(ast.ClassDef) if isinstance(c, ast.ClassDef)}
    functions = {f.name: f for f in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
                 if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and isinstance(source.parent(f), ast.Module)}
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if (qualify(call.func, imports) or "") != "dramatiq.actor" or not call.args:
            continue
        retries = keyword(call, "max_retries")
        if retries is not None and isinstance(retries.value, ast.Constant) and not retries.value.value:
            continue
        target = call.args[0]
        runs: list[ast.AST] = []
        if isinstance(target, ast.Name) and target.id in functions:
            runs.append(functions[target.id])
        elif isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id in classes:
            runs += [m for m in classes[target.func.id].body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and m.name in ("run", "perform", "__call__")]
        if runs:
            out.append((call, runs))
    return out


def _retried_by_helper(source: SourceFile, task: ast.FunctionDef | ast.AsyncFunctionDef, me: str) -> int:
    """The line where a module function the bound task (``me``) hands itself to (``with retryable_smtp(self):``)
    calls ``retry()`` on that parameter, or 0."""
    helpers = {call_name(c) for c in ast.walk(task) if isinstance(c, ast.Call)
               and any(isinstance(a, ast.Name) and a.id == me for a in c.args)}
    for func in source.tree.body if source.tree is not None and helpers else ():
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or func.name not in helpers:
            continue
        params = {a.arg for a in [*func.args.posonlyargs, *func.args.args]}
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and call_name(call) == "retry" and isinstance(call.func, ast.Attribute) \
                    and isinstance(call.func.value, ast.Name) and call.func.value.id in params:
                return call.lineno
    return 0


def _task_retries(source: SourceFile) -> list[Evidence]:
    """Task-queue retries: Celery ``autoretry_for`` / ``self.retry()``, dramatiq ``max_retries``, rq ``Retry``.

    The queue re-runs the failed task after a delay (``countdown``, ``retry_backoff`` or the default), which is
    the retry policy of the outbound call the task makes.
    """
    if is_test_path(source.path) or source.tree is None:
        return []
    if "dramatiq" in source.imports:
        imports = import_map(source)
        for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
            assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
            deco = next((d for d in func.decorator_list if (qualify(d.func if isinstance(d, ast.Call) else d, imports)
                                                           or "").startswith("dramatiq.")), None)
            if deco is not None and _queue_retried(func, imports):
                return [Evidence("retry policy: dramatiq actor (Retries middleware, exponential backoff)",
                                 source.path, deco.lineno)]
        for call, _ in _actor_calls(source, imports):
            return [Evidence("retry policy: dramatiq actor (Retries middleware, exponential backoff)",
                             source.path, call.lineno)]
    if "retr" not in source.text.lower():
        return []
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        for deco in func.decorator_list:
            if not isinstance(deco, ast.Call) or call_name(deco) not in _TASK_DECORATORS:
                continue
            auto = keyword(deco, "autoretry_for")
            if auto is not None and not _database_races(auto.value):
                return [Evidence("retry policy: task autoretry_for", source.path, deco.lineno)]
            retries = keyword(deco, "max_retries")
            if call_name(deco) == "actor" and retries is not None and not (
                isinstance(retries.value, ast.Constant) and not retries.value.value
            ):
                return [Evidence("retry policy: dramatiq actor max_retries", source.path, deco.lineno)]
            bound = keyword(deco, "bind")
            if bound is not None and isinstance(bound.value, ast.Constant) and bound.value.value is True:
                # the bound task is the first parameter, whatever it is named (self, task)
                me = func.args.args[0].arg if func.args.args else "self"
                for call in ast.walk(func):
                    if isinstance(call, ast.Call) and call_name(call) == "retry" and isinstance(call.func, ast.Attribute) \
                            and isinstance(call.func.value, ast.Name) and call.func.value.id == me:
                        return [Evidence(f"retry policy: task {me}.retry()", source.path, call.lineno)]
                found = _retried_by_helper(source, func, me)
                if found:
                    return [Evidence("retry policy: task.retry() in a helper the task hands itself to", source.path, found)]
    if "celery" in source.imports:
        # task_func = shared_task(**kwargs)(inner); ... raise task_func.retry(exc=e, countdown=backoff): the project's
        # own task decorator that retries every task it makes
        made = {t.id for n in source.nodes(ast.Assign) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                and isinstance(n.value.func, ast.Call) and call_name(n.value.func) in _TASK_DECORATORS
                for t in n.targets if isinstance(t, ast.Name)}
        for call in source.nodes(ast.Call) if made else ():
            if isinstance(call, ast.Call) and call_name(call) == "retry" and isinstance(call.func, ast.Attribute) \
                    and isinstance(call.func.value, ast.Name) and call.func.value.id in made:
                return [Evidence("retry policy: the project's task decorator retries with Celery", source.path, call.lineno)]
    if "rq" in source.imports:
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) == "Retry" and keyword(call, "max") is not None:
                return [Evidence("retry policy: rq Retry", source.path, call.lineno)]
    if "huey" in source.imports:
        for call in source.nodes(ast.Call):  # a decorator, or a helper that builds one (huey.task(retries=N)(fn))
            if _huey_retried(call, source):
                return [Evidence("retry policy: Huey task retries", source.path, call.lineno)]
    if "airflow" in source.imports:
        line = _airflow_retries(source)
        if line:
            return [Evidence("retry policy: Airflow task retries", source.path, line)]
    return []


def _airflow_retries(source: SourceFile) -> int:
    """``DAG(..., default_args={"retries": 3, "retry_delay": ...})``, ``@task(retries=3)`` or an operator's
    ``retries=3``: Airflow runs a failed task again after ``retry_delay``."""
    for node in source.nodes(ast.Dict, ast.Call):
        if isinstance(node, ast.Dict):
            pairs = [(str_value(k), v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        else:
            assert isinstance(node, ast.Call)
            pairs = [(k.arg, k.value) for k in node.keywords]
        for key, value in pairs:
            if key == "retries" and isinstance(value, ast.Constant) and type(value.value) is int and value.value > 0:
                return node.lineno
    return 0


def _startup_wait(source: SourceFile) -> bool:
    """A start-up script (``if __name__ == "__main__"``) that makes no outbound HTTP call: its retry loop
    waits for the database, it is no policy for outbound calls."""
    if source.tree is None or not any(is_main_guard(node) for node in source.tree.body):
        return False
    return not [c for c in _app_calls(source) if c.library not in _NOT_HTTP]


_BREAKER_STATE = lazy_compile(r"half[_ -]?open", re.IGNORECASE)
_BREAKER_COUNT = lazy_compile(r"fail\w*(threshold|count|max|limit)|(max|threshold)\w*fail", re.IGNORECASE)


def _own_breaker(source: SourceFile) -> list[Evidence]:
    """A project class that implements a breaker: a half-open state and a failure threshold."""
    if is_test_path(source.path) or source.tree is None or not _BREAKER_STATE.search(source.text):
        return []
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        words = [n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else
                 n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else
                 n.arg if isinstance(n, ast.arg) else "" for n in ast.walk(cls)]
        words += [t.id for n in ast.walk(cls) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
        if any(_BREAKER_STATE.search(w) for w in words if w) and any(_BREAKER_COUNT.search(w) for w in words if w):
            return [Evidence(f"circuit breaker: {cls.name} (open, half-open, failure threshold)", source.path, cls.lineno)]
    return []


# A breaker written as a cooldown: a failure stamps the clock into state named for it (last_failure, retry_after,
# suspend_end_time) and calls are refused while the cooldown since that stamp runs; the first call after it probes.
_CLOCKS = frozenset({"time.time", "time.monotonic", "time.perf_counter", "timeit.default_timer", "datetime.datetime.now",
                     "datetime.datetime.utcnow", "django.utils.timezone.now"})
_FAILURE_STATE = frozenset({"fail", "failure", "failures", "failed", "suspend", "suspended", "ban", "banned", "down",
                            "dead", "unavailable", "cooldown", "backoff", "broken", "outage", "retry", "tripped"})
# an account locked after failed logins is a security rule, not a dependency's breaker
_LOCKOUT = frozenset({"login", "logins", "password", "auth", "authentication", "lockout", "locked", "user", "users",
                      "account", "accounts", "otp", "pin", "captcha", "signin", "attempt", "attempts"})
_COOLDOWN_WORDS = ("fail", "suspend", "ban", "down", "dead", "unavailable", "cooldown", "backoff", "broken", "outage",
                   "retry", "trip")
_COOLDOWN_HINT = lazy_compile("|".join(_COOLDOWN_WORDS), re.IGNORECASE)
_CLOCK_CALLS = ("time(", "monotonic(", "perf_counter(", "default_timer(", "now(", "utcnow(")
_CLOCK_HINT = lazy_compile(r"\b(?:time|monotonic|perf_counter|default_timer|now|utcnow)\(")


def _may_keep_cooldown(text: str) -> bool:
    """Whether the text names a failure and calls a clock: literal tests first, since either pattern
    tried at every position of a module that holds no match costs a whole scan of it."""
    return (may_match_ignoring_case(text, _COOLDOWN_WORDS) and _COOLDOWN_HINT.search(text) is not None
            and any(call in text for call in _CLOCK_CALLS) and _CLOCK_HINT.search(text) is not None)
_FAIL_FAST = (ast.Return, ast.Raise, ast.Continue)


def _state_key(node: ast.AST) -> str | None:
    """The name of a piece of state: ``last_failure``, ``self.last_failure``, ``store["retry_after"]`` or
    ``store.get("retry_after", 0)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return str_value(node.slice)
    if isinstance(node, ast.Call) and call_name(node) == "get" and isinstance(node.func, ast.Attribute) and node.args:
        return str_value(node.args[0])
    return None


class _Clock:
    """Which expressions of one module read the clock, directly or through a local name (``now = time.monotonic()``)."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.imports = import_map(source)
        self._locals: dict[int, set[str]] = {}

    def _scope(self, node: ast.AST) -> ast.AST:
        return next((a for a in self.source.ancestors(node) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))),
                    self.source.tree) or node

    def _call(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and qualify(node.func, self.imports) in _CLOCKS

    def names(self, scope: ast.AST) -> set[str]:
        if id(scope) not in self._locals:
            self._locals[id(scope)] = {t.id for a in walk(scope) if isinstance(a, ast.Assign)
                                       and any(self._call(c) for c in ast.walk(a.value))
                                       for t in a.targets if isinstance(t, ast.Name)}
        return self._locals[id(scope)]

    def reads(self, expr: ast.AST, at: ast.AST) -> bool:
        local = self.names(self._scope(at))
        return any(self._call(n) or (isinstance(n, ast.Name) and n.id in local) for n in ast.walk(expr))


def _lockout_context(source: SourceFile, node: ast.AST, key: str) -> bool:
    names = [key, *(a.name for a in source.ancestors(node) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                            ast.ClassDef)))]
    return any(w in _LOCKOUT for n in names for w in _words(n))


def _failure_stamps(source: SourceFile, clock: _Clock) -> dict[str, int]:
    """State named for a failure that takes the clock's reading where a failure is handled: in an ``except``
    clause or in a function named for it (``fail()``, ``suspend()``, ``_record_failure()``)."""
    out: dict[str, int] = {}
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        if not clock.reads(node.value, node):
            continue
        ancestors = source.ancestors(node)
        function = next((a for a in ancestors if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        handled = any(isinstance(a, ast.ExceptHandler) for a in ancestors) or (
            function is not None and bool(_FAILURE_STATE & set(_words(function.name))))
        kept = {n for g in ast.walk(function) if isinstance(g, (ast.Global, ast.Nonlocal)) for n in g.names} \
            if function is not None else set()
        for target in node.targets:
            key = _state_key(target)
            if not handled or key is None or (isinstance(target, ast.Name) and function is not None and key not in kept):
                continue  # a local name is gone when the function returns: no state
            if _FAILURE_STATE & set(_words(key)) and not _lockout_context(source, node, key):
                out.setdefault(key, node.lineno)
    return out


def _fails_fast(source: SourceFile, compare: ast.Compare) -> bool:
    """The comparison decides whether to go on: it is returned (``def disabled(self): return ...``), or an ``if``
    on it returns, raises or skips to the next one."""
    parent = source.parent(compare)
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp)):
        parent = source.parent(parent)
    if isinstance(parent, (ast.Return, ast.IfExp)):
        return True
    return isinstance(parent, ast.If) and bool(parent.body) and isinstance(parent.body[-1], _FAIL_FAST)


def _cooldown_breaker(source: SourceFile) -> list[Evidence]:
    """A hand-written breaker: a failure stamps the clock (``self.last_failure = time.time()`` in ``fail()``, a
    ``retry_after`` set in an ``except``) and calls are refused while the cooldown since it runs. A cache's expiry,
    a throttle or an account locked after failed logins is none."""
    text = source.text
    if is_test_path(source.path) or source.tree is None or not _may_keep_cooldown(text):
        return []
    clock = _Clock(source)
    stamps = _failure_stamps(source, clock)
    if not stamps:
        return []
    for compare in source.nodes(ast.Compare):
        assert isinstance(compare, ast.Compare)
        keys = {_state_key(n) for n in ast.walk(compare)} & set(stamps)
        if keys and clock.reads(compare, compare) and _fails_fast(source, compare):
            key = sorted(keys)[0]
            return [Evidence(f"circuit breaker: calls refused for a cooldown after a failure ({key})", source.path,
                             stamps[key])]
    return []


def _transport_retries(source: SourceFile) -> list[Evidence]:
    if "retries" not in source.text or source.tree is None or is_test_path(source.path):
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        kw = keyword(call, "retries")
        if name in ("HTTPTransport", "AsyncHTTPTransport") and kw is not None:
            if not (isinstance(kw.value, ast.Constant) and kw.value.value in (0, None)):
                return [Evidence("retry policy: httpx transport retries", source.path, call.lineno)]
    return []


class _OutboundPresence(Check):
    """A presence check that only applies when the project makes outbound calls."""

    what: str = ""

    def library_evidence(self, source: SourceFile, options: Mapping[str, Any]) -> list[Evidence]:
        return _library_evidence(source, list(options["libraries"]), self.what)

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        out = FileOutcome()
        # the calls the running system makes: the service's and its commands', not a dev script's
        running = file_role(source, options) in (SERVICE, CLI)
        # a helper that sends what its callers pass on (session.request(method, url, **kwargs)) is an outbound call too
        outbound = _app_calls(source, forwarded=True) if running else []
        out.counts["calls"] = sum(c.library not in _NOT_HTTP for c in outbound)
        out.counts["mail"] = _mail_sends(source, outbound) if running else 0
        if not _startup_wait(source) and file_role(source, options) != GENERATED:  # not a vendored dependency's own
            out.evidence.extend(self.library_evidence(source, options))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        """Applies when the service calls out over HTTP or sends mail through a mail server (the one outside
        dependency of many services); its own database and cache do not make it apply."""
        calls, mail = collected.counts["calls"], collected.counts["mail"]
        if calls == 0 and mail == 0:
            return Verdict(NotApplicable("the project makes no outbound HTTP calls and sends no mail"))
        found = bool(collected.evidence)
        if found:
            summary = f"{collected.evidence[0]}" + (f" and {len(collected.evidence) - 1} more" if len(collected.evidence) > 1 else "")
        elif calls:
            summary = f"no {self.what} for {calls} outbound HTTP call(s)"
        else:
            summary = f"no {self.what} for the {mail} place(s) that send mail through a mail server"
        return Verdict(Presence(found, self.what), summary=summary, evidence=tuple(collected.evidence))


def _mail_sends(source: SourceFile, outbound: list[Outbound]) -> int:
    """Places that talk to a mail server: an SMTP or IMAP client, or mail sent through Django's mail API."""
    return sum(c.library in _MAIL_LIBRARIES for c in outbound) + len(_django_mail_sends(source))


# -- retry-policy: which outbound call sites are retried ---------------------------------------

@dataclass(frozen=True)
class RetrySite:
    """One outbound HTTP call site and whether a retry covers it where it is written."""

    line: int
    label: str
    function: str  # the enclosing function's name, '' at module level
    covered: bool
    decorators: tuple[str, ...] = ()  # bare names of decorators defined elsewhere in the project


@dataclass(frozen=True)
class RetryFacts:
    """What one file tells about retries: its call sites, the functions its retried code calls (followed one call
    level, across modules), and the retry decorators it defines for others."""

    sites: tuple[RetrySite, ...] = ()
    retried_callees: frozenset[str] = frozenset()
    decorators: frozenset[str] = frozenset()
    loops: tuple[int, ...] = ()  # lines of hand-written loops that retry a call site


_SLEEPS = frozenset({"sleep"})
_RETRY_LOOPS = frozenset({"Retrying", "AsyncRetrying", "retry_context"})


def _retry_library_call(node: ast.AST, imports: dict[str, str], libraries: set[str]) -> bool:
    """``tenacity.retry(...)``, ``backoff.on_exception(...)``, ``stamina.retry(...)`` or the bare decorator."""
    target = node.func if isinstance(node, ast.Call) else node
    name = qualify(target, imports) or ""
    return name.split(".")[0] in libraries and name != name.split(".")[0]


_RACE_EXCEPTIONS = frozenset({"DoesNotExist", "ObjectDoesNotExist", "IntegrityError", "OperationalError", "DatabaseError",
                              "StaleDataError", "NoResultFound", "TransactionManagementError", "DeadlockDetected"})


def _database_races(node: ast.AST) -> bool:
    """``autoretry_for=(Post.DoesNotExist, IntegrityError)``: a task retried until its row is committed or a
    write conflict clears, not an outbound call retried."""
    names = [dotted(e) for e in (node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node])]
    return bool(names) and all(n.rpartition(".")[2] in _RACE_EXCEPTIONS or n.endswith("DoesNotExist") for n in names)


def _queue_retried(func: ast.FunctionDef | ast.AsyncFunctionDef, imports: dict[str, str]) -> bool:
    """A task the queue re-runs on failure: Celery autoretry_for or self.retry(), a dramatiq actor (its Retries
    middleware backs off by default) unless max_retries=0."""
    for deco in func.decorator_list:
        name = qualify(deco.func if isinstance(deco, ast.Call) else deco, imports) or ""
        short = name.rsplit(".", 1)[-1]
        if short not in _TASK_DECORATORS:
            continue
        call = deco if isinstance(deco, ast.Call) else None
        retries = keyword(call, "max_retries") if call is not None else None
        if name.startswith("dramatiq.") or short == "actor" and retries is not None:
            if retries is None or not (isinstance(retries.value, ast.Constant) and not retries.value.value):
                return True
        auto = keyword(call, "autoretry_for") if call is not None else None
        if auto is not None and not _database_races(auto.value):
            return True
        bound = keyword(call, "bind") if call is not None else None
        if bound is not None and isinstance(bound.value, ast.Constant) and bound.value.value is True:
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and call_name(node) == "retry" and isinstance(node.func, ast.Attribute) \
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
                    return True
    return False


def _hand_loop(loop: ast.AST, inner: ast.AST) -> bool:
    """A loop that catches the call's failure, goes round again and sleeps before the next attempt.

    A handler that returns, raises or breaks ends the loop on the first failure: a polling loop that waits
    between requests (an MFA push, a job's status) is no retry.
    """
    body = [n for n in ast.walk(loop)]
    tries = [n for n in body if isinstance(n, ast.Try) and any(inner is m for t in n.body for m in ast.walk(t))]
    again = any(h.body and not isinstance(h.body[-1], (ast.Return, ast.Raise, ast.Break))
                for t in tries for h in t.handlers)
    return again and any(isinstance(n, ast.Call) and call_name(n) in _SLEEPS and _grows(n, loop) for n in body)


def _grows(sleep: ast.Call, loop: ast.AST) -> bool:
    """A wait that backs off: it depends on the attempt (``2 ** attempt``) or on a delay the loop changes
    (``delay *= 2``). A fixed pause between attempts is no backoff."""
    varying: set[str] = set()
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        varying |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    for node in ast.walk(loop):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            varying.add(node.target.id)
        elif isinstance(node, ast.Assign):
            varying |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    used = {n.id for a in [*sleep.args, *(k.value for k in sleep.keywords)] for n in ast.walk(a) if isinstance(n, ast.Name)}
    return bool(used & varying)


def _retrying_session_files(source: SourceFile, imports: dict[str, str]) -> set[str]:
    """Client libraries whose sessions in this file retry: a urllib3 Retry (or a count from settings) mounted through
    HTTPAdapter, an httpx transport with retries."""
    out: set[str] = set()
    if "max_retries" in source.text:
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            kw = keyword(call, "max_retries")
            if call_name(call) == "HTTPAdapter" and kw is not None and not isinstance(kw.value, ast.Constant):
                out.add("requests")
    if _transport_retries(source):
        out.add("httpx")
    return out


def retry_facts(source: SourceFile, libraries: set[str]) -> RetryFacts:
    """Each outbound HTTP call site of the file and whether a retry covers it: a retry decorator on its function
    (tenacity, backoff, stamina, retrying, a decorator built from one), a Retrying loop, a hand-written loop that
    catches and sleeps, a task the queue retries, or a session with a retrying adapter."""
    if source.tree is None:
        return RetryFacts()
    imports = import_map(source)
    local_decorators = {t.id for node in source.tree.body if isinstance(node, ast.Assign)
                        and _retry_library_call(node.value, imports, libraries)
                        for t in node.targets if isinstance(t, ast.Name)}
    retried_functions: list[ast.AST] = []
    foreign: dict[int, tuple[str, ...]] = {}
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        names = []
        retried = _queue_retried(func, imports)
        for deco in func.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if _retry_library_call(deco, imports, libraries) or ast.unparse(target) in local_decorators:
                retried = True
            elif isinstance(target, (ast.Name, ast.Attribute)):
                names.append(ast.unparse(target).rsplit(".", 1)[-1])
        if retried:
            retried_functions.append(func)
        elif names:
            foreign[id(func)] = tuple(names)
    if "dramatiq" in source.imports:
        retried_functions += [run for _, runs in _actor_calls(source, imports) for run in runs]
    loops = [n for n in source.nodes(ast.For, ast.AsyncFor, ast.While)]
    retry_loops = [n for n in loops if isinstance(n, (ast.For, ast.AsyncFor)) and isinstance(n.iter, ast.Call)
                   and call_name(n.iter) in _RETRY_LOOPS]
    retried_ids = {id(f) for f in retried_functions} | {id(n) for n in retry_loops}
    callees: set[str] = set()
    for scope in [*retried_functions, *retry_loops]:
        callees.update(call_name(c) for c in ast.walk(scope) if isinstance(c, ast.Call) and call_name(c))
    for call in source.nodes(ast.Call):  # rq: q.enqueue(send, ..., retry=Retry(max=3))
        assert isinstance(call, ast.Call)
        kw = keyword(call, "retry")
        if call_name(call) in ("enqueue", "enqueue_call", "enqueue_in", "enqueue_at") and kw is not None \
                and isinstance(kw.value, ast.Call) and call.args:
            callees.add(ast.unparse(call.args[0]).rsplit(".", 1)[-1])
    sessions = _retrying_session_files(source, imports)
    nodes = {(c.lineno, c.col_offset + 1): c for c in source.nodes(ast.Call) if isinstance(c, ast.Call)}
    sites: list[RetrySite] = []
    loops: list[int] = []
    for call in _app_calls(source):
        if call.library in _NOT_HTTP:
            continue
        node = nodes.get((call.line, call.column))
        ancestors = source.ancestors(node) if node is not None else []
        function = next((a for a in ancestors if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        covered = any(id(a) in retried_ids for a in ancestors)
        covered = covered or (call.library in sessions and node is not None and isinstance(node.func, ast.Attribute)
                              and not call.label.startswith(f"{call.library}."))
        loop = next((a for a in ancestors if isinstance(a, (ast.For, ast.AsyncFor, ast.While)) and _hand_loop(a, node)),
                    None) if node is not None and not covered else None
        if loop is not None:
            covered = True
            loops.append(getattr(loop, "lineno", 0))
        decorators = tuple(n for a in ancestors for n in foreign.get(id(a), ()))
        sites.append(RetrySite(call.line, call.label, getattr(function, "name", ""), covered, decorators))
    for evidence in _urllib3_retry(source):
        if "client built with max_retries" in evidence.message:
            sites.append(RetrySite(evidence.line, evidence.message.split(": ", 1)[-1], "", True))
    return RetryFacts(tuple(sites), frozenset(callees), frozenset(local_decorators), tuple(sorted(set(loops))))


_CELERY_RETRY = (
    "import requests\nfrom celery import shared_task\n\n\n@shared_task(bind=True, max_retries=5)\n"
    "def deliver(self, url: str, payload: dict) -> None:\n    try:\n"
    "        requests.post(url, json=payload, timeout=10).raise_for_status()\n"
    "    except requests.RequestException as exc:\n        raise self.retry(exc=exc, countdown=60)\n"
)
_CELERY_AUTORETRY = (
    "import requests\nfrom celery import shared_task\n\n\n"
    "@shared_task(autoretry_for=(requests.ConnectionError,), retry_backoff=30, max_retries=8)\n"
    "def notify(url: str) -> None:\n    requests.post(url, timeout=10).raise_for_status()\n"
)
_STARTUP_WAIT = (
    "import logging\n\nfrom sqlalchemy import create_engine, text\nfrom tenacity import retry, stop_after_attempt, "
    "wait_fixed\n\nengine = create_engine('postgresql://db/app')\n\n\n@retry(stop=stop_after_attempt(60), "
    "wait=wait_fixed(1))\ndef wait_for_db() -> None:\n    with engine.connect() as conn:\n        conn.execute(text('SELECT 1'))\n\n\n"
    "if __name__ == '__main__':\n    logging.basicConfig()\n    wait_for_db()\n"
)


_DRAMATIQ = (
    "import dramatiq\nimport requests\n\n\n@dramatiq.actor{args}\ndef push_invoice(url: str, invoice: dict) -> None:\n"
    "    requests.put(url, json=invoice, timeout=10).raise_for_status()\n"
)


# rq: a job enqueued with a Retry policy (max attempts, and intervals between them) runs again when it fails
_RQ = (
    "import requests\nfrom redis import Redis\nfrom rq import Queue{imports}\n\nqueue = Queue(connection=Redis())\n\n\n"
    "def push_invoice(url: str, invoice: dict) -> None:\n    requests.put(url, json=invoice, timeout=10).raise_for_status()\n\n\n"
    "def schedule(url: str, invoice: dict) -> None:\n    queue.enqueue(push_invoice, url, invoice{args})\n"
)


_HUEY = (
    "import functools\n\nimport requests\nfrom huey.contrib.djhuey import HUEY as huey\n\n\n"
    "def task(retries=5, retry_delay=15):\n    def deco(fn):\n        @functools.wraps(fn)\n"
    "        def inner(*args, **kwargs):\n            return fn(*args, **kwargs)\n\n"
    "        return huey.task(retries={retries}, retry_delay=retry_delay)(inner)\n\n    return deco\n\n\n"
    "@task()\ndef fetch_favicon(url: str) -> bytes:\n    return requests.get(url, timeout=10).content\n"
)


_DRAMATIQ_CALL = {
    "app/delivery.py": "import httpx\n\n\nclass Delivery:\n    async def deliver(self, url: str, body: str) -> None:\n"
                       "        async with httpx.AsyncClient(timeout=10) as client:\n"
                       "            (await client.post(url, content=body)).raise_for_status()\n",
    "app/tasks.py": "import dramatiq\n\nfrom app.delivery import Delivery\n\n\nclass DeliverTask:\n"
                    "    async def run(self, url: str, body: str) -> None:\n        await Delivery().deliver(url, body)\n\n\n"
                    "deliver = dramatiq.actor(DeliverTask(){args})\n",
}
_SMTP_REPORT = (
    "import smtplib\nfrom email.message import EmailMessage\n\n\nclass ReportMailer:\n"
    "    def __init__(self, host: str, port: int) -> None:\n        self.host, self.port = host, port\n\n"
    "    def send(self, message: EmailMessage) -> None:\n"
    "        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:\n            smtp.send_message(message)\n"
)
_MAIL_TASK = (
    "from smtplib import SMTPException\n\nfrom celery import shared_task\nfrom django.core.mail import send_mail\n\n\n"
    "@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=6)\n"
    "def send_round_results(subject: str, body: str, recipients: list[str]) -> None:\n"
    "    send_mail(subject, body, None, recipients)\n"
)
_OWN_STORES = (
    "import pymongo\nimport redis\n\nstore = pymongo.MongoClient('mongodb://db:27017', serverSelectionTimeoutMS=2000)\n"
    "cache = redis.Redis(host='cache', socket_timeout=2)\n\n\ndef remember(key: str, value: str) -> None:\n"
    "    cache.set(key, value)\n    store.app.items.insert_one({'key': key, 'value': value})\n"
)
_SOURCE = "import requests\n\n\ndef fetch_{name}(url: str) -> dict:\n    return requests.get(url, timeout=5).json()\n"
_RETRIED_SOURCE = ("import backoff\nimport requests\n\n\n@backoff.on_exception(backoff.expo, requests.RequestException, "
                   "max_tries=4)\ndef fetch(url: str) -> dict:\n    return requests.get(url, timeout=5).json()\n")


class RetryPolicy(_OutboundPresence):
    id = "retry-policy"
    category = "external-api"
    severity = "high"
    effort = "1d"
    title = "Retries with backoff on outbound calls"
    rationale = (
        "Networks drop packets and dependencies restart; without retries every blip becomes a user-"
        "facing error, and retries without backoff turn a slow dependency into a stampede."
    )
    remediation = (
        "Wrap outbound calls with tenacity, backoff or stamina (exponential backoff with jitter and a "
        "cap), or mount an `HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5))` on the "
        "requests session. Retry only idempotent requests or those with an idempotency key."
    )
    scoring = ("Presence: a retry library (tenacity, backoff, ...), a urllib3 Retry mounted on a session, an SDK client "
               "built with max_retries, or task-queue retries (Celery autoretry_for / self.retry, dramatiq actors, rq) "
               "in application code; a start-up wait for the database does not count; n/a without outbound HTTP calls or "
               "mail sent through a mail server (the service's own database and cache do not count). "
               "The summary adds the share of the service's outbound HTTP call sites that are retried (where they are "
               "written, or one call level away) and names those that are not.")
    what = "retry policy"
    options = {"libraries": ["tenacity", "backoff", "stamina", "retrying", "aiohttp_retry", "retry"]}
    needles = (*_NEEDLES, "django.core.mail", "tenacity", "backoff", "stamina", "retry", "Retry", "retries")
    examples = (
        Example({"app/client.py": "import requests\n\ndef f():\n    return requests.get('https://x.io', timeout=3)\n"},
                status="fail"),
        Example({"app/client.py": "import requests\nfrom tenacity import retry, stop_after_attempt\n\n"
                 "@retry(stop=stop_after_attempt(3))\ndef f():\n    return requests.get('https://x.io', timeout=3)\n"},
                status="pass"),
        Example({"app/client.py": "import requests\nfrom requests.adapters import HTTPAdapter\n"
                 "from urllib3.util.retry import Retry\n\ns = requests.Session()\n"
                 "s.mount('https://', HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))\n"
                 "r = s.get('https://x.io', timeout=3)\n"},
                status="pass", note="urllib3 Retry mounted on a session"),
        Example({"app/client.py": "import requests\nfrom requests.adapters import HTTPAdapter\n\n"
                 "s = requests.Session()\ns.mount('https://', HTTPAdapter(max_retries=0))\nr = s.get('https://x.io', timeout=3)\n"},
                status="fail", note="max_retries=0 is no retry policy"),
        Example({"app/main.py": "def handler():\n    return {'ok': True}\n"}, status="n/a",
                note="no outbound calls"),
        Example({"app/mailer.py": _SMTP_REPORT}, status="fail",
                note="reports sent straight to an SMTP server, never retried: a mail server is an outside dependency"),
        Example({"app/tasks.py": _MAIL_TASK}, status="pass",
                note="mail sent from a Celery task that retries SMTP failures with backoff"),
        Example({"app/cache.py": _OWN_STORES}, status="n/a",
                note="the service's own cache and database are not outside dependencies"),
        Example({"app/tasks.py": _CELERY_RETRY}, status="pass", note="a Celery task retried with a countdown"),
        Example({"app/tasks.py": _CELERY_AUTORETRY}, status="pass", note="autoretry_for with retry_backoff"),
        Example({"app/tasks.py": "import requests\nfrom celery import shared_task\n\nfrom app.models import Post\n\n\n"
                                 "@shared_task(autoretry_for=(Post.DoesNotExist,), default_retry_delay=1)\n"
                                 "def notify_watchers(post_id):\n    post = Post.objects.get(pk=post_id)\n"
                                 "    requests.post(post.webhook, json={'id': post.pk}, timeout=5)\n"},
                status="fail", note="retried until the post's row is committed: a database race, not the webhook"),
        Example({"app/workers/task.py": "import random\nfrom functools import wraps\n\nfrom celery import shared_task\n\n\n"
                                        "class retryable_task:\n    def __init__(self, *args, **kwargs):\n"
                                        "        self.task_args, self.task_kwargs = args, kwargs\n\n    def __call__(self, f):\n"
                                        "        @wraps(f)\n        def inner(*args, **kwargs):\n            try:\n"
                                        "                return f(*args, **kwargs)\n            except Exception as e:\n"
                                        "                retries = task_func.request.retries\n"
                                        "                delay = 10 * int(random.uniform(1.9, 2.1) ** retries)\n"
                                        "                raise task_func.retry(exc=e, countdown=delay)\n\n"
                                        "        task_func = shared_task(*self.task_args, **self.task_kwargs)(inner)\n"
                                        "        return task_func\n",
                 "app/etl/tasks.py": "import requests\n\nfrom app.workers.task import retryable_task\n\n\n"
                                     "@retryable_task(name='fetch-push', max_retries=10)\ndef fetch_push(url):\n"
                                     "    return requests.get(url, timeout=10).json()\n"},
                status="pass", note="the project's own task decorator retries each task with Celery and backoff"),
        Example({"app/tasks.py": "import smtplib\n\nimport requests\nfrom celery import shared_task\n\nDELAYS = [30, 60, 120]\n\n\n"
                                 "@shared_task(bind=True, max_retries=None)\ndef send_email_task(task, email):\n    try:\n"
                                 "        deliver(email)\n    except smtplib.SMTPException:\n"
                                 "        task.retry(countdown=DELAYS[task.request.retries])\n\n\n"
                                 "def fetch():\n    return requests.get('https://example.org/x', timeout=5)\n"},
                status="pass", note="a bound task whose first parameter is named task"),
        Example({"app/tasks.py": "import smtplib\nfrom contextlib import contextmanager\n\nimport requests\n"
                                 "from celery import shared_task\n\n\n"
                                 "@contextmanager\ndef retryable_smtp(task):\n    try:\n        yield\n"
                                 "    except smtplib.SMTPResponseException:\n"
                                 "        task.retry(max_retries=5, countdown=2 ** (task.request.retries * 2))\n        raise\n\n\n"
                                 "@shared_task(bind=True)\ndef send_mail(self, mail_id):\n    with retryable_smtp(self):\n"
                                 "        deliver(mail_id)\n\n\n"
                                 "def check_update():\n    return requests.get('https://example.org/v', timeout=5).json()\n"},
                status="pass", note="a bound task hands itself to a helper that retries it with backoff"),
        Example({"app/client.py": "import requests\n\n\ndef quote():\n    return requests.get('https://x.io', timeout=3)\n",
                 "app/pre_start.py": _STARTUP_WAIT}, status="fail",
                note="tenacity only waits for the database at start-up"),
        Example({"app/client.py": "import requests\nfrom requests.adapters import HTTPAdapter\n\n"
                 "s = requests.Session()\ns.mount('https://', HTTPAdapter(max_retries=3))\n"
                 "r = s.get('https://x.io', timeout=3)\n"}, status="fail", note="a bare count retries without backoff"),
        Example({"app/tasks.py": _DRAMATIQ.format(args="")}, status="pass",
                note="a dramatiq actor: its Retries middleware backs off by default"),
        Example({"app/tasks.py": _DRAMATIQ.format(args="(max_retries=0)")}, status="fail",
                note="a dramatiq actor with retries switched off"),
        Example({"app/tasks.py": _RQ.format(imports=", Retry", args=", retry=Retry(max=3, interval=[10, 30, 60])")},
                status="pass", note="an rq job enqueued with a Retry policy"),
        Example({"app/tasks.py": _RQ.format(imports="", args="")}, status="fail",
                note="an rq job enqueued without one runs once"),
        Example({"app/tasks.py": _HUEY.format(retries="retries")}, status="pass",
                note="a helper that builds Huey tasks with retries and a retry delay"),
        Example({"app/tasks.py": _HUEY.format(retries="0")}, status="fail", note="Huey tasks with retries switched off"),
        Example({"dags/sync.py": "from datetime import timedelta\n\nimport requests\nfrom airflow import DAG\n"
                 "from airflow.operators.python import PythonOperator\n\n\ndef sync():\n"
                 "    requests.get('https://feeds.example.org/cwe.json', timeout=30).raise_for_status()\n\n\n"
                 "with DAG('sync', schedule='0 3 * * 1', default_args={'retries': 3, 'retry_delay': timedelta(seconds=10)}):\n"
                 "    PythonOperator(task_id='sync', python_callable=sync)\n"}, status="pass",
                note="Airflow runs a failed task again: default_args retries"),
        Example({"dags/sync.py": "import requests\nfrom airflow import DAG\n"
                 "from airflow.operators.python import PythonOperator\n\n\ndef sync():\n"
                 "    requests.get('https://feeds.example.org/cwe.json', timeout=30).raise_for_status()\n\n\n"
                 "with DAG('sync', schedule='0 3 * * 1', default_args={'retries': 0}):\n"
                 "    PythonOperator(task_id='sync', python_callable=sync)\n"}, status="fail",
                note="an Airflow DAG whose tasks are never retried"),
        Example({k: v.format(args=", retry_when=should_retry") for k, v in _DRAMATIQ_CALL.items()}, status="pass",
                note="an actor made by calling dramatiq.actor on a task class: its run() and what it calls are retried"),
        Example({k: v.format(args=", max_retries=0") for k, v in _DRAMATIQ_CALL.items()}, status="fail",
                note="the same actor with retries switched off"),
        Example({**{f"app/sources/{name}.py": _SOURCE.format(name=name) for name in "abcdef"},
                 **{f"app/sources/extra_{n}.py": _SOURCE.format(name=n) for n in range(5)},
                 "app/sources/metrica.py": _RETRIED_SOURCE}, status="fail",
                note="one data-source connector of twelve retries; the eleven beside it do not"),
        Example({"app/reports.py": "import requests\n\n\n" + "".join(
                    f"def report_{n}(url: str) -> dict:\n    return requests.get(url, timeout=5).json()\n\n\n"
                    for n in range(11)),
                 "app/webhooks.py": _RETRIED_SOURCE}, status="pass",
                note="the main integration retries; other calls that do not are reported in the summary"),
        Example({"app/reports.py": "import requests\n\n\ndef report(url: str) -> dict:\n"
                                   "    return requests.get(url, timeout=5).json()\n",
                 "app/settings.py": "import os\n\nfrom elasticsearch import Elasticsearch\n\n"
                                    "BI_ENABLED = os.environ.get('BI_ENABLED', 'False') == 'True'\nif BI_ENABLED:\n"
                                    "    BI_CLIENT = Elasticsearch(os.environ['BI_HOST'], max_retries=10, timeout=30)\n"},
                status="fail", note="a client with retries for an optional feature that is off by default retries nothing"),
        Example({"app/reports.py": "import requests\n\n\ndef report(url: str) -> dict:\n"
                                   "    return requests.get(url, timeout=5).json()\n",
                 "app/settings/search.py": "from elasticsearch import Elasticsearch\n\nfrom app import secrets\n\n"
                                           "BI_ENABLED = secrets.get_secret('BI_ENABLED', False) == 'True'\nif BI_ENABLED:\n"
                                           "    BI_CLIENT = Elasticsearch(secrets.get_secret('BI_HOST'), max_retries=10)\n"},
                status="fail", note="the switch read through the project's own secrets reader, off unless set"),
    )

    equivalents = (
        Equivalent("import", ("tenacity", "backoff", "stamina", "retrying", "aiohttp_retry", "retry"), True,
                   "a retry library (the `libraries` option)"),
        Equivalent("call", ("HTTPAdapter(max_retries=Retry(...))",), True, "urllib3 Retry with backoff mounted on a session"),
        Equivalent("call", ("Client(max_retries=N)", "HTTPTransport(retries=N)"), True,
                   "an SDK client or httpx transport that retries by itself"),
        Equivalent("argument", ("autoretry_for", "self.retry()", "@dramatiq.actor", "rq Retry(max=N)",
                                "@huey.task(retries=N)", "DAG(default_args={'retries': N})"), True,
                   "task-queue retries: Celery, dramatiq (retries by default), rq, Huey, Airflow"),
        Equivalent("call", ("for attempt in range(n): try: ... except: time.sleep(2 ** attempt)",), True,
                   "a hand-written loop that catches the failure and backs off before the next attempt"),
        Equivalent("call", ("while ...: time.sleep(3); try: ... except: return",), False,
                   "a polling loop that gives up on the first failure, or a fixed pause between attempts"),
        Equivalent("argument", ("@dramatiq.actor(max_retries=0)",), False, "retries switched off"),
        Equivalent("call", ("HTTPAdapter(max_retries=3)",), False, "a bare count retries at once, without backoff"),
        Equivalent("file", ("if __name__ == '__main__'",), False, "a start-up script that waits for the database"),
    )

    def library_evidence(self, source: SourceFile, options: Mapping[str, Any]) -> list[Evidence]:
        return [*super().library_evidence(source, options), *_urllib3_retry(source), *_transport_retries(source),
                *_task_retries(source)]

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        out = super().check_file(source, options)
        if not is_test_path(source.path) and source.tree is not None and file_role(source, options) == SERVICE:
            facts = retry_facts(source, set(options["libraries"]))
            if facts.sites or facts.retried_callees or facts.decorators:
                out.facts = facts
            out.evidence += [Evidence("retry policy: a loop that catches the failure and waits before the next attempt",
                                      source.path, line) for line in facts.loops[:1]]
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        """Presence decides; the share of the service's call sites that are retried is reported beside it.

        Scoring the share was measured on the real-world services: reviewers pass a service whose main
        integration retries (a Jira client with max_retries, Celery tasks that retry deliveries) however many
        other call sites do not, so the share stays a figure in the summary, not the verdict.
        """
        verdict = super().evaluate(project, collected, options)
        if isinstance(verdict.measure, NotApplicable):
            return verdict
        covered, bare = retry_coverage(collected)
        total = len(covered) + len(bare)
        if total == 0:
            return verdict
        parts = [f"{len(covered)} of {total} outbound HTTP call sites in the service are retried"] if covered else []
        if bare:
            names = ", ".join(f"{site.label} ({path}:{site.line})" for path, site in bare[:3])
            parts.append(f"not retried: {names}" + (f" and {len(bare) - 3} more" if len(bare) > 3 else ""))
        lone = _lone_connector(covered, bare)
        if lone is not None and len(covered) < _LONE_SHARE * total:
            module, siblings = lone
            return Verdict(
                Share(len(covered), total, "outbound HTTP call sites", "retried"),
                summary=f"only one connector retries ({module}); {siblings} other connectors beside it and the rest "
                        f"of the service do not: " + "; ".join(parts),
                evidence=verdict.evidence,
            )
        return Verdict(verdict.measure, summary="; ".join([verdict.summary, *parts]), evidence=verdict.evidence)


_LONE_SHARE = 0.1  # below this share of call sites retried, one retried connector is the exception
_LONE_SIBLINGS = 5  # ...when at least this many connectors beside it call out without retries


def _lone_connector(covered: list[tuple[str, RetrySite]], bare: list[tuple[str, RetrySite]]) -> tuple[str, int] | None:
    """The one module whose calls are retried, when it is one of a family of connectors (modules of one folder
    that all call out) and the others are not retried: a data-source plugin with backoff among thirty without."""
    modules = {path for path, _ in covered}
    if len(modules) != 1:
        return None
    module = next(iter(modules))
    folder = module.rpartition("/")[0]
    siblings = {path for path, _ in bare if path.rpartition("/")[0] == folder and path != module}
    return (module, len(siblings)) if len(siblings) >= _LONE_SIBLINGS else None


def retry_coverage(collected: Collected) -> tuple[list[tuple[str, RetrySite]], list[tuple[str, RetrySite]]]:
    """(covered, not covered) call sites: retried where they are written, or one call level away (a retried
    function or task in any module calls the function they are in, or a retry decorator defined in another
    module wraps it)."""
    files = {path: f for path, f in collected.facts.items() if isinstance(f, RetryFacts)}
    callees = frozenset().union(*(f.retried_callees for f in files.values()))
    decorators = frozenset().union(*(f.decorators for f in files.values()))
    covered: list[tuple[str, RetrySite]] = []
    bare: list[tuple[str, RetrySite]] = []
    for path, facts in sorted(files.items()):
        for site in facts.sites:
            followed = site.function in callees or any(d in decorators for d in site.decorators)
            (covered if site.covered or followed else bare).append((path, site))
    return covered, bare


_OWN_BREAKER = (
    "import time\n\nimport requests\n\n\nclass Breaker:\n    def __init__(self, failure_threshold: int = 5, reset_after: float = 30):\n"
    "        self.failure_threshold = failure_threshold\n        self.reset_after = reset_after\n"
    "        self.failures = 0\n        self.state = 'closed'\n        self.opened_at = 0.0\n\n"
    "    def call(self, url: str) -> requests.Response:\n"
    "        if self.state == 'open' and time.monotonic() - self.opened_at > self.reset_after:\n"
    "            self.state = 'half-open'\n        if self.state == 'open':\n            raise RuntimeError('circuit open')\n"
    "        try:\n            response = requests.get(url, timeout=3)\n        except requests.RequestException:\n"
    "            self.failures += 1\n            if self.failures >= self.failure_threshold or self.state == 'half-open':\n"
    "                self.state, self.opened_at = 'open', time.monotonic()\n            raise\n"
    "        self.failures, self.state = 0, 'closed'\n        return response\n"
)


_PEER_COOLDOWN = (
    "import time\n\nimport requests\n\nRETRY_DELAY = 60\n\n\nclass Peer:\n    def __init__(self, url: str) -> None:\n"
    "        self.url = url\n        self.last_failure = 0.0\n\n    @property\n    def disabled(self) -> bool:\n"
    "        return time.time() - self.last_failure < RETRY_DELAY\n\n    def fail(self) -> None:\n"
    "        self.last_failure = time.time()\n\n    def find(self, query: str) -> list:\n        try:\n"
    "            return requests.get(self.url, params={'q': query}, timeout=5).json()\n"
    "        except requests.RequestException:\n            self.fail()\n            return []\n\n\n"
    "def find_all(peers: list[Peer], query: str) -> list:\n"
    "    return [hit for peer in peers if not peer.disabled for hit in peer.find(query)]\n"
)
_CACHE_COOLDOWN = (
    "import time\n\nimport redis\n\nCOOLDOWN = 30\n_state: dict = {{}}\n\n\ndef get_client():\n"
    "    if time.monotonic() < _state.get('{key}', 0):\n        return None\n    try:\n"
    "        client = redis.Redis(host='cache', socket_timeout=2)\n        client.ping()\n        return client\n"
    "    except redis.RedisError:\n        _state['{key}'] = time.monotonic() + COOLDOWN\n        return None\n\n\n"
    "def fetch(url: str) -> str:\n    import requests\n\n    return requests.get(url, timeout=5).text\n"
)
_LOGIN_LOCKOUT = (
    "from datetime import timedelta\n\nimport requests\nfrom django.core.exceptions import PermissionDenied\n"
    "from django.utils import timezone\n\nLOCKOUT = timedelta(minutes=15)\n\n\n"
    "def record_failed_login(profile) -> None:\n    profile.last_failed_login = timezone.now()\n    profile.save()\n\n\n"
    "def check_lockout(profile) -> None:\n    if timezone.now() - profile.last_failed_login < LOCKOUT:\n"
    "        raise PermissionDenied('try again later')\n\n\n"
    "def avatar(url: str) -> bytes:\n    return requests.get(url, timeout=5).content\n"
)


_SESSION_SERVICE = (
    "from requests import Session\n\n\nclass HTTPService:\n    def __init__(self):\n        self._session = Session()\n\n"
    "    def request(self, method, url, timeout=10, **kwargs):\n"
    "        response = self._session.request(method, url, timeout=timeout, **kwargs)\n"
    "        response.raise_for_status()\n        return response\n"
)


class CircuitBreaker(_OutboundPresence):
    id = "circuit-breaker"
    category = "external-api"
    severity = "medium"
    effort = "1-2d"
    title = "Circuit breaker around dependencies"
    rationale = (
        "When a dependency is down, calling it anyway wastes threads on timeouts and slows every "
        "request. A circuit breaker fails fast after repeated errors and probes for recovery."
    )
    remediation = (
        "Wrap calls to each external dependency with a breaker (pybreaker, aiobreaker, purgatory, "
        "circuitbreaker) and return a degraded answer while it is open."
    )
    scoring = ("Presence: a circuit-breaker library, a project class with a half-open state and a failure "
               "threshold, or a hand-written cooldown (a failure stamps the clock into state named for it and calls "
               "are refused until the delay has passed), in application code; n/a without outbound HTTP calls or "
               "mail sent through a mail server.")
    what = "circuit breaker"
    options = {"libraries": ["pybreaker", "aiobreaker", "purgatory", "circuitbreaker"]}
    needles = (*_NEEDLES, "django.core.mail", "breaker", "Breaker", "purgatory", "half_open", "HALF_OPEN", "half-open",
               "HalfOpen", "monotonic", "default_timer", "time.time(")
    examples = (
        Example({"app/client.py": "import httpx\n\nasync def f(c):\n    return httpx.get('https://x.io')\n"},
                status="fail"),
        Example({"app/client.py": "import pybreaker\nimport requests\n\nbreaker = pybreaker.CircuitBreaker(fail_max=5)\n\n"
                 "@breaker\ndef f():\n    return requests.get('https://x.io', timeout=3)\n"}, status="pass"),
        Example({"app/main.py": "x = 1\n"}, status="n/a", note="no outbound calls"),
        Example({"app/notify.py": "from django.core.mail import send_mass_mail\n\n\ndef announce(messages):\n"
                                  "    return send_mass_mail(messages, fail_silently=False)\n"}, status="fail",
                note="mail sent through Django's SMTP backend: the mail server is an outside dependency"),
        Example({"app/http.py": _SESSION_SERVICE}, status="fail",
                note="every call goes out through one session wrapper, which has no breaker"),
        Example({"app/main.py": "x = 1\n",
                 "app/upload-screenshots.py": "import requests\n\nrequests.post('https://weblate.example.org/api/', timeout=5)\n"},
                status="n/a", note="a developer's upload script is not the running service's dependency"),
        Example({"app/client.py": "import requests\n\nr = requests.get('https://x.io', timeout=3)\n",
                 "tests/test_breaker.py": "import pybreaker\n"}, status="fail",
                note="a breaker only in tests does not count"),
        Example({"app/client.py": _OWN_BREAKER}, status="pass", note="a breaker written by the project"),
        Example({"app/peers.py": _PEER_COOLDOWN}, status="pass",
                note="a peer that failed is skipped until its retry delay has passed, then tried again"),
        Example({"app/cache.py": _CACHE_COOLDOWN.format(key="retry_after")}, status="pass",
                note="after a failed connect the cache is not asked again until the cooldown is over"),
        Example({"app/cache.py": _CACHE_COOLDOWN.format(key="expires_at")}, status="fail",
                note="a cached answer kept for a while is an expiry, not a breaker"),
        Example({"app/accounts.py": _LOGIN_LOCKOUT}, status="fail",
                note="an account locked for a while after a failed login is a security rule, not a breaker"),
        Example({"app/client.py": "import requests\n\nSTATUS = ('open', 'closed')\n\n\ndef door(state):\n"
                 "    return requests.get('https://x.io/' + state, timeout=3)\n"}, status="fail",
                note="the words open and closed are not a breaker"),
    )

    equivalents = (
        Equivalent("import", ("pybreaker", "aiobreaker", "purgatory", "circuitbreaker"), True,
                   "a circuit-breaker library (the `libraries` option)"),
        Equivalent("call", ("class Breaker: half-open state + failure threshold",), True,
                   "a project class that implements open, half-open and closed"),
        Equivalent("call", ("except ...: self.last_failure = time.time()", "if time.time() - self.last_failure < DELAY: skip"),
                   True, "a hand-written cooldown: a failure stamps the clock and calls are refused until the delay passes"),
        Equivalent("setting", ("STATUS = ('open', 'closed')",), False, "the words open and closed alone"),
        Equivalent("call", ("expires_at = time.monotonic() + TTL", "last_failed_login = timezone.now()"), False,
                   "a cache's expiry, or an account locked after failed logins"),
        Equivalent("file", ("tests/",), False, "a breaker only in tests"),
    )

    def library_evidence(self, source: SourceFile, options: Mapping[str, Any]) -> list[Evidence]:
        return [*super().library_evidence(source, options), *_own_breaker(source), *_cooldown_breaker(source)]


# -- idempotency-keys --------------------------------------------------------------------------

_AUTH = Equivalent("purpose", (
    "token", "tokens", "oauth", "oauth2", "oidc", "authenticate", "authentication", "authorize", "login", "signin",
    "logon", "password", "credentials", "grant_type", "client_secret", "refresh_token", "redirect_uri", "siteverify",
    "recaptcha",
    "captcha", "sso", "saml",
), False, "an authentication, token exchange or password change: nothing is created that a retry would duplicate")
_READ = Equivalent("purpose", (
    "query", "queries", "graphql", "search", "preview", "render", "translate", "translation", "translator",
    "lookup", "verify", "validate", "validation", "check", "calculate", "calculator", "estimate", "assess",
    "analyze", "analyse", "detect", "detection", "classify", "predict", "inference", "rerank", "embed",
    "embedding", "embeddings", "synthesize", "tts", "shorten", "llm",
    "convert", "converter", "conversion",  # a document sent to a converter comes back in another format
    "terminology", "glossary", "thesaurus", "spellcheck",  # a term looked up for a translator
), False, "a query, search, preview, translation, conversion, verification, calculation or model inference sent as POST "
          "only reads")
_READ_VERBS = Equivalent("purpose", (
    "get", "fetch", "list", "find", "read", "load", "count", "resolve",
), False, "a function named for reading (get_..., fetch_...) that posts to receive an answer")
_SET_STATE = Equivalent("purpose", (
    "close", "cancel", "delete", "remove", "update", "set", "enable", "disable", "archive", "acknowledge", "ack",
    "mark", "lock", "unlock", "complete", "resolve", "purge", "invalidate", "reset",
), False, "a state change (close, cancel, update, delete, purge, reset): repeating it leaves the same state")
_NOTIFY = Equivalent("purpose", (
    "slack", "mattermost", "msteams", "teams", "discord", "telegram", "rocketchat", "webex", "hipchat", "zulip",
    "chat", "chats", "email", "mail", "mailer", "mailgun", "sendgrid", "postmark", "sms",
    "fcm", "apns", "onesignal", "pushover", "ntfy", "gotify",  # push notifications to a phone
    "notify", "notifier", "notifiers",  # a notifier plugin's agent_notify(): a push to a chat or phone app
), False, "a fire-and-forget chat, e-mail or SMS notification: the targets accept no key and a duplicate is harmless")
_TELEMETRY = Equivalent("purpose", (
    "telemetry", "analytics", "track", "tracking", "collect", "metrics", "metric", "stats", "statsd", "beacon",
    "ping", "heartbeat", "version",
    "graphite", "influxdb", "pushgateway",  # metrics stores: a data point or an annotation event
), False, "telemetry, analytics, metrics and version pings")
_STUB = Equivalent("file", ("stub", "stubs", "fake", "fakes", "mock", "mocks", "dummy", "simulator"), False,
                   "stubs and fakes stand in for a provider outside production")
_LOCAL = Equivalent("host", ("localhost", "127.0.0.1"), False, "a sidecar on the same host")
_KEY_HEADER = Equivalent("header", ("Idempotency-Key", "X-Idempotency-Key"), True,
                         "any header whose name mentions idempotency, set on the request")
_KEY_ARGUMENT = Equivalent("argument", ("idempotency_key", "IdempotencyKey", "ClientToken", "ClientRequestToken",
                                        "IdempotencyToken"),
                           True, "an SDK's idempotency argument (Stripe idempotency_key, AWS ClientToken, IdempotencyToken)")
_SDK_WRITES = Equivalent("call", ("stripe.*.create", "stripe.*.capture", "stripe.*.confirm", "stripe.*.pay"), True,
                         "SDK calls that move money need the SDK's idempotency argument (counted as POSTs)")
_NO_KEY_NEEDED = (_AUTH, _READ, _NOTIFY, _TELEMETRY, _STUB, _LOCAL)
_WORD_SPLIT = lazy_compile(r"[^A-Za-z0-9.]+|(?<=[a-z0-9])(?=[A-Z])")
_ACRONYM_SPLIT = lazy_compile(r"(?<=[A-Z])(?=[A-Z][a-z])")  # SMSProvider: SMS, Provider


def _words(text: str) -> list[str]:
    """Lower-case words; a dotted one that reads a setting also in its parts (``settings.SLACK_WEBHOOK``
    names slack), not an attribute chain (``self.authentication_config``); an acronym run into the next word
    (``SipgateSMSProvider``) also as the acronym (sms), beside the whole (``OAuthClient`` stays oauth)."""
    out = []
    for part in _WORD_SPLIT.split(text):
        word = part.strip(".")
        if word:
            out.append(word.lower())
            pieces = _ACRONYM_SPLIT.split(word)
            if len(pieces) > 1 and "." not in word:
                out.extend(p.lower() for p in pieces)
            pieces = word.split(".")
            if len(pieces) > 1 and any(p.isupper() for p in pieces):
                out.extend(p.lower() for p in pieces if p)
    return out


def _scope_names(source: SourceFile, node: ast.AST) -> tuple[list[str], list[str]]:
    """(words of the enclosing function's name, words of the enclosing classes and the function's docstring)."""
    function: list[str] = []
    other: list[str] = []
    for ancestor in source.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and not function:
            function = _before_manner(_words(ancestor.name.lstrip("_")))
            doc = _before_manner(_words((ast.get_docstring(ancestor) or "").split("\n", 1)[0]))
            other += [*doc, *_verb_base(doc[:1])]
        elif isinstance(ancestor, ast.ClassDef):
            other += _words(ancestor.name)
    return function, other


_MANNER = frozenset({"with", "without", "using", "via"})


def _verb_base(words: list[str]) -> list[str]:
    """A docstring that opens with a verb in the third person (``Renders the list as HTML``, ``Verifies``):
    the verb's base form too, as the tables name it."""
    out = []
    for word in words:
        if word.endswith("ies") and len(word) > 4:
            out.append(word[:-3] + "y")  # verifies, notifies
        elif word.endswith(("ches", "shes", "sses", "xes")):
            out.append(word[:-2])  # searches, processes
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            out.append(word[:-1])  # renders, translates
    return out


def _before_manner(words: list[str]) -> list[str]:
    """The words before ``with``/``without``/``using``/``via``: ``_request_with_oauth2`` sends a request, the
    OAuth2 is only how it signs in."""
    for index, word in enumerate(words):
        if word in _MANNER and index:
            return words[:index]
    return words


def _payload_keys(call: ast.Call) -> list[str]:
    keys: list[str] = []
    for kw in call.keywords:
        if kw.arg in ("data", "json", "params") and isinstance(kw.value, ast.Dict):
            keys += [k.lower() for k in (str_value(key) for key in kw.value.keys if key is not None) if k]
    return keys


def no_key_needed(source: SourceFile, call: ast.Call) -> Equivalent | None:
    """Why a POST needs no idempotency key, judged by what it does: the entry of the table it matches.

    The words come from the target URL expression, the payload's keys, the enclosing function, its class and
    docstring, and the file's name: an OAuth token exchange, a query sent as POST, a chat webhook or a stub
    creates nothing a retry would duplicate.
    """
    url = call.args[0] if call.args else getattr(keyword(call, "url"), "value", None)
    if isinstance(call.func, ast.Attribute) and call.func.attr == "request" and len(call.args) > 1:
        url = call.args[1]
    url_text = ast.unparse(url) if url is not None else ""
    if _LOCAL.matches(w for w in re.split(r"[/:'\"{}]+", url_text.lower())):
        return _LOCAL
    path = source.path.rsplit("/", 2)
    file_words = _words(" ".join(path[-2:]).removesuffix(".py"))
    if _STUB.matches(file_words):
        return _STUB
    function, other = _scope_names(source, call)
    url_words = _words(url_text)
    words = [*url_words, *_payload_keys(call), *function, *other, *file_words]
    if "create" not in function and "create" not in url_words:  # tasks/create/file creates, whatever reads around it
        for entry in (_AUTH, _NOTIFY, _TELEMETRY, _READ):
            if entry.matches(words):
                return entry
        if function and (_READ_VERBS.matches(function[:1]) or _SET_STATE.matches(function[:1])):
            return _READ_VERBS if _READ_VERBS.matches(function[:1]) else _SET_STATE
        return None
    for entry in (_AUTH, _NOTIFY, _STUB):
        if entry.matches(words):
            return entry
    return None


# A module that declares routes or starts a server is the service, whatever its first line says.
_SERVES = lazy_compile(r"@\w+(?:\.\w+)*\.(?:route|get|post|put|patch|delete|websocket)\(|\b(?:uvicorn|gunicorn|"
                       r"serve_forever|make_server|run_app|create_app)\b|\b(?:app|application|server)\.run\(")


def _run_as_program(source: SourceFile) -> bool:
    """A file made to be executed (a ``#!`` line) that does its work when run (a main guard, or a loop at
    module level) and serves nothing: an operator's upload or bulk-creation script, run and re-run by hand."""
    if not source.text.startswith("#!") or "python" not in source.text.split("\n", 1)[0] or source.tree is None:
        return False
    runs = any(is_main_guard(stmt) or isinstance(stmt, (ast.For, ast.While)) for stmt in source.tree.body)
    return runs and _SERVES.search(source.text) is None


def _created_when_missing(source: SourceFile, call: ast.Call) -> bool:
    """The POST runs after the function GETs the resource under the same URL (``resp = client.get(f"{URL}/{id}")``
    before ``client.post(URL, ...)``) and tests that answer's status for 404 or 200: a get-or-create keyed by the
    caller's own id, which a retry finds instead of creating it twice."""
    func = next((a for a in source.ancestors(call) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    target = call.args[0] if call.args else getattr(keyword(call, "url"), "value", None)
    if func is None or target is None:
        return False
    fetched = {t.id for n in ast.walk(func) if isinstance(n, ast.Assign) and n.lineno < call.lineno
               and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
               and n.value.func.attr in ("get", "head") and n.value.args and _under(n.value.args[0], target)
               for t in n.targets if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Compare) and n.lineno < call.lineno and isinstance(n.left, ast.Attribute)
               and n.left.attr == "status_code" and dotted(n.left.value) in fetched
               and any(isinstance(c, ast.Constant) and c.value in (200, 404) for c in n.comparators)
               for n in ast.walk(func))


def _under(url: ast.AST, collection: ast.AST) -> bool:
    """``f"{API}/{object_id}"`` or ``API + "/" + object_id`` under ``API``: one item of the collection posted to."""
    base = ast.unparse(collection)
    node = url
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # a + b + c: each left part, no recursion
        if ast.unparse(node.left) == base:
            return True
        node = node.left
    if isinstance(node, ast.JoinedStr) and len(node.values) > 1 and isinstance(node.values[0], ast.FormattedValue):
        return ast.unparse(node.values[0].value) == base
    text = ast.unparse(node)
    # f"{API}/orders/{id}" under f"{API}/orders": the item's path goes on after a slash (not "/orders_archive")
    return (isinstance(collection, ast.JoinedStr) and len(text) > len(base) and text.startswith(base[:-1])
            and text[len(base) - 1] == "/")


def _in_cli_command(source: SourceFile, node: ast.AST) -> bool:
    """The call sits in a function decorated as a command-line command (``@click.command()``,
    ``@cli.command("request-key")``, typer's ``@app.command()``): a person runs it, nothing retries it."""
    if not source.imports & _CLI_LIBRARIES:
        return False  # a chat bot's ``@bot.command()`` runs when a user asks, like a request
    return any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_cli_command(a) for a in source.ancestors(node))


def _is_cli_command(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any((dotted(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2] == "command"
               for d in func.decorator_list)


_CLI_LIBRARIES = frozenset({"click", "typer", "flask"})  # flask: ``@app.cli.command()`` is click's


def _sdk_idempotency(source: SourceFile) -> list[tuple[ast.Call, bool]]:
    """SDK calls that pass an idempotency argument, and Stripe calls that move money (with or without one)."""
    keys = {n.lower() for n in _KEY_ARGUMENT.names}
    if source.tree is None or not any(k in source.text.lower() for k in (*keys, "stripe")):
        return []
    imports = import_map(source)
    out: list[tuple[ast.Call, bool]] = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        keyed = any(kw.arg and kw.arg.lower() in keys for kw in call.keywords)
        name = qualify(call.func, imports) or ""
        if keyed or (name.startswith("stripe.") and name.rsplit(".", 1)[-1] in ("create", "capture", "confirm", "pay")
                     and name.count(".") >= 2):
            out.append((call, keyed))
    return out


class IdempotencyKeys(Check):
    id = "idempotency-keys"
    category = "external-api"
    severity = "medium"
    effort = "1-2d"
    title = "Idempotency keys on outbound POSTs"
    rationale = (
        "A POST that timed out may still have succeeded; retrying it without an idempotency key "
        "charges the card twice or creates the order twice."
    )
    remediation = (
        "Send an `Idempotency-Key` header (a UUID per logical operation, reused across retries) on "
        "POSTs to external APIs that support it, or the SDK's argument (Stripe `idempotency_key=`)."
    )
    scoring = ("Share of outbound POSTs that create a resource or move money and pass an idempotency key (header or "
               "SDK argument); POSTs that authenticate, only read, notify a chat or mailbox, send telemetry or "
               "belong to a stub need none; n/a when no POST needs one.")
    needles = ("post", "POST", "idempotency", "Idempotency", "stripe", "ClientToken")
    equivalents = (_KEY_HEADER, _KEY_ARGUMENT, _SDK_WRITES, *_NO_KEY_NEEDED, _READ_VERBS, _SET_STATE)
    examples = (
        bad("import requests\n\n\nclass Redmine:\n    def _post_issue(self, issue: dict) -> dict:\n"
            "        url = f'{self.authentication_config.host_url}/issues.json'\n"
            "        return requests.post(url, json=issue, timeout=5).json()\n", lines=(7,),
            note="an attribute chain named for authentication does not make creating an issue a sign-in"),
        bad("import requests\n\n\ndef submit(base: str, sample: bytes) -> dict:\n"
            "    return requests.post(f'{base}/tasks/create/file', files={'file': sample}, timeout=30).json()\n",
            path="app/analyzers/cuckoo_scan.py", lines=(5,), note="a URL that creates a task creates, whatever the file is named"),
        bad("import click\nimport requests\n\nJOBS = {}\n\n\n@JOBS['nightly'].register\ndef push(order: dict) -> dict:\n"
            "    return requests.post('https://partner.example/orders', json=order, timeout=5).json()\n", lines=(9,),
            note="a job registered by a decorator that is no name (a table's entry) is no command-line command"),
        good("import requests\nfrom django.conf import settings\n\n\ndef cancellation_feedback(message):\n"
             "    return requests.post(settings.SLACK_WEBHOOK_NOTIFICATIONS_CHANNEL, json=message, timeout=3)\n",
             note="a chat webhook named by its setting: a notification needs no key"),
        good("import requests\n\n\nclass Pushover(Notifier):\n    def agent_notify(self, subject: str, body: str) -> bool:\n"
             "        r = requests.post('https://api.pushover.net/1/messages.json', data={'title': subject, 'message': body},"
             " timeout=5)\n        return r.ok\n",
             path="app/notifiers.py", note="a notifier plugin's push to a phone app needs no key"),
        Example({"app/plugins/keys.py": "import requests\nfrom flask import Blueprint\n\nbp = Blueprint('keys', __name__)\n\n\n"
                 "class KeysPlugin:\n    def cli_commands(self, group):\n        import click\n\n"
                 "        @click.command('request-key')\n        @click.argument('app')\n        def request_command(app):\n"
                 "            requests.post('https://printer.example.org/plugin/keys/request', json={'app': app}, timeout=5)\n\n"
                 "        return [request_command]\n\n    def create_key(self, app: str) -> dict:\n"
                 "        return requests.post('https://keys.example.org/keys', json={'app': app}, timeout=5).json()\n"},
                findings=1, lines=(19,), note="a click command inside a service module is run by hand; the key creation counts"),
        Example({"app/main.py": "x = 1\n",
                 "monitoring/upload_dashboards.py": "#!/usr/bin/env python\nimport json\nimport os\n\nimport requests\n\n"
                 "for name in os.listdir('dashboards'):\n    with open(os.path.join('dashboards', name)) as f:\n"
                 "        requests.post('https://grafana.example.org/api/dashboards/db', json=json.load(f), timeout=10)\n",
                 "utils/users/bulk_create.py": "#!/usr/bin/env python\nimport requests\n\n\ndef main():\n"
                 "    requests.post('https://admin.example.org/api/users/', json={'name': 'a'}, timeout=10)\n\n\n"
                 "if __name__ == '__main__':\n    main()\n"},
                status="n/a", note="executable scripts that do their work when run: an operator re-runs them by hand"),
        Example({"app/worker.py": "#!/usr/bin/env python\nimport requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"
                 "@app.route('/orders', methods=['POST'])\ndef order():\n"
                 "    return requests.post('https://shop.example.org/orders', json={}, timeout=5).json()\n\n\n"
                 "if __name__ == '__main__':\n    app.run()\n",
                 "app/sync.py": "#!/usr/bin/env python\nimport requests\n\n\ndef push(order: dict) -> dict:\n"
                 "    return requests.post('https://erp.example.org/orders', json=order, timeout=5).json()\n"},
                findings=2, lines=(10, 6), note="a #! line on the service's own modules, which serve or run nothing, changes nothing"),
        Example({"app/wallet.py": "import requests\n\nAPI = 'https://wallet.example.org/v1/objects'\n\n\n"
                 "def create_ticket(ticket_id: str, data: dict) -> str:\n"
                 "    resp = requests.get(f'{API}/{ticket_id}', timeout=5)\n    if resp.status_code == 200:\n"
                 "        return resp.json()['id']\n"
                 "    resp = requests.post(API, json={'id': ticket_id, **data}, timeout=5)\n    return resp.json()['id']\n\n\n"
                 "def create_order(data: dict) -> str:\n"
                 "    config = requests.get('https://wallet.example.org/v1/config', timeout=5)\n"
                 "    if config.status_code != 200:\n        return ''\n"
                 "    return requests.post(API, json={**config.json(), **data}, timeout=5).json()['id']\n"},
                findings=1, lines=(18,), note="a GET of the item first, created only when missing; a GET of another "
                                              "resource is no such guard"),
        bad("import requests\n\n\nclass Connector:\n    def _request_with_oauth2(self, url: str, body: dict):\n"
            "        \"\"\"Send the request with an OAuth2 token.\"\"\"\n"
            "        return self.oauth_session.post(url=url, json=body)\n\n"
            "    def _request_without_oauth(self, url: str, body: dict):\n"
            "        \"\"\"Send the request without OAuth2 authentication.\"\"\"\n"
            "        return requests.post(url=url, json=body, timeout=5)\n\n"
            "    def login_with_password(self, url: str, creds: dict):\n"
            "        return requests.post(url=url, json=creds, timeout=5)\n",
            findings=1, lines=(11,), note="how a request signs in (with OAuth2) is not what it does; a login still needs no key"),
        good("import requests\n\n\nclass PdfConverter:\n    def _request(self, url: str, html: bytes) -> bytes:\n"
             "        return requests.post(url, files={'file': html}, timeout=30).content\n",
             path="app/services/converter_services.py", note="a document sent to a converter: the answer is the document"),
        good("import requests\n\n\nclass GatewaySMSProvider:\n    def submit_message(self, phone: str, text: str) -> None:\n"
             "        requests.post(self.url, data={'to': phone, 'text': text}, timeout=5)\n",
             note="an SMS provider, its acronym run into the next word of the class name"),
        good("import requests\n\n\ndef build_report(data: dict) -> str:\n"
             "    \"\"\"Renders the findings as an HTML report.\"\"\"\n"
             "    return requests.post('https://reporter.example.org/api/build', json=data, timeout=30).text\n",
             note="a docstring that opens with a verb in the third person: renders"),
        good("import json\n\nimport requests\n\n\ndef send_event(url: str, what: str) -> None:\n"
             "    requests.post(url, data=json.dumps({'what': what, 'tags': 'deploy'}), timeout=3)\n",
             path="app/services/graphite.py", note="an annotation event for a metrics store"),
        good("import requests\n\n\nclass Mailer:\n    def send_simple_message(self, data: dict):\n"
             "        return requests.post(f'{self.api_url}/messages', auth=self.auth, data=data, timeout=10)\n",
             path="app/mailer.py", note="a mailer module's message"),
        good("import requests\n\n\ndef send_push_to_fcm_relay(message: dict) -> None:\n"
             "    requests.post(RELAY_URL, json=message, timeout=5).raise_for_status()\n",
             note="a push notification relayed to FCM"),
        good("import requests\n\n\ndef microsoft_terminology(text: str, locale: str) -> list:\n"
             "    payload = TEMPLATE.format(text=text, to=locale)\n"
             "    return parse(requests.post(TERMS_URL, data=payload, timeout=5).content)\n",
             note="a term looked up in a terminology service, as a translator's suggestion"),
        bad("import requests\n\n\ndef create_glossary(project: str, terms: list) -> dict:\n"
            "    return requests.post(f'{API}/glossaries', json={'project': project, 'terms': terms}, timeout=5).json()\n",
            lines=(5,), note="a glossary created is a resource, whatever the table says of glossary lookups"),
        bad("import requests\n\n\nclass ShopAPIClient:\n    def submit(self, order: dict) -> dict:\n"
            "        \"\"\"Processes the order at the shop.\"\"\"\n"
            "        return requests.post(f'{self.base}/orders', json=order, timeout=5).json()\n", lines=(7,),
            note="an acronym (API) and a verb in the third person (processes) that name nothing exempt"),
        good("import requests\n\n\nclass Collaboration:\n    def _reset_connections(self, room: str) -> None:\n"
             "        requests.post(f'{self.base}/rooms/{room}/reset', timeout=5)\n",
             note="resetting a room's connections: repeating it leaves the same state"),
        bad("import requests\n\n\nclass Tickets:\n    def open_ticket(self, body: dict) -> dict:\n"
            "        return requests.post(f'{self.base}/tickets', json=body, timeout=5).json()\n",
            path="app/notifications/tickets.py", lines=(6,),
            note="a ticket opened from a notifications package still creates one on every retry"),
        good("import requests\n\n\ndef classify(image: bytes):\n"
             "    return requests.post('https://vision.example.org/v1/detect', files={'image': image}, timeout=5).json()\n",
             note="an image sent to a model for detection: inference only reads"),
        bad("import requests\n\ndef pay(body):\n    return requests.post('https://api.pay.io/charges', json=body,"
            " timeout=5)\n", lines=(4,)),
        bad("import httpx\n\nasync def pay(c: httpx.AsyncClient, body):\n"
            "    async with httpx.AsyncClient() as client:\n"
            "        return await client.post('https://api.pay.io/c', json=body, headers={'Authorization': 'x'})\n",
            lines=(5,), note="headers without the key"),
        good("import requests, uuid\n\ndef pay(body):\n    return requests.post('https://api.pay.io/c', json=body,"
             " timeout=5,\n                         headers={'Idempotency-Key': str(uuid.uuid4())})\n"),
        good("import requests, uuid\n\ndef pay(body, key):\n    headers = {'Idempotency-Key': key}\n"
             "    return requests.post('https://api.pay.io/c', json=body, headers=headers, timeout=5)\n",
             note="headers built in a variable"),
        good("import requests\n\ndef pay(body, headers):\n    return requests.post('https://a.io', json=body,"
             " headers=headers, timeout=5)\n", note="headers we cannot see"),
        good("import requests\n\ndef f():\n    return requests.get('https://a.io', timeout=5)\n", note="no POST"),
        bad("import requests\n\n\ndef deliver_webhook(url: str, event: dict) -> None:\n"
            "    requests.post(url, json=event, timeout=5).raise_for_status()\n", lines=(5,),
            note="a webhook delivery the receiver cannot de-duplicate"),
        bad("import requests\n\n\nclass Registrations:\n    def _headers(self, path: str) -> dict:\n"
            "        return {'X-Api-Key': 'k', 'X-Path': path}\n\n    def register(self, body: dict) -> dict:\n"
            "        return requests.post('https://api.io/registration', json=body, headers=self._headers('/r'),"
            " timeout=5).json()\n", lines=(9,), note="headers from a helper in the same file, followed one level"),
        bad("import stripe\n\n\ndef charge(customer: str, cents: int) -> None:\n"
            "    stripe.PaymentIntent.create(customer=customer, amount=cents, currency='eur')\n", lines=(5,),
            note="a Stripe charge without idempotency_key"),
        good("import stripe\n\n\ndef charge(customer: str, cents: int, order_id: str) -> None:\n"
             "    stripe.PaymentIntent.create(customer=customer, amount=cents, currency='eur',\n"
             "                                idempotency_key=f'order-{order_id}')\n",
             note="Stripe's idempotency_key argument"),
        good("import boto3\n\n\ndef issue(csr: bytes, ca_arn: str, request_id: str) -> str:\n"
             "    client = boto3.client('acm-pca')\n"
             "    response = client.issue_certificate(CertificateAuthorityArn=ca_arn, Csr=csr, SigningAlgorithm='SHA256WITHRSA',\n"
             "                                        Validity={'Value': 7, 'Type': 'DAYS'}, IdempotencyToken=request_id)\n"
             "    return response['CertificateArn']\n",
             status="pass", note="AWS's IdempotencyToken on a call that creates a certificate"),
        Example({"app/auth/oidc.py": "import requests\n\n\ndef exchange_code(token_endpoint: str, code: str) -> dict:\n"
                 "    data = {'grant_type': 'authorization_code', 'code': code}\n"
                 "    return requests.post(token_endpoint, data, timeout=5).json()\n"},
                status="n/a", note="an OAuth code exchange creates nothing a retry duplicates"),
        Example({"app/providers/meet.py": "import requests\n\n\nclass MeetProvider:\n    def callback(self, code: str) -> dict:\n"
                 "        return requests.post(self.exchange_url, timeout=30,\n"
                 "                             params={'code': code, 'redirect_uri': self.callback_url}).json()\n"},
                status="n/a", note="the code sent back with the redirect URI: an OAuth code exchange, whatever the URL is named"),
        Example({"app/notify.py": "import requests\n\n\nclass SlackNotifier:\n    def send(self, webhook: str, text: str) -> None:\n"
                 "        requests.post(webhook, json={'text': text}, timeout=5)\n",
                 "app/clients/email_stub.py": "import requests\n\n\ndef send_email(url: str) -> None:\n"
                 "    requests.post(url, data={'id': 'x'}, timeout=5)\n",
                 "app/search.py": "import requests\n\n\ndef run_query(url: str, sql: str) -> list:\n"
                 "    return requests.post(url, data=sql, timeout=30).json()\n"},
                status="n/a", note="a chat notification, a stub and a query sent as POST need no key"),
        Example({"app/metrics.py": "import json\n\nimport requests\n\n\ndef submit(metric: dict) -> None:\n"
                 "    requests.post('http://localhost:8078/metrics', data=json.dumps(metric), timeout=2)\n",
                 "app/orders.py": "import requests\n\n\ndef create_order(api: str, order: dict) -> dict:\n"
                 "    return requests.post(f'{api}/orders', json=order, timeout=5).json()\n"},
                findings=1, lines=(5,), note="the order counts; the local metrics push does not"),
        Example({"proj/settings.py": "IMAGE_SERVER = 'http://localhost:8002'\nSHOP_API = 'https://shop.example.net'\n",
                 "app/index.py": "import requests\nfrom django.conf import settings\n\n\ndef rebuild(data: dict) -> None:\n"
                 "    requests.post(settings.IMAGE_SERVER + '/build/', json=data, timeout=5)\n\n\n"
                 "def order(data: dict) -> None:\n    requests.post(f'{settings.SHOP_API}/orders', json=data, timeout=5)\n"},
                findings=1, lines=(10,), note="a sidecar the settings put on localhost needs no key; the shop does"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome:
        out = FileOutcome()
        if is_test_path(source.path) or source.tree is None or file_role(source, options) != SERVICE \
                or _run_as_program(source):
            return out  # a one-off script is re-run by hand, not retried
        nodes = {(c.lineno, c.col_offset + 1): c for c in source.nodes(ast.Call) if isinstance(c, ast.Call)}
        seen: set[tuple[int, int]] = set()
        for call in _app_calls(source):
            if call.method != "POST" or call.idempotency is None:
                continue
            seen.add((call.line, call.column))
            node = nodes.get((call.line, call.column))
            if not call.idempotency and node is not None and _in_cli_command(source, node):
                continue  # a command-line command inside a service module: run by hand, not retried
            if not call.idempotency and node is not None and no_key_needed(source, node) is not None:
                out.counts["exempt"] += 1
                continue
            message = f"{call.label} POST without an Idempotency-Key header"
            setting = _settings_root(node) if not call.idempotency and node is not None else None
            if setting:  # settings.SIDECAR_URL + "/build/": judged once the settings are read
                out.facts = [*(out.facts or []), (call.line, call.column, setting, message)]
                continue
            out.counts["posts"] += 1
            if call.idempotency or (node is not None and _created_when_missing(source, node)):
                out.counts["keyed"] += 1
            else:
                out.hits.append(Hit(call.line, call.column, message))
        for node, keyed in _sdk_idempotency(source):
            where = (node.lineno, node.col_offset + 1)
            if where in seen:
                continue
            out.counts["posts"] += 1
            if keyed:
                out.counts["keyed"] += 1
            else:
                out.hits.append(Hit(*where, f"{ast.unparse(node.func)}() moves money without idempotency_key"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        total = collected.counts["posts"]
        exempt = collected.counts["exempt"]
        deferred = [(path, *fact) for path, facts in sorted(collected.facts.items()) for fact in facts or ()]
        local = _local_settings(project) if deferred else frozenset()
        findings = tuple(collected.keep([Finding(path, line, column, self.id, message)
                                         for path, line, column, setting, message in deferred if setting not in local]))
        exempt += sum(1 for *_, setting, _message in deferred if setting in local)
        total += len(findings)
        if total == 0:
            if exempt:
                return Verdict(NotApplicable(f"none of {exempt} outbound POST calls creates a resource or moves money "
                                             "(authentication, queries, chat or e-mail notifications, telemetry)"))
            return Verdict(NotApplicable("no outbound POST calls found"))
        keyed = collected.counts["keyed"]
        aside = f" ({exempt} more need none)" if exempt else ""
        return Verdict(
            Share(keyed, total, "outbound POST calls", "pass an Idempotency-Key"),
            summary=f"{total - keyed} of {total} outbound POST calls have no Idempotency-Key header{aside}",
            findings=findings,
        )


def _settings_root(call: ast.Call) -> str | None:
    """``settings.SIDECAR_URL`` at the start of the target URL (``settings.X + "/build/"``, an f-string): its name."""
    url = call.args[0] if call.args else getattr(keyword(call, "url"), "value", None)
    while isinstance(url, ast.BinOp):
        url = url.left
    if isinstance(url, ast.JoinedStr) and url.values and isinstance(url.values[0], ast.FormattedValue):
        url = url.values[0].value
    if isinstance(url, ast.Attribute) and isinstance(url.value, ast.Name) and url.value.id == "settings" \
            and url.attr.isupper():
        return url.attr
    return None


_LOCAL_SETTING = lazy_compile(r"^([A-Z][A-Z0-9_]*)\s*=\s*[rbu]?[\"'](?:https?://)?(?:localhost|127\.0\.0\.1|\[::1\])[:/\"']",
                              re.MULTILINE)


def _local_settings(project: Project) -> frozenset[str]:
    """Settings a settings module sets to a literal address on this host (``IMAGE_SERVER = "http://localhost:8002"``):
    a sidecar beside the service, which no retry from outside can duplicate work on."""
    names: set[str] = set()
    for rel in project.python_files:
        if is_settings_path(rel):
            names.update(project.text_fact("local-settings", rel, lambda text: tuple(
                m.group(1) for m in _LOCAL_SETTING.finditer(text)) if any(h in text for h in ("localhost", "127.0.0.1", "[::1]"))
                else ()))
    return frozenset(names)


# -- centralized-timeouts ----------------------------------------------------------------------

# Clients of a store or a search engine, and the calls that pass a timeout to one: where a timeout is set
_STORE_CLIENTS = frozenset({"Elasticsearch", "AsyncElasticsearch", "OpenSearch", "AsyncOpenSearch", "Redis",
                            "StrictRedis", "BlockingConnectionPool", "ConnectionPool", "from_url", "connect"})


_LOCAL_FILES = frozenset({"sqlite3", "sqlite", "duckdb", "lmdb", "shelve", "dbm"})


def _service_clients(source: SourceFile, seen: set[tuple[int, int]]) -> list[ast.Call]:
    """Clients of other services built with a timeout by libraries the outbound table does not know
    (``TikaClient(url, timeout=...)``, an LLM SDK's ``AsyncClient``): a constructor named ``*Client``; a search
    engine's or a store's client (``Elasticsearch(..., timeout=30)``, ``Redis(socket_timeout=5)``, paramiko's
    ``connect(timeout=600)``); and a search request given its own (``es.search(..., request_timeout=...)``)."""
    out = []
    for c in source.nodes(ast.Call):
        if not isinstance(c, ast.Call) or (c.lineno, c.col_offset + 1) in seen:
            continue
        name = call_name(c).rpartition(".")[2]
        if name == "connect" and (not isinstance(c.func, ast.Attribute) or dotted(c.func.value) in _LOCAL_FILES):
            continue  # sqlite3.connect(path, timeout=20): waiting on a local file's lock, not on another service
        if (name.endswith("Client") or name in _STORE_CLIENTS) and _timeout_args(c):
            out.append(c)
        elif name == "Config" and "botocore" in (dotted(c.func) or "") + " ".join(source.imports) and _timeout_args(c):
            out.append(c)  # botocore.config.Config(connect_timeout=..., read_timeout=...): an AWS client's timeouts
        elif any(k.arg == "request_timeout" for k in c.keywords):
            out.append(c)
    return out


def _timed_service_clients(source: SourceFile, seen: set[tuple[int, int]]) -> list[ast.Call]:
    """Clients of other services outside the outbound table that are given a timeout (``Elasticsearch(url,
    timeout=30)``, paramiko's ``connect(host, timeout=10)``): outbound clients that have one. Without a timeout
    nothing says such a call is a client at all, so none is counted as missing one."""
    if "timeout" not in source.text.lower():
        return []
    return [c for c in _service_clients(source, seen) if _timeout_args(c)]


_URL_NAME = lazy_compile(r"(?:^|_)(?:url|uri|endpoint)s?$", re.IGNORECASE)


def _reads_as_url(node: ast.AST | None) -> bool:
    """A request target: a string starting ``/`` or ``http``, also formatted or added to (``f"/nodes/{id}"``,
    ``"/start".format(...)``, ``base + "/x"``), or a name that says it holds one (``url``, ``self.api_endpoint``)."""
    if isinstance(node, ast.JoinedStr):
        node = node.values[0] if node.values else None
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        node = node.func.value
    elif isinstance(node, ast.BinOp):
        node = node.left
    text = str_value(node)
    if text is not None:
        return text.startswith(("/", "http://", "https://"))
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return bool(_URL_NAME.search(name))


def _url_requests(source: SourceFile, seen: set[tuple[int, int]]) -> list[ast.Call]:
    """HTTP requests through a client the outbound table cannot see made (a session handed in, the project's own
    ``client.post("/jobs", timeout=30)``): an HTTP verb method called on a URL with a timeout. A queue's
    ``get(timeout=1)`` or a cache's ``get(key, timeout=...)`` sends to no URL and is left out."""
    out = []
    for call in source.nodes(ast.Call):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _HTTP_VERBS) \
                or (call.lineno, call.col_offset + 1) in seen or not _timeout_args(call):
            continue
        url = keyword(call, "url")
        target = url.value if url is not None else call.args[int(call.func.attr == "request")] \
            if len(call.args) > int(call.func.attr == "request") else None
        if _reads_as_url(target):
            out.append(call)
    return out


_META_TIMEOUTS = frozenset({"connect_timeout_seconds", "read_timeout_seconds"})


def _model_meta_timeouts(source: SourceFile) -> list[tuple[str, tuple[tuple[int, int, bool], ...]]]:
    """A PynamoDB model's ``class Meta: connect_timeout_seconds = ...``: the DynamoDB client's timeouts."""
    if "pynamodb" not in source.imports:
        return []
    out = []
    for cls in source.nodes(ast.ClassDef):
        if not (isinstance(cls, ast.ClassDef) and cls.name == "Meta"):
            continue
        args = tuple((stmt.value.lineno, stmt.value.col_offset + 1, is_bare_literal(stmt.value)) for stmt in cls.body
                     if isinstance(stmt, ast.Assign) and any(dotted(t) in _META_TIMEOUTS for t in stmt.targets))
        if args:
            out.append(("a PynamoDB model's Meta", args))
    return out


@dataclass(frozen=True)
class TimeoutFacts:
    """A file's literal parameter defaults passed on as timeouts (line, column, function), and the names of the
    functions it calls with a timeout that is no bare literal: a caller that passes one overrides the default."""

    defaults: tuple[tuple[int, int, str], ...] = ()
    named_callees: frozenset[str] = frozenset()


def _literal_names(source: SourceFile) -> dict[tuple[int, int], tuple[str, str]]:
    """Parameters that carry a literal default (``def fetch(url, timeout=10)``), by where the function reads them,
    with what holds the literal and the function's name. Unless a caller passes its own, the value is still a
    literal at the call site, scattered like one; a module-level constant is the one named place the check asks
    for and is not one of these."""
    if "timeout" not in source.text.lower():
        return {}
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        held = {name: (why, func.name) for name, why in _literal_defaults(func.args).items()}
        if not held:
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in held:
                out[(node.lineno, node.col_offset + 1)] = held[node.id]
    return out


def _named_timeout_callees(source: SourceFile) -> frozenset[str]:
    """Functions and methods the file calls with a timeout that is no bare literal (``timeout=settings.X``)."""
    out = set()
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        kw = keyword(call, "timeout")
        if kw is not None and not is_bare_literal(kw.value) and not is_none(kw.value):
            out.add(call_name(call))
    return frozenset(out)


def _literal_defaults(args: ast.arguments) -> dict[str, str]:
    """Parameters whose default is a bare literal: ``timeout=10`` in the signature."""
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True),
             *((a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None)]
    return {a.arg: f"the default of its {a.arg} parameter" for a, d in pairs if is_bare_literal(d)}


class CentralizedTimeouts(Check):
    id = "centralized-timeouts"
    category = "external-api"
    severity = "low"
    effort = "0.5d"
    title = "Timeouts come from configuration"
    rationale = (
        "Timeouts written as literals at every call site drift apart and cannot be tuned in an "
        "incident without a release; one named constant or setting keeps them consistent."
    )
    remediation = (
        "Define the timeouts once (settings read from the environment, or a named constant such as "
        "`HTTP_TIMEOUT = (3.05, 10)`) and pass that name at every call site."
    )
    scoring = ("Share of timeout arguments that are not bare numeric literals, on recognised outbound calls, "
               "clients of other services, and HTTP verb methods called on a URL; n/a when no call passes one.")
    roles_note = SERVICE_ONLY  # a CI helper or a CLI command is not tuned in an incident
    needles = ("timeout", "Timeout", "TimeoutMS")
    examples = (
        bad("import requests\n\na = requests.get('https://a.io', timeout=5)\nb = requests.get('https://b.io', timeout=(3, 10))\n",
            findings=2, lines=(3, 4)),
        bad("import httpx\n\nc = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))\n", lines=(3,),
            note="a Timeout object built from literals in place"),
        good("import requests\nfrom app.settings import settings\n\n"
             "a = requests.get('https://a.io', timeout=settings.http_timeout)\n"),
        good("import requests\n\nHTTP_TIMEOUT = (3.05, 10)\n\na = requests.get('https://a.io', timeout=HTTP_TIMEOUT)\n",
             note="one named constant"),
        good("import requests\n\na = requests.get('https://a.io', timeout=None)\n",
             note="timeouts off is missing-timeout's business"),
        good("from elasticsearch import Elasticsearch\n\nfrom app import settings\n\n"
             "es = Elasticsearch(settings.ES_URL, timeout=settings.ES_TIMEOUT)\n\n\ndef find(q):\n"
             "    return es.search(index='docs', query=q, request_timeout=settings.ES_TIMEOUT)\n",
             note="a search engine's client and request given the timeout from settings"),
        good("import sqlite3\n\nimport requests\n\nfrom app import settings\n\n\ndef load(path, url):\n"
             "    conn = sqlite3.connect(path, timeout=20)\n"
             "    return conn, requests.get(url, timeout=settings.HTTP_TIMEOUT)\n",
             note="sqlite3's timeout waits on a local file's lock; it is no outbound call's"),
        bad("import paramiko\n\n\ndef run(host, command):\n    client = paramiko.SSHClient()\n"
            "    client.connect(host, timeout=600)\n    return client.exec_command(command, timeout=10)\n",
            lines=(6,), note="an SSH connection's timeout written where it is made"),
        good("from tika_client import TikaClient\n\nfrom app import settings\n\n\ndef parse(path):\n"
             "    with TikaClient(tika_url=settings.TIKA_URL, timeout=settings.TIKA_TIMEOUT) as tika:\n"
             "        return tika.tika.as_text.from_file(path)\n", note="a service's client with a timeout from settings"),
        bad("from gotenberg_client import GotenbergClient\n\n\ndef convert(path):\n"
            "    with GotenbergClient(host='http://gotenberg:3000', timeout=30) as client:\n"
            "        return client.chromium.html_to_pdf()\n", lines=(5,),
            note="a literal timeout on a client of another service, whatever its library"),
        good("import requests\n\n\ndef metadata(url):\n    return requests.get(url, timeout=30).json()\n",
             path=".github/workflows/check-metadata.py", note="a CI helper script is not the running service"),
        good("import click\nimport requests\n\n\n@click.command()\ndef sync():\n"
             "    requests.post('https://a.io/sync', timeout=600)\n", path="app/cli.py",
             note="a CLI command is run by hand, not tuned in an incident"),
        bad("class Link:\n    def __init__(self, node_a, node_b) -> None:\n        self.nodes = (node_a, node_b)\n\n"
            "    async def create(self, data: dict) -> None:\n"
            "        await self.nodes[0].post(f'/adapters/{data[\"adapter\"]}/nio', data=data, timeout=120)\n"
            "        await self.nodes[1].delete('/adapters/0/nio'.format(), timeout=120)\n", findings=2, lines=(6, 7),
            note="the project's own node client sending to a path, with literal timeouts"),
        Example({"app/partner.py": "from app import settings\n\n\nclass Partner:\n"
                                   "    def __init__(self, session, api_url: str) -> None:\n"
                                   "        self.session, self.api_url = session, api_url\n\n"
                                   "    def orders(self) -> list:\n"
                                   "        return self.session.get(self.api_url + '/orders', timeout=settings.PARTNER_TIMEOUT).json()\n"},
                findings=0, status="pass", note="a session handed in, sending to a URL with the timeout from settings"),
        Example({"app/worker.py": "import queue\n\nfrom django.core.cache import cache\n\njobs: queue.Queue = queue.Queue()\n\n\n"
                                  "def next_job():\n    return jobs.get(timeout=1)\n\n\ndef remember(key: str, value: str) -> None:\n"
                                  "    cache.set(key, value, timeout=300)\n    cache.get(key, timeout=300)\n\n\n"
                                  "def result(task):\n    return task.get(timeout=5)\n"},
                status="n/a", note="a queue, a cache and a task result are no requests to a URL"),
        Example({"app/keymanager.py": "import botocore.config\n\nfrom app import settings\n\n\ndef boto_config():\n"
                                      "    return botocore.config.Config(connect_timeout=settings.KMS_CONNECTION_TIMEOUT,\n"
                                      "                                  read_timeout=10)\n"},
                findings=1, lines=(8,), status="fail", note="an AWS client's timeouts in its botocore Config"),
        Example({"app/models.py": "from pynamodb.models import Model\n\nfrom app import settings\n\n\nclass Credential(Model):\n"
                                  "    class Meta:\n        table_name = 'credentials'\n"
                                  "        connect_timeout_seconds = settings.PYNAMO_CONNECT_TIMEOUT_SECONDS\n"
                                  "        read_timeout_seconds = 5\n"},
                findings=1, lines=(10,), status="fail", note="a PynamoDB model's timeouts in its Meta"),
        bad("import requests\n\n\ndef content_type(url: str, timeout: int = 10) -> str:\n"
            "    return requests.head(url, timeout=timeout).headers.get('content-type', '')\n\n\n"
            "def product(code: str, timeout: int | None = 15) -> dict:\n"
            "    return requests.get(f'https://world.example.org/api/{code}.json', timeout=timeout).json()\n",
            findings=2, lines=(5, 9), note="a literal moved into the helper's parameter default is still a literal"),
        bad("import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.cli.command('sync-partners')\n"
            "def sync_partners() -> None:\n    requests.post('https://partner.example.org/sync', timeout=600)\n\n\n"
            "@app.get('/partner')\ndef partner() -> dict:\n    return requests.get('https://partner.example.org/', timeout=5).json()\n",
            lines=(14,), note="a command registered on the app is run by hand; the route's literal is the service's"),
        Example({"app/partner/api.py": "import requests\n\n\nclass Client:\n    def __init__(self, api_url: str) -> None:\n"
                                       "        self.api_url = api_url\n\n"
                                       "    def register(self, body: dict, timeout=5) -> dict:\n"
                                       "        return requests.post(self.api_url + '/registration', json=body, timeout=timeout).json()\n",
                 "app/partner/enrollment.py": "from app import settings\nfrom app.partner.api import Client\n\n\n"
                                              "def enroll(client: Client, body: dict) -> dict:\n"
                                              "    return client.register(body, timeout=settings.REQUESTS_TIMEOUT)\n"},
                findings=0, status="pass", note="a client method's literal default that its caller overrides from settings"),
        good("import requests\n\nfrom app import settings\n\n\n"
             "def content_type(url: str, timeout: float = settings.HTTP_TIMEOUT) -> str:\n"
             "    return requests.head(url, timeout=timeout).headers.get('content-type', '')\n\n\n"
             "def product(url: str, timeout: float) -> dict:\n    return requests.get(url, timeout=timeout).json()\n",
             note="a parameter defaulting to a setting, or given by every caller"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if file_role(source, options) != SERVICE:
            return None
        out = FileOutcome()
        calls = _app_calls(source)
        seen = {(c.line, c.column) for c in calls}
        labelled = [(c.label, c.timeout_args) for c in calls]
        clients = _service_clients(source, seen)
        seen |= {(c.lineno, c.col_offset + 1) for c in clients} | {(c.line, c.column) for c in outbound_calls(source)}
        labelled += [(f"{call_name(c)}()", _timeout_args(c)) for c in [*clients, *_url_requests(source, seen)]]
        labelled += _model_meta_timeouts(source)
        disguised = _literal_names(source)
        commands = _cli_command_spans(source)
        defaults = []
        for label, args in labelled:
            for line, column, literal in args:
                if _in_spans(line, commands):
                    continue  # a command run by hand is not tuned in an incident
                out.counts["args"] += 1
                why, function = disguised.get((line, column), ("", ""))
                if literal:
                    out.hits.append(Hit(line, column, f"literal timeout in {label}; use a named setting"))
                elif why:
                    out.hits.append(Hit(line, column, f"literal timeout in {label} ({why}); use a named setting"))
                    if function:
                        defaults.append((line, column, function))
        callees = _named_timeout_callees(source)
        if defaults or callees:
            out.facts = TimeoutFacts(tuple(defaults), callees)
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        total = collected.counts["args"]
        if total == 0:
            return Verdict(NotApplicable("no timeout arguments on outbound calls"))
        collected.findings[:] = _overridden_defaults_dropped(collected)
        literal = len(collected.findings)
        return Verdict(
            Share(total - literal, total, "timeout arguments", "come from a setting or named constant"),
            summary=f"{literal} of {total} timeout arguments are bare literals",
        )


def _overridden_defaults_dropped(collected: Collected) -> list[Finding]:
    """The findings, less a parameter's literal default that a caller somewhere overrides with a named timeout
    (``client.register(..., timeout=settings.REQUESTS_TIMEOUT)``): the default then only stands in."""
    facts = [(path, f) for path, f in collected.facts.items() if isinstance(f, TimeoutFacts)]
    named = frozenset().union(*(f.named_callees for _, f in facts))
    overridden = {(path, line, column) for path, f in facts for line, column, function in f.defaults if function in named}
    return [f for f in collected.findings if (f.path, f.line, f.column) not in overridden]


CHECKS: list[type[Check]] = [MissingTimeout, RetryPolicy, CircuitBreaker, IdempotencyKeys, CentralizedTimeouts]
