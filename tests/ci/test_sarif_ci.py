"""SARIF for code scanning and the other CI formats: repository-root paths, rules, engine rule
ids, the official schema and GitHub's documented upload limits, through the installed CLI."""

from __future__ import annotations

import gzip
import json
import random
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import run_cli, write_tree

ROOT = Path(__file__).resolve().parents[2]
SERVICE = {
    "app/svc.py": (
        "import pickle\nimport subprocess\n\n\n"
        "def load(blob):\n    print('loading')\n    return pickle.loads(blob)\n\n\n"
        "def run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    ),
}
QUICK = ("--no-live", "--no-history")


def _official(sarif: dict[str, Any]) -> None:
    from reports.official_sarif import official_schema

    errors = list(jsonschema.Draft4Validator(official_schema()).iter_errors(sarif))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _uris(sarif: dict[str, Any]) -> list[str]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]


def test_a_sub_folder_scan_points_at_files_of_the_repository(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    write_tree(mono, {f"services/orders/{k}": v for k, v in SERVICE.items()})
    (mono / ".git").mkdir()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    for target, cwd in ((mono / "services" / "orders", elsewhere), (Path("services/orders"), mono)):
        out = tmp_path / "out"
        proc = run_cli("scan", str(target), *QUICK, "--select", "print-call", "--format", "github",
                       "-o", str(out / "r.sarif"), "-o", str(out / "r.codequality.json"), cwd=cwd)
        assert proc.returncode == 0, proc.stderr
        sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
        assert _uris(sarif) == ["services/orders/app/svc.py"]
        assert all((mono / uri).is_file() for uri in _uris(sarif))
        assert "file=services/orders/app/svc.py,line=6" in proc.stdout
        quality = json.loads((out / "r.codequality.json").read_text(encoding="utf-8"))
        assert [i["location"]["path"] for i in quality] == ["services/orders/app/svc.py"]


def test_a_saved_result_keeps_its_repository_paths_anywhere(tmp_path: Path) -> None:
    """Re-rendered on another machine, a service folder's result still points at repository
    paths, and the files it read at the repository root keep their own paths."""
    mono = tmp_path / "mono"
    write_tree(mono, {f"services/orders/{k}": v for k, v in SERVICE.items()})
    (mono / ".git").mkdir()
    saved = tmp_path / "r.json"
    proc = run_cli("scan", str(mono / "services" / "orders"), *QUICK, "--select", "print-call", "-o", str(saved), "--quiet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["repository"]["scan_prefix"] == "services/orders/"
    doc["target"]["path"] = "/gone/services/orders"
    doc["repository"]["root_files"] = [".github/workflows/ci.yml"]
    doc["findings"].append({**doc["findings"][0], "path": ".github/workflows/ci.yml", "line": 3, "message": "at the root"})
    saved.write_text(json.dumps(doc), encoding="utf-8")
    sarif = json.loads(run_cli("report", str(saved), "--format", "sarif").stdout)
    assert _uris(sarif) == ["services/orders/app/svc.py", ".github/workflows/ci.yml"]
    quality = json.loads(run_cli("report", str(saved), "--format", "gitlab").stdout)
    assert [i["location"]["path"] for i in quality] == ["services/orders/app/svc.py", ".github/workflows/ci.yml"]
    annotations = run_cli("report", str(saved), "--format", "github").stdout
    assert "file=services/orders/app/svc.py," in annotations and "file=.github/workflows/ci.yml," in annotations


def test_the_repository_root_is_the_nearest_git_entry_even_a_file(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    write_tree(outer, {f"vendor/lib/{k}": v for k, v in SERVICE.items()})
    (outer / ".git").mkdir()
    (outer / "vendor" / "lib" / ".git").write_text("gitdir: ../../.git/modules/lib\n", encoding="utf-8")  # a submodule
    proc = run_cli("scan", str(outer / "vendor" / "lib"), *QUICK, "--select", "print-call", "--format", "sarif")
    assert _uris(json.loads(proc.stdout)) == ["app/svc.py"]


def test_rules_carry_help_links_tags_and_engine_ids(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    proc = run_cli("scan", str(tmp_path), *QUICK, "--select", "print-call,sast-findings,missing-timeout", "--format", "sarif")
    assert proc.returncode == 0, proc.stderr
    sarif = json.loads(proc.stdout)
    _official(sarif)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    engine = [rid for rid in rules if rid.startswith("bandit/")]
    assert engine, sorted(rules)
    assert {r["ruleId"] for r in run["results"]} >= set(engine)
    for rid in engine:
        assert rules[rid]["properties"]["tags"][-1] == "sast-findings"
        assert rules[rid]["helpUri"].endswith("/docs/checks/sast-findings.md")
    for rid, rule in rules.items():
        assert rule["help"]["text"]
        page = rule["helpUri"].rsplit("/docs/checks/", 1)[1]
        assert (ROOT / "docs" / "checks" / page).is_file(), rid
        security = "security" in rule["properties"]["tags"]
        assert ("security-severity" in rule["properties"]) == security, rid
        assert len(rule["properties"]["tags"]) <= 10
    assert "security-severity" not in rules["print-call"]["properties"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def _big_result(tmp_path: Path, findings: int, message_chars: int) -> Path:
    """A saved result of a very large scan: many findings, long messages that compress badly."""
    write_tree(tmp_path / "repo", {"app/a.py": "print(1)\n"})
    saved = tmp_path / "base.json"
    assert run_cli("scan", str(tmp_path / "repo"), *QUICK, "--select", "print-call", "-o", str(saved), "--quiet").returncode == 0
    doc = json.loads(saved.read_text(encoding="utf-8"))
    rng = random.Random(7)
    severities = ("critical", "high", "medium", "low")
    doc["findings"] = [
        {"check": "print-call", "severity": severities[i % 4], "path": f"app/m{i}.py", "line": 1 + i % 500, "column": 1,
         "message": "".join(rng.choices(string.ascii_letters, k=message_chars)) if message_chars else f"finding {i}",
         "fingerprint": f"{i:020x}"}
        for i in range(findings)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc), encoding="utf-8")
    return big


@pytest.mark.slow
def test_more_results_than_github_accepts_keeps_the_most_severe(tmp_path: Path) -> None:
    big = _big_result(tmp_path, 26_000, 0)
    proc = run_cli("report", str(big), "--format", "sarif", timeout=600)
    assert proc.returncode == 0, proc.stderr
    sarif = json.loads(proc.stdout)
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    assert len(run["results"]) == 25_000 and run["properties"]["resultsLeftOut"] == 1_000
    kept = {r["properties"]["severity"] for r in run["results"]}
    counts = {s: sum(1 for r in run["results"] if r["properties"]["severity"] == s) for s in kept}
    assert counts["critical"] == counts["high"] == counts["medium"] == 6_500 and counts["low"] == 5_500
    assert len(run["tool"]["driver"]["rules"]) <= 25_000
    assert all(len(r["locations"]) <= 1_000 for r in run["results"])


@pytest.mark.slow
def test_a_file_over_githubs_compressed_size_limit_is_trimmed(tmp_path: Path) -> None:
    big = _big_result(tmp_path, 14_000, 1_200)
    proc = run_cli("report", str(big), "--format", "sarif", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert len(gzip.compress(proc.stdout.encode("utf-8"))) <= 10 * 1024 * 1024
    run = json.loads(proc.stdout)["runs"][0]
    assert run["properties"]["resultsLeftOut"] > 0
    assert len(run["results"]) + run["properties"]["resultsLeftOut"] == 14_000
    assert {r["properties"]["severity"] for r in run["results"]} >= {"critical", "high"}
