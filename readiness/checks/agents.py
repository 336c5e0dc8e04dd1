"""What counts as evidence of a practice: the tables of equivalents, and the vendor agents found once per scan.

Each practice keeps one table of ``Equivalent`` entries (imports, calls, arguments, settings, files and
purposes that count, and the look-alikes that do not). The checks consult their table, and
``readiness explain`` and ``docs/checks/`` list it, so adding an equivalent is one entry plus its example.

Vendor tracing and metrics agents are shared by the tracing and monitoring checks.

Many services never import OpenTelemetry yet trace every request: Sentry with a traces sample rate,
the Elastic APM agent, New Relic (``newrelic-admin run-program``), Datadog (``ddtrace-run``),
Scout APM or Logfire. Each is an equivalent of an SDK plus an exporter, and instruments frameworks and clients
on its own; some also push metrics. A Sentry set-up without a positive sample rate (or a sampler)
sends errors only, and is not tracing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable

from readiness.lazy_regex import lazy_compile
from readiness.model import Evidence
from readiness.paths import is_application_path, is_settings_path
from readiness.project import Project
from readiness.routes import call_name, dotted, imported_modules
from readiness.source import SourceFile


@dataclass(frozen=True)
class Equivalent:
    """One entry of a practice's table: what is matched, whether it is the practice, and why."""

    kind: str  # import, call, argument, header, setting, file, deployment, purpose, host
    names: tuple[str, ...]
    counts: bool  # True: evidence of the practice; False: a look-alike that is not
    why: str

    def matches(self, words: Iterable[str]) -> str | None:
        """The first of ``names`` among ``words`` (lower-case tokens), if any."""
        wanted = {n.lower() for n in self.names}
        return next((w for w in words if w in wanted), None)


def equivalents_markdown(entries: Iterable[Equivalent]) -> list[str]:
    """The "What counts" section of a check's page: its table of equivalents and look-alikes."""
    entries = list(entries)
    if not entries:
        return []
    out = ["## What counts", "", "| counts | kind | names | why |", "|---|---|---|---|"]
    for entry in entries:
        names = ", ".join(f"`{n}`" for n in entry.names)
        out.append(f"| {'yes' if entry.counts else 'no'} | {entry.kind} | {names} | {entry.why} |")
    out.append("")
    return out


ALL = "*"  # an agent that instruments every supported library it finds installed

DEPLOY_GLOBS = (
    "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerfile", "**/Containerfile", "**/Procfile", "**/*.yaml", "**/*.yml",
    "**/.env", "**/.env.*", "**/*.env", "**/Makefile", "**/*.sh", "**/*.json", "**/*.tf", "**/*.tfvars",
)
# JSON and Terraform files count only as deployment descriptions (ECS task definitions and the like).
_DEPLOY_JSON = lazy_compile(r"(task|ecs|deploy|infra|k8s|kube|helm|container|service|manifest)[^/]*$|"
                          r"(deploy|infra|ecs|k8s|kube|helm|terraform)[^/]*/", re.IGNORECASE)
_DEPLOY_MARKERS = ("opentelemetry", "OTEL_", "ddtrace-run", "newrelic-admin")
_DDTRACE_RUN = lazy_compile(r"\bddtrace-run\b")
_NEWRELIC_RUN = lazy_compile(r"\bnewrelic-admin\s+run-(program|python)\b")

_SENTRY_INTEGRATIONS = {
    "DjangoIntegration": "django", "FlaskIntegration": "flask", "FastApiIntegration": "fastapi",
    "StarletteIntegration": "starlette", "CeleryIntegration": "celery", "RedisIntegration": "redis",
    "PyMongoIntegration": "pymongo", "HttpxIntegration": "httpx", "AioHttpIntegration": "aiohttp",
    "StdlibIntegration": "requests",
}
_LOGFIRE_INSTRUMENT = {
    "instrument_fastapi": "fastapi", "instrument_flask": "flask", "instrument_django": "django",
    "instrument_starlette": "starlette", "instrument_requests": "requests", "instrument_httpx": "httpx",
    "instrument_aiohttp_client": "aiohttp", "instrument_redis": "redis", "instrument_pymongo": "pymongo",
    "instrument_celery": "celery",
}
_NEWRELIC_METRIC_CALLS = frozenset({"newrelic.agent.record_custom_metric", "newrelic.agent.record_custom_metrics",
                                    "newrelic.agent.record_dimensional_metric", "newrelic.agent.record_custom_event"})
_AGENT_MODULES = frozenset({"sentry_sdk", "elasticapm", "ddtrace", "newrelic", "logfire", "scout_apm"})
# Agents a Django project starts by listing their app in INSTALLED_APPS, often in a settings module that
# imports nothing of theirs.
_DJANGO_AGENT_APPS = {"scout_apm.django": "Scout APM"}


@dataclass(frozen=True)
class Agent:
    """One vendor agent set up in the project."""

    vendor: str
    evidence: Evidence
    tracing: bool = True  # configures tracing and sends spans to the vendor (SDK and exporter in one)
    covers: frozenset[str] = frozenset()  # profile components it instruments; ALL for every one it supports
    metrics: bool = False  # pushes application metrics to the vendor


def deploy_lines(project: Project) -> list[tuple[str, int, str]]:
    """(file, line, text) of deployment and environment files that mention tracing or an agent, read once."""
    def read(p: Project) -> list[tuple[str, int, str]]:
        out = []
        for rel in p.glob(*DEPLOY_GLOBS):
            if not is_application_path(rel) or rel.startswith(".github/") or rel.endswith("readiness.yaml"):
                continue
            if rel.endswith((".json", ".tf", ".tfvars")) and (
                not _DEPLOY_JSON.search(rel) or rel.endswith(("package.json", "package-lock.json", "tsconfig.json"))
            ):
                continue
            text = p.read_text(rel)
            if text is None or not any(m in text for m in _DEPLOY_MARKERS):
                continue
            out.extend((rel, i, line) for i, line in enumerate(text.splitlines(), 1))
        return out
    return project.tool("deploy-lines", read)


def agents(project: Project) -> tuple[Agent, ...]:
    """Every vendor agent the service runs under or configures in code, found once per scan."""
    return project.tool("vendor-agents", _find_agents)


def tracing_agents(project: Project) -> list[Agent]:
    return [a for a in agents(project) if a.tracing]


def metrics_agents(project: Project) -> list[Agent]:
    return [a for a in agents(project) if a.metrics]


def _find_agents(project: Project) -> tuple[Agent, ...]:
    found: list[Agent] = []
    seen: set[str] = set()
    for rel, n, line in deploy_lines(project):
        if line.lstrip().startswith("#"):
            continue
        if _DDTRACE_RUN.search(line) and "ddtrace-run" not in seen:
            seen.add("ddtrace-run")
            found.append(Agent("Datadog", Evidence("ddtrace-run runs the service", rel, n), covers=frozenset({ALL})))
        if _NEWRELIC_RUN.search(line) and "newrelic-admin" not in seen:
            seen.add("newrelic-admin")
            found.append(Agent("New Relic", Evidence("newrelic-admin run-program runs the service", rel, n),
                               covers=frozenset({ALL}), metrics=True))
    files = [path for path, modules in sorted(project.imports.items())
             if (modules & _AGENT_MODULES or _lists_agent_app(project, path)) and is_application_path(path)]
    for rel in files:
        text = project.read_text(rel)
        if text is None:
            continue
        source = SourceFile.from_text(rel, text)
        if source.tree is not None:
            found.extend(_file_agents(project, source))
    if not any(a.vendor == "New Relic" and a.tracing for a in found):
        found.extend(_newrelic_started_outside(project))
    return tuple(found)


def _newrelic_started_outside(project: Project) -> Iterable[Agent]:
    """New Relic declared as a runtime dependency, with its ``newrelic.ini`` or code that calls its API: the
    agent is started by the deployment (``NEW_RELIC_CONFIG_FILE`` and ``newrelic-admin`` in an ops repository),
    which is why the package is installed. Declared alone, or imported alone, it is not evidence."""
    from readiness.profile import declared_distributions

    if "newrelic" not in declared_distributions(project):
        return
    for rel in project.glob("**/newrelic.ini"):
        if is_application_path(rel) and not rel.startswith(".github/"):
            yield _newrelic_outside(Evidence("New Relic agent declared and configured (newrelic.ini)", rel, 1))
            return
    for path, modules in sorted(project.imports.items()):
        if "newrelic" in modules and is_application_path(path):
            yield _newrelic_outside(Evidence("New Relic agent declared, its API used", path, _import_line(project, path)))
            return


def _newrelic_outside(evidence: Evidence) -> Agent:
    return Agent("New Relic", evidence, covers=frozenset({ALL}), metrics=True)


def _import_line(project: Project, path: str) -> int:
    """The line of the file's first ``newrelic`` import; kept with the file, so a rescan does not parse it again."""
    return int(project.text_fact("newrelic-import-line", path, _newrelic_import_line))


def _newrelic_import_line(text: str) -> int:
    lines = [line for module, line in imported_modules(SourceFile.from_text("", text))
             if module.split(".")[0] == "newrelic"]
    return min(lines, default=0)


def _lists_agent_app(project: Project, path: str) -> bool:
    """A Django settings module that names an agent's app: only those are parsed again here."""
    if "django" not in project.all_imports or not is_settings_path(path):
        return False
    return bool(project.text_fact("names-agent-app", path, _names_agent_app))


def _names_agent_app(text: str) -> bool:
    return any(app in text for app in _DJANGO_AGENT_APPS)


def _file_agents(project: Project, source: SourceFile) -> Iterable[Agent]:
    imports = source.imports
    names = source.import_map
    if "sentry_sdk" in imports:
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) == "init" and _qualified(call.func, names) == "sentry_sdk.init":
                agent = _sentry(project, source, call)
                if agent is not None:
                    yield agent
    if ("elasticapm" in imports or "elasticapm.contrib" in source.text) \
            and not _optional_and_undeclared(project, source, "elasticapm"):
        yield from _elastic(source, names)
    if "newrelic" in imports and not _optional_and_undeclared(project, source, "newrelic"):
        recorded = None
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            qualified = _qualified(call.func, names)
            if call_name(call) == "initialize" and qualified.startswith("newrelic.agent"):
                yield Agent("New Relic", Evidence("New Relic agent initialised", source.path, call.lineno),
                            covers=frozenset({ALL}), metrics=True)
                break
            if recorded is None and qualified in _NEWRELIC_METRIC_CALLS:
                recorded = call
        else:
            if recorded is not None:  # the agent the service runs under carries them: metrics, not tracing
                yield Agent("New Relic", Evidence(f"New Relic custom metrics ({call_name(recorded)})", source.path,
                                                  recorded.lineno), tracing=False, metrics=True)
    if "ddtrace" in imports and not _optional_and_undeclared(project, source, "ddtrace"):
        yield from _ddtrace(source, names)
    if "logfire" in imports and not _optional_and_undeclared(project, source, "logfire"):
        yield from _logfire(source, names)
    yield from _scout(source, names)


def _optional_and_undeclared(project: Project, source: SourceFile, module: str) -> bool:
    """``try: import logfire`` / ``except ModuleNotFoundError: return`` (or ``import newrelic.agent`` / ``except
    ImportError: pass``), and no manifest of the project asks for it: the agent is set up only where someone
    installs it by hand, which the service as shipped never does."""
    from readiness.profile import declared_distributions, optional_distributions

    optional = any(isinstance(node, ast.Try) and any(
        isinstance(stmt, (ast.Import, ast.ImportFrom)) and any(
            (a.name if isinstance(stmt, ast.Import) else stmt.module or "").split(".")[0] == module for a in stmt.names)
        for stmt in node.body) and any(
        dotted(t).rpartition(".")[2] in ("ImportError", "ModuleNotFoundError")
        for h in node.handlers if h.type for t in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))
        for node in source.nodes(ast.Try))
    if not optional:
        return False
    declared = declared_distributions(project)
    return bool(declared) and module not in declared and module not in optional_distributions(project)


def _scout(source: SourceFile, names: dict[str, str]) -> Iterable[Agent]:
    """Scout APM traces each request and pushes its metrics: ``ScoutApm(app)`` (Flask), its ASGI middleware,
    ``scout_apm.api.install()``, or ``"scout_apm.django"`` among a Django project's apps."""
    if "scout_apm" not in source.text:
        return
    line = 0
    for node in source.nodes(ast.Constant):
        if getattr(node, "value", None) in _DJANGO_AGENT_APPS:
            line = getattr(node, "lineno", 0)
            break
    if not line and "scout_apm" in source.imports:
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            qualified = _qualified(call.func, names)
            if qualified.startswith("scout_apm") and call_name(call) in ("ScoutApm", "ScoutMiddleware", "install"):
                line = call.lineno
                break
            if call_name(call) == "add_middleware" and any(_qualified(a, names).startswith("scout_apm")
                                                          for a in call.args):
                line = call.lineno
                break
    if line:
        yield Agent("Scout APM", Evidence("Scout APM agent", source.path, line), covers=frozenset({ALL}), metrics=True)


def _qualified(func: ast.AST, names: dict[str, str]) -> str:
    text = dotted(func)
    head, _, rest = text.partition(".")
    full = names.get(head, head)
    return f"{full}.{rest}" if rest else full


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _sentry(project: Project, source: SourceFile, call: ast.Call) -> Agent | None:
    sampler = _keyword(call, "traces_sampler")
    rate = _keyword(call, "traces_sample_rate")
    if sampler is not None and not (isinstance(sampler, ast.Constant) and sampler.value is None):
        what = "Sentry performance tracing (traces_sampler)"
    elif rate is not None and (_number(project, source, rate, 3) or 0) > 0:
        what = f"Sentry performance tracing (traces_sample_rate {_number(project, source, rate, 3):g})"
    else:
        return None  # errors only, or a rate that is zero or cannot be told
    explicit = set()
    integrations = _keyword(call, "integrations")
    if integrations is not None:
        for node in ast.walk(integrations):
            if isinstance(node, ast.Call) and call_name(node) in _SENTRY_INTEGRATIONS:
                explicit.add(_SENTRY_INTEGRATIONS[call_name(node)])
    if _is_false(_keyword(call, "default_integrations")):
        covers = explicit
    elif _is_false(_keyword(call, "auto_enabling_integrations")):
        covers = explicit | {"requests"}
    else:
        covers = explicit | {ALL}  # auto-enabled for installed libraries; Celery only when wired explicitly
    return Agent("Sentry", Evidence(what, source.path, call.lineno), covers=frozenset(covers))


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _elastic(source: SourceFile, names: dict[str, str]) -> Iterable[Agent]:
    start: ast.AST | None = None
    celery = "elasticapm.contrib.celery" in source.text
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        qualified = _qualified(call.func, names)
        if not qualified.startswith("elasticapm"):
            continue
        if call_name(call) in ("ElasticAPM", "make_apm_client", "instrument", "Client") and start is None:
            start = call
        if call_name(call) in ("register_instrumentation", "register_exception_tracking"):
            celery = True
    line = getattr(start, "lineno", 0)
    if start is None:
        for node in source.nodes(ast.Constant):
            if getattr(node, "value", None) == "elasticapm.contrib.django":
                line = getattr(node, "lineno", 0)
                break
        else:
            return
    covers = {ALL, "celery"} if celery else {ALL}
    yield Agent("Elastic APM", Evidence("Elastic APM agent", source.path, line), covers=frozenset(covers), metrics=True)


def _ddtrace(source: SourceFile, names: dict[str, str]) -> Iterable[Agent]:
    for node in source.nodes(ast.Import, ast.ImportFrom):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [getattr(node, "module", "") or ""]
        if "ddtrace.auto" in modules:
            yield Agent("Datadog", Evidence("ddtrace.auto imported", source.path, getattr(node, "lineno", 0)),
                        covers=frozenset({ALL}))
            return
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        qualified = _qualified(call.func, names)
        if not qualified.startswith("ddtrace"):
            continue
        if call_name(call) == "patch_all":
            yield Agent("Datadog", Evidence("ddtrace patch_all()", source.path, call.lineno), covers=frozenset({ALL}))
            return
        if call_name(call) == "patch":
            covers = {k.arg for k in call.keywords
                      if k.arg and isinstance(k.value, ast.Constant) and k.value.value is True}
            yield Agent("Datadog", Evidence("ddtrace patch()", source.path, call.lineno), covers=frozenset(covers))
            return


def _logfire(source: SourceFile, names: dict[str, str]) -> Iterable[Agent]:
    configure: ast.Call | None = None
    covers: set[str] = set()
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if not _qualified(call.func, names).startswith("logfire"):
            continue
        if call_name(call) == "configure":
            configure = call
        elif call_name(call) in _LOGFIRE_INSTRUMENT:
            covers.add(_LOGFIRE_INSTRUMENT[call_name(call)])
    if configure is not None:
        sends = not _is_false(_keyword(configure, "send_to_logfire"))
        yield Agent("Logfire", Evidence("Logfire configured", source.path, configure.lineno),
                    tracing=sends, covers=frozenset(covers))
    elif covers:
        first = next(c for c in source.nodes(ast.Call) if call_name(c) in _LOGFIRE_INSTRUMENT)
        yield Agent("Logfire", Evidence("Logfire instrumentation", source.path, getattr(first, "lineno", 0)),
                    tracing=False, covers=frozenset(covers))


# -- resolving a sample rate ------------------------------------------------------------------

_ENV_GETTERS = frozenset({"get", "getenv", "float", "int", "config", "env", "str", "get_value"})


def _number(project: Project, source: SourceFile | None, node: ast.AST | None, depth: int) -> float | None:
    """The value of a sample-rate expression: a literal, a settings name, or an env lookup's default."""
    if node is None or depth < 0:
        return None
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return None
    if isinstance(node, ast.Call):
        name = call_name(node)
        if name in ("float", "int") and isinstance(node.func, ast.Name) and node.args:
            return _number(project, source, node.args[0], depth)
        if name in _ENV_GETTERS:
            default = _keyword(node, "default")
            if default is None and len(node.args) >= 2:
                default = node.args[1]
            return _number(project, source, default, depth - 1) if default is not None else None
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _number(project, None, assigned_value(project, source, name), depth - 1)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        # app.config["SENTRY_TRACES_SAMPLE_RATE"]: the setting a config class or settings module assigns
        return _number(project, None, assigned_value(project, source, node.slice.value), depth - 1)
    return None


def assigned_value(project: Project, source: SourceFile | None, name: str) -> ast.expr | None:
    """The expression a module- or class-level name is set to: in this file first, else anywhere in the project."""
    if source is not None and source.tree is not None:
        for stmt in source.tree.body:
            value = _assignment(stmt, name)
            if value is not None:
                return value
    pattern = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*(?::[^=\n]+)?=[ \t]*(?!=)(.+)$", re.MULTILINE)
    for rel in project.python_files:
        if not is_application_path(rel):
            continue
        text = project.read_text(rel) or ""
        if name not in text:
            continue
        match = pattern.search(text)
        if match:
            try:
                return ast.parse(match.group(1).strip(), mode="eval").body
            except SyntaxError:
                continue
    return None


def _assignment(stmt: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
        return stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
        return stmt.value
    return None


def covered(agent: Agent, used: Iterable[str]) -> set[str]:
    """The used components an agent instruments (Celery only when the agent says so explicitly)."""
    used = set(used)
    if ALL in agent.covers:
        return {c for c in used if c != "celery" or "celery" in agent.covers or agent.vendor in ("New Relic", "Datadog")}
    return used & agent.covers


# -- tables of what counts, per check ---------------------------------------------------------

TRACING_EQUIVALENTS = (
    Equivalent("import", ("opentelemetry.sdk.trace",), True, "the OpenTelemetry SDK and a TracerProvider"),
    Equivalent("deployment", ("opentelemetry-instrument", "opentelemetry-distro"), True,
               "auto-instrumentation of every installed library"),
    Equivalent("setting", ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER"), True,
               "the exporter configured in Dockerfiles, compose, Kubernetes, ECS or .env files"),
    Equivalent("call", ("sentry_sdk.init(traces_sample_rate>0)", "sentry_sdk.init(traces_sampler=...)"), True,
               "Sentry performance tracing"),
    Equivalent("call", ("elasticapm.contrib.*", "ElasticAPM(app)"), True, "the Elastic APM agent"),
    Equivalent("deployment", ("ddtrace-run", "ddtrace.auto", "ddtrace.patch_all()"), True, "Datadog tracing"),
    Equivalent("deployment", ("newrelic-admin run-program", "newrelic.agent.initialize()"), True, "the New Relic agent"),
    Equivalent("file", ("newrelic declared + newrelic.ini", "newrelic declared + newrelic.api imported"), True,
               "the New Relic agent, started by a deployment kept outside the repository"),
    Equivalent("file", ("newrelic declared only",), False, "an installed package nothing configures or uses"),
    Equivalent("call", ("logfire.configure()", "logfire.instrument_*()"), True, "Logfire"),
    Equivalent("call", ("tracer.start_as_current_span()",), True, "hand-written spans count as instrumentation"),
    Equivalent("call", ("sentry_sdk.init(dsn=...)",), False, "Sentry without a sample rate sends errors only"),
    Equivalent("call", ("logfire.configure(send_to_logfire=False)",), False, "spans kept in the process"),
    Equivalent("setting", ("if settings.TRACING_ENABLED: add_span_processor(...)",), False,
               "an exporter inside a block disabled by default is not configured"),
)


def equivalents_of(check: type) -> tuple[Equivalent, ...]:
    """A check's table of what counts and what only looks alike: its own ``equivalents``, else the table built
    from the constants its module consults."""
    own = tuple(getattr(check, "equivalents", ()))
    if own:
        return own
    check_id = getattr(check, "id", "")
    if check_id in ("otel-sdk", "otel-instrumentation", "trace-exporter"):
        return TRACING_EQUIVALENTS
    if check_id in ("metrics-exported", "metrics-endpoint", "structured-logging", "correlation-ids"):
        return _monitoring_equivalents().get(check_id, ())
    return ()


def _monitoring_equivalents() -> dict[str, tuple[Equivalent, ...]]:
    from readiness.checks import monitoring as m  # the monitoring checks import this module: read their tables late

    pushed = set(m._PUSH_MODULES)
    return {
        "metrics-exported": (
            *(Equivalent("import", (module,), True, label + (" (pushed)" if module in pushed else ""))
              for module, label in m._METRIC_MODULES.items()),
            Equivalent("deployment", ("New Relic", "Elastic APM"), True, "vendor agents that push metrics"),
            Equivalent("call", ("pushgateway: push_to_gateway()",), True, "Prometheus pushgateway"),
            Equivalent("file", ("prometheus_client imported only by tests",), False, "the running service exports nothing"),
            Equivalent("call", ("a report or analytics module named metrics",), False, "business figures, not telemetry"),
            Equivalent("call", ("@newrelic.agent.function_trace()",), False, "a traced function records no metric of its own"),
        ),
        "metrics-endpoint": (
            *(Equivalent("call", (call,), True, label) for call, label in m._ENDPOINT_CALLS.items()),
            Equivalent("call", ("/metrics route serving version=0.0.4 text",), True, "the project's own Prometheus text"),
            *(Equivalent("import", (module,), False, f"{label} pushes metrics: the check is n/a with its reason")
              for module, label in m._PUSH_MODULES.items()),
            Equivalent("call", ("/metrics route returning business JSON",), False, "an analytics API, not Prometheus"),
        ),
        "structured-logging": (
            *(Equivalent("import", (module,), True, label) for module, label in m._JSON_LOG_MODULES.items()),
            Equivalent("call", ("class JsonFormatter(logging.Formatter): json.dumps(record)",), True,
                       "a formatter that serialises the record"),
            Equivalent("call", ("logger.add(serialize=True)",), True, "loguru JSON output"),
            Equivalent("file", ("logging.yaml with a JSON formatter",), True, "dictConfig files"),
            Equivalent("call", ("class NewsFormatter",), False, "any class named *Formatter that does not serialise"),
        ),
        "correlation-ids": (
            *(Equivalent("import", (module,), True, label) for module, label in m._CORRELATION_MODULES.items()),
            Equivalent("call", ("request.headers.get('X-Request-ID')", "response.headers['X-Request-ID'] = ..."),
                       True, "a project middleware that reads or sets the request id"),
            Equivalent("setting", ("if app.config.get('LOG_REQUEST_HEADERS', False): log X-Request-Id",), False,
                       "an access-log field behind a setting that is off by default"),
        ),
    }
