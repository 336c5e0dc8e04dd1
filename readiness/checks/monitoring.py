"""Monitoring checks: metrics, a metrics endpoint, health routes, structured logs, correlation ids.

These are presence checks over the whole project: each file reports the markers it holds
(an import, a call, a route) as evidence, and ``evaluate`` passes when any exists. A project
without a web framework or task worker is a library, and the checks are n/a for it.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from readiness.checks.agents import deploy_lines, metrics_agents
from readiness.checks.base import Check, Collected, Example, FileOutcome, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Presence
from readiness.model import Evidence
from readiness.paths import is_application_path, is_test_path
from readiness.profile import profile_of
from readiness.project import Project
from readiness.repo_files import repo_files
from readiness.routes import (
    ROUTE_NEEDLES,
    FileRoutes,
    Route,
    call_name,
    dotted,
    facts_of,
    imported_modules,
    route_facts,
    route_table,
    routes_worth_keeping,
)
from readiness.source import SourceFile

LIBRARY_REASON = "no web framework or task worker in the project (a library)"


@dataclass(frozen=True)
class MarkerFacts:
    routes: FileRoutes | None = None
    unused: tuple[tuple[str, int], ...] = ()  # (class, line): a formatter this file defines but never uses


def module_marks(source: SourceFile, modules: Mapping[str, str]) -> list[Evidence]:
    """Evidence for imports of the given modules (prefix match on dotted names)."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for module, line in imported_modules(source):
        for wanted, label in modules.items():
            if (module == wanted or module.startswith(wanted + ".")) and label not in seen:
                seen.add(label)
                out.append(Evidence(f"{label} used", source.path, line))
    return out


_STATSD_METHODS = frozenset({"incr", "decr", "gauge", "timing", "timer", "histogram", "distribution"})


def statsd_client_marks(source: SourceFile) -> list[Evidence]:
    """``from baseframe import statsd`` / ``statsd.incr(...)``: a statsd client a framework or helper module makes,
    imported by its name and used; the statsd module itself is found by its import."""
    imported = {a.asname or a.name: node.module or "" for node in source.nodes(ast.ImportFrom)
                if isinstance(node, ast.ImportFrom) for a in node.names if a.name == "statsd"}
    if not imported:
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _STATSD_METHODS and isinstance(func.value, ast.Name) \
                and func.value.id in imported:
            return [Evidence(f"statsd client from {imported[func.value.id]} used", source.path, call.lineno)]
    return []


def string_marks(source: SourceFile, pattern: re.Pattern[str], label: str) -> list[Evidence]:
    for node in source.nodes(ast.Constant):
        value = getattr(node, "value", None)
        if isinstance(value, str) and len(value) < 300 and pattern.search(value):
            return [Evidence(label, source.path, getattr(node, "lineno", 0))]
    return []


def installed_app_marks(source: SourceFile, names: Mapping[str, str]) -> list[Evidence]:
    """Django apps in ``INSTALLED_APPS`` (or middleware in ``MIDDLEWARE``) or URL modules passed to ``include()``."""
    out: list[Evidence] = []
    for node in source.nodes(ast.Constant):
        label = names.get(getattr(node, "value", None)) if isinstance(getattr(node, "value", None), str) else None
        if not label:
            continue
        parent = source.parent(node)
        if isinstance(parent, ast.Call) and call_name(parent) == "include":
            out.append(Evidence(f"{label} URLs included", source.path, getattr(node, "lineno", 0)))
            continue
        # MIDDLEWARE = [m for m in [..., "x.Middleware", ...] if m]: through a comprehension's list too
        for ancestor in source.ancestors(node)[:5]:
            if isinstance(ancestor, (ast.Assign, ast.AugAssign)):
                targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
                if any(dotted(t).endswith(("INSTALLED_APPS", "MIDDLEWARE", "MIDDLEWARE_CLASSES")) for t in targets):
                    out.append(Evidence(f"{label} installed", source.path, getattr(node, "lineno", 0)))
                break
    return out


def call_marks(source: SourceFile, names: Mapping[str, str]) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[str] = set()
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        label = names.get(call_name(call))
        if label and label not in seen:
            seen.add(label)
            out.append(Evidence(label, source.path, call.lineno))
    return out


class MarkerCheck(Check):
    """A presence check: per-file markers as evidence, and optionally routes that count too."""

    category = "monitoring"
    kind = "static"
    wants_routes: ClassVar[bool] = False
    what: ClassVar[str] = ""

    def marks(self, source: SourceFile) -> list[Evidence]:
        return []

    def route_counts(self, route: Route) -> str:
        """A label when the route counts as evidence, '' otherwise."""
        return ""

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        marks = self.marks(source) if source.tree is not None else []
        routes = route_facts(source) if self.wants_routes else None
        if routes is not None and not routes_worth_keeping(source, routes):
            routes = None
        if not marks and routes is None:
            return None
        return FileOutcome(evidence=marks, facts=MarkerFacts(routes))

    def repository_marks(self, project: Project) -> list[Evidence]:
        return []

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        evidence = list(collected.evidence) + self.repository_marks(project)
        if self.wants_routes:
            for route in route_table(project, facts_of(collected.facts)):
                label = self.route_counts(route)
                if label:
                    evidence.append(Evidence(f"{label} {route.label}", route.file, route.line))
        found = self.found(evidence)
        if found is not None:
            return found
        if not profile_of(project).service:
            return Verdict(NotApplicable(LIBRARY_REASON))
        return Verdict(Presence(False, self.what), summary=f"no {self.what} found")

    def found(self, evidence: list[Evidence]) -> Verdict | None:
        """The passing verdict, evidence in a stable order; None when there is no evidence."""
        if not evidence:
            return None
        evidence.sort(key=lambda e: (e.path, e.line, e.message))
        return Verdict(Presence(True, self.what), summary=self.summary(evidence), evidence=tuple(evidence))

    def summary(self, evidence: list[Evidence]) -> str:
        return f"{evidence[0]}" + (f" and {len(evidence) - 1} more" if len(evidence) > 1 else "")


_LIBRARY = Example({"mylib/__init__.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="a library")
_BARE_FASTAPI = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/orders')\n"
                                "def orders() -> list[dict]:\n    return []\n"}
_BARE_FLASK = {"app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/orders')\n"
                         "def orders():\n    return []\n"}

_METRIC_MODULES = {
    "prometheus_client": "prometheus_client",
    "prometheus_fastapi_instrumentator": "prometheus-fastapi-instrumentator",
    "starlette_exporter": "starlette-exporter",
    "starlette_prometheus": "starlette-prometheus",
    "prometheus_flask_exporter": "prometheus-flask-exporter",
    "django_prometheus": "django-prometheus",
    "aioprometheus": "aioprometheus",
    "opentelemetry.metrics": "OpenTelemetry metrics",
    "opentelemetry.sdk.metrics": "OpenTelemetry metrics SDK",
    "opentelemetry.exporter.prometheus": "OpenTelemetry Prometheus exporter",
    "statsd": "statsd", "datadog": "DogStatsD", "aiodogstatsd": "DogStatsD", "django_statsd": "django-statsd",
    "markus": "markus", "influxdb_client": "InfluxDB client", "influxdb": "InfluxDB client",
    "gds_metrics": "gds_metrics", "opentelemetry.exporter.otlp.proto.grpc.metric_exporter": "OTLP metric exporter",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter": "OTLP metric exporter",
    "newrelic_telemetry_sdk": "New Relic Telemetry SDK",
}
# Libraries that push metrics to a collector or agent: no scrape endpoint is needed for them.
_PUSH_MODULES = {
    "statsd": "statsd", "datadog": "DogStatsD", "aiodogstatsd": "DogStatsD", "django_statsd": "django-statsd",
    "markus": "markus", "influxdb_client": "InfluxDB", "influxdb": "InfluxDB",
    "newrelic_telemetry_sdk": "New Relic Telemetry SDK",
    "opentelemetry.exporter.otlp.proto.grpc.metric_exporter": "OTLP metric exporter",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter": "OTLP metric exporter",
}
# The Prometheus text format written by the project itself (its content type or its comment lines).
# the exposition format's content type, or its # TYPE / # HELP lines (written out, or an f-string's: # TYPE {key} ...)
# or a sample line's label set between the name and the value (f'{key}{{instance="api"}} {value}')
_PROMETHEUS_TEXT = lazy_compile(r'version=0\.0\.4|^# (TYPE|HELP) (?:\w+|\{\w[\w.]*\} |\Z)'
                                r'|^\{\w+="[^"{}\n]*"(?:,\s*\w+="[^"{}\n]*")*\} $', re.MULTILINE)


_NEWRELIC_METRICS = ("import newrelic.agent\n\n\ndef report_queues(sizes):\n    for name, size in sizes.items():\n"
                     "        newrelic.agent.record_custom_metric(f'Custom/queue/{name}', size)\n")


# A metrics API that takes series by HTTP: Datadog's series intake, InfluxDB's write endpoint.
_PUSH_URL = lazy_compile(r"datadoghq\.(?:com|eu)/api/v\d/series|^https?://[^\s]*/api/v2/write\b|^https?://[^\s]*/write\?db=")


_INFLUX = (
    "import os\n\nfrom influxdb_client import InfluxDBClient, Point\nfrom influxdb_client.client.write_api import "
    "SYNCHRONOUS\n\nclient = InfluxDBClient(url=os.environ['INFLUX_URL'], token=os.environ['INFLUX_TOKEN'], org='ops')\n"
    "write = client.write_api(write_options=SYNCHRONOUS)\n\n\ndef record(name: str, value: float) -> None:\n"
    "    write.write(bucket='app', record=Point(name).field('value', value))\n"
)
_DATADOG_SERIES = (
    "import requests\n\nMETRIC_ENDPOINT = 'https://api.datadoghq.com/api/v2/series'\n\n\n"
    "def flush(session: requests.Session, counts: dict) -> None:\n"
    "    series = [{'metric': name, 'points': [{'value': n}]} for name, n in counts.items()]\n"
    "    session.post(METRIC_ENDPOINT, json={'series': series}, timeout=5)\n"
)
_OWN_PROMETHEUS = (
    "from flask import Response\n\nfrom app import app\n\nCOUNTS: dict[str, int] = {}\n\n\n@app.route('/metrics')\n"
    "def metrics():\n    lines = [f'requests_total{{path=\"{p}\"}} {n}' for p, n in COUNTS.items()]\n"
    "    return Response('\\n'.join(lines), content_type='text/plain; version=0.0.4')\n"
)


class MetricsExported(MarkerCheck):
    id = "metrics-exported"
    severity = "high"
    effort = "1-2d"
    title = "Application metrics"
    what = "metrics library"
    rationale = (
        "Without request rates, error rates and latencies nobody sees a service degrade until users "
        "complain; alerts and capacity planning need numbers."
    )
    remediation = (
        "Export metrics: prometheus-fastapi-instrumentator or starlette-exporter for FastAPI, "
        "prometheus-flask-exporter for Flask, django-prometheus for Django, or prometheus_client / "
        "OpenTelemetry metrics directly for business counters."
    )
    scoring = ("Presence: a metrics library used in application code (Prometheus, statsd, Datadog, InfluxDB, "
               "OpenTelemetry metrics), an APM agent that reports metrics (New Relic, Elastic APM, Scout), or the Prometheus "
               "text format written by the project; tests do not count; n/a for a library.")
    examples = (
        Example({"app/metrics.py": "from prometheus_client import Counter\n\nORDERS = Counter('orders', 'Orders')\n",
                 **_BARE_FASTAPI}, status="pass"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom opentelemetry import metrics\n\napp = FastAPI()\n"
                                "meter = metrics.get_meter(__name__)\n"}, status="pass", note="OpenTelemetry metrics"),
        Example({"app/settings.py": "INSTALLED_APPS = ['django_prometheus', 'shop']\n",
                 "shop/views.py": "from django.http import JsonResponse\n"}, status="pass", note="django-prometheus app"),
        Example(_BARE_FASTAPI, status="fail"),
        Example({"app/server.py": "from aiohttp import web\n\n\nasync def index(request):\n    return web.Response(text='ok')\n\n\n"
                 "app = web.Application()\napp.router.add_get('/', index)\n"}, status="fail",
                note="an aiohttp server is a service"),
        Example({"mylib/fetch.py": "import aiohttp\n\n\nasync def fetch(url):\n    async with aiohttp.ClientSession() as s:\n"
                 "        async with s.get(url, timeout=aiohttp.ClientTimeout(total=5)) as r:\n            return await r.text()\n"},
                status="n/a", note="aiohttp as a client only: a library"),
        Example({**_BARE_FASTAPI, "tests/test_metrics.py": "import prometheus_client\n"}, status="fail",
                note="only tests use it"),
        Example({**_BARE_FLASK, "app_metrics.py": _INFLUX}, status="pass", note="points written to InfluxDB"),
        Example({**_BARE_FLASK, "app_stats.py": "from statsd import StatsClient\n\nstats = StatsClient('statsd', 8125)\n\n\n"
                 "def record_signup():\n    stats.incr('signup')\n"}, status="pass", note="counters pushed to statsd"),
        Example({**_BARE_FLASK, "app_jobs.py": "from prometheus_client import CollectorRegistry, Gauge, push_to_gateway\n\n\n"
                 "def nightly_export(rows: int) -> None:\n    registry = CollectorRegistry()\n"
                 "    Gauge('export_rows', 'rows exported', registry=registry).set(rows)\n"
                 "    push_to_gateway('pushgateway:9091', job='export', registry=registry)\n"}, status="pass",
                note="a batch job's metrics pushed to a Prometheus pushgateway"),
        Example({**_BARE_FLASK, "app_monitoring.py": _NEWRELIC_METRICS}, status="pass",
                note="custom metrics recorded through the New Relic agent"),
        Example({**_BARE_FLASK, "app_trace.py": "import newrelic.agent\n\n\n@newrelic.agent.function_trace()\n"
                 "def checkout(order):\n    return order\n"}, status="fail",
                note="a function traced by New Relic records no metric of the service's own"),
        Example({**_BARE_FLASK, "Procfile": "web: newrelic-admin run-program gunicorn app:app\n"}, status="pass",
                note="the New Relic agent reports request metrics"),
        Example({"shop/settings/production.py": "import os\n\nfrom .common import *  # noqa\n\n"
                 "INSTALLED_APPS += ('scout_apm.django',)\nSCOUT_MONITOR = os.environ.get('SCOUT_MONITOR', False)\n",
                 "shop/views.py": "from django.http import JsonResponse\n", "requirements.txt": "django\nscout-apm\n"},
                status="pass", note="the Scout APM agent, started as a Django app, pushes request metrics"),
        Example({**_BARE_FLASK, "app_metrics.py": _OWN_PROMETHEUS}, status="pass",
                note="the project writes the Prometheus text format itself"),
        Example({**_BARE_FLASK, "app_datadog.py": _DATADOG_SERIES}, status="pass",
                note="series posted to Datadog's intake by plain HTTP"),
        Example({**_BARE_FLASK, "app_openmetrics.py": "class Family:\n    def __init__(self, key, kind, help_text):\n"
                 "        self.key, self.kind, self.help_text = key, kind, help_text\n\n    def __str__(self):\n"
                 "        return f\"\"\"\\\n# HELP {self.key} {self.help_text}\n# TYPE {self.key} {self.kind}\n\"\"\"\n"},
                status="pass", note="the OpenMetrics text written from a template"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom fastapi.responses import PlainTextResponse\n\n"
                                "app = FastAPI()\nCOUNTS = {'http_requests_total': 0}\n\n\n@app.get('/metrics')\n"
                                "async def get_metrics():\n    body = ''\n    for key, value in COUNTS.items():\n"
                                "        body += f'{key}{{instance=\"api\"}} {value}\\n'\n    return PlainTextResponse(body)\n"},
                status="pass", note="sample lines of the Prometheus text format written by hand"),
        Example({**_BARE_FLASK, "app_report.py": "def metrics_report(rows):\n    return {'total': len(rows)}\n"},
                status="fail", note="a report named metrics is not telemetry"),
        _LIBRARY,
    )
    needles = ("prometheus", "metrics", "statsd", "datadog", "influxdb", "markus", "0.0.4", "# TYPE", "newrelic_telemetry")

    def marks(self, source: SourceFile) -> list[Evidence]:
        found = module_marks(source, _METRIC_MODULES) or statsd_client_marks(source)
        found = found or installed_app_marks(source, {"django_prometheus": "django-prometheus"})
        return found or string_marks(source, _PROMETHEUS_TEXT, "Prometheus text format written by the project") or \
            string_marks(source, _PUSH_URL, "metrics series posted to a metrics API (Datadog, InfluxDB)")

    def repository_marks(self, project: Project) -> list[Evidence]:
        return [Evidence(f"{a.vendor} agent reports metrics: {a.evidence.message}", a.evidence.path, a.evidence.line)
                for a in metrics_agents(project)]


_ENDPOINT_CALLS = {
    "make_asgi_app": "prometheus_client ASGI app", "make_wsgi_app": "prometheus_client WSGI app",
    "start_http_server": "prometheus_client HTTP server", "start_wsgi_server": "prometheus_client HTTP server",
    "PrometheusMetrics": "prometheus-flask-exporter /metrics",
    "RESTfulPrometheusMetrics": "prometheus-flask-exporter /metrics",
    "GunicornPrometheusMetrics": "prometheus-flask-exporter metrics server",
    "GunicornInternalPrometheusMetrics": "prometheus-flask-exporter /metrics",
    "GDSMetrics": "gds_metrics /metrics",
}
_PUSHED = "metrics pushed:"
_OTEL_COUNTER = ("from opentelemetry import metrics\n\nmeter = metrics.get_meter(__name__)\n"
                 "CLICKS = meter.create_counter('app.clicks')\n\n\ndef click() -> None:\n    CLICKS.add(1)\n")
_PUSHGATEWAY = (
    "from prometheus_client import CollectorRegistry, Gauge, push_to_gateway\n\n\n"
    "def record_import(gateway: str, rows: int) -> None:\n    registry = CollectorRegistry()\n"
    "    Gauge('import_rows', 'Rows imported', registry=registry).set(rows)\n"
    "    push_to_gateway(gateway, job='nightly-import', registry=registry)\n"
)
# Libraries whose metrics wait to be scraped: with one of them, pushing elsewhere does not excuse a missing endpoint.
_PULL_MODULES = ("prometheus_client", "prometheus_fastapi_instrumentator", "starlette_exporter", "starlette_prometheus",
                 "prometheus_flask_exporter", "django_prometheus", "aioprometheus", "gds_metrics")
# What a handler that serves the Prometheus text format has in its module.
_SERVES_PROMETHEUS = lazy_compile(r"prometheus|generate_latest|CONTENT_TYPE_LATEST|version=0\.0\.4|# TYPE |openmetrics",
                                re.IGNORECASE)


_OTEL_METRICS = "OpenTelemetry metrics instruments"
_OTLP_ENDPOINT = lazy_compile(r"\bOTEL_EXPORTER_OTLP(?:_METRICS)?_ENDPOINT\b")


def _otlp_endpoint_set(project: Project) -> bool:
    """An OTLP endpoint named in the settings or a deployment file: OpenTelemetry's instruments are then exported
    (pushed) over OTLP, the SDK's default. A scrape route, where there is one, still decides the check."""
    if any(_names_otlp_endpoint(line) for _, _, line in deploy_lines(project)):
        return True
    return any(project.text_fact("otlp-endpoint", rel, _otlp_endpoint_in) for rel in project.python_files
               if is_application_path(rel) and not is_test_path(rel))


def _otlp_endpoint_in(text: str) -> bool:
    return "OTEL_EXPORTER_OTLP" in text and any(_names_otlp_endpoint(line) for line in text.splitlines())


def _names_otlp_endpoint(line: str) -> bool:
    """A line that names the endpoint setting, not in a comment (a settings field read from the environment,
    ``OTEL_EXPORTER_OTLP_ENDPOINT: str = ''``, names it too)."""
    return _OTLP_ENDPOINT.search(line) is not None and not line.lstrip().startswith("#")


# What only a handler that returns the Prometheus exposition format has in its own body (at any path: /varz).
_EXPOSITION = lazy_compile(r"\bCONTENT_TYPE_LATEST\b|\bgenerate_latest\(")


def _handler_text(text: str, line: int) -> str:
    """The handler's source from its line to the next line indented no deeper (the end of its def)."""
    lines = text.splitlines()[max(line - 1, 0):]
    if not lines:
        return ""
    depth = len(lines[0]) - len(lines[0].lstrip())
    body = [lines[0]]
    for ln in lines[1:]:
        if ln.strip() and len(ln) - len(ln.lstrip()) <= depth and not ln.lstrip().startswith((")", "]", "}")):
            break
        body.append(ln)
    return "\n".join(body)


class MetricsEndpoint(MarkerCheck):
    id = "metrics-endpoint"
    severity = "high"
    effort = "0.5d"
    title = "Metrics endpoint"
    what = "metrics endpoint"
    wants_routes = True
    rationale = (
        "Metrics nobody can scrape are not monitoring. Prometheus (or an agent) needs an endpoint such as "
        "/metrics, or a metrics server on its own port."
    )
    remediation = (
        "Expose the registry: `app.mount(\"/metrics\", make_asgi_app())`, `Instrumentator().instrument(app)"
        ".expose(app)`, `app.add_route(\"/metrics\", handle_metrics)`, or `start_http_server(9000)` in a worker."
    )
    scoring = ("Presence: a /metrics route that serves the Prometheus format (or a route at another path whose handler "
               "returns it: generate_latest, CONTENT_TYPE_LATEST), or an exposing call (make_asgi_app, "
               "start_http_server, Instrumentator().expose, prometheus-flask-exporter, gds_metrics); n/a when metrics "
               "are only pushed (statsd, DogStatsD, InfluxDB, pushgateway, OTLP, an APM agent).")
    needles = ROUTE_NEEDLES + ("metrics", "make_asgi_app", "make_wsgi_app", "start_http_server", "expose", "PrometheusMetrics",
               "django_prometheus", "statsd", "datadog", "influxdb", "markus", "_gateway", "GDSMetrics")
    examples = (
        Example({"app/main.py": "from fastapi import FastAPI\nfrom prometheus_client import make_asgi_app\n\n"
                                "app = FastAPI()\napp.mount('/metrics', make_asgi_app())\n"}, status="pass"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom prometheus_fastapi_instrumentator import "
                                "Instrumentator\n\napp = FastAPI()\nInstrumentator().instrument(app).expose(app)\n"},
                status="pass"),
        Example({"app.py": "from flask import Flask, Response\nfrom prometheus_client import generate_latest\n\n"
                           "app = Flask(__name__)\n\n\n@app.route('/metrics')\ndef metrics():\n"
                           "    return Response(generate_latest())\n"}, status="pass", note="a /metrics route"),
        Example({"app/prometheus.py": "from prometheus_client import REGISTRY, generate_latest\n"
                                      "from pyramid.response import Response\n\n\ndef metrics_view(request):\n"
                                      "    return Response(generate_latest(REGISTRY))\n\n\ndef includeme(config):\n"
                                      "    config.add_route('prometheus_metrics', '/__metrics__')\n"
                                      "    config.add_view(metrics_view, route_name='prometheus_metrics')\n"},
                status="pass", note="Pyramid: a view added for a route name, at a Dockerflow-style /__metrics__"),
        Example({"app/metrics.py": "from prometheus_client import Counter\n\nORDERS = Counter('orders', 'Orders')\n",
                 **_BARE_FASTAPI}, status="fail", note="metrics defined but never exposed"),
        Example({"app/__init__.py": "from flask import Flask\nfrom gds_metrics import GDSMetrics\n\nmetrics = GDSMetrics()\n\n\n"
                 "def create_app():\n    app = Flask(__name__)\n    metrics.init_app(app)\n    return app\n"},
                 status="pass", note="gds_metrics serves /metrics"),
        Example({**_BARE_FLASK, "app_stats.py": "import statsd\n\nstats = statsd.StatsClient('localhost', 8125)\n\n\n"
                 "def timed(name: str) -> object:\n    return stats.timer(name)\n"}, status="n/a",
                note="metrics are pushed to statsd: nothing to scrape"),
        Example({**_BARE_FLASK, "app_monitoring.py": _NEWRELIC_METRICS}, status="n/a",
                note="custom metrics recorded through the New Relic agent are pushed"),
        Example({**_BARE_FASTAPI, "app/events.py": _OTEL_COUNTER,
                 "app/config.py": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
                                  "    OTEL_EXPORTER_OTLP_ENDPOINT: str = ''\n"}, status="n/a",
                note="OpenTelemetry instruments with an OTLP endpoint setting: exported over OTLP"),
        Example({**_BARE_FASTAPI, "app/events.py": _OTEL_COUNTER}, status="fail",
                note="OpenTelemetry instruments nothing exports"),
        Example({**_BARE_FLASK, "app_views.py": "from baseframe import statsd\n\n\ndef record_login(service):\n"
                 "    statsd.incr('login.success', tags={'service': service})\n"}, status="n/a",
                note="a statsd client a framework provides, imported by name: the metrics are pushed"),
        Example({**_BARE_FLASK, "app_views.py": "from app_config import statsd\n\n\ndef settings():\n"
                 "    return {'metrics': statsd.enabled}\n"}, status="fail",
                note="a setting named statsd that records nothing"),
        Example({**_BARE_FLASK, "requirements.txt": "flask\nnewrelic\n",
                 "etc/newrelic.ini": "[newrelic]\napp_name = shop\n"}, status="n/a",
                note="the New Relic agent, declared with its newrelic.ini, pushes the metrics"),
        Example({**_BARE_FLASK, "requirements.txt": "flask\nnewrelic\n"}, status="fail",
                note="New Relic installed, nothing configures it"),
        Example({**_BARE_FLASK, "app_jobs.py": _PUSHGATEWAY}, status="n/a",
                note="a batch job pushes its prometheus_client registry to a pushgateway"),
        Example({**_BARE_FLASK, "app_datadog.py": _DATADOG_SERIES}, status="n/a",
                note="series pushed to Datadog over HTTP: nothing waits to be scraped"),
        Example({"app/main.py": "from fastapi import FastAPI\n\nfrom app import reports\n\napp = FastAPI()\n\n\n"
                 "@app.get('/api/metrics')\ndef metrics() -> dict:\n    return reports.signups_per_day()\n",
                 "app/reports.py": "def signups_per_day() -> dict:\n    return {}\n", "app/__init__.py": ""},
                status="fail", note="an analytics API called metrics is not a Prometheus endpoint"),
        Example({"app.py": "from flask import Flask, Response\nfrom flask.views import MethodView\n"
                           "from prometheus_client import CONTENT_TYPE_LATEST, generate_latest\n\napp = Flask(__name__)\n\n\n"
                           "class MetricsResource(MethodView):\n    def get(self):\n"
                           "        return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)\n\n\n"
                           "app.add_url_rule('/api/varz', view_func=MetricsResource.as_view('varz'))\n"},
                status="pass", note="the Prometheus format served at another path"),
        Example({"app.py": "from flask import Flask\nfrom prometheus_client import generate_latest\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/orders')\ndef orders():\n    return []\n\n\n"
                           "def write_textfile(path):\n    open(path, 'wb').write(generate_latest())\n"},
                status="fail", note="a route beside code that renders the registry to a file is not a metrics endpoint"),
        Example({"shop/wsgi.py": "from pyramid.config import Configurator\n\n\ndef main():\n"
                                 "    config = Configurator()\n    config.add_route('home', '/')\n"
                                 "    return config.make_wsgi_app()\n"},
                status="fail", note="Pyramid's make_wsgi_app builds the application, not a metrics endpoint"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        prometheus = any(m == "prometheus_client" or m.startswith("prometheus_client.") for m in source.imports)
        # make_wsgi_app is also Pyramid's Configurator method: prometheus_client's only where it is imported
        found = call_marks(source, _ENDPOINT_CALLS if prometheus else {
            k: v for k, v in _ENDPOINT_CALLS.items() if not v.startswith("prometheus_client")})
        found += [Evidence(f"{_PUSHED} {e.message.removesuffix(' used')}", e.path, e.line)
                  for e in module_marks(source, _PUSH_MODULES) + statsd_client_marks(source)]
        found += [Evidence(f"{_PUSHED} {e.message}", e.path, e.line)
                  for e in string_marks(source, _PUSH_URL, "series posted to a metrics API")]
        found += [Evidence(_OTEL_METRICS, e.path, e.line)
                  for e in module_marks(source, {"opentelemetry.metrics": "OpenTelemetry metrics"})]
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) in ("push_to_gateway", "pushadd_to_gateway"):
                found.append(Evidence(f"{_PUSHED} Prometheus pushgateway", source.path, call.lineno))
                break
        if "prometheus_fastapi_instrumentator" in source.imports:
            for call in source.nodes(ast.Call):
                if call_name(call) == "expose":
                    found.append(Evidence("Instrumentator().expose()", source.path, getattr(call, "lineno", 0)))
                    break
        for call in source.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if call_name(call) == "add_route" and any(dotted(a).endswith("handle_metrics") for a in call.args):
                found.append(Evidence("starlette-exporter handle_metrics route", source.path, call.lineno))
        found += [e for e in installed_app_marks(source, {"django_prometheus.urls": "django-prometheus"})
                  if e.message.endswith("URLs included")]
        return found

    def route_counts(self, route: Route) -> str:
        return "metrics route" if route.ops_name in ("metrics", "prometheus") else ""

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        """Scrape endpoints decide; without one, metrics that are only pushed make the check n/a."""
        pushed = [e for e in collected.evidence if e.message.startswith(_PUSHED)]
        pushed += [Evidence(f"{_PUSHED} {a.vendor} agent", a.evidence.path, a.evidence.line) for a in metrics_agents(project)]
        otel = [e for e in collected.evidence if e.message == _OTEL_METRICS]
        if otel and _otlp_endpoint_set(project):
            pushed.append(Evidence(f"{_PUSHED} OpenTelemetry metrics over OTLP", otel[0].path, otel[0].line))
        evidence = [e for e in collected.evidence if not e.message.startswith(_PUSHED) and e.message != _OTEL_METRICS]
        for route in route_table(project, facts_of(collected.facts)):
            label = self.route_counts(route)
            text = project.read_text(route.file) or ""
            if label and _SERVES_PROMETHEUS.search(text):
                evidence.append(Evidence(f"{label} {route.label}", route.file, route.line))
            elif route.method in ("GET", "*") and _EXPOSITION.search(_handler_text(text, route.line)):
                evidence.append(Evidence(f"Prometheus exposition served at {route.label}", route.file, route.line))
        found = self.found(evidence)
        if found is not None:
            return found
        if not profile_of(project).service:
            return Verdict(NotApplicable(LIBRARY_REASON))
        gateway = {e.path for e in pushed if e.message.endswith("Prometheus pushgateway")}  # its registry is pushed
        pull = {m for path, mods in project.imports.items()
                if is_application_path(path) and path not in gateway for m in mods}
        if pushed and not pull & set(_PULL_MODULES):
            first = pushed[0]
            how = first.message.removeprefix(_PUSHED).strip()
            return Verdict(NotApplicable(f"metrics are pushed ({how}, {first.path}:{first.line}), "
                                         "so no scrape endpoint is needed"))
        return Verdict(Presence(False, self.what), summary=f"no {self.what} found")


_HEALTH = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "alive", "ping",
                     "live", "livez", "liveness", "_health", "_healthz", "_ping", "heartbeat"})
_READY = frozenset({"ready", "readyz", "readiness", "_ready"})
# The last word of a segment like service_health, uwsgi-health, __lbheartbeat__.
_HEALTH_WORDS = frozenset({"health", "healthz", "healthcheck", "heartbeat", "lbheartbeat", "livez", "liveness", "alive"})
# A status route counts when it is the service's own (/status, /_status, /api/status), not /orders/{id}/status.
_STATUS = frozenset({"status", "_status", "status.txt", "_status.txt"})


_QUERY = lazy_compile(r"(?<!\{)\?.*$")  # a query string; "{?name}" is a path piece the scan could not resolve


def _health_path(path: str) -> str:
    """'liveness', 'readiness' or '' for a URL path a probe could call."""
    segs = [s.lower() for s in _QUERY.sub("", path).split("/") if s]  # {?api_prefix}: a prefix, not a query
    if not segs:
        return ""
    words = [w for w in re.split(r"[-_.]", segs[-1].removeprefix("^").removesuffix("$")) if w]
    if segs[-1] in _READY or (words and words[-1] in _READY):
        return "readiness"
    if segs[-1] in _HEALTH or (words and words[-1] in _HEALTH_WORDS):
        # /api/v1/packs/index/health, /connectors/{id}/health: the health of a resource, not of the service
        return "" if sum(1 for s in segs[:-1] if not _PROBE_PREFIX.match(s)) >= 2 else "liveness"
    if segs[-1] in _STATUS and all(re.match(r"^(api|internal|management|_|v\d+(\.\d+)?)$", s) for s in segs[:-1]):
        return "liveness"
    if len(words) > 1 and words[-1] == "check" and set(segs[:-1]) & _CHECK_AREAS \
            and all(_PROBE_PREFIX.match(s) for s in segs[:-1]):
        return "liveness"  # /v1/monitoring/celery_check: a check of a dependency in the operations area
    return ""


# Operations areas a "<dependency>_check" route is a health check in (/monitoring/celery_check, /health/db-check)
_CHECK_AREAS = frozenset({"monitoring", "monitor", "health", "healthz", "healthcheck"})


# Path segments a probe route sits under: the API's prefix and version, an operations area (one more segment,
# the service's own name, is allowed beside them)
_PROBE_PREFIX = lazy_compile(r"^(?:api|internal|management|manage|admin|settings|ops|system|monitoring|monitor|_+|-|"
                             r"v\d+(?:\.\d+)?|health\w*|status|app|service)$")


# A container health check that asks the service itself for a path: HEALTHCHECK CMD curl -f http://127.0.0.1:5000/api/version
_PROBE_CALL = lazy_compile(r"\b(?:curl|wget)\b[^\n]*?"
                           r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(/[^\s\"'|;)\]]*)")
_HEALTHCHECK = lazy_compile(r"^[ \t]*HEALTHCHECK\b", re.MULTILINE)


def _probed_path(command: str) -> str | None:
    """The path of the service a health-check command asks for (``curl -f http://127.0.0.1:5000/api/version``),
    unless it is the home page or the API's docs, which prove only that the service serves."""
    for match in _PROBE_CALL.finditer(command):
        path = match.group(1)
        segments = [s.lower() for s in path.split("?")[0].split("/") if s]
        if segments and not set(segments) & _NOT_PROBES:
            return path
    return None


def _container_probe(text: str) -> tuple[str, int] | None:
    """(path, line) of a Dockerfile ``HEALTHCHECK`` that asks the service for a path, or None."""
    for match in _HEALTHCHECK.finditer(text) if "HEALTHCHECK" in text else ():
        path = _probed_path(text[match.start():match.start() + 400])
        if path:
            return path, text.count("\n", 0, match.start()) + 1
    return None


_DOCKERFLOW_MIDDLEWARE = "dockerflow.django.middleware.DockerflowMiddleware"
_SIGNED_IN = lazy_compile(r"login_required|admin_required|staff_member_required|superuser_required|"
                          r"permission_required|(?:auth|authentication)_required|requires_auth")
_PROBE_METHODS = frozenset({"GET", "HEAD", "*"})  # "*": any method, or one the scan could not tell
_NOT_PROBES = frozenset({"openapi", "openapi.json", "docs", "swagger", "swagger.json", "redoc", "schema", "static",
                         "favicon.ico", "robots.txt", "login"})


def _probe_paths(source: SourceFile) -> list[Evidence]:
    """Health paths answered without a route: ``if request.path == "/healthcheck"`` in a middleware."""
    out = []
    constants = {t.id: n.value.value for n in (source.tree.body if source.tree is not None else [])
                 if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}  # HEALTHCHECK_PATH = "/healthcheck"
    for node in source.nodes(ast.Compare):
        assert isinstance(node, ast.Compare)
        sides = [node.left, *node.comparators]
        attrs = [s for s in sides if isinstance(s, ast.Attribute) and s.attr in ("path", "path_info", "url_path")]
        attrs += [s for s in sides if _path_key(s)]  # environ["PATH_INFO"], scope["path"]: WSGI/ASGI wrappers
        texts = [s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
        texts += [constants[s.id] for s in sides if isinstance(s, ast.Name) and s.id in constants]
        for elt in (e for s in sides if isinstance(s, (ast.Tuple, ast.List, ast.Set)) for e in s.elts):
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                texts.append(elt.value)
        if attrs:
            for text in texts:
                if text.startswith("/") and (kind := _health_path(text)):
                    out.append(Evidence(f"{kind} path {text} answered by middleware", source.path, node.lineno))
    return out


def _path_key(node: ast.AST) -> bool:
    """``environ["PATH_INFO"]``, ``environ.get("PATH_INFO")``, ``scope["path"]``: the request path in a wrapper."""
    key: ast.AST | None = None
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        key = node.args[0]
    return isinstance(key, ast.Constant) and key.value in ("PATH_INFO", "path", "RAW_URI", "REQUEST_URI")


class HealthEndpoint(MarkerCheck):
    id = "health-endpoint"
    severity = "high"
    effort = "0.5d"
    title = "Health and readiness endpoints"
    what = "health or readiness route"
    wants_routes = True
    rationale = (
        "Orchestrators and load balancers decide from liveness and readiness probes whether to restart a "
        "container or send it traffic; without them a hung or starting instance keeps receiving requests."
    )
    remediation = (
        "Add a cheap liveness route (`GET /health` or `/healthz`) and a readiness route (`GET /ready`) that "
        "checks the database and other dependencies, and point the Kubernetes probes at them."
    )
    scoring = ("Presence: a liveness or readiness route (/health, /healthz, /ready, /livez, service_health, ...), a "
               "health path answered by middleware, a Kubernetes probe or a container health check (Dockerfile HEALTHCHECK, "
               "compose healthcheck) that calls a path other than the home page "
               "(`/`), or a health-check library.")
    needles = ROUTE_NEEDLES + ("health", "ready", "live", "ping", "alive", "dockerflow")
    examples = (
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\n"
                                "def health() -> dict:\n    return {'status': 'ok'}\n"}, status="pass"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom app import probes\n\napp = FastAPI()\n"
                                "app.include_router(probes.router, prefix='/health')\n",
                 "app/probes.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/ready')\n"
                                  "def ready() -> dict:\n    return {}\n",
                 "app/__init__.py": ""}, status="pass", note="router mounted under /health"),
        Example({"proj/urls.py": "from django.urls import path\n\nurlpatterns = [path('healthz/', lambda r: None)]\n"},
                status="pass", note="a Django route"),
        Example({"notes/routes.py": "def includeme(config):\n    config.add_route('status', '/_status')\n"
                                    "    config.add_route('index', '/')\n",
                 "notes/util/view.py": "from pyramid.view import view_config\n\n\ndef json_view(**settings):\n"
                                       "    settings.setdefault('renderer', 'json')\n    return view_config(**settings)\n",
                 "notes/views/status.py": "from notes.util.view import json_view\n\n\n@json_view(route_name='status')\n"
                                          "def status(request):\n    request.db.execute('SELECT 1')\n"
                                          "    return {'status': 'okay'}\n"},
                status="pass", note="a Pyramid route served through the project's own view decorator"),
        Example(_BARE_FLASK, status="fail"),
        Example({**_BARE_FASTAPI, "app/util.py": "def health_score(x):\n    return x\n"}, status="fail",
                note="a function named health is not a route"),
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/api/v1/packs/index/health')\n"
                                "def index_health() -> dict:\n    return {'indexes': []}\n\n\n"
                                "@app.get('/api/v1/connectors/{cid}/health')\ndef connector_health(cid: str) -> dict:\n"
                                "    return {}\n"}, status="fail",
                note="the health of a resource (remote pack indexes, one connector) is not the service's liveness"),
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/billing/health')\n"
                                "def health() -> dict:\n    return {'status': 'ok'}\n"}, status="pass",
                note="under the service's own name"),
        Example({"proj/urls.py": "from django.urls import path\n\nfrom proj import views\n\n"
                                 "urlpatterns = [path('api/v2/incidents/sources/heartbeat/', views.source_heartbeat),\n"
                                 "               path('.still-alive/', views.health_check)]\n",
                 "proj/views.py": "from django.http import HttpResponse\n\n\ndef source_heartbeat(request):\n"
                                  "    return HttpResponse(status=201)\n\n\ndef health_check(request):\n"
                                  "    return HttpResponse(status=204)\n"}, status="pass",
                note="a dotted liveness path (.still-alive); a source system's heartbeat is not the service's"),
        Example({**_BARE_FASTAPI,
                 "docker/Dockerfile": "FROM python:3.12\nCMD [\"uvicorn\", \"app.main:app\"]\n"
                                      "HEALTHCHECK --interval=15s --timeout=5s \\\n"
                                      "    CMD curl --fail --silent http://127.0.0.1:5000/api/version || exit 1\n"},
                status="pass", note="the image's health check asks the service for a path"),
        Example({**_BARE_FASTAPI,
                 "docker-compose.yml": "services:\n  web:\n    build: .\n    healthcheck:\n"
                                       "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/\"]\n"
                                       "  search:\n    image: opensearch:2\n    healthcheck:\n"
                                       "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:9200/_cluster/health\"]\n"},
                status="fail",
                note="a health check that loads the home page is no health endpoint, nor a database image's own check"),
        Example({**_BARE_FASTAPI,
                 "docker-compose.yml": "services:\n  web:\n    build: .\n    healthcheck:\n"
                                       "      test: [\"CMD-SHELL\", \"curl -f http://localhost:8000/api/ping || exit 1\"]\n"},
                status="pass", note="the service's own compose health check calls a path"),
        Example({**_BARE_FASTAPI,
                 "Dockerfile": "FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost:8080/openapi || exit 1\n"},
                status="fail", note="nor one that loads the API's documentation"),
        Example({"app/admin.py": "from flask import Blueprint\n\nfrom app.auth import admin_required, user_login_required\n\n"
                                 "admin = Blueprint('admin', __name__)\n\n\n@admin.route('/admin/alive', methods=['GET'])\n"
                                 "@user_login_required\n@admin_required\ndef alive():\n    return '', 200\n"},
                status="fail", note="a route only a signed-in admin can call: no probe can use it"),
        Example({"proj/urls.py": "from django.urls import path\n\nfrom proj.views import StatusView\n\n"
                                 "urlpatterns = [path('api/status/', StatusView.as_view())]\n",
                 "proj/views.py": "from rest_framework.permissions import IsAuthenticated\n"
                                  "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                                  "class StatusView(APIView):\n    permission_classes = (IsAuthenticated,)\n\n"
                                  "    def get(self, request):\n        return Response({'unread': request.user.unread_count()})\n"},
                status="fail", note="a DRF status view for signed-in users only: a probe has no token"),
        Example({"proj/urls.py": "from django.urls import path\n\nfrom proj.views import StatusView\n\n"
                                 "urlpatterns = [path('api/status/', StatusView.as_view())]\n",
                 "proj/views.py": "from rest_framework.permissions import AllowAny\n"
                                  "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                                  "class StatusView(APIView):\n    permission_classes = (AllowAny,)\n\n"
                                  "    def get(self, request):\n        return Response({'status': 'ok'})\n"},
                status="pass", note="the same view open to anyone"),
        Example({"app/api.py": "from aiohttp import web\n\nroutes = web.RouteTableDef()\n\n\n@routes.post('/auth/ping')\n"
                               "async def ping(request: web.Request) -> web.Response:\n"
                               "    token = request.headers.get('Authorization')\n"
                               "    return web.json_response({'user': token and 'admin'})\n"},
                status="fail", note="a POST-only ping checks a token: probes send GET"),
        Example({"app/api.py": "from flask import Flask\nfrom flask_restful import Api, Resource\n\napp = Flask(__name__)\n"
                               "api = Api(app, prefix='/v1')\n\n\nclass CeleryCheck(Resource):\n    def get(self):\n"
                               "        return {'celery-is-running': True}\n\n\n"
                               "api.add_resource(CeleryCheck, '/monitoring/celery_check/')\n"},
                status="pass", note="a dependency's check in the operations area"),
        Example({"app/api.py": "from flask import Flask\nfrom flask_restful import Api, Resource\n\napp = Flask(__name__)\n"
                               "api = Api(app, prefix='/v1')\n\n\nclass SpellCheck(Resource):\n    def get(self):\n"
                               "        return {'words': []}\n\n\n"
                               "api.add_resource(SpellCheck, '/documents/spell_check/')\n"},
                status="fail", note="a check the API offers its clients is no health check"),
        Example({"proj/settings.py": "INSTALLED_APPS = ['dockerflow.django', 'recipes']\n"
                                     "MIDDLEWARE = ['dockerflow.django.middleware.DockerflowMiddleware',\n"
                                     "              'django.middleware.common.CommonMiddleware']\n",
                 "recipes/views.py": "from django.http import JsonResponse\n\n\ndef recipes(request):\n"
                                     "    return JsonResponse({'recipes': []})\n"},
                status="pass", note="Dockerflow's Django middleware answers /__heartbeat__ and /__lbheartbeat__"),
        Example({"proj/settings.py": "DEBUG = False\nMIDDLEWARE = [\n    middleware\n    for middleware in [\n"
                                     "        'debug_toolbar.middleware.DebugToolbarMiddleware' if DEBUG else False,\n"
                                     "        'dockerflow.django.middleware.DockerflowMiddleware',\n    ]\n    if middleware\n]\n",
                 "recipes/views.py": "from django.http import JsonResponse\n\n\ndef recipes(request):\n"
                                     "    return JsonResponse({'recipes': []})\n"},
                status="pass", note="the middleware list filtered by a comprehension"),
        Example({"app/main.py": "from fastapi import APIRouter, FastAPI\n\nfrom app.config import settings\n"
                                "from app.utils import create_utils_routes\n\napp = FastAPI()\n"
                                "api_root = APIRouter(prefix=settings.api_prefix)\n"
                                "api_root.include_router(create_utils_routes())\napp.include_router(api_root)\n",
                 "app/utils.py": "from fastapi import APIRouter\n\n\ndef create_utils_routes() -> APIRouter:\n"
                                 "    bp = APIRouter()\n\n    @bp.get('/health')\n    def health() -> dict:\n"
                                 "        return {'status': 'available'}\n\n    return bp\n"},
                status="pass", note="/health under a prefix read from the configuration"),
        Example({"judge/urls.py": "from django.urls import path\n\nfrom judge import views\n\n"
                                  "urlpatterns = [path('status/', views.status_all, name='status_all')]\n",
                 "judge/views.py": "from django.shortcuts import render\n\nfrom judge.models import Judge\n\n\n"
                                   "def status_all(request):\n    return render(request, 'status/judge-status.html', "
                                   "{'judges': Judge.objects.all()})\n"},
                status="fail", note="a /status page that renders the judges' status for people is no health endpoint"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        return module_marks(source, {"fastapi_health": "fastapi-health", "healthcheck": "healthcheck",
                                     "flask_healthz": "flask-healthz", "health_check": "django-health-check"}) + \
            installed_app_marks(source, {"health_check": "django-health-check", "health_check.urls": "django-health-check",
                                         _DOCKERFLOW_MIDDLEWARE: "Dockerflow's /__heartbeat__ and /__lbheartbeat__"}) + \
            _probe_paths(source)

    def route_counts(self, route: Route) -> str:
        kind = _health_path(route.path)
        if kind and (any(_SIGNED_IN.search(d.rpartition(".")[2]) for d in route.fact.decorators)
                     or "@signed-in" in route.fact.calls):
            return ""  # @login_required, permission_classes = [IsAuthenticated]: a probe has no session or token
        if kind and route.method not in _PROBE_METHODS:
            return ""  # POST /auth/ping: probes send GET (or HEAD), so a route for other methods is not theirs
        if kind and route.fact.kind == "page" and route.segments and route.segments[-1].lower() in _STATUS:
            return ""  # GET /status/ rendering a template: the site's status page for people, not a probe's
        return f"{kind} route" if kind else ""

    def repository_marks(self, project: Project) -> list[Evidence]:
        """Kubernetes probes that call a path: whatever answers it (a route, middleware, the web server)."""
        out = []
        for container in repo_files(project).containers:
            for probe in container.probes:
                kind, _, target = probe.partition(" ")
                if target.startswith("/") and target.split("?")[0].strip("/"):  # "/" loads the home page: no health endpoint
                    out.append(Evidence(f"{'readiness' if kind == 'readiness' else 'liveness'} probe GET {target} "
                                        f"({kind}Probe of {container.workload})", container.path, container.line))
        for rel in project.glob("**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile"):
            found = None if is_test_path(rel) else project.text_fact("container-health-probe", rel, _container_probe)
            if found:
                out.append(Evidence(f"liveness probe GET {found[0]} (container health check)", rel, found[1]))
        for rel in project.glob("**/docker-compose*.yml", "**/docker-compose*.yaml", "**/compose*.yml", "**/compose*.yaml"):
            docs, _ = project.yaml_documents(rel) if not is_test_path(rel) else ([], None)
            for doc in docs:
                services = doc.get("services") if isinstance(doc, dict) else None
                for service in services.values() if isinstance(services, dict) else ():
                    # the service's own containers (built from the repository), not a database image's check
                    check = service.get("healthcheck") if isinstance(service, dict) and "build" in service else None
                    test = check.get("test") if isinstance(check, dict) else None
                    text = " ".join(map(str, test)) if isinstance(test, list) else str(test or "")
                    path = _probed_path(text) if text else None
                    if path:
                        out.append(Evidence(f"liveness probe GET {path} (container health check)", rel))
        return out

    def summary(self, evidence: list[Evidence]) -> str:
        ready = [e for e in evidence if e.message.startswith("readiness")]
        live = [e for e in evidence if not e.message.startswith("readiness")]
        parts = []
        if live:
            parts.append(str(live[0]))
        parts.append(str(ready[0]) if ready else "no separate readiness route")
        return "; ".join(parts)


_JSON_LOG_MODULES = {
    "structlog": "structlog", "pythonjsonlogger": "python-json-logger", "json_log_formatter": "json-log-formatter",
    "ecs_logging": "ecs-logging", "jsonlogger": "jsonlogger", "django_structlog": "django-structlog",
    "json_logging": "json-logging",
    "dockerflow.logging": "Dockerflow's JSON (mozlog) logging",  # JsonLogFormatter, and formatters built on it
}
# A formatter named by its dotted import path, as dictConfig and logging files do.
_JSON_FORMATTER = lazy_compile(r"^[\w.]*\.\w*json\w*formatter$|^pythonjsonlogger\.|^ecs_logging\.|^structlog\."
                               r"|^dockerflow\.logging\.", re.IGNORECASE)
_JSON_FORMATTER_TEXT = lazy_compile(r"json\w*formatter|pythonjsonlogger|ecs_logging|dockerflow\.logging", re.IGNORECASE)


_TEXT_FORMATTER = (
    "import json\nimport logging\n\n\nclass HostFormatter(logging.Formatter):\n    def format(self, record):\n"
    "        line = '[web-1] ' + super().format(record)\n        for key, value in getattr(record, 'data', {}).items():\n"
    "            line += f'\\n  {key} = {json.dumps(value)}'\n        return line\n"
)


def _formats_json(cls: ast.ClassDef) -> bool:
    """Whether the formatter's ``format`` returns the JSON-serialised record, not text with some JSON in it."""
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.name not in ("format", "formatMessage"):
            continue
        serialised: set[str] = set()
        for node in ast.walk(method):
            if isinstance(node, ast.Assign) and _is_dumps(node.value):
                serialised.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for node in ast.walk(method):
            if isinstance(node, ast.Return) and node.value is not None and (
                _is_dumps(node.value) or (isinstance(node.value, ast.Name) and node.value.id in serialised)
            ):
                return True
    return False


def _is_dumps(node: ast.AST) -> bool:
    """``json.dumps(...)``, ``orjson.dumps(...).decode()`` or ``self.serialise(...)``-style JSON calls."""
    if isinstance(node, ast.Call) and call_name(node) == "decode" and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return isinstance(node, ast.Call) and call_name(node) in ("dumps", "json_dumps", "to_json", "serialize_json")


def _used_in_file(source: SourceFile, cls: ast.ClassDef) -> bool:
    """Whether the module itself uses a class it defines: a handler given an instance, or a logging
    configuration naming it (``"()": "app.log.JsonLines"``)."""
    inside = {id(n) for n in ast.walk(cls)}
    for node in source.nodes(ast.Name, ast.Constant):
        if id(node) in inside:
            continue
        if isinstance(node, ast.Name) and node.id == cls.name:
            return True
        value = getattr(node, "value", None)
        if isinstance(value, str) and (value == cls.name or value.endswith("." + cls.name)):
            return True
    return False


_JSON_LINES = ("import json\nimport logging\n\n\nclass JsonLines(logging.Formatter):\n"
               "    def format(self, record):\n        return json.dumps({'msg': record.getMessage()})\n")


class StructuredLogging(MarkerCheck):
    id = "structured-logging"
    severity = "medium"
    effort = "1d"
    title = "Structured (JSON) logging"
    what = "structured logging"
    rationale = (
        "Log platforms search, filter and alert on fields. Plain text lines have to be parsed with fragile "
        "patterns, and multi-line tracebacks get split into separate events."
    )
    remediation = (
        "Log JSON: configure structlog, or python-json-logger's `JsonFormatter` in `logging.config.dictConfig` "
        "(or loguru with `serialize=True`), and include request ids and other context as fields."
    )
    scoring = "Presence: structlog, python-json-logger, a JSON formatter in the logging configuration, or loguru serialize=True."
    needles = ("structlog", "json", "Json", "JSON", "ecs_logging", "serialize", "dockerflow")
    examples = (
        Example({"app/log.py": "import structlog\n\nlog = structlog.get_logger()\n", **_BARE_FASTAPI}, status="pass"),
        Example({"app/log.py": "from dockerflow import logging as dockerflow_logging\n\n\n"
                               "class JsonLogFormatter(dockerflow_logging.JsonLogFormatter):\n    logger_name = 'app'\n",
                 **_BARE_FASTAPI}, status="pass", note="Dockerflow's mozlog JSON formatter"),
        Example({"proj/settings.py": "LOGGING = {\n    'version': 1,\n"
                                     "    'formatters': {'json': {'()': 'dockerflow.logging.MozlogFormatter', 'logger_name': 'app'}},\n"
                                     "    'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'json'}},\n}\n",
                 "app/views.py": "from django.http import JsonResponse\n\n\ndef index(request):\n    return JsonResponse({})\n"},
                status="pass", note="Dockerflow's mozlog formatter named in the logging configuration writes JSON"),
        Example({"app/logging_config.py": "import logging.config\n\nlogging.config.dictConfig({\n"
                 "    'version': 1,\n    'formatters': {'json': {'()': 'pythonjsonlogger.jsonlogger.JsonFormatter'}},\n"
                 "})\n", **_BARE_FASTAPI}, status="pass", note="dictConfig with a JSON formatter"),
        Example({"app/log.py": "import logging\n\nimport ecs_logging\n\nhandler = logging.StreamHandler()\n"
                               "handler.setFormatter(ecs_logging.StdlibFormatter())\nlogging.getLogger().addHandler(handler)\n",
                 **_BARE_FASTAPI}, status="pass", note="ecs-logging writes each record as an ECS JSON document"),
        Example({"app/log.py": _JSON_LINES + "\n\nhandler = logging.StreamHandler()\nhandler.setFormatter(JsonLines())\n",
                 **_BARE_FASTAPI}, status="pass", note="a hand-written JSON formatter"),
        Example({"app/log.py": _JSON_LINES, "app/main.py": "import logging\n\nfrom fastapi import FastAPI\n\n"
                 "from app.log import JsonLines\n\napp = FastAPI()\nhandler = logging.StreamHandler()\n"
                 "handler.setFormatter(JsonLines())\n"}, status="pass",
                note="a hand-written JSON formatter another module installs"),
        Example({"app/log.py": _JSON_LINES, **_BARE_FASTAPI}, status="fail",
                note="a JSON formatter nothing installs: the records stay text"),
        Example({"app/log.py": "import logging\n\nlogging.basicConfig(level=logging.INFO)\n", **_BARE_FASTAPI},
                status="fail"),
        Example({"app/api.py": "import json\n\n\ndef dump(x):\n    return json.dumps(x)\n", **_BARE_FASTAPI},
                status="fail", note="json.dumps outside a log formatter"),
        Example({"app/log.py": _TEXT_FORMATTER, **_BARE_FASTAPI}, status="fail",
                note="a text formatter that JSON-encodes single values"),
        Example({"proj/settings.py": "INSTALLED_APPS = ['django.contrib.admin', 'django_structlog', 'orders']\n"
                 "MIDDLEWARE = ['django_structlog.middlewares.RequestMiddleware']\n",
                 "orders/views.py": "from django.http import JsonResponse\n"}, status="pass",
                note="django-structlog installed: key-value records with the request bound"),
        Example({"app/log.py": "import sys\n\nfrom loguru import logger\n\nfrom app.config import config\n\n"
                               "logger.add(sys.stderr, serialize=config.LOG_SERIALIZE)\n", **_BARE_FASTAPI},
                status="pass", note="loguru's JSON records switched by a setting"),
        Example({"app/log.py": "import sys\n\nfrom loguru import logger\n\nlogger.add(sys.stderr, serialize=False)\n",
                 **_BARE_FASTAPI}, status="fail", note="loguru writing text"),
        Example({"app/log.py": "import sys\n\nfrom loguru import logger\n\nfrom app.config import config\n\n\n"
                               "def handler(sink, serialize):\n    return {'sink': sink, 'serialize': serialize}\n\n\n"
                               "logger.configure(handlers=[handler(sys.stdout, serialize=config.log_format == 'json')])\n",
                 **_BARE_FASTAPI}, status="pass", note="loguru handlers built by a helper, JSON when the setting says so"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        found = module_marks(source, _JSON_LOG_MODULES)
        found += installed_app_marks(source, {"django_structlog": "django-structlog"})
        found += string_marks(source, _JSON_FORMATTER, "JSON log formatter configured")
        if "loguru" in source.imports:
            for call in source.nodes(ast.Call):
                assert isinstance(call, ast.Call)
                serialize = next((k.value for k in call.keywords if k.arg == "serialize"), None)
                if serialize is None:  # logger.add(...), or a helper building the handlers logger.configure takes
                    continue
                if isinstance(serialize, ast.Constant):
                    if serialize.value is True:
                        found.append(Evidence("loguru serialize=True", source.path, call.lineno))
                else:  # serialize=config.LOG_SERIALIZE: JSON records an operator switches on
                    found.append(Evidence(f"loguru serialize={ast.unparse(serialize)[:60]} (JSON by configuration)",
                                          source.path, call.lineno))
        return found

    @staticmethod
    def _json_formatters(source: SourceFile) -> list[ast.ClassDef]:
        return [cls for cls in source.nodes(ast.ClassDef) if isinstance(cls, ast.ClassDef)
                and any(dotted(b).endswith("Formatter") for b in cls.bases) and _formats_json(cls)]

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        """A hand-written JSON formatter is evidence where this module uses it; one it only defines waits
        for the whole project (``evaluate``)."""
        outcome = super().check_file(source, options)
        if source.tree is None or not is_application_path(source.path):
            return outcome
        used, unused = [], []
        for cls in self._json_formatters(source):
            (used if _used_in_file(source, cls) else unused).append(cls)
        if not used and not unused:
            return outcome
        outcome = outcome or FileOutcome()
        outcome.evidence.extend(Evidence(f"JSON log formatter {cls.name}", source.path, cls.lineno) for cls in used)
        if unused:
            outcome.facts = MarkerFacts(unused=tuple((cls.name, cls.lineno) for cls in unused))
        return outcome

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        """A formatter another module imports, or a logging configuration names, is in use."""
        wanted = {name: (path, line) for path, facts in sorted(collected.facts.items()) if isinstance(facts, MarkerFacts)
                  for name, line in facts.unused}
        if wanted:
            named = {m.rpartition(".")[2] for path, modules in project.modules.items()
                     if is_application_path(path) for m in modules}
            configs = [text for rel in self._config_files(project) if (text := project.read_text(rel))]
            used = [Evidence(f"JSON log formatter {name}", path, line) for name, (path, line) in sorted(wanted.items())
                    if name in named or any(name in text for text in configs)]
            collected = dataclasses.replace(collected, evidence=[*collected.evidence, *used])
        return super().evaluate(project, collected, options)

    @staticmethod
    def _config_files(project: Project) -> list[str]:
        return [rel for rel in project.glob("**/*log*.yaml", "**/*log*.yml", "**/*log*.ini", "**/*log*.conf",
                                            "**/*log*.json", "**/*settings*.py", "**/*config*.py")
                if is_application_path(rel)]

    def repository_marks(self, project: Project) -> list[Evidence]:
        out = []
        for rel in project.glob("**/*log*.yaml", "**/*log*.yml", "**/*log*.ini", "**/*log*.conf", "**/*log*.json"):
            if not is_application_path(rel):
                continue
            text = project.read_text(rel) or ""
            match = _JSON_FORMATTER_TEXT.search(text)
            if match:
                out.append(Evidence("JSON log formatter configured", rel, text.count("\n", 0, match.start()) + 1))
        return out


_CORRELATION_MODULES = {
    "asgi_correlation_id": "asgi-correlation-id", "starlette_context": "starlette-context",
    "flask_request_id": "flask-request-id", "flask_request_id_header": "flask-request-id-header",
    "django_guid": "django-guid", "log_request_id": "django-log-request-id", "request_id": "request-id middleware",
    "correlation_id": "correlation-id middleware", "django_structlog": "django-structlog request middleware",
    "dockerflow.logging.RequestIdLogFilter": "Dockerflow's request-id log filter",
    "dockerflow.logging.get_or_generate_request_id": "Dockerflow's request id",
    "dockerflow.logging.request_id_context": "Dockerflow's request id",
}
_CORRELATION_MIDDLEWARE = lazy_compile(r"^(django_structlog\.middlewares\.|django_guid\.middleware\.|"
                                     r"log_request_id\.middleware\.|asgi_correlation_id\.)")
# named in a logging configuration (dictConfig's "()": a factory by its dotted name): every record gets the request's id
_REQUEST_ID_FILTER = lazy_compile(r"^dockerflow\.logging\.RequestIdLogFilter$")
_HEADER_HOLDERS = ("headers", "META", "environ")
# X-Request-ID and X-Correlation-ID, and the trace ids that do the same work: X-Trace-Id, B3's X-B3-TraceId, W3C's
# traceparent (OpenTelemetry's propagation)
_CORRELATION_HEADER = lazy_compile(r"^(http[_-])?x[_-](request|correlation|trace|b3[_-]trace)[_-]?id$|^(http[_-])?traceparent$",
                                   re.IGNORECASE)


_ACCESS_LOG = (
    "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.after_request\ndef access_log(response):\n"
    "    if app.config.get('LOG_REQUEST_HEADERS', False):\n"
    "        app.logger.info({'request-id': request.headers.get('X-Request-Id'), 'path': request.path})\n"
    "    return response\n"
)


def _stamped_on_records(source: SourceFile) -> list[Evidence]:
    """A logging filter that puts the request's id on every record (``record.request_id = g.request_id``), or a
    record factory that puts the trace's id there (``record.otelTraceID = ...``): each log line of a request
    carries the same id, whether or not a header brought it."""
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        method = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "filter"), None)
        if method is None or not method.args.args[1:]:
            continue
        line = _stamps(method, method.args.args[1].arg)
        if line:
            return [Evidence("a logging filter stamps the request id on every record", source.path, line)]
    factories = {dotted(c.args[0]) for c in source.nodes(ast.Call) if isinstance(c, ast.Call) and c.args
                 and call_name(c) == "setLogRecordFactory"}
    for func in source.nodes(ast.FunctionDef):
        assert isinstance(func, ast.FunctionDef)
        if func.name in factories:
            record = next((n.targets[0].id for n in ast.walk(func) if isinstance(n, ast.Assign)
                           and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call)), "record")
            line = _stamps(func, record)
            if line:
                return [Evidence("a log record factory stamps the trace id on every record", source.path, line)]
    return []


_BINDERS = frozenset({"bind", "bind_contextvars", "bound_contextvars", "contextualize", "new"})


def _bound_to_logs(source: SourceFile) -> list[Evidence]:
    """A request id bound into the logging context (structlog's ``bind_contextvars(request_id=...)``,
    ``bound_contextvars(**{"request.id": request.id})``, loguru's ``contextualize``): every log line of the
    request carries it."""
    if not any(word in source.text for word in ("bind", "bound_contextvars", "contextualize")):
        return []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) not in _BINDERS:
            continue
        names = [k.arg for k in call.keywords if k.arg]
        names += [k.value for kw in call.keywords if kw.arg is None and isinstance(kw.value, ast.Dict)
                  for k in kw.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if any(_ID_FIELD_RE.search(str(n).replace(".", "_")) for n in names):
            return [Evidence("the request id is bound into every log line's context", source.path, call.lineno)]
    return []


def _stamps(func: ast.AST, record: str) -> int:
    """The line where ``func`` sets an id attribute on ``record``, or 0."""
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and dotted(t.value) == record and _ID_FIELD_RE.search(t.attr)
                for t in node.targets):
            return node.lineno
    return 0


_ID_FIELD_RE = lazy_compile(r"^(?:otel)?(?:request|correlation|trace)_?id$", re.IGNORECASE)


def _header_handling(source: SourceFile) -> list[Evidence]:
    """X-Request-ID / X-Correlation-ID read from a request or set on a response or outgoing call, outside any
    block that a setting switches off by default."""
    names = {t.id for node in source.nodes(ast.Assign) for t in getattr(node, "targets", [])
             if isinstance(t, ast.Name) and _is_header(getattr(node, "value", None))}
    for node in source.nodes(ast.Call, ast.Subscript, ast.Dict, ast.keyword):
        used = None
        if isinstance(node, ast.Call) and call_name(node) in ("get", "setdefault", "pop") and node.args and (
            _holder(node.func) and _names_header(node.args[0], names)
        ):
            used = node
        elif isinstance(node, ast.Subscript) and _holder(node) and _names_header(node.slice, names):
            used = node
        elif isinstance(node, ast.Call) and "header" in call_name(node).lower() and any(
                _names_header(a, names) for a in node.args[1:3]):
            used = node  # a pure ASGI middleware's own helper: self.get_header(scope, b"x-request-id")
        elif isinstance(node, ast.Dict) and any(k is not None and _names_header(k, names) for k in node.keys):
            parent = source.parent(node)
            if (isinstance(parent, ast.keyword) and parent.arg == "headers") or (
                    isinstance(parent, ast.Call) and "header" in call_name(parent).lower()):
                used = node
        elif isinstance(node, ast.keyword) and node.arg in ("header_name", "request_id_header", "header") and (
            _names_header(node.value, names)
        ):
            used = node
        if used is not None and not _switched_off(source, used) and not _read_as_something_else(source, used):
            return [Evidence("request-id header handled", source.path, getattr(used, "lineno", 0))]
    return _own_request_id_header(source)


# A service's own name for the request-id header: x-api-request-log-id, x-edge-request-id
_OWN_ID_HEADER = lazy_compile(r"^x-(?:[a-z0-9]+-)*(?:request|correlation)(?:-[a-z0-9]+)*-id$", re.IGNORECASE)
_REQUEST_ID_VARIABLE = lazy_compile(r"^_?(?:request|correlation|req)_?id$", re.IGNORECASE)


def _own_request_id_header(source: SourceFile) -> list[Evidence]:
    """``request_id = request.headers.get("x-api-request-log-id")``: a header of the service's own naming read as the
    request's id; the name it is read into says so (``github_request_id=`` is another service's answer)."""
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        call = node.value
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) \
                or not _REQUEST_ID_VARIABLE.match(node.targets[0].id) or not isinstance(call, ast.Call):
            continue
        if call_name(call) == "get" and call.args and _holder(call.func) and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str) and len(call.args[0].value) < 100 \
                and _OWN_ID_HEADER.match(call.args[0].value) \
                and not _switched_off(source, call):
            return [Evidence(f"request-id header {call.args[0].value} handled", source.path, node.lineno)]
    return []


_ID_NAME = lazy_compile(r"(?:^|_)(?:request|req|correlation|corr|trace|tracing|rid|cid|xid|id)(?:_|$)|request|correlation",
                        re.IGNORECASE)


def _read_as_something_else(source: SourceFile, used: ast.AST) -> bool:
    """``agent = request.headers.get("X-Request-ID")``: the header's value taken as another thing (an agent's
    name, a folder), not as the request's id to log and pass on."""
    parent = source.parent(used)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    return not _ID_NAME.search(parent.targets[0].id)


def _is_header(node: ast.AST | None) -> bool:
    """The header's name as text, or as the bytes an ASGI scope holds (``b"x-request-id"``)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, (str, bytes)):
        return False
    value = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
    return bool(_CORRELATION_HEADER.search(value))


def _names_header(node: ast.AST, names: set[str]) -> bool:
    """The header's name, a local bound to it, or a constant named for it (imported: ``REQUEST_ID_HEADER``)."""
    return _is_header(node) or (isinstance(node, ast.Name) and (node.id in names or bool(_HEADER_CONSTANT.match(node.id))))


_HEADER_CONSTANT = lazy_compile(r"^_?(?:X_)?(?:REQUEST|CORRELATION|TRACE)_?ID_HEADER(?:_NAME)?$", re.IGNORECASE)


def _holder(node: ast.AST) -> bool:
    """``request.headers``, ``request.META``, ``environ``: where a request's headers live."""
    target = node.value if isinstance(node, (ast.Attribute, ast.Subscript)) else node
    if isinstance(node, ast.Attribute) and node.attr in ("get", "setdefault", "pop"):
        target = node.value
    text = dotted(target)
    return any(text == h or text.endswith("." + h) for h in _HEADER_HOLDERS)


def _switched_off(source: SourceFile, node: ast.AST) -> bool:
    """Inside ``if config.get("X", False):`` (or ``and``-ed with it): an option that is off unless set."""
    child: ast.AST = node
    for ancestor in source.ancestors(node):
        if isinstance(ancestor, ast.If) and any(child is b for b in ancestor.body):
            tests = ancestor.test.values if isinstance(ancestor.test, ast.BoolOp) and isinstance(
                ancestor.test.op, ast.And) else [ancestor.test]
            for test in tests:
                if isinstance(test, ast.Call) and call_name(test) in ("get", "getenv") and test.args:
                    default = test.args[1] if len(test.args) > 1 else None
                    if default is None or (isinstance(default, ast.Constant) and not default.value):
                        return True
        child = ancestor
    return False


class CorrelationIds(MarkerCheck):
    id = "correlation-ids"
    severity = "medium"
    effort = "1d"
    title = "Correlation / request ids"
    what = "request-id handling"
    rationale = (
        "A request id that travels through logs and downstream calls is what ties one user's failing request "
        "together across services; without it incidents are debugged by guessing from timestamps."
    )
    remediation = (
        "Add request-id middleware (asgi-correlation-id, starlette-context, django-guid, flask-request-id), "
        "accept and return `X-Request-ID`, put the id into every log record and forward it on outgoing calls."
    )
    scoring = ("Presence: request-id middleware, code handling the X-Request-ID / X-Correlation-ID header, or a "
               "logging filter that stamps the request's id on every record.")
    needles = ("request_id", "Request-ID", "request-id", "Request-Id", "correlation", "Correlation", "REQUEST_ID",
               "CORRELATION", "django_guid", "starlette_context", "django_structlog", "log_request_id", "Trace-Id",
               "trace-id", "TraceId", "traceparent", "setLogRecordFactory", "RequestIdLogFilter", "trace_id")
    examples = (
        Example({"app/events.py": "from dockerflow.logging import get_or_generate_request_id, request_id_context\n\n\n"
                                  "def on_new_request(event):\n    request = event.request\n"
                                  "    request_id_context.set(get_or_generate_request_id(request.headers))\n",
                 **_BARE_FASTAPI}, status="pass", note="Dockerflow reads or makes the request id and logs it"),
        Example({"site/settings.py": "MIDDLEWARE = ['dockerflow.django.middleware.DockerflowMiddleware']\n"
                                     "LOGGING = {\n    'version': 1,\n"
                                     "    'filters': {'request_id': {'()': 'dockerflow.logging.RequestIdLogFilter'}},\n"
                                     "    'handlers': {'console': {'class': 'logging.StreamHandler', 'filters': ['request_id']}},\n}\n",
                 "site/urls.py": "from django.urls import path\n\nfrom site import views\n\n"
                                 "urlpatterns = [path('orders/', views.orders)]\n"},
                status="pass", note="the request-id filter named in the logging configuration stamps every record"),
        Example({"app/main.py": "from asgi_correlation_id import CorrelationIdMiddleware\nfrom fastapi import FastAPI\n\n"
                                "app = FastAPI()\napp.add_middleware(CorrelationIdMiddleware)\n"}, status="pass"),
        Example({"app.py": "import uuid\nfrom flask import Flask, g, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.before_request\ndef request_id():\n"
                           "    g.request_id = request.headers.get('X-Request-ID') or uuid.uuid4().hex\n"},
                status="pass", note="header handled by hand"),
        Example({"app/middleware.py": "from contextvars import ContextVar\n\nfrom starlette.requests import Request\n\n"
                 "request_id_var: ContextVar = ContextVar('request_id', default=None)\n\n\nclass RequestIdMiddleware:\n"
                 "    def __init__(self, app):\n        self.app = app\n\n    async def __call__(self, scope, receive, send):\n"
                 "        request = Request(scope)\n        request_id = request.headers.get('x-api-request-log-id')\n"
                 "        request_id_var.set(request_id)\n        await self.app(scope, receive, send)\n",
                 **_BARE_FASTAPI}, status="pass", note="the gateway's own request-id header read into the request's id"),
        Example({"app/sync.py": "def record(response, log):\n"
                 "    log.info('pushed', extra={'upstream': response.headers.get('x-github-request-id')})\n"
                 "    github_request_id = response.headers.get('x-github-request-id')\n    return github_request_id\n",
                 **_BARE_FASTAPI}, status="fail", note="another service's request id on its answer is not this service's"),
        Example({"app.py": "import uuid\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/file/upload', methods=['POST'])\ndef upload():\n"
                           "    rid = request.headers.get('X-Request-ID', str(uuid.uuid4()))\n"
                           "    app.logger.info('upload %s', rid)\n    return save(request.files, rid)\n"},
                status="pass", note="the request's id read into rid and logged"),
        Example({"app.py": "import uuid\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/file/upload', methods=['POST'])\ndef upload():\n"
                           "    agent = request.headers.get('X-Request-ID', str(uuid.uuid4()))\n"
                           "    return save(request.files, folder=agent)\n"},
                status="fail", note="the header's value taken as an agent's name to file an upload under"),
        Example({"app/context.py": "import uuid\n\nfrom flask import request\nfrom structlog.contextvars import bind_contextvars, "
                                   "clear_contextvars\n\n\ndef setup_logging_context():\n    clear_contextvars()\n"
                                   "    bind_contextvars(method=request.method, trace_id=str(uuid.uuid4()))\n"},
                status="pass", note="a trace id made per request and bound into every log line's context"),
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                 "app/asgi_middleware.py": "import uuid\n\n\nclass LogRequestMiddleware:\n"
                                           "    def __init__(self, app):\n        self.app = app\n\n"
                                           "    def get_header(self, scope, name):\n"
                                           "        return dict(scope['headers']).get(name, b'').decode('latin-1')\n\n"
                                           "    async def __call__(self, scope, receive, send):\n"
                                           "        request_id = self.get_header(scope, b'x-request-id') or str(uuid.uuid4())\n"
                                           "        scope.setdefault('state', {})['request_id'] = request_id\n"
                                           "        await self.app(scope, receive, send)\n"},
                status="pass", note="a pure ASGI middleware reads the header as the bytes the scope holds"),
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                 "app/middleware/request_id.py": "import uuid\n\nfrom app.constants import REQUEST_ID_HEADER\n\n\n"
                                                 "class RequestIDMiddleware:\n    def __init__(self, app):\n"
                                                 "        self.app = app\n\n    def __call__(self, environ, start_response):\n"
                                                 "        request = Request(environ)\n"
                                                 "        if not request.headers.get(REQUEST_ID_HEADER):\n"
                                                 "            request.headers[REQUEST_ID_HEADER] = str(uuid.uuid4())\n"
                                                 "        return self.app(environ, start_response)\n"},
                status="pass", note="the header's name imported as a constant named for it"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom starlette_context import middleware, plugins\n\n"
                                "app = FastAPI()\napp.add_middleware(middleware.ContextMiddleware,\n"
                                "                   plugins=(plugins.ForwardedForPlugin(),))\n"},
                status="fail", note="starlette-context with only its forwarded-for plugin makes no request id"),
        Example({"app/main.py": "from fastapi import FastAPI\nfrom starlette_context import middleware, plugins\n\n"
                                "app = FastAPI()\napp.add_middleware(middleware.ContextMiddleware,\n"
                                "                   plugins=(plugins.RequestIdPlugin(), plugins.CorrelationIdPlugin()))\n"},
                status="pass", note="starlette-context's request-id and correlation-id plugins"),
        Example({"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                 "app/logging.py": "import uuid\n\nimport structlog\n\n\ndef request_context(handler):\n"
                                   "    def tween(request):\n        request_id = str(uuid.uuid4())\n"
                                   "        with structlog.contextvars.bound_contextvars(**{'request.id': request_id}):\n"
                                   "            return handler(request)\n    return tween\n"},
                status="pass", note="a request id bound into structlog's context for every log line"),
        Example({**_BARE_FLASK, "app_log.py": "# we should add X-Request-ID some day\nx = 1\n"}, status="fail",
                note="a comment is not handling"),
        Example({"app.py": "import logging\nimport secrets\n\nfrom flask import Flask, g\n\napp = Flask(__name__)\n\n\n"
                           "@app.before_request\ndef assign_request_id():\n    g.request_id = secrets.token_hex(16)\n\n\n"
                           "class ContextFilter(logging.Filter):\n    def filter(self, record):\n"
                           "        if g.get('request_id'):\n            record.request_id = g.request_id\n"
                           "        return True\n"},
                status="pass", note="a request id made per request and stamped on every log record"),
        Example({"app.py": "import logging\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"
                           "class LevelFilter(logging.Filter):\n    def filter(self, record):\n"
                           "        record.levelname = record.levelname.lower()\n        return True\n"},
                status="fail", note="a logging filter that stamps no id"),
        Example({"proj/settings.py": "MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware',\n"
                 "    'django_structlog.middlewares.RequestMiddleware',\n]\n",
                 "shop/views.py": "from django.http import JsonResponse\n"}, status="pass",
                note="django-structlog binds a request id to every log line"),
        Example({"proj/settings.py": "MIDDLEWARE = [\n    'django_guid.middleware.guid_middleware',\n"
                 "    'django.middleware.common.CommonMiddleware',\n]\nDJANGO_GUID = {'GUID_HEADER_NAME': 'X-Request-ID'}\n",
                 "shop/views.py": "from django.http import JsonResponse\n"}, status="pass",
                note="django-guid reads or makes the request's id and puts it on the log records"),
        Example({"app/otel.py": "import logging\n\nfrom opentelemetry import trace\n\nold_factory = logging.getLogRecordFactory()\n\n\n"
                                "def record_factory(*args, **kwargs):\n    record = old_factory(*args, **kwargs)\n"
                                "    ctx = trace.get_current_span().get_span_context()\n"
                                "    record.otelTraceID = format(ctx.trace_id, '032x') if ctx.is_valid else '-'\n"
                                "    return record\n\n\nlogging.setLogRecordFactory(record_factory)\n",
                 **_BARE_FLASK}, status="pass", note="the trace id stamped on every log record by a record factory"),
        Example({"app.py": "from flask import Flask\nfrom opentelemetry import trace\n\napp = Flask(__name__)\n\n\n"
                           "@app.after_request\ndef trace_header(response):\n"
                           "    ctx = trace.get_current_span().get_span_context()\n"
                           "    response.headers['X-Trace-Id'] = format(ctx.trace_id, '032x')\n    return response\n"},
                status="pass", note="the trace id returned to the client, who can quote it"),
        Example({"app/otel.py": "import logging\n\nold_factory = logging.getLogRecordFactory()\n\n\n"
                                "def record_factory(*args, **kwargs):\n    record = old_factory(*args, **kwargs)\n"
                                "    record.hostname = 'web-1'\n    return record\n\n\n"
                                "logging.setLogRecordFactory(record_factory)\n", **_BARE_FLASK},
                status="fail", note="a record factory that stamps no id"),
        Example({"app.py": _ACCESS_LOG}, status="fail", note="an access-log field behind a setting that is off by default"),
        Example({"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"
                 "CORS_HEADERS = ['Content-Type', 'X-Request-ID']\n"}, status="fail",
                note="a header allowed by CORS is not handled"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        found = module_marks(source, _CORRELATION_MODULES) + string_marks(
            source, _CORRELATION_MIDDLEWARE, "request-id middleware installed") + string_marks(
            source, _REQUEST_ID_FILTER, "Dockerflow's request-id log filter on the log handlers")
        if "RequestIdPlugin" not in source.text and "CorrelationIdPlugin" not in source.text:
            # starlette-context makes a request id only through its request-id or correlation-id plugin
            found = [e for e in found if not e.message.startswith("starlette-context")]
        return found + _header_handling(source) + _stamped_on_records(source) + _bound_to_logs(source)


CHECKS: list[type[Check]] = [MetricsExported, MetricsEndpoint, HealthEndpoint, StructuredLogging, CorrelationIds]
