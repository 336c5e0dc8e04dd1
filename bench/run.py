"""Benchmark: readiness against bandit and a parse-only floor, on a pinned public corpus.

    python bench/run.py [--repeat 5] [--corpus DIR] [--json bench/results.json]

Downloads ansible-core 2.17.7's source distribution from PyPI once (into bench/.corpus),
then measures, each several times (median and spread, wall time and peak memory of the
whole process tree):
  (a) readiness scan, built-in checks without the bandit/ruff engines, cold (no cache)
  (b) the same, warm (nothing changed)
  (c) the same after changing one file
  (d) the full scan with the bandit and ruff engines, cold
  (e) bandit -r alone on the same tree
  (f) parse-only: read and ast.parse every file on all cores (the practical floor)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess  # nosec B404 - fixed argv, no shell
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS_NAME = "ansible-core"
CORPUS_VERSION = "2.17.7"
PAGE = os.sysconf("SC_PAGE_SIZE")


def fetch_corpus(cache: Path) -> Path:
    """The unpacked sdist; downloaded with pip (the only network the benchmark uses)."""
    target = cache / f"ansible_core-{CORPUS_VERSION}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # nosec B603 - fixed argv
        [sys.executable, "-m", "pip", "download", "-q", f"{CORPUS_NAME}=={CORPUS_VERSION}",
         "--no-deps", "--no-binary", ":all:", "-d", str(cache)],
        check=True,
    )
    archive = next(cache.glob("ansible*core-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return target


def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            ppid = int(fields[1])
            rss[int(entry)] = int(fields[21]) * PAGE
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(cmd: list[str], *, cwd: Path | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak tree RSS bytes, exit code) of one run."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # nosec B603 - the benchmark's own commands
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, peak[0], proc.returncode


def summarise(name: str, runs: list[tuple[float, int, int]]) -> dict[str, Any]:
    times = [r[0] for r in runs]
    return {
        "name": name,
        "runs": len(runs),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "stdev_s": round(statistics.stdev(times), 3) if len(times) > 1 else 0.0,
        "peak_rss_mb": round(max(r[1] for r in runs) / 2**20, 1),
    }


PARSE_ONLY = r'''
import ast, os, sys
from concurrent.futures import ProcessPoolExecutor
def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        pass
    return 1
files = [os.path.join(d, n) for d, _, ns in os.walk(sys.argv[1]) for n in ns if n.endswith(".py")]
with ProcessPoolExecutor(len(os.sched_getaffinity(0))) as pool:
    sum(pool.map(parse, files, chunksize=32))
'''


def engine_checks(readiness: list[str]) -> list[str]:
    out = subprocess.run([*readiness, "checks", "--json"], capture_output=True, text=True, check=True).stdout  # nosec B603 - fixed argv
    return sorted(c["id"] for c in json.loads(out) if c.get("tools"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=None, help="scan this tree instead of the pinned corpus")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    args = parser.parse_args()

    source = args.corpus or fetch_corpus(HERE / ".corpus")
    work = Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    tree = work / "tree"
    shutil.copytree(source, tree, symlinks=True)
    files = sorted(tree.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"corpus: {source.name}: {len(files)} Python files, {lines} lines; {os.cpu_count()} cores")

    readiness = [sys.executable, "-m", "readiness"]
    engines = engine_checks(readiness)
    base = [*readiness, "scan", str(tree), "--no-live", "--quiet", "--no-history"]
    static = [*base, "--ignore", ",".join(engines)] if engines else base
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent)) or "bandit"
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    results: dict[str, Any] = {}
    reps = args.repeat
    slow_reps = max(1, min(3, reps))

    results["a"] = summarise("(a) readiness, built-in checks, cold", [measure([*static, "--no-cache"]) for _ in range(reps)])
    measure(static)  # fill the cache
    results["b"] = summarise("(b) readiness, built-in checks, warm", [measure(static) for _ in range(reps)])
    runs = []
    for i in range(reps):
        victim.write_bytes(original + f"\n# bench edit {i}\n".encode())
        runs.append(measure(static))
    victim.write_bytes(original)
    results["c"] = summarise("(c) readiness, one file changed", runs)
    results["d"] = summarise("(d) readiness, full incl. bandit+ruff, cold",
                             [measure([*base, "--no-cache"]) for _ in range(slow_reps)])
    results["e"] = summarise("(e) bandit -r alone",
                             [measure([bandit, "-r", str(tree), "-f", "json", "-q", "-o", os.devnull]) for _ in range(slow_reps)])
    results["f"] = summarise("(f) parse-only floor, all cores",
                             [measure([sys.executable, "-c", PARSE_ONLY, str(tree)]) for _ in range(reps)])

    a, d, e, f = (results[k]["median_s"] for k in "adef")
    ratios = {"a/e": round(a / e, 3), "d/e": round(d / e, 3), "a/f": round(a / f, 3)}
    targets = {
        "a <= 2.5 s": a <= 2.5, "a <= 4x f": a <= 4 * f, "b <= 0.8 s": results["b"]["median_s"] <= 0.8,
        "c <= 1 s": results["c"]["median_s"] <= 1.0, "d <= e": d <= e,
        "peak < 1 GB": all(r["peak_rss_mb"] < 1024 for r in results.values()),
    }
    print(f"{'measurement':48} {'median':>8} {'min':>8} {'max':>8} {'stdev':>7} {'peak MB':>8}")
    for r in results.values():
        print(f"{r['name']:48} {r['median_s']:8.3f} {r['min_s']:8.3f} {r['max_s']:8.3f} {r['stdev_s']:7.3f} {r['peak_rss_mb']:8.1f}")
    print("ratios: " + ", ".join(f"{k} = {v}" for k, v in ratios.items()))
    print("targets: " + ", ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in targets.items()))
    report = {
        "corpus": {"name": source.name, "files": len(files), "lines": lines},
        "cores": os.cpu_count(), "engine_checks": engines, "results": results, "ratios": ratios,
        "targets": targets,
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
