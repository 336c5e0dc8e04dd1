"""Spreading per-file analysis over processes, behind the content-keyed cache.

Files are read once, here, in path order; their hashes decide what the cache can answer;
only the misses travel (as bytes) to worker processes, in size-balanced batches. Results
come back in path order whatever the number of workers, so output never depends on them.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from readiness.analysis import MAX_FILE_BYTES, FileAnalysis, PlannedCheck, analyze_batch, analyze_source
from readiness.cache import Cache, plan_key
from readiness.model import Note

PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _module_digest(module_name: str) -> str:
    """The check's own code is part of the key, so an upgraded or edited check never reads stale entries."""
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=8).hexdigest() if path else ""
    except OSError:
        return ""


def plan_fingerprint(plan: Sequence[PlannedCheck]) -> str:
    modules = sorted({p.check.__module__ for p in plan} | {"readiness.analysis", "readiness.source"})
    return plan_key([
        *((p.check.id, p.check.version, p.check.__module__, dict(p.options), p.severity) for p in plan),
        *((m, _module_digest(m)) for m in modules),
    ])


def _read(root: Path, rel: str) -> tuple[bytes | None, Note | None]:
    """The file's bytes, read without blocking: a file swapped for a FIFO after discovery cannot hang the scan."""
    too_large = Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", rel)
    try:
        fd = os.open(root / rel, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, Note("skipped-file", "not a regular file", rel)
        if info.st_size > MAX_FILE_BYTES:
            return None, too_large
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # it grew since the size was taken
            return None, too_large
        return data, None
    except OSError as exc:
        return None, Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel)
    finally:
        os.close(fd)


def _batches(items: list[tuple[str, bytes]], count: int) -> list[list[tuple[str, bytes]]]:
    """About ``count`` batches of similar total size, each in path order."""
    total = sum(len(d) for _, d in items) or 1
    per_batch = total / count
    out: list[list[tuple[str, bytes]]] = [[]]
    size = 0
    for item in items:
        if size >= per_batch and len(out) < count:
            out.append([])
            size = 0
        out[-1].append(item)
        size += len(item[1])
    return [b for b in out if b]


def analyze_files(
    root: Path,
    files: Sequence[str],
    plan: Sequence[PlannedCheck],
    *,
    jobs: int = 0,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    start_tools: Callable[[], None] | None = None,
    digests: dict[str, str] | None = None,
    suppress: bool = True,
) -> list[FileAnalysis]:
    jobs = jobs or default_jobs()
    key = plan_fingerprint(plan) + ("" if suppress else "-all")
    cached = cache.load("files", key) if cache is not None else {}
    results: dict[str, FileAnalysis] = {}
    digests = {} if digests is None else digests  # filled before the tools start: they cache by it too
    misses: list[tuple[str, bytes]] = []
    for rel in files:
        data, note = _read(root, rel)
        if data is None:
            results[rel] = FileAnalysis(rel, notes=[note] if note else [])
            continue
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        digests[rel] = digest
        hit = cached.get(rel)
        if hit is not None and hit[0] == digest:
            results[rel] = hit[1]
        else:
            misses.append((rel, data))
    done = len(results)
    total = len(files)
    if progress is not None:
        progress(done, total)
    if jobs > 1 and len(misses) >= PARALLEL_MIN_FILES:
        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(analyze_batch, batch, plan, suppress) for batch in _batches(misses, jobs * 4)]
            if start_tools is not None:
                start_tools()  # after the workers are forked: threads and fork do not mix
            for future in futures:
                for analysis in future.result():
                    results[analysis.path] = analysis
                    done += 1
                if progress is not None:
                    progress(done, total)
    else:
        if start_tools is not None:
            start_tools()
        last = time.perf_counter()
        for rel, data in misses:
            results[rel] = analyze_source(rel, data, plan, suppress)
            done += 1
            if progress is not None and time.perf_counter() - last > 0.1:
                progress(done, total)
                last = time.perf_counter()
    if progress is not None:
        progress(total, total)
    if cache is not None and misses:
        cache.save("files", key, {rel: (digests[rel], results[rel]) for rel in files if rel in digests})
    return [results[rel] for rel in files]
