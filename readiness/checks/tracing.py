"""Distributed tracing checks: an OpenTelemetry SDK, instrumented frameworks and clients, an exporter.

Code is read per file; Dockerfiles, Procfiles, compose files, Kubernetes manifests, ECS task
definitions and .env files are read as text for ``opentelemetry-instrument`` (auto-instrumentation)
and ``OTEL_*`` settings. Vendor agents that trace (Sentry with a sample rate, Elastic APM, New Relic, Scout APM,
Datadog, Logfire; see ``agents``) are equivalents of the SDK, its instrumentors and its exporter.
A project with no web framework or task worker is a library: tracing is the application's job, n/a.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Mapping

from readiness.checks.agents import Agent, agents, assigned_value, covered, deploy_lines, tracing_agents
from readiness.checks.base import Check, Collected, Example, FileOutcome, Verdict
from readiness.checks.monitoring import LIBRARY_REASON, call_marks, module_marks
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence, Share
from readiness.model import Evidence
from readiness.paths import is_application_path
from readiness.profile import CLIENTS, FRAMEWORKS, Profile, component_of, declared_distributions, profile_of
from readiness.project import Project
from readiness.routes import call_name, dotted
from readiness.source import SourceFile

_AUTO = lazy_compile(r"\bopentelemetry-instrument\b")
_EXPORTER_ENV = lazy_compile(r"\bOTEL_EXPORTER_(OTLP|JAEGER|ZIPKIN)\w*")
_TRACES_EXPORTER = lazy_compile(r"\bOTEL_TRACES_EXPORTER\b\W*(\w+)?")

# Instrumentor class -> the profile component it covers.
INSTRUMENTORS: Mapping[str, str] = {
    "FastAPIInstrumentor": "fastapi", "FlaskInstrumentor": "flask", "DjangoInstrumentor": "django",
    "StarletteInstrumentor": "starlette", "RequestsInstrumentor": "requests", "HTTPXClientInstrumentor": "httpx",
    "AioHttpClientInstrumentor": "aiohttp", "AioHttpServerInstrumentor": "aiohttp.web", "PymongoInstrumentor": "pymongo",
    "RedisInstrumentor": "redis", "CeleryInstrumentor": "celery", "OpenTelemetryMiddleware": "starlette",
}
# Components an instrumentor of another covers (motor and the ODMs run on pymongo).
_COVERED_BY = {"motor": "pymongo", "mongoengine": "pymongo", "beanie": "pymongo"}


def auto_instrumentation(project: Project) -> list[Evidence]:
    return [Evidence("opentelemetry-instrument runs the service", rel, n)
            for rel, n, line in deploy_lines(project) if _AUTO.search(line) and not line.lstrip().startswith("#")]


_INITIALISED = "auto_instrumentation.initialize() called"


def _initialize_marks(source: SourceFile) -> list[Evidence]:
    """``auto_instrumentation.initialize()``: what ``opentelemetry-instrument`` does, from code."""
    if "auto_instrumentation" not in source.text:
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) == "initialize" and "auto_instrumentation" in dotted(call.func):
            return [Evidence(_INITIALISED, source.path, call.lineno)]
    return []


def _distro(project: Project) -> bool:
    return "opentelemetry-distro" in declared_distributions(project)


class _TracingCheck(Check):
    category = "tracing"
    needles = ("opentelemetry", "TracerProvider", "Instrumentor", "Exporter", "configure_azure_monitor",
               "start_as_current_span", "start_span")

    def marks(self, source: SourceFile) -> list[Evidence]:
        return []

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        found = self.marks(source)
        return FileOutcome(evidence=found) if found else None

    def not_applicable(self, profile: Profile) -> Verdict | None:
        if not profile.service:
            return Verdict(NotApplicable(LIBRARY_REASON))
        return None


_SERVICE = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
_LIBRARY = Example({"mylib/__init__.py": "import requests\n\n\ndef get(url):\n    return requests.get(url, timeout=5)\n"},
                   status="n/a", note="a library with an HTTP client but no service framework")
_SDK = (
    "from opentelemetry import trace\nfrom opentelemetry.sdk.trace import TracerProvider\n"
    "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n"
    "from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter\n\n"
    "provider = TracerProvider()\nprovider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n"
    "trace.set_tracer_provider(provider)\n"
)


_SENTRY_TRACED = (
    "import os\n\nimport sentry_sdk\nfrom sentry_sdk.integrations.celery import CeleryIntegration\n\n"
    "sentry_sdk.init(dsn=os.environ.get('SENTRY_DSN'), integrations=[CeleryIntegration()],\n"
    "                traces_sample_rate=float(os.environ.get('SENTRY_TRACES_SAMPLE_RATE', '0.2')))\n"
)
_SENTRY_FROM_CONFIG = {
    "app/config.py": "import os\n\n\nclass Config:\n"
                     "    SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get('SENTRY_TRACES_SAMPLE_RATE', '0.1'))\n",
    "app/monitoring.py": "import sentry_sdk\n\n\ndef init_sentry(app):\n"
                         "    sentry_sdk.init(app.config['SENTRY_DSN'],\n"
                         "                    traces_sample_rate=app.config['SENTRY_TRACES_SAMPLE_RATE'])\n",
}
_LOGFIRE_OPTIONAL = (
    "import logging\n\n\ndef setup_tracing(service_name: str) -> None:\n    try:\n        import logfire\n"
    "    except ModuleNotFoundError:\n        logging.warning('tracing requested but logfire is not installed')\n"
    "        return\n    logfire.configure(service_name=service_name)\n"
)
# The New Relic agent started by a deployment kept elsewhere: declared, configured by its ini file.
_NEWRELIC_OUTSIDE = {
    "requirements.txt": "fastapi\nrequests\nnewrelic==9.0\n",
    "deploy/newrelic.ini": "[newrelic]\napp_name = orders\nmonitor_mode = true\ntransaction_tracer.enabled = true\n",
}
_NEWRELIC_LINKED_LOGS = (
    "import structlog\n\n\nclass LinkTraces:\n    def __call__(self, logger, method, event):\n"
    "        from newrelic.api.time_trace import get_linking_metadata\n\n"
    "        event.update(get_linking_metadata())\n        return event\n\n\n"
    "structlog.configure(processors=[LinkTraces()])\n"
)
_SENTRY_ERRORS = (
    "import os\n\nimport sentry_sdk\n\nRATE = float(os.environ.get('SENTRY_TRACES_SAMPLE_RATE', '0.0'))\n"
    "sentry_sdk.init(dsn=os.environ.get('SENTRY_DSN'), traces_sample_rate=RATE)\n"
)


class OtelSdk(_TracingCheck):
    id = "otel-sdk"
    severity = "high"
    effort = "1d"
    title = "OpenTelemetry SDK configured"
    rationale = (
        "Without a configured tracer provider every span is a no-op: the service cannot show where a slow or "
        "failing request spent its time across services and databases."
    )
    remediation = (
        "Configure the SDK at start-up: `provider = TracerProvider(resource=Resource.create({\"service.name\": ...}))`, "
        "add a `BatchSpanProcessor` with an exporter, `trace.set_tracer_provider(provider)`; or run the service "
        "under `opentelemetry-instrument`."
    )
    scoring = ("Presence: a TracerProvider created in code, opentelemetry-instrument in a deployment file (or "
               "auto_instrumentation.initialize() with opentelemetry-distro), or a vendor agent that traces: Sentry "
               "with a positive traces_sample_rate or a traces_sampler, Elastic APM, New Relic, ddtrace, Logfire, Scout APM.")
    examples = (
        Example({**_SERVICE, "app/tracing.py": _SDK}, status="pass"),
        Example({**_SERVICE, "Dockerfile": "FROM python:3.12\nCMD [\"opentelemetry-instrument\", \"uvicorn\", "
                                           "\"app.main:app\"]\n"}, status="pass", note="auto-instrumentation"),
        Example({**_SERVICE, "app/tracing.py": "from opentelemetry import trace\n\ntracer = trace.get_tracer(__name__)\n"},
                status="fail", note="the API alone records nothing"),
        Example({**_SERVICE, "app/monitoring.py": _SENTRY_TRACED}, status="pass",
                note="Sentry performance tracing is a vendor equivalent"),
        Example({**_SERVICE, "requirements.txt": "fastapi\nlogfire\n", "app/tracing.py": _LOGFIRE_OPTIONAL},
                status="pass", note="Logfire, a declared dependency, configured"),
        Example({**_SERVICE, "requirements.txt": "fastapi\n", "app/tracing.py": _LOGFIRE_OPTIONAL}, status="fail",
                note="Logfire set up only where someone installs it by hand: no manifest asks for it"),
        Example({**_SERVICE, "requirements.txt": "fastapi\n",
                 "app/app.py": "import os\n\nif os.environ.get('NEW_RELIC_LICENSE_KEY'):\n    try:\n"
                               "        import newrelic.agent\n\n        newrelic.agent.initialize('newrelic.ini')\n"
                               "    except ImportError:\n        pass\n"}, status="fail",
                note="New Relic initialised only if someone installs it by hand: no manifest asks for it"),
        Example({**_SERVICE, "requirements.txt": "fastapi\n",
                 "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['fastapi']\n\n"
                                   "[project.optional-dependencies]\nmonitoring = ['newrelic']\ntest = ['pytest']\n",
                 "app/app.py": "try:\n    import newrelic.agent\nexcept ImportError:\n    newrelic = None\n\n\n"
                               "def wrap(app, settings):\n    if settings.get('newrelic_config'):\n"
                               "        newrelic.agent.initialize(settings['newrelic_config'])\n"
                               "        app = newrelic.agent.WSGIApplicationWrapper(app)\n    return app\n"}, status="pass",
                note="New Relic from the project's monitoring extra, which a deployment installs"),
        Example({**_SERVICE, "requirements.txt": "fastapi\nnewrelic\n",
                 "app/app.py": "import newrelic.agent\n\nnewrelic.agent.initialize('newrelic.ini')\n"}, status="pass",
                note="the New Relic agent, declared and initialised"),
        Example({**_SERVICE, **_SENTRY_FROM_CONFIG}, status="pass",
                note="Sentry's sample rate read from the app's config, which a config class sets"),
        Example({**_SERVICE, **_SENTRY_FROM_CONFIG, "app/config.py": _SENTRY_FROM_CONFIG["app/config.py"].replace("0.1", "0")},
                status="fail", note="the same with a sample rate of 0: errors only"),
        Example({**_SERVICE, "app/monitoring.py": _SENTRY_ERRORS}, status="fail",
                note="Sentry without a sample rate reports errors only"),
        Example({**_SERVICE, "Procfile": "web: newrelic-admin run-program gunicorn app.main:app\n"}, status="pass",
                note="the New Relic agent wraps the process"),
        Example({"app/main.py": "from flask import Flask\nfrom scout_apm.flask import ScoutApm\n\napp = Flask(__name__)\n"
                                "ScoutApm(app)\n"}, status="pass", note="the Scout APM agent traces each request"),
        Example({**_SERVICE, "Procfile": "web: ddtrace-run gunicorn -k uvicorn.workers.UvicornWorker app.main:app\n"},
                status="pass", note="Datadog's ddtrace-run patches the frameworks and clients it finds"),
        Example({"app/main.py": "from ddtrace import patch_all\n\npatch_all()\n\nfrom fastapi import FastAPI  # noqa: E402\n\n"
                                "app = FastAPI()\n"}, status="pass", note="ddtrace's patch_all() before the app is built"),
        Example({"app/main.py": "from elasticapm.contrib.flask import ElasticAPM\nfrom flask import Flask\n\n"
                                "app = Flask(__name__)\napm = ElasticAPM(app)\n"}, status="pass",
                note="the Elastic APM agent traces each request"),
        Example(_SERVICE, status="fail"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        if "opentelemetry" not in source.imports and "azure" not in source.imports:
            return []
        return call_marks(source, {"TracerProvider": "OpenTelemetry TracerProvider configured",
                                   "configure_azure_monitor": "Azure Monitor OpenTelemetry distro",
                                   "configure_opentelemetry": "OpenTelemetry launcher configured"}) + _initialize_marks(source)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        evidence = [e for e in collected.evidence if e.message != _INITIALISED]
        if not any(e.message.startswith("OpenTelemetry TracerProvider") for e in evidence):
            evidence += [e for e in collected.evidence if e.message == _INITIALISED and _distro(project)]
        evidence += auto_instrumentation(project) + [a.evidence for a in tracing_agents(project)]
        if evidence:
            return Verdict(Presence(True, "OpenTelemetry SDK"), summary=str(evidence[0]), evidence=tuple(evidence))
        return self.not_applicable(profile_of(project)) or Verdict(
            Presence(False, "OpenTelemetry SDK"), summary="no TracerProvider configured and no tracing agent")


_SPANS = (
    "import httpx\nfrom fastapi import FastAPI\nfrom opentelemetry import trace\n\napp = FastAPI()\n"
    "tracer = trace.get_tracer(__name__)\n\n\n@app.get('/quote')\nasync def quote() -> dict:\n"
    "    with tracer.start_as_current_span('quote'):\n"
    "        async with httpx.AsyncClient(timeout=5) as client:\n"
    "            return (await client.get('https://rates.example.com')).json()\n"
)
_SPANS_MARK = "hand-written spans around"


class OtelInstrumentation(_TracingCheck):
    id = "otel-instrumentation"
    severity = "medium"
    effort = "1d"
    title = "Frameworks and clients instrumented"
    rationale = (
        "A trace is only as complete as its instrumentation: an uninstrumented framework loses the server span, "
        "an uninstrumented HTTP or database client hides the calls where the time usually goes."
    )
    remediation = (
        "Apply an instrumentor for each framework and client in use, e.g. `FastAPIInstrumentor.instrument_app(app)`, "
        "`RequestsInstrumentor().instrument()`, `PymongoInstrumentor().instrument()`; or run under "
        "`opentelemetry-instrument`, which instruments every installed library."
    )
    scoring = ("Share of the frameworks and clients the project uses (see its profile) that have an instrumentor "
               "applied, a tracing agent's integration, or hand-written spans in the module that uses them.")
    examples = (
        Example({
            "app/main.py": "import requests\nfrom fastapi import FastAPI\n"
                           "from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor\n"
                           "from opentelemetry.instrumentation.requests import RequestsInstrumentor\n\n"
                           "app = FastAPI()\nFastAPIInstrumentor.instrument_app(app)\nRequestsInstrumentor().instrument()\n",
        }, status="pass"),
        Example({
            "app/main.py": "import requests\nfrom fastapi import FastAPI\nfrom pymongo import MongoClient\n"
                           "from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor\n\n"
                           "app = FastAPI()\nFastAPIInstrumentor.instrument_app(app)\n",
        }, status="fail", note="requests and pymongo are not instrumented"),
        Example({
            "app/main.py": "from flask import Flask\nfrom opentelemetry.instrumentation.flask import FlaskInstrumentor\n\n"
                           "app = Flask(__name__)\n",
        }, status="fail", note="imported but never applied"),
        Example({**_SERVICE, "requirements.txt": "fastapi\npymongo\n",
                 "Procfile": "web: opentelemetry-instrument uvicorn app.main:app\n"}, status="pass",
                note="auto-instrumentation covers everything"),
        Example({**_SERVICE, "requirements.txt": "fastapi\nrequests\nsentry-sdk\n", "app/monitoring.py": _SENTRY_TRACED},
                status="pass", note="Sentry's integrations trace FastAPI and requests"),
        Example({"app/main.py": _SPANS}, status="pass", note="hand-written spans around the calls"),
        Example({**_SERVICE, "requirements/deploy.in": "fastapi\nrequests\nnewrelic\n",
                 "app/logs.py": _NEWRELIC_LINKED_LOGS}, status="pass",
                note="New Relic in the deployment requirements, its trace metadata put on the logs"),
        Example({**_SERVICE, "requirements.txt": "fastapi\nrequests\nnewrelic\n",
                 "app/calls.py": "import requests\n\n\ndef rates():\n    return requests.get('https://x.test', timeout=5)\n"},
                status="fail", note="New Relic installed but neither configured nor used"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        found = module_marks(source, {"opentelemetry.instrumentation.auto_instrumentation": "auto-instrumentation"})
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) not in ("instrument", "instrument_app"):
                continue
            receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
            if isinstance(receiver, ast.Call):
                receiver = receiver.func
            name = (dotted(receiver) if receiver is not None else "").rpartition(".")[2]
            if name in INSTRUMENTORS:
                found.append(Evidence(f"{name} applied", source.path, call.lineno))
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) in ("add_middleware", "OpenTelemetryMiddleware") and "opentelemetry" in source.imports:
                args = [dotted(a) for a in call.args]
                if call_name(call) == "OpenTelemetryMiddleware" or any(a.endswith("OpenTelemetryMiddleware") for a in args):
                    found.append(Evidence("OpenTelemetryMiddleware applied", source.path, call.lineno))
        return found + _span_marks(source)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        profile = profile_of(project)
        skipped = self.not_applicable(profile)
        if skipped is not None:
            return skipped
        used = {_COVERED_BY.get(c, c) for c in profile.components}
        if "fastapi" in used:
            used.discard("starlette")  # FastAPIInstrumentor covers the Starlette underneath
        if not used:
            return Verdict(NotApplicable("no instrumentable framework or client in use"))
        auto = auto_instrumentation(project) + [e for e in collected.evidence if e.message == "auto-instrumentation used"]
        applied = tracing_agents(project) or [a for a in agents(project) if a.covers and a.vendor == "Logfire"]
        if applied and not auto:
            return self._with_agents(used, collected, applied)
        if auto:
            return Verdict(Share(len(used), len(used), "frameworks and clients", "are instrumented"),
                           summary=f"all {len(used)} frameworks and clients instrumented: {auto[0]}", evidence=tuple(auto))
        instrumented = _covered(collected)
        good = sorted(used & instrumented)
        missing = sorted(used - instrumented)
        labels = {**FRAMEWORKS, **CLIENTS}
        summary = f"{len(good)} of {len(used)} frameworks and clients are instrumented"
        if missing:
            summary += f" (missing: {', '.join(labels.get(m, m) for m in missing)})"
        evidence = tuple(e for e in collected.evidence if e.message.split(" ")[0] in INSTRUMENTORS
                         or e.message.startswith(_SPANS_MARK))
        return Verdict(Share(len(good), len(used), "frameworks and clients", "are instrumented"),
                       summary=summary, evidence=evidence)

    def _with_agents(self, used: set[str], collected: Collected, applied: list[Agent]) -> Verdict:
        """Instrumentors, hand-written spans and the agents' own integrations together."""
        covered_by = _covered(collected)
        evidence = [e for e in collected.evidence if e.message.split(" ")[0] in INSTRUMENTORS
                    or e.message.startswith(_SPANS_MARK)]
        for agent in applied:
            covered_by |= covered(agent, used)
            evidence.append(agent.evidence)
        good = sorted(used & covered_by)
        missing = sorted(used - covered_by)
        labels = {**FRAMEWORKS, **CLIENTS}
        summary = f"{len(good)} of {len(used)} frameworks and clients are instrumented ({applied[0].vendor})"
        if missing:
            summary += f" (missing: {', '.join(labels.get(m, m) for m in missing)})"
        return Verdict(Share(len(good), len(used), "frameworks and clients", "are instrumented"),
                       summary=summary, evidence=tuple(evidence))


def _covered(collected: Collected) -> set[str]:
    out: set[str] = set()
    for ev in collected.evidence:
        name = ev.message.split(" ")[0]
        if name in INSTRUMENTORS:
            out.add(INSTRUMENTORS[name])
        elif ev.message.startswith(_SPANS_MARK):
            out.update(ev.message[len(_SPANS_MARK):].strip().split(", "))
    if "starlette" in out:
        out.add("fastapi")
    return out


def _span_marks(source: SourceFile) -> list[Evidence]:
    """Spans started by hand in a module instrument the frameworks and clients that module uses."""
    if "opentelemetry" not in source.imports and "sentry_sdk" not in source.imports and "ddtrace" not in source.imports:
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) in ("start_as_current_span", "start_span", "start_transaction"):
            components = sorted({c for m in source.imports if (c := component_of(m))})
            if components:
                return [Evidence(f"{_SPANS_MARK} {', '.join(components)}", source.path, call.lineno)]
            return []
    return []


_EXPORTERS = {
    "OTLPSpanExporter": "OTLP span exporter", "JaegerExporter": "Jaeger exporter", "ZipkinExporter": "Zipkin exporter",
    "AzureMonitorTraceExporter": "Azure Monitor exporter", "CloudTraceSpanExporter": "Cloud Trace exporter",
    "configure_azure_monitor": "Azure Monitor distro",
}


_GATED = (
    "from opentelemetry import trace\nfrom opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n"
    "from opentelemetry.sdk.trace import TracerProvider\nfrom opentelemetry.sdk.trace.export import BatchSpanProcessor\n\n"
    "from app.config import settings\n\nprovider = TracerProvider()\nif settings.tracing_enabled:\n"
    "    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\ntrace.set_tracer_provider(provider)\n"
)
_GATE_DEFAULT = (
    "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    tracing_enabled: bool = False\n\n\n"
    "settings = Settings()\n"
)
_OTLP_PACKAGES = ("opentelemetry-distro[otlp]", "opentelemetry-exporter-otlp", "opentelemetry-exporter-otlp-proto-grpc",
                  "opentelemetry-exporter-otlp-proto-http")
_FALSY = (None, False, 0, "", "0", "false", "False", "no", "off")


def _otlp_installed(project: Project) -> bool:
    declared = declared_distributions(project)
    return any(p in declared for p in _OTLP_PACKAGES)


def _traces_exporter_off(lines: list[tuple[str, int, str]]) -> bool:
    return any(re.search(r"OTEL_TRACES_EXPORTER\W+(none|console)\b", line) for _, _, line in lines)


def _off_by_default(project: Project, evidence: Evidence, lines: list[tuple[str, int, str]]) -> bool:
    """The exporter is created only under ``if <setting>:`` whose default is off and no deployment file sets it."""
    text = project.read_text(evidence.path)
    if text is None:
        return False
    source = SourceFile.from_text(evidence.path, text)
    node = next((n for n in source.nodes(ast.Call, ast.ImportFrom, ast.Import) if getattr(n, "lineno", 0) == evidence.line),
                None)
    if node is None:
        return False
    child: ast.AST = node
    for ancestor in source.ancestors(node):
        if isinstance(ancestor, ast.If) and any(child is b for b in ancestor.body):
            # if settings.TRACING_ENABLED and settings.OTLP_ENDPOINT: off when any condition is off
            tests = ancestor.test.values if isinstance(ancestor.test, ast.BoolOp) and isinstance(
                ancestor.test.op, ast.And) else [ancestor.test]
            for test in tests:
                name = _gate_name(test)
                if name and _default_off(project, source, test, name) and not any(
                    name.upper() in line.upper() for _, _, line in lines
                ) and not _deploy_sets(project, name):
                    return True
        child = ancestor
    return False


def _gate_name(test: ast.expr) -> str:
    if isinstance(test, ast.Attribute):
        return test.attr
    if isinstance(test, ast.Name):
        return test.id
    if isinstance(test, ast.Call) and call_name(test) in ("get", "getenv") and test.args:
        first = test.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    return ""


def _env_reader(call: ast.Call) -> bool:
    """``os.getenv("X")``, ``environ.get("X")`` or a helper named for it: ``getenv_boolean("X", False)``,
    ``env_bool("X", default=False)``, ``env.bool("X")``."""
    name = call_name(call)
    return name in ("get", "getenv") or bool(re.match(r"(?:get_?)?env(?:iron)?_?(?:bool|boolean|flag)?$|get_?bool",
                                                      name, re.IGNORECASE)) or (
        name == "bool" and isinstance(call.func, ast.Attribute) and dotted(call.func.value) in ("env", "environ"))


def _read_default(call: ast.Call) -> ast.expr | None:
    keyword = next((k.value for k in call.keywords if k.arg == "default"), None)
    return keyword if keyword is not None else (call.args[1] if len(call.args) > 1 else None)


def _default_off(project: Project, source: SourceFile, test: ast.expr, name: str) -> bool:
    if isinstance(test, ast.Call):
        default = _read_default(test)
        return default is None or (isinstance(default, ast.Constant) and default.value in _FALSY)
    value = assigned_value(project, source, name)
    if value is None:
        return False
    if isinstance(value, ast.Constant):
        return value.value in _FALSY
    if isinstance(value, ast.Call) and _env_reader(value) and value.args:
        default = _read_default(value)
        return default is None or (isinstance(default, ast.Constant) and default.value in _FALSY)
    return False


def _deploy_sets(project: Project, name: str) -> bool:
    """Whether a deployment or environment file names the setting (any mention counts: precision over recall)."""
    wanted = name.upper()
    for rel in project.glob("**/.env", "**/.env.*", "**/*.env", "**/docker-compose*.yml", "**/docker-compose*.yaml",
                            "**/compose*.yml", "**/compose*.yaml", "**/values*.yaml", "**/values*.yml",
                            "**/templates/*.yaml", "**/templates/*.yml"):
        if wanted in (project.read_text(rel) or "").upper():
            return True
    return False


class TraceExporter(_TracingCheck):
    id = "trace-exporter"
    severity = "medium"
    effort = "0.5d"
    title = "Trace exporter configured"
    rationale = (
        "Spans that are never exported are lost: the SDK needs an exporter (OTLP to a collector, Jaeger, Zipkin) "
        "to send traces where people can see them. A console exporter only fills the logs."
    )
    remediation = (
        "Add an OTLP exporter (`BatchSpanProcessor(OTLPSpanExporter())`) and point it at the collector with "
        "`OTEL_EXPORTER_OTLP_ENDPOINT` in the deployment, or set `OTEL_TRACES_EXPORTER=otlp` with auto-instrumentation."
    )
    scoring = ("Presence: an OTLP/Jaeger/Zipkin exporter in code (not inside a block that is off by default), "
               "OTEL_EXPORTER_* / OTEL_TRACES_EXPORTER in deployment files, auto-instrumentation with "
               "opentelemetry-distro[otlp] or an OTLP exporter package installed, or a vendor agent that sends spans.")
    examples = (
        Example({**_SERVICE, "app/tracing.py": _SDK}, status="pass"),
        Example({**_SERVICE, "deploy/k8s/deployment.yaml": "env:\n  - name: OTEL_EXPORTER_OTLP_ENDPOINT\n"
                                                            "    value: http://collector:4317\n"}, status="pass",
                note="endpoint set in the manifest"),
        Example({**_SERVICE, ".env": "OTEL_TRACES_EXPORTER=console\n"}, status="fail", note="console only"),
        Example({**_SERVICE, "app/tracing.py": "from opentelemetry.sdk.trace import TracerProvider\n"
                 "from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor\n\n"
                 "provider = TracerProvider()\nprovider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))\n"},
                status="fail", note="console exporter"),
        Example({**_SERVICE, "app/tracing.py": _GATED, "app/config.py": _GATE_DEFAULT}, status="fail",
                note="the exporter sits behind a setting that is off by default"),
        Example({**_SERVICE, "app/tracing.py": _GATED, "app/config.py": _GATE_DEFAULT,
                 "deploy/ecs/task-definition.json": '{"containerDefinitions": [{"environment": [\n'
                 '  {"name": "TRACING_ENABLED", "value": "true"},\n'
                 '  {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://collector:4318"}]}]}\n'},
                status="pass", note="switched on in the ECS task definition"),
        Example({**_SERVICE, "app/wsgi.py": "from django.conf import settings\nfrom opentelemetry import trace\n"
                 "from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter\n"
                 "from opentelemetry.sdk.trace import TracerProvider\nfrom opentelemetry.sdk.trace.export import BatchSpanProcessor\n\n"
                 "if settings.OTEL_TRACING_ENABLED and settings.OTEL_EXPORTER_OTLP_ENDPOINT:\n    try:\n"
                 "        from uwsgidecorators import postfork\n\n        @postfork\n        def init_tracing():\n"
                 "            trace.set_tracer_provider(TracerProvider())\n"
                 "            trace.get_tracer_provider().add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n"
                 "    except ModuleNotFoundError:\n        pass\n",
                 "app/settings.py": "from app.utils import getenv_boolean\n\n"
                 "OTEL_TRACING_ENABLED = getenv_boolean('OTEL_TRACING_ENABLED', False)\nOTEL_EXPORTER_OTLP_ENDPOINT = None\n"},
                status="fail", note="behind two conditions, one read by a project helper whose default is off"),
        Example({**_SERVICE, "app/monitoring.py": _SENTRY_TRACED}, status="pass", note="spans sent to Sentry"),
        Example({**_SERVICE, **_NEWRELIC_OUTSIDE}, status="pass",
                note="New Relic declared with its newrelic.ini: the deployment starts the agent"),
        Example({**_SERVICE, **_NEWRELIC_OUTSIDE, "requirements.txt": "fastapi\nrequests\n"}, status="fail",
                note="a newrelic.ini left behind, the agent no longer installed"),
        Example({**_SERVICE, "requirements-dev.txt": "newrelic\n",
                 "deploy/newrelic.ini": _NEWRELIC_OUTSIDE["deploy/newrelic.ini"]}, status="fail",
                note="New Relic only among the development requirements"),
        Example({**_SERVICE, "requirements.in": "fastapi\nopentelemetry-distro[otlp]\n",
                 "Dockerfile": "FROM python:3.12\nCMD opentelemetry-instrument uvicorn app.main:app\n"}, status="pass",
                note="the distro's default exporter is OTLP"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        if "opentelemetry" not in source.imports and "azure" not in source.imports:
            return []
        return call_marks(source, _EXPORTERS) + module_marks(source, {
            "opentelemetry.exporter.otlp.proto.grpc.trace_exporter": "OTLP span exporter",
            "opentelemetry.exporter.otlp.proto.http.trace_exporter": "OTLP span exporter",
        }) + _initialize_marks(source)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        lines = deploy_lines(project)
        code = [e for e in collected.evidence if e.message != _INITIALISED]
        called = {e.path for e in code if not e.message.endswith(" used")}
        code = [e for e in code if e.path not in called or not e.message.endswith(" used")]  # the call decides
        evidence = [e for e in code if not _off_by_default(project, e, lines)]
        evidence += [Evidence(f"spans sent to {a.vendor}: {a.evidence.message}", a.evidence.path, a.evidence.line)
                     for a in tracing_agents(project)]
        runs = auto_instrumentation(project) + [e for e in collected.evidence if e.message == _INITIALISED]
        if runs and _otlp_installed(project) and not _traces_exporter_off(lines):
            evidence.append(Evidence("auto-instrumentation with the OTLP exporter installed (the default)",
                                     runs[0].path, runs[0].line))
        for i, (rel, n, line) in enumerate(lines):
            if line.lstrip().startswith("#"):
                continue
            match = _EXPORTER_ENV.search(line)
            if match:
                evidence.append(Evidence(f"{match.group(0)} set", rel, n))
                continue
            traces = _TRACES_EXPORTER.search(line)
            if traces:
                value = traces.group(1) or ""
                if not value and i + 1 < len(lines) and lines[i + 1][0] == rel:
                    nxt = re.search(r"value['\"]?\s*:\s*['\"]?(\w+)", lines[i + 1][2])
                    value = nxt.group(1) if nxt else ""
                if value.lower() in ("otlp", "jaeger", "zipkin", "otlp_proto_grpc", "otlp_proto_http"):
                    evidence.append(Evidence(f"OTEL_TRACES_EXPORTER={value}", rel, n))
        if evidence:
            evidence.sort(key=lambda e: (e.path, e.line, e.message))
            return Verdict(Presence(True, "trace exporter"), summary=str(evidence[0]), evidence=tuple(evidence))
        if any(e.message != _INITIALISED for e in collected.evidence):
            return Verdict(Presence(False, "trace exporter"),
                           summary="the trace exporter is only created behind a setting that is off by default")
        return self.not_applicable(profile_of(project)) or Verdict(
            Presence(False, "trace exporter"), summary="no OTLP, Jaeger or Zipkin exporter configured")


CHECKS: list[type[Check]] = [OtelSdk, OtelInstrumentation, TraceExporter]
