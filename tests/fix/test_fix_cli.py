"""The real ``readiness fix`` command: --diff, --check, writing, and what it refuses to touch."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

from helpers import run_cli, scan_json, write_tree

from readiness.measures import Density
from readiness.scoring import score_measure

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-service"
SERVICE = "import requests\n\n\ndef fetch(url):\n    print('fetching', url)\n    return requests.get(url)\n"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_diff_prints_a_patch_and_changes_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/service.py": SERVICE})
    before = _tree(tmp_path)
    proc = run_cli("fix", str(tmp_path), "--diff")
    assert proc.returncode == 1, proc.stderr  # a diff to apply, as ruff --diff says
    assert "--- a/app/service.py\n+++ b/app/service.py\n" in proc.stdout
    assert "+    logger.info('fetching %s', url)\n" in proc.stdout
    assert "+    return requests.get(url, timeout=HTTP_TIMEOUT)\n" in proc.stdout
    assert "would fix 2 findings in 1 file" in proc.stderr
    assert _tree(tmp_path) == before
    assert run_cli("fix", str(tmp_path)).returncode == 0
    clean = run_cli("fix", str(tmp_path), "--diff")
    assert clean.returncode == 0 and clean.stdout == "", clean.stderr


def test_check_exits_1_when_something_would_change_and_0_after_the_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/service.py": SERVICE})
    before = _tree(tmp_path)
    assert run_cli("fix", str(tmp_path), "--check").returncode == 1
    assert _tree(tmp_path) == before
    proc = run_cli("fix", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "fixed 2 findings in 1 file" in proc.stdout
    fixed = (tmp_path / "app/service.py").read_text()
    compile(fixed, "service.py", "exec")
    assert run_cli("fix", str(tmp_path), "--check").returncode == 0
    again = run_cli("fix", str(tmp_path))
    assert again.returncode == 0 and (tmp_path / "app/service.py").read_text() == fixed, "idempotent"


def test_select_limits_the_codemods_and_unknown_ids_are_usage_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/service.py": SERVICE})
    assert run_cli("fix", str(tmp_path), "--select", "missing-timeout").returncode == 0
    text = (tmp_path / "app/service.py").read_text()
    assert "timeout=HTTP_TIMEOUT" in text and "print('fetching', url)" in text
    assert run_cli("fix", str(tmp_path), "--select", "no-such-check").returncode == 2
    bad = run_cli("fix", str(tmp_path), "--select", "todo-comment")
    assert bad.returncode == 2 and "no automatic fix" in bad.stderr
    assert run_cli("fix", str(tmp_path / "missing")).returncode == 2


def test_permissions_crlf_and_latin1_with_a_cookie_are_kept(tmp_path: Path) -> None:
    crlf = SERVICE.replace("\n", "\r\n").encode()
    latin = "# -*- coding: latin-1 -*-\nimport requests\n\n\ndef f(u):\n    print('café', u)\n".encode("latin-1")
    write_tree(tmp_path, {"app/crlf.py": crlf, "app/latin.py": latin})
    script = tmp_path / "app/crlf.py"
    os.chmod(script, 0o750)
    proc = run_cli("fix", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(script.stat().st_mode) == 0o750
    data = script.read_bytes()
    assert b"timeout=HTTP_TIMEOUT" in data and b"\n" not in data.replace(b"\r\n", b"")
    latin_data = (tmp_path / "app/latin.py").read_bytes()
    assert latin_data.startswith(b"# -*- coding: latin-1 -*-\n")
    assert "    logger.info('café %s', u)\n".encode("latin-1") in latin_data
    assert [p.name for p in (tmp_path / "app").iterdir() if p.name.startswith(".")] == [], "no temporary files left"


def test_a_file_that_does_not_parse_is_left_untouched_and_reported(tmp_path: Path) -> None:
    broken = b"import requests\n\ndef f(:\n    print('x')\n    requests.get('https://x')\n"
    write_tree(tmp_path, {"app/broken.py": broken, "app/service.py": SERVICE})
    proc = run_cli("fix", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "app/broken.py").read_bytes() == broken
    assert "app/broken.py: left untouched:" in proc.stdout
    assert "timeout=HTTP_TIMEOUT" in (tmp_path / "app/service.py").read_text()


def test_prints_that_are_no_findings_stay(tmp_path: Path) -> None:
    files = {
        "app/__main__.py": "print('usage')\n",
        "tests/test_x.py": "def test_x():\n    print('debug')\n",
        "app/run.py": "def main():\n    print('hi')\n\n\nif __name__ == '__main__':\n    main()\n",
    }
    write_tree(tmp_path, files)
    before = _tree(tmp_path)
    proc = run_cli("fix", str(tmp_path))
    assert proc.returncode == 0 and "nothing to fix" in proc.stdout
    assert _tree(tmp_path) == before


def _by_id(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return {item["id"]: item for item in doc[key]}


def _density_score(doc: dict[str, Any], check: str, remaining: int, zero_at: float) -> float:
    """What scoring gives a density check with ``remaining`` findings in the same lines."""
    explanation = _by_id(doc, "checks")[check]["explanation"]
    lines = int(explanation.split(" in ", 1)[1].split(" lines", 1)[0].replace(" ", ""))
    return score_measure(Density(remaining, lines, "x", zero_at)).score or 0.0


def test_sample_service_fix_then_scan_raises_the_scores_by_what_was_fixed(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    shutil.copytree(SAMPLE, root)
    before = scan_json(root)
    fixable = [f for f in before["findings"] if f.get("fixable")]
    assert {f["check"] for f in fixable} >= {"print-call", "missing-timeout", "default-secret", "swallowed-exception"}
    proc = run_cli("fix", str(root))
    assert proc.returncode == 0, proc.stderr
    for path in {f["path"] for f in fixable}:
        compile((root / path).read_text(), path, "exec")
    after = scan_json(root)
    gone = {f["fingerprint"] for f in fixable} - {f["fingerprint"] for f in after["findings"]}
    assert len(gone) == len(fixable), "every fixable finding is fixed"
    assert not [f for f in after["findings"] if f.get("fixable")]
    assert run_cli("fix", str(root), "--check").returncode == 0

    cats_before, cats_after = _by_id(before, "categories"), _by_id(after, "categories")
    for category in ("code-quality", "secrets", "external-api", "error-handling"):
        assert cats_after[category]["score"] > cats_before[category]["score"], category
    checks_before, checks_after = _by_id(before, "checks"), _by_id(after, "checks")
    # Density checks: the new score is the measure with the remaining count in the same lines.
    for check, zero_at in (("print-call", 5.0), ("default-secret", 1.0), ("swallowed-exception", 2.0)):
        remaining = checks_before[check]["findings"] - sum(1 for f in fixable if f["check"] == check)
        assert checks_after[check]["findings"] == remaining
        assert abs(checks_after[check]["score"] - round(_density_score(after, check, remaining, zero_at), 4)) < 1e-4 \
            if remaining else checks_after[check]["score"] == 1.0
    # missing-timeout is a share: each fixed call moves from "no timeout" to "has a timeout".
    total = int(checks_before["missing-timeout"]["summary"].split(" of ")[1].split()[0])
    fixed_calls = sum(1 for f in fixable if f["check"] == "missing-timeout")
    expected = (total - checks_before["missing-timeout"]["findings"] + fixed_calls) / total
    assert abs(checks_after["missing-timeout"]["score"] - round(expected, 4)) < 1e-4
    # No other check gets worse (engines such as bandit may also stop flagging ``except: pass``).
    for cid, check in checks_before.items():
        if check["score"] is not None:
            assert checks_after[cid]["score"] >= check["score"], cid
    json.dumps(after)
