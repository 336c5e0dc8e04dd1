"""One case per entry of the tables of what counts that had no example of its own: vendor agents, pushed metrics,
JSON log libraries, request-id middleware, queue retries, timeout wrappers, secret readers and secret stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_result, scan_tree, write_tree

_FASTAPI = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", "app/__init__.py": ""}
_DJANGO_VIEWS = {"shop/views.py": "from django.http import JsonResponse\n\n\ndef ping(request):\n"
                                  "    return JsonResponse({'ok': True})\n"}
_WEBHOOK = "import requests\n\n\ndef deliver(url: str, body: dict) -> None:\n    requests.post(url, json=body, timeout=10)\n"

_LOGFIRE = ("import logfire\n\nfrom app.main import app\n\nlogfire.configure(service_name='orders'{extra})\n"
            "logfire.instrument_fastapi(app)\n")
_DOGSTATSD = ("from datadog import initialize, statsd\n\ninitialize(statsd_host='localhost', statsd_port=8125)\n\n\n"
              "def order_placed(total: float) -> None:\n    statsd.increment('orders.placed')\n"
              "    statsd.histogram('orders.total', total)\n")
_PUSHGATEWAY = ("from prometheus_client import CollectorRegistry, Counter, push_to_gateway\n\nregistry = CollectorRegistry()\n"
                "SENT = Counter('emails_sent', 'E-mails sent', registry=registry)\n\n\ndef flush(gateway: str) -> None:\n"
                "    push_to_gateway(gateway, job='mailer', registry=registry)\n")
_ECS_LOGGING = ("import logging\n\nimport ecs_logging\n\nhandler = logging.StreamHandler()\n"
                "handler.setFormatter(ecs_logging.StdlibFormatter())\nlogging.getLogger().addHandler(handler)\n")
_DJANGO_STRUCTLOG = "INSTALLED_APPS = ['django.contrib.auth', 'django_structlog', 'shop']\n"
_DJANGO_GUID = ("MIDDLEWARE = [\n    'django_guid.middleware.guid_middleware',\n"
                "    'django.middleware.common.CommonMiddleware',\n]\nDJANGO_GUID = {'GUID_HEADER_NAME': 'X-Request-ID'}\n")
_DRAMATIQ = ("import dramatiq\nimport requests\n\n\n@dramatiq.actor{args}\ndef sync_invoice(url: str, invoice: dict) -> None:\n"
             "    requests.put(url, json=invoice, timeout=10).raise_for_status()\n")
_TIMEOUT_SESSION = ("import requests\n\n\nclass TimeoutSession(requests.Session):\n"
                    "    def request(self, method, url, **kwargs):\n        kwargs.setdefault('timeout', (3.05, 15))\n"
                    "        return super().request(method, url, **kwargs)\n\n\nhttp = TimeoutSession()\n\n\n"
                    "def rates(base: str) -> dict:\n    return http.get(f'https://rates.example.com/{base}').json()\n")
_HTTPX_TIMEOUT = ("import httpx\n\nclient = httpx.AsyncClient(base_url='https://geo.example.com', timeout=httpx.Timeout(5.0))\n\n\n"
                  "async def locate(ip: str) -> dict:\n    return (await client.get(f'/ip/{ip}')).json()\n")
_AIOHTTP_TIMEOUT = ("import aiohttp\n\n\nasync def fetch(url: str) -> bytes:\n"
                    "    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:\n"
                    "        async with session.get(url) as response:\n            return await response.read()\n")


def _status(root: Path, files: dict[str, str], check: str) -> tuple[str, str]:
    write_tree(root, files)
    outcome = check_result(scan_tree(root, select=[check]), check)
    return outcome.status, outcome.summary


@pytest.mark.parametrize(("files", "check", "status"), [
    pytest.param({**_FASTAPI, "app/observability.py": _LOGFIRE.format(extra="")}, "otel-sdk", "pass", id="logfire-sdk"),
    pytest.param({**_FASTAPI, "app/observability.py": _LOGFIRE.format(extra="")}, "trace-exporter", "pass",
                 id="logfire-exporter"),
    pytest.param({**_FASTAPI, "app/observability.py": _LOGFIRE.format(extra="")}, "otel-instrumentation", "pass",
                 id="logfire-instruments-fastapi"),
    pytest.param({**_FASTAPI, "app/observability.py": _LOGFIRE.format(extra=", send_to_logfire=False")},
                 "trace-exporter", "fail", id="logfire-kept-in-process"),
    pytest.param({**_FASTAPI, "app/stats.py": _DOGSTATSD}, "metrics-exported", "pass", id="dogstatsd-exported"),
    pytest.param({**_FASTAPI, "app/stats.py": _DOGSTATSD}, "metrics-endpoint", "n/a", id="dogstatsd-pushed"),
    pytest.param({**_FASTAPI, "app/push.py": _PUSHGATEWAY}, "metrics-endpoint", "n/a", id="pushgateway-pushed"),
    pytest.param({**_FASTAPI, "app/logs.py": _ECS_LOGGING}, "structured-logging", "pass", id="ecs-logging"),
    pytest.param({**_DJANGO_VIEWS, "proj/settings.py": _DJANGO_STRUCTLOG}, "structured-logging", "pass",
                 id="django-structlog"),
    pytest.param({**_DJANGO_VIEWS, "proj/settings.py": _DJANGO_GUID}, "correlation-ids", "pass", id="django-guid"),
    pytest.param({**_FASTAPI, "app/rates.py": _TIMEOUT_SESSION}, "missing-timeout", "pass", id="session-subclass"),
    pytest.param({**_FASTAPI, "app/geo.py": _HTTPX_TIMEOUT}, "missing-timeout", "pass", id="httpx-created-with-timeout"),
    pytest.param({**_FASTAPI, "app/fetch.py": _AIOHTTP_TIMEOUT}, "missing-timeout", "pass", id="aiohttp-clienttimeout"),
])
def test_table_entry(tmp_path: Path, files: dict[str, str], check: str, status: str) -> None:
    assert _status(tmp_path, files, check)[0] == status


def test_dramatiq_actors_retry_by_default(tmp_path: Path) -> None:
    status, summary = _status(tmp_path, {**_FASTAPI, "app/tasks.py": _DRAMATIQ.format(args="")}, "retry-policy")
    assert status == "pass", summary
    status, _ = _status(tmp_path / "off", {**_FASTAPI, "app/tasks.py": _DRAMATIQ.format(args="(max_retries=0)")},
                        "retry-policy")
    assert status == "fail"


def test_the_summary_gives_the_share_of_call_sites_retried(tmp_path: Path) -> None:
    client = ("import requests\nfrom tenacity import retry, stop_after_attempt, wait_exponential\n\n\n"
              "@retry(stop=stop_after_attempt(4), wait=wait_exponential(max=30))\n"
              "def quote(symbol: str) -> dict:\n    return requests.get(f'https://q.example.com/{symbol}', timeout=5).json()\n")
    others = "".join(f"\n\ndef report_{i}(url: str) -> None:\n    requests.post(url, json={{'n': {i}}}, timeout=5)\n"
                     for i in range(9))
    write_tree(tmp_path, {**_FASTAPI, "app/quotes.py": client, "app/reports.py": "import requests\n" + others})
    outcome = check_result(scan_tree(tmp_path, select=["retry-policy"]), "retry-policy")
    assert outcome.status == "pass"  # a retry policy is in place; the share beside it says how far it reaches
    assert "1 of 10 outbound HTTP call sites in the service are retried" in outcome.summary
    assert "requests.post() (app/reports.py:5)" in outcome.summary and "and 6 more" in outcome.summary


def test_a_retried_caller_covers_the_client_it_calls_one_level_away(tmp_path: Path) -> None:
    client = ("import requests\n\n\nclass Ledger:\n    def __init__(self, base: str) -> None:\n        self.base = base\n\n"
              "    def _send(self, path: str, body: dict) -> dict:\n"
              "        return requests.post(self.base + path, json=body, timeout=5).json()\n")
    tasks = ("from celery import shared_task\n\nfrom app.ledger import Ledger\n\n\n"
             "@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=6)\n"
             "def book(entry: dict) -> None:\n    Ledger('https://ledger.example.com')._send('/entries', entry)\n")
    status, summary = _status(tmp_path, {**_FASTAPI, "app/ledger.py": client, "app/tasks.py": tasks}, "retry-policy")
    assert status == "pass" and "1 of 1 outbound HTTP call sites in the service are retried" in summary


def test_a_session_with_a_retrying_adapter_covers_its_calls(tmp_path: Path) -> None:
    client = ("import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util import Retry\n\n"
              "RETRIES = Retry(total=4, backoff_factor=0.5, status_forcelist=(502, 503, 504))\n\n\nclass Catalog:\n"
              "    def __init__(self) -> None:\n        self.http = requests.Session()\n"
              "        self.http.mount('https://', HTTPAdapter(max_retries=RETRIES))\n\n"
              "    def item(self, sku: str) -> dict:\n        return self.http.get(f'https://c.example.com/{sku}', timeout=5).json()\n\n"
              "    def price(self, sku: str) -> dict:\n        return self.http.get(f'https://p.example.com/{sku}', timeout=5).json()\n")
    status, summary = _status(tmp_path, {**_FASTAPI, "app/catalog.py": client}, "retry-policy")
    assert status == "pass" and "2 of 2 outbound HTTP call sites" in summary


def test_a_hand_written_loop_that_catches_and_sleeps_retries(tmp_path: Path) -> None:
    client = ("import time\n\nimport requests\n\n\ndef upload(url: str, data: bytes) -> None:\n    for attempt in range(5):\n"
              "        try:\n            requests.put(url, data=data, timeout=30).raise_for_status()\n            return\n"
              "        except requests.RequestException:\n            time.sleep(2 ** attempt)\n"
              "    raise RuntimeError('upload failed')\n")
    status, summary = _status(tmp_path, {**_FASTAPI, "app/upload.py": client}, "retry-policy")
    assert status == "pass" and "a loop that catches the failure" in summary, summary


def test_a_polling_loop_that_gives_up_on_the_first_failure_is_no_retry(tmp_path: Path) -> None:
    client = ("import time\n\nimport requests\n\n\ndef wait_for_push(poll_url: str) -> bool:\n    while True:\n"
              "        time.sleep(2)\n        try:\n            state = requests.get(poll_url, timeout=10).json()['state']\n"
              "        except requests.RequestException:\n            return False\n"
              "        if state != 'waiting':\n            return state == 'approved'\n")
    status, summary = _status(tmp_path, {**_FASTAPI, "app/mfa.py": client}, "retry-policy")
    assert status == "fail" and "not retried: requests.get() (app/mfa.py:10)" in summary


def test_a_fixed_pause_between_attempts_is_no_backoff(tmp_path: Path) -> None:
    client = ("import time\nimport urllib.request\n\n\ndef public_ip(attempts: int = 3) -> str:\n"
              "    for i in range(attempts):\n        if i:\n            time.sleep(3)\n        try:\n"
              "            return urllib.request.urlopen('https://ip.example.com', timeout=5).read().decode()\n"
              "        except OSError:\n            pass\n    return ''\n")
    status, _ = _status(tmp_path, {**_FASTAPI, "app/ip.py": client}, "retry-policy")
    assert status == "fail"


def test_a_loop_that_does_not_wait_is_no_retry(tmp_path: Path) -> None:
    client = ("import requests\n\n\ndef notify_all(urls: list[str]) -> None:\n    for url in urls:\n        try:\n"
              "            requests.post(url, json={'event': 'ping'}, timeout=5)\n        except requests.RequestException:\n"
              "            continue\n")
    status, summary = _status(tmp_path, {**_FASTAPI, "app/notify.py": client}, "retry-policy")
    assert status == "fail" and "not retried: requests.post() (app/notify.py:7)" in summary


@pytest.mark.parametrize(("source", "lines"), [
    pytest.param("from decouple import config\n\nSECRET_KEY = config('SECRET_KEY', default='dj-insecure-4f8a2b')\n"
                 "DEBUG = config('DEBUG', default=False, cast=bool)\n", [3], id="decouple"),
    pytest.param("import os\n\n\nclass Config:\n    SECRET_KEY = os.environ.get('SECRET_KEY', 'k3y-for-signing-cookies')\n"
                 "    SESSION_COOKIE_NAME = 'sid'\n", [5], id="plain-settings-class"),
    pytest.param("import os\n\nTOKEN_PREFIX = os.getenv('API_TOKEN_PREFIX', 'sk_live_')\n"
                 "SECRET_HEADER = os.getenv('SECRET_HEADER', 'X-Webhook-Signature')\n"
                 "QUOTES_API_KEY = os.getenv('QUOTES_API_KEY', 'demo')\n", [], id="prefix-header-placeholder"),
    pytest.param("import os\n\nSECRET_KEY = os.getenv('SECRET_KEY', 'changeme')\n", [3],
                 id="changeme-works-silently"),
])
def test_default_secret_values(tmp_path: Path, source: str, lines: list[int]) -> None:
    write_tree(tmp_path, {"app/settings.py": source})
    result = scan_tree(tmp_path, select=["default-secret"])
    assert [f.line for f in result.findings if f.check == "default-secret"] == lines


@pytest.mark.parametrize(("files", "status"), [
    pytest.param({"deploy/k8s/app-secrets.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
                  "metadata:\n  name: app\nspec:\n  encryptedData:\n    SECRET_KEY: AgBy3i4OJSWK+PiTySYZZA==\n"},
                 "pass", id="sealed-secret"),
    pytest.param({"infra/secrets.tf": 'resource "aws_secretsmanager_secret" "django" {\n  name = "shop/django"\n}\n'},
                 "pass", id="terraform-secrets-manager"),
])
def test_secret_stores_declared_in_infrastructure(tmp_path: Path, files: dict[str, str], status: str) -> None:
    service = {"app/settings.py": "import os\n\nSECRET_KEY = os.environ['SECRET_KEY']\n", **_FASTAPI}
    assert _status(tmp_path, {**service, **files}, "secrets-manager")[0] == status


def test_a_json_value_handed_to_a_service_method_reaches_the_filter(tmp_path: Path) -> None:
    service = ("from flask import request\nfrom pymongo import MongoClient\n\nusers = MongoClient().shop.users\n\n\n"
               "class Accounts:\n    def by_email(self, email):\n        return users.find_one({'email': email})\n\n"
               "    def lookup(self):\n        body = request.get_json()\n        return self.by_email(body['email'])\n\n"
               "    def lookup_query(self):\n        return self.by_email(request.args.get('email', ''))\n")
    write_tree(tmp_path, {"app/accounts.py": service, "requirements.txt": "flask\npymongo\n"})
    result = scan_tree(tmp_path, select=["nosql-injection"])
    assert [(f.line, f.message.split(":")[0]) for f in result.findings] == [(13, "by_email()")]
