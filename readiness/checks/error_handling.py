"""Error handling checks: swallowed exceptions and framework error handlers."""

from __future__ import annotations

import ast
import re
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.fix.shapes import swallowed_fixable
from readiness.lazy_regex import lazy_compile
from readiness.measures import Density, NotApplicable, Presence
from readiness.model import Evidence
from readiness.paths import is_application_path, is_test_path
from readiness.profile import SERVERS, serves_aiohttp
from readiness.project import Project
from readiness.roles import SERVICE, SERVICE_ONLY, file_role
from readiness.routes import call_name
from readiness.source import SourceFile
from readiness.tools.pyast import dotted, import_map, qualify

_DELIBERATE = lazy_compile(r"#\s*noqa\b.*\b(S110|S112|BLE001|E722)\b")
_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


def _is_broad(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Tuple):
        return any(_is_broad(e) for e in node.elts)
    return dotted(node) in _BROAD if node is not None else False


def _reraises(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Raise):
                return True
    return False


_LOG_METHODS = frozenset({"exception", "error", "warning", "warn", "critical", "info", "debug", "log",
                          "capture_exception", "capture_message"})
# A try whose only work is releasing something: failing to close what is being thrown away is
# not an error anyone can act on ("best-effort cleanup").
_CLEANUP_METHODS = frozenset({"close", "shutdown", "disconnect", "release", "cleanup", "terminate", "kill", "stop",
                              "quit", "logout", "unlink", "rmtree", "rmdir",  # a temporary file or folder going away
                              "aclose", "wait_closed"})  # the asyncio forms of closing


def _logs(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in _LOG_METHODS:
                    return True
    return False


def _best_effort_cleanup(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    parent = source.parent(handler)
    return isinstance(parent, ast.Try) and (_cleanup_call(parent.body) or _in_destructor(parent, source)
                                            or _awaits_what_it_cancelled(parent, source)
                                            or _guards_a_log_line(parent.body))


def _in_destructor(node: ast.AST, source: SourceFile) -> bool:
    """Inside ``__del__``: Python ignores what a destructor raises anyway, and teardown is best effort."""
    return any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)) and a.name == "__del__" for a in source.ancestors(node))


# A helper named for releasing something: ``_discard_failed_attachment``, ``close_connection``
_CLEANUP_WORD = lazy_compile(r"(?:^|_)(?:close|cleanup|discard|dispose|release|teardown|shutdown|disconnect|"
                             r"terminate|detach|unsubscribe|unregister|remove_listener)(?:_|$)")
_WAITERS = frozenset({"shield", "wait_for"})  # asyncio's wrappers around what is awaited


def _cleanup_call(body: list[ast.stmt]) -> bool:
    """One statement that only releases something (``client.close()``, ``await ws.close()``,
    ``await asyncio.shield(self._discard_attachment(tab))``)."""
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value.value if isinstance(body[0].value, ast.Await) else body[0].value
    if isinstance(call, ast.Call) and call_name(call) in _WAITERS and call.args and isinstance(call.args[0], ast.Call):
        call = call.args[0]
    if not isinstance(call, ast.Call):
        return False
    name = call_name(call)
    return name in _CLEANUP_METHODS or bool(_CLEANUP_WORD.search(name))


_LOG_HELPER = lazy_compile(r"^_*log_")  # the project's own logging helper: _log_call_usage(...)


def _guards_a_log_line(body: list[ast.stmt]) -> bool:
    """``try: LOG.info("request finished", **fields) / except Exception: pass``: a failure to report cannot be
    reported; the request goes on either way."""
    return bool(body) and all(_log_line(stmt) for stmt in body)


def _log_line(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.If):  # if model is not None: _log_usage(...)
        return all(_log_line(s) for s in [*stmt.body, *stmt.orelse])
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and (
        call_name(stmt.value) in _LOG_METHODS or bool(_LOG_HELPER.match(call_name(stmt.value))))


def _awaits_what_it_cancelled(block: ast.Try | ast.With | ast.AsyncWith, source: SourceFile) -> bool:
    """``task.cancel()`` then ``try: await asyncio.wait_for(task, 1) / except BaseException: pass``: waiting
    for a task being stopped, whose CancelledError (or last error) is the expected end."""
    if len(block.body) != 1 or not isinstance(block.body[0], ast.Expr) or not isinstance(block.body[0].value, ast.Await):
        return False
    waited = block.body[0].value.value
    if isinstance(waited, ast.Call) and call_name(waited) in _WAITERS and waited.args:
        waited = waited.args[0]
    owner = source.parent(block)
    statements = getattr(owner, "body", [])
    name = dotted(waited)
    if block not in statements or name is None:
        return False
    return any(isinstance(before, ast.Expr) and isinstance(before.value, ast.Call) and call_name(before.value) == "cancel"
               and isinstance(before.value.func, ast.Attribute) and dotted(before.value.func.value) == name
               for before in statements[:statements.index(block)])


def _suppress_block(call: ast.Call, source: SourceFile) -> ast.With | ast.AsyncWith | None:
    item = source.parent(call)
    block = source.parent(item) if isinstance(item, ast.withitem) else None
    return block if isinstance(block, (ast.With, ast.AsyncWith)) else None


def _suppress_deliberate(call: ast.Call, source: SourceFile) -> bool:
    """``with suppress(Exception): client.close()``: best-effort cleanup, as in a ``try``; or a comment says why;
    or the next statement raises or logs the error that matters; or, in a loop, it skips what does not parse."""
    block = _suppress_block(call, source)
    return block is not None and (_cleanup_call(block.body) or _in_destructor(block, source)
                                  or _awaits_what_it_cancelled(block, source) or _guards_a_log_line(block.body)
                                  or _suppress_explained(block, source)
                                  or _reports_what_it_dressed(block, source) or _skips_in_loop(block, source))


# What a yes-or-no test may try before answering yes: parsing or converting a value, nothing that does I/O.
_PARSERS = lazy_compile(r"^(?:int|float|complex|Decimal|UUID|bytes\.fromhex|literal_eval|loads|fromisoformat|"
                        r"strptime|ip_address|ip_network|IPv4Address|IPv6Address|compile|\w*parse\w*|\w*decode\w*)$")


def _predicate(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``try: int(value, 16); return True`` / ``except ValueError: return False``: a yes-or-no test whose
    "no" is the failure to parse; the exception is the answer, not an error hidden. A try that deletes,
    queries or connects first still hides why it failed."""
    parent = source.parent(handler)
    body = handler.body
    if not isinstance(parent, ast.Try) or len(body) != 1 or not isinstance(body[0], ast.Return) \
            or handler.type is None or dotted(handler.type) == "BaseException":
        return False
    if not (isinstance(body[0].value, ast.Constant) and body[0].value.value is False):
        return False
    if _test_of_what_it_reads(parent, source):
        return True
    *tried, last = parent.body or [ast.Pass()]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Constant) and last.value.value is True):
        return False
    calls = [n for stmt in tried for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return bool(calls) and all(_PARSERS.match(call_name(c)) for c in calls) and all(
        isinstance(stmt, (ast.Expr, ast.Assign)) for stmt in tried)


_PREDICATE_NAME = lazy_compile(r"^_*(?:can|is|has|accepts?|supports?|matches|valid(?:ate)?|represents)_")
# Calls that only read what is already in memory: an XML element's children, a dict's entries, a string's ends
_READERS = frozenset({"find", "findall", "findtext", "iterfind", "xpath", "get", "getattr", "hasattr", "isinstance",
                      "endswith", "startswith", "lower", "upper", "strip", "len", "keys", "values", "items", "qname"})


def _test_of_what_it_reads(block: ast.Try, source: SourceFile) -> bool:
    """``def can_parse(self, xml): try: ...; return node.attrib.get("qcode") == "event" / except: return False``: a
    yes-or-no test of a document in memory, whose every answer is yes or no and whose failure is "no"."""
    func = source.parent(block)
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _PREDICATE_NAME.match(func.name):
        return False
    returns = [n for stmt in block.body for n in ast.walk(stmt) if isinstance(n, ast.Return)]
    calls = [n for stmt in block.body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return bool(returns) and bool(calls) and all(
        (isinstance(r.value, ast.Constant) and isinstance(r.value.value, bool))
        or isinstance(r.value, (ast.Compare, ast.BoolOp)) or (isinstance(r.value, ast.UnaryOp) and isinstance(r.value.op, ast.Not))
        for r in returns) and all(_reads_memory(c) for c in calls)


_STORES = lazy_compile(r"(?:^|\.)(?:objects|query|session|db|database|collection|cursor|client|redis|cache)(?:\.|$)")


def _reads_memory(call: ast.Call) -> bool:
    """``xml.find("concept")``, ``attrib.get("qcode")``, ``int(text)``; not ``User.objects.get(pk=...)``."""
    name = call_name(call)
    if isinstance(call.func, ast.Attribute) and _STORES.search(dotted(call.func.value) or ""):
        return False
    return name in _READERS or bool(_PARSERS.match(name))


# Calls that only compute on values already in memory, beyond the parsers and readers above
_PURE_CALLS = frozenset({"issubclass", "bool", "all", "any", "callable", "str", "split", "rsplit", "dumps",
                         "compare_digest", "IPAddress", "IPNetwork"})
_ENCODERS = lazy_compile(r"^\w*encode\w*$")  # b64encode, urlencode, str.encode: the mirror of the decoders above
_PURE_DOTTED = frozenset({"re.search", "re.match", "re.fullmatch", "ast.walk",
                          # path arithmetic, and the path tests that answer False rather than raise
                          "os.path.join", "os.path.basename", "os.path.dirname", "os.path.splitext",
                          "os.path.isfile", "os.path.isdir", "os.path.exists"})
# What a yes-or-no answer looks like when it is a call
_BOOLEAN_CALLS = frozenset({"isinstance", "issubclass", "hasattr", "callable", "all", "any", "bool", "endswith",
                            "startswith", "compare_digest", "isfile", "isdir", "exists"})


# Modules whose calls reach the network, the disk or a process, whatever the call is named (``requests.get``)
_IO_MODULES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "socket", "ssl", "os", "shutil", "subprocess",
                         "smtplib", "boto3", "redis", "sqlite3", "psycopg2", "pymongo"})


def _pure(call: ast.Call) -> bool:
    """``int(text)``, ``urlparse(url).path.endswith(".pdf")``, ``re.match(...)``: no I/O, no database, no network.
    ``get`` is left out: on a client it is a request, not a dictionary read."""
    if dotted(call.func) in _PURE_DOTTED:
        return True
    name = (dotted(call.func) or "").partition(".")[0]
    if name in _IO_MODULES or call_name(call) == "get":
        return False
    return _reads_memory(call) or call_name(call) in _PURE_CALLS or bool(_ENCODERS.match(call_name(call)))


def _only_pure_calls(body: list[ast.stmt]) -> bool:
    calls = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return bool(calls) and all(_pure(c) for c in calls)


def _boolean(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    return isinstance(value, (ast.Compare, ast.BoolOp)) or (
        isinstance(value, ast.Call) and call_name(value) in _BOOLEAN_CALLS)


def _tests_a_value(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``def is_ipv4(text): try: return ip_address(text).version == 4 / except: return False``: a yes-or-no test
    of a value in memory. Nothing in the ``try`` can meet an outage, so the failure is the answer no, whatever
    the except names. A test that stats a file, asks the database or calls an unknown helper is no such test."""
    block = source.parent(handler)
    if not isinstance(block, ast.Try) or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return) \
            or not (isinstance(handler.body[0].value, ast.Constant) and handler.body[0].value.value is False):
        return False
    func = source.parent(block)
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _only_pure_calls(block.body):
        return False
    return bool(_PREDICATE_NAME.match(func.name)) or _answers_yes_or_no(func)


def _answers_yes_or_no(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Every ``return`` of the function (not of a function inside it) gives a boolean."""
    returns: list[ast.Return] = []
    todo: list[ast.AST] = list(func.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            returns.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return bool(returns) and all(_boolean(r.value) for r in returns)


def _skips_unparsable(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``for path in paths: try: tags = parse(path).tags / except Exception: continue``: an entry that does
    not parse is no entry; skipping it is the loop's answer, and nothing in the ``try`` does I/O."""
    block = source.parent(handler)
    if not isinstance(block, ast.Try) or not all(isinstance(s, ast.Continue) for s in handler.body):
        return False
    return _skips_in_loop(block, source)


def _skips_in_loop(block: ast.Try | ast.With | ast.AsyncWith, source: SourceFile) -> bool:
    """The block sits in a loop's body and only parses (``yield json.loads(message["data"])``)."""
    loop = source.parent(block)
    return isinstance(loop, (ast.For, ast.AsyncFor, ast.While)) and block in loop.body \
        and all(isinstance(s, (ast.Assign, ast.Expr)) for s in block.body) and _only_pure_calls(block.body)


_DUMMY = lazy_compile(r"dummy", re.IGNORECASE)


def _spends_time(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``try: pwd_context.verify(password, DUMMY_HASH) / except Exception: pass``: a check run against a dummy
    only to take as long as a real one (so an unknown user cannot be told by the timing); its result, failure
    included, is thrown away by design."""
    block = source.parent(handler)
    if not isinstance(block, ast.Try) or len(block.body) != 1 or not isinstance(block.body[0], ast.Expr) \
            or not all(isinstance(s, ast.Pass) for s in handler.body):
        return False
    value = block.body[0].value
    call = value.value if isinstance(value, ast.Await) else value
    return isinstance(call, ast.Call) and any(
        _DUMMY.search(dotted(a) or "") for a in [*call.args, *(k.value for k in call.keywords)])


_METADATA_MODULES = ("importlib.metadata", "importlib_metadata", "pkg_resources")


def _reads_installed_version(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``try: return version("orders") / except Exception: pass`` then ``return "?"``: the installed package's
    metadata, read to show a version; failing means it is not installed as a package, and the fallback is the
    answer. Every call in the ``try`` must be such a lookup."""
    block = source.parent(handler)
    if not isinstance(block, ast.Try) or not _does_nothing(handler.body):
        return False
    imports = {**import_map(source), **{alias.asname or alias.name: f"{node.module}.{alias.name}"
                                        for stmt in block.body for node in ast.walk(stmt)
                                        if isinstance(node, ast.ImportFrom) and node.module
                                        for alias in node.names}}
    calls = [n for stmt in block.body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return bool(calls) and all((qualify(c.func, imports) or "").startswith(_METADATA_MODULES) for c in calls)


def _explained(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """A comment says why it is quiet: on the except line, inside the handler, or on the line right above
    its ``try`` ("# copy the stats, but it's ok if we can't"); or the function's docstring promises the
    fallback ("Returns None when ... the parse fails"). Deliberate, either way."""
    end = getattr(handler, "end_lineno", None) or handler.lineno
    parent = source.parent(handler)
    above = parent.lineno - 1 if isinstance(parent, ast.Try) else -1
    if _documented_fallback(handler, source):
        return True
    return any((handler.lineno <= comment.line <= end or comment.line == above) and _says_why(comment.text)
               for comment in source.comments)


def _says_why(comment: str) -> bool:
    """A comment in words, not a linter's marker or a note that the code still needs work."""
    text = comment.lstrip("#").strip()
    return not _DELIBERATE.search(comment) and len(text) >= 3 and not text.lower().startswith(
        ("noqa", "type:", "pragma", "nosec", "todo", "fixme", "xxx"))


def _suppress_explained(block: ast.With | ast.AsyncWith, source: SourceFile) -> bool:
    """``# telemetry must never fail the search`` right above ``with suppress(Exception):``, or on its line."""
    return any(comment.line in (block.lineno - 1, block.lineno) and _says_why(comment.text)
               for comment in source.comments)


# A docstring that owns up to the quiet: "swallows BaseException so a failed cleanup never masks the original";
# "does not swallow errors" says the opposite
_PROMISED_QUIET = lazy_compile(r"(?<!not )(?<!never )(?<!n't )\bswallow(?:s|ed|ing)?\b", re.IGNORECASE)
_PROMISED_FALLBACK = lazy_compile(r"\breturns?\b[^.]{0,80}\b(?:None|False|empty|nothing)\b[^.]{0,80}"
                                  r"\b(?:fail(?:s|ed|ures?)?|error|invalid|cannot|can't|unparsable|unreadable)\b",
                                  re.IGNORECASE)


def _documented_fallback(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    func = next((a for a in source.ancestors(handler) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    doc = ast.get_docstring(func) if func is not None else None
    text = " ".join(doc.split()) if doc else ""
    return bool(text) and (_PROMISED_FALLBACK.search(text) is not None or _PROMISED_QUIET.search(text) is not None)


_EXCEPTION_NAME = lazy_compile(r"^[A-Z]\w*(?:Error|Exception)$")


def _unraised(stmt: ast.stmt) -> str | None:
    """``ApiError(str(e), 500)`` as a statement: an exception built and thrown away (a forgotten ``raise``)."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not isinstance(call, ast.Call):
        return None
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name if _EXCEPTION_NAME.match(name) else None


_ERROR_KEYS = frozenset({"error", "errors", "err", "detail", "details"})


def _returns_the_error(value: ast.expr, caught: str | None) -> bool:
    """``return None, str(e)``, ``return e``, ``return {"error": ...}``, ``return body, 500``: the error travels on."""
    for node in ast.walk(value):
        if caught and isinstance(node, ast.Name) and node.id == caught:
            return True
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value in _ERROR_KEYS for k in node.keys):
            return True
    if isinstance(value, ast.Call) and (_error_response(value) or _builds_an_error(value)):
        return True
    return isinstance(value, ast.Tuple) and any(
        (isinstance(e, ast.Constant) and isinstance(e.value, int) and 400 <= e.value < 600)
        or (isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.strip())  # (False, "Invalid base64")
        for e in value.elts)


_ERROR_BUILDER = lazy_compile(r"(?:^|_)(?:error|exception)s?(?:_|$)", re.IGNORECASE)


def _builds_an_error(call: ast.Call) -> bool:
    """``return json_exception("...")``, ``return make_error_response(...)``, ``return error_page(error=404)``,
    ``return UploadError(...).response(400)``: what the handler answers is built as an error."""
    node: ast.expr = call
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            name = call_name(node)
            if _ERROR_BUILDER.search(name) or _EXCEPTION_NAME.match(name):
                return True
            node = node.func
        else:
            node = node.value
    return False


# Calls that only build a fallback value, not another way of getting the answer
_VALUE_BUILDERS = frozenset({"str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "frozenset",
                             "repr", "len", "object", "iter", "range"})
_ANSWER_BUILDERS = lazy_compile(r"response|render|redirect|jsonify", re.IGNORECASE)


def _computes_another_way(value: ast.expr | None) -> bool:
    """``return self._via_pip()``, ``return obj.photos.count()``, ``return SIMPLE.format(platform=p)``: the handler
    gets the answer another way, and that way's own errors propagate. A built value (``str(x)``, ``Pending()``)
    is a fallback, and an answer to the client (``make_response(...)``) is judged by its status."""
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call):
        return False
    name = call_name(call)
    return bool(name) and name not in _VALUE_BUILDERS and not name[0].isupper() \
        and not _ANSWER_BUILDERS.search(dotted(call.func) or name)  # response.json(...) answers too


def _is_error_status(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and 400 <= node.value < 600


def _error_response(call: ast.Call) -> bool:
    """``JsonResponse(body, status=422)``, ``HttpResponse(status=500)``, ``Response(body, 500)``,
    ``HttpResponseServerError()``, ``abort(404)``: the failure answered as an error to the client."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name == "abort" and (not call.args or _is_error_status(call.args[0])):
        return True  # Flask's abort(400) raises the HTTP error the client gets
    if name.startswith("HttpResponse") and name not in ("HttpResponse", "HttpResponseRedirect"):
        return True  # HttpResponseBadRequest, HttpResponseServerError, HttpResponseNotFound...
    return any(_is_error_status(k.value) for k in call.keywords if k.arg in ("status", "status_code")) or (
        "Response" in name and any(_is_error_status(a) for a in call.args))


_USER_MESSAGES = frozenset({"flash", "add_message"})  # Flask's flash(), Django's messages.error()/add_message()


def _tells_the_client(body: list[ast.stmt]) -> bool:
    """``abort(400)``, ``return JsonResponse(..., status=404)``, ``flash("The subnet is invalid")``: the failure
    becomes the client's answer to its own bad input, or a message to the user."""
    for stmt in body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _USER_MESSAGES or (name == "error" and (dotted(node.func) or "").startswith("messages.")):
                return True
            given = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("status", "status_code"))]
            if (name == "abort" or "Response" in name) and any(
                    isinstance(a, ast.Constant) and type(a.value) is int and 400 <= a.value < 500 for a in given):
                return True
            if name.startswith("HttpResponse") and name.endswith(("BadRequest", "NotFound", "Forbidden")):
                return True
    return False


def _next_statement(node: ast.AST, source: SourceFile) -> ast.stmt | None:
    """The statement that runs right after ``node``: the next one in its block, or, when ``node`` ends the
    branch of an ``if``, the one after that ``if``."""
    owner = source.parent(node)
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(owner, field, None)
        if isinstance(statements, list) and node in statements:
            rest = statements[statements.index(node) + 1:]
            if rest:
                return rest[0]
            return _next_statement(owner, source) if isinstance(owner, ast.If) else None
    return None


_REPORTING_LOGS = frozenset({"exception", "error", "warning", "warn", "critical"})


def _reports_what_it_dressed(block: ast.stmt, source: SourceFile, bare: bool = False) -> bool:
    """``try: message = res.json()["message"] / except Exception: pass`` then ``raise ApiError(res, message)``, or
    a rollback in an ``except ... as err`` then ``log.error("failed: %s", err)``: the quiet part only dressed an
    error that is raised or logged right after; or it tried a parse, and the raise after it says none worked.
    A ``raise NotFound(...)`` after a lookup hides the lookup's cause; and a bare ``except:``, which catches even
    KeyboardInterrupt, is not cleared by re-raising the error handled around it."""
    after = _next_statement(block, source)
    if isinstance(after, ast.Raise):
        if after.exc is None:  # re-raises what it handles
            return not bare and any(isinstance(a, ast.ExceptHandler) for a in source.ancestors(block))
        if _only_pure_calls(getattr(block, "body", [])):
            return True  # try one parse, else raise "cannot decode": the failure is what is raised
    elif not (isinstance(after, ast.Expr) and isinstance(after.value, ast.Call)
              and call_name(after.value) in _REPORTING_LOGS):
        return False
    caught = {a.name for a in source.ancestors(block) if isinstance(a, ast.ExceptHandler) and a.name}
    dressed = {t.id for stmt in getattr(block, "body", []) for n in ast.walk(stmt)
               if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
               for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Name) and n.id in caught | dressed for n in ast.walk(after))


def _falls_through_to_error(handler: ast.ExceptHandler, source: SourceFile) -> bool:
    """``try: ... except Exception: pass`` followed by ``return HttpResponse(status=500)``: the failure becomes
    the error the statement after the ``try`` answers. Followed by a ``raise`` or an error logged, the quiet part
    only dressed the report (parsing an error body for its message, a rollback before the log line)."""
    block = source.parent(handler)
    if not isinstance(block, ast.Try):
        return False
    after = _next_statement(block, source)
    return _reports_what_it_dressed(block, source, bare=handler.type is None) or (
        isinstance(after, ast.Return) and isinstance(after.value, ast.Call) and _error_response(after.value))


def _hands_on(body: list[ast.stmt]) -> bool:
    """``excepthook(*sys.exc_info())``: the error being handled is passed to what reports it."""
    for stmt in body:
        for call in ast.walk(stmt):
            if isinstance(call, ast.Call) and any(
                    isinstance(a, ast.Call) and dotted(a.func) == "sys.exc_info"
                    for arg in call.args for a in [arg.value if isinstance(arg, ast.Starred) else arg]):
                return True
    return False


def _does_nothing(body: list[ast.stmt], caught: str | None = None) -> bool:
    """Only ``pass``, ``continue``, ``...``, a string, a ``return`` of a fallback value (it hides the error whatever
    it is: SPEC section 3; returning the error itself passes it on), or an exception built but not raised."""
    for stmt in body:
        if isinstance(stmt, ast.Return) and stmt.value is not None and (
                _returns_the_error(stmt.value, caught) or _computes_another_way(stmt.value)):
            return False
        if isinstance(stmt, (ast.Pass, ast.Continue, ast.Return)) or _unraised(stmt):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
            stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)
        ):
            continue
        return False
    return True


class SwallowedException(Check):
    id = "swallowed-exception"
    category = "error-handling"
    severity = "high"
    effort = "1d"
    title = "Swallowed exceptions"
    roles_note = SERVICE_ONLY
    rationale = (
        "`except Exception: pass` turns every bug, timeout and outage below it into silence: the "
        "request returns wrong data, nothing is logged and nobody is paged. A bare `except:` also "
        "catches KeyboardInterrupt and SystemExit, so the process cannot even stop cleanly."
    )
    remediation = (
        "Catch the narrowest exception you can handle; otherwise log it with `logger.exception(...)` "
        "and re-raise or return an explicit error. Never use a bare `except:`."
    )
    scoring = (
        "Density: swallowed exceptions per 1 000 lines of application code; 0% at `zero_at` (default 2). "
        "A handler swallows when it neither re-raises, logs, answers an error (`abort(404)`, an error "
        "response) nor does anything else with the failure; a bare `except:` swallows unless it re-raises, logs, "
        "answers the client's bad input (4xx) or tells the user (a flashed message)."
    )
    options = {"zero_at": 2.0}
    needles = ("except", "suppress")
    fixable = True
    examples = (
        bad("def load(path):\n    try:\n        return open(path).read()\n    except:\n        return None\n",
            lines=(4,), note="bare except"),
        bad("def send(msg):\n    try:\n        deliver(msg)\n    except Exception:\n        pass\n", lines=(4,)),
        bad("for job in jobs:\n    try:\n        run(job)\n    except (ValueError, Exception):\n        continue\n",
            lines=(4,), note="a tuple containing Exception"),
        bad("import contextlib\n\nwith contextlib.suppress(Exception):\n    sync_orders()\n", lines=(3,)),
        good("from contextlib import suppress\n\n\ndef close_all(clients):\n    for client in clients:\n"
             "        with suppress(Exception):\n            client.close()\n", note="best-effort cleanup"),
        good("import flask\n\n\ndef autodiscover():\n    try:\n        return flask.Response(render(flask.request.data))\n"
             "    except Exception:\n        return flask.abort(400)\n", note="abort(400): the client gets the error"),
        good("import flask\n\n\ndef setup():\n    valid = True\n    try:\n        check(flask.request.form['subnet'])\n"
             "    except:\n        flask.flash('The subnet is invalid', 'error')\n        valid = False\n    return str(valid)\n",
             note="a bare except that tells the user: handled (E722, the bare form, is a lint rule)"),
        bad("def checklist(engagement):\n    try:\n        check = CheckList.objects.get(engagement=engagement)\n"
            "    except:\n        check = None\n    return check\n", lines=(4,),
            note="a bare except that turns any failure, a database outage too, into a fallback"),
        good("from contextlib import suppress\n\n\nclass Store:\n    def __del__(self):\n        with suppress(Exception):\n"
             "            self.client.flush()\n", note="a destructor's teardown: Python ignores what __del__ raises anyway"),
        good("import base64\n\n\ndef validate_image(data):\n    try:\n        base64.b64decode(data, validate=True)\n"
             "    except Exception:\n        return False, 'Invalid base64 encoding'\n    return True, ''\n",
             note="the failure goes back to the caller as a message"),
        good("def can_parse(xml):\n    try:\n        if not xml.tag.endswith('conceptItem'):\n            return False\n"
             "        concept = xml.find('concept')\n        if concept is None:\n            return False\n"
             "        return concept.attrib.get('qcode', '') == 'cpnat:event'\n    except Exception:\n        return False\n",
             note="a yes-or-no test of a document in memory: its failure is the answer no"),
        bad("def is_rejected(case):\n    try:\n        return case.rejected == 1\n    except Exception:\n        return False\n",
            lines=(4,), note="a model's attribute may load from the database: its failure is hidden as 'no'"),
        bad("def is_staff(user_id):\n    try:\n        return User.objects.get(pk=user_id).is_staff is True\n"
            "    except Exception:\n        return False\n", lines=(4,),
            note="a lookup through the ORM is no in-memory read, whatever the method is called"),
        bad("def is_active(user_id):\n    try:\n        return db.users.find_one({'_id': user_id})['active'] is True\n"
            "    except Exception:\n        return False\n", lines=(4,),
            note="a yes-or-no question that asks the database: an outage becomes 'no'"),
        good("def is_hex(value):\n    try:\n        int(value, 16)\n        return True\n    except Exception:\n"
             "        return False\n", note="a yes-or-no test whose no is the failure"),
        bad("def database_up():\n    try:\n        projects.get_or_create_status('Open')\n        return True\n"
            "    except Exception:\n        return False\n", lines=(5,),
            note="a probe that answers no without saying why the database failed"),
        bad("def status(checking_id):\n    try:\n        return node.lookup(checking_id)\n    except Exception:\n"
            "        return PaymentPendingStatus()\n", lines=(4,),
            note="a fallback value hides the error whatever it is: the payment stays pending and nobody knows why"),
        bad("def parse(text):\n    try:\n        return int(text)\n    except Exception:\n        return 0\n", lines=(4,),
            note="a default returned for any error"),
        good("import logging\nlog = logging.getLogger(__name__)\n\ndef status(checking_id):\n    try:\n"
             "        return node.lookup(checking_id)\n    except Exception:\n        log.exception('lookup failed')\n"
             "        return PaymentPendingStatus()\n", note="a fallback after logging"),
        good("def parse(text):\n    try:\n        return int(text)\n    except ValueError:\n        return 0\n",
             note="a narrow exception with a fallback"),
        good("def run(query):\n    try:\n        return execute(query), None\n    except Exception as e:\n"
             "        return None, str(e)\n", note="the error is returned to the caller"),
        good("def schema(runner):\n    try:\n        return runner.get_schema()\n    except Exception:\n"
             "        return {\"error\": {\"code\": 2, \"message\": \"Error retrieving schema.\"}}\n",
             note="an explicit error returned"),
        good("from django.http import HttpResponse, JsonResponse\n\n\ndef upload(request):\n    try:\n"
             "        store(request.FILES['file'])\n    except Exception:\n"
             "        return JsonResponse({'file': 'not a supported image'}, status=422)\n    return HttpResponse()\n",
             note="an error response returned to the client"),
        good("from django.http import HttpResponse\n\n\ndef ping(request):\n    try:\n        if workers.ping():\n"
             "            return HttpResponse()\n    except Exception:\n        pass\n\n    return HttpResponse(status=500)\n",
             note="the failure falls through to the error response after the try"),
        bad("from django.http import HttpResponse\n\n\ndef ping(request):\n    try:\n        workers.ping()\n"
            "    except Exception:\n        pass\n\n    return HttpResponse('ok')\n", lines=(7,),
            note="falling through to a success answers as if nothing failed"),
        bad("def f():\n    try:\n        g()\n    except BaseException:\n        ...\n", lines=(4,)),
        bad("def signup(user):\n    try:\n        user = user.create()\n    except Exception as e:\n"
            "        ApiError(str(e), 500)\n    return user\n", lines=(4,),
            note="an exception built but never raised (a forgotten raise)"),
        good("def signup(user):\n    try:\n        user = user.create()\n    except Exception as e:\n"
             "        raise ApiError(str(e), 500) from e\n    return user\n", note="the same exception raised"),
        good("def get(d, k):\n    try:\n        return d[k]\n    except KeyError:\n        pass\n",
             note="a narrow exception may be ignored"),
        good("import logging\nlog = logging.getLogger(__name__)\n\ndef send(msg):\n    try:\n        deliver(msg)\n"
             "    except Exception:\n        log.exception('delivery failed')\n", note="logged"),
        good("def f():\n    try:\n        g()\n    except Exception:\n        cleanup()\n        raise\n",
             note="re-raised"),
        good("def f():\n    try:\n        g()\n    except:\n        rollback()\n        raise\n",
             note="a bare except that re-raises is cleanup"),
        good("def test_x():\n    try:\n        g()\n    except Exception:\n        pass\n",
             path="tests/test_x.py", note="tests"),
        good("def drop(cursor):\n    try:\n        cursor.execute('DROP VIEW tmp')\n    except Exception:\n"
             "        pass  # the view dies with the session anyway\n", note="a comment says why: deliberate"),
        good("def close(stream):\n    try:\n        stream.close()\n    except Exception:\n        pass\n",
             note="best-effort cleanup of something being discarded"),
        good("async def stop_all(sockets):\n    for socket in sockets:\n        try:\n            await socket.close(code=1012)\n"
             "        except Exception:\n            pass\n", note="the awaited close of a websocket going away"),
        bad("async def refresh(sockets):\n    for socket in sockets:\n        try:\n            await socket.send_json({})\n"
            "        except Exception:\n            pass\n", lines=(5,), note="an awaited send is no cleanup"),
        good("import os\n\n\ndef drop(temp_path):\n    try:\n        os.unlink(temp_path)\n    except Exception:\n"
             "        pass\n", note="removing a temporary file, best effort"),
        good("import logging\nlogger = logging.getLogger(__name__)\n\ndef load(name):\n    try:\n        register(name)\n"
             "    except:\n        logger.exception('failed to load %s', name)\n", note="a bare except that logs"),
        good("from contextlib import suppress\n\nwith suppress(FileNotFoundError):\n    remove(p)\n",
             note="suppress of a narrow exception"),
        good("def close(conn):\n    try:\n        conn.close()\n    except Exception:  # noqa: S110\n        pass\n",
             note="marked deliberate for the linter's same rule"),
        good("def copy(source, target):\n    # copy the original stats too, but it is fine if we cannot\n    try:\n"
             "        copy_stats(source, target)\n    except Exception:\n        pass\n",
             note="a comment right above the try says why"),
        good('def parse(index, text):\n    """Parse the query; returns None when there is no text or the parse fails."""\n'
             "    try:\n        return index.parse_query(text)\n    except Exception:\n        return None\n",
             note="the docstring promises the fallback"),
        bad('def parse(index, text):\n    """Parse the query."""\n    try:\n        return index.parse_query(text)\n'
            "    except Exception:\n        return None\n", lines=(5,), note="a docstring that promises nothing"),
        good('import os\n\n\ndef can_log(path):\n    """Return True if the log file is writable, and False on any failure."""\n'
             "    try:\n        os.makedirs(os.path.dirname(path), exist_ok=True)\n        os.utime(path, None)\n"
             "    except:\n        print('cannot write the log')\n        return False\n    return True\n",
             note="the docstring promises False on failure"),
        bad('import os\n\n\ndef can_log(path):\n    """Return True if the log file is writable."""\n'
            "    try:\n        os.makedirs(os.path.dirname(path), exist_ok=True)\n        os.utime(path, None)\n"
            "    except:\n        print('cannot write the log')\n        return False\n    return True\n", lines=(9,),
            note="the same without the promise"),
        good("import ipaddress\n\n\ndef is_ipv4(text):\n    try:\n        return ipaddress.ip_address(text).version == 4\n"
             "    except:\n        return False\n", note="a yes-or-no test of a value in memory: nothing in it can fail but the value"),
        good("import json\n\n\ndef valid_json(value):\n    try:\n        json.dumps(value, allow_nan=False)\n        return True\n"
             "    except Exception:\n        return False\n", note="a yes-or-no test by its name, over a serialisation in memory"),
        bad("import os\n\n\ndef has_hidden_attribute(path):\n    try:\n        return bool(os.stat(path).st_file_attributes & 2)\n"
            "    except Exception:\n        return False\n", lines=(7,),
            note="a yes-or-no test that reads the disk: an unreadable file is hidden as 'no'"),
        good("def series_tags(finder, parse, query):\n    tags = set()\n    for path in finder.find_series(query):\n"
             "        try:\n            parsed = parse(path)\n        except Exception:\n            continue\n"
             "        tags.update(parsed.tags)\n    return tags\n",
             note="a loop that skips an entry which does not parse: the failure means 'no entry'"),
        bad("def resend(tasks):\n    for task in tasks:\n        try:\n            task.send()\n        except Exception:\n"
            "            continue\n        task.mark_sent()\n", lines=(5,), note="a loop that skips a failed send: an outage is hidden"),
        good("def upload_chunk(request, dest):\n    try:\n        save_to_file(request.stream, dest)\n    except Exception:\n"
             "        return UploadError('could not save the chunk').response(400)\n    return {'ok': True}\n",
             note="the answer is built as an error"),
        good("def run_status(query, value):\n    try:\n        return query.filter(status=Status.from_string(value))\n"
             "    except Exception:\n        return make_error_response('validation_error', 'Invalid status.', http_status=400)\n",
             note="an error response, built by a helper of the project"),
        bad("def save(request, dest):\n    try:\n        save_to_file(request.stream, dest)\n    except Exception:\n"
            "        return make_response('', 200)\n    return make_response('', 201)\n", lines=(4,),
            note="a response that answers as if nothing failed"),
        bad("from sanic import response\n\n\nasync def save(request, dest):\n    try:\n        await store(request.body, dest)\n"
            "    except Exception:\n        return response.json({'saved': False})\n    return response.json({'saved': True})\n",
            lines=(7,), note="an answer built by a response module is judged by its status, not taken for another way"),
        good("def photo_count(album):\n    try:\n        return album.photo_count\n    except Exception:\n"
             "        return album.photos.count()\n", note="the handler gets the answer another way; that way's errors propagate"),
        bad("def user_display(users, user_id):\n    try:\n        return users.get(pk=user_id).username\n    except Exception:\n"
            "        return str(user_id)\n", lines=(4,), note="a value built as a fallback hides why the lookup failed"),
        good("def request(session, url):\n    res = session.get(url)\n    if res.status_code >= 400:\n"
             "        message = f'request failed: {res.status_code}'\n        try:\n"
             "            message = f\"request failed: {res.json()['message']}\"\n        except Exception:\n            pass\n"
             "        raise ApiError(res, message)\n    return res\n",
             note="only the message is dressed quietly: the failure is raised right after"),
        good("import base64\n\n\ndef decode_signature(text):\n    try:\n        return bytes.fromhex(text)\n    except ValueError:\n"
             "        pass\n    try:\n        return base64.b64decode(text)\n    except Exception:\n        pass\n"
             "    raise ValueError('unknown signature format')\n", note="tries the parses in turn, then raises"),
        bad("def get_any(request, object_id):\n    try:\n        return redirect(find_crawl(request, object_id))\n"
            "    except Exception:\n        pass\n    raise HttpError(404, 'not found')\n", lines=(4,),
            note="any failure of the lookup, an outage too, becomes 'not found'"),
        good("import logging\nfrom contextlib import suppress\n\n\ndef search(run, emit, query):\n    result = run(query)\n"
             "    # the results stay usable even when the event pipeline is down\n    with suppress(Exception):\n"
             "        emit('search.completed', hits=len(result))\n    return result\n", note="a comment above says why"),
        bad("from contextlib import suppress\n\n\ndef announcement(request):\n"
            "    with suppress(Exception):  # TODO: catch something narrower\n        return lookup(request.user)\n    return {}\n",
            lines=(5,), note="a note that work is left to do is no reason"),
        good("DUMMY_HASH = '$2b$12$abcdefghijklmnopqrstuv'\n\n\ndef login(users, context, email, password):\n"
             "    user = users.find(email)\n    if user is None:\n        try:\n            context.verify(password, DUMMY_HASH)\n"
             "        except Exception:\n            pass\n        return None\n    return user\n",
             note="a check against a dummy, run only to take as long as a real one"),
        bad("def login(users, context, email, password):\n    user = users.find(email)\n    try:\n"
            "        context.verify(password, user.password_hash)\n    except Exception:\n        pass\n    return user\n",
            lines=(5,), note="the real check's failure is hidden"),
        good("def get_version():\n    try:\n        from importlib.metadata import version\n        return version('orders')\n"
             "    except Exception:\n        pass\n    return '?'\n", note="the installed package's version, when it is installed"),
        bad("def get_version(client):\n    try:\n        return client.version()\n    except Exception:\n        pass\n"
            "    return '?'\n", lines=(4,), note="a version asked of a server: an outage becomes '?'"),
        good("import asyncio\n\n\nasync def drop_attachment(adapter, tab_id):\n    try:\n"
             "        await asyncio.shield(adapter.discard_attachment(tab_id))\n    except Exception:\n        pass\n",
             note="releasing what already failed, best effort"),
        good("async def stop_capture(session):\n    try:\n        await session.detach()\n    except Exception:\n        pass\n",
             note="detaching from a session that goes away"),
        bad("def drop_object(store, key):\n    try:\n        store.delete_object(key)\n    except Exception:\n        pass\n",
            lines=(4,), note="a deletion is no release: the object may stay behind"),
        good("import asyncio\n\n\nasync def shutdown(tasks):\n    for task in tasks:\n        task.cancel()\n        try:\n"
             "            await asyncio.wait_for(task, 1)\n        except BaseException:\n            pass\n",
             note="waiting for a task being cancelled: its CancelledError is the expected end"),
        good("import asyncio\nfrom contextlib import suppress\n\n\nasync def stop(watcher):\n    watcher.cancel()\n"
             "    with suppress(asyncio.CancelledError, Exception):\n        await watcher\n", note="the same with suppress()"),
        bad("async def finish(job):\n    try:\n        await job\n    except Exception:\n        pass\n", lines=(4,),
            note="awaiting a task nobody cancelled: its failure is hidden"),
        good("import logging\n\nLOG = logging.getLogger(__name__)\n\n\ndef log_request(request, fields):\n    try:\n"
             "        LOG.info('request finished', path=request.path, **fields)\n    except Exception:\n        pass\n",
             note="a failure to log cannot be logged"),
        bad("import logging\n\nLOG = logging.getLogger(__name__)\n\n\ndef log_request(request, store):\n    try:\n"
            "        LOG.info('request finished')\n        store.save(request)\n    except Exception:\n        pass\n",
            lines=(10,), note="a save next to the log line"),
        good("from urllib.parse import urlparse\n\n\ndef _same_page(left, right):\n    try:\n        a = urlparse(left)\n"
             "        b = urlparse(right)\n    except Exception:\n        return False\n"
             "    return a.netloc == b.netloc and a.path == b.path\n",
             note="every return of the function is yes or no: a yes-or-no test, whatever its name"),
        good("import os\n\n\ndef file_exists(folder, name):\n    try:\n        return os.path.isfile(os.path.join(folder, name))\n"
             "    except Exception:\n        return False\n", note="a path test that answers False rather than raise"),
        good("import json\nfrom contextlib import suppress\n\n\nasync def listen(channel):\n    async for message in channel.listen():\n"
             "        with suppress(Exception):\n            yield json.loads(message['data'])\n",
             note="a message that does not parse is skipped"),
        bad("from contextlib import suppress\n\n\ndef deliver_all(messages, deliver):\n    for message in messages:\n"
            "        with suppress(Exception):\n            deliver(message)\n", lines=(6,), note="a failed delivery is skipped"),
        good("import sys\n\n\ndef run_reported(run, excepthook):\n    try:\n        run()\n    except:\n"
             "        excepthook(*sys.exc_info())\n", note="a bare except that hands the error to what reports it"),
        good("def send_test(client, Response):\n    try:\n        client.send()\n    except ApiError as e:\n        try:\n"
             "            error = e.detail['errmsg']\n        except:\n            error = e.detail\n"
             "        return Response({'error': error}, status=400)\n    return Response({'ok': True})\n",
             note="a bare except that only picks the message of an error answered right after"),
        good('async def send_fallback_error(stream, message):\n    """Send the error frame; swallows any failure so a failed '
             'cleanup never masks the original."""\n    try:\n        await stream.send(message)\n    except BaseException:\n'
             "        pass\n", note="the docstring owns up to the swallow"),
        bad('async def send_frame(stream, message):\n    """Send the frame; this never swallows a failure."""\n    try:\n'
            "        await stream.send(message)\n    except Exception:\n        pass\n", lines=(5,),
            note="a docstring that promises the opposite"),
        good("from contextlib import suppress\n\n\nasync def create(db, task):\n    try:\n        await db.create_step(task)\n"
             "    except Exception:\n        if task is not None:\n            with suppress(Exception):\n"
             "                await db.mark_failed(task)\n        raise\n",
             note="marking the task failed on the way to re-raising what failed"),
        good("import base64\n\n\ndef _canonical_base64(text):\n    try:\n        raw = base64.b64decode(text, validate=True)\n"
             "        return base64.b64encode(raw).decode('ascii') == text\n    except Exception:\n        return False\n",
             note="decoding and encoding again, all in memory"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if source.tree is None or file_role(source, options) != SERVICE:
            return None  # a migration or a script that swallows fails its operator, not the service
        out = FileOutcome()
        for handler in source.nodes(ast.ExceptHandler):
            assert isinstance(handler, ast.ExceptHandler)
            if _DELIBERATE.search(source.line_text(handler.lineno)):
                continue  # silenced on purpose for a linter that already asked
            if _explained(handler, source) or _best_effort_cleanup(handler, source) or _predicate(handler, source) \
                    or _tests_a_value(handler, source) or _skips_unparsable(handler, source) \
                    or _spends_time(handler, source) or _reads_installed_version(handler, source):
                continue
            if handler.type is None:
                # answering the client's bad input (a 4xx answer) or telling the user (a flashed message) handles
                # it; a fallback value or a 500 that hides the cause does not
                if not _reraises(handler.body) and not _logs(handler.body) and not _tells_the_client(handler.body) \
                        and not _hands_on(handler.body) and not _falls_through_to_error(handler, source):
                    out.hits.append(Hit(handler.lineno, handler.col_offset + 1,
                                        "bare `except:` catches everything, even KeyboardInterrupt and SystemExit",
                                        fixable=swallowed_fixable(handler)))
            elif _is_broad(handler.type) and _does_nothing(handler.body, handler.name) \
                    and not _falls_through_to_error(handler, source):
                built = next((name for stmt in handler.body if (name := _unraised(stmt))), None)
                message = (f"`except {ast.unparse(handler.type)}` builds {built}(...) but never raises it"
                           if built else
                           f"`except {ast.unparse(handler.type)}` swallows the error without logging or re-raising")
                out.hits.append(Hit(handler.lineno, handler.col_offset + 1, message, fixable=swallowed_fixable(handler)))
        if "suppress" in source.text:
            imports = import_map(source)
            for call in source.nodes(ast.Call):
                assert isinstance(call, ast.Call)
                if qualify(call.func, imports) == "contextlib.suppress" and any(_is_broad(a) for a in call.args) \
                        and not _suppress_deliberate(call, source):
                    out.hits.append(Hit(call.lineno, call.col_offset + 1,
                                        "`suppress(Exception)` swallows every error without logging"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        noun = "swallowed exception" if count == 1 else "swallowed exceptions"
        return Verdict(Density(count, project.app_lines, "swallowed exceptions", float(options["zero_at"])),
                       summary=f"{count} {noun}")


_FRAMEWORKS = ("fastapi", "starlette", "flask", "django", *sorted(SERVERS))
_HANDLER_METHODS = {
    "exception_handler": "FastAPI/Starlette exception handler",
    "add_exception_handler": "FastAPI/Starlette exception handler",
    "errorhandler": "Flask error handler",
    "app_errorhandler": "Flask error handler",
    "register_error_handler": "Flask error handler",
    "add_error_handler": "Falcon error handler",
}


_REST_APIS = frozenset({"flask_restful", "flask_restx", "flask_restplus"})
# Handlers a library asks for its own error, registered in every app that uses it: slowapi's 429 answer
_NARROW_ERRORS = frozenset({"RateLimitExceeded"})


def _pyramid_exception_view(call: ast.Call) -> bool:
    """``@exception_view_config(HTTPException)``, ``config.add_exception_view(...)``, or
    ``@view_config(context=Exception)``: a view Pyramid renders for the errors of every route."""
    name = call_name(call)
    if name in ("exception_view_config", "add_exception_view"):
        return True
    context = next((k.value for k in call.keywords if k.arg == "context"), None)
    return name in ("view_config", "add_view") and context is not None \
        and (dotted(context) or "").rpartition(".")[2].endswith(("Exception", "Error"))


def _falcon_app(source: SourceFile) -> ast.Call | None:
    """``falcon.App(...)`` (or ``falcon.asgi.App``): from Falcon 3 on, the App installs a handler for every
    ``Exception`` that logs it and answers 500 in the API's error format. ``falcon.API`` is Falcon 2's class,
    which let errors reach the server's own page."""
    names = import_map(source)
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) == "App" and qualify(call.func, names) in ("falcon.App", "falcon.asgi.App"):
            return call
    return None


def _aiohttp_middleware(func: ast.AST) -> bool:
    """``@web.middleware async def errors(request, handler)``: aiohttp runs it around every handler."""
    return isinstance(func, ast.AsyncFunctionDef) and any(
        (dotted(d) or "").rpartition(".")[2] == "middleware" for d in func.decorator_list)


def _answers_errors_of_next(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A middleware's ``dispatch`` that calls the rest of the app (``call_next``, or a WSGI middleware's wrapped
    ``self.app(environ, start_response)``, an aiohttp middleware's ``handler(request)``) inside a ``try`` whose
    handler answers the request itself (returns a response): an error handler for every route behind it."""
    aiohttp = _aiohttp_middleware(func)
    for node in ast.walk(func):
        if isinstance(node, ast.Try) and any(isinstance(c, ast.Call) and (
                call_name(c) == "call_next" or dotted(c.func) in ("self.app", "self.application")
                or (aiohttp and dotted(c.func) == "handler"))
                for stmt in node.body for c in ast.walk(stmt)):
            if any((isinstance(n, ast.Return) and n.value is not None)
                   or (aiohttp and isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call))
                   for h in node.handlers for n in ast.walk(h)):
                return True  # aiohttp: raising web.HTTPBadRequest(...) is answering with that response
    return False


class ErrorHandlers(Check):
    id = "error-handlers"
    category = "error-handling"
    severity = "medium"
    effort = "1d"
    title = "Framework-level error handlers"
    rationale = (
        "Without a central handler, unexpected errors reach clients as framework default pages or "
        "stack traces, in a different shape on every endpoint, and are logged inconsistently."
    )
    remediation = (
        "Register handlers that log the error once and return a standard error body (e.g. RFC 9457 "
        "problem details): FastAPI `@app.exception_handler(Exception)`, Flask "
        "`@app.errorhandler(Exception)`, Django `handler500` or exception middleware."
    )
    scoring = ("Presence: an application-wide error handler (FastAPI/Starlette exception handlers, Flask errorhandler, "
               "a flask-restful/restx Api, Django handler500 or its default with the project's own 500.html, exception "
               "middleware (an aiohttp @web.middleware too), a DRF EXCEPTION_HANDLER, a Tornado base handler's write_error, "
               "CherryPy's error_page.default); "
               "n/a when no web framework is imported.")
    needles = ("fastapi", "starlette", "flask", "django", *sorted(SERVERS), "aiohttp", "handler", "process_exception",
               "EXCEPTION_HANDLER", "flask_restful", "flask_restx", "__call__", "write_error", "error_page")
    examples = (
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/')\ndef root():\n"
                 "    return {}\n"}, status="fail"),
        Example({"app/main.py": "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\n"
                 "app = FastAPI()\n\n@app.exception_handler(Exception)\nasync def on_error(request: Request, exc: Exception):\n"
                 "    return JSONResponse({'error': 'internal'}, status_code=500)\n"}, status="pass"),
        Example({"app/web.py": "from flask import Blueprint\n\napp = Blueprint('web', __name__)\n\n\n"
                               "@app.errorhandler(404)\ndef not_found(e):\n    return 'Not found', 404\n\n\n"
                               "@app.route('/cre/<cre_id>')\ndef cre(cre_id):\n    return find(cre_id)\n"},
                status="fail", note="a blueprint's 404 handler: an unmatched URL never reaches a blueprint"),
        Example({"app/web.py": "from flask import Flask\n\napp = Flask(__name__)\n\n@app.errorhandler(404)\n"
                 "def not_found(e):\n    return {'error': 'not found'}, 404\n"}, status="pass"),
        Example({"mysite/urls.py": "from django.urls import path\n\nurlpatterns = []\nhandler500 = 'mysite.views.server_error'\n"},
                status="pass", note="Django handler500"),
        Example({"app/middleware.py": "import django\n\nclass ErrorMiddleware:\n    def __init__(self, get_response):\n"
                 "        self.get_response = get_response\n\n    def process_exception(self, request, exception):\n"
                 "        return None\n"}, status="pass", note="Django exception middleware"),
        Example({"app/main.py": "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n"
                 "from starlette.middleware.base import BaseHTTPMiddleware\n\n\nclass Errors(BaseHTTPMiddleware):\n"
                 "    async def dispatch(self, request: Request, call_next):\n        try:\n"
                 "            return await call_next(request)\n        except Exception:\n"
                 "            return JSONResponse({'error': 'internal'}, status_code=500)\n\n\n"
                 "app = FastAPI()\napp.add_middleware(Errors)\n"}, status="pass",
                note="a middleware answering the errors of every request behind it"),
        Example({"app/middleware.py": "import webob\n\n\nclass ErrorHandlingMiddleware:\n    def __init__(self, app):\n"
                 "        self.app = app\n\n    def __call__(self, environ, start_response):\n        try:\n"
                 "            return self.app(environ, start_response)\n        except Exception as e:\n"
                 "            return webob.Response(json={'faultstring': str(e)}, status=500)(environ, start_response)\n"},
                status="pass", note="a WSGI middleware that answers every error of the app it wraps"),
        Example({"shop/views.py": "from pyramid.httpexceptions import HTTPException\nfrom pyramid.view import view_config\n\n\n"
                 "@view_config(context=HTTPException, renderer='json')\ndef http_error(exc, request):\n"
                 "    request.response.status = exc.status\n    return {'error': exc.explanation}\n"},
                status="pass", note="a Pyramid exception view"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom slowapi import Limiter, _rate_limit_exceeded_handler\n"
                 "from slowapi.errors import RateLimitExceeded\nfrom slowapi.util import get_remote_address\n\n"
                 "app = FastAPI()\napp.state.limiter = Limiter(key_func=get_remote_address)\n"
                 "app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)\n"},
                status="fail", note="slowapi's handler answers its own 429s, not the errors of every route"),
        Example({"app/middleware.py": "import webob\n\n\nclass TimingMiddleware:\n    def __init__(self, app):\n"
                 "        self.app = app\n\n    def __call__(self, environ, start_response):\n        try:\n"
                 "            return self.app(environ, start_response)\n        finally:\n            record_timing()\n"},
                status="fail", note="a middleware that only times requests answers no error"),
        Example({"hub/handlers/base.py": "from tornado import web\n\n\nclass BaseHandler(web.RequestHandler):\n"
                 "    def write_error(self, status_code, **kwargs):\n        self.finish({'status': status_code})\n",
                 "hub/handlers/users.py": "from hub.handlers.base import BaseHandler\n\n\nclass UsersHandler(BaseHandler):\n"
                 "    def get(self):\n        self.finish({'users': []})\n"}, status="pass",
                note="a Tornado base handler whose write_error every handler inherits"),
        Example({"hub/handlers/users.py": "from tornado import web\n\n\nclass UsersHandler(web.RequestHandler):\n"
                 "    def get(self):\n        self.finish({'users': []})\n\n\n"
                 "class Proxied(make_base()):\n    pass\n"}, status="fail",
                note="Tornado's default error page (a base class made by a call is no handler)"),
        Example({"app/webstart.py": "import json\n\nimport cherrypy\n\n\n"
                 "def error_page(status, message, traceback, version):\n"
                 "    cherrypy.response.headers['Content-Type'] = 'application/json'\n"
                 "    return json.dumps({'status': status, 'message': message})\n\n\n"
                 "def start(root):\n    cherrypy.tree.mount(root, '/', {'/': {'error_page.default': error_page}})\n"},
                status="pass", note="CherryPy's error_page.default answers every error"),
        Example({"app/webstart.py": "import cherrypy\n\n\ndef start(root):\n"
                 "    cherrypy.tree.mount(root, '/', {'/': {'tools.sessions.on': True}})\n"},
                status="fail", note="CherryPy's default error pages"),
        Example({"app/api.py": "import falcon\n\n\nclass Orders:\n    def on_get(self, req, resp):\n"
                 "        resp.media = []\n\n\napi = falcon.App()\napi.add_route('/orders', Orders())\n"}, status="pass",
                note="Falcon 3's App logs every uncaught error and answers a uniform 500"),
        Example({"app/api.py": "import falcon\n\n\nclass Orders:\n    def on_get(self, req, resp):\n"
                 "        resp.media = []\n\n\napi = falcon.API()\napi.add_route('/orders', Orders())\n"}, status="fail",
                note="Falcon 2's API class has no handler for unexpected errors"),
        Example({"app/jobs.py": "def run():\n    return 1\n"}, status="n/a", note="no web framework"),
        Example({"app/api.py": "from flask import Flask\nfrom flask_restful import Api, Resource\n\napp = Flask(__name__)\n"
                 "api = Api(app)\n\n\nclass Orders(Resource):\n    def get(self):\n        return []\n\n\n"
                 "api.add_resource(Orders, '/orders')\n"}, status="pass",
                note="flask-restful's Api answers every error with a JSON body"),
        Example({"shop/views.py": "from django.http import JsonResponse\n\n\ndef orders(request):\n"
                 "    return JsonResponse({'orders': []})\n",
                 "shop/templates/500.html": "<h1>Something went wrong</h1>\n"}, status="pass",
                note="Django's default handler500 renders the project's own 500.html"),
        Example({"shop/views.py": "from django.http import JsonResponse\n\n\ndef orders(request):\n"
                 "    return JsonResponse({'orders': []})\n",
                 "shop/settings/base.py": "TEMPLATES = [{'BACKEND': 'django.template.backends.django.DjangoTemplates',\n"
                 "              'DIRS': ['shop/templates', 'shop/templates/error'], 'APP_DIRS': True}]\n",
                 "shop/templates/error/500.html": "<h1>Something went wrong</h1>\n"}, status="pass",
                note="the project's 500.html in a template folder the settings list"),
        Example({"shop/views.py": "from django.http import JsonResponse\n\n\ndef orders(request):\n"
                 "    return JsonResponse({'orders': []})\n",
                 "shop/templates/orders.html": "<ul></ul>\n"}, status="fail",
                note="Django's bare default page without a project 500.html"),
        Example({"app/utils.py": "import six\nimport flask_restful as restful\n\n\nclass Meta(type):\n    pass\n\n\n"
                 "class Resource(six.with_metaclass(Meta, restful.Resource)):\n    pass\n",
                 "app/rest.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.errorhandler(Exception)\n"
                 "def handle(error):\n    return {'message': str(error)}, 500\n"}, status="pass",
                note="a resource whose base is a call (six.with_metaclass) beside the app's error handler"),
        Example({"app/errors.py": "from aiohttp import web\n\n\n@web.middleware\nasync def errors(request, handler):\n"
                 "    try:\n        return await handler(request)\n    except ValueError as exc:\n"
                 "        raise web.HTTPBadRequest(text=str(exc))\n",
                 "app/server.py": "from aiohttp import web\n\nfrom app.errors import errors\n\n"
                 "app = web.Application(middlewares=[errors])\n"}, status="pass",
                note="an aiohttp middleware that answers a failing handler with an HTTP error"),
        Example({"app/server.py": "from aiohttp import web\n\napp = web.Application()\n"}, status="fail",
                note="an aiohttp server with no error middleware"),
        Example({"app/main.py": "from flask import Flask\napp = Flask(__name__)\n",
                 "tests/test_app.py": "from flask import Flask\napp = Flask('t')\n\n@app.errorhandler(500)\n"
                 "def h(e):\n    return 'x', 500\n"}, status="fail", note="a handler only in tests does not count"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if is_test_path(source.path) or source.tree is None:
            return None
        out = FileOutcome()
        out.counts["framework"] = int(any(name in source.imports for name in _FRAMEWORKS) or (
            "aiohttp" in source.imports and serves_aiohttp(source.modules)))
        found = self._handler(source)
        if found is not None:
            out.evidence.append(found)
        return out

    def _handler(self, source: SourceFile) -> Evidence | None:
        assert source.tree is not None
        narrow: set[int] = set()  # app.add_exception_handler(RateLimitExceeded, ...): one library's own error
        blueprints = {t.id for a in source.nodes(ast.Assign) if isinstance(a, ast.Assign) and isinstance(a.value, ast.Call)
                      and call_name(a.value) == "Blueprint" for t in a.targets if isinstance(t, ast.Name)}
        for node in source.nodes(ast.Call):
            assert isinstance(node, ast.Call)
            if isinstance(node.func, ast.Attribute) and node.func.attr in _HANDLER_METHODS:
                if node.args and (dotted(node.args[0]) or "").rpartition(".")[2] in _NARROW_ERRORS:
                    narrow.add(id(node.func))
                    continue
                if node.func.attr == "errorhandler" and dotted(node.func.value) in blueprints and node.args \
                        and isinstance(node.args[0], ast.Constant) and node.args[0].value in (404, 405):
                    narrow.add(id(node.func))  # Flask answers a URL no route matches before any blueprint is known
                    continue
                return Evidence(_HANDLER_METHODS[node.func.attr], source.path, node.lineno)
            if _pyramid_exception_view(node):
                return Evidence("Pyramid exception view", source.path, node.lineno)
            if any(kw.arg == "exception_handlers" for kw in node.keywords):
                return Evidence("FastAPI/Starlette exception handlers", source.path, node.lineno)
        for node in source.nodes(ast.Attribute):
            assert isinstance(node, ast.Attribute)
            if node.attr in ("exception_handler", "errorhandler", "app_errorhandler") and id(node) not in narrow:
                return Evidence(_HANDLER_METHODS[node.attr], source.path, node.lineno)
        for stmt in source.tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("handler400", "handler403", "handler404", "handler500")
                for t in stmt.targets
            ):
                return Evidence("Django error handler view", source.path, stmt.lineno)
        for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
            if getattr(func, "name", "") == "process_exception":
                return Evidence("Django exception middleware", source.path, getattr(func, "lineno", 0))
            if getattr(func, "name", "") == "dispatch" and _answers_errors_of_next(func):  # type: ignore[arg-type]
                return Evidence("ASGI middleware that answers the errors of every request", source.path,
                                getattr(func, "lineno", 0))
            if _aiohttp_middleware(func) and _answers_errors_of_next(func):  # type: ignore[arg-type]
                return Evidence("aiohttp middleware that answers the errors of every request", source.path,
                                getattr(func, "lineno", 0))
            if getattr(func, "name", "") == "__call__" and _answers_errors_of_next(func):  # type: ignore[arg-type]
                return Evidence("WSGI middleware that answers the errors of every request", source.path,
                                getattr(func, "lineno", 0))
        if "falcon" in source.imports:
            app = _falcon_app(source)
            if app is not None:
                return Evidence("Falcon App: its default handlers log every uncaught error and answer a uniform 500",
                                source.path, app.lineno)
        if "cherrypy" in source.imports and "error_page.default" in source.text:
            for const in source.nodes(ast.Constant):  # CherryPy's config: {"error_page.default": handler}
                if getattr(const, "value", None) == "error_page.default":
                    return Evidence("CherryPy error_page.default answers every error", source.path,
                                    getattr(const, "lineno", 0))
        for cls in source.nodes(ast.ClassDef):  # a base RequestHandler every handler extends
            assert isinstance(cls, ast.ClassDef)
            if any((dotted(b) or "").rpartition(".")[2].endswith("Handler") for b in cls.bases) and any(
                    isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == "write_error" for f in cls.body):
                return Evidence("Tornado handler base class whose write_error answers every error", source.path, cls.lineno)
        if source.imports & _REST_APIS or any(m.split(".")[0] in _REST_APIS for m in source.imports):
            for node in source.nodes(ast.Call, ast.ClassDef):
                name = node.name if isinstance(node, ast.ClassDef) else call_name(node)  # type: ignore[arg-type]
                bases = [(dotted(b) or "").rsplit(".", 1)[-1] for b in getattr(node, "bases", [])]
                if name == "Api" or "Api" in bases:
                    return Evidence("flask-restful/restx Api: handle_error answers every error with JSON", source.path,
                                    getattr(node, "lineno", 0))
        if "EXCEPTION_HANDLER" in source.text:
            for const in source.nodes(ast.Constant):
                if getattr(const, "value", None) == "EXCEPTION_HANDLER":
                    return Evidence("Django REST framework exception handler", source.path, getattr(const, "lineno", 0))
        return None

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if collected.counts["framework"] == 0:
            return Verdict(NotApplicable("no web framework imported"))
        if not collected.evidence and any("django" in modules for modules in project.imports.values()):
            pages = [rel for rel in project.glob("**/templates/500.html") if is_application_path(rel)]
            pages = pages or _listed_template_folder_pages(project)
            if pages:  # Django's default handler500 renders the project's own page and logs through django.request
                collected.evidence.append(Evidence("Django's handler500 renders the project's 500.html", pages[0]))
        found = bool(collected.evidence)
        summary = "application-wide error handler registered" if found else "no application-wide error handler"
        return Verdict(Presence(found, "application-wide error handler"), summary=summary)


def _listed_template_folder_pages(project: Project) -> list[str]:
    """``templates/error/500.html`` when the settings put that folder on the template path
    (``"DIRS": ["app/templates", "app/templates/error"]``): Django's default handler500 finds it there."""
    pages = [rel for rel in project.glob("**/templates/*/500.html") if is_application_path(rel)]
    if not pages:
        return []
    settings = [project.read_text(rel) or "" for rel in project.glob("**/settings.py", "**/settings/*.py")]
    listed = [t for t in settings if "DIRS" in t]
    return [rel for rel in pages if any(f"{rel.rsplit('/', 3)[-3]}/{rel.rsplit('/', 2)[-2]}" in t for t in listed)]


CHECKS: list[type[Check]] = [SwallowedException, ErrorHandlers]
