from __future__ import annotations

from pathlib import Path

from readiness.checks import BUILTIN_CHECKS
from readiness.docs import refresh_readme

ROOT = Path(__file__).resolve().parents[1]


def test_readme_catalogue_is_current() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert refresh_readme(text, BUILTIN_CHECKS) == text, "run `python -m readiness.docs` to refresh README.md"
