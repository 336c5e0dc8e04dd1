"""What changed since the last scan, told by one ``lstat`` per file instead of a read.

The index maps each discovered file to its stat signature (device, inode, size, modification
and change times in nanoseconds) and, for Python files, the content digest the per-file cache
is keyed by. A file whose signature is unchanged keeps its digest without being read; any
other file is read and hashed again. Like git, a signature taken within the file system's
timestamp granularity of the moment it was recorded (``RACY_NS`` for whole-second timestamps,
``FINE_RACY_NS`` otherwise) is not trusted later (a second write in the same clock tick would
keep size and times), and a symlink is never trusted by signature: it is read through the confined
reader every time. The index is a signed cache file, so a repository cannot plant one.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from readiness.cache import Cache, plan_key

Signature = tuple[int, int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns
DirSignature = tuple[int, int, int]  # st_ino, st_mtime_ns, st_ctime_ns
RACY_NS = 2_000_000_000  # where timestamps are whole seconds (FAT keeps 2 s): the widest window
FINE_RACY_NS = 100_000_000  # where they have sub-second parts: the kernel stamps files once per clock tick (1-10 ms)
_SECOND = 1_000_000_000
_NAME = "index"


def signature(path: str) -> Signature | None:
    """The stat signature of a regular file (not a symlink), or None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat_signature(info)


def stat_signature(info: os.stat_result) -> Signature | None:
    """``signature`` of a file already stat'ed without following links."""
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def changed_too_recently(mtime_ns: int, ctime_ns: int, started_ns: int) -> bool:
    """Whether times taken at ``started_ns`` fall within the file system's timestamp granularity of
    the change they record: a second change in that clock tick would keep them (see the module)."""
    coarse = mtime_ns % _SECOND == 0 and ctime_ns % _SECOND == 0
    return max(mtime_ns, ctime_ns) > started_ns - (RACY_NS if coarse else FINE_RACY_NS)


def directory_signature(path: str) -> DirSignature | None:
    """A directory's inode and times: they change whenever an entry is created, removed or renamed."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


class FileIndex:
    """Signatures of every discovered file and the digests of the Python ones."""

    def __init__(self, root: Path, cache: Cache | None, started_ns: int | None = None) -> None:
        self.root = str(root)
        self.cache = cache
        self.started_ns = started_ns or time.time_ns()  # no later than the first signature taken
        self.signatures: dict[str, Signature | None] = {}
        self.digests: dict[str, str] = {}  # path -> digest learned or confirmed in this scan
        self._stored: dict[str, object] = {}  # path -> [digest, *signature]
        self._key = plan_key(["file-index", self.root])
        if cache is not None:
            # one entry, (key, table) like every cache file's: read with one parse, not one per file
            entry = cache.load(_NAME, self._key).get("index")
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == self._key and isinstance(entry[1], dict):
                self._stored = entry[1]

    def refresh(self, files: Iterable[str], taken: Mapping[str, Signature | None] | None = None) -> dict[str, Signature | None]:
        """Take every file's signature now (one ``lstat`` each), unless discovery just ``taken`` it."""
        join = os.path.join
        base = self.root
        taken = taken or {}
        self.signatures = {rel: taken[rel] if rel in taken else signature(join(base, rel)) for rel in files}
        return self.signatures

    def known_digest(self, rel: str) -> str | None:
        """The stored digest of ``rel`` when its signature proves the content unchanged."""
        current = self.signatures.get(rel)
        entry = self._stored.get(rel)
        if current is None or not isinstance(entry, list) or len(entry) != 6:
            return None
        digest = entry[0]
        if not isinstance(digest, str) or tuple(entry[1:]) != current:
            return None
        return digest

    def racy(self, rel: str) -> bool:
        """Whether ``rel`` changed so recently that its signature may not tell a second change."""
        current = self.signatures.get(rel)
        return current is None or changed_too_recently(current[3], current[4], self.started_ns)

    def any_racy(self, files: Sequence[str]) -> bool:
        return any(self.racy(rel) for rel in files)

    def save(self, digests: dict[str, str]) -> None:
        """Record the signatures worth trusting next time, with the digests this scan computed."""
        if self.cache is None:
            return
        entries: dict[str, object] = {}
        for rel, digest in digests.items():
            current = self.signatures.get(rel)
            if current is None or self.racy(rel):
                continue
            entries[rel] = [digest, *current]
        if entries == self._stored:
            return
        self.cache.save(_NAME, self._key, {"index": (self._key, entries)})
