from __future__ import annotations

from pathlib import Path

from helpers import run_cli


def test_explain_is_short_by_default_and_whole_with_examples(tmp_path: Path) -> None:
    short = run_cli("explain", "print-call", cwd=tmp_path)
    assert short.returncode == 0, short.stderr
    text = short.stdout
    for heading in ("## Why it matters", "## How to fix it", "## Examples", "## Options"):
        assert heading in text
    assert "`readiness fix` repairs it" in text
    assert text.count("\nBad") == 1 and text.count("\nGood") == 1
    assert "more examples: `readiness explain print-call --examples`" in text
    assert "- `zero_at` (default `5.0`): " in text
    whole = run_cli("explain", "print-call", "--examples", cwd=tmp_path).stdout
    assert whole.count("\nGood") > 1 and len(whole) > len(text)
    assert "not repaired by `readiness fix`" in run_cli("explain", "load-tests", cwd=tmp_path).stdout


def test_explain_categories_and_engine_rules(tmp_path: Path) -> None:
    category = run_cli("explain", "secrets", cwd=tmp_path)
    assert category.returncode == 0 and "# secrets: Secrets Management" in category.stdout
    assert "| `default-secret` | static | critical |" in category.stdout
    bandit = run_cli("explain", "B506", cwd=tmp_path)
    assert bandit.returncode == 0 and "bandit rule (`yaml_load`)" in bandit.stdout and "yaml.safe_load()" in bandit.stdout
    ruff = run_cli("explain", "E401", cwd=tmp_path)
    assert ruff.returncode == 0 and "ruff rule (`multiple-imports-on-one-line`)" in ruff.stdout


def test_unknown_ids_get_a_suggestion(tmp_path: Path) -> None:
    proc = run_cli("explain", "print-cal", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean 'print-call'?" in proc.stderr
    proc = run_cli("explain", "secret", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean 'secrets'?" in proc.stderr
    assert run_cli("explain", "Z9999", cwd=tmp_path).returncode == 2
