"""HTTP live checks against real servers on 127.0.0.1: good, failing and hostile ones."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from readiness.live.http_probe import ProbeError, Prober, peer_certificate

from .conftest import App, RawServer, live_scan

HTTP_CHECKS = ("live-health", "live-metrics", "live-security-headers", "live-rate-limit", "live-tls")
CLI_STARTUP = 6.0  # seconds a CLI run may take besides its probes (a slow CI runner)


def _config(base_url: str, **http: object) -> str:
    lines = ["environment:", "  http:", f"    base_url: {base_url}"]
    for key, value in http.items():
        lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


# -- the probe ---------------------------------------------------------------------------

def test_prober_reads_a_good_answer(app: App) -> None:
    with Prober(allow_private=True, timeout=1) as prober:
        resp = prober.request(app.url + "/secure/health")
    assert resp.status == 200 and resp.body == b"ok\n" and not resp.truncated
    assert resp.headers["x-content-type-options"] == "nosniff"


def test_refused_connection_is_a_reason(refused_url: str) -> None:
    started = time.monotonic()
    with Prober(allow_private=True, timeout=1) as prober, pytest.raises(ProbeError, match="connection refused"):
        prober.request(refused_url + "/health")
    assert time.monotonic() - started < 1


def test_silent_server_trips_the_read_timeout(silent_server: RawServer) -> None:
    started = time.monotonic()
    with Prober(allow_private=True, timeout=0.5) as prober, pytest.raises(ProbeError, match="no answer within 0.5 s"):
        prober.request(silent_server.url + "/health")
    assert time.monotonic() - started < 1.0 + 0.3


def test_dripping_server_meets_the_total_deadline(drip_server: RawServer) -> None:
    # One byte every 0.25 s never trips the 1 s read timeout; only the deadline ends it.
    started = time.monotonic()
    with Prober(allow_private=True, timeout=1, deadline=0.8) as prober, pytest.raises(ProbeError, match="deadline"):
        prober.request(drip_server.url + "/health")
    assert time.monotonic() - started < 0.8 + 0.4


def test_ten_megabytes_of_junk_are_read_up_to_the_cap(junk_server: RawServer) -> None:
    started = time.monotonic()
    with Prober(allow_private=True, timeout=1, deadline=3, max_bytes=256 * 1024) as prober:
        resp = prober.request(junk_server.url + "/metrics")
    assert resp.truncated and len(resp.body) == 256 * 1024
    assert time.monotonic() - started < 3


def test_garbage_speaking_server_is_a_reason(garbage_server: RawServer) -> None:
    with Prober(allow_private=True, timeout=1) as prober, pytest.raises(ProbeError) as info:
        prober.request(garbage_server.url + "/health")
    assert "HTTP" in str(info.value) or "closed" in str(info.value) or "reset" in str(info.value)


def test_untrusted_certificate_is_a_tls_reason(tls_app: App) -> None:
    with Prober(allow_private=True, timeout=1) as prober, pytest.raises(ProbeError, match="TLS error: certificate verify failed"):
        prober.request(tls_app.url + "/secure/health")


def test_certificate_days_left(tls_app: App, ca_bundle: str) -> None:
    cert = peer_certificate(tls_app.url, allow_private=True, timeout=1, cafile=ca_bundle)
    assert 363 < cert.days_left() <= 365


def test_expired_certificate_is_a_reason(expired_tls_app: App, ca_bundle: str) -> None:
    with pytest.raises(ProbeError, match="certificate has expired"):
        peer_certificate(expired_tls_app.url, allow_private=True, timeout=1, cafile=ca_bundle)


def test_tls_handshake_with_a_silent_server_is_bounded(silent_server: RawServer) -> None:
    started = time.monotonic()
    with pytest.raises(ProbeError):
        peer_certificate(f"https://127.0.0.1:{silent_server.port}", allow_private=True, timeout=0.5, deadline=0.7)
    assert time.monotonic() - started < 0.7 + 0.3


# -- the checks, through the real CLI ----------------------------------------------------

def test_a_well_run_service_passes(tmp_path: Path, app: App) -> None:
    config = _config(
        app.url + "/secure", health="[/health, /ready]", metrics="/metrics", timeout=1,
        rate_limit="{path: /limited, burst: 6, duration: 0.3}",
    )
    scan = live_scan(tmp_path, config, *HTTP_CHECKS)
    checks = scan.checks
    assert checks["live-health"]["status"] == "pass", checks["live-health"]
    assert checks["live-metrics"]["status"] == "pass", checks["live-metrics"]
    assert "3 metric families" in checks["live-metrics"]["summary"]
    evidence = " ".join(e["message"] for e in checks["live-metrics"]["evidence"])
    assert "http_requests" in evidence and "request_latency_seconds" in evidence
    assert checks["live-security-headers"]["status"] == "pass", checks["live-security-headers"]
    assert checks["live-rate-limit"]["status"] == "pass", checks["live-rate-limit"]
    assert "429" in checks["live-rate-limit"]["summary"]
    assert app.hits("/limited") == 4  # the probe stops at the first 429
    assert checks["live-tls"]["status"] == "n/a"
    assert all("observed_at" in checks[c] for c in HTTP_CHECKS)


def test_a_poorly_run_service_fails_with_reasons(tmp_path: Path, app: App) -> None:
    config = _config(
        app.url + "/plain", health="[/health, /down, /slow]", latency_budget_ms=200, metrics="/html-metrics",
        timeout=1, rate_limit="{path: /open, burst: 5, duration: 0.2}",
    )
    checks = live_scan(tmp_path, config, *HTTP_CHECKS).checks
    health = checks["live-health"]
    assert health["status"] == "fail" and health["score"] == pytest.approx(1 / 3, abs=0.01)
    assert "/down: answered 503" in health["summary"] and "/slow: 200 took" in health["summary"]
    assert checks["live-metrics"]["status"] == "fail"
    assert "does not parse as Prometheus text" in checks["live-metrics"]["summary"]
    headers = checks["live-security-headers"]
    assert headers["status"] == "fail" and headers["score"] == 0.0
    assert "Werkzeug/2.0.1" in headers["summary"] and "X-Powered-By" in headers["summary"].lower().replace("x-powered-by", "X-Powered-By")
    rate = checks["live-rate-limit"]
    assert rate["status"] == "fail" and "5 requests" in rate["summary"]
    assert app.hits("/open") == 5  # never more than the configured burst


def test_rate_limit_headers_count_as_a_limit(tmp_path: Path, app: App) -> None:
    config = _config(app.url, timeout=1, rate_limit="{path: /limit-headers, burst: 4}")
    checks = live_scan(tmp_path, config, "live-rate-limit").checks
    assert checks["live-rate-limit"]["status"] == "pass"
    assert "ratelimit-limit: 100" in checks["live-rate-limit"]["summary"]
    assert app.hits("/limit-headers") == 1


def test_a_silent_service_fails_every_check_within_the_timeouts(tmp_path: Path, silent_server: RawServer) -> None:
    config = _config(silent_server.url, health="[/health]", metrics="/metrics", timeout=0.5,
                     rate_limit="{path: /api, burst: 3}")
    scan = live_scan(tmp_path, config, *HTTP_CHECKS)
    for check in ("live-health", "live-metrics", "live-security-headers", "live-rate-limit"):
        assert scan.checks[check]["status"] == "fail", scan.checks[check]
        assert "no answer within 0.5 s" in scan.checks[check]["summary"]
    assert scan.seconds < 4 * (0.5 + 0.2) + CLI_STARTUP


def test_hostile_endpoints_fail_without_hanging(tmp_path: Path, drip_server: RawServer, junk_server: RawServer,
                                                refused_url: str) -> None:
    config = (
        "environment:\n  http:\n"
        f"    base_url: {refused_url}\n"
        f"    health: [{drip_server.url}/health]\n"
        f"    metrics: {junk_server.url}/metrics\n"
        "    timeout: 1\n    deadline: 1\n"
    )
    scan = live_scan(tmp_path, config, "live-health", "live-metrics", "live-security-headers")
    assert scan.checks["live-health"]["status"] == "fail"
    assert "deadline" in scan.checks["live-health"]["summary"]
    assert scan.checks["live-metrics"]["status"] == "fail"
    assert "does not parse" in scan.checks["live-metrics"]["summary"]
    assert scan.checks["live-security-headers"]["status"] == "fail"
    assert "connection refused" in scan.checks["live-security-headers"]["summary"]
    assert scan.seconds < 3 * 1 + CLI_STARTUP


def test_tls_certificates(tmp_path: Path, tls_app: App, expiring_tls_app: App, expired_tls_app: App,
                          ca_bundle: str) -> None:
    good = live_scan(tmp_path, _config(tls_app.url + "/secure", timeout=1, ca_bundle=ca_bundle),
                     "live-tls", "live-health", "live-security-headers").checks
    assert good["live-tls"]["status"] == "pass", good["live-tls"]
    assert "expires in 36" in good["live-tls"]["summary"]
    assert good["live-health"]["status"] == "pass"
    assert good["live-security-headers"]["status"] == "pass"  # HSTS counts on HTTPS

    soon = live_scan(tmp_path, _config(expiring_tls_app.url, timeout=1, ca_bundle=ca_bundle), "live-tls").checks
    assert soon["live-tls"]["status"] == "fail"
    assert soon["live-tls"]["score"] == pytest.approx(5 / 14, abs=0.01)

    expired = live_scan(tmp_path, _config(expired_tls_app.url, timeout=1, ca_bundle=ca_bundle), "live-tls").checks
    assert expired["live-tls"]["status"] == "fail"
    assert "certificate has expired" in expired["live-tls"]["summary"]

    untrusted = live_scan(tmp_path, _config(tls_app.url, timeout=1), "live-tls", "live-health").checks
    assert untrusted["live-tls"]["status"] == "fail"
    assert "certificate verify failed" in untrusted["live-tls"]["summary"]
    assert "TLS error" in untrusted["live-health"]["summary"]


def test_credentials_never_reach_the_output(tmp_path: Path, app: App, refused_url: str) -> None:
    token, password = "tok-7f3a9c1e5b", "hunter2-pass"
    base = app.url.replace("http://", f"http://orders:{password}@") + "/plain"
    config = (
        "environment:\n  http:\n"
        f"    base_url: {base}\n"
        f"    health: [/health, {refused_url.replace('http://', f'http://admin:{password}@')}/ready]\n"
        "    metrics: /html-metrics\n"
        "    timeout: 1\n"
        "    headers: {Authorization: 'Bearer ${API_TOKEN}', X-Api-Key: '${API_TOKEN}'}\n"
    )
    scan = live_scan(tmp_path, config, *HTTP_CHECKS, env={"API_TOKEN": token},
                     extra=("--output", str(tmp_path / "report.md"), "--output", str(tmp_path / "report.html")))
    assert any(h.get("Authorization") == f"Bearer {token}" for h in app.server.seen_headers)  # it was sent
    assert "connection refused" in scan.checks["live-health"]["summary"]
    reports = (tmp_path / "report.md").read_text() + (tmp_path / "report.html").read_text()
    for text in (scan.output, reports):
        assert token not in text and password not in text
    assert "orders:***@" in scan.output or "admin:***@" in scan.output


def test_live_without_an_environment_is_not_applicable(tmp_path: Path) -> None:
    scan = live_scan(tmp_path, "target: 80\n", *HTTP_CHECKS)
    for check in HTTP_CHECKS:
        assert scan.checks[check]["status"] == "n/a"
        assert "environment.http" in scan.checks[check]["summary"]


def test_a_scanned_configuration_alone_never_starts_live_probes(tmp_path: Path, app: App) -> None:
    config = _config(app.url, timeout=1)
    from helpers import run_cli

    (tmp_path / "readiness.yaml").write_text(config)
    import json

    def status(*args: str, env: dict[str, str] | None = None) -> str:
        proc = run_cli("scan", str(tmp_path), "--format", "json", "--select", "live-health", *args, env=env)
        return next(c for c in json.loads(proc.stdout)["checks"] if c["id"] == "live-health")["status"]

    assert status() == "skipped"  # the repository's environment: asks, nobody opted in
    assert app.hits("/health") == 0
    assert status("--allow-private", env={"READINESS_LIVE": "1"}) == "pass"
    assert status("--allow-private", "--config", str(tmp_path / "readiness.yaml")) == "pass"
    assert status("--allow-private", "--config", str(tmp_path / "readiness.yaml"), "--no-live") == "skipped"
    assert app.hits("/health") == 2


def test_environment_from_the_command_line(tmp_path: Path, app: App) -> None:
    import json

    from helpers import run_cli

    proc = run_cli("scan", str(tmp_path), "--format", "json", "--select", "live-health,live-metrics", "--allow-private",
                   "--env", f"http.base_url={app.url}/secure", "--env", "http.health=[/health, /ready]",
                   "--env", "http.metrics=/metrics", "--env", "http.timeout=1")
    assert proc.returncode in (0, 1), proc.stderr
    checks = {c["id"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["live-health"]["status"] == "pass" and "2 of 2" in checks["live-health"]["summary"]
    assert checks["live-metrics"]["status"] == "pass"
    bad = run_cli("scan", str(tmp_path), "--env", "http.timeout=soon")
    assert bad.returncode == 2 and "expected a number" in bad.stderr
    unknown = run_cli("scan", str(tmp_path), "--env", "http.base=x")
    assert unknown.returncode == 2 and "unknown key" in unknown.stderr
