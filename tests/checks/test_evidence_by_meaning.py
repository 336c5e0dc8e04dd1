"""Judged by what the code does: POSTs that need no idempotency key, rotation that needs several keys, MongoDB
connectors that are not the service's database, and the tables of what counts that `readiness explain` lists."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, run_cli, scan_tree, write_tree

_PROVIDER_CLIENT = (
    "import requests\n\n\nclass LetterClient:\n    def __init__(self, base_url: str) -> None:\n"
    "        self.base_url = base_url\n        self.session = requests.Session()\n\n"
    "    def authenticate(self, user: str, password: str) -> str:\n"
    "        response = self.session.post(f'{self.base_url}/v1/authenticate', json={'user': user}, timeout=5)\n"
    "        return response.json()['token']\n\n"
    "    def change_password(self, new: str) -> None:\n"
    "        self.session.post(f'{self.base_url}/v1/password', json={'new': new}, timeout=5)\n\n"
    "    def send_letter(self, letter: dict) -> dict:\n"
    "        return self.session.post(f'{self.base_url}/v1/print-jobs', json=letter, timeout=5).json()\n"
)


def _findings(result: object, check: str) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in result.findings if f.check == check]  # type: ignore[attr-defined]


def test_only_the_request_that_creates_something_needs_a_key(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/clients/letters.py": _PROVIDER_CLIENT})
    result = scan_tree(tmp_path, select=["idempotency-keys"])
    outcome = check_result(result, "idempotency-keys")
    assert _findings(result, "idempotency-keys") == [("app/clients/letters.py", 17)]
    assert outcome.summary == "1 of 1 outbound POST calls have no Idempotency-Key header (2 more need none)"


def test_notifications_telemetry_and_previews_leave_nothing_to_judge(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/chats.py": "import requests\n\n\ndef post_to_mattermost(webhook: str, text: str) -> None:\n"
                        "    requests.post(webhook, json={'text': text}, timeout=30)\n",
        "app/telemetry.py": "import requests\n\nTELEMETRY_URL = 'https://t.example.com'\n\n\n"
                            "def send_usage(data: dict) -> None:\n    requests.post(TELEMETRY_URL, json=data, timeout=30)\n",
        "app/templates.py": "import requests\n\n\ndef _get_png_preview(url: str, data: dict) -> bytes:\n"
                            "    return requests.post(url, json=data, timeout=30).content\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["idempotency-keys"]), "idempotency-keys")
    assert outcome.status == "n/a"
    assert "none of 3 outbound POST calls" in outcome.explanation


def test_rotation_needs_more_than_one_key(tmp_path: Path) -> None:
    single = {"app/tokens.py": "import os\n\nimport jwt\n\nKEY = os.environ['JWT_SECRET']\n\n\n"
                               "def sign(payload: dict) -> str:\n"
                               "    return jwt.encode(payload, KEY, algorithm='HS256', headers={'kid': 'v1'})\n"}
    write_tree(tmp_path, single)
    assert check_result(scan_tree(tmp_path, select=["secret-rotation"]), "secret-rotation").status == "fail"
    write_tree(tmp_path, {"app/crypto.py": "import os\n\nTOKEN_SECRETS = os.environ['TOKEN_SECRETS'].split(',')\n"})
    outcome = check_result(scan_tree(tmp_path, select=["secret-rotation"]), "secret-rotation")
    assert outcome.status == "pass"
    assert any("TOKEN_SECRETS" in e.message for e in outcome.evidence)


def test_field_name_lists_are_not_key_sets(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/serializers.py": "import os\n\nTOKEN = os.environ['API_TOKEN']\n"
                                                "SECRET_KEYS = ['password', 'api_key', 'token']\n"})
    assert check_result(scan_tree(tmp_path, select=["secret-rotation"]), "secret-rotation").status == "fail"


def test_a_mongodb_connector_in_a_sql_service_is_not_judged_but_a_mongo_service_is(tmp_path: Path) -> None:
    connector = ("import pymongo\n\n\nclass MongoRunner:\n    def __init__(self, configuration: dict) -> None:\n"
                 "        self.configuration = configuration\n\n    def run(self, query: dict) -> list:\n"
                 "        db = pymongo.MongoClient(self.configuration['connectionString'])\n"
                 "        return list(db.x.y.find(query))\n")
    write_tree(tmp_path, {"app/models.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
                          "app/query_runner/mongodb.py": connector, "requirements.txt": "flask-sqlalchemy\npymongo\n"})
    checks = ["db-connection-retry", "db-query-timeouts", "db-pool-config"]
    result = scan_tree(tmp_path, select=checks)
    assert [check_result(result, c).status for c in checks] == ["n/a"] * 3
    assert "connector" in check_result(result, "db-pool-config").explanation
    write_tree(tmp_path, {"app/settings.py": "import os\n\nMONGO_URI = os.environ['MONGO_URI']\n"})
    result = scan_tree(tmp_path, select=checks)
    assert check_result(result, "db-pool-config").status == "fail"


def test_explain_lists_what_counts(tmp_path: Path) -> None:
    out = run_cli("explain", "idempotency-keys")
    assert out.returncode == 0, out.stderr
    assert "## What counts" in out.stdout
    assert "| no | purpose |" in out.stdout and "`oauth`" in out.stdout
    out = run_cli("explain", "secret-rotation")
    assert "`SECRET_KEY_FALLBACKS`" in out.stdout and "`kid`" in out.stdout
    out = run_cli("explain", "metrics-endpoint")
    assert "| no | import | `statsd` |" in out.stdout  # pushed metrics: the check is n/a, with its reason
    out = run_cli("explain", "otel-sdk")
    assert "`ddtrace-run`" in out.stdout and "errors only" in out.stdout
    out = run_cli("explain", "db-pool-config")
    assert "`AsyncIOMotorClient`" in out.stdout and "`MONGO_URI`" in out.stdout and "`maxPoolSize=None`" in out.stdout
    out = run_cli("explain", "restore-procedure")
    assert "`pbm restore`" in out.stdout and "| no | call | `psql -f schema.sql`" in out.stdout


# The practices whose equivalents and look-alikes are declared in one table per check (read by the checks'
# documentation and `readiness explain`).
PRACTICES = ("otel-sdk", "otel-instrumentation", "trace-exporter", "metrics-exported", "metrics-endpoint",
             "structured-logging", "correlation-ids", "retry-policy", "circuit-breaker", "missing-timeout",
             "idempotency-keys", "default-secret", "secrets-manager", "secret-rotation", "db-connection-retry",
             "db-query-timeouts", "db-pool-config", "mongo-transactions", "nosql-injection", "restore-procedure",
             "backup-verification")


def test_every_practice_declares_what_counts_and_what_only_looks_alike() -> None:
    from readiness.checks import builtin_checks
    from readiness.checks.agents import equivalents_of

    checks = {c.id: c for c in builtin_checks()}
    for check_id in PRACTICES:
        table = equivalents_of(checks[check_id])
        assert any(e.counts for e in table), check_id
        assert any(not e.counts for e in table), check_id


def test_a_required_settings_field_is_a_secret_the_service_reads(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/core/settings.py": "from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\n\n"
                                                  "class AppSettings(BaseSettings):\n    secret_key: SecretStr\n"
                                                  "    jwt_algorithm: str = 'HS256'\n"})
    result = scan_tree(tmp_path, select=["secrets-manager", "secret-rotation"])
    assert [check_result(result, c).status for c in ("secrets-manager", "secret-rotation")] == ["fail", "fail"]


def test_django_environ_file_aware_schema_fallbacks(tmp_path: Path) -> None:
    write_tree(tmp_path, {"proj/settings.py": "import environ\n\nenv = environ.FileAwareEnv(\n"
                                              "    DB_PASSWORD=(str, 'shop'),\n    DEBUG=(bool, False),\n)\n"})
    result = scan_tree(tmp_path, select=["default-secret"])
    assert [f.line for f in result.findings if f.check == "default-secret"] == [4]


def test_headers_from_the_callers_own_class_helper(tmp_path: Path) -> None:
    client = ("import requests\n\n\nclass Tokens:\n    def _headers(self) -> dict:\n        return {'Idempotency-Key': 'k'}\n\n"
              "    def issue(self) -> None:\n        requests.post('https://a.io/tokens/issue', headers=self._headers(), timeout=5)\n\n\n"
              "class Registrations:\n    def _headers(self) -> dict:\n        return {'X-Api-Key': 'k'}\n\n"
              "    def register(self, body: dict) -> None:\n"
              "        requests.post('https://a.io/registration', json=body, headers=self._headers(), timeout=5)\n")
    write_tree(tmp_path, {"app/clients.py": client})
    result = scan_tree(tmp_path, select=["idempotency-keys"])
    assert _findings(result, "idempotency-keys") == [("app/clients.py", 17)]
