"""Benchmark: readiness against bandit, ruff and a parse-only floor, on pinned public corpora.

    python bench/run.py [--corpus django|cpython-lib|ansible|DIR ...] [--repeat 5] [--json bench/results.json]
    python bench/run.py --readme          # rewrite README.md's performance table from the JSON only

Corpora: Django 4.2.16 and ansible-core 2.17.7 from their PyPI source distributions (downloaded
once with pip into bench/.corpus), and ``Lib/`` of the running interpreter (without
site-packages). Each tree is copied first; the package under test is copied too, so a long run
measures one revision even while the source tree changes. For each corpus, side by side:
  (a) readiness scan, built-in checks without the bandit/ruff engines, cold (no cache)
  (b) the same, warm (nothing changed); (b2) on a tree twice as large (two copies; first corpus)
  (c) the same after changing one file
  (d) the full scan with the bandit and ruff engines, cold
  (e) bandit -r alone on the same tree
  (f) the parse floor: read and ast.parse every file in one process
  (h) ``readiness hook FILE`` on one file, warm, against (r) ``ruff check FILE``, and both on 50
      files (h50, r50): the hook's cost per extra file, start-up aside
Every figure is the median of several runs (wall time; peak resident memory of the whole
process tree), with the machine's load average before and after, since the figures mean
little without it on a shared machine. (a) and (f), whose ratio is a target, are run in turn.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess  # nosec B404 - fixed argv, no shell
import sys
import sysconfig
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
SDISTS = {
    "django": ("django", "4.2.16", "Django-4.2.16"),
    "ansible": ("ansible-core", "2.17.7", "ansible_core-2.17.7"),
}
HOOK_BATCH = 50  # files per hook call for the per-file cost (what a commit of many files pays)
RACY_SECONDS = 2.2  # a file changed within the last 2 s is re-hashed (readiness.fileindex): let the copy settle
TARGETS_TEXT = {
    "b": "≤ 0.35 s", "c": "≤ 0.5 s", "a": "≤ 1.6× (f)", "b2": "< 1.5× (b)", "h": "≤ 0.1 s", "h50": "≤ 0.1 s per file",
}


# -- corpora -----------------------------------------------------------------------------------

def fetch_sdist(name: str, cache: Path) -> Path:
    """The unpacked sdist; downloaded with pip (the only network the benchmark uses)."""
    package, version, folder = SDISTS[name]
    target = cache / folder
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # nosec B603 - fixed argv
        [sys.executable, "-m", "pip", "download", "-q", f"{package}=={version}", "--no-deps", "--no-binary", ":all:",
         "-d", str(cache)],
        check=True,
    )
    prefix = folder.split("-")[0].lower().replace("_", "[-_]")
    archive = next(p for p in cache.glob("*.tar.gz") if re.match(prefix, p.name.lower()) and version in p.name)
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return target


def corpus_source(name: str) -> tuple[str, Path]:
    if name in SDISTS:
        return name, fetch_sdist(name, HERE / ".corpus")
    if name == "cpython-lib":
        return f"cpython-lib-{sys.version_info.major}.{sys.version_info.minor}", Path(sysconfig.get_paths()["stdlib"])
    path = Path(name)
    if not path.is_dir():
        raise SystemExit(f"unknown corpus {name!r}: django, ansible, cpython-lib or a directory")
    return path.name, path


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True,
                    ignore=shutil.ignore_patterns("site-packages", "__pycache__", ".readiness", "*.pyc"))


# -- measuring -----------------------------------------------------------------------------------

def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes.

    The tree is followed through each thread's ``children`` file, so a sample reads a handful of
    files rather than every process's: sampling must not take the cores it measures."""
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            total += int(fields[21]) * PAGE
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return total


# Where commands run unless they say otherwise: the copy of the package under test, never the project
# folder, whose own ``readiness`` would come first on ``python -m readiness``'s path while it is edited.
RUN_FROM: Path | None = None


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """(wall seconds, peak tree RSS bytes, CPU seconds of the children) of one run."""
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd or RUN_FROM, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # nosec B603 - the benchmark's own commands
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
    after = os.times()
    crashed = "readiness" in cmd and b"Traceback (most recent call last)" in err  # its exit code 1 is findings
    if proc.returncode not in (0, 1) or crashed:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return elapsed, peak[0], cpu


def summarise(name: str, runs: list[tuple[float, int, float]], load: tuple[float, float]) -> dict[str, Any]:
    times = [r[0] for r in runs]
    return {
        "name": name,
        "runs": len(runs),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "cpu_median_s": round(statistics.median(r[2] for r in runs), 3),
        "peak_rss_mb": round(max(r[1] for r in runs) / 2**20, 1),
        "load_before_after": [round(load[0], 2), round(load[1], 2)],
    }


def timed(name: str, count: int, run: Callable[[int], tuple[float, int, float]]) -> dict[str, Any]:
    return interleaved((name, count, run))[0]


def interleaved(*plans: tuple[str, int, Callable[[int], tuple[float, int, float]]]) -> list[dict[str, Any]]:
    """Several measurements taken in turn (one run of each, then the next round), each summarised and printed."""
    load = os.getloadavg()[0]
    runs: list[list[tuple[float, int, float]]] = [[] for _ in plans]
    for i in range(max(count for _, count, _ in plans)):
        for (_, count, run), done in zip(plans, runs, strict=True):
            if i < count:
                done.append(run(i))
    out = []
    for (name, _, _), done in zip(plans, runs, strict=True):
        result = summarise(name, done, (load, os.getloadavg()[0]))
        print(f"  {name:52} {result['median_s']:8.3f} s  cpu {result['cpu_median_s']:7.3f} s  {result['peak_rss_mb']:7.1f} MB"
              f"  load {result['load_before_after']}", flush=True)
        out.append(result)
    return out


PARSE_FLOOR = r'''
import ast, os, sys
for d, _, names in os.walk(sys.argv[1]):
    for n in names:
        if n.endswith(".py"):
            with open(os.path.join(d, n), "rb") as f:
                data = f.read()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                pass
'''


def engine_checks(readiness: list[str], env: dict[str, str]) -> list[str]:
    out = subprocess.run([*readiness, "checks", "--json"], capture_output=True, text=True, check=True, env=env,
                         cwd=RUN_FROM).stdout  # nosec B603 - fixed argv
    return sorted(c["id"] for c in json.loads(out) if c.get("tools"))


def bench_corpus(label: str, source: Path, work: Path, env: dict[str, str], args: argparse.Namespace,
                 doubled: bool, engines_too: bool) -> dict[str, Any]:
    tree = work / label
    copy_tree(source, tree)
    files = sorted(tree.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"corpus {label}: {len(files)} Python files, {lines} lines", flush=True)
    readiness = [sys.executable, "-m", "readiness"]
    engines = engine_checks(readiness, env)
    base = [*readiness, "scan", str(tree), "--no-live", "--quiet", "--no-history"]
    static = [*base, "--ignore", ",".join(engines)] if engines else base
    bin_dir = Path(sys.executable).parent
    bandit = shutil.which("bandit", path=str(bin_dir)) or "bandit"
    ruff = shutil.which("ruff", path=str(bin_dir)) or "ruff"
    victim = files[len(files) // 2]
    rel_victim = victim.relative_to(tree).as_posix()
    original = victim.read_bytes()
    reps, cold_reps, slow_reps = args.repeat, args.cold_repeat, args.slow_repeat
    results: dict[str, Any] = {}

    def run(cmd: list[str], cwd: Path | None = None) -> Callable[[int], tuple[float, int, float]]:
        return lambda _i: measure(cmd, cwd=cwd, env=env)

    time.sleep(RACY_SECONDS)
    # (a) and (f) alternate, run after run: their ratio is a target, and a shared machine's speed drifts
    # over the minutes between one set of runs and the other.
    results["a"], results["f"] = interleaved(
        ("(a) built-in checks, cold", cold_reps, run([*static, "--no-cache"])),
        ("(f) parse floor, one process", reps, run([sys.executable, "-c", PARSE_FLOOR, str(tree)])))
    measure(static, env=env)  # fill the cache
    time.sleep(RACY_SECONDS)
    measure(static, env=env)  # entries a scan of files changed moments ago could not store
    results["b"] = timed("(b) the same, warm", reps, run(static))

    def changed(i: int) -> tuple[float, int, float]:
        victim.write_bytes(original + f"\n# bench edit {i}\n".encode())
        return measure(static, env=env)

    results["c"] = timed("(c) one file changed", reps, changed)
    victim.write_bytes(original)
    if engines_too:
        results["d"] = timed("(d) full scan with bandit and ruff, cold", slow_reps, run([*base, "--no-cache"]))
        results["e"] = timed("(e) bandit -r alone", slow_reps,
                             run([bandit, "-r", str(tree), "-f", "json", "-q", "-o", os.devnull]))
    hook = [*readiness, "hook", rel_victim]
    measure(hook, cwd=tree, env=env)  # its own cache entry
    results["h"] = timed("(h) readiness hook FILE, warm", reps, run(hook, cwd=tree))
    results["r"] = timed("(r) ruff check FILE", reps, run([ruff, "check", "--quiet", rel_victim], cwd=tree))
    batch = [p.relative_to(tree).as_posix() for p in files[len(files) // 2:len(files) // 2 + HOOK_BATCH]]
    measure([*readiness, "hook", *batch], cwd=tree, env=env)
    results["h50"] = timed(f"(h50) readiness hook on {len(batch)} files, warm", reps,
                           run([*readiness, "hook", *batch], cwd=tree))
    results["r50"] = timed(f"(r50) ruff check on {len(batch)} files", reps,
                           run([ruff, "check", "--quiet", *batch], cwd=tree))
    if doubled:
        big = work / f"{label}-x2"
        copy_tree(source, big / "one")
        copy_tree(source, big / "two")
        big_static = [*readiness, "scan", str(big), "--no-live", "--quiet", "--no-history",
                      *(["--ignore", ",".join(engines)] if engines else [])]
        measure(big_static, env=env)
        time.sleep(RACY_SECONDS)
        measure(big_static, env=env)
        results["b2"] = timed("(b2) warm, tree twice as large", reps, run(big_static))
        shutil.rmtree(big, ignore_errors=True)
    shutil.rmtree(tree, ignore_errors=True)
    med = {k: v["median_s"] for k, v in results.items()}
    per_file = (med["h50"] - med["h"]) / (HOOK_BATCH - 1)
    ratios = {"a/f": round(med["a"] / med["f"], 3), "h/r": round(med["h"] / med["r"], 3),
              "hook s per extra file": round(per_file, 4)}
    if "d" in med:
        ratios["d/e"] = round(med["d"] / med["e"], 3)
    if "b2" in med:
        ratios["b2/b"] = round(med["b2"] / med["b"], 3)
    targets = {
        "b <= 0.35 s": med["b"] <= 0.35, "c <= 0.5 s": med["c"] <= 0.5, "a <= 1.6x f": med["a"] <= 1.6 * med["f"],
        "h <= 0.1 s": med["h"] <= 0.1, "hook <= 0.1 s per extra file": per_file <= 0.1,
        "peak <= 400 MB": all(r["peak_rss_mb"] <= 400 for r in results.values()),
    }
    if "b2" in med:
        targets["b2 < 1.5x b"] = med["b2"] < 1.5 * med["b"]
    print("  ratios: " + ", ".join(f"{k} = {v}" for k, v in ratios.items()))
    print("  targets: " + ", ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in targets.items()), flush=True)
    return {"corpus": {"name": label, "files": len(files), "lines": lines, "changed_file": rel_victim},
            "engine_checks": engines, "results": results, "ratios": ratios, "targets": targets}


# -- the README table ---------------------------------------------------------------------------

START, END = "<!-- performance:start -->", "<!-- performance:end -->"
ROWS = [
    ("a", "(a) built-in checks, cold (no cache; without the bandit and ruff engines)"),
    ("b", "(b) the same, warm (nothing changed)"),
    ("b2", "(b2) warm, on a tree twice as large"),
    ("c", "(c) the same, one file changed"),
    ("d", "(d) full scan with bandit and ruff, cold"),
    ("e", "(e) `bandit -r` alone"),
    ("f", "(f) parse floor (read + `ast.parse`, one process)"),
    ("h", "(h) `readiness hook FILE` (warm)"),
    ("r", "(r) `ruff check FILE`"),
    ("h50", "(h50) `readiness hook` on 50 files (warm)"),
    ("r50", "(r50) `ruff check` on the same 50 files"),
]


def readme_block(report: dict[str, Any]) -> str:
    corpora = report["corpora"]
    def count(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    head = "| measurement | " + " | ".join(f"{c['corpus']['name']} ({count(c['corpus']['files'])} files, "
                                           f"{count(c['corpus']['lines'])} lines)" for c in corpora) + " | target |"
    out = [head, "|---|" + "---|" * len(corpora) + "---|"]
    for key, text in ROWS:
        if not any(key in c["results"] for c in corpora):
            continue
        cells = []
        for c in corpora:
            r = c["results"].get(key)
            cells.append(f"{r['median_s']:.2f} s ({r['cpu_median_s']:.2f} s CPU), {r['peak_rss_mb']:.0f} MB" if r else "")
        out.append(f"| {text} | " + " | ".join(cells) + f" | {TARGETS_TEXT.get(key, '')} |")
    lines = ["", *out, ""]
    for c in corpora:
        ratios = ", ".join(f"{k} {v}" for k, v in c["ratios"].items())
        missed = [k for k, ok in c["targets"].items() if not ok]
        lines.append(f"{c['corpus']['name']}: ratios {ratios}; targets missed: {', '.join(missed) or 'none'}.")
    if len(corpora) > 1:
        first, second = corpora[0], corpora[1]
        lines.append(
            f"Warm scan against tree size: {second['corpus']['name']} holds "
            f"{second['corpus']['lines'] / first['corpus']['lines']:.2f}× the lines of {first['corpus']['name']}; its (b) "
            f"took {second['results']['b']['cpu_median_s'] / first['results']['b']['cpu_median_s']:.2f}× the CPU time.")
    machine = report["machine"]
    lines += ["", f"Median of {report['repeat']} runs ({report['cold_repeat']} for (a), "
              f"{report['slow_repeat']} for (d) and (e)), wall time, on {machine['cores']} cores shared with other "
              f"work: the load average was {machine['load_start']} at the start and {machine['load_end']} at the end, "
              "so every figure here is slower than on an idle machine. Each measurement's load is in "
              "`bench/results.json`.", ""]
    return "\n".join(lines)


def write_readme(report: dict[str, Any], readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no {START} ... {END} block")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(before + START + "\n" + readme_block(report) + END + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", default=None, help="django, ansible, cpython-lib or a directory")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold-repeat", type=int, default=5, help="runs of (a)")
    parser.add_argument("--slow-repeat", type=int, default=2, help="runs of (d) and (e)")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--no-double", action="store_true", help="skip (b2), the tree twice as large")
    parser.add_argument("--engines-everywhere", action="store_true", help="(d) and (e) on every corpus, not the first only")
    parser.add_argument("--readme", action="store_true", help="only rewrite README.md's table from --json")
    args = parser.parse_args()
    if args.readme:
        write_readme(json.loads(args.json.read_text(encoding="utf-8")), PROJECT / "README.md")
        return
    work = Path(tempfile.mkdtemp(prefix="readiness-bench-"))
    code = work / "code"
    shutil.copytree(PROJECT / "readiness", code / "readiness", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled, as pip installs it: start-up is part of every figure.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code)], check=True)  # nosec B603 - fixed argv
    global RUN_FROM
    RUN_FROM = code
    env = {**os.environ, "PYTHONPATH": str(code), "NO_COLOR": "1"}
    for name in ("READINESS_LIVE", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    load_start = os.getloadavg()
    corpora: list[dict[str, Any]] = []

    def save() -> None:  # after every corpus: a long run interrupted keeps what it measured
        report = {
            "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0],
                        "load_start": [round(x, 2) for x in load_start],
                        "load_end": [round(x, 2) for x in os.getloadavg()]},
            "repeat": args.repeat, "cold_repeat": args.cold_repeat, "slow_repeat": args.slow_repeat,
            "corpora": corpora,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}", flush=True)

    try:
        for index, name in enumerate(args.corpus or ["django", "cpython-lib"]):
            label, source = corpus_source(name)
            corpora.append(bench_corpus(label, source, work, env, args, doubled=index == 0 and not args.no_double,
                                        engines_too=index == 0 or args.engines_everywhere))
            save()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
