"""The JSON result (SPEC §7), the document every other format is rendered from.

Sample::

    {"schema_version": 1, "tool": {"name": "readiness", "version": "0.1.0"},
     "overall": {"score": 61.5, "target": 80, "status": "in-progress", "blockers": 2}, ...}
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from readiness.reports import ReportContext


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(dumps(doc))
