"""Judging a scan against a saved result: only new findings and fallen scores count.

Findings are matched by fingerprint (check, path, the normalised line and its neighbours),
so moving code does not make old debt look new. Pure functions of two result documents.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def apply_baseline(doc: dict[str, Any], baseline: dict[str, Any], source: str) -> dict[str, Any]:
    """A copy of ``doc`` whose findings are the new ones, with a ``baseline`` section."""
    remaining = Counter(f.get("fingerprint", "") for f in baseline.get("findings", []))
    new, existing = [], 0
    for finding in doc["findings"]:
        fp = finding.get("fingerprint", "")
        if fp and remaining[fp] > 0:
            remaining[fp] -= 1
            existing += 1
        else:
            new.append({**finding, "baseline": "new"})
    fixed = []
    for finding in baseline.get("findings", []):
        fp = finding.get("fingerprint", "")
        if remaining[fp] > 0:
            remaining[fp] -= 1
            fixed.append({k: finding.get(k) for k in ("check", "path", "line", "message")})
    before = {c["id"]: c.get("score") for c in baseline.get("categories", [])}
    regressions = [
        {"id": c["id"], "name": c["name"], "score": c["score"], "baseline": before[c["id"]]}
        for c in doc["categories"]
        if c.get("score") is not None and before.get(c["id"]) is not None and c["score"] < before[c["id"]]
    ]
    out = dict(doc)
    out["findings"] = new
    out["baseline"] = {
        "source": source,
        "generated_at": baseline.get("generated_at"),
        "new": len(new),
        "existing": existing,
        "fixed": fixed,
        "regressions": regressions,
    }
    return out


def baseline_gate(doc: dict[str, Any]) -> str | None:
    info = doc.get("baseline")
    if not info:
        return None
    parts = []
    if info["new"]:
        parts.append(f"{info['new']} new finding{'s' if info['new'] != 1 else ''} since the baseline")
    for reg in info["regressions"]:
        parts.append(f"{reg['id']} fell from {reg['baseline']:.1f}% to {reg['score']:.1f}%")
    return "; ".join(parts) or None
