"""No leaks: a repository full of secrets and an environment full of credentials leave no trace of them in
any output, report, history entry, cache file or log line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from helpers import write_tree

from readiness.reports import BUILTIN_FORMATS, EXTENSIONS

# Credentials that only the environment holds (the configuration refers to them as ${VAR}).
ENV_SECRETS = {
    "ORDERS_DB_PASSWORD_VALUE": "Mongo-Pa55-e1f9c7",
    "ORDERS_API_TOKEN": "tok-bearer-8d2f61aa90",
    "ORDERS_API_KEY": "apikey-77c3e0b5d1",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN": "ghp_EnvOnlyToken0123456789abcdefABCDEF12",
    "DATABASE_URL": "postgresql://svc:Pg-Secret-3141@db.internal:5432/orders",
}
# Secrets written into the scanned repository's own files.
REPO_SECRETS = (
    "hunter2-Literal-Password-9c1b",
    "AKIAIOSFODNN7REPOKEY",
    "repo-jwt-default-secret-5e6f",
    "ghp_RepoToken0123456789abcdefABCDEFabcd",
    "sk_live_51RepoStripeKey0000000000xyz",
    "RepoMongoUriPassword-2718",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCRepoPrivateKeyBody",
    "dotenv-secret-value-1618",
)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_repo(root: Path, port: int) -> Path:
    s = REPO_SECRETS
    return write_tree(root, {
        "app/settings.py": (
            "import os\n"
            f"DB_PASSWORD = \"{s[0]}\"\n"
            f"AWS_ACCESS_KEY_ID = \"{s[1]}\"\n"
            f"JWT_SECRET = os.getenv(\"JWT_SECRET\", \"{s[2]}\")\n"
            f"GITHUB_TOKEN = \"{s[3]}\"\n"
            f"STRIPE_KEY = '{s[4]}'\n"
            f"MONGO_URI = \"mongodb://admin:{s[5]}@db.internal:27017/orders\"\n"
            f"PRIVATE_KEY = '''-----BEGIN PRIVATE KEY-----\n{s[6]}\n-----END PRIVATE KEY-----'''\n"
            "print(DB_PASSWORD)  # TODO remove\n"
        ),
        "app/client.py": (
            "import requests\n"
            "def call():\n"
            f"    return requests.post('https://api.example.com', headers={{'Authorization': 'Bearer {s[3]}'}})\n"
        ),
        ".env": f"SECRET_KEY={s[7]}\nDB_PASSWORD={s[0]}\n",
        "deploy/secret.yaml": f"apiVersion: v1\nkind: Secret\nstringData:\n  password: {s[0]}\n",
        "readiness.yaml": (
            "environment:\n"
            "  http:\n"
            f"    base_url: http://127.0.0.1:{port}\n"
            "    timeout: 1\n"
            "    headers:\n"
            "      Authorization: Bearer ${ORDERS_API_TOKEN}\n"
            "      X-Api-Key: ${ORDERS_API_KEY}\n"
            "  mongodb:\n"
            f"    uri: mongodb://orders:${{ORDERS_DB_PASSWORD_VALUE}}@127.0.0.1:{port}/orders?authSource=admin\n"
            "    timeout: 1\n"
            "  backups:\n"
            "    - path: /nonexistent/${ORDERS_API_KEY}/*.gz\n"
            "      max_age: 26h\n"
        ),
    })


def _outputs_for_every_format(out_dir: Path) -> tuple[list[str], list[str]]:
    """-o files for every format that has an extension; the others go to stdout in their own run."""
    by_format: dict[str, str] = {}
    for suffix, name in sorted(EXTENSIONS.items(), key=lambda kv: len(kv[0])):
        by_format.setdefault(name, suffix)
    files = [str(out_dir / f"report{suffix}") for name, suffix in sorted(by_format.items()) if name in BUILTIN_FORMATS]
    stdout_only = sorted(set(BUILTIN_FORMATS) - set(by_format))
    return files, stdout_only


def _run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "readiness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)


def test_no_secret_reaches_any_output(tmp_path: Path) -> None:
    port = _closed_port()
    root = build_repo(tmp_path / "repo", port)
    out_dir = tmp_path / "out"
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
                **ENV_SECRETS})
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}

    files, stdout_only = _outputs_for_every_format(out_dir)
    help_text = _run("scan", "--help", cwd=tmp_path, env={**env, "COLUMNS": "400"}).stdout
    assert {f for f in BUILTIN_FORMATS} <= {f for f in BUILTIN_FORMATS if f in help_text}
    covered = {name for name in BUILTIN_FORMATS if any(f.endswith(s) and EXTENSIONS[s] == name for f in files for s in EXTENSIONS)}
    assert covered | set(stdout_only) == set(BUILTIN_FORMATS)

    logs: list[str] = []
    first = _run("scan", str(root), "--live", "--format", "json", *[a for f in files for a in ("-o", f)], cwd=tmp_path, env=env)
    assert first.returncode in (0, 1), first.stderr
    assert "Traceback" not in first.stderr
    logs += [first.stdout, first.stderr]
    for fmt in stdout_only:
        proc = _run("scan", str(root), "--live", "--format", fmt, cwd=tmp_path, env=env)
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
        logs += [proc.stdout, proc.stderr]
    for args in (("history", "--config", str(root / "readiness.yaml")), ("report", files[0], "--format", "markdown")):
        proc = _run(*args, cwd=root, env=env)
        logs += [proc.stdout, proc.stderr]

    live = [c for c in __import__("json").loads(first.stdout)["checks"] if c["kind"] == "live"]
    assert not [c for c in live if c["status"] == "skipped"], live  # the live checks really ran

    written = [p for p in root.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns]
    written += [p for p in out_dir.rglob("*") if p.is_file()]
    written += [p for p in home.rglob("*") if p.is_file()]
    assert [p for p in written if ".readiness" in p.parts], "history or cache was not written: nothing checked"
    everything = [p for p in root.rglob("*") if p.is_file() and ".readiness" in p.parts]
    for path in {*written, *everything}:
        data = path.read_bytes()
        for secret in (*ENV_SECRETS.values(), *REPO_SECRETS):
            assert secret.encode() not in data, f"{secret} leaked into {path.relative_to(tmp_path)}"
    for text in logs:
        for secret in (*ENV_SECRETS.values(), *REPO_SECRETS):
            assert secret not in text, f"{secret} leaked into the output: {text[max(0, text.find(secret) - 200):][:400]}"


def test_unreachable_mongodb_error_does_not_show_the_password(tmp_path: Path) -> None:
    port = _closed_port()
    secret = {"user": "secret-user-4ab1", "password": "secret-pass-9f0e"}
    root = write_tree(tmp_path / "repo", {
        "app/a.py": "x = 1\n",
        "readiness.yaml": "environment:\n  mongodb:\n    uri: ${MONGO}\n    timeout: 1\n",
    })
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update({"NO_COLOR": "1", "MONGO": f"mongodb://{secret['user']}:{secret['password']}@127.0.0.1:{port}/?authSource=admin"})
    proc = _run("scan", str(root), "--live", "--format", "json", "--no-history", "--no-cache", cwd=tmp_path, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    assert secret["password"] not in proc.stdout + proc.stderr
    assert "127.0.0.1" in proc.stdout  # the check did report on the URI, masked
