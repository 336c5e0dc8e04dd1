"""Backup freshness and integrity: archives built here (valid, truncated, wrong magic, bombs), PBM metadata."""

from __future__ import annotations

import gzip
import os
import struct
import time
from pathlib import Path
from typing import Any

import bson
import pytest
from bson.timestamp import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.checks.live_backups import name_timestamp
from readiness.live.archives import MONGODUMP_MAGIC, ArchiveError, LimitReached, inspect_archive

from .conftest import live_scan, mongo_with_pbm

TERMINATOR = b"\xff\xff\xff\xff"
DAY = 86400.0


def mongodump(collections: dict[str, int]) -> bytes:
    """A mongodump archive: prelude, one namespace block per collection, then EOF blocks."""
    out = bytearray(MONGODUMP_MAGIC)
    out += bson.encode({"concurrent_collections": 4, "version": "0.1", "server_version": "7.0.2", "tool_version": "100.9.4"})
    for ns in collections:
        db, coll = ns.split(".", 1)
        out += bson.encode({"db": db, "collection": coll, "metadata": '{"indexes":[]}', "size": 0, "type": "collection"})
    out += TERMINATOR
    for ns, count in collections.items():
        db, coll = ns.split(".", 1)
        out += bson.encode({"db": db, "collection": coll, "EOF": False, "CRC": 0})
        for i in range(count):
            out += bson.encode({"_id": i, "sku": f"item-{i}", "qty": i % 7})
        out += TERMINATOR
    for ns in collections:
        db, coll = ns.split(".", 1)
        out += bson.encode({"db": db, "collection": coll, "EOF": True, "CRC": 0}) + TERMINATOR
    return bytes(out)


VALID = mongodump({"shop.orders": 100, "shop.users": 1})


def gzip_bomb(path: Path, gigabytes: int = 1) -> None:
    """About ``gigabytes`` GB of zeros in about a megabyte: one member repeated."""
    member = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for _ in range(64 * gigabytes):
            handle.write(member)


# -- the archive reader ------------------------------------------------------------------

def test_valid_archive_plain_and_gzipped(tmp_path: Path) -> None:
    (tmp_path / "a.archive").write_bytes(VALID)
    (tmp_path / "a.archive.gz").write_bytes(gzip.compress(VALID))
    for name in ("a.archive", "a.archive.gz"):
        report = inspect_archive(str(tmp_path / name))
        assert (report.collections, report.documents) == (2, 101), name
        assert report.namespaces == ["shop.orders", "shop.users"]
        assert report.server_version == "7.0.2"


@pytest.mark.parametrize("cut", [3, 60, len(VALID) // 2, len(VALID) - 1])
def test_truncated_archive(tmp_path: Path, cut: int) -> None:
    (tmp_path / "t.archive").write_bytes(VALID[:cut])
    with pytest.raises(ArchiveError, match="truncated|wrong magic"):
        inspect_archive(str(tmp_path / "t.archive"))


def test_truncated_gzip(tmp_path: Path) -> None:
    (tmp_path / "t.archive.gz").write_bytes(gzip.compress(VALID)[:-20])
    with pytest.raises(ArchiveError, match="truncated"):
        inspect_archive(str(tmp_path / "t.archive.gz"))


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(VALID * 5))
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "c.gz").write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="corrupt|truncated"):
        inspect_archive(str(tmp_path / "c.gz"))


def test_wrong_magic(tmp_path: Path) -> None:
    (tmp_path / "w.archive").write_bytes(b"\x6d\xe2\x99\x82" + VALID[4:])
    with pytest.raises(ArchiveError, match="wrong magic"):
        inspect_archive(str(tmp_path / "w.archive"))
    (tmp_path / "w.archive.gz").write_bytes(gzip.compress(b"a tar file, say"))
    with pytest.raises(ArchiveError, match="wrong magic"):
        inspect_archive(str(tmp_path / "w.archive.gz"))


def test_plain_gzip_of_something_else_is_read_to_its_end(tmp_path: Path) -> None:
    (tmp_path / "dump.tar.gz").write_bytes(gzip.compress(b"x" * 100_000))
    report = inspect_archive(str(tmp_path / "dump.tar.gz"))
    assert report.kind == "gzip stream" and report.bytes == 100_000


def test_lying_length_field_allocates_nothing(tmp_path: Path) -> None:
    (tmp_path / "l.archive").write_bytes(MONGODUMP_MAGIC + struct.pack("<i", 0x7FFFFFF0) + b"\0" * 64)
    with pytest.raises(ArchiveError, match="impossible length"):
        inspect_archive(str(tmp_path / "l.archive"))


def test_gzip_bomb_stops_at_the_byte_cap_quickly(tmp_path: Path) -> None:
    gzip_bomb(tmp_path / "bomb.gz")
    started = time.monotonic()
    with pytest.raises(LimitReached, match="max_bytes"):
        inspect_archive(str(tmp_path / "bomb.gz"), max_bytes=32 * 1024 * 1024)
    assert time.monotonic() - started < 2


def test_time_cap(tmp_path: Path) -> None:
    gzip_bomb(tmp_path / "bomb.gz")
    started = time.monotonic()
    with pytest.raises(LimitReached, match="max_seconds"):
        inspect_archive(str(tmp_path / "bomb.gz"), max_seconds=0.2)
    assert time.monotonic() - started < 0.2 + 0.5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.binary(max_size=400), cut=st.integers(min_value=0, max_value=len(VALID)))
def test_hostile_bytes_only_raise_archive_errors(tmp_path: Path, tail: bytes, cut: int) -> None:
    path = tmp_path / "fuzz.archive"
    path.write_bytes(VALID[:cut] + tail)
    try:
        inspect_archive(str(path), max_bytes=1024 * 1024, max_seconds=2)
    except (ArchiveError, LimitReached):
        pass


@pytest.mark.parametrize(("name", "expected"), [
    ("orders-2024-05-01T02-00-00.archive.gz", "2024-05-01 02:00:00"),
    ("orders_20240501_0200.gz", "2024-05-01 02:00:00"),
    ("backup-20240501.archive", "2024-05-01 00:00:00"),
    ("2024-05-01 02:03:04.gz", "2024-05-01 02:03:04"),
    ("orders.archive.gz", None),
    ("build-12345678.gz", None),
])
def test_name_timestamps(name: str, expected: str | None) -> None:
    stamp = name_timestamp(name)
    shown = None if stamp is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(stamp))
    assert shown == expected


# -- the checks, through the real CLI ----------------------------------------------------

def _backups(*entries: dict[str, Any], mongo_uri: str | None = None) -> str:
    lines = ["environment:"]
    if mongo_uri:
        lines += ["  mongodb:", f"    uri: '{mongo_uri}'", "    timeout: 1"]
    lines.append("  backups:")
    for entry in entries:
        first = True
        for key, value in entry.items():
            lines.append(f"    {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(lines) + "\n"


def _write(path: Path, data: bytes, age: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_freshness_by_mtime(tmp_path: Path) -> None:
    backups = tmp_path / "mnt"
    _write(backups / "old.archive.gz", gzip.compress(VALID), 3 * DAY)
    _write(backups / "new.archive.gz", gzip.compress(VALID), 2 * 3600)
    root = tmp_path / "repo"
    root.mkdir()
    fresh = live_scan(root, _backups({"path": f"{backups}/*.archive.gz", "max_age": "26h"}), "backup-freshness").checks
    assert fresh["backup-freshness"]["status"] == "pass"
    assert "new.archive.gz is 2.0h old" in fresh["backup-freshness"]["evidence"][0]["message"]
    stale = live_scan(root, _backups({"path": f"{backups}/old*.gz", "max_age": "2d"}), "backup-freshness").checks
    assert stale["backup-freshness"]["status"] == "fail"
    assert "old.archive.gz is 3.0d old (max 2d)" in stale["backup-freshness"]["summary"]


def test_freshness_by_name_timestamp(tmp_path: Path) -> None:
    now = time.time()
    recent = time.strftime("%Y-%m-%dT%H-%M-%S", time.gmtime(now - 3600))
    _write(tmp_path / "backups" / f"orders-{recent}.archive.gz", b"x", 10 * DAY)  # an old copy, fresh data
    _write(tmp_path / "backups" / "orders-2020-01-01T00-00-00.archive.gz", b"x", 0)
    config = _backups({"path": "backups/*.archive.gz", "max_age": "26h", "order": "name"})
    checks = live_scan(tmp_path, config, "backup-freshness").checks
    assert checks["backup-freshness"]["status"] == "pass", checks["backup-freshness"]
    assert recent in checks["backup-freshness"]["evidence"][0]["message"]


def test_freshness_without_any_backup(tmp_path: Path) -> None:
    checks = live_scan(tmp_path, _backups({"path": "backups/*.gz", "max_age": "1d"}), "backup-freshness").checks
    assert checks["backup-freshness"]["status"] == "fail"
    assert "no backup file matches backups/*.gz" in checks["backup-freshness"]["summary"]


def test_freshness_bad_max_age_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "x.gz", b"x", 0)
    checks = live_scan(tmp_path, _backups({"path": "b/*.gz", "max_age": "soon"}), "backup-freshness").checks
    assert checks["backup-freshness"]["status"] == "error"
    assert "not a duration" in checks["backup-freshness"]["summary"]


@pytest.mark.parametrize(("age_hours", "status"), [(3, "pass"), (50, "fail")])
def test_freshness_from_pbm_metadata(tmp_path: Path, age_hours: float, status: str) -> None:
    taken = int(time.time() - age_hours * 3600)
    docs = [{"name": "2024-05-01T02:00:00Z", "status": "done", "type": "logical", "start_ts": taken - 60,
             "last_write_ts": Timestamp(taken, 1)}]
    server = mongo_with_pbm(docs)
    mongo = next(server)
    try:
        config = _backups({"pbm": "true", "max_age": "26h"}, mongo_uri=mongo.uri)
        checks = live_scan(tmp_path, config, "backup-freshness").checks
    finally:
        server.close()
    assert checks["backup-freshness"]["status"] == status, checks["backup-freshness"]
    assert "PBM 2024-05-01T02:00:00Z" in str(checks["backup-freshness"])


def test_pbm_without_mongodb_is_an_error(tmp_path: Path) -> None:
    checks = live_scan(tmp_path, _backups({"pbm": "true", "max_age": "26h"}), "backup-freshness").checks
    assert checks["backup-freshness"]["status"] == "error"
    assert "environment.mongodb.uri" in checks["backup-freshness"]["summary"]


def test_integrity_statuses(tmp_path: Path) -> None:
    _write(tmp_path / "good" / "orders.archive.gz", gzip.compress(VALID), 0)
    _write(tmp_path / "cut" / "orders.archive.gz", gzip.compress(VALID)[:-40], 0)
    _write(tmp_path / "magic" / "orders.archive", b"PK\x03\x04 a zip file", 0)
    _write(tmp_path / "empty" / "orders.archive", mongodump({}), 0)
    gzip_bomb(tmp_path / "bomb" / "orders.gz")

    def integrity(*folders: str, **extra: Any) -> dict[str, Any]:
        entries = [{"path": f"{folder}/*", "max_age": "1d", "verify": "true", **extra} for folder in folders]
        return live_scan(tmp_path, _backups(*entries), "backup-integrity").checks["backup-integrity"]

    good = integrity("good")
    assert good["status"] == "pass", good
    assert "2 collection(s), 101 document(s)" in good["evidence"][0]["message"]
    mixed = integrity("good", "cut", "magic", "empty")
    assert mixed["status"] == "fail" and mixed["score"] == 0.25
    assert "cut/orders.archive.gz: gzip stream ends early (truncated)" in mixed["summary"]
    assert "magic/orders.archive: not a mongodump archive (wrong magic number)" in mixed["summary"]
    assert "empty/orders.archive: the archive holds no collections" in mixed["summary"]
    started = time.monotonic()
    bomb = integrity("bomb", max_bytes=8 * 1024 * 1024)
    assert bomb["status"] == "error" and "max_bytes" in bomb["summary"]
    assert time.monotonic() - started < 6


def test_integrity_needs_verify(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "x.archive", b"junk", 0)
    checks = live_scan(tmp_path, _backups({"path": "b/*", "max_age": "1d"}), "backup-integrity").checks
    assert checks["backup-integrity"]["status"] == "n/a"


def test_zlib_corruption_is_caught_by_the_crc(tmp_path: Path) -> None:
    raw = bytearray(gzip.compress(VALID, compresslevel=0))  # stored blocks: a flipped byte survives inflate
    raw[-12] ^= 0x01  # inside the data, so only the CRC notices
    _write(tmp_path / "b" / "x.archive.gz", bytes(raw), 0)
    with pytest.raises(ArchiveError):
        inspect_archive(str(tmp_path / "b" / "x.archive.gz"))
