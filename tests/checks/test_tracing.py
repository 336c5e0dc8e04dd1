"""Tracing checks on small repositories, through the real engine."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_json, scan_tree, write_tree

TRACING = ["otel-sdk", "otel-instrumentation", "trace-exporter"]
_APP = ("import httpx\nimport redis\nfrom fastapi import FastAPI\nfrom pymongo import MongoClient\n"
        "from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor\n"
        "from opentelemetry.instrumentation.pymongo import PymongoInstrumentor\n\n"
        "app = FastAPI()\nFastAPIInstrumentor.instrument_app(app)\nPymongoInstrumentor().instrument()\n")


def test_partial_instrumentation_is_a_share(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": _APP, "requirements.txt": "fastapi\nmotor\n"})
    outcome = check_result(scan_tree(tmp_path, select=TRACING), "otel-instrumentation")
    assert outcome.status == "fail"
    assert outcome.score == 0.5  # fastapi and pymongo (motor runs on it) of fastapi, pymongo, httpx, redis
    assert "missing: httpx, redis" in outcome.summary


def test_sdk_and_exporter_from_code(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": _APP, "app/tracing.py": (
        "from opentelemetry import trace\nfrom opentelemetry.sdk.trace import TracerProvider\n"
        "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n"
        "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n\n"
        "provider = TracerProvider()\nprovider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n"
        "trace.set_tracer_provider(provider)\n")})
    result = scan_tree(tmp_path, select=TRACING)
    assert check_result(result, "otel-sdk").status == "pass"
    assert check_result(result, "trace-exporter").status == "pass"
    assert any(e.path == "app/tracing.py" and e.line == 6 for e in check_result(result, "otel-sdk").evidence)


def test_auto_instrumentation_and_env_exporter(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.py": "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n",
        "Dockerfile": "FROM python:3.12\n# opentelemetry-instrument is not used here\n"
                      "CMD [\"opentelemetry-instrument\", \"gunicorn\", \"app.main:app\"]\n",
        "deploy/deployment.yaml": "env:\n  - name: OTEL_TRACES_EXPORTER\n    value: otlp\n",
    })
    data = scan_json(tmp_path, "--select", "tracing")
    checks = {c["id"]: c for c in data["checks"]}
    assert checks["otel-instrumentation"]["status"] == "pass"
    assert checks["otel-sdk"]["status"] == "pass"
    assert any(e["path"] == "Dockerfile" and e["line"] == 3 for e in checks["otel-sdk"]["evidence"])
    assert checks["trace-exporter"]["status"] == "pass"
    assert any(e["path"] == "deploy/deployment.yaml" and e["line"] == 2 for e in checks["trace-exporter"]["evidence"])


def test_no_tracing_at_all_fails(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                          ".env": "OTEL_TRACES_EXPORTER=none\n"})
    result = scan_tree(tmp_path, select=TRACING)
    assert [check_result(result, c).status for c in TRACING] == ["fail", "fail", "fail"]


def test_library_and_empty_package_are_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mylib/__init__.py": "import requests\nimport redis\n"})
    result = scan_tree(tmp_path, select=TRACING)
    assert [check_result(result, c).status for c in TRACING] == ["n/a", "n/a", "n/a"]
    empty = tmp_path / "empty"
    write_tree(empty, {"pkg/__init__.py": ""})
    result = scan_tree(empty, select=TRACING)
    assert [check_result(result, c).status for c in TRACING] == ["n/a", "n/a", "n/a"]
