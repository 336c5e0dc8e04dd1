"""Secrets checks on real files: bandit's own hardcoded-password examples, and no leaks in output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import check_result, run_cli, scan_tree, write_tree
from tools.bandit_examples import bandit_examples, run_bandit

from readiness.checks.secrets import is_placeholder, is_secret_name, mask

__all__ = ["bandit_examples"]


def test_hardcoded_password_examples_match_bandit(tmp_path: Path, bandit_examples: Path) -> None:
    source = bandit_examples / "hardcoded-passwords.py"
    target = tmp_path / "app" / "legacy.py"
    target.parent.mkdir()
    shutil.copy(source, target)
    results = run_bandit(source, "B105,B106,B107")
    assert {r["test_id"] for r in results} == {"B105", "B106", "B107"}
    # bandit reports the value it found; empty strings are not secrets here (by design).
    values = {int(r["line_number"]): re.search(r"'(.*)'$", str(r["issue_text"])) for r in results}  # type: ignore[call-overload]
    empty = sorted(line for line, m in values.items() if m is not None and m.group(1) == "")
    expected = sorted(line for line in values if line not in empty)
    assert len(empty) == 1 and len(expected) == len(results) - 1
    result = scan_tree(tmp_path, select=["hardcoded-secret"])
    ours = sorted(f.line for f in result.findings if f.check == "hardcoded-secret")
    assert ours == expected


SECRETS = {
    "aws": "AKIAZ7QFW5RDCVNY3XKD",
    "github": "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5",
    "stripe": "sk_live_" + "51Hq8rT2eYu7IoPaSdFgHjKl",
    "password": "Pr0d-Pa55w0rd!",
    "dsn_password": "Mongo-S3cret-99",
    "fallback": "dev-signing-key-42",
    "pem_body": "MIIEowIBAAKCAQEAuV2sZ3",
    "yaml_token": "xoxb-2048-7301948265-Qm4vT8zKp2LwRx9N",
}


def _secret_repo(root: Path) -> None:
    write_tree(root, {
        "app/settings.py": (
            "import os\n"
            f"JWT_SECRET = os.getenv('JWT_SECRET', '{SECRETS['fallback']}')\n"
            f"AWS_KEY = '{SECRETS['aws']}'\n"
            f"GITHUB = '{SECRETS['github']}'\n"
        ),
        "app/pay.py": (
            f"STRIPE = '{SECRETS['stripe']}'\n"
            "def connect(db):\n"
            f"    return db.login(user='app', password='{SECRETS['password']}')\n"
            f"MONGO = 'mongodb://admin:{SECRETS['dsn_password']}@db:27017/app'\n"
        ),
        "app/keys.py": (
            "KEY = '''-----BEGIN RSA PRIVATE KEY-----\n"
            f"{SECRETS['pem_body']}\n"
            "-----END RSA PRIVATE KEY-----'''\n"
        ),
        "deploy/values.yaml": f"slack_token: {SECRETS['yaml_token']}\n",
    })


@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_cli_output_never_contains_a_secret(tmp_path: Path, fmt: str) -> None:
    repo = tmp_path / "repo"
    _secret_repo(repo)
    proc = run_cli("scan", str(repo), "--format", fmt, "--no-live", "--select", "secrets")
    assert proc.returncode in (0, 1), proc.stderr
    output = proc.stdout + proc.stderr
    assert "hardcoded" in output
    for name, value in SECRETS.items():
        assert value not in output, name
    if fmt == "json":
        data = json.loads(proc.stdout)
        found = [f for f in data["findings"] if f["check"] in ("hardcoded-secret", "default-secret")]
        assert len([f for f in found if f["check"] == "hardcoded-secret"]) == 7
        assert len([f for f in found if f["check"] == "default-secret"]) == 1


def test_default_secret_and_hardcoded_do_not_double_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/config.py": (
            "import os\n"
            "from pydantic_settings import BaseSettings\n\n"
            "class Settings(BaseSettings):\n"
            "    db_password: str = 'postgres-pass'\n\n"
            "SECRET = os.environ.get('APP_SECRET', 'x-dev-secret')\n"
            "TOKEN = os.environ.get('API_TOKEN') or 'fallback-token'\n"
        ),
    })
    result = scan_tree(tmp_path, select=["default-secret", "hardcoded-secret"])
    by_check = {(f.check, f.line) for f in result.findings}
    assert by_check == {("default-secret", 5), ("default-secret", 7), ("default-secret", 8)}
    assert check_result(result, "default-secret").summary == "3 secrets with a literal fallback"


def test_configurable_names(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import os\nPIN = os.getenv('ATM_PIN', '0000-1234')\n"})
    plain = scan_tree(tmp_path, select=["default-secret"])
    assert not plain.findings
    config = {"checks": {"default-secret": {"options": {"names": ["pin"]}}}}
    custom = scan_tree(tmp_path, select=["default-secret"], config=config)
    assert [f.line for f in custom.findings] == [2]


@pytest.mark.parametrize(("name", "expected"), [
    ("password", True), ("DB_PASSWORD", True), ("apiKey", True), ("client_secret", True), ("JWT_SECRET", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("privateKey", True), ("email_pwd", True), ("passphrase", True),
    ("TOKEN_URL", False), ("token_type", False), ("max_tokens", False), ("SECRET_NAME", False),
    ("password_field", False), ("keyboard", False), ("jwt_algorithm", False), ("", False),
])
def test_secret_names(name: str, expected: bool) -> None:
    assert is_secret_name(name) is expected


def test_placeholders_and_mask() -> None:
    for value in ["", "  ", "***", "xxxx", "<your-token>", "${TOKEN}", "changeme", "your-api-key-here", "{{ secret }}"]:
        assert is_placeholder(value), value
    for value in ["hunter2", "s3cr3t", "blerg", "secret"]:
        assert not is_placeholder(value), value
    assert mask("hunter2") == "*** (7 chars)"


def test_secrets_manager_from_sops_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/a.py": "import os\nP = os.environ['DB_PASSWORD']\n",
        "deploy/secrets.enc.yaml": "password: ENC[AES256_GCM,data:abc=,type:str]\nsops:\n  mac: ENC[x]\n  version: 3.8.1\n",
    })
    result = scan_tree(tmp_path, select=["secrets-manager"])
    outcome = check_result(result, "secrets-manager")
    assert outcome.status == "pass"
    assert any(e.path == "deploy/secrets.enc.yaml" for e in outcome.evidence)


def test_one_default_secret_is_a_blocker_whatever_the_size(tmp_path: Path) -> None:
    """A real service has tens of thousands of lines; one literal SECRET_KEY fallback still fails hard."""
    files = {f"app/module_{i}.py": "import logging\n\nlog = logging.getLogger(__name__)\n" * 300 for i in range(20)}
    files["app/settings.py"] = "import os\n\nSECRET_KEY = os.environ.get('SECRET_KEY', 'insecure-signing-key-42')\n"
    write_tree(tmp_path, files)
    outcome = check_result(scan_tree(tmp_path, select=["default-secret"]), "default-secret")
    assert outcome.status == "fail" and outcome.score == 0.5
    assert "each halves the score" in outcome.explanation


@pytest.mark.parametrize(("code", "rotates"), [
    ("from cryptography.fernet import Fernet, MultiFernet\nbox = MultiFernet([Fernet(a), Fernet(b)])\n", True),
    # the parser reads a full-width letter in a name as the plain one: the text alone does not hold the name
    ("import cryptography.fernet as f\nbox = f.\uff2dultiFernet([f.Fernet(a), f.Fernet(b)])\n", True),
    ("from cryptography.fernet import Fernet\nbox = Fernet(key)  # one key, caf\u00e9\n", False),
])
def test_secret_rotation_reads_names_as_the_parser_does(tmp_path: Path, code: str, rotates: bool) -> None:
    write_tree(tmp_path, {"app/crypto.py": code, "app/settings.py": "SECRET_KEY = os.environ['SECRET_KEY']\n"})
    result = check_result(scan_tree(tmp_path, select=["secret-rotation"]), "secret-rotation")
    found = [e for e in result.evidence if e.path == "app/crypto.py"]
    assert bool(found) == rotates, result


@pytest.mark.parametrize(("code", "reads"), [
    ("import boto3\nsecret = boto3.client('secretsmanager').get_secret_value(SecretId='db')\n", True),
    ("import boto3\nsecret = boto3.\uff43lient('secretsmanager').get_secret_value(SecretId='db')\n", True),
    ("import boto3\nsecret = boto3.resource('s3')  # caf\u00e9\n", False),
])
def test_secrets_manager_reads_call_names_as_the_parser_does(tmp_path: Path, code: str, reads: bool) -> None:
    write_tree(tmp_path, {"app/store.py": code, "app/settings.py": "SECRET_KEY = os.environ['SECRET_KEY']\n"})
    result = check_result(scan_tree(tmp_path, select=["secrets-manager"]), "secrets-manager")
    assert any(e.path == "app/store.py" for e in result.evidence) == reads, result
