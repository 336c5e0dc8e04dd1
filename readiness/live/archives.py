"""Reading backup archives to their end, bounded in bytes, memory and time.

A backup nobody can restore is no backup, so ``backup-integrity`` reads the newest archive
completely: a gzip stream must decompress to its end (every member's CRC checked by zlib),
and a mongodump archive (``mongodump --archive``) must parse: the magic number 0x8199e26d,
the prelude (a header document and one metadata document per collection, then a
terminator), then namespace blocks (a header document, BSON documents, a terminator) until
every collection has its EOF block. Inputs may be huge or hostile (truncated files, lying
length fields, gzip bombs): decompressed output is capped by ``max_bytes``, every document
length is checked before anything is allocated, and the clock is checked between chunks.
"""

from __future__ import annotations

import gzip
import struct
import time
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

import bson

MONGODUMP_MAGIC = b"\x6d\xe2\x99\x81"  # 0x8199e26d, little-endian
GZIP_MAGIC = b"\x1f\x8b"
TERMINATOR = -1
MAX_BSON_BYTES = 16 * 1024 * 1024 + 16 * 1024  # 16 MiB documents plus mongodump's slack
CHUNK = 64 * 1024


class ArchiveError(Exception):
    """The archive is broken: ``str()`` says where and how."""


class LimitReached(Exception):
    """Reading stopped at a byte or time cap before the end; the archive is not judged."""


@dataclass
class ArchiveReport:
    kind: str  # "mongodump archive", "gzip stream", "gzip-compressed mongodump archive"
    compressed_bytes: int = 0
    bytes: int = 0  # bytes of content read (decompressed, when gzip)
    collections: int = 0
    documents: int = 0
    namespaces: list[str] = field(default_factory=list)
    server_version: str = ""

    def describe(self) -> str:
        if "mongodump" in self.kind:
            return (f"{self.kind} intact: {self.collections} collection(s), {self.documents} document(s), "
                    f"{_size(self.bytes)}")
        return f"{self.kind} intact: {_size(self.bytes)} decompressed"


class _Budget:
    """Counts content bytes and watches the clock; raises LimitReached past either cap."""

    def __init__(self, max_bytes: int, max_seconds: float) -> None:
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.started = time.monotonic()
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.max_bytes:
            raise LimitReached(f"stopped at the {_size(self.max_bytes)} cap (max_bytes) before the end")
        self.tick()

    def tick(self) -> None:
        if time.monotonic() - self.started > self.max_seconds:
            raise LimitReached(f"stopped at the {self.max_seconds:g} s cap (max_seconds) before the end")


def _file_chunks(handle: BinaryIO, budget: _Budget) -> Iterator[bytes]:
    while True:
        budget.tick()
        chunk = handle.read(CHUNK)
        if not chunk:
            return
        budget.spend(len(chunk))
        yield chunk


def _gunzip(handle: BinaryIO, budget: _Budget) -> Iterator[bytes]:
    """Decompress every gzip member to its end; each piece is at most CHUNK bytes (bomb-safe)."""
    stream = gzip.GzipFile(fileobj=handle, mode="rb")
    while True:
        budget.tick()
        try:
            piece = stream.read(CHUNK)
        except EOFError:
            raise ArchiveError("gzip stream ends early (truncated)") from None
        except (OSError, zlib.error) as exc:
            raise ArchiveError(f"gzip stream is corrupt: {exc}") from None
        if not piece:
            return
        budget.spend(len(piece))
        yield piece


class _Reader:
    """Exact reads over a stream of chunks, holding at most one document in memory."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self.offset = 0

    def peek(self, count: int) -> bytes:
        self._fill(count)
        return bytes(self._buffer[:count])

    def _fill(self, count: int) -> None:
        while len(self._buffer) < count:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk

    def read(self, count: int) -> bytes:
        self._fill(count)
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        self.offset += len(data)
        return data

    def at_end(self) -> bool:
        if self._buffer:
            return False
        for chunk in self._chunks:
            if chunk:
                self._buffer += chunk
                return False
        return True

    def drain(self) -> None:
        for _ in self._chunks:
            pass


def _document(reader: _Reader, what: str, *, decode: bool) -> dict[str, object] | None:
    """The next BSON document (decoded when asked), or None at a terminator."""
    start = reader.offset
    head = reader.read(4)
    if len(head) < 4:
        raise ArchiveError(f"archive ends inside {what} at byte {start} (truncated)")
    (length,) = struct.unpack("<i", head)
    if length == TERMINATOR:
        return None
    if length < 5 or length > MAX_BSON_BYTES:
        raise ArchiveError(f"{what} at byte {start} claims an impossible length ({length})")
    rest = reader.read(length - 4)
    if len(rest) < length - 4:
        raise ArchiveError(f"archive ends inside {what} at byte {start} (truncated)")
    if rest[-1:] != b"\x00":
        raise ArchiveError(f"{what} at byte {start} is not a BSON document")
    if not decode:
        return {}
    try:
        return bson.decode(head + rest)
    except Exception as exc:  # bson raises several types on hostile input
        raise ArchiveError(f"{what} at byte {start} is not valid BSON: {type(exc).__name__}") from None


def parse_mongodump(reader: _Reader, report: ArchiveReport, budget: _Budget) -> None:
    magic = reader.read(4)
    if magic != MONGODUMP_MAGIC:
        raise ArchiveError("not a mongodump archive (wrong magic number)")
    header = _document(reader, "the archive header", decode=True)
    if header is None:
        raise ArchiveError("the archive header is missing")
    report.server_version = str(header.get("server_version", ""))
    expected: set[str] = set()
    while True:
        meta = _document(reader, "collection metadata", decode=True)
        if meta is None:
            break
        expected.add(f"{meta.get('db', '')}.{meta.get('collection', '')}")
        budget.tick()
    finished: set[str] = set()
    while not reader.at_end():
        budget.tick()
        ns_header = _document(reader, "a namespace header", decode=True)
        if ns_header is None:
            raise ArchiveError(f"unexpected terminator at byte {reader.offset - 4}")
        namespace = f"{ns_header.get('db', '')}.{ns_header.get('collection', '')}"
        if ns_header.get("EOF"):
            finished.add(namespace)
            if _document(reader, "the end of a namespace", decode=False) is not None:
                raise ArchiveError(f"namespace {namespace}: EOF block is not followed by a terminator")
            continue
        while _document(reader, f"a document of {namespace}", decode=False) is not None:
            report.documents += 1
            if report.documents % 256 == 0:
                budget.tick()
    missing = sorted(expected - finished)
    if missing:
        raise ArchiveError(f"archive ends before {len(missing)} collection(s) are complete (truncated): {', '.join(missing[:3])}")
    report.namespaces = sorted(expected | finished)
    report.collections = len([n for n in report.namespaces if not n.endswith(".oplog") and n != "."])


def inspect_archive(path: str, *, max_bytes: int = 512 * 1024 * 1024, max_seconds: float = 30.0) -> ArchiveReport:
    """Read ``path`` to its end; ArchiveError if broken, LimitReached if a cap stopped it.

    ``max_bytes`` caps the content read (decompressed bytes for gzip), ``max_seconds`` the time.
    """
    budget = _Budget(max_bytes, max_seconds)
    with open(path, "rb") as handle:
        lead = handle.read(4)
        handle.seek(0)
        if not lead:
            raise ArchiveError("the file is empty")
        if lead[:2] == GZIP_MAGIC:
            content = _gunzip(handle, budget)
            reader = _Reader(content)
            report = ArchiveReport("gzip stream")
            if reader.peek(4) == MONGODUMP_MAGIC:
                report.kind = "gzip-compressed mongodump archive"
                parse_mongodump(reader, report, budget)
            elif _expects_mongodump(path):
                raise ArchiveError("decompresses to something that is not a mongodump archive (wrong magic number)")
            reader.drain()  # the gzip stream must still decompress to its end
        elif lead == MONGODUMP_MAGIC or _expects_mongodump(path):
            report = ArchiveReport("mongodump archive")
            parse_mongodump(_Reader(_file_chunks(handle, budget)), report, budget)
        else:
            raise ArchiveError("neither a gzip stream nor a mongodump archive")
        report.compressed_bytes = handle.tell()
    report.bytes = budget.used
    return report


def _expects_mongodump(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return ".archive" in name or name.endswith(".dump")


def _size(count: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"
