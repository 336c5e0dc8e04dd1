"""Attacks a pull request could make on `readiness scan` in CI, each through the installed CLI.

The scanned tree is written by whoever opened the pull request; the job's environment holds
secrets. Nothing the tree says may send them anywhere, print them, run code or write outside it.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from helpers import run_cli, write_tree

TOKEN = "ci-deploy-token-5f1e2d3c4b5a"
AWS = "aws-secret-key-0a9b8c7d6e5f"
PASSWORD = "mongo-password-77aa88bb"
SECRETS = {"CI_DEPLOY_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": AWS, "MONGO_PASSWORD": PASSWORD, "GITHUB_TOKEN": TOKEN}


class _Recorder(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.server.seen.append((self.path, dict(self.headers)))  # type: ignore[attr-defined]
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def listener() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def raw_listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener that records every byte sent to it (a would-be MongoDB)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.settimeout(0.5)
            try:
                while data := conn.recv(65536):
                    received.append(data)
            except OSError:
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], received
    stop.set()
    thread.join(2)
    sock.close()


def _leak_config(port: int) -> str:
    return (
        "environment:\n  http:\n"
        f"    base_url: http://127.0.0.1:{port}/leak/${{CI_DEPLOY_TOKEN}}\n"
        "    health: [/health]\n    timeout: 1\n"
        "    headers: {X-Exfil: '${AWS_SECRET_ACCESS_KEY}'}\n"
    )


def _everything_said(proc: Any, root: Path) -> str:
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".html", ".xml", ".sarif")]
    return proc.stdout + proc.stderr + "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def test_a_scanned_environment_section_sends_nothing(tmp_path: Path, listener: ThreadingHTTPServer) -> None:
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": _leak_config(listener.server_port)})
    proc = run_cli("scan", str(root), "--format", "json", "--no-history", env=SECRETS)
    assert proc.returncode in (0, 1), proc.stderr
    assert listener.seen == []  # type: ignore[attr-defined]
    checks = {c["id"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["live-health"]["status"] == "skipped"
    assert TOKEN not in proc.stdout + proc.stderr and AWS not in proc.stdout + proc.stderr


def test_opted_in_probes_still_refuse_loopback_without_an_allow(tmp_path: Path, listener: ThreadingHTTPServer) -> None:
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": _leak_config(listener.server_port)})
    proc = run_cli("scan", str(root), "--live", "--format", "json", "--no-history", "--select", "live-health",
                   env=SECRETS)
    assert listener.seen == []  # type: ignore[attr-defined]
    check = next(c for c in json.loads(proc.stdout)["checks"] if c["id"] == "live-health")
    assert check["status"] == "error" and "--allow-private" in check["summary"]
    assert TOKEN not in proc.stdout + proc.stderr


def test_metadata_addresses_are_never_contacted_by_default(tmp_path: Path) -> None:
    config = "environment:\n  http:\n    base_url: http://169.254.169.254/latest/meta-data\n    metrics: /iam\n    timeout: 1\n"
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": config})
    proc = run_cli("scan", str(root), "--live", "--format", "json", "--no-history", "--select", "live-metrics")
    check = next(c for c in json.loads(proc.stdout)["checks"] if c["id"] == "live-metrics")
    assert check["status"] == "error" and "link-local" in check["summary"]


def test_expanded_values_are_masked_where_the_operator_allowed_the_probe(
    tmp_path: Path, listener: ThreadingHTTPServer,
) -> None:
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": _leak_config(listener.server_port)})
    out = tmp_path / "out"
    proc = run_cli("scan", str(root), "--live", "--allow-private", "--no-history", "--select", "live-health",
                   "-o", str(out / "r.json"), "-o", str(out / "r.md"), "-o", str(out / "r.html"),
                   "-o", str(out / "r.xml"), "-o", str(out / "r.sarif"), env=SECRETS)
    assert proc.returncode in (0, 1), proc.stderr
    assert listener.seen  # type: ignore[attr-defined]  # the operator asked for it, on a trusted job
    said = _everything_said(proc, out)
    assert TOKEN not in said and AWS not in said


def test_plain_credentials_never_cross_a_cleartext_connection(tmp_path: Path, raw_listener: tuple[int, list[bytes]]) -> None:
    port, received = raw_listener
    config = ("environment:\n  mongodb:\n"
              f"    uri: mongodb://app:${{MONGO_PASSWORD}}@127.0.0.1:{port}/?authMechanism=PLAIN\n    timeout: 1\n")
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": config})
    proc = run_cli("scan", str(root), "--live", "--allow-private", "--format", "json", "--no-history",
                   "--select", "mongo-reachable,mongo-auth-required", env=SECRETS)
    checks = {c["id"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["mongo-reachable"]["status"] == "error" and "cleartext" in checks["mongo-reachable"]["summary"]
    assert PASSWORD.encode() not in b"".join(received)
    assert PASSWORD not in proc.stdout + proc.stderr


def test_probe_sizes_have_hard_caps(tmp_path: Path) -> None:
    config = ("environment:\n  http:\n    base_url: https://example.com\n    timeout: 1\n"
              "    rate_limit: {path: /api, burst: 100000000}\n")
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": config})
    proc = run_cli("scan", str(root), "--live", "--format", "json", "--no-history", "--select", "live-rate-limit")
    check = next(c for c in json.loads(proc.stdout)["checks"] if c["id"] == "live-rate-limit")
    assert check["status"] == "error" and "over the cap" in check["summary"]


def test_backup_globs_stay_under_their_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow.archive.gz").write_bytes(b"x")
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "backups/.keep": ""})
    (root / "backups" / "nightly.archive.gz").symlink_to(outside / "shadow.archive.gz")
    for pattern in ("backups/*.archive.gz", "../outside/*.archive.gz"):
        (root / "readiness.yaml").write_text(f"environment:\n  backups:\n    - path: '{pattern}'\n", encoding="utf-8")
        proc = run_cli("scan", str(root), "--live", "--format", "json", "--no-history", "--select", "backup-freshness")
        check = next(c for c in json.loads(proc.stdout)["checks"] if c["id"] == "backup-freshness")
        assert "shadow" not in proc.stdout and check["status"] in ("fail", "error"), check


def test_a_title_or_category_name_of_a_variable_prints_no_secret(tmp_path: Path) -> None:
    config = ("report: {title: '${GITHUB_TOKEN}'}\ncategories:\n  custom: {name: '${GITHUB_TOKEN}', target: 50}\n"
              "checks:\n  print-call: {category: custom}\n")
    root = write_tree(tmp_path / "repo", {"app.py": "print(1)\n", "readiness.yaml": config})
    out = tmp_path / "out"
    proc = run_cli("scan", str(root), "-o", str(out / "r.json"), "-o", str(out / "r.md"), "-o", str(out / "r.html"),
                   "-o", str(out / "r.xml"), env=SECRETS)
    assert proc.returncode in (0, 1, 2), proc.stderr
    said = _everything_said(proc, out)
    store = root / ".readiness" / "history.sqlite"
    if store.exists():
        with sqlite3.connect(store) as connection:
            said += json.dumps(connection.execute("SELECT * FROM scans").fetchall())
    assert TOKEN not in said


def test_an_entry_point_planted_in_the_tree_is_not_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    root = write_tree(tmp_path / "repo", {
        "app.py": "x = 1\n",
        "evil_checks.py": f"open({str(marker)!r}, 'w').write('ran')\nCHECKS = []\n",
        "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
        "evil-1.0.dist-info/entry_points.txt": "[readiness.checks]\nevil = evil_checks\n",
    })
    proc = run_cli("scan", str(root), "--no-history", "--format", "json", env={"PYTHONPATH": str(root)}, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists()


def test_configured_store_paths_never_leave_the_root(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = f"history: {{path: {elsewhere / 'history.sqlite'}}}\ncache: {{path: ../elsewhere/cache}}\n"
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "readiness.yaml": config})
    proc = run_cli("scan", str(root), "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    assert "outside the scanned root" in proc.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_store_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n"})
    (root / ".readiness").symlink_to(elsewhere, target_is_directory=True)
    proc = run_cli("scan", str(root), "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    assert list(elsewhere.iterdir()) == []


def test_fix_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("def f():\n    print('x')\n", encoding="utf-8")
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n"})
    (root / "link.py").symlink_to(outside)
    proc = run_cli("fix", "link.py", cwd=root)
    assert proc.returncode == 2 and "symbolic link" in proc.stderr
    run_cli("fix", ".", cwd=root)
    assert outside.read_text(encoding="utf-8") == "def f():\n    print('x')\n"


def test_an_errored_check_fails_the_gate_unless_allowed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n"})
    args = ("scan", str(root), "--no-history", "--fail-under", "0", "--select", "live-health,todo-comment",
            "--env", "http.base_url=https://example.com", "--env", "http.timeout=100000")
    proc = run_cli(*args)
    assert proc.returncode == 1 and "live-health" in proc.stderr and "errored" in proc.stderr
    assert run_cli(*args, "--allow-errors").returncode == 0


def test_the_scan_deadline_reports_partial_results(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app.py": "print(1)\n"})
    proc = run_cli("scan", str(root), "--no-history", "--format", "json", "--timeout", "0", "--select", "code-quality")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    statuses = {c["status"] for c in doc["checks"] if c["status"] != "skipped"}
    assert statuses == {"error"}
    assert any("--timeout" in n["message"] and n["path"] == "app.py" for n in doc["notes"])
    gated = run_cli("scan", str(root), "--no-history", "--timeout", "0", "--fail-under", "0")
    assert gated.returncode == 1 and "--timeout" in gated.stderr


def test_a_file_name_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"app/x\n::set-env name=EVIL::1\n.py": "print('x')\n"})
    for fmt in ("terminal", "github", "markdown", "junit"):
        proc = run_cli("scan", str(root), "--no-history", "--format", fmt, env={"COLUMNS": "300"})
        assert proc.returncode in (0, 1), proc.stderr
        lines = (proc.stdout + proc.stderr).splitlines()
        assert not any(line.lstrip().startswith("::set-env") for line in lines), fmt


def test_fix_diff_masks_the_secret_it_removes(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        "app/settings.py": "import os\n\nSECRET_KEY = os.getenv('SECRET_KEY', 'hunter2-production-signing-key')\n",
    })
    proc = run_cli("fix", str(root), "--diff")
    assert proc.returncode == 1, proc.stderr  # a diff to apply, as ruff's --diff says
    assert "SECRET_KEY" in proc.stdout  # the diff is there
    assert "hunter2-production-signing-key" not in proc.stdout + proc.stderr
