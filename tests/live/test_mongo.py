"""MongoDB live checks against MockupDB wire-protocol servers (and a real server when configured)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterator

import pytest

from readiness.live.mongo_probe import client_options, observe, unauthenticated_listing, without_credentials

from .conftest import Mongo, RawServer, live_scan

MONGO_CHECKS = ("mongo-reachable", "mongo-auth-required", "mongo-tls", "mongo-replica-set", "mongo-version-supported")
CLI_STARTUP = 6.0


def _config(uri: str, **mongo: object) -> str:
    lines = ["environment:", "  mongodb:", f"    uri: '{uri}'"]
    lines += [f"    {key}: {value}" for key, value in mongo.items()]
    return "\n".join(lines) + "\n"


# -- the probe ---------------------------------------------------------------------------

def test_client_options_probe_a_single_host_directly() -> None:
    assert client_options("mongodb://db:27017/", 2)["directConnection"] is True
    assert "directConnection" not in client_options("mongodb://a:1,b:2/", 2)
    assert "directConnection" not in client_options("mongodb://db/?replicaSet=rs0", 2)
    assert "directConnection" not in client_options("mongodb+srv://cluster.example.com/", 2)
    assert client_options("mongodb://db/", 1.5)["serverSelectionTimeoutMS"] == 1500


def test_without_credentials() -> None:
    uri = "mongodb://app:pa%40ss@db1:27017,db2/orders?authSource=admin&replicaSet=rs0&authMechanism=SCRAM-SHA-256"
    assert without_credentials(uri) == "mongodb://db1:27017,db2/orders?replicaSet=rs0"


def test_observe_standalone(mongo_standalone: Mongo) -> None:
    obs = observe(mongo_standalone.uri, 1)
    assert obs.reachable and obs.version == "7.0.2"
    assert obs.topology == "standalone server" and not obs.supports_transactions
    assert unauthenticated_listing(mongo_standalone.uri, 1).outcome == "allowed"


def test_observe_replica_set_member(mongo_replica: Mongo) -> None:
    obs = observe(mongo_replica.uri, 1)
    assert obs.topology == "replica set rs0 (primary)" and obs.supports_transactions
    assert unauthenticated_listing(mongo_replica.uri, 1).outcome == "denied"


def test_stalled_server_is_bounded_by_the_timeout(silent_server: RawServer) -> None:
    started = time.monotonic()
    obs = observe(f"mongodb://127.0.0.1:{silent_server.port}/", 0.5)
    assert not obs.reachable and "0.5 s" in obs.error
    assert time.monotonic() - started < 0.5 + 0.7


def test_refused_and_garbage_servers_are_reasons(refused_url: str, garbage_server: RawServer) -> None:
    port = refused_url.rsplit(":", 1)[1]
    refused = observe(f"mongodb://127.0.0.1:{port}/", 0.5)
    assert not refused.reachable and "refused" in refused.error
    garbage = observe(f"mongodb://127.0.0.1:{garbage_server.port}/", 0.5)
    assert not garbage.reachable and garbage.error


def test_tls_against_a_plain_server_is_a_reason(mongo_standalone: Mongo) -> None:
    obs = observe(mongo_standalone.uri + "?tls=true", 0.5)
    assert obs.tls and not obs.reachable and obs.error


# -- the checks, through the real CLI ----------------------------------------------------

def test_standalone_without_auth(tmp_path: Path, mongo_standalone: Mongo) -> None:
    checks = live_scan(tmp_path, _config(mongo_standalone.uri, timeout=1), *MONGO_CHECKS).checks
    assert checks["mongo-reachable"]["status"] == "pass"
    assert "MongoDB 7.0.2 (standalone server)" in checks["mongo-reachable"]["summary"]
    assert checks["mongo-auth-required"]["status"] == "fail"
    assert "authentication is off" in checks["mongo-auth-required"]["summary"]
    assert checks["mongo-tls"]["status"] == "fail"
    assert "not encrypted" in checks["mongo-tls"]["summary"]
    assert checks["mongo-replica-set"]["status"] == "fail"
    assert "standalone" in checks["mongo-replica-set"]["summary"]
    assert checks["mongo-version-supported"]["status"] == "pass"
    assert all("observed_at" in checks[c] for c in MONGO_CHECKS)


def test_replica_set_with_auth(tmp_path: Path, mongo_replica: Mongo) -> None:
    checks = live_scan(tmp_path, _config(mongo_replica.uri, timeout=1, min_version="'7.0'"), *MONGO_CHECKS).checks
    assert checks["mongo-reachable"]["status"] == "pass"
    assert checks["mongo-auth-required"]["status"] == "pass"
    assert checks["mongo-replica-set"]["status"] == "pass"
    assert "replica set rs0" in checks["mongo-replica-set"]["summary"]
    assert checks["mongo-version-supported"]["status"] == "pass"


def test_old_version_against_the_minimum(tmp_path: Path, mongo_old: Mongo) -> None:
    checks = live_scan(tmp_path, _config(mongo_old.uri, timeout=1), "mongo-version-supported").checks
    assert checks["mongo-version-supported"]["status"] == "fail"
    assert "4.4.29 is older than the minimum 6.0" in checks["mongo-version-supported"]["summary"]
    lenient = live_scan(tmp_path, _config(mongo_old.uri, timeout=1, min_version="'4.2'"), "mongo-version-supported").checks
    assert lenient["mongo-version-supported"]["status"] == "pass"


def test_tls_not_expected_is_not_applicable(tmp_path: Path, mongo_replica: Mongo) -> None:
    checks = live_scan(tmp_path, _config(mongo_replica.uri, timeout=1, tls="false"), "mongo-tls").checks
    assert checks["mongo-tls"]["status"] == "n/a"


def test_stalled_server_fails_every_check_within_the_timeouts(tmp_path: Path, silent_server: RawServer) -> None:
    uri = f"mongodb://127.0.0.1:{silent_server.port}/?tls=true"
    scan = live_scan(tmp_path, _config(uri, timeout=0.5), *MONGO_CHECKS)
    for check in MONGO_CHECKS:
        assert scan.checks[check]["status"] == "fail", scan.checks[check]
        assert "not verified" in scan.checks[check]["summary"] or check == "mongo-reachable"
    # One observation shared by the checks plus one unauthenticated probe: two timeouts.
    assert scan.seconds < 2 * (0.5 + 0.7) + CLI_STARTUP


def test_password_in_the_uri_never_reaches_the_output(tmp_path: Path, mongo_replica: Mongo) -> None:
    password = "s3cr3t-Mongo-pw"
    uri = mongo_replica.uri.replace("mongodb://", "mongodb://orders:${MONGO_PASSWORD}@") + "?authSource=admin"
    scan = live_scan(tmp_path, _config(uri, timeout=1), *MONGO_CHECKS, env={"MONGO_PASSWORD": password},
                     extra=("--output", str(tmp_path / "report.md")))
    assert scan.checks["mongo-reachable"]["status"] == "fail"  # the mock speaks no SCRAM
    assert "orders:***@" in scan.output
    assert password not in scan.output and password not in (tmp_path / "report.md").read_text()


def test_without_environment_every_mongo_check_is_not_applicable(tmp_path: Path) -> None:
    checks = live_scan(tmp_path, "target: 80\n", *MONGO_CHECKS).checks
    assert all(checks[c]["status"] == "n/a" for c in MONGO_CHECKS)


@pytest.fixture
def real_mongodb_uri() -> Iterator[str]:
    uri = os.environ.get("READINESS_TEST_MONGODB_URI")
    if not uri:
        pytest.skip("READINESS_TEST_MONGODB_URI is not set")
    yield uri


def test_real_server(tmp_path: Path, real_mongodb_uri: str) -> None:
    scan = live_scan(tmp_path, _config("${TEST_MONGODB_URI}", timeout=3), *MONGO_CHECKS,
                     env={"TEST_MONGODB_URI": real_mongodb_uri})
    assert scan.checks["mongo-reachable"]["status"] == "pass", scan.checks["mongo-reachable"]
    for check in MONGO_CHECKS:
        assert scan.checks[check]["status"] in ("pass", "fail", "n/a"), scan.checks[check]
    password = real_mongodb_uri.partition("://")[2].partition("@")[0].partition(":")[2]
    if password:
        assert password not in scan.output
