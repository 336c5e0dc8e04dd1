"""The role of every file: which code is the running service, and which only surrounds it.

Most false findings on real services sit in code that never serves a request: tests and their
fixtures, one-off scripts, migrations, CLI commands, examples, vendored copies. Each file gets
one role, decided by its path (the layouts real projects use) and, where a path cannot tell,
by what the file does (an Alembic revision, a Django ``Command``, a module whose entry point is
click or argparse). ``readiness.yaml`` can override any of it under ``paths:``.

Checks ask ``role_of`` (per file, in workers) or ``project_role`` (whole-project phase, for
engines' findings such as bandit's); both give the same answer for the same file.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, TypeVar

from readiness import read_log
from readiness.declared_roles import OMITTED, PACKAGED, VENDORED, declared_roles
from readiness.lazy_regex import AnyOf, lazy_compile

SERVICE = "service"
TEST = "test"
SCRIPT = "script"
MIGRATION = "migration"
CLI = "cli"
EXAMPLE = "example"
FIXTURE = "fixture"
GENERATED = "generated"
LOADTEST = "loadtest"
INFRASTRUCTURE = "infrastructure"

ROLES: tuple[str, ...] = (SERVICE, TEST, SCRIPT, MIGRATION, CLI, EXAMPLE, FIXTURE, GENERATED, LOADTEST, INFRASTRUCTURE)

# Modules frameworks load by their name alone (Django admin/models/urls, Celery tasks, signal
# receivers), entry points and settings: their static importers do not tell who runs them.
_CONVENTIONAL_MODULE = lazy_compile(
    r"(?:^|/)(?:__init__|__main__|admin|apps|models|views|urls|api|tasks|celery|signals|receivers|handlers|"
    r"wsgi|asgi|app|main|server|settings|config|conftest|routes|schemas?|serializers|forms|middlewares?)\.py$")
_BUILDS_APP = AnyOf(*((f"{name}(", rf"\b{name}\(") for name in (
    "Flask", "FastAPI", "Starlette", "Celery", "Eve", "Quart", "Sanic", "create_app", "get_wsgi_application",
    "get_asgi_application")))
# A command that starts the service's long-running processes: what it imports runs in production.
_RUNS_SERVICE = AnyOf(*((name, rf"\b{name}\b") for name in (
    "uvicorn", "gunicorn", "hypercorn", "waitress", "daphne", "serve_forever", "run_app", "worker_main",
    "scheduler", "Scheduler")), ("app.run(", r"\bapp\.run\("))
# A Dockerfile step that runs a Python file: ``RUN python version.py``, ``RUN /venv/bin/python3 -u tools/x.py``.
_RUN_PYTHON_FILE = lazy_compile(r"(?m)^\s*RUN\b[^\n]*?\bpython[\d.]*(?:\s+-[A-Za-z]+)*\s+([\w./-]+\.py)\b")
# A shell line that runs a Python file in the foreground: ``python plugin.py``, ``/venv/bin/python3 -u x.py``.
_SHELL_PYTHON_FILE = lazy_compile(r"^\s*(?:\S*/)?python[\d.]*(?:\s+-[A-Za-z]+)*\s+([\w./-]+\.py)\b([^\n]*)$",
                                  re.MULTILINE)
_STARTS_SERVER = lazy_compile(r"^\s*(?:[^#\n]*&&\s*)?exec\s|\b(?:gunicorn|uvicorn|hypercorn|daphne|waitress-serve)\b",
                              re.MULTILINE)


def _setup_steps(text: str) -> list[str]:
    """Python files a start-up script runs before it starts the server (a later line execs it or runs
    gunicorn or uvicorn); one sent to the background (``&``) or exec'd runs on as a process."""
    if "python" not in text:
        return []
    out = []
    for match in _SHELL_PYTHON_FILE.finditer(text):
        rest = match.group(2).split("#", 1)[0].strip()
        if rest.endswith("&") or "&&" in rest or "|" in rest:
            continue
        if _STARTS_SERVER.search(text, match.end()):
            out.append(match.group(1))
    return out


# Files a setting or a process manager could name a module in.
_CONFIGURATION_FILE = lazy_compile(
    r"(?:^|/)(?:[^/]*settings[^/]*\.py|[^/]*config[^/]*\.py|Procfile|Dockerfile[^/]*|[^/]*\.(?:ini|cfg|toml|ya?ml|json|conf|env)"
    r"|supervisord[^/]*|[^/]*\.service)$")


# The keys of ``paths:`` in readiness.yaml and the role each one assigns.
OVERRIDE_KEYS: dict[str, str] = {
    "service": SERVICE, "tests": TEST, "scripts": SCRIPT, "migrations": MIGRATION, "cli": CLI,
    "examples": EXAMPLE, "fixtures": FIXTURE, "generated": GENERATED, "loadtests": LOADTEST,
    "infrastructure": INFRASTRUCTURE,
}

# The option key under which the engine hands the ``paths:`` overrides to per-file checks.
ROLES_OPTION = "_roles"
# ... and the roles the project's own pytest and ruff configuration declares (``readiness.declared_roles``).
DECLARED_OPTION = "_declared_roles"

DESCRIPTIONS: dict[str, str] = {
    SERVICE: "the running service: judged by every check",
    TEST: "tests, conftest, behave features/steps, Selenium/Playwright and e2e suites, test settings",
    SCRIPT: "scripts/, tools/ (not a subpackage of a package), bin/, dev/, a top-level qa/, nox sessions, build plugins, "
            "packaging and CI helpers, dev runners, files whose name cannot be imported (upload-screenshots.py), and a program run by hand "
            "(a main guard that starts no server) that the project's coverage configuration omits",
    MIGRATION: "Alembic and Django migrations (migrations/, alembic/versions, revision files, migrations.py modules)",
    CLI: "CLI commands: Django management/commands, click/typer/argparse entry points, invoke tasks, manage.py, cli modules",
    EXAMPLE: "docs/, examples/, samples/, a top-level contrib/",
    FIXTURE: "test data: fixtures/, testdata/, sample scanner reports, seed and prepopulate data, factory_boy factories",
    GENERATED: "vendored and generated code: vendor/, third_party/, _vendor/, a top-level lib/ (libs/, ext/, deps/) "
               "holding several well-known dependencies side by side, protobuf *_pb2.py, and what the project's ruff "
               "configuration excludes",
    LOADTEST: "load tests: locustfile.py, locust/, loadtest(s)/, k6 scripts",
    INFRASTRUCTURE: "deployment and CI: .github/, docker/, deploy/, helm/, k8s/, terraform/",
}

# -- path rules, first match wins (order matters: a fixture inside tests/ is a fixture) --------

_D = r"(?:^|/)"  # a path component starts here
# Searched in the path behind a leading slash: a component always starts at a slash, which the
# search can skip to (``(?:^|/)`` makes it try every position).
_PATH_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (GENERATED, lazy_compile(r"/(?:vendor|vendored|_vendor|third_party|thirdparty|node_modules|site-packages)/"
                           r"|_pb2(?:_grpc)?\.pyi?$")),
    (FIXTURE, lazy_compile(r"/(?:fixtures?|testdata|test_?data|sample_?data|\w*_fixtures|seeds?|seed_data|"
                         r"prepopulate|\.semgrep|(?:generate_)?fake_?data|mock_?data)/|/unittests/scans/|"
                         + r"/\w*seed_data\.py$"
                         # a command that fills a development database: create_sample_data.py, generate_fake_data.py
                         # (not demo data: demo installs load it; nor sample_data.py alone, which may sample rows)
                         + r"|/(?:(?:create|generate|make|load|populate)_(?:sample|fake|dummy|mock)"
                         r"|fake|dummy|mock)_?data\.py$")),
    (LOADTEST, lazy_compile(r"/(?:locust|loadtests?|load_tests?|k6|perf_tests?)/|/locustfile\.py$")),
    # a Django command named test_*.py (``manage.py test_emails`` sends sample mails) outside the tests: a command
    (CLI, lazy_compile(r"^(?!/(?:.*/)?(?:tests?|testing)/).*/management/commands/test[^/]*\.py$")),
    (TEST, lazy_compile(
        r"/(?:tests?|testing|unittests|\w+_tests?|tests?[_-][\w-]+|e2e|e2etests|e2e_tests|integration_tests|"
        r"testproject|testapp|testsite|"  # the Django project or app a package's tests run in
        r"functional_tests|"
        r"selenium|playwright|cypress)/"
        + r"|/features/(?:steps/|environment\.py$)"
        + r"|/(?:test_[^/]*|tests_[^/]*|[^/]*_tests?|conftest|tests?|testing)\.py$"
        + r"|/settings/(?:test|tests|testing|ci)\.py$")),
    (MIGRATION, lazy_compile(r"/(?:migrations|db_migrations|alembic|migrate)/|/revisions/(?:.*/)?(?:versions/|env\.py$)"
                             r"|/(?:db_)?migrations\.py$")),  # a module of migration steps (m001_initial)
    (CLI, lazy_compile(r"/management/commands/|/(?:manage|__main__|cli|[^/]*_cli)\.py$|/cli/")),
    (INFRASTRUCTURE, lazy_compile(r"/(?:\.github|\.gitlab|\.circleci|docker|deploy|deployment|helm|k8s|kubernetes|"
                                r"terraform|ansible[\w-]*|charts|ci|\.buildkite)/")),
    (EXAMPLE, lazy_compile(r"/(?:docs?|examples?|samples?|demos?|tutorials?)/|^/contrib/"
                         r"|/examples?_\w+/"  # ckanext/example_iauthfunctions/: a plugin that shows how
                         r"|\.(?:example|sample|template|tmpl|dist)$|\.(?:example|sample)\.[^/]*$")),
    (SCRIPT, lazy_compile(r"/(?:scripts?|tools|bin|bench|benchmarks?|hack|dev|devtools|dev_tools|devenv|noxfiles|"
                        r"devproject|dev_project|"  # the project a developer runs the package in locally
                        r"pants-plugins|build-support|[\w.-]+[-_](?:bench|benchmarks?|scripts?))/"
                        r"|^/qa/"  # a top-level qa/: scenarios a tester runs against a local deployment
                        r"|^/(?:evaluation|evals?)/"  # a top-level harness that scores the service on benchmark tasks
                        r"|^/(?:setup|noxfile|fabfile|build_backend|hatch_build|conf|dodo|tasks)\.py$|/[^/]*_nox\.py$"
                        # a name no import can reach (upload-screenshots.py): run as a file, a script
                        r"|/[^/]*-[^/]*\.py$")),
)

_SETUPTOOLS = lazy_compile(r"^\s*(?:from|import)\s+(?:setuptools|distutils)\b", re.MULTILINE)
# Files whose name suggests commands; content decides (a DDD ``commands.py`` can be service code).
_COMMANDS_NAME = lazy_compile(_D + r"(?:commands|[^/]*_commands?|management)\.py$|" + _D + r"commands/")
_CLI_IMPORT = lazy_compile(r"^\s*(?:import|from)\s+(?:click|typer|argparse|flask\.cli|flask_script|cleo|fire)\b", re.M)
_CLI_CLASS = lazy_compile(r"^class\s+\w+\((?:[\w.]*\.)?(?:Command|BaseCommand|AppCommand)\)\s*:", re.M)
# ``from invoke import task`` on one line or in parentheses over several (as formatters write it)
_INVOKE_TASKS = lazy_compile(r"^from invoke import (?:\([^)]*|[^\n]*)\btask\b|^import invoke\b", re.M)
_CLI_GROUP = lazy_compile(r"^@click\.(?:group|command)\b|^\w+\s*=\s*typer\.Typer\(", re.M)
_MAIN_GUARD = lazy_compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", re.M)
_ARGPARSE = AnyOf(("ArgumentParser(", r"\bArgumentParser\("), ("click.", r"\bclick\."), ("typer.", r"\btyper\."),
                  ("fire.Fire(", r"\bfire\.Fire\("))
_ARGUMENT_PARSER = AnyOf(("ArgumentParser(", r"\bArgumentParser\("))
_TOP_LEVEL_PARSER = lazy_compile(r"^\w+\s*=\s*(?:argparse\.)?ArgumentParser\(", re.M)
_NAMESPACE_PARAM = lazy_compile(r"^\s*def\s+\w+\(\s*\w+\s*:\s*(?:argparse\.)?Namespace\b", re.M)
_ARGV_INDEX = AnyOf(("sys.argv[", r"\bsys\.argv\[\s*[1-9]"))
_EXIT = AnyOf(("sys.exit(", r"\bsys\.exit\("), ("SystemExit", r"\braise\s+SystemExit\b"))
_ROUTES = AnyOf(("@", r"@\w+\.(?:route|get|post|put|patch|delete|api_route)\("), ("Blueprint(", r"\bBlueprint\("),
                ("APIRouter(", r"\bAPIRouter\("), ("urlpatterns", r"\burlpatterns\b"))
# A main guard that starts a server or the app is the service's own entry point, not a script.
_SERVES = AnyOf(*((name, rf"\b{name}\b") for name in ("uvicorn", "gunicorn", "hypercorn", "waitress", "daphne", "werkzeug")),
                (".run(", None), *((f"{name}(", rf"\b{name}\(") for name in (
                    "run_app", "serve", "serve_forever", "create_app", "make_server", "execute_from_command_line")))
# Work a module does at its top level, as it is imported: a program run as a file (a generator, a build step),
# since importing it would run commands, overwrite a file or fail without arguments.
_AT_IMPORT_NEEDLES = ("sys.argv[", "subprocess.", "os.system(", "with open(")
_AT_IMPORT = lazy_compile(r"^(?:subprocess\.(?:run|call|check_call|check_output|Popen)\(|os\.system\(|"
                          r"with open\([^)\n]*,\s*['\"][wa]b?['\"]|"
                          r"(?!if\b|elif\b)[A-Za-z_][^\n#=<>!]*=?[^\n#=<>!]*\bsys\.argv\[\s*[1-9]\s*\]"
                          r"(?![^\n#]*(?:==|!=|\bin\b)))", re.M)
_ALEMBIC = lazy_compile(r"^revision\s*(?::\s*str\s*)?=", re.M)
_ALEMBIC_DOWN = lazy_compile(r"^down_revision\s*(?::[^=]+)?=", re.M)
_DJANGO_MIGRATION = lazy_compile(r"^class\s+Migration\(\s*migrations\.Migration\s*\)", re.M)
_LOCUST = lazy_compile(r"^from\s+locust\s+import|^import\s+locust\b", re.M)
# An Ansible module or module_utils: Ansible copies it to the managed hosts and runs it there, not in the service.
_ANSIBLE_MODULE = lazy_compile(r"^\s*(?:from|import)\s+ansible(?:_collections)?(?:\.[\w.]+)?\.(?:module_utils|plugins\.module_utils)\b",
                               re.M)
_FACTORY_BOY = lazy_compile(r"^import\s+factory\b|^from\s+factory(?:\.[\w.]+)?\s+import\b", re.M)
_GENERATED = lazy_compile(r"\A(?:#.*\n){0,3}#\s*(?:Code generated|Generated by the protocol buffer|@generated|"
                        r"This file is automatically generated|DO NOT EDIT)", re.I)


T = TypeVar("T")
_PATH_ROLES: dict[str, str] = {}  # every check asks about the same paths


def path_role(path: str) -> str:
    """The role a path alone gives; ``service`` when nothing in it says otherwise."""
    role = _PATH_ROLES.get(path)
    if role is None:
        slashed = "/" + path  # every rule starts at a slash: the search skips to the slashes
        role = next((r for r, pattern in _PATH_RULES if pattern.search(slashed)), SERVICE)
        if len(_PATH_ROLES) < 200_000:
            _PATH_ROLES[path] = role
    return role


def path_roles(paths: Iterable[str]) -> dict[str, str]:
    """``path_role`` of each path, to keep with the file list (``readiness.tree_snapshot``)."""
    return {path: path_role(path) for path in paths}


def remember_path_roles(roles: Mapping[str, Any]) -> None:
    """Path roles a snapshot kept (the same rules: its key holds the code), so this scan does not match them again."""
    known = set(ROLES)
    for path, role in roles.items():
        if type(path) is str and role in known and len(_PATH_ROLES) < 200_000:
            _PATH_ROLES[path] = role


def content_role(path: str, text: str) -> str | None:
    """The role a Python file's own text gives it, or None when it reads like service code.

    Every pattern is tried only when a literal it cannot match without is in the text: this
    runs on every file of the scan, and most files hold none of them."""
    if ("migrations.Migration" in text and _DJANGO_MIGRATION.search(text)) or (
            "down_revision" in text and _ALEMBIC.search(text) and _ALEMBIC_DOWN.search(text)):
        return MIGRATION
    if _GENERATED.match(text):
        return GENERATED
    if "locust" in text and _LOCUST.search(text):
        return LOADTEST
    if "factory" in text and _FACTORY_BOY.search(text):
        return FIXTURE  # factory_boy factories: fake rows for tests and development data
    if "ansible" in text and _ANSIBLE_MODULE.search(text):
        return SCRIPT  # an Ansible module the service hands to Ansible: it runs on the managed host
    if path.rsplit("/", 1)[-1] == "setup.py" and _SETUPTOOLS.search(text):
        return SCRIPT  # packages/acme-client/setup.py: a package's build script, wherever the package sits
    routes = _ROUTES.found_in(text)
    if _COMMANDS_NAME.search(path) and not routes and (_CLI_IMPORT.search(text) or _CLI_CLASS.search(text)):
        return CLI
    if not routes and ("@click." in text or "typer.Typer(" in text) and _CLI_GROUP.search(text):
        return CLI  # a click group or typer app at module level is a command-line tool
    if not routes and "invoke" in text and _INVOKE_TASKS.search(text):
        return CLI  # invoke tasks (``from invoke import task`` / ``@task``): commands a developer or operator runs
    guard = _main_guard(text)
    if guard is not None and not routes and _ARGPARSE.found_in(text[guard.end():]):
        return CLI  # the main guard parses arguments: a script run by hand
    if guard is not None and not routes and _ARGUMENT_PARSER.found_in(text) and not _SERVES.found_in(text[guard.end():]):
        return CLI  # parse_arguments() defined above the main guard, which starts no server
    if not routes and "ArgumentParser(" in text and _TOP_LEVEL_PARSER.search(text):
        return CLI  # parser = argparse.ArgumentParser() at module level: runs as a script
    if not routes and "Namespace" in text and _NAMESPACE_PARAM.search(text):
        return CLI  # def purge(args: argparse.Namespace): the implementation of a command-line subcommand
    if not routes and _ARGV_INDEX.found_in(text) and _EXIT.found_in(text):
        return CLI  # reads its own arguments (sys.argv[1]) and exits: an entry script
    if not routes and any(m in text for m in _AT_IMPORT_NEEDLES) and _AT_IMPORT.search(text):
        return SCRIPT  # runs commands, writes files or reads its arguments as it is imported: run as a file
    return None


def _main_guard(text: str) -> re.Match[str] | None:
    return _MAIN_GUARD.search(text) if "__main__" in text else None


def _override(path: str, overrides: Mapping[str, Iterable[str]] | None) -> str | None:
    if not overrides:
        return None
    for key, globs in overrides.items():
        role = OVERRIDE_KEYS.get(key, key if key in ROLES else None)
        if role is None:
            continue
        for glob in globs or ():
            glob = str(glob)
            if fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path, glob.rstrip("/") + "/*"):
                return role
    return None


def role_of(path: str, text: str | None = None, overrides: Mapping[str, Iterable[str]] | None = None,
            declared: Mapping[str, Iterable[str]] | None = None) -> str:
    """The role of one file: configured overrides first, then its path, then what the project's own
    configuration declares (``declared``: pytest test-file patterns, ruff excludes), then (Python) its text.

    ``text`` is optional: without it only the path decides. Pass ``overrides`` from
    ``options[ROLES_OPTION]`` (per-file checks) or ``settings.get("paths")``.
    """
    configured = _override(path, overrides)
    if configured is not None:
        return configured
    if _under(path, (declared or {}).get(VENDORED)):
        return GENERATED  # a copied dependency: its tests and benchmarks are not the project's either
    role = path_role(path)
    if role == SCRIPT:
        role = _packaged_role(path, (declared or {}).get(PACKAGED)) or role
    if role == SERVICE:
        role = _override(path, declared) or SERVICE
    if role == SERVICE and text is not None and path.endswith(".py"):
        return content_role(path, text) or _omitted_program(path, text, declared) or SERVICE
    if role == INFRASTRUCTURE and text is not None and path.endswith(".py") and "ansible" in text \
            and _ANSIBLE_MODULE.search(text):
        return SCRIPT  # roles/x/library/mongodb_user.py: Ansible runs it on the managed host
    return role


def _under(path: str, folders: Iterable[str] | None) -> bool:
    """Whether the path lies in one of the declared folders (``lib/``)."""
    return any(path.startswith(str(folder)) for folder in folders or ())


def _packaged_role(path: str, packaged: Iterable[str] | None) -> str | None:
    """The role of a file in a ``tools/`` subpackage of the service's code, judged as if the folder's name were
    not in its path: ``app/agent/tools/search.py`` is read as ``app/agent/search.py``."""
    for folder in packaged or ():
        folder = str(folder)
        if path.startswith(folder):
            parent = folder.rstrip("/").rpartition("/")[0]
            return path_role(f"{parent}/{path[len(folder):]}")
    return None


def _omitted_program(path: str, text: str, declared: Mapping[str, Iterable[str]] | None) -> str | None:
    """A file the project omits from coverage and runs by hand (a main guard that starts no server) is a script.

    Omission alone is no evidence: real services omit settings, views and entry points from coverage.
    """
    globs = (declared or {}).get(OMITTED)
    if not globs or not any(fnmatch.fnmatch(path, str(g)) for g in globs):
        return None
    guard = _main_guard(text)
    if guard is None or _ROUTES.found_in(text) or _SERVES.found_in(text[guard.end():]):
        return None
    return SCRIPT


def _frozen(globs: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(k), tuple(str(g) for g in v or ())) for k, v in (globs or {}).items())


def file_role(source: Any, options: Mapping[str, Any] | None = None) -> str:
    """The role of a parsed source file inside a per-file check (``source.path``, ``source.text``);
    worked out once per file and configuration, since most checks ask."""
    overrides = (options or {}).get(ROLES_OPTION)
    declared = (options or {}).get(DECLARED_OPTION)
    text = getattr(source, "text", None)
    memo = getattr(source, "memo", None)
    if memo is None:
        return role_of(source.path, text, overrides, declared)
    return memo(("file-role", _frozen(overrides), _frozen(declared)),  # type: ignore[no-any-return]
                lambda: role_of(source.path, text, overrides, declared))


def is_service(role: str) -> bool:
    return role == SERVICE


# -- the whole-project view -----------------------------------------------------------------

@dataclass
class Roles:
    """Roles of a project's files, memoised; built once per scan through ``project.tool``."""

    project: Any
    overrides: Mapping[str, Iterable[str]] = field(default_factory=dict)
    declared: Mapping[str, Iterable[str]] = field(default_factory=dict)
    _cache: dict[str, str] = field(default_factory=dict, repr=False)
    _support: frozenset[str] | None = field(default=None, repr=False)
    _configuration: list[tuple[str, str]] | None = field(default=None, repr=False)  # (path, text) of settings/deploy files
    _setup_modules: frozenset[str] | None = field(default=None, repr=False)
    _uses: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)  # what each memo's answer used

    def _remembered(self, name: str, value: T | None, compute: Callable[[], T]) -> T:
        """The memo's value, computed now if it is None; what computing it used is noted on every use
        (``readiness.read_log``), so a check answered from the memo depends on it as the first asker did."""
        if value is not None:
            read_log.note_all(self._uses.get(name, ()))
            return value
        value, self._uses[name] = read_log.recorded(compute)
        return value

    def of(self, path: str) -> str:
        role = self.own(path)
        if role == SERVICE and path in self.cli_support():
            return CLI
        return role

    def own(self, path: str) -> str:
        """The role the file's configuration, path and text give it, before what imports it says."""
        if path not in self._cache:
            known = getattr(self.project, "file_roles", {}).get(path)  # the per-file phase's, same inputs
            if known is None:
                text = self.project.read_text(path) if path.endswith(".py") else None
                known = role_of(path, text, self.overrides, self.declared)
            elif known != GENERATED and _under(path, self.declared.get(VENDORED)):
                # a per-file phase without per-file checks judged it without the project's declarations
                known = role_of(path, None, self.overrides, self.declared)
            self._cache[path] = known
        elif path.endswith(".py") and path not in getattr(self.project, "file_roles", {}):
            read_log.note(path)  # its text decided it when it was first asked
        return self._cache[path]

    def setup_commands(self) -> frozenset[str]:
        """Modules run to set the service up, never as the service: a Dockerfile's build step (``RUN python
        version.py``), or a start-up script's step before it starts the server (``python plugin.py`` ahead
        of ``exec gunicorn``). One that serves (routes, an app, a server) is kept."""
        self._setup_modules = self._remembered("setup", self._setup_modules, self._setup_commands)
        return self._setup_modules

    def _setup_commands(self) -> frozenset[str]:
        named: list[tuple[str, str]] = []
        for rel, text in self._configuration_texts():
            if rel.rpartition("/")[2].startswith("Dockerfile") and "RUN" in text:
                named += [(m.group(1), rel) for m in _RUN_PYTHON_FILE.finditer(text)]
        for rel in self.project.files:
            if rel.endswith((".sh", ".bash")) and path_role(rel) not in (TEST, EXAMPLE, FIXTURE):
                named += [(word, rel) for word in _setup_steps(self.project.read_text(rel) or "")]
        found: set[str] = set()
        for word, rel in named:
            target = self._python_file_named(word, rel)
            text_of = self.project.read_text(target) if target else None
            if target and text_of is not None and not _ROUTES.found_in(text_of) \
                    and not _BUILDS_APP.found_in(text_of) and not _RUNS_SERVICE.found_in(text_of):
                found.add(target)
        return frozenset(found)

    def _python_file_named(self, word: str, dockerfile: str) -> str | None:
        """The project's Python file a Dockerfile names: relative to its folder or the root, else a unique suffix."""
        word = word.removeprefix("./")
        folder = dockerfile.rpartition("/")[0]
        files = set(self.project.python_files)
        for candidate in (f"{folder}/{word}" if folder else word, word):
            if candidate in files:
                return candidate
        same = [rel for rel in files if rel.endswith("/" + word.rpartition("/")[2])] if "/" in word else []
        return same[0] if len(same) == 1 and same[0].endswith(word) else None

    def cli_support(self) -> frozenset[str]:
        """Modules only CLI commands import (with tests or scripts at most): a command's helpers.

        Such a module reads like service code (``elastic_utils.py`` with the prints of an index
        rebuild that only ``manage.py`` runs) but never runs in the service. Kept as service: a
        module no file imports, one a service module imports, a package's ``__init__``, one named
        by a framework's conventions (tasks, signals, views...) or holding routes or an app, one a
        configuration file names (a setting or a process can load it by name), and one a command
        that starts the server, a worker or a scheduler imports (it runs in production)."""
        if self._support is None and not getattr(self.project, "modules", None):
            return frozenset()  # asked before the per-file phase told the imports (engines start early)
        self._support = self._remembered(
            "support", self._support, lambda: frozenset(self._cli_support()) | self.setup_commands())
        return self._support

    def known_support(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """The CLI-only modules and the files working them out used, once worked out this scan."""
        return None if self._support is None else (self._support, self._uses.get("support", frozenset()))

    def remember_support(self, support: frozenset[str], used: frozenset[str]) -> None:
        """The CLI-only modules a previous scan worked out, which still hold (``check_reuse.Reuse.support``)."""
        self._support, self._uses["support"] = support, used

    def _cli_support(self) -> Iterable[str]:
        modules: Mapping[str, frozenset[str]] = self.project.modules
        by_name: dict[str, str] = {}
        for path in self.project.python_files:
            name = path[:-3].replace("/", ".").removesuffix(".__init__")
            by_name[name] = path
            if name.startswith("src."):
                by_name.setdefault(name[4:], path)
        importers: dict[str, set[str]] = {}
        for path, names in modules.items():
            for name in names:
                target = by_name.get(name)
                if target is not None and target != path:
                    importers.setdefault(target, set()).add(path)
        found = []
        for target, paths in sorted(importers.items()):
            if self.own(target) != SERVICE or _CONVENTIONAL_MODULE.search(target):
                continue
            roles = set()
            for importer in sorted(paths, key=lambda p: (path_role(p) == SERVICE, p)):  # cheap roles first
                roles.add(self.own(importer))
                if SERVICE in roles:
                    break
            if CLI not in roles or SERVICE in roles:
                continue
            if any(self.own(p) == CLI and _RUNS_SERVICE.found_in(self.project.read_text(p) or "") for p in paths):
                continue  # a command that starts the server, a worker or a scheduler runs its imports in production
            text = self.project.read_text(target) or ""
            if _ROUTES.found_in(text) or _BUILDS_APP.found_in(text) or self._named_in_configuration(target):
                continue
            found.append(target)
        return found

    def _named_in_configuration(self, path: str) -> bool:
        """Whether a settings module or a deployment file names the module (``app.tasks``, ``app.tasks:run``)."""
        name = path[:-3].replace("/", ".").removeprefix("src.")
        return any(rel != path and name in text for rel, text in self._configuration_texts())

    def _configuration_texts(self) -> list[tuple[str, str]]:
        self._configuration = self._remembered(
            "configuration", self._configuration, lambda: [(rel, self.project.read_text(rel) or "") for rel in
                                                          self.project.files if _CONFIGURATION_FILE.search(rel)])
        return self._configuration


def overrides_of(settings: Any) -> dict[str, list[str]]:
    """The ``paths:`` section of the configuration (empty when absent)."""
    if settings is None:
        return {}
    value = settings.get("paths") if hasattr(settings, "get") else None
    return {str(k): [str(g) for g in (v or [])] for k, v in (value or {}).items()}


def project_roles(project: Any) -> Roles:
    return project.tool(  # type: ignore[no-any-return]
        "roles", lambda p: Roles(p, overrides_of(p.settings),
                                 p.declared if getattr(p, "declared", None) is not None else declared_roles(p.root, p.files)))


def project_role(project: Any, path: str) -> str:
    """The role of ``path`` in the whole-project phase: overrides, path and the file's own text."""
    return project_roles(project).of(path)


def cli_support(project: Any) -> frozenset[str]:
    """Modules only CLI commands import (``Roles.cli_support``), once the per-file phase has run."""
    return project_roles(project).cli_support()


def service_files(project: Any, paths: Iterable[str]) -> list[str]:
    """The paths that belong to the running service, in their order (what engines such as bandit and ruff scan)."""
    roles = project_roles(project)
    return [p for p in paths if roles.of(p) == SERVICE]


def keep_service(project: Any, findings: Iterable[Any]) -> list[Any]:
    """Only the findings in the running service's files: the one filter count checks share."""
    roles = project_roles(project)
    return [f for f in findings if roles.of(f.path) == SERVICE]


def options_with_roles(options: dict[str, dict[str, Any]], settings: Any,
                       declared: Mapping[str, list[str]] | None = None) -> dict[str, dict[str, Any]]:
    """Hand the ``paths:`` overrides and the project's declared roles to every check's options
    (only when there are any: cache keys stay put)."""
    overrides = overrides_of(settings)
    extra: dict[str, Any] = {}
    if overrides:
        extra[ROLES_OPTION] = overrides
    if declared:
        extra[DECLARED_OPTION] = dict(declared)
    if not extra:
        return options
    return {cid: {**opts, **extra} for cid, opts in options.items()}


def with_roles(project: Any, findings: Iterable[Any]) -> list[Any]:
    """Findings tagged with their file's role, for reports and the JSON result."""
    roles = project_roles(project)
    return [f if f.role else replace(f, role=roles.of(f.path)) for f in findings]


# -- documentation ----------------------------------------------------------------------------

SERVICE_ONLY = ("Judges the running service's files only (role `service`); tests, fixtures, scripts, migrations, "
                "CLI commands, examples, generated and vendored code, load tests and infrastructure are not "
                "counted. See `readiness explain roles`; `paths:` in readiness.yaml overrides a file's role.")


def roles_markdown() -> str:
    """What ``readiness explain roles`` prints: every role, how it is decided and how to override it."""
    lines = [
        "# File roles",
        "",
        "Every file has one role. Checks judge the running service; the role says how other code counts.",
        "",
        "| role | what it covers |",
        "|---|---|",
        *(f"| `{role}` | {DESCRIPTIONS[role]} |" for role in ROLES),
        "",
        "## How a role is decided",
        "",
        "1. `paths:` in readiness.yaml: the first glob that matches (keys: "
        + ", ".join(f"`{k}`" for k in OVERRIDE_KEYS) + ").",
        "2. The path, in the layouts real projects use (`tests/` at any depth, `conftest.py`, `*_tests.py`, "
        "behave `features/steps/`, `migrations/`, `alembic/versions`, `management/commands/`, `scripts/`, "
        "`bin/`, `docs/`, `examples/`, `fixtures/`, `testdata/`, `vendor/`, `locustfile.py`, `.github/`, ...).",
        "3. For files the path leaves as `service`, what the project's own configuration declares: files "
        "matching pytest's `python_files` patterns (within `testpaths`) are tests; what ruff's `exclude` and "
        "`extend-exclude` leave out is generated or vendored code (pyproject.toml, pytest.ini, setup.cfg, tox.ini, "
        "ruff.toml at the root or up to two folders below it).",
        "   A `tools/` folder that is a subpackage (an `__init__.py` in it and in the folder above) is the service's own "
        "code, an agent's tools or a scanner's parsers, and is judged by the rest of its path.",
        "4. For Python files still `service`, what the file does: an Alembic revision or Django "
        "`Migration` is a migration; a module (without routes) whose main guard parses arguments or starts no "
        "server below an `ArgumentParser`, that builds its parser at module level, whose functions take "
        "`argparse.Namespace` (a subcommand's implementation), that reads `sys.argv[1]` and exits, or that "
        "defines a click group or typer app, is a CLI; a `commands.py` that imports click or defines a "
        "`Command` is a CLI.",
        "5. Coverage's `omit` (.coveragerc, setup.cfg, tox.ini, pyproject.toml) is only a hint: real services omit "
        "their settings, views and entry points from coverage because they are hard to test. A file it omits is a "
        "script only when it also runs by hand: a main guard that starts no server and no app.",
        "6. A module still `service` that only CLI commands import (tests and scripts aside; relative imports "
        "resolved) is a command's helper and counts as CLI: an index rebuild's printing tools that only "
        "`manage.py` runs. It stays `service` when a service module imports it too, when nothing imports it, "
        "when it is a package `__init__` or a module frameworks load by name (tasks, signals, models, views, "
        "urls, settings...), when it has routes or builds the app, when a settings module or a deployment "
        "file names it, and when a command that imports it starts the server, a worker or a scheduler (it runs "
        "in production).",
        "7. A module run to set the service up is a command and counts as CLI, unless it has routes, builds the "
        "app or starts a server: one a Dockerfile runs while it builds the image (`RUN python version.py`), and "
        "one a start-up script runs in the foreground before it starts the server (`python plugin.py` ahead "
        "of `exec gunicorn ...`).",
        "",
        "## How roles count",
        "",
        "- Count checks (`print-call`, `todo-comment`, `hardcoded-value`, `swallowed-exception`, `sast-findings`, "
        "`missing-timeout`) judge `service` files only; their densities are per 1 000 service lines.",
        "- `default-secret` judges the service, CLI commands and infrastructure code: they run with production's "
        "environment, so a literal fallback there works silently in production too.",
        "- `hardcoded-secret` reports any literal secret in service, CLI, script and infrastructure files; in "
        "tests, migrations, examples and generated code only a live-looking token of a known format (AWS, GitHub, "
        "Slack, ...); never in fixtures (sample data).",
        "- JSON findings carry their file's role (`role`).",
        "",
        "## A service inside a repository",
        "",
        "Scanning a folder of a git repository (`readiness scan services/orders`) judges that folder's code, and "
        "still reads the repository's CI (`.github/workflows`, `.gitlab-ci.yml`, pre-commit), infrastructure "
        "(Terraform, Helm, compose, Kubernetes manifests) and dependency-bot configuration at the git root, the "
        "nearest folder above with `.git` (a few levels at most; symlinks are never followed). Those files keep "
        "their path relative to the git root. Scanning a monorepo's root judges it as one tree and notes the "
        "services it found (a folder with a pyproject, setup.py, requirements or Dockerfile and an app entry "
        "point): scan each service folder with `--output NAME.json` and roll them up with "
        "`readiness report A.json B.json`.",
        "",
        "```yaml",
        "paths:",
        "  service: [\"app/scripts/worker_entry.py\"]   # code that runs in production despite its folder",
        "  scripts: [\"ops/**\"]",
        "  migrations: [\"db/changes/**\"]",
        "```",
        "",
    ]
    return "\n".join(lines)
