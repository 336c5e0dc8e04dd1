"""Monitoring checks on small repositories, through the real engine."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

MONITORING = ["metrics-exported", "metrics-endpoint", "health-endpoint", "structured-logging", "correlation-ids"]


def test_instrumented_service_passes_everything(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": "import structlog\nfrom asgi_correlation_id import CorrelationIdMiddleware\nfrom fastapi import FastAPI\n"
                       "from prometheus_fastapi_instrumentator import Instrumentator\nfrom app import probes\n\n"
                       "app = FastAPI()\napp.add_middleware(CorrelationIdMiddleware)\n"
                       "Instrumentator().instrument(app).expose(app)\napp.include_router(probes.router)\n",
        "app/probes.py": "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/health')\n\n\n"
                         "@router.get('/live')\ndef live() -> dict:\n    return {}\n\n\n@router.get('/ready')\n"
                         "def ready() -> dict:\n    return {}\n",
    })
    result = scan_tree(tmp_path, select=MONITORING)
    for check in MONITORING:
        assert check_result(result, check).status == "pass", check
    health = check_result(result, "health-endpoint")
    assert "GET /health/live" in health.summary and "GET /health/ready" in health.summary


def test_bare_service_fails_with_explanations(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": "import logging\nfrom flask import Flask\n\napp = Flask(__name__)\nlogging.basicConfig()\n\n\n"
                  "@app.route('/orders')\ndef orders():\n    return []\n",
        "tests/test_app.py": "import prometheus_client\nHEADER = 'X-Request-ID'\n",
    })
    result = scan_tree(tmp_path, select=MONITORING)
    for check in MONITORING:
        outcome = check_result(result, check)
        assert outcome.status == "fail", check
        assert outcome.summary.startswith("no "), outcome.summary


def test_metrics_server_in_a_worker(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "worker/tasks.py": "from celery import Celery\nfrom prometheus_client import Counter, start_http_server\n\n"
                           "app = Celery('w')\nDONE = Counter('done', 'Tasks done')\nstart_http_server(9100)\n",
    })
    result = scan_tree(tmp_path, select=["metrics-endpoint", "metrics-exported", "health-endpoint"])
    assert check_result(result, "metrics-endpoint").status == "pass"
    assert check_result(result, "metrics-exported").status == "pass"
    assert check_result(result, "health-endpoint").status == "fail"  # a Celery worker is a service


def test_json_formatter_in_a_logging_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "logging.yaml": "version: 1\nformatters:\n  json:\n    (): pythonjsonlogger.jsonlogger.JsonFormatter\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["structured-logging"]), "structured-logging")
    assert outcome.status == "pass"
    assert any(e.path == "logging.yaml" and e.line == 4 for e in outcome.evidence)


def test_empty_package_and_library_are_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": ""})
    result = scan_tree(tmp_path, select=MONITORING)
    assert {check_result(result, c).status for c in MONITORING} == {"n/a"}
    lib = tmp_path / "lib"
    write_tree(lib, {"mylib/core.py": "import json\n\nimport requests\n\n\ndef get(u):\n"
                                      "    return json.dumps(requests.get(u, timeout=2).json())\n"})
    result = scan_tree(lib, select=MONITORING)
    assert {check_result(result, c).status for c in MONITORING} == {"n/a"}
