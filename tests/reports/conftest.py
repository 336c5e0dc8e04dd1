from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-service"
FORMATS = {"json": "result.json", "markdown": "report.md", "html": "report.html", "sarif": "report.sarif",
           "junit": "report.junit.xml"}


@pytest.fixture(scope="session")
def example_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example service scanned once by the real CLI, every file format written at once."""
    base = tmp_path_factory.mktemp("example")
    repo = base / "sample-service"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".readiness"))
    out = base / "out"
    args = [arg for name in FORMATS.values() for arg in ("-o", str(out / name))]
    proc = run_cli("scan", str(repo), "--no-live", "--format", "github", *args)
    assert proc.returncode in (0, 1), proc.stderr
    texts = {fmt: (out / name).read_text(encoding="utf-8") for fmt, name in FORMATS.items()}
    return {"repo": repo, "out": out, "texts": texts, "doc": json.loads(texts["json"]), "github": proc.stdout,
            "paths": {fmt: out / name for fmt, name in FORMATS.items()}}
