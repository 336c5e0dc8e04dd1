"""Equivalent practices count and look-alikes do not: vendor tracing agents, pushed metrics, JSON formatters,
request-id handling, task-queue retries and hand-written breakers, each in the shape real services use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import check_result, scan_tree, write_tree

TRACING = ["otel-sdk", "otel-instrumentation", "trace-exporter"]
_DJANGO = {
    "shop/views.py": "import requests\nfrom django.http import JsonResponse\n\n\ndef quote(request):\n"
                     "    return JsonResponse(requests.get('https://rates.example.com', timeout=5).json())\n",
    "requirements.txt": "django\nrequests\ncelery\nsentry-sdk\n",
}


def _status(tmp_path: Path, files: dict[str, str], check: str) -> tuple[str, float | None, str]:
    write_tree(tmp_path, files)
    outcome = check_result(scan_tree(tmp_path, select=[check]), check)
    return outcome.status, outcome.score, outcome.summary


# -- tracing -----------------------------------------------------------------------------------

_SENTRY_SETTINGS = (
    "import os\n\nimport sentry_sdk\nfrom sentry_sdk.integrations.django import DjangoIntegration\n\n"
    "SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get('SENTRY_TRACES_SAMPLE_RATE', {rate!r}))\n\n"
    "if os.environ.get('SENTRY_DSN'):\n"
    "    sentry_sdk.init(dsn=os.environ['SENTRY_DSN'], integrations=[DjangoIntegration()],\n"
    "                    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)\n"
)


def test_sentry_with_a_positive_default_rate_traces(tmp_path: Path) -> None:
    write_tree(tmp_path, {**_DJANGO, "proj/settings.py": _SENTRY_SETTINGS.format(rate="0.05")})
    result = scan_tree(tmp_path, select=TRACING)
    assert check_result(result, "otel-sdk").status == "pass"
    assert check_result(result, "trace-exporter").status == "pass"
    instrumented = check_result(result, "otel-instrumentation")
    assert instrumented.score == pytest.approx(2 / 3)  # Django and requests; Celery needs its integration
    assert "missing: Celery" in instrumented.summary


def test_sentry_with_a_zero_default_rate_sends_errors_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {**_DJANGO, "proj/settings.py": _SENTRY_SETTINGS.format(rate="0.0")})
    result = scan_tree(tmp_path, select=TRACING)
    assert [check_result(result, c).status for c in TRACING] == ["fail", "fail", "fail"]


def test_sentry_rate_from_a_config_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "app/config.py": "import os\n\nSENTRY_SR = float(os.getenv('SENTRY_SR', 1.0))\n",
        "app/monitoring.py": "import sentry_sdk\nfrom sentry_sdk.integrations.flask import FlaskIntegration\n\n"
                             "from app import config\n\n\ndef init_monitoring(app):\n    if config.SENTRY_ENABLED:\n"
                             "        sentry_sdk.init(dsn=config.SENTRY_DSN, integrations=[FlaskIntegration()],\n"
                             "                        traces_sample_rate=config.SENTRY_SR)\n",
    })
    result = scan_tree(tmp_path, select=TRACING)
    assert check_result(result, "otel-sdk").status == "pass"
    assert check_result(result, "otel-instrumentation").score == 1.0


def test_sentry_errors_only_with_enable_tracing_unset(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {"app/main.py": "import sentry_sdk\nfrom fastapi import FastAPI\n\n"
                                      "sentry_sdk.init(dsn='https://k@sentry.example.com/1')\napp = FastAPI()\n"}, "otel-sdk")
    assert status == "fail"


def test_elastic_apm_agent_traces_and_pushes_metrics(tmp_path: Path) -> None:
    files = {
        "server/app.py": "import requests\nfrom flask import Flask\nfrom pymongo import MongoClient\n\n"
                         "from server.apm import init_apm\n\napp = Flask(__name__)\ninit_apm(app)\n",
        "server/apm.py": "import os\n\nfrom elasticapm.contrib.flask import ElasticAPM\n\n\ndef init_apm(app):\n"
                         "    app.config['ELASTIC_APM'] = {'SERVER_URL': os.environ.get('APM_SERVER_URL')}\n"
                         "    ElasticAPM(app)\n",
        "server/__init__.py": "",
    }
    write_tree(tmp_path, files)
    result = scan_tree(tmp_path, select=[*TRACING, "metrics-exported", "metrics-endpoint"])
    assert check_result(result, "otel-sdk").status == "pass"
    assert check_result(result, "otel-instrumentation").score == 1.0
    assert check_result(result, "trace-exporter").status == "pass"
    assert check_result(result, "metrics-exported").status == "pass"
    assert check_result(result, "metrics-endpoint").status == "n/a"


def test_ddtrace_run_in_the_dockerfile(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                          "Dockerfile": "FROM python:3.12\nCMD [\"ddtrace-run\", \"uvicorn\", \"app.main:app\"]\n"})
    result = scan_tree(tmp_path, select=TRACING)
    assert [check_result(result, c).status for c in TRACING] == ["pass", "pass", "pass"]


def test_commented_agent_command_does_not_count(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                                      "Procfile": "# web: newrelic-admin run-program uvicorn app.main:app\n"
                                                  "web: uvicorn app.main:app\n"}, "otel-sdk")
    assert status == "fail"


def test_distro_initialised_by_a_celery_worker(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "run_celery.py": "import os\n\nfrom celery.signals import worker_process_init\n"
                         "from opentelemetry.instrumentation import auto_instrumentation\n\n\n"
                         "@worker_process_init.connect\ndef init_worker(**_):\n"
                         "    if os.environ.get('OTEL_SERVICE_NAME') is not None:\n"
                         "        auto_instrumentation.initialize()\n",
        "requirements.in": "celery\nopentelemetry-distro[otlp]\n",
    })
    result = scan_tree(tmp_path, select=TRACING)
    assert check_result(result, "otel-sdk").status == "pass"
    assert check_result(result, "trace-exporter").status == "pass"


def test_initialize_without_the_distro_configures_no_sdk(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "worker.py": "from celery import Celery\nfrom opentelemetry.instrumentation import auto_instrumentation\n\n"
                     "app = Celery('w')\nauto_instrumentation.initialize()\n",
        "requirements.txt": "celery\nopentelemetry-instrumentation\n",
    })
    result = scan_tree(tmp_path, select=TRACING)
    assert check_result(result, "otel-sdk").status == "fail"
    assert check_result(result, "trace-exporter").status == "fail"


def test_otlp_endpoint_in_an_ecs_task_definition(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "api/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "infrastructure/aws/production/ecs-task-definition-api.json":
            '{"containerDefinitions": [{"environment": [\n'
            '  {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://collector:4318"}\n]}]}\n',
    }, "trace-exporter")
    assert status == "pass"


def test_package_json_is_no_deployment_file(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "api/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "frontend/package.json": '{"scripts": {"otel": "OTEL_EXPORTER_OTLP_ENDPOINT=http://x node a.js"}}\n',
    }, "trace-exporter")
    assert status == "fail"


def test_exporter_behind_an_env_switch_that_defaults_off(tmp_path: Path) -> None:
    tracing = ("import os\n\nfrom opentelemetry import trace\nfrom opentelemetry.exporter.otlp.proto.grpc.trace_exporter "
               "import OTLPSpanExporter\nfrom opentelemetry.sdk.trace import TracerProvider\n"
               "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n\nprovider = TracerProvider()\n"
               "if os.environ.get('ENABLE_TRACING'):\n"
               "    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))\n"
               "trace.set_tracer_provider(provider)\n")
    service = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", "app/tracing.py": tracing}
    status, _, summary = _status(tmp_path, service, "trace-exporter")
    assert status == "fail" and "off by default" in summary
    other = tmp_path / "on"
    status, _, _ = _status(other, {**service, "docker-compose.yml": "services:\n  api:\n    environment:\n"
                                                                   "      ENABLE_TRACING: '1'\n"}, "trace-exporter")
    assert status == "pass"


# -- metrics -----------------------------------------------------------------------------------

def test_statsd_push_makes_the_endpoint_not_applicable(tmp_path: Path) -> None:
    files = {"redash/__init__.py": "from flask import Flask\nfrom statsd import StatsClient\n\n"
                                   "app = Flask(__name__)\nstatsd_client = StatsClient('localhost', 8125, prefix='redash')\n"}
    write_tree(tmp_path, files)
    result = scan_tree(tmp_path, select=["metrics-exported", "metrics-endpoint"])
    assert check_result(result, "metrics-exported").status == "pass"
    endpoint = check_result(result, "metrics-endpoint")
    assert endpoint.status == "n/a" and "pushed" in endpoint.explanation


def test_prometheus_client_without_exposure_still_fails_despite_statsd(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\nfrom prometheus_client import Counter\nimport statsd\n\n"
                       "app = FastAPI()\nHITS = Counter('hits', 'Hits')\n",
    }, "metrics-endpoint")
    assert status == "fail"


def test_prometheus_flask_exporter_restful_class(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "zou/monitoring.py": "import prometheus_flask_exporter\nfrom flask import Flask\n\napp = Flask(__name__)\n"
                             "metrics = prometheus_flask_exporter.RESTfulPrometheusMetrics(app=app, api=None)\n",
    }, "metrics-endpoint")
    assert status == "pass"


def test_analytics_route_named_metrics_is_no_endpoint(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/dashboard/metrics')\n"
                       "def metrics() -> dict:\n    return {'signups': 12, 'churn': 0.1}\n",
    }, "metrics-endpoint")
    assert status == "fail"


def test_influxdb_points_are_metrics(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "pritunl/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "pritunl/monitoring.py": "import influxdb_client\nfrom influxdb_client.client.write_api import SYNCHRONOUS\n\n\n"
                                 "def connect(url, token):\n    client = influxdb_client.InfluxDBClient(url=url, token=token)\n"
                                 "    return client.write_api(write_options=SYNCHRONOUS)\n",
    }, "metrics-exported")
    assert status == "pass"


# -- logging and request ids -----------------------------------------------------------------------

def test_json_formatter_returning_the_serialised_record(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "import logging\n\nfrom flask import Flask\n\nfrom app.logs import JSONFormatter\n\n"
                       "app = Flask(__name__)\nlogging.getLogger().handlers[0].setFormatter(JSONFormatter())\n",
        "app/logs.py": "import json\nimport logging\n\n\nclass JSONFormatter(logging.Formatter):\n"
                       "    def format(self, record):\n        payload = {'level': record.levelname, "
                       "'message': record.getMessage()}\n        text = json.dumps(payload)\n        return text\n",
    }, "structured-logging")
    assert status == "pass"


def test_text_formatter_with_json_values_is_not_structured(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "app/logs.py": "import json\nimport logging\n\n\nclass LogFormatter(logging.Formatter):\n"
                       "    def format(self, record):\n        out = '[host] ' + logging.Formatter.format(self, record)\n"
                       "        for key, val in getattr(record, 'data', {}).items():\n"
                       "            out += '\\n  %s = %s' % (key, json.dumps(val))\n        return out\n",
    }, "structured-logging")
    assert status == "fail"


def test_request_id_read_and_echoed_by_hooks(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app.py": "import uuid\nfrom flask import Flask, g, request\n\napp = Flask(__name__)\n"
                  "REQUEST_ID_HEADER = 'X-Request-ID'\n\n\n@app.before_request\ndef take_id():\n"
                  "    g.request_id = request.headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())\n\n\n"
                  "@app.after_request\ndef give_id(response):\n    response.headers[REQUEST_ID_HEADER] = g.request_id\n"
                  "    return response\n",
    }, "correlation-ids")
    assert status == "pass"


def test_request_id_in_an_opt_in_access_log_is_not_handling(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.after_request\n"
                  "def log_headers(response):\n    if app.config.get('LOG_REQUEST_HEADERS', False) and request.path:\n"
                  "        app.logger.info({'request-id': request.headers.get('X-Request-Id')})\n    return response\n",
    }, "correlation-ids")
    assert status == "fail"


def test_request_id_forwarded_on_outgoing_calls(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/client.py": "import httpx\n\n\ndef call(url: str, rid: str) -> dict:\n"
                         "    return httpx.get(url, headers={'X-Correlation-ID': rid}, timeout=5).json()\n",
    }, "correlation-ids")
    assert status == "pass"


# -- retries and breakers ----------------------------------------------------------------------------

_WEBHOOK = "import requests\n\n\ndef send(url, body):\n    return requests.post(url, json=body, timeout=10)\n"


def test_celery_self_retry_with_default_delay(tmp_path: Path) -> None:
    status, _, summary = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/tasks.py": "from celery import shared_task\n\nfrom app.webhook import send\n\n\n"
                        "@shared_task(bind=True, max_retries=5, default_retry_delay=300)\ndef deliver(self, url, body):\n"
                        "    try:\n        send(url, body)\n    except Exception as exc:\n"
                        "        self.retry(exc=exc, queue='retry-tasks')\n",
    }, "retry-policy")
    assert status == "pass" and "self.retry" in summary


def test_retry_called_on_something_else_is_not_a_task_retry(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/tasks.py": "from celery import shared_task\n\n\n@shared_task\ndef deliver(job):\n    job.retry()\n",
    }, "retry-policy")
    assert status == "fail"


def test_rq_retry_on_enqueue(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/queue.py": "from redis import Redis\nfrom rq import Queue, Retry\n\nfrom app.webhook import send\n\n"
                        "q = Queue(connection=Redis())\n\n\ndef later(url, body):\n"
                        "    q.enqueue(send, url, body, retry=Retry(max=3, interval=[10, 30, 60]))\n",
    }, "retry-policy")
    assert status == "pass"


def test_sdk_client_with_max_retries(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/jira.py": "from django.conf import settings\nfrom jira import JIRA\n\n\ndef connect(server, user, token):\n"
                       "    return JIRA(server=server, basic_auth=(user, token),\n"
                       "                max_retries=getattr(settings, 'JIRA_MAX_RETRIES', 3), timeout=(10, 30))\n",
    }, "retry-policy")
    assert status == "pass"


def test_startup_wait_without_outbound_calls_is_not_applicable(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/backend_pre_start.py": "from sqlmodel import Session, select\nfrom tenacity import retry, stop_after_attempt, "
                                    "wait_fixed\n\nfrom app.db import engine\n\n\n@retry(stop=stop_after_attempt(300), "
                                    "wait=wait_fixed(1))\ndef init() -> None:\n    with Session(engine) as session:\n"
                                    "        session.exec(select(1))\n\n\nif __name__ == '__main__':\n    init()\n",
    }, "retry-policy")
    assert status == "n/a"


def test_tenacity_on_the_client_counts(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "plugins/slack.py": "import requests\nfrom tenacity import retry, stop_after_attempt, wait_exponential\n\n\n"
                            "@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=1))\n"
                            "def post(url, body):\n    return requests.post(url, json=body, timeout=5)\n",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    }, "retry-policy")
    assert status == "pass"


def test_hand_written_breaker_class(tmp_path: Path) -> None:
    status, _, summary = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/breaker.py": "import enum\nimport time\n\n\nclass State(enum.Enum):\n    CLOSED = 'closed'\n"
                          "    OPEN = 'open'\n    HALF_OPEN = 'half_open'\n\n\nclass ProviderBreaker:\n"
                          "    def __init__(self, max_failures=5, cooldown=60):\n        self.max_failures = max_failures\n"
                          "        self.cooldown = cooldown\n        self.state = State.CLOSED\n        self.failures = 0\n"
                          "        self.opened = 0.0\n\n    def allow(self):\n"
                          "        if self.state is State.OPEN and time.time() - self.opened > self.cooldown:\n"
                          "            self.state = State.HALF_OPEN\n        return self.state is not State.OPEN\n",
    }, "circuit-breaker")
    assert status == "pass" and "ProviderBreaker" in summary


def test_door_states_are_no_breaker(tmp_path: Path) -> None:
    status, _, _ = _status(tmp_path, {
        "app/webhook.py": _WEBHOOK,
        "app/models.py": "class Ticket:\n    STATES = ('open', 'closed', 'reopened')\n\n"
                         "    def __init__(self):\n        self.failed_count = 0\n        self.state = 'open'\n",
    }, "circuit-breaker")
    assert status == "fail"


# -- wrappers that set a default timeout, and secrets read through dynaconf ---------------------------

def test_pycurl_handle_on_self_with_options_in_another_method(tmp_path: Path) -> None:
    client = ("import pycurl\n\n\nclass Feed:\n    def __init__(self) -> None:\n        self.curl = pycurl.Curl()\n\n"
              "    def configure(self, url: str) -> None:\n        self.curl.setopt(pycurl.URL, url)\n"
              "        self.curl.setopt(pycurl.TIMEOUT_MS, 2500)\n")
    status, _, _ = _status(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                                      "app/feed.py": client}, "missing-timeout")
    assert status == "pass"


def test_pycurl_options_chosen_at_run_time_are_not_judged(tmp_path: Path) -> None:
    client = ("import pycurl\n\n\ndef fetch(url: str, options: dict) -> None:\n    curl = pycurl.Curl()\n"
              "    for option, value in options.items():\n        curl.setopt(option, value)\n    curl.perform()\n")
    status, _, _ = _status(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
                                      "app/fetch.py": client}, "missing-timeout")
    assert status == "n/a"


def test_legacy_dynaconf_settings_object(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/security.py": "from dynaconf import settings\n\n\ndef signing_key() -> str:\n"
                                             "    return settings('JWT_SECRET', default='please-change-me-91')\n"})
    result = scan_tree(tmp_path, select=["default-secret"])
    assert [(f.path, f.line) for f in result.findings if f.check == "default-secret"] == [("app/security.py", 5)]


@pytest.mark.parametrize(("switch", "off"), [
    ("config('USE_LIMITER', default='false', cast=bool)", True),
    ("config('USE_LIMITER', default=True, cast=bool)", False),
    ("os.getenv('RATE_LIMIT')", True),
    ("os.getenv('RATE_LIMIT', '0') == '1'", True),
    ("os.environ.get('RATE_LIMIT', 'true').lower() == 'true'", False),
    ("bool(os.getenv('RATE_LIMIT', ''))", True),
    ("settings.RATE_LIMIT", False),  # not read here: unknown, so not judged off
])
def test_a_switch_off_unless_the_operator_sets_it(switch: str, off: bool) -> None:
    from readiness.checks.api import off_by_default
    from readiness.source import SourceFile

    source = SourceFile.from_text("app/main.py", f"import os\n\nSWITCH = {switch}\nif SWITCH:\n    app.add_middleware(Limit)\n")
    call = next(n for n in source.nodes(ast.Call) if getattr(n.func, "attr", "") == "add_middleware")
    assert off_by_default(source, call) is off


def test_a_switch_read_from_the_apps_own_configuration_is_not_judged_off() -> None:
    from readiness.checks.api import off_by_default
    from readiness.source import SourceFile

    source = SourceFile.from_text("app/main.py", "if app.config.get('RATELIMIT_ENABLED'):\n    app.add_middleware(Limit)\n")
    call = next(n for n in source.nodes(ast.Call) if getattr(n.func, "attr", "") == "add_middleware")
    assert off_by_default(source, call) is False  # a settings class may turn it on
