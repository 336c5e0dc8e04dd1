"""Distributed tracing checks: an OpenTelemetry SDK, instrumented frameworks and clients, an exporter.

Code is read per file; Dockerfiles, Procfiles, compose files, Kubernetes manifests and .env files
are read as text for ``opentelemetry-instrument`` (auto-instrumentation) and ``OTEL_*`` settings.
A project with no web framework or task worker is a library: tracing is the application's job, n/a.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, FileOutcome, Verdict
from readiness.checks.monitoring import LIBRARY_REASON, call_marks, module_marks
from readiness.measures import NotApplicable, Presence, Share
from readiness.model import Evidence
from readiness.paths import is_application_path
from readiness.profile import CLIENTS, FRAMEWORKS, Profile, profile_of
from readiness.project import Project
from readiness.routes import call_name, dotted
from readiness.source import SourceFile

DEPLOY_GLOBS = (
    "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerfile", "**/Containerfile", "**/Procfile", "**/*.yaml", "**/*.yml",
    "**/.env", "**/.env.*", "**/*.env", "**/Makefile", "**/*.sh",
)
_AUTO = re.compile(r"\bopentelemetry-instrument\b")
_EXPORTER_ENV = re.compile(r"\bOTEL_EXPORTER_(OTLP|JAEGER|ZIPKIN)\w*")
_TRACES_EXPORTER = re.compile(r"\bOTEL_TRACES_EXPORTER\b\W*(\w+)?")

# Instrumentor class -> the profile component it covers.
INSTRUMENTORS: Mapping[str, str] = {
    "FastAPIInstrumentor": "fastapi", "FlaskInstrumentor": "flask", "DjangoInstrumentor": "django",
    "StarletteInstrumentor": "starlette", "RequestsInstrumentor": "requests", "HTTPXClientInstrumentor": "httpx",
    "AioHttpClientInstrumentor": "aiohttp", "AioHttpServerInstrumentor": "aiohttp", "PymongoInstrumentor": "pymongo",
    "RedisInstrumentor": "redis", "CeleryInstrumentor": "celery", "OpenTelemetryMiddleware": "starlette",
}
# Components an instrumentor of another covers (motor and the ODMs run on pymongo).
_COVERED_BY = {"motor": "pymongo", "mongoengine": "pymongo", "beanie": "pymongo"}


def deploy_lines(project: Project) -> list[tuple[str, int, str]]:
    """(file, line, text) of deployment and environment files, read once per scan."""
    def read(p: Project) -> list[tuple[str, int, str]]:
        out = []
        for rel in p.glob(*DEPLOY_GLOBS):
            if not is_application_path(rel) or rel.startswith(".github/") or rel.endswith("readiness.yaml"):
                continue
            text = p.read_text(rel)
            if text is None or ("opentelemetry" not in text and "OTEL_" not in text):
                continue
            out.extend((rel, i, line) for i, line in enumerate(text.splitlines(), 1))
        return out
    return project.tool("deploy-lines", read)


def auto_instrumentation(project: Project) -> list[Evidence]:
    return [Evidence("opentelemetry-instrument runs the service", rel, n)
            for rel, n, line in deploy_lines(project) if _AUTO.search(line) and not line.lstrip().startswith("#")]


class _TracingCheck(Check):
    category = "tracing"
    needles = ("opentelemetry", "TracerProvider", "Instrumentor", "Exporter", "configure_azure_monitor")

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
    scoring = "Presence: a TracerProvider created in code (or a vendor distro), or opentelemetry-instrument in a deployment file."
    examples = (
        Example({**_SERVICE, "app/tracing.py": _SDK}, status="pass"),
        Example({**_SERVICE, "Dockerfile": "FROM python:3.12\nCMD [\"opentelemetry-instrument\", \"uvicorn\", "
                                           "\"app.main:app\"]\n"}, status="pass", note="auto-instrumentation"),
        Example({**_SERVICE, "app/tracing.py": "from opentelemetry import trace\n\ntracer = trace.get_tracer(__name__)\n"},
                status="fail", note="the API alone records nothing"),
        Example(_SERVICE, status="fail"),
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        if "opentelemetry" not in source.imports and "azure" not in source.imports:
            return []
        return call_marks(source, {"TracerProvider": "OpenTelemetry TracerProvider configured",
                                   "configure_azure_monitor": "Azure Monitor OpenTelemetry distro",
                                   "configure_opentelemetry": "OpenTelemetry launcher configured"})

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        evidence = list(collected.evidence) + auto_instrumentation(project)
        if evidence:
            return Verdict(Presence(True, "OpenTelemetry SDK"), summary=str(evidence[0]), evidence=tuple(evidence))
        return self.not_applicable(profile_of(project)) or Verdict(
            Presence(False, "OpenTelemetry SDK"), summary="no TracerProvider configured")


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
    scoring = "Share of the frameworks and clients the project uses (see its profile) that have an instrumentor applied."
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
        return found

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
        if auto:
            return Verdict(Share(len(used), len(used), "frameworks and clients", "are instrumented"),
                           summary=f"all {len(used)} frameworks and clients instrumented: {auto[0]}", evidence=tuple(auto))
        covered = set()
        for ev in collected.evidence:
            name = ev.message.split(" ")[0]
            if name in INSTRUMENTORS:
                covered.add(INSTRUMENTORS[name])
        if "fastapi" in used and "starlette" in covered:
            covered.add("fastapi")
        good = sorted(used & covered)
        missing = sorted(used - covered)
        labels = {**FRAMEWORKS, **CLIENTS}
        summary = f"{len(good)} of {len(used)} frameworks and clients are instrumented"
        if missing:
            summary += f" (missing: {', '.join(labels.get(m, m) for m in missing)})"
        evidence = tuple(e for e in collected.evidence if e.message.split(" ")[0] in INSTRUMENTORS)
        return Verdict(Share(len(good), len(used), "frameworks and clients", "are instrumented"),
                       summary=summary, evidence=evidence)


_EXPORTERS = {
    "OTLPSpanExporter": "OTLP span exporter", "JaegerExporter": "Jaeger exporter", "ZipkinExporter": "Zipkin exporter",
    "AzureMonitorTraceExporter": "Azure Monitor exporter", "CloudTraceSpanExporter": "Cloud Trace exporter",
    "configure_azure_monitor": "Azure Monitor distro",
}


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
    scoring = "Presence: an OTLP/Jaeger/Zipkin exporter in code, or OTEL_EXPORTER_* / OTEL_TRACES_EXPORTER in deployment files."
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
        _LIBRARY,
    )

    def marks(self, source: SourceFile) -> list[Evidence]:
        if "opentelemetry" not in source.imports and "azure" not in source.imports:
            return []
        return call_marks(source, _EXPORTERS) + module_marks(source, {
            "opentelemetry.exporter.otlp.proto.grpc.trace_exporter": "OTLP span exporter",
            "opentelemetry.exporter.otlp.proto.http.trace_exporter": "OTLP span exporter",
        })

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        evidence = list(collected.evidence)
        lines = deploy_lines(project)
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
                    nxt = re.search(r"value:\s*['\"]?(\w+)", lines[i + 1][2])
                    value = nxt.group(1) if nxt else ""
                if value.lower() in ("otlp", "jaeger", "zipkin", "otlp_proto_grpc", "otlp_proto_http"):
                    evidence.append(Evidence(f"OTEL_TRACES_EXPORTER={value}", rel, n))
        if evidence:
            evidence.sort(key=lambda e: (e.path, e.line, e.message))
            return Verdict(Presence(True, "trace exporter"), summary=str(evidence[0]), evidence=tuple(evidence))
        return self.not_applicable(profile_of(project)) or Verdict(
            Presence(False, "trace exporter"), summary="no OTLP, Jaeger or Zipkin exporter configured")


CHECKS: list[type[Check]] = [OtelSdk, OtelInstrumentation, TraceExporter]
