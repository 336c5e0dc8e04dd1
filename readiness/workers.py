"""Spreading per-file analysis over processes, behind the content-keyed cache.

Files are read once, here, in path order; their hashes decide what the cache can answer;
only the misses travel (as bytes) to worker processes, in batches balanced by the sizes the
walk saw, each read as it is sent so the workers start while the rest are read. Results
come back in path order whatever the number of workers, so output never depends on them.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TypeVar

from readiness.analysis import MAX_FILE_BYTES, FileAnalysis, PlannedCheck, analyze_batch, analyze_source
from readiness.cache import Cache, plan_key
from readiness.fileindex import FileIndex
from readiness.model import Note
from readiness.project import Refused, TooLarge, read_inside
from readiness.tools import limit_memory, memory_limit_bytes

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves
ISOLATE_BYTES = 1024 * 1024  # files this large are analysed in a memory-limited worker even with --jobs 1
T = TypeVar("T")


def _worker_init(limit: int | None) -> None:
    limit_memory(limit)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Analysis allocates millions of small objects that live until the end of the scan: the
    collector's default first threshold (700) makes it rescan them thousands of times. Objects
    alive at the start (modules, checks, configuration) are frozen out of collection; workers
    forked meanwhile inherit both settings. Results do not depend on it."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def plan_fingerprint(plan: Sequence[PlannedCheck]) -> str:
    """The per-file entries' key: the plan and every module of the package (a check's helpers, such as
    the route table's parser, shape its results as much as its own module) and of each plugin check."""
    from readiness.phase_cache import code_digest

    return plan_key([
        *((p.check.id, p.check.version, p.check.__module__, dict(p.options), p.severity) for p in plan),
        code_digest(p.check.__module__ for p in plan),
    ])


def _read(root: Path, rel: str) -> tuple[bytes | None, Note | None]:
    """The file's bytes, read without following symlinks or blocking: a file swapped for a FIFO
    or a link out of the root after discovery is refused, not read."""
    try:
        return read_inside(root, rel, MAX_FILE_BYTES), None
    except TooLarge:
        return None, Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", rel)
    except Refused as exc:
        return None, Note("skipped-file", str(exc.strerror), rel)
    except OSError as exc:
        return None, Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel)


def _batches(items: Sequence[T], count: int, size: Callable[[T], int]) -> list[list[T]]:
    """About ``count`` batches of similar total size, each in path order."""
    sizes = [size(item) for item in items]
    per_batch = (sum(sizes) or 1) / count
    out: list[list[T]] = [[]]
    filled = 0
    for item, weight in zip(items, sizes, strict=True):
        if filled >= per_batch and len(out) < count:
            out.append([])
            filled = 0
        out[-1].append(item)
        filled += weight
    return [b for b in out if b]


def _failed(rel: str, exc: BaseException) -> FileAnalysis:
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, MemoryError):
        reason = "ran out of memory"
    elif isinstance(exc, BrokenProcessPool):
        reason = "was killed"
    else:
        reason = f"failed ({type(exc).__name__})"
    return FileAnalysis(rel, notes=[Note("skipped-file", f"analysis {reason} in its worker process", rel)])


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes (imported only when files are to be analysed: a rescan of a few files needs none)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init,
                               initargs=(memory_limit_bytes(),))


def _out_of_time(rel: str) -> FileAnalysis:
    return FileAnalysis(rel, notes=[Note("skipped-file", "not analysed: the scan reached its --timeout", rel)])


def _run_pooled(
    batches: Iterable[list[tuple[str, bytes]]], plan: Sequence[PlannedCheck], suppress: bool, jobs: int,
    started: Callable[[], None] | None, on_batch: Callable[[list[FileAnalysis]], None],
    on_failure: Callable[[FileAnalysis], None], deadline: float | None = None,
) -> None:
    """Analyse batches in memory-limited workers. A batch whose worker failed (out of memory, or
    killed outright, which breaks the whole pool) is retried file by file in one worker, so a
    hostile file costs only itself: it gets a note, and is not cached. Past ``deadline`` the
    workers are stopped and every file not analysed yet gets a note instead."""
    from concurrent.futures.process import BrokenProcessPool

    retry: list[tuple[str, bytes]] = []
    with _pool(jobs) as pool:
        futures: list[tuple[list[tuple[str, bytes]], Future[list[FileAnalysis]]]] = [
            (batch, pool.submit(analyze_batch, batch, plan, suppress)) for batch in batches]
        if started is not None:
            started()  # after the workers are forked: threads and fork do not mix
        for index, (batch, future) in enumerate(futures):
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                on_batch(future.result(timeout=wait))
            except FutureTimeout:
                for late, _ in futures[index:]:
                    for rel, _data in late:
                        on_failure(_out_of_time(rel))
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
                pool.shutdown(wait=False, cancel_futures=True)
                return
            except Exception:  # MemoryError, BrokenProcessPool, a result too large to send back
                retry.extend(batch)
    single: ProcessPoolExecutor | None = None
    try:
        for rel, data in retry:
            if deadline is not None and time.monotonic() > deadline:
                on_failure(_out_of_time(rel))
                continue
            single = single or _pool(1)
            try:
                on_batch(single.submit(analyze_batch, [(rel, data)], plan, suppress).result())
            except Exception as exc:
                on_failure(_failed(rel, exc))
                if isinstance(exc, BrokenProcessPool):
                    single.shutdown(cancel_futures=True)
                    single = None
    finally:
        if single is not None:
            single.shutdown()


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
    deadline: float | None = None,
    index: FileIndex | None = None,
    cache_name: str = "files",
    merge: bool = False,
    alongside: Callable[[Sequence[tuple[str, bytes]]], Callable[[], None] | None] | None = None,
    previous: dict[str, tuple[str, FileAnalysis]] | None = None,
) -> list[FileAnalysis]:
    """Every file's analysis, in ``files`` order. ``index`` lets an unchanged file be answered
    from the cache without reading it; ``merge`` keeps the stored entries of files not named
    (the pre-commit hook's own cache, which sees a few files at a time). ``alongside`` starts
    work for the main process while worker processes analyse (given the files read for them),
    and returns what stops it.
    ``previous`` receives the stored (digest, analysis) of every file analysed anew."""
    jobs = jobs or default_jobs()
    key = plan_fingerprint(plan) + ("" if suppress else "-all")
    if cache is not None:
        cache.bind(root)
    cached = cache.load(cache_name, key) if cache is not None else {}
    results: dict[str, FileAnalysis] = {}
    digests = {} if digests is None else digests  # filled before the tools start: they cache by it too
    unread: list[str] = []
    for rel in files:
        known = index.known_digest(rel) if index is not None else None
        if known is not None:
            hit = cached.get(rel)
            if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == known and isinstance(hit[1], FileAnalysis):
                digests[rel] = known
                results[rel] = hit[1]
                continue
        unread.append(rel)
    misses: list[tuple[str, bytes]] = []

    def read(rels: Sequence[str]) -> list[tuple[str, bytes]]:
        """Read and hash these files; those whose content the cache holds are answered, the rest returned."""
        out = []
        for rel in rels:
            data, note = _read(root, rel)
            if data is None:
                results[rel] = FileAnalysis(rel, notes=[note] if note else [])
                continue
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            digests[rel] = digest
            hit = cached.get(rel)
            if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == digest and isinstance(hit[1], FileAnalysis):
                results[rel] = hit[1]
            else:
                out.append((rel, data))
                if previous is not None and isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], FileAnalysis):
                    previous[rel] = hit
        misses.extend(out)
        return out

    total = len(files)
    done = len(results)
    if progress is not None:
        progress(done, total)

    failed: set[str] = set()

    def collect(analyses: list[FileAnalysis]) -> None:
        nonlocal done
        for analysis in analyses:
            results[analysis.path] = analysis
            done += 1
        if progress is not None:
            progress(done, total)

    def fail(analysis: FileAnalysis) -> None:
        failed.add(analysis.path)  # not cached: a later scan (or a higher limit) tries again
        collect([analysis])

    if jobs > 1 and len(unread) >= PARALLEL_MIN_FILES:
        # Batches planned by the sizes the walk saw, each read as it is sent: the workers start on the
        # first while this process reads the rest.
        stops: list[Callable[[], None]] = []

        def started() -> None:
            if start_tools is not None:
                start_tools()
            stop = alongside(misses) if alongside is not None else None
            if stop is not None:
                stops.append(stop)

        sizes = index.signatures if index is not None else {}
        planned = _batches(unread, jobs * 16, lambda rel: sig[2] if (sig := sizes.get(rel)) else 1)
        try:
            _run_pooled((batch for rels in planned if (batch := read(rels))), plan, suppress, jobs, started, collect,
                        fail, deadline)
        finally:
            for stop in stops:
                stop()
    else:
        read(unread)
        # Large files go to one memory-limited worker even here: a hostile one costs only itself.
        isolated = [item for item in misses if len(item[1]) > ISOLATE_BYTES]
        if isolated and memory_limit_bytes():
            _run_pooled([[item] for item in isolated], plan, suppress, 1, start_tools, collect, fail, deadline)
            start_tools = None
        if start_tools is not None:
            start_tools()
        last = time.perf_counter()
        for rel, data in misses:
            if rel in results:
                continue
            if deadline is not None and time.monotonic() > deadline:
                fail(_out_of_time(rel))
                continue
            results[rel] = analyze_source(rel, data, plan, suppress)
            done += 1
            if progress is not None and time.perf_counter() - last > 0.1:
                progress(done, total)
                last = time.perf_counter()
    if progress is not None:
        progress(total, total)
    if cache is not None and misses:
        entries = {rel: hit for rel, hit in cached.items() if rel not in results} if merge else {}
        for rel in files:
            if rel in digests and rel not in failed:
                hit = cached.get(rel)
                # The loaded entry itself when unchanged: the cache reuses its encoding.
                unchanged = isinstance(hit, tuple) and len(hit) == 2 and hit[1] is results[rel] and hit[0] == digests[rel]
                entries[rel] = hit if unchanged else (digests[rel], results[rel])
        cache.save(cache_name, key, entries)
    return [results[rel] for rel in files]
