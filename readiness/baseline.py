"""Judging a scan against a saved result: only new findings and fallen scores count.

Findings are matched within one check, file and engine code, never by the line's text or
number: moving code, rewording a flagged line or a ``readiness fix`` next to it does not make
old debt look new. Among several candidates the same message wins, then the same context
(the scan's fingerprint), then line order, so a copy added above old debt is the one reported
as new. The fingerprints written to SARIF and GitLab are the check, path, code and message
with a rank, again without the line's text. Pure functions of result documents.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

STATES = ("new", "existing", "fixed")


def identity(finding: dict[str, Any]) -> str:
    """What a finding is, independent of where it sits and what the line says."""
    raw = "\0".join(str(finding.get(k) or "") for k in ("check", "path", "code", "message"))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def stable_fingerprints(findings: Iterable[dict[str, Any]]) -> list[str]:
    """One fingerprint per finding, in the given order: its identity plus its rank among the
    findings of that identity (by line), so fingerprints stay unique and stable across moves."""
    items = list(findings)
    order = sorted(range(len(items)), key=lambda i: (identity(items[i]), items[i].get("line", 0), items[i].get("column", 0), i))
    out = [""] * len(items)
    rank: dict[str, int] = {}
    for i in order:
        key = identity(items[i])
        rank[key] = rank.get(key, 0) + 1
        out[i] = f"{key}:{rank[key]}"
    return out


def _place(finding: dict[str, Any]) -> tuple[str, str, str]:
    return str(finding.get("check") or ""), str(finding.get("path") or ""), str(finding.get("code") or "")


def _same_message(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("message") == b.get("message")


def _same_context(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a.get("fingerprint")) and a.get("fingerprint") == b.get("fingerprint")


def _pair(current: list[dict[str, Any]], saved: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Indexes of ``current`` findings with no partner in ``saved``, and of ``saved`` ones left over.

    Findings pair up within one check, file and engine code; the same message is preferred,
    then the same context, then line order. So the counts never depend on the lines' text
    (a reworded TODO is still the old one), and a copy added among old ones is the new one."""
    groups: dict[tuple[str, str, str], tuple[list[int], list[int]]] = {}
    for i, finding in enumerate(current):
        groups.setdefault(_place(finding), ([], []))[0].append(i)
    for j, finding in enumerate(saved):
        groups.setdefault(_place(finding), ([], []))[1].append(j)
    unmatched_now: list[int] = []
    unmatched_saved: list[int] = []
    for now, before in groups.values():
        free = sorted(before, key=lambda j: (saved[j].get("line", 0), saved[j].get("column", 0)))
        rest = sorted(now, key=lambda i: (current[i].get("line", 0), current[i].get("column", 0)))
        for same in (lambda a, b: _same_message(a, b) and _same_context(a, b), _same_message, _same_context):
            left = []
            for i in rest:
                twin = next((j for j in free if same(current[i], saved[j])), None)
                if twin is None:
                    left.append(i)
                else:
                    free.remove(twin)
            rest = left
        paired = min(len(rest), len(free))
        unmatched_now.extend(rest[paired:])
        unmatched_saved.extend(free[paired:])
    return sorted(unmatched_now), sorted(unmatched_saved)


def apply_baseline(doc: dict[str, Any], baseline: dict[str, Any], source: str) -> dict[str, Any]:
    """A copy of ``doc`` whose ``findings`` are the new ones (the gate's business), with a
    ``baseline`` section holding the existing and fixed findings and the counts of each state."""
    current = list(doc["findings"])
    saved = [f for f in baseline.get("findings", []) if isinstance(f, dict)]
    new_at, gone_at = _pair(current, saved)
    new_set = set(new_at)
    new = [{**current[i], "baseline": "new"} for i in new_at]
    existing = [{**f, "baseline": "existing"} for i, f in enumerate(current) if i not in new_set]
    fixed = [
        {k: saved[j].get(k) for k in ("check", "severity", "path", "line", "column", "message", "fingerprint", "code")
         if saved[j].get(k) is not None}
        for j in gone_at
    ]
    before = {c.get("id"): c.get("score") for c in baseline.get("categories", []) if isinstance(c, dict)}
    regressions = [
        {"id": c["id"], "name": c["name"], "score": c["score"], "baseline": before[c["id"]]}
        for c in doc["categories"]
        if c.get("score") is not None and isinstance(before.get(c["id"]), (int, float)) and c["score"] < before[c["id"]]
    ]
    failing_before = {c.get("id") for c in baseline.get("checks", []) if isinstance(c, dict) and c.get("status") == "fail"}
    with_new = {f["check"] for f in new}
    check_states = {
        c["id"]: "new" if c["id"] in with_new or c["id"] not in failing_before else "existing"
        for c in doc["checks"] if c["status"] == "fail"
    }
    out = dict(doc)
    out["findings"] = new
    out["baseline"] = {
        "source": source,
        "generated_at": baseline.get("generated_at"),
        "counts": {"new": len(new), "existing": len(existing), "fixed": len(fixed)},
        "new": len(new),
        "existing": len(existing),
        "fixed": fixed,
        "existing_findings": existing,
        "failing_checks": check_states,
        "regressions": regressions,
    }
    return out


def baseline_counts(info: dict[str, Any]) -> dict[str, int]:
    """New, existing and fixed counts of a result's ``baseline`` section (older results included)."""
    counts = info.get("counts")
    if isinstance(counts, dict):
        return {state: int(counts.get(state) or 0) for state in STATES}
    fixed = info.get("fixed")
    return {"new": int(info.get("new") or 0), "existing": int(info.get("existing") or 0),
            "fixed": len(fixed) if isinstance(fixed, list) else 0}


def gate_failures(doc: dict[str, Any]) -> tuple[set[str], list[dict[str, Any]]]:
    """The check ids the baseline gate fails on (they have new findings) and the fallen categories."""
    info = doc.get("baseline") or {}
    return {f["check"] for f in doc["findings"]}, list(info.get("regressions", []))


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
