"""Code quality checks: unfinished-work comments, print() in service code, hardcoded addresses, ruff findings."""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Mapping

from readiness.cache import Cache
from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.checks.secrets import url_password
from readiness.fix.shapes import print_fixable
from readiness.lazy_regex import lazy_compile
from readiness.measures import Density, Errored, NotApplicable
from readiness.model import Finding
from readiness.paths import is_settings_path
from readiness.project import Project
from readiness.roles import SERVICE, SERVICE_ONLY, cli_support, file_role
from readiness.routes import call_name
from readiness.source import SourceFile
from readiness.tools.pyast import docstring_nodes, dotted, is_enumeration, is_main_guard, main_block_nodes, name_words


class TodoComment(Check):
    id = "todo-comment"
    category = "code-quality"
    severity = "low"
    effort = "1-2d"
    title = "TODO/FIXME comments"
    roles_note = SERVICE_ONLY
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
    needles = ("TODO", "FIXME", "XXX", "HACK", "todo", "fixme")
    examples = (
        bad("def charge(order):\n    # TODO: handle refunds\n    return order.total\n", lines=(2,)),
        bad("total = price * qty  # FIXME rounding\n", lines=(1,), note="after code on the same line"),
        bad("# XXX: remove before launch\n# HACK around the broken SDK\nx = 1\n", findings=2),
        good('MESSAGE = "TODO: list is empty"\n', note="inside a string"),
        good('def f():\n    """TODO: this docstring is not a comment."""\n', note="inside a docstring"),
        good("# todos are tracked in the issue tracker\nTODOS = []\n", note="not the tag as a word"),
        bad("def fetch(url):\n    # @todo bump the static cache of headers\n    return url\n", lines=(2,),
            note="a lower-case marker (@todo)"),
        bad("x = 1  # todo: configurable?\n", lines=(1,), note="a lower-case tag followed by a colon"),
        good("# todo list items are sorted by date\nITEMS = []\n", note="the word todo, not a marker"),
        good("# FIXMEPLEASE is not a tag\n"),
        good("# The serializers below are partially taken (and modified) from an upstream framework,\n"
             "# licensed under its own terms.\n\n# TODO: Remove these field hacks...\nFIELDS = []\n",
             note="a module whose header says its code was taken from another project"),
        bad("# Copyright the team.\n\n\ndef load():\n    # TODO: this was copied from the old loader\n    return []\n",
            lines=(5,), note="a note about copying further down is the team's own marker"),
        good("# hosts look like XXX.region.elb.amazonaws.com\n", note="XXX as a placeholder in a pattern"),
        good("# See: https://git.acme.io/shop/issues/XXX\n# print(\"XXX %s: key %s\" % (name, key))\nx = 1\n",
             note="XXX as a placeholder in a link, and inside a string of commented-out code"),
        bad("# See /docs/ first. XXX: the cache key ignores the tenant\nx = 1\n", lines=(1,),
            note="a marker after a sentence that mentions a path"),
        good("def test_it():\n    # TODO: cover refunds\n    assert True\n", path="tests/test_orders.py",
             note="tests are not the service"),
        good("# TODO: squash these\nfrom django.db import migrations\n", path="shop/migrations/0002_auto.py",
             note="a migration"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if file_role(source, options) != SERVICE:
            return None  # tests, scripts, migrations and commands keep their notes
        if _copied_from_elsewhere(source):
            return None  # a module taken from another project keeps that project's notes: not this team's backlog
        tags = "|".join(re.escape(t) for t in options.get("tags", self.options["tags"]))
        # not XXX.example.com nor .../issues/XXX (placeholders), nor print("XXX ...") (a string in commented-out code)
        pattern = re.compile(rf"(?<![\w./\"'-])({tags})(?![\w-]|\.\w)")
        # in lower case a tag counts only written as a marker: "# @todo ...", "# todo: ...", "# fixme(x) ..."
        marker = re.compile(rf"^#\s*(?:@({tags})\b|({tags})\s*[:(])", re.IGNORECASE)
        out = FileOutcome()
        for comment in source.comments:
            match = pattern.search(comment.text) or marker.search(comment.text)
            if match is None or "readiness: ignore" in comment.text:
                continue
            text = comment.text.lstrip("#").strip()
            if len(text) > 80:
                text = text[:77] + "..."
            tag = (match.group(1) or match.group(match.lastindex or 1)).upper()
            out.hits.append(Hit(comment.line, comment.column + match.start(), f"{tag} comment: {text}"))
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        noun = "TODO/FIXME comment" if count == 1 else "TODO/FIXME comments"
        return Verdict(
            Density(count, project.app_lines, "TODO/FIXME comments", float(options["zero_at"])),
            summary=f"{count} {noun}",
        )


# What a module's opening comment says when its code comes from another project.
_COPIED_HEADER = lazy_compile(r"(?i)\b(?:taken|copied|vendored|forked|borrowed)\b[^\n]{0,40}\bfrom\b|\bsee licen[cs]e at\b")


def _copied_from_elsewhere(source: SourceFile) -> bool:
    """The module's opening comment block says its code was taken, copied or vendored from another project
    ("The code is partially taken (and modified) from django rest framework", "See license at ...")."""
    header: list[str] = []
    for line in source.text.splitlines()[:40]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        header.append(stripped)
    return bool(_COPIED_HEADER.search("\n".join(header)))


_CLI_DECORATORS = ("command", "callback", "group", "main")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
_BODIES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


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
    roles_note = SERVICE_ONLY
    rationale = (
        "print() writes unstructured text to stdout with no level, timestamp or request context; "
        "in a container it is often lost, interleaved or buffered. Services log instead."
    )
    remediation = (
        "Use a module logger: `logger = logging.getLogger(__name__)` and `logger.info(...)`. "
        "print() stays fine in tests, scripts, `__main__` blocks and CLI commands (list CLI "
        "modules in the `cli_modules` option)."
    )
    scoring = ("Density: calls per 1 000 lines of application code; 0% at `zero_at` (default 5). A print the team "
               "marked for flake8-print (`# noqa: T201`) is not counted.")
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
        good('import sys\n\n\ndef print_help():\n    print("Usage: service [options]")\n\n\n'
             'def main():\n    if "--help" in sys.argv:\n        print_help()\n        sys.exit(0)\n    serve()\n',
             note="a command-line entry point (it reads sys.argv) and the help it alone prints"),
        bad('import sys\n\n\ndef describe(order):\n    print("order", order)\n\n\n'
            'def main():\n    describe(sys.argv[1])\n\n\ndef handle(order):\n    describe(order)\n    HANDLERS[order]()()\n',
            lines=(5,), note="a function the service calls too"),
        Example({"app/cli.py": 'print("table")\n'}, findings=0, options={"cli_modules": ["app/cli.py"]},
                note="a configured CLI module"),
        Example({"version.py": 'import subprocess\n\nprint("getting the version")\n'
                               'VERSION = subprocess.check_output(["git", "describe"]).decode()\n',
                 "Dockerfile": "FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN /venv/bin/python version.py\n",
                 "app/main.py": "x = 1\n"}, findings=0, note="a script the image build runs"),
        Example({"worker.py": 'print("starting")\n',
                 "Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"worker.py\"]\n"},
                findings=1, lines=(1,), note="the program the container runs is the service"),
        Example({"plugin.py": 'import subprocess\n\nprint("linking plugins")\nsubprocess.run(["yarn", "install"])\n',
                 "boot.sh": "#!/bin/sh\npython manage.py migrate\npython plugin.py\nexec gunicorn app.wsgi\n",
                 "app/main.py": "x = 1\n"}, findings=0, note="a set-up step the start-up script runs before the server"),
        Example({"worker.py": 'print("starting")\n',
                 "boot.sh": "#!/bin/sh\npython worker.py &\nexec gunicorn app.wsgi\n"},
                findings=1, lines=(1,), note="a process the start-up script sends to the background runs on"),
        good('MSG = "print(x)"\n# print(debug)\n', note="in a string and a comment"),
        good('class Capture:\n    def write(self, text):\n        self.lines.append(text)\n\n'
             '    def emit(self, *objects):\n        print(*objects, file=self)\n', note="writing to a buffer"),
        good('class NullCache:\n    def purge(self, key):\n        print(f"purge {key}")  # noqa: T201\n',
             note="a print the team marked for flake8-print (T201): judged deliberate"),
        bad('def dispatch(request, debug=False):\n    response = handle(request)\n    if debug:\n'
            '        print(len(connection.queries))\n    return response\n', lines=(4,),
            note="a print behind a debug flag still belongs in logger.debug"),
        good('def confirm_overwrite(path):\n    answer = input(f"Overwrite {path}? [y/N] ")\n'
             '    if answer.lower() != "y":\n        print("Not overwriting")\n        return False\n    return True\n\n\n'
             'def serve_forever(loop):\n    try:\n        loop.run_forever()\n    except KeyboardInterrupt:\n'
             '        print("\\nInterrupted")\n', note="an interactive prompt, and the answer to Ctrl-C"),
        good('import os\n\nSETTINGS_FILE = os.environ.get("APP_SETTINGS")\nif SETTINGS_FILE:\n'
             '    print(f"Loading settings from {SETTINGS_FILE}")\n', path="proj/settings/__init__.py",
             note="a settings module's start-up message, printed before logging is configured"),
        good('import os\n\nif os.environ.get("LEGACY_PATH"):\n    print("LEGACY_PATH is no longer supported")\n'
             '    raise SystemExit(1)\n', note="a message right before the process exits"),
        bad('import sys\n\ndef report(order):\n    print("order", order, file=sys.stderr)\n', lines=(4,),
            note="stderr is still unstructured output"),
        good('def print_queryset_sql(qs):\n    print(str(qs.query))\n\n\ndef explain(qs, debug):\n'
             '    if debug:\n        print_queryset_sql(qs)\n\n\nclass PrintDomains:\n'
             '    def each(self, domain):\n        print(domain.name)\n',
             note="a helper the module calls, or a class, named for printing: output is its job"),
        good('class WhoamiCommand(Command):\n    def run_and_print(self, args):\n        print("user:", self.run(args))\n',
             note="a method named for printing, which the command framework calls"),
        good('class StreamingCLIInterface:\n    def process_chunk(self, chunk):\n        print(chunk.text, end="")\n\n\n'
             'class ConsoleProvider:\n    def notify(self, message):\n        print(message)\n',
             note="a class named for the terminal renders to it"),
        bad('class ClientInterface:\n    def process_chunk(self, chunk):\n        print(chunk.text)\n', lines=(3,),
            note="a class named for something else"),
        bad('def blueprint_task(job):\n    print("running", job)\n\n\ndef reprint(invoice):\n'
            '    print("reprinting", invoice.id)\n    return render(invoice)\n\n\ndef print_tasks():\n'
            '    for task in TASKS:\n        print("task:", task)\n', lines=(2, 6, 12), findings=3,
            note="a task, a name that only contains the word (reprint), a print helper nothing calls"),
        good('def create_permissions(app_config, verbosity=2, **kwargs):\n    perms = build(app_config)\n'
             '    if verbosity >= 2:\n        for perm in perms:\n            print(f"Adding permission {perm}")\n',
             note="output at a management command's verbosity (a post_migrate handler run by migrate)"),
        bad('def sync(items, verbose=False):\n    if verbose:\n        print("syncing", len(items))\n', lines=(3,),
            note="a verbose flag of service code is still logger.debug"),
        good('import logging\nimport logging.handlers\n\n\nclass Collector(logging.Handler):\n'
             '    def emit(self, record):\n        try:\n            self.queue.put(self.format(record))\n'
             '        except Exception as e:\n            print("log collector failed:", e)\n\n\n'
             'def configure(path):\n    try:\n        handler = logging.handlers.RotatingFileHandler(path)\n'
             '    except PermissionError as e:\n        print(f"cannot write {path}: {e}; console only")\n'
             '        handler = logging.StreamHandler()\n    logging.getLogger().addHandler(handler)\n',
             note="inside a log handler (logging there would recurse) and where logging is being set up"),
        good('import logging\nimport sys\n\n\ndef console_handler():\n    return logging.StreamHandler(sys.stdout)\n\n\n'
             'print(">>> init logging <<<")\n', path="app/log.py",
             note="the start-up line of the module that builds the logging set-up"),
        bad('import logging\nfrom tornado import web\n\n\nclass OrdersHandler(web.RequestHandler):\n'
            '    def get(self):\n        print("listing orders")\n\n\n'
            'def configure():\n    logging.basicConfig()\n\n\ndef handle(order):\n    print("order", order)\n',
            findings=2, lines=(7, 15), note="a request handler is no log handler; a function beside the set-up is service code"),
        bad('import logging\n\n\ndef create_app():\n    logging.basicConfig(level="INFO")\n\n    def status_text():\n'
            '        try:\n            return fetch_status()\n        except Exception as e:\n'
            '            print(f"status fetch error: {e}")\n            return ""\n    return App(status_text)\n',
            lines=(11,), note="a function nested in the app factory that sets logging up is service code"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if file_role(source, options) != SERVICE:
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
            if _writes_to_a_stream(call) or _before_exit(source, call) or _at_the_terminal(source, call):
                continue
            if _in_logging_machinery(source, call) or _at_command_verbosity(source, call) or _named_to_print(source, call):
                continue
            if is_settings_path(source.path) and not any(isinstance(a, _BODIES) for a in source.ancestors(call)):
                continue  # a settings module's start-up message, printed before logging is configured
            if self._excused(source, call, main_called, binds):
                continue
            if _PRINT_NOQA.search(source.line_text(call.lineno)):
                continue  # flake8-print's T201 (T001) silenced on the line: a print the team judged deliberate
            out.hits.append(Hit(call.lineno, call.col_offset + 1, "print() call; use a logger", fixable=print_fixable(call)))
        return out

    def _excused(
        self, source: SourceFile, call: ast.Call, main_called: set[str], binds: dict[int, bool],
    ) -> bool:
        for ancestor in source.ancestors(call):
            if is_main_guard(ancestor):
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


_PRINT_NOQA = lazy_compile(r"#\s*noqa:[^#]*\b(?:T201|T001)\b", re.IGNORECASE)


def _writes_to_a_stream(call: ast.Call) -> bool:
    """``print(..., file=buffer)``: writing to a file or a buffer, not logging to stdout."""
    for kw in call.keywords:
        if kw.arg == "file":
            return dotted(kw.value) not in ("sys.stdout", "sys.stderr")
    return False


# The standard library's handler classes, as a class names its base without the ``logging.`` prefix.
_LOGGING_CLASSES = frozenset({
    "Handler", "StreamHandler", "FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler",
    "SysLogHandler", "QueueHandler", "MemoryHandler", "BufferingHandler", "SocketHandler", "NullHandler",
    "LoggerAdapter",
})
_LOGGING_SETUP_CALLS = frozenset({"basicConfig", "dictConfig", "fileConfig", "addHandler"})


def _logging_class(base: ast.expr) -> bool:
    """``logging.Handler``, ``RotatingFileHandler``, ``HelperLogger(logging.Logger)``: a base from the logging world."""
    name = dotted(base) or ""
    last = name.rpartition(".")[2]
    return name.startswith("logging.") or last in _LOGGING_CLASSES or last.endswith("Logger")


def _sets_logging_up(func: ast.AST) -> bool:
    """The function builds the logging set-up itself: creates a logging handler, adds one, or configures logging."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            last = name.rpartition(".")[2]
            if last in _LOGGING_SETUP_CALLS or (last.endswith("Handler") and (
                    name.startswith("logging.") or last in _LOGGING_CLASSES)):
                return True
    return False


def _in_logging_machinery(source: SourceFile, call: ast.Call) -> bool:
    """A print inside a logging handler or logger class, or in the function that sets logging up: logging from
    a handler's own ``emit`` recurses, and while the log file cannot be opened there is no logger to use."""
    in_function = False
    for ancestor in source.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and not in_function:
            if _sets_logging_up(ancestor):
                return True
            in_function = True  # only the nearest function: an app factory that also sets logging up is no handler
        if isinstance(ancestor, ast.ClassDef):
            return any(_logging_class(b) for b in ancestor.bases)
    # a module-level message of the module that builds the logging set-up
    return not in_function and source.memo(
        "sets-logging-up", lambda: source.tree is not None and _sets_logging_up(source.tree))


def _named_to_print(source: SourceFile, call: ast.Call) -> bool:
    """The function around the print is named for printing (``print_queryset_sql``, ``_print_occurrences``,
    ``verbose_print``, ``run_and_print``), or its class for printing or the terminal (``class PrintDomains``,
    ``class StreamingCLIInterface``, ``class ConsoleProvider``): output is its job, chosen on purpose."""
    function = next((a for a in source.ancestors(call) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if function is not None:
        words = name_words(function.name)
        if words and "print" in (words[0], words[-1]) and (
                isinstance(source.parent(function), ast.ClassDef)  # a method: the class's output, called through it
                or source.memo(("print-helper-called", function.lineno), lambda: _called_in_module(function, source))):
            return True
    owner = next((a for a in source.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    if owner is None:
        return False
    words = name_words(owner.name)
    return words[:1] == ["print"] or bool(set(words) & _TERMINAL_WORDS)


# A class named for the terminal renders to it (class StreamingCLIInterface, class ConsoleProvider).
_TERMINAL_WORDS = frozenset({"cli", "console", "terminal"})


def _called_in_module(function: ast.FunctionDef | ast.AsyncFunctionDef, source: SourceFile) -> bool:
    """The module uses the function outside its own body; a module-level print helper nothing calls is a
    debugging leftover."""
    inside = {id(n) for n in ast.walk(function)}
    return any(id(n) not in inside and ((isinstance(n, ast.Name) and n.id == function.name)
                                        or (isinstance(n, ast.Attribute) and n.attr == function.name))
               for n in source.nodes(ast.Name, ast.Attribute))


def _at_command_verbosity(source: SourceFile, call: ast.Call) -> bool:
    """``if verbosity >= 2: print(...)``: the output level of a management command (Django's ``verbosity``,
    which ``migrate`` hands to its post_migrate handlers too), so the command's output, not the service's log."""
    for ancestor in source.ancestors(call):
        if isinstance(ancestor, ast.If) and any(
                (isinstance(n, ast.Name) and n.id == "verbosity") or (isinstance(n, ast.Attribute) and n.attr == "verbosity")
                for n in ast.walk(ancestor.test)):
            return True
        if isinstance(ancestor, _BODIES):
            return False
    return False


def _exits(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        target = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return dotted(target) == "SystemExit"
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return dotted(stmt.value.func) in ("sys.exit", "exit", "quit", "os._exit")
    return False


def _before_exit(source: SourceFile, call: ast.Call) -> bool:
    """A message printed right before the process exits (``print(...); raise SystemExit(1)``): it is
    for the person starting it, when logging may not be set up yet."""
    stmt = source.parent(call)
    if not isinstance(stmt, ast.Expr):
        return False
    block = source.parent(stmt)
    for field_name in ("body", "orelse", "finalbody", "handlers"):
        body = getattr(block, field_name, None)
        if isinstance(body, list) and stmt in body:
            rest = body[body.index(stmt) + 1:]
            return any(_exits(s) for s in rest) and all(
                _exits(s) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                              and isinstance(s.value.func, ast.Name) and s.value.func.id == "print")
                for s in rest)
    return False


def _at_the_terminal(source: SourceFile, call: ast.Call) -> bool:
    """Output for the person at the terminal: an interactive prompt (the function reads ``input()``) or the
    answer to their Ctrl-C (``except KeyboardInterrupt: print("Interrupted")``)."""
    for ancestor in source.ancestors(call):
        if isinstance(ancestor, ast.ExceptHandler) and ancestor.type is not None and any(
                dotted(n) == "KeyboardInterrupt" for n in ast.walk(ancestor.type)):
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "input"
                       for n in ast.walk(ancestor))
    return False


def _names_called_in_main(tree: ast.Module) -> set[str]:
    """Functions whose output is the command line's: those the ``__main__`` block calls, those that read
    the command line themselves (``sys.argv``, getopt, argparse), and module functions only they call
    (``print_help()`` for ``--help``)."""
    names: set[str] = set()
    for stmt in tree.body:
        if is_main_guard(stmt):
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    names.add(node.func.id)
    functions = {stmt.name: stmt for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names |= {name for name, func in functions.items() if _reads_command_line(func)}
    callers: dict[str, set[str]] = {}
    for stmt in tree.body:
        owner = stmt.name if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) else ""
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in functions and node.id != owner:
                callers.setdefault(node.id, set()).add(owner)  # "" : named at module level or in a class
    names |= {name for name, by in callers.items() if by and by <= names}
    return names


_COMMAND_LINE_PARSERS = frozenset({"getopt", "gnu_getopt", "ArgumentParser"})


# Words in a module's, class's or function's name that say it makes up data: a mock provider, a demo mode's
# seed, a preview's placeholders, an analyzer's canned answer for tests (_monkeypatch).
_SAMPLE_SCOPE_WORDS = frozenset({
    "mock", "mocks", "mocked", "fake", "dummy", "sample", "samples", "stub", "stubs", "simulate", "simulated",
    "placeholder", "placeholders", "monkeypatch", "demo",
})


def _makes_up_data(name: str) -> bool:
    """A word of the name says the scope makes up data (``MockSearchProvider``, ``build_sample_payload``)."""
    return any(w in _SAMPLE_SCOPE_WORDS for w in name_words(name))


def _sample_data_nodes(source: SourceFile) -> frozenset[int]:
    """ids of every node in a module, class or function named for made-up data (``alerts_mock.py``,
    ``class MockSearchProvider``, ``def build_sample_payload``): its addresses are sample values, not where
    the service connects."""
    assert source.tree is not None
    if _makes_up_data(source.path.rpartition("/")[2].removesuffix(".py")):
        return frozenset(id(n) for n in ast.walk(source.tree))
    return frozenset(id(n) for scope in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                     if _makes_up_data(getattr(scope, "name", "")) for n in ast.walk(scope))


def _recognising_use(name: ast.Name, source: SourceFile) -> bool:
    """The name is compared, measured or handed to a string method (``uri.startswith(PREFIX + scheme)``,
    ``uri[len(PREFIX):]``, ``host == OPENAI_HOST``, ``session.mount(PREFIX, adapter)``)."""
    if _used_as_key(name, source):
        return True  # claims.get(GROUPS_CLAIM), GROUPS_CLAIM in claims: a claim name spelt as a URL
    child: ast.AST = name
    parent = source.parent(name)
    while isinstance(parent, (ast.BinOp, ast.JoinedStr, ast.FormattedValue)):
        child, parent = parent, source.parent(parent)
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.Call) and child in parent.args:
        func = parent.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return called in _STRING_METHODS or called in ("len", "mount")
    return False


def _only_recognises(node: ast.AST, source: SourceFile, skip: set[int]) -> bool:
    """A name given the literal is only ever used to recognise addresses, never to reach one, or only where
    the literal itself would not count (``get_from_config("yubico.url", YUBICO_URL)``: a setting's default)."""
    parent = source.parent(node)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    scope = next((a for a in source.ancestors(parent) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))),
                 source.tree)
    assert scope is not None
    uses = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    return bool(uses) and all((id(use) in skip and not isinstance(source.parent(use), ast.arguments))
                              or _recognising_use(use, source) for use in uses)


def _run_by_hand_nodes(source: SourceFile) -> frozenset[int]:
    """ids of every node in the module's functions that only the ``__main__`` block runs (``def main(): ...
    uvicorn.run(app, port=8080)``) or that read the command line: a local runner, not how the service is served."""
    assert source.tree is not None
    names = _names_called_in_main(source.tree) if "__main__" in source.text or "argv" in source.text else set()
    return frozenset(id(n) for stmt in source.tree.body
                     if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in names
                     for n in ast.walk(stmt))


def _reads_command_line(func: ast.AST) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and node.attr == "argv" and dotted(node.value) == "sys":
            return True
        if isinstance(node, ast.Call) and (dotted(node.func) or "").rpartition(".")[2] in _COMMAND_LINE_PARSERS:
            return True
    return False


# -- hardcoded-value -------------------------------------------------------------------------

_URL_RE = lazy_compile(
    r"^(?P<scheme>https?|wss?|ftps?|sftp|amqps?|redis|rediss|mongodb(?:\+srv)?|postgres(?:ql)?(?:\+\w+)?|"
    r"mysql(?:\+\w+)?|mariadb|mssql(?:\+\w+)?|oracle(?:\+\w+)?|kafka|nats|grpcs?|tcp|ldaps?|smtps?|memcached)"
    r"://(?:[^\s/?#@]*@)?(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9][A-Za-z0-9.\-_]*)(?::\d+)?(?P<rest>[/?#]\S*)?$",
    re.IGNORECASE,
)
_IPV4_RE = lazy_compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::\d{1,5})?$")
_HOSTNAME_RE = lazy_compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*(?::\d{1,5})?$")
_LIBPQ_RE = lazy_compile(r"(?:^|[\s;])(?:host|server|data source)\s*=\s*[^\s;]+", re.IGNORECASE)
def _keyword_dsn(value: str) -> bool:
    """``host=db port=5432 dbname=app``: key=value pairs with values, not a sentence that logs some
    (``"Named server user='%s' server='%s' is invalid"``)."""
    words = value.replace(";", " ").split()
    loose = sum(1 for w in words if "=" not in w)
    values = [w.partition("=")[2].strip("'\"") for w in words if "=" in w]
    return loose <= 2 and not any("%" in v or "{" in v for v in values)


_LIBPQ_MORE = lazy_compile(r"(?:^|[\s;])(?:port|dbname|database|initial catalog|user(?: id)?)\s*=", re.IGNORECASE)
_HOST_KEYWORDS = frozenset({"host", "hostname", "bootstrap_servers", "broker", "base_url", "url", "endpoint", "uri"})
_HOST_NAME_SUFFIXES = ("host", "hostname", "base_url", "endpoint", "server_url", "api_url", "dsn", "uri", "url")
_LOCAL = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"})  # nosec B104 - a value compared against, not bound
_STRING_METHODS = frozenset({"startswith", "endswith", "replace", "split", "rsplit", "strip", "lstrip", "rstrip",
                             "removeprefix", "removesuffix", "find", "rfind", "index", "count", "partition"})
# Public assets of the big platforms that a page links to, the same for every customer and every
# environment: avatars, web fonts, analytics collectors. A vendor's API base URL is not among them:
# where the service sends requests belongs in settings, even for a vendor with one global address.
_PUBLIC_PROVIDER_HOSTS = (
    "fonts.gstatic.com", "fonts.googleapis.com", "www.google-analytics.com", "ssl.google-analytics.com",
    "www.googletagmanager.com", "gravatar.com", "*.gravatar.com", "ui-avatars.com", "robohash.org",
    "api.dicebear.com", "*.libravatar.org",
    # public CDNs a page loads scripts and styles from
    "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "code.jquery.com", "stackpath.bootstrapcdn.com",
    "maxcdn.bootstrapcdn.com", "ajax.googleapis.com",
    # public hubs a service downloads released models and artifacts from: the same file in every environment
    "huggingface.co", "download.pytorch.org",
)
_DEFAULT_IGNORE_HOSTS = [
    "example.com", "example.org", "example.net", "*.example.com", "*.example.org", "*.example.net", "*.example",
    "example.*",  # example.acme.dev: a made-up address in a sample
    "*.test", "*.invalid", "w3.org", "*.w3.org", "schemas.xmlsoap.org", "schemas.microsoft.com",
    "schemas.openxmlformats.org", "purl.org", "w3id.org", "json-schema.org", "json.schemastore.org",
    "docs.oasis-open.org", "xmlns.com", "ns.adobe.com", "opensource.org",
    "spdx.org", "creativecommons.org", "github.com", "www.github.com", "gitlab.com", "*.readthedocs.io",
    "docs.python.org", "www.python.org", "pypi.org", "stackoverflow.com", "*.wikipedia.org", "www.apache.org",
    "www.gnu.org", "169.254.169.254", "metadata", "metadata.google.internal",
    "tools.ietf.org", "datatracker.ietf.org", "www.rfc-editor.org", "developer.mozilla.org",
    "schema.org", "*.schema.org", "ogp.me", "openrosa.org", "*.openrosa.org",
    "cwe.mitre.org", "cve.mitre.org", "nvd.nist.gov", "owasp.org", "*.owasp.org",
    # a project's own schema namespace: JSON Schema $id, event schema ids, event-type URIs; names, never fetched
    "schema.*", "schemas.*",
    *_PUBLIC_PROVIDER_HOSTS,
]
# Words in the name a value is given under that say it is an identifier, a link or sample data,
# not an address the service connects to: XML namespaces, OAuth scopes, JSON-LD contexts, doc
# links, plugin metadata, OpenAPI examples, version numbers.
_NOT_ADDRESS_WORDS = frozenset({
    "ns", "xmlns", "namespace", "namespaces", "nsmap", "scope", "scopes", "context", "vocab", "vocabulary",
    "author", "homepage", "documentation", "docs", "doc", "link", "links", "website", "contact", "license",
    "terms", "example", "examples", "version", "ver", "issuer", "default",
    # sample data rather than where this deployment connects: DEV_DOMAIN_NAMES, fake_payload
    "dev", "fake", "dummy", "mock", "sample", "samples", "stub", "simulated", "placeholder",
    # a table of cases a module checks itself against: URL_REGEX_TESTS, PARSER_TEST_VECTORS
    "test", "tests", "vectors", "fixture", "fixtures",
    # what a page links to or loads, and where a message points for help: CSP sources, hrefs, warning links
    "src", "href", "permalink", "warning", "help",
    # pages people read: setup guides, troubleshooting and reference pages linked from provider metadata
    "guide", "troubleshooting", "tutorial", "faq", "readme", "changelog", "manual",
    # a table of old paths and where the browser is sent instead: REDIRECTS = [("api/", "https://docs...")]
    "redirects",
    # the hint a configuration form shows beside a field: {"hint": "https://yourcompany.acme.com"}
    "hint", "hints",
    # a plugin's settings defaults (def get_settings_defaults(): return {...}), an OpenAPI x-logo, pages an
    # agent leaves out of its history (excluded_urls): values a setting replaces, images, patterns to skip
    "defaults", "logo", "icon", "favicon", "excluded", "ignored",
})
# Words of a one-label "host" that is a stand-in text, not a machine: http://unable-to-fetch-url, https://PLACE-HOLDER/
_SENTINEL_HOST_WORDS = frozenset({"url", "unable", "unknown", "missing", "invalid", "none", "null", "placeholder",
                                  "place", "holder", "notfound"})
_URLISH_POSITIONS = ("base_url", "endpoint", "server_url", "api_url", "uri", "url")
_OAUTH_SCOPE_RE = lazy_compile(r"^https://www\.googleapis\.com/auth/")


def _shown(value: str) -> str:
    """The value as a message shows it: without query string or credentials, truncated."""
    text = value.split("?", 1)[0].split("#", 1)[0]
    text = re.sub(r"//[^/@]*@", "//", text)
    return text if len(text) <= 70 else text[:67] + "..."


_ROW_WRITES = frozenset({"create", "get_or_create", "update_or_create"})


def _host_ignored(host: str, patterns: list[str]) -> bool:
    host = host.lower().strip("[]")
    return any(fnmatch.fnmatch(host, p) for p in patterns)


def _is_ipv4(value: str) -> bool:
    match = _IPV4_RE.match(value)
    return match is not None and all(int(g) <= 255 for g in match.groups())


_PLACEHOLDER_RE = lazy_compile(r"\[[A-Za-z_ -]+\]|<[A-Za-z_ -]+>")
# A host named for one environment (verify.qa.acme.com, sandbox.acme.io): chosen per deployment, so configuration.
_ENVIRONMENT_HOST_RE = lazy_compile(r"(?:^|[.-])(?:qa|staging|stage|dev|test|sandbox|uat|preprod)(?:[.-]|$)",
                                    re.IGNORECASE)
_ASSET_PATH_RE = lazy_compile(r"\.(?:png|jpe?g|gif|svg|ico|webp|css|woff2?|ttf|otf|m?js)$", re.IGNORECASE)
# Documentation ranges (RFC 5737) and the made-up addresses sample payloads use.
_SAMPLE_IP_PREFIXES = ("192.0.2.", "198.51.100.", "203.0.113.")
_SAMPLE_IPS = frozenset({"1.2.3.4", "4.3.2.1", "12.34.56.78", "123.45.67.89"})


def _is_sample_ip(host: str) -> bool:
    """An address nobody connects to: a documentation range, 1.2.3.4, or one multi-digit
    octet repeated (123.123.123.123); 8.8.8.8 and 1.1.1.1 are real resolvers and stay."""
    octets = host.split(".")
    if host.startswith(_SAMPLE_IP_PREFIXES) or host in _SAMPLE_IPS:
        return True
    return len(set(octets)) == 1 and len(octets[0]) > 1


# Top-level domains host names end in; an endpoint that names a view ends in the view's name instead.
_HOST_ENDINGS = frozenset({
    "com", "org", "net", "io", "dev", "app", "ai", "co", "cloud", "local", "internal", "localhost", "lan", "svc",
    "cluster", "corp", "home", "test", "example", "us", "uk", "de", "fr", "eu", "gov", "edu", "info", "biz", "me",
    "tech", "xyz", "ru", "cn", "jp", "in", "br", "nl", "au", "ca", "ch", "se", "no", "es", "it", "pl", "at", "be",
})


def _view_name(text: str) -> bool:
    """``endpoint="forum.index"`` names a view (Flask's blueprint.view for ``url_for``), not a host:
    no port, and it does not end in a top-level domain."""
    return ":" not in text and text.rsplit(".", 1)[-1].lower() not in _HOST_ENDINGS


def _country_ending(text: str) -> bool:
    """``shop.example.fr``: a two-letter last label, a country's domain."""
    last = text.rsplit(".", 1)[-1]
    return len(last) == 2 and last.isalpha()


def _enumeration_member(parent: ast.AST | None, source: SourceFile) -> bool:
    """The value is a member of an enumeration class: one of its choices, not where anything connects."""
    return isinstance(parent, (ast.Assign, ast.AnnAssign)) and is_enumeration(source.parent(parent))


def _position_names(parent: ast.AST | None) -> list[str]:
    """Every keyword or assigned name a value is given under (``endpoint_name = url = "events"``), lower-cased."""
    if isinstance(parent, ast.keyword):
        return [(parent.arg or "").lower()]
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return [str(n).lower() for t in targets if (n := t.id if isinstance(t, ast.Name) else getattr(t, "attr", ""))]
    return []


def _context_names(node: ast.AST, source: SourceFile) -> list[str]:
    """Names a literal is given under: through lists and concatenations, up to an assignment,
    a keyword, a dict key or the function it is passed to."""
    names: list[str] = []
    child: ast.AST = node
    parent = source.parent(node)
    for _ in range(5):
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.JoinedStr, ast.BinOp, ast.FormattedValue)):
            child, parent = parent, source.parent(parent)
            continue
        if isinstance(parent, ast.Attribute):  # "https://acme.io/{x}".format(...): the call stands for the literal
            call = source.parent(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                child, parent = call, source.parent(call)
                continue
        if isinstance(parent, ast.keyword):
            names.append(parent.arg or "")
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names.extend(str(t.id if isinstance(t, ast.Name) else getattr(t, "attr", "")) for t in targets)
            names.extend(t.slice.value for t in targets if isinstance(t, ast.Subscript)  # obj["@context"] = [...]
                         and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str))
            names.extend(_returned_by(parent, source))
        elif isinstance(parent, ast.Return):  # def openlibrary_link(self): return f"https://..."
            scope = source.parent(parent)
            while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scope = source.parent(scope)
            if scope is not None:
                names.append(scope.name)
        elif isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values, strict=True):
                if value is child and isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names.append(key.value)
            owner = source.parent(parent)
            names.extend(_context_names(parent, source) if owner is not None else [])
        elif isinstance(parent, ast.Call) and child in parent.args:
            func = parent.func
            names.append(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        break
    return names


def _returned_by(assign: ast.Assign | ast.AnnAssign, source: SourceFile) -> list[str]:
    """The function's name when the assigned local is what the function returns (``def get_settings_defaults():
    settings = {...}; return settings``): the value is what the function's name says."""
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    local = {t.id for t in targets if isinstance(t, ast.Name)}
    scope = source.parent(assign)
    if not local or not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    returns = [s for s in scope.body if isinstance(s, ast.Return)]
    return [scope.name] if any(isinstance(r.value, ast.Name) and r.value.id in local for r in returns) else []


_HTTP_RECEIVER = lazy_compile(r"requests|httpx|aiohttp|urllib|session|client|http|api|conn|pool|browser|page|driver",
                              re.IGNORECASE)


def _used_as_key(node: ast.AST, source: SourceFile) -> bool:
    """``claims["https://purl.imsglobal.org/spec/lti/claim/roles"]``, ``{URI: value}``, ``data.get(URI)``,
    ``URI in payload``: a name spelt as a URL (a claim, a JSON-LD term), looked up, never connected to."""
    parent = source.parent(node)
    if isinstance(parent, ast.Dict):
        return any(key is node for key in parent.keys)
    if isinstance(parent, ast.Subscript):
        return parent.slice is node
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.args and parent.args[0] is node:
        receiver = dotted(parent.func.value) or ""
        if parent.func.attr == "get":  # data.get(URI), not requests.get(URL) or session.get(URL)
            return not _HTTP_RECEIVER.search(receiver.rpartition(".")[2])
        return parent.func.attr in ("pop", "setdefault", "__getitem__", "__contains__")
    if isinstance(parent, ast.Compare) and parent.left is node:
        return all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops)
    return False


_DISPLAY_METHODS = frozenset({"__repr__", "__str__", "__html__"})


def _named_as_identifier(node: ast.AST, source: SourceFile) -> bool:
    """``ns = {'cas': URI}``, ``scopes=[URI]``, ``author_url = URL``, ``set_db_ver('1.5.0.0')``."""
    for name in _context_names(node, source):
        if name in _DISPLAY_METHODS:
            return True  # def __repr__(self): return "https://books.acme.org/isbn/{0}".format(...): how it displays
        words = set(name_words(name.lstrip("@")))
        if words & _NOT_ADDRESS_WORDS:
            return True
    return False


class HardcodedValue(Check):
    id = "hardcoded-value"
    category = "code-quality"
    severity = "medium"
    effort = "1-2d"
    title = "Hardcoded URLs, hosts, IPs and ports"
    roles_note = SERVICE_ONLY
    rationale = (
        "Addresses written into code differ between environments and change with infrastructure; "
        "every change then needs a release, and staging quietly talks to production when someone "
        "forgets one. Configuration belongs in settings read from the environment."
    )
    remediation = (
        "Move the value to configuration (a settings module or an environment variable read with a "
        "default for local development: `os.getenv(\"PAYMENTS_URL\", \"http://localhost:8081\")`) and "
        "pass it in. Settings modules, tests and scripts are not flagged."
    )
    scoring = "Density: hardcoded addresses per 1 000 lines of application code; 0% at `zero_at` (default 5)."
    options = {"ignore_hosts": _DEFAULT_IGNORE_HOSTS, "zero_at": 5.0}
    needles = ("://", "host", "port", "url", "uri", "endpoint", "server", ".")
    examples = (
        bad('import requests\n\ndef charge(body):\n    return requests.post("https://api.stripe.com/v1/charges", json=body)\n',
            lines=(4,)),
        bad('import redis\n\ncache = redis.Redis(host="cache.prod.internal", port=6379)\n', findings=2, lines=(3, 3),
            note="a host and a port"),
        bad('from pymongo import MongoClient\n\nclient = MongoClient("mongodb://db-1.internal:27017/orders")\n', lines=(3,)),
        bad('UPSTREAM = "10.0.12.7"\n', lines=(1,), note="an IP address"),
        bad('def url(order_id):\n    return f"https://billing.acme.io/orders/{order_id}"\n', lines=(2,),
            note="the fixed part of an f-string"),
        bad('import psycopg\n\nconn = psycopg.connect("host=db.internal port=5432 dbname=app")\n', lines=(3,),
            note="a libpq connection string"),
        good('def launch(data, deployment_id):\n'
             '    roles = data.get("https://purl.imsglobal.org/spec/lti/claim/roles", [])\n'
             '    return {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": deployment_id, "roles": roles}\n',
             note="claim names spelt as URLs, looked up as keys, are no addresses"),
        good('class Hub:\n    def rename(self, user, server):\n        self.log.info(\n'
             '            "Renaming server user=\'%s\' server=\'%s\' to \'%s\'", user, server, server.lower())\n',
             note="a log message that names a user and a server is no connection string"),
        good("def connect_host(host):\n    if host == '0.0.0.0':\n        host = '127.0.0.1'\n    elif host == '::':\n"
             "        host = '::1'\n    return host\n", path="app/compute.py",
             note="a server listening everywhere is reached on the loopback: the address follows the configured one"),
        good('from app.config import get_config\n\n\ndef api_base():\n'
             '    return get_config("OPENAI_API_BASE", "https://api.openai.com/v1")\n', path="app/llms/openai.py",
             note="the default of the project's own configuration reader: the configuration decides"),
        good('import os\n\nPAYMENTS_URL = os.getenv("PAYMENTS_URL", "http://localhost:8081")\n',
             note="the default of a configuration read"),
        good('API_URL = "https://api.acme.io"\nDB_HOST = "db.internal"\n', path="app/settings.py",
             note="a settings module"),
        good('CLIENT_URL = "https://news.example.com"\nSITE_LINK = "https://www.example.com/contact/"\n',
             path="app/default_settings.py", note="a settings module named for what it holds (default_settings)"),
        good('class Configuration:\n    sources = {"cwe": "https://feeds.acme.org/cwe_latest.xml.zip"}\n',
             path="lib/Config.py", note="a settings module, capitalised"),
        good('def f():\n    """Call https://api.acme.io/v1 with the token."""\n', note="a docstring"),
        good('import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("app:app", host="127.0.0.1", port=8000)\n',
             note="localhost in a __main__ block"),
        good('import re\n\nURL = re.compile(r"^https?://")\n\n\ndef valid(url):\n    return bool(URL.match(url))\n\n\n'
             'if __name__ == "__main__":\n    for url in ("https://files.acme.io/a.exe", "http://198.51.100.7/x"):\n'
             '        print(url, valid(url))\n', note="addresses a module tries itself on when run by hand"),
        good('NS = "http://www.w3.org/2000/svg"\nDOC = "https://example.com/docs"\n', note="XML namespace, example.com"),
        good('def is_secure(url):\n    return url.startswith("https://")\n', note="a scheme prefix, not an address"),
        good('MESSAGE = "see https://docs.acme.io/errors for details"\n', note="a link inside prose"),
        good('MODELS = [{"name": "blip", "url": "https://huggingface.co/acme/models/resolve/main/blip.tar.gz"}]\n',
             note="a released model on a public hub: the same download in every environment"),
        good('SETUP_GUIDE_URL = "https://learn.acme.com/api/register-app"\n'
             'TROUBLESHOOTING_URL = "https://learn.acme.com/api/error-codes"\n',
             note="pages a person reads, named for what they are (a guide, troubleshooting)"),
        good('import argparse\n\np = argparse.ArgumentParser()\np.add_argument("--url", default="http://api.acme.io")\n',
             note="a CLI option default"),
        good('requests.get("http://127.0.0.1:5000/health")\n', path="tests/test_health.py", note="tests"),
        good('LOOPBACK = ("127.0.0.1", "::1", "localhost")\nMETA = "http://169.254.169.254/latest/meta-data/"\n',
             note="loopback addresses in a list; the cloud metadata endpoint is fixed"),
        good('def connect(host="db.internal", port=5432):\n    pass\n', note="parameter defaults can be overridden"),
        good('from app import settings\n\n\ndef endpoint():\n    return settings.llm_endpoint or "http://localhost:11434"\n',
             note="the default of a setting"),
        good('from app import settings\n\n\ndef redirect():\n'
             '    return f"{\'http://localhost:4200/\' if settings.DEBUG else settings.BASE_URL}mail"\n',
             note="a development address used only under DEBUG"),
        bad('def endpoint(user):\n    return user.endpoint or "https://api.acme.io/v2"\n', lines=(2,),
            note="the fallback of a user's field is an address in code"),
        good('NS = {"cas": "http://www.yale.edu/tp/cas"}\nSCOPES = ["https://www.googleapis.com/auth/drive"]\n'
             'author_url = "https://acme.io/"\n', note="an XML namespace, OAuth scopes, plugin metadata"),
        good('api.add_resource(Users, "/users", endpoint="users")\n\nclass Notify:\n    def __init__(self):\n'
             '        self.endpoint = "email"\n', note="route and endpoint names are not hosts"),
        good('SPEC = {"info": {"contact": {"url": "https://acme.io"}}}\nset_db_ver("1.5.0.0")\n'
             'PARAM = {"example": "https://api.acme.io/items/?offset={o}".format(o=100)}\n'
             'OPTIONS = [{"name": "apiUrl", "type": "str", "default": "https://kubernetes.default"}]\n',
             note="OpenAPI metadata and examples, a version number, a configurable option's default"),
        bad('API_BASE_URI = "https://api.zoom.us/v2"\nschedule_url = "https://api.opsgenie.com/v2/schedules"\n',
            findings=2, lines=(1, 2), note="vendor API base URLs count unless read from settings"),
        bad('GITHUB_API_URL = "https://api.github.com"\nTOKEN_URL = "https://oauth2.googleapis.com/token"\n',
            findings=2, lines=(1, 2), note="a vendor with one global address is still a vendor API base URL"),
        good('AVATAR = "https://secure.gravatar.com/avatar/"\nFONTS = "https://fonts.gstatic.com"\n',
             note="public assets a page links to, the same for every deployment"),
        good('def avatar(name, size):\n    fallback = f"https://ui-avatars.com/api/{name}/{size}/333941/FFFFFF"\n'
             '    return "https://secure.gravatar.com/avatar/?" + urlencode({"d": fallback})\n',
             note="an avatar image service as a gravatar fallback: an image the browser loads"),
        good('def fake_callback(ref):\n    return {"remoteMtaIp": "123.123.123.123", "reference": ref,\n'
             '            "CertUrl": "https://sns.eu-west-1.amazonaws.com/cert-[REDACTED].pem"}\n',
             note="a made-up address and a redacted URL in a simulated payload"),
        good('class Book:\n    def openlibrary_link(self):\n        return f"https://openlibrary.org/books/{self.key}"\n\n'
             '    def to_activity(self):\n        doc = {}\n        doc["@context"] = ["https://w3id.org/security/v1"]\n'
             '        return doc\n', note="a link shown to people, a JSON-LD context"),
        bad('def script(environment):\n    if environment == "test":\n'
            '        return "https://verify.qa.acme-pay.com/assets/js/pay.min.js"\n'
            '    return "https://verify.acme-pay.com/assets/js/pay.min.js"\n', findings=1, lines=(3,),
            note="a script on a host named for one environment is chosen per deployment"),
        good('RECAPTCHA_SCRIPT = "https://www.google.com/recaptcha/api.js"\n'
             'TEMPLATE = "<script src=\'%s\' async defer></script>"\n\n\ndef widget():\n    return TEMPLATE % RECAPTCHA_SCRIPT\n',
             note="a script the page tells the browser to load"),
        good('@csp_update(SCRIPT_SRC="https://cdn.jsdelivr.net/npm/chart.js@3.5.1/dist/chart.min.js")\ndef dashboard(request):\n'
             '    sk_learn_warning_url = "https://scikit-learn.org/stable/model_persistence.html"\n'
             '    return render(request, "d.html", {"help": sk_learn_warning_url})\n',
             note="a script the browser loads (CSP source), a help link in a warning"),
        bad('class Client:\n    def api_url(self):\n        return f"https://api.acme.io/v2/{self.tenant}"\n', lines=(3,),
            note="a function returning where requests go is an address"),
        good('def seed_connectors():\n    models.Connector.objects.create(\n        identifier="libris.kb.se",\n'
             '        base_url="https://libris.kb.se",\n        search_url="http://libris.kb.se/xsearch?query=",\n    )\n',
             note="a row the database stores and admins edit: data, not where the code connects"),
        good("LICENSES = {'CC-BY': ('https://creativecommons.org/licenses/by/4.0',\n"
             "                      'https://licensebuttons.net/l/by/3.0/88x31.png')}\n",
             note="a licence badge image a page shows"),
        good('def sample_context(kwargs):\n    kwargs["reset_url"] = "https://example.acme.dev/reset"\n    return kwargs\n',
             note="a made-up example address"),
        good('DEV_DOMAIN_NAMES = ["http://web", "http://kf.acme.local:8080"]\n',
             note="names the list itself calls development-only"),
        good('from flask import redirect, url_for\n\n\ndef denied(message):\n'
             '    return FlashAndRedirect(message=message, level="danger", endpoint="management.overview")\n\n\n'
             'LINKS = [NavigationLink(endpoint="user.profile", name="Overview")]\n',
             note="a Flask endpoint (blueprint.view) that url_for turns into a link"),
        bad('import boto3\n\nclient = Storage(endpoint="objects.acme.io")\n', findings=1, lines=(3,),
            note="an endpoint that ends in a top-level domain is a host"),
        good('from django.urls import reverse\n\n\nclass Topic:\n    def get_absolute_url(self, product_slug=None):\n'
             '        named_url = "products.topic_documents"\n        if product_slug:\n'
             '            named_url = "products.documents"\n        return reverse(named_url, kwargs={"slug": self.slug})\n\n\n'
             'ERROR_MISCONFIGURED_LOGOUT_URL = "accounts.base.E005"\n',
             note="a URL name for reverse() and a system-check id: dotted names that end in no domain"),
        bad('MIRROR_HOST = "mirror.acme.fr"\n', findings=1, lines=(1,), note="a host under a country's domain"),
        good('class EventsResource(Resource):\n    endpoint_name = url = "events"\n    schema = {}\n',
             note="a resource's URL name, given under two names at once"),
        good('from enum import Enum\n\n\nclass NetworkMode(str, Enum):\n    HOST = "host"\n    BRIDGE = "bridge"\n',
             note="an enumeration's member: a choice, not an address"),
        good('URL_REGEX_TESTS = [\n    ("https://sweeting.me,https://google.com", ["https://sweeting.me", "https://google.com"]),\n'
             '    ("http://us:pa@ex.co:42/http://ex.co:19/a", ["http://ex.co:19/a"]),\n]\n',
             note="a module's table of test cases: inputs, not where it connects"),
        bad('RESOLVER = "8.8.8.8"\nAPI = "https://api.acme.io/v2/<id>"\n', findings=1, lines=(1,),
            note="a real public resolver counts; a URL template with a placeholder does not"),
        good('SCHEMA_BASE = "https://schema.acme.io/"\nEVENT_TYPE_PREFIX = "https://schemas.accounts.acme.com/event/"\n\n\n'
             'def emit(logger, data):\n    logger.emit(schema_id="https://schema.acme.io/events/server-action", data=data)\n',
             note="schema namespaces and event-type ids spelt as URLs on a schema host: names, not addresses"),
        bad('SCHEMA_REGISTRY = "https://registry.acme.io/schemas/"\n', lines=(1,),
            note="a schema registry the service calls is an address"),
        good('PROXY_PREFIX = "https://via.acme.io/"\n\n\ndef original(uri):\n'
             '    if uri.startswith(PROXY_PREFIX + "http"):\n        return uri[len(PROXY_PREFIX):]\n    return uri\n\n\n'
             'def is_openai(host):\n    OPENAI_HOST = "api.openai.com"\n    return host == OPENAI_HOST\n',
             note="a prefix or a host only compared or stripped: it recognises addresses, it reaches none"),
        good('from django import forms\n\nVERIFY_URL = "https://api.acme-otp.com/verify"\n\n\ndef verify_url():\n'
             '    return get_from_config("otp.verify_url", VERIFY_URL)\n\n\nclass ResetForm(forms.Form):\n'
             '    source = forms.CharField(required=False, initial="https://www.acme.org/api")\n',
             note="a constant only used as a setting's default, and a form field's initial value"),
        bad('VERIFY_URL = "https://api.acme-otp.com/verify"\nKEYS_URL = "https://keys.acme-otp.com/public"\n\n\n'
            'def verify_url(session):\n    session.post(VERIFY_URL)\n    return get_from_config("otp.verify_url", VERIFY_URL)\n\n\n'
            'class Verifier:\n    def __init__(self, keys_url: str = KEYS_URL):\n        self.keys_url = keys_url\n',
            findings=2, lines=(1, 2), note="the same constant also requested directly; a module constant as a parameter's default"),
        good('class Announcements:\n    def get_settings_defaults(self):\n'
             '        settings = {"channels": {"news": {"url": "https://news.acme.org/feed.xml"}}}\n        return settings\n',
             note="the table a settings-defaults function builds and returns"),
        bad('class Announcements:\n    def refresh(self):\n'
            '        channels = {"news": {"url": "https://news.acme.org/feed.xml"}}\n        return channels\n', lines=(3,),
            note="a function named for something else returns the same table"),
        good('class Identifier:\n    def __repr__(self):\n        if self.kind == "isbn":\n'
             '            return "https://books.acme.org/isbn/{0}".format(self.value)\n        return self.value\n',
             note="the link an object displays as"),
        bad('class Identifier:\n    def lookup(self):\n        return fetch("https://books.acme.org/api/isbn/{0}".format(self.value))\n\n'
            '    def __repr__(self):\n        return f"<Identifier {self.value}>"\n', lines=(3,),
            note="the lookup the object sends is an address"),
        good('GROUPS_CLAIM = "https://sso.acme.com/claim/groups"\n\n\ndef groups(user_info):\n'
             '    if GROUPS_CLAIM in user_info:\n        return user_info.get(GROUPS_CLAIM, [])\n    return []\n',
             note="a claim name spelt as a URL, only looked up"),
        bad('USERINFO_URL = "https://sso.acme.com/userinfo"\n\n\ndef groups(session, cache):\n'
            '    return cache.get(USERINFO_URL) or session.get(USERINFO_URL).json()\n', lines=(1,),
            note="a URL looked up in a cache and also requested"),
        good('import requests\nfrom requests.adapters import HTTPAdapter\n\nsession = requests.Session()\n'
             'session.mount("https://static.acme.", HTTPAdapter(max_retries=3))\n',
             note="the URL prefix a session routes to an adapter"),
        bad('PROXY_PREFIX = "https://via.acme.io/"\n\n\ndef original(uri):\n'
            '    if uri.startswith(PROXY_PREFIX):\n        return fetch(PROXY_PREFIX + uri)\n    return uri\n', lines=(1,),
            note="the same prefix also used to build a request"),
        good('FIELDS = {"host": {"required": True, "hint": "https://yourcompany.acme.com"}}\n\n\n'
             'def link(alert):\n    return alert.get("href", "http://unable-to-fetch-url")\n',
             note="a form field's hint, and a stand-in text where a link could not be read"),
        bad('FIELDS = {"host": {"default": "x", "url": "https://api.acme.com/v2"}}\nUPLOADS = "http://files:8080/upload"\n',
            findings=2, lines=(1, 2), note="an address beside a hint's siblings, and a compose service's one-label host"),
        good('class Discovery:\n    SSDP_GROUP = "239.255.255.250"\n\n    def get_settings_defaults(self):\n'
             '        return {"feeds": {"news": {"url": "https://news.acme.org/feed.xml"}}}\n\n\n'
             'SPEC = {"x-logo": {"url": "https://avatars.acme-cdn.com/u/42"}}\n'
             'EXCLUDED_URLS = {"about:blank", "https://www.acme-search.com"}\n',
             note="a multicast group, a plugin's settings defaults, a logo, start pages left out of a history"),
        bad('RELAY = "223.255.255.250"\nNEWS_FEED_URL = "https://news.acme.org/feed.xml"\n', findings=2,
            lines=(1, 2), note="a unicast address beside the multicast range, and a feed the code fetches"),
        good('class MockSearchProvider:\n    def query(self, text):\n'
             '        return [{"title": text, "url": "https://www.acme-news.com/story/1"}]\n\n\n'
             'def build_sample_payload():\n    return {"references": ["https://lists.acme.org/thread/42"]}\n',
             note="a mock provider's canned results and a sample payload for a preview"),
        good('ALERTS = [{"source": "https://monitor.acme.io/alerts/1"}]\n', path="app/providers/alerts_mock.py",
             note="a module named for mock data"),
        bad('class SearchProvider:\n    def query(self, text):\n'
            '        return self.http.get("https://api.acme-search.com/v1", params={"q": text})\n\n\n'
            'def resample(series):\n    return post("https://metrics.acme.io/resample", series)\n', findings=2, lines=(3, 7),
            note="a real provider, and a name that only contains a sample word (resample)"),
        good('import uvicorn\n\n\ndef main():\n    uvicorn.run("app.api:app", host="0.0.0.0", port=8080)\n\n\n'
             'if __name__ == "__main__":\n    main()\n', note="the local runner the __main__ block calls"),
        bad('import uvicorn\n\n\ndef main():\n    uvicorn.run("app.api:app", host="0.0.0.0", port=8080)\n\n\n'
            'def serve():\n    main()\n', lines=(5,), note="a runner something else in the service calls"),
        good('from flask import current_app\n\n\ndef map_url():\n'
             '    return current_app.config.get("STREET_MAP_URL", "https://maps.acme.io/?q=")\n\n\n'
             'def links(request):\n    return request.registry.settings.get("app.url", "http://localhost:5000")\n\n\n'
             'def redis_url():\n    return env.get_credential("REDIS_URL", "redis://localhost:6379/0")\n',
             note="the default of a getter on the app's configuration, its settings or its environment"),
        bad('def feed(cache):\n    return cache.get("feed", "https://feeds.acme.io/latest.xml")\n', lines=(2,),
            note="the default of a lookup in some other mapping is still an address in code"),
        good('from django.shortcuts import redirect\nfrom django.urls import path\nfrom django.views.generic import RedirectView\n\n'
             'urlpatterns = [path("api/v1/", RedirectView.as_view(url="https://docs.acme.io/api/", permanent=True))]\n'
             'REDIRECTS = [("help/", "https://help.acme.io/")]\n\n\n'
             'def person(request, pid):\n    return redirect(f"https://people.acme.io/p/{pid}/", permanent=True)\n\n\n'
             'def includeme(config):\n    config.add_route("store", "https://store.acme.io/ext/42", static=True)\n'
             '    config.add_redirect_rule("/terms/", "https://policies.acme.io/terms/")\n',
             note="where a redirect or a static route sends the browser: a link, not where the service connects"),
        bad('import requests\nfrom flask import redirect\n\n\ndef sync(pid):\n'
            '    requests.post("https://people.acme.io/api/sync", json={"id": pid})\n'
            '    return redirect(f"/people/{pid}")\n\n\ndef includeme(config):\n'
            '    config.add_route("store", "https://store.acme.io/ext/42")\n', findings=2, lines=(6, 11),
            note="a request the service sends next to a redirect, and a route that is no static link"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        path = source.path
        if file_role(source, options) != SERVICE or is_settings_path(path) or source.tree is None:
            return None
        ignore_hosts = [str(h).lower() for h in options.get("ignore_hosts", _DEFAULT_IGNORE_HOSTS)]
        # Classify first; the costlier context (docstrings, defaults, __main__) only where something matched.
        candidates: list[tuple[ast.Constant, str]] = []  # node, message
        for node in source.nodes(ast.Constant):
            assert isinstance(node, ast.Constant)
            if not hasattr(node, "lineno"):
                continue
            value = node.value
            parent = source.parent(node)
            if isinstance(value, int) and not isinstance(value, bool):
                if isinstance(parent, ast.keyword) and parent.arg == "port" and 0 < value < 65536:
                    candidates.append((node, f"hardcoded port {value}; read it from configuration"))
                continue
            if not isinstance(value, str) or not value or len(value) > 500:
                continue
            what = self._classify(value, parent, source, ignore_hosts)
            if what is None or _named_as_identifier(node, source) or _OAUTH_SCOPE_RE.match(value) \
                    or _used_as_key(node, source):
                continue
            kind, host = what
            candidates.append((node, f"hardcoded {kind} {_shown(value)!r}; read it from configuration"))
        out = FileOutcome()
        if not candidates:
            return out
        skip = self._skipped_nodes(source)
        in_main = main_block_nodes(source) | _run_by_hand_nodes(source) | _sample_data_nodes(source)
        for node, message in candidates:
            if id(node) in skip or id(node) in in_main:  # a __main__ block is run by hand, not by the service
                continue
            if _only_recognises(node, source, skip):
                continue  # VIA_PREFIX = "https://via.acme.io/" only ever tested with startswith: a pattern, not a target
            out.hits.append(Hit(node.lineno, node.col_offset + 1, message))
        return out

    def _classify(self, value: str, parent: ast.AST | None, source: SourceFile,
                  ignore_hosts: list[str]) -> tuple[str, str] | None:
        text = value.strip()
        if "\n" in text:
            return None  # a block of text (a template, example code), not an address
        if isinstance(parent, ast.JoinedStr):
            text = value.split(" ")[0] if not value.startswith(" ") else ""
        if not text or (not isinstance(parent, ast.JoinedStr) and any(c.isspace() for c in text)):
            if _LIBPQ_RE.search(value) and _LIBPQ_MORE.search(value) and _keyword_dsn(value):
                return "connection string", ""
            return None
        match = _URL_RE.match(text)
        if match is not None:
            host = match.group("host")
            if "%" in text or "{" in text.split("://", 1)[1][:len(host) + 1] or _host_ignored(host, ignore_hosts):
                return None
            if "." not in host and {w.lower() for w in re.split(r"[-_]", host)} & _SENTINEL_HOST_WORDS:
                return None  # issue.get("url", "https://could-not-find-url"): a stand-in text, no machine is named
            if _PLACEHOLDER_RE.search(match.group("rest") or ""):
                return None  # ".../cert-[REDACTED].pem", ".../<id>": a sample or a template, not an address used
            if _ASSET_PATH_RE.search((match.group("rest") or "").split("?")[0]) and not _ENVIRONMENT_HOST_RE.search(host):
                return None  # a badge, an icon, a font, a script: what a page loads, the same everywhere
            if url_password(text):
                return None  # hardcoded-secret reports connection strings with a password
            kind = "URL" if match.group("scheme").lower().startswith(("http", "ws", "ftp")) else "connection string"
            return kind, host
        if isinstance(parent, ast.JoinedStr):
            return None
        if _is_ipv4(text):
            host = text.split(":")[0]
            if host == "0.0.0.0" or host.startswith("255.") or text.count(".") != 3 or _host_ignored(host, ignore_hosts):  # nosec B104 - compared, not bound
                return None
            if _is_sample_ip(host) or 224 <= int(host.split(".")[0]) <= 239:
                return None  # 239.255.255.250: a multicast group a protocol fixes (SSDP, mDNS), the same everywhere
            if host in _LOCAL and not self._host_position(parent, source):
                return None  # loopback in a list or comparison, not a destination
            return "IP address", host
        if _HOSTNAME_RE.match(text) and self._host_position(parent, source):
            host = text.split(":")[0]
            if host == "0.0.0.0" or _host_ignored(host, ignore_hosts):  # nosec B104 - compared, not bound
                return None
            if "." not in text and ":" not in text and any(n.endswith(_URLISH_POSITIONS) for n in _position_names(parent)):
                return None  # endpoint="users", endpoint_name = url = "events": a route or path name, not a host
            if "." in text and _view_name(text) and not _country_ending(text):
                return None  # endpoint="management.overview", named_url = "products.documents": a dotted name, no domain
            if _enumeration_member(parent, source):
                return None  # class NetworkMode(str, Enum): HOST = "host" names a choice, not an address
            return "host", host
        return None

    @staticmethod
    def _host_position(parent: ast.AST | None, source: SourceFile) -> bool:
        """The string is given as a host: ``host="db"`` or ``DB_HOST = "db.internal"``."""
        if isinstance(parent, ast.keyword):
            return parent.arg in _HOST_KEYWORDS
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name and name.lower().endswith(_HOST_NAME_SUFFIXES):
                    return True
        return False

    @staticmethod
    def _skipped_nodes(source: SourceFile) -> set[int]:
        """Docstrings, configuration-read defaults, parameter defaults, comparisons, string methods."""
        assert source.tree is not None
        skip = docstring_nodes(source)

        def all_of(node: ast.AST | None) -> None:
            if node is not None:
                skip.update(id(n) for n in ast.walk(node))

        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name in ("getenv", "get", "setdefault", "config", "env", "str") and len(call.args) > 1:
                base = dotted(call.func) or ""
                if name in ("getenv", "config", "env") or "environ" in base or base.startswith(("env.", "config.")):
                    all_of(call.args[1])
            elif _CONFIG_GETTER.match(name) and len(call.args) > 1:  # get_config("OPENAI_API_BASE", "https://...")
                all_of(call.args[1])
            if _reads_a_setting(call, name):  # app.config.get("MAP_URL", "https://..."): the setting decides
                all_of(call.args[1])
            if name in _STRING_METHODS:
                for arg in call.args:
                    all_of(arg)
            if name == "mount" and call.args:  # session.mount("https://static.acme.", adapter): a prefix that routes
                all_of(call.args[0])
            for target in _redirect_targets(call, name):
                all_of(target)  # redirect("https://docs.acme.io/"): the browser follows it, the service never calls it
            if name in _ROW_WRITES and ".objects." in f"{dotted(call.func)}.":
                for kw in call.keywords:  # Connector.objects.create(base_url=...): a row's data, editable later
                    all_of(kw.value)
            for kw in call.keywords:
                if kw.arg in ("default", "initial", "placeholder", "help", "description", "summary", "example", "examples", "docs_url",
                              "terms_of_service", "license_info", "contact"):
                    all_of(kw.value)
        for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
            args = getattr(func, "args", None)
            if args is not None:
                for default in [*args.defaults, *args.kw_defaults]:
                    all_of(default)
        for cmp in source.nodes(ast.Compare):
            all_of(cmp)
        for op in source.nodes(ast.BoolOp):  # settings.llm_endpoint or "http://localhost:11434": a setting's default
            assert isinstance(op, ast.BoolOp)
            if isinstance(op.op, ast.Or) and any(_CONFIG_READ_RE.search(ast.unparse(v)) for v in op.values[:-1]):
                all_of(op.values[-1])
        for choice in source.nodes(ast.IfExp):  # "http://localhost:4200/" if settings.DEBUG else settings.BASE_URL
            assert isinstance(choice, ast.IfExp)
            if _DEBUG_TEST_RE.search(ast.unparse(choice.test)):
                all_of(choice.body)
        for branch in source.nodes(ast.If):  # if host == "0.0.0.0": host = "127.0.0.1": reach a local listener
            assert isinstance(branch, ast.If)
            if any(isinstance(n, ast.Constant) and n.value in _WILDCARD_ADDRESSES for n in ast.walk(branch.test)):
                for stmt in branch.body:
                    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) \
                            and stmt.value.value in _LOOPBACK_ADDRESSES:
                        all_of(stmt.value)
        for dct in source.nodes(ast.Dict):
            for key in getattr(dct, "keys", []):
                all_of(key)
        for assign in source.nodes(ast.Assign):
            for target in getattr(assign, "targets", []):
                if isinstance(target, ast.Name) and target.id.startswith("__") and target.id.endswith("__"):
                    all_of(getattr(assign, "value", None))
        return skip

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        count = len(collected.findings)
        noun = "hardcoded address" if count == 1 else "hardcoded addresses"
        return Verdict(
            Density(count, project.app_lines, "hardcoded URLs, hosts, IPs and ports", float(options["zero_at"])),
            summary=f"{count} {noun}",
        )


_CONFIG_READ_RE = lazy_compile(r"settings|config|environ|getenv", re.IGNORECASE)
# What configuration is read from, by the last name before the getter: app.config, registry.settings, env.
_CONFIG_RECEIVERS = frozenset({"config", "conf", "configuration", "settings", "environ", "env", "app_config"})


def _reads_a_setting(call: ast.Call, name: str) -> bool:
    """``current_app.config.get(KEY, default)``, ``request.registry.settings.get(KEY, default)``,
    ``env.get_credential(KEY, default)``: a getter on a configuration object given a key and a default."""
    if not isinstance(call.func, ast.Attribute) or len(call.args) < 2 or not name.startswith("get"):
        return False
    if not (isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
        return False
    receiver = dotted(call.func.value) or ""
    return receiver.rpartition(".")[2].lower() in _CONFIG_RECEIVERS


# Answers that send the browser elsewhere (Django, Flask, Starlette, Pyramid, WebOb): their target is a link.
_REDIRECT_CALLS = frozenset({
    "redirect", "RedirectResponse", "HttpResponseRedirect", "HttpResponsePermanentRedirect", "add_redirect_rule",
    "HTTPFound", "HTTPMovedPermanently", "HTTPSeeOther", "HTTPTemporaryRedirect", "HTTPPermanentRedirect",
})
_REDIRECT_KEYWORDS = frozenset({"url", "location", "to", "target"})


def _redirect_targets(call: ast.Call, name: str) -> list[ast.AST]:
    """Where a redirect sends the browser: ``redirect(URL)``, ``RedirectView.as_view(url=URL)``,
    ``config.add_redirect_rule(path, URL)``, and a route Pyramid only links to (``add_route(name, URL,
    static=True)``). A link a person follows, not an address the service connects to."""
    if name == "add_route" and any(kw.arg == "static" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                                   for kw in call.keywords):
        return call.args[1:2]
    if name == "as_view" and isinstance(call.func, ast.Attribute) and (dotted(call.func.value) or "").endswith("RedirectView"):
        return [kw.value for kw in call.keywords if kw.arg == "url"]
    if name not in _REDIRECT_CALLS:
        return []
    position = 1 if name == "add_redirect_rule" else 0
    return [*call.args[position:position + 1], *(kw.value for kw in call.keywords if kw.arg in _REDIRECT_KEYWORDS)]
_WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", "[::]"})  # listen everywhere: connect to the loopback instead
_LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1", "localhost", "[::1]"})
# A project's own configuration reader given a key and a default: get_config(key, default), get_setting(...)
_CONFIG_GETTER = lazy_compile(r"^_?get_?(?:from_)?(?:config|conf|setting|settings|env|option)$", re.IGNORECASE)
_DEBUG_TEST_RE = lazy_compile(r"^(?:[\w.]*\.)?DEBUG$")


# -- lint-errors -----------------------------------------------------------------------------


def run_ruff(project: Project, cache: Cache | None = None) -> Any:
    """ruff over the project (``readiness.tools.ruff_runner``), loaded only when the engine runs."""
    from readiness.tools.ruff_runner import run_ruff as run

    return run(project, cache)

class LintErrors(Check):
    id = "lint-errors"
    category = "code-quality"
    severity = "medium"
    effort = "1-2d"
    title = "Lint errors (ruff)"
    rationale = (
        "Linters find real bugs cheaply: undefined names, unused imports hiding typos, shadowed "
        "variables, comparisons that are always true. Each one left in place is a bug report waiting."
    )
    remediation = (
        "Run `ruff check --fix` and fix the rest by hand; configure ruff in `pyproject.toml` "
        "(`[tool.ruff.lint]`) when a rule does not fit the project, rather than ignoring its output."
    )
    scoring = ("Density: ruff findings in service code (not tests, scripts, migrations or commands) per 1 000 "
               "lines of Python; 0% at `zero_at` (default 10). Each file is judged by the project's nearest lint "
               "configuration: ruff's own, or flake8's translated to ruff (with flake8's reading of `# noqa`, which "
               "covers a whole multi-line string); without one, ruff's documented defaults (E4,E7,E9,F). Rules of taste "
               "(pedantic, style, complexity...) that ruff added after the version the project pins are not counted: "
               "its CI never ran them. An import in a package's `__init__.py` is its interface or a registration, and "
               "one in a Django `AppConfig.ready()` connects signal receivers: neither is unused (F401); a SQLAlchemy column "
               "compared with None, True or False inside a query (`filter(Model.col != None)`) is the IS NULL idiom "
               "(E711, E712), as is a classmethod's `cls.col`; a settings module built on another's names "
               "(`from .base import *`) is Django's layered settings (F403, F405). Error when ruff cannot run.")
    options = {"zero_at": 10.0}
    tools = {"ruff": run_ruff}
    examples = (
        bad("import os\n\n\ndef f():\n    return 1\n", lines=(1,), note="F401 unused import"),
        bad("def f():\n    return undefined_name\n", lines=(2,), note="F821 undefined name"),
        good("import os\n\n\ndef cwd():\n    return os.getcwd()\n"),
        good("from typing import Dict\n\n\ndef f() -> Dict[str, int]:\n    return {}\n",
             note="style rules a newer ruff enables by default are not run without a project configuration"),
        Example({"app/service.py": "import os\n", "pyproject.toml": "[tool.ruff.lint]\nignore = [\"F401\"]\n"},
                findings=0, note="the project's own ruff configuration is respected"),
        Example({"app/service.py": "x = 1\nif x == None:\n    pass\n", ".flake8": "[flake8]\nignore = E711\n"},
                findings=0, note="the project's flake8 configuration, translated to ruff"),
        Example({"app/service.py": "x = 1\n", "tests/test_service.py": "import os\n"}, findings=0,
                note="tests are not service code"),
        Example({"app/__init__.py": "from app import signals\nfrom app.models import Order\n",
                 "app/signals.py": "x = 1\n", "app/models.py": "class Order:\n    pass\n"}, findings=0,
                note="imports in a package's __init__.py re-export or register"),
        Example({"app/apps.py": "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n"
                                "    name = 'app'\n\n    def ready(self):\n        import app.signals\n",
                 "app/signals.py": "x = 1\n"}, findings=0,
                note="an import in AppConfig.ready() connects the module's signal receivers"),
        Example({"app/apps.py": "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n"
                                "    name = 'app'\n\n    def setup(self):\n        import os\n"},
                findings=1, lines=(8,), note="an unused import elsewhere in the class"),
        Example({"app/queries.py": "def speakers_with_email(Speaker):\n"
                                   "    return Speaker.query.filter(\n"
                                   "        Speaker.email != None, Speaker.deleted == False\n    ).all()\n",
                 ".flake8": "[flake8]\nselect = E,F\n"}, findings=0,
                note="a SQLAlchemy column compared with None or False in a filter: the IS NULL idiom (E711, E712)"),
        Example({"app/models.py": "from app.db import Model\n\n\nclass Alias(Model):\n    @classmethod\n"
                                  "    def resolve(cls, name):\n"
                                  "        return cls.query.filter(cls.name == name,\n"
                                  "                                cls.disabled == False).first()\n",
                 ".flake8": "[flake8]\nselect = E,F\n"}, findings=0,
                note="a classmethod's cls.column compared in a filter is the same column idiom (E712)"),
        Example({"app/models.py": "from app.db import Model\n\n\nclass Alias(Model):\n    def active(self, rows):\n"
                                  "        return filter(None, [self.disabled == False, rows])\n",
                 ".flake8": "[flake8]\nselect = E,F\n"}, findings=1, lines=(6,),
                note="an instance's attribute is a Python value, even inside filter() (E712)"),
        Example({"app/check.py": "def missing(user):\n    return user.email == None\n",
                 ".flake8": "[flake8]\nselect = E,F\n"}, findings=1, lines=(2,),
                note="a Python value compared with None (E711)"),
        Example({"web/index.py": "import os\nimport sys\n\n_run_path = os.path.dirname(os.path.realpath(__file__))\n"
                                 "sys.path.append(os.path.join(_run_path, '..'))\n\n"
                                 "import logging\n\nlog = logging.getLogger(__name__)\n"}, findings=0,
                note="imports that can only follow the sys.path set-up above them (E402)"),
        Example({"client/logger.py": '"""Kept for code that still imports the old name."""\nfrom common.logger import *\n',
                 "common/logger.py": "import logging\n\nlogger = logging.getLogger('app')\n"}, findings=0,
                note="a module of imports alone re-exports them (F401, F403)"),
        Example({"client/log.py": "from common.logger import *\n\nlogger.info('ready')\n",
                 "common/logger.py": "import logging\n\nlogger = logging.getLogger('app')\n"}, findings=2,
                note="a star import in a module that uses it hides where names come from (F403, F405)"),
        Example({"proj/settings/base.py": "DEBUG = False\nINSTALLED_APPS = ['core']\n",
                 "proj/settings/development.py": "from .base import *\n\nDEBUG = True\nINSTALLED_APPS += ['debug_toolbar']\n"},
                findings=0, note="Django's layered settings build on the base module's names (F403, F405)"),
        Example({"web/index.py": "import os\n\nBASE = os.path.dirname(__file__)\n\nimport logging\n\n"
                                 "log = logging.getLogger(BASE)\n"}, findings=1, lines=(5,),
                note="an import below other code, with no sys.path set-up (E402)"),
    )

    needles = ("ready", "!= None", "== None", "== True", "== False", "!= True", "!= False", "sys.path", "addsitedir",
               "import")

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        idioms = LintIdioms(_registration_imports(source), _column_comparisons(source), _path_setup(source),
                            _reexports(source))
        kept = idioms.registrations or idioms.column_comparisons or idioms.path_setup or idioms.reexports
        return FileOutcome(facts=idioms) if kept else None

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files"))
        idioms: Mapping[str, LintIdioms] = {p: f for p, f in collected.facts.items() if isinstance(f, LintIdioms)}
        result = project.tool("ruff", run_ruff)
        if result.error:
            return Verdict(Errored(result.error))
        if not result.configs:
            return Verdict(NotApplicable("no Python files in service code (only tests, scripts, migrations)"))
        support = cli_support(project)  # linted before the imports were known: a command's helpers are left out now
        findings = tuple(collected.keep([
            Finding(path, m.line, m.column, self.id, f"{m.code} {m.message}", code=m.code)
            for path, messages in sorted(result.files.items()) if path in result.configs and path not in support
            for m in messages if not _idiom(m.code, m.line, path, idioms.get(path))
        ]))
        count = len(findings)
        noun = "ruff finding" if count == 1 else "ruff findings"
        judged = len(set(result.configs) - support)
        summary = f"{count} {noun} in {len({f.path for f in findings})} of {judged} service files; {_lint_sources(result)}"
        if result.crashed:
            summary += f"; ruff crashed on {len(result.crashed)} file(s), skipped: {', '.join(result.crashed[:3])}"
        return Verdict(Density(count, project.app_lines or project.lines, "ruff findings",
                               float(options["zero_at"])), summary=summary, findings=findings)


@dataclass(frozen=True)
class LintIdioms:
    """Lines where a rule's finding is the framework's idiom: imports in ``AppConfig.ready()`` (F401) and
    ORM column comparisons with None, True or False inside a query (E711, E712)."""

    registrations: frozenset[int] = frozenset()
    column_comparisons: frozenset[int] = frozenset()
    path_setup: int = 0  # line of a module-level sys.path change: the imports below it must follow it (E402)
    reexports: bool = False  # the module only imports: a shim that re-exports another module's names


def _idiom(code: str, line: int, path: str, idioms: LintIdioms | None) -> bool:
    if code == "F401" and (path.rsplit("/", 1)[-1] == "__init__.py" or (idioms and line in idioms.registrations)):
        return True
    if code in ("F401", "F403") and idioms is not None and idioms.reexports:
        return True  # opal_client/logger.py: `from opal_common.logger import *`, kept for old imports
    if code in ("F403", "F405") and is_settings_path(path):
        return True  # settings/production.py: `from .base import *`, Django's layered settings
    if code == "E402" and idioms is not None and idioms.path_setup and line > idioms.path_setup:
        return True  # ruff's own E402 exception: imports that can only come after sys.path is set up
    return code in ("E711", "E712") and idioms is not None and line in idioms.column_comparisons


def _path_setup(source: SourceFile) -> int:
    """The first module-level statement that changes ``sys.path`` (``sys.path.append(...)``, ``insert``,
    ``site.addsitedir``), or 0."""
    if source.tree is None or "sys.path" not in source.text and "addsitedir" not in source.text:
        return 0
    for stmt in source.tree.body:
        value = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(value, ast.Call) and dotted(value.func) in _PATH_CHANGES:
            return stmt.lineno
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AugAssign) else []
        if any(dotted(t) == "sys.path" for t in targets):
            return stmt.lineno
    return 0


_PATH_CHANGES = frozenset({"sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"})


def _reexports(source: SourceFile) -> bool:
    """A module of imports alone (besides a docstring and ``__all__``): it exists to re-export them."""
    body = source.tree.body if source.tree is not None else []
    imports = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom))]
    rest = [s for s in body if s not in imports and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            and not _sets_all(s)]
    return bool(imports) and not rest


def _sets_all(stmt: ast.stmt) -> bool:
    """``__all__ = [...]`` or ``__all__ += [...]``."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AugAssign) else []
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


# Query builders whose arguments are SQL expressions, where ``Model.column != None`` is the
# column's IS NOT NULL and ``is not None`` would be a plain Python test that is always True.
_QUERY_BUILDERS = frozenset({"filter", "where", "having", "and_", "or_", "not_", "join", "outerjoin", "case",
                             "exclude", "filter_by", "order_by", "select"})


def _column_comparisons(source: SourceFile) -> frozenset[int]:
    """Lines of ``Model.column == None`` (or ``!= True``...) inside a query builder's arguments: SQLAlchemy's
    idiom for IS NULL, which E711/E712 would turn into a Python comparison."""
    if source.tree is None or not any(op in source.text for op in ("= None", "= True", "= False")):
        return frozenset()
    lines: set[int] = set()
    for node in source.nodes(ast.Compare):
        assert isinstance(node, ast.Compare)
        if not (len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))
                and isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value in (None, True, False)
                and isinstance(node.left, ast.Attribute)):
            continue
        root = node.left
        while isinstance(root, ast.Attribute):
            root = root.value
        if not (isinstance(root, ast.Name) and (root.id[:1].isupper() or _is_class_parameter(source, node, root.id))) \
                and ".c." not in f"{dotted(node.left)}.":
            continue  # Speaker.email, users.c.email, cls.email in a classmethod: a column; self.email is a Python value
        parent = source.parent(node)
        while parent is not None and not isinstance(parent, (ast.Call, ast.stmt)):
            parent = source.parent(parent)
        if isinstance(parent, ast.Call) and call_name(parent) in _QUERY_BUILDERS:
            lines.add(node.lineno)
    return frozenset(lines)


def _is_class_parameter(source: SourceFile, node: ast.AST, name: str) -> bool:
    """``name`` is the class a ``@classmethod`` receives (its first parameter, ``cls``): on a model,
    ``cls.column`` is the column, as ``Model.column`` is."""
    parent = source.parent(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parent = source.parent(parent)
    if parent is None or not any(dotted(d) == "classmethod" for d in parent.decorator_list):
        return False
    params = [*parent.args.posonlyargs, *parent.args.args]
    return bool(params) and params[0].arg == name


def _registration_imports(source: SourceFile) -> frozenset[int]:
    """Lines of the imports in a Django ``AppConfig.ready()``: ``import app.signals`` connects the
    module's receivers, so the import is what it is for, not unused (F401)."""
    if source.tree is None or "AppConfig" not in source.text:
        return frozenset()
    lines: set[int] = set()
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        if not any(dotted(b).rpartition(".")[2] == "AppConfig" for b in cls.bases):
            continue
        for method in cls.body:
            if isinstance(method, ast.FunctionDef) and method.name == "ready":
                for node in ast.walk(method):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return frozenset(lines)


def _lint_sources(result: Any) -> str:
    """Which rules ran and from which configuration, most files first."""
    used: dict[Any, int] = {}
    for config in result.configs.values():
        used[config] = used.get(config, 0) + 1
    ranked = sorted(used.items(), key=lambda item: (-item[1], item[0].source))
    parts = [c.describe() + (f" ({n} files)" if len(ranked) > 1 else "") for c, n in ranked[:3]]
    if len(ranked) > 3:
        parts.append(f"and {len(ranked) - 3} more configurations")
    return "; ".join(parts)


CHECKS: list[type[Check]] = [TodoComment, PrintCall, HardcodedValue, LintErrors]
