"""Helpers of the hardening suite: run the real CLI and validate what it prints against the published schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
from helpers import run_cli

BIG_MODULE_BYTES = 20 * 1024 * 1024
MANY_FILES = 10_000


def result_schema() -> dict[str, Any]:
    return json.loads(files("readiness").joinpath("schema/result.schema.json").read_text(encoding="utf-8"))


def assert_valid_result(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, result_schema(), format_checker=jsonschema.FormatChecker())


def scan_cli(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180,
             prefix: list[str] | None = None) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """The real CLI, JSON on stdout, no cache or history; returns the process and the parsed, validated result."""
    if prefix:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
        full_env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})})
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "readiness", "scan", str(root), "--format", "json", "--no-live",
             "--no-cache", "--no-history", *args],
            env=full_env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )
    else:
        proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-cache", "--no-history", *args,
                       env=env, timeout=timeout)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    assert_valid_result(doc)
    return proc, doc


def notes_by_path(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for note in doc.get("notes", []):
        out.setdefault(note["path"], []).append(note)
    return out
