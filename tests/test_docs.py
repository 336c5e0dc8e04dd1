from __future__ import annotations

from pathlib import Path

from readiness.checks import BUILTIN_CHECKS
from readiness.docs import generated_docs, refresh_readme

ROOT = Path(__file__).resolve().parents[1]


def test_readme_catalogue_is_current() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert refresh_readme(text, BUILTIN_CHECKS) == text, "run `python -m readiness.docs` to refresh README.md"


def test_generated_docs_are_current() -> None:
    for rel, text in generated_docs(BUILTIN_CHECKS).items():
        path = ROOT / "docs" / rel
        assert path.is_file() and path.read_text(encoding="utf-8") == text, f"run `python -m readiness.docs` ({rel})"
    pages = {p.name for p in (ROOT / "docs" / "checks").glob("*.md")} - {"README.md"}
    assert pages == {f"{c.id}.md" for c in BUILTIN_CHECKS}
