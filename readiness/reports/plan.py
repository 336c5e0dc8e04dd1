"""The readiness plan: the result document rearranged as people plan work, shared by the
Markdown and HTML reports (and the roll-up) so both tell the same story.

Pending work is one item per failing check: its priority (the check's severity), effort, the
action (the first sentence of its remediation) and the files its findings point at.
"""

from __future__ import annotations

import re
from typing import Any

from readiness import history
from readiness.reports import ReportContext, partial_notice

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUS_LABEL = {"complete": "complete", "in-progress": "in progress", "pending": "pending", "n/a": "n/a"}
STATUS_ICON = {"complete": "✅", "in-progress": "🔄", "pending": "⏳", "n/a": "➖"}
_EFFORT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*([hdwm])", re.I)
_UNIT_DAYS = {"h": 1 / 8, "d": 1.0, "w": 5.0, "m": 20.0}


def effort_days(effort: str) -> tuple[float, float] | None:
    """'2-3d' -> (2, 3) engineer-days; '4h' -> (0.5, 0.5); None when it cannot be read."""
    match = _EFFORT.search(effort or "")
    if not match:
        return None
    low = float(match.group(1))
    high = float(match.group(2) or low)
    unit = _UNIT_DAYS[match.group(3).lower()]
    return low * unit, high * unit


def first_sentence(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        return ""
    head = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return head if head.endswith((".", "!", "?")) else head + "."


def _where(item: dict[str, Any]) -> str:
    path, line = item.get("path") or "", item.get("line") or 0
    return f"{path}:{line}" if path and line else path


def _estimate(items: list[dict[str, Any]], team_size: int) -> dict[str, Any]:
    low = high = 0.0
    unknown = 0
    for item in items:
        days = effort_days(item["effort"])
        if days is None:
            unknown += 1
            continue
        low += days[0]
        high += days[1]
    team = max(1, team_size)
    span_low, span_high = low / team, high / team
    if not items:
        text = "ready: no pending work"
    elif span_high <= 5:
        text = f"about {_range(span_low, span_high)} working days"
    else:
        text = f"about {_range(span_low / 5, span_high / 5)} weeks"
    if items:
        text += f" for a team of {team} ({_range(low, high)} engineer-days"
        text += f", {unknown} item{'s' if unknown != 1 else ''} without an estimate)" if unknown else ")"
    return {"low_days": round(low, 1), "high_days": round(high, 1), "team_size": team, "unknown": unknown, "text": text}


def _range(low: float, high: float) -> str:
    a, b = max(1, round(low)) if low > 0 else 0, max(1, round(high)) if high > 0 else 0
    return str(a) if a == b else f"{a}-{b}"


def build(doc: dict[str, Any], context: ReportContext, *, files_limit: int = 10, evidence_limit: int = 8) -> dict[str, Any]:
    """Everything the human reports show, computed once from the result and the history."""
    catalogue = context.catalogue
    previous = context.previous or None
    prev_score = (previous or {}).get("overall", {}).get("score") if previous else None
    prev_cats = {c["id"]: c.get("score") for c in (previous or {}).get("categories", [])}
    findings_by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in doc["findings"]:
        findings_by_check.setdefault(finding["check"], []).append(finding)
    checks_by_cat: dict[str, list[dict[str, Any]]] = {}
    for check in doc["checks"]:
        checks_by_cat.setdefault(check["category"], []).append(check)
    cat_names = {c["id"]: c["name"] for c in doc["categories"]}

    items: list[dict[str, Any]] = []
    categories: list[dict[str, Any]] = []
    for order, cat in enumerate(doc["categories"]):
        done: list[str] = []
        missing: list[str] = []
        cat_items: list[dict[str, Any]] = []
        for check in sorted(checks_by_cat.get(cat["id"], []), key=lambda c: (SEVERITY_ORDER.get(c["severity"], 9), c["id"])):
            meta = catalogue.get(check["id"], {})
            title = check.get("title") or meta.get("title") or check["id"]
            evidence = [f"{e['message']} ({_where(e)})" if _where(e) else e["message"] for e in check.get("evidence", [])]
            if check["status"] == "pass":
                done.append(title if not evidence else f"{title}: {evidence[0]}")
                done.extend(evidence[1:evidence_limit])
            elif check["status"] == "fail":
                done.extend(evidence[:evidence_limit])
                missing.append(f"{title}: {check['summary']}" if check.get("summary") else title)
                found = findings_by_check.get(check["id"], [])
                paths = sorted({f["path"] for f in found})
                item = {
                    "check": check["id"], "title": title, "severity": check["severity"],
                    "effort": check.get("effort") or meta.get("effort") or "?", "category": cat["id"],
                    "category_name": cat["name"], "category_order": order,
                    "action": first_sentence(meta.get("remediation", "")) or title + ".",
                    "summary": check.get("summary", ""), "findings": len(found),
                    "files": paths[:files_limit], "files_more": max(0, len(paths) - files_limit),
                    "blocker": check["severity"] == "critical",
                }
                cat_items.append(item)
            elif check["status"] == "error":
                missing.append(f"{title}: could not be checked ({check.get('explanation') or check.get('summary')})")
        items.extend(cat_items)
        categories.append({
            **cat, "order": order, "label": STATUS_LABEL.get(cat["status"], cat["status"]),
            "icon": STATUS_ICON.get(cat["status"], ""), "previous": prev_cats.get(cat["id"]),
            "delta": None if cat["score"] is None or prev_cats.get(cat["id"]) is None
            else round(cat["score"] - prev_cats[cat["id"]], 1),
            "done": done, "missing": missing, "todo": cat_items,
        })

    steps = sorted(items, key=lambda i: (SEVERITY_ORDER.get(i["severity"], 9), (effort_days(i["effort"]) or (999, 999))[1],
                                         i["category_order"], i["check"]))
    matrix = {
        "critical": [i for i in steps if i["severity"] == "critical"],
        "high": [i for i in steps if i["severity"] == "high"],
        "medium": [i for i in steps if i["severity"] in ("medium", "low")],
    }
    open_blockers, fixed_blockers, known_blockers = history.blocker_progress(doc, context.history)
    team_size = int(context.options.get("team_size") or 2)
    overall = doc["overall"]
    name = doc["target"].get("name") or doc["target"]["path"]
    return {
        "title": context.options.get("title") or f"Production readiness: next steps for {name}",
        "date": doc["generated_at"][:10],
        "generated_at": doc["generated_at"],
        "target": doc["target"],
        "tool": doc["tool"],
        "overall": {**overall, "previous": prev_score, "trend": history.trend_phrase(overall["score"], prev_score),
                    "label": STATUS_LABEL.get(overall["status"], overall["status"])},
        "blockers": {"open": open_blockers, "fixed": fixed_blockers, "known": known_blockers,
                     "ids": history.blocker_ids(doc), "with_history": bool(context.history or previous)},
        "categories": categories,
        "sections": {
            "complete": [c for c in categories if c["status"] == "complete"],
            "in-progress": [c for c in categories if c["status"] == "in-progress"],
            "pending": [c for c in categories if c["status"] == "pending"],
            "n/a": [c for c in categories if c["status"] == "n/a"],
        },
        "items": items,
        "steps": steps,
        "matrix": matrix,
        "estimate": _estimate(items, team_size),
        "cat_names": cat_names,
        "counts": {"findings": len(doc["findings"]), "checks": len(doc["checks"]),
                   "suppressed": sum(c.get("suppressed", 0) for c in doc["checks"]),
                   "fixable": sum(1 for f in doc["findings"] if f.get("fixable"))},
        "notes": doc.get("notes", []),
        "partial": partial_notice(doc),
    }
