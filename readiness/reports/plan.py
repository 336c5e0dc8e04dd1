"""The readiness plan: the result document rearranged as people plan work, shared by the
Markdown and HTML reports (and the roll-up) so both tell the same story.

Pending work is one task per failing check: its priority (the check's severity), effort, the
action (its remediation, whole, trimmed to the service's framework), the files its findings
point at, and the week it is scheduled in (``readiness.reports.schedule``). What changed since
the previous scan comes from the history summary (or from ``--baseline``); a partial scan
(``--select``) is never compared with a full one.
"""

from __future__ import annotations

from typing import Any

from readiness import history
from readiness.reports import ReportContext, partial_notice, schedule, wording
from readiness.reports.schedule import SEVERITY_ORDER

STATUS_LABEL = {"complete": "complete", "in-progress": "in progress", "pending": "pending", "n/a": "n/a"}
STATUS_ICON = {"complete": "✅", "in-progress": "🔄", "pending": "⏳", "n/a": "➖"}
first_sentence = wording.first_sentence


def selection(doc: dict[str, Any]) -> dict[str, Any]:
    """Whether only some checks ran (``--select``/``--ignore``): such a scan is not compared with full ones."""
    checks = doc.get("checks", [])
    ran = sum(1 for c in checks if c.get("status") != "skipped" or c.get("summary") != "not selected")
    return {"partial": not history.is_full_scan(doc), "ran": ran, "total": len(checks)}


def _where(item: dict[str, Any]) -> str:
    path, line = item.get("path") or "", item.get("line") or 0
    return f"{path}:{line}" if path and line else path


def _task(check: dict[str, Any], meta: dict[str, Any], cat: dict[str, Any], order: int,
          found: list[dict[str, Any]], files_limit: int, frameworks: frozenset[str]) -> dict[str, Any]:
    title = check.get("title") or meta.get("title") or check["id"]
    action = wording.first_sentence(wording.for_frameworks(meta.get("remediation", ""), frameworks)) or f"Make “{title}” pass."
    head, rest = wording.task_parts(action)
    paths = sorted({f["path"] for f in found})
    return {
        "check": check["id"], "title": title, "severity": check["severity"],
        "effort": check.get("effort") or meta.get("effort") or "?", "category": cat["id"],
        "category_name": cat["name"], "category_order": order, "action": action, "head": head, "rest": rest,
        "summary": check.get("summary", "") or title, "findings": len(found),
        "fixable": sum(1 for f in found if f.get("fixable")),
        "files": paths[:files_limit], "files_more": max(0, len(paths) - files_limit),
        "blocker": check["severity"] == "critical",
    }


def _fixed(doc: dict[str, Any], previous: dict[str, Any] | None, titles: dict[str, str]) -> dict[str, Any]:
    """Checks that failed in the previous scan and pass now, checks with fewer findings, and named
    findings fixed since the baseline."""
    out: dict[str, Any] = {"checks": [], "fewer": [], "findings": [], "any": False}
    status = {c["id"]: c["status"] for c in doc["checks"]}
    counts = {c["id"]: c.get("findings", 0) for c in doc["checks"]}
    if previous:
        before_failing = previous.get("failing")
        before_counts = previous.get("check_findings") or {}
        if isinstance(before_failing, list):
            out["checks"] = [titles.get(cid, cid) for cid in before_failing if status.get(cid) == "pass"]
        if isinstance(before_counts, dict):
            for cid, before in sorted(before_counts.items()):
                now = counts.get(cid)
                if status.get(cid) == "fail" and isinstance(before, int) and isinstance(now, int) and now < before:
                    out["fewer"].append({"title": titles.get(cid, cid), "before": before, "now": now})
    baseline = doc.get("baseline") or {}
    for finding in baseline.get("fixed", []) or []:
        out["findings"].append({"where": _where(finding), "check": titles.get(finding.get("check", ""), finding.get("check", "")),
                                "message": finding.get("message", "")})
    out["any"] = bool(out["checks"] or out["fewer"] or out["findings"])
    return out


def build(doc: dict[str, Any], context: ReportContext, *, files_limit: int = 10, evidence_limit: int = 8) -> dict[str, Any]:
    """Everything the human reports show, computed once from the result and the history."""
    catalogue = context.catalogue
    chosen = selection(doc)
    previous = None if chosen["partial"] else (context.previous or None)
    past = [] if chosen["partial"] else context.history
    prev_score = previous.get("overall", {}).get("score") if previous else None
    prev_cats = {c["id"]: c.get("score") for c in (previous or {}).get("categories", [])}
    frameworks = wording.frameworks_of(doc)
    findings_by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in doc["findings"]:
        findings_by_check.setdefault(finding["check"], []).append(finding)
    checks_by_cat: dict[str, list[dict[str, Any]]] = {}
    for check in doc["checks"]:
        checks_by_cat.setdefault(check["category"], []).append(check)
    cat_names = {c["id"]: c["name"] for c in doc["categories"]}
    titles = {c["id"]: c.get("title") or catalogue.get(c["id"], {}).get("title") or c["id"] for c in doc["checks"]}

    items: list[dict[str, Any]] = []
    categories: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for order, cat in enumerate(doc["categories"]):
        in_place: list[str] = []
        cat_items: list[dict[str, Any]] = []
        for check in sorted(checks_by_cat.get(cat["id"], []), key=lambda c: (SEVERITY_ORDER.get(c["severity"], 9), c["id"])):
            meta = catalogue.get(check["id"], {})
            if check["status"] == "pass":
                in_place.append(wording.practice(check))
            elif check["status"] == "fail":
                for e in (check.get("evidence") or [])[:evidence_limit]:
                    in_place.append(f"{e['message']} ({_where(e)})" if _where(e) else e["message"])
                cat_items.append(_task(check, meta, cat, order, findings_by_check.get(check["id"], []), files_limit, frameworks))
            elif check["status"] == "unknown":
                unknown.append({"check": check["id"], "title": titles[check["id"]], "category_name": cat["name"],
                                "summary": check.get("summary") or "", "how": _how_to_decide(check, meta)})
            elif check["status"] == "error":
                errors.append({"check": check["id"], "title": titles[check["id"]],
                               "reason": check.get("explanation") or check.get("summary") or "no reason given"})
        items.extend(cat_items)
        old = prev_cats.get(cat["id"])
        categories.append({
            **cat, "order": order, "label": STATUS_LABEL.get(cat["status"], cat["status"]),
            "icon": STATUS_ICON.get(cat["status"], ""), "previous": old,
            "delta": None if cat["score"] is None or old is None else round(cat["score"] - old, 1),
            "impact": wording.CATEGORY_IMPACT.get(cat["id"]) or _impact_from(cat_items, catalogue),
            "done": list(dict.fromkeys(in_place)), "todo": cat_items,
            "missing": [f"{i['title']}: {i['summary']}" for i in cat_items],
        })

    team_size = int(context.options.get("team_size") or 2)
    plan_schedule = schedule.build(items, team_size)
    week_of = {i["check"]: i["week"] for i in plan_schedule["items"]}
    for item in items:
        item["week"] = week_of.get(item["check"])
    steps = schedule.order(items)
    matrix = {
        "critical": [i for i in steps if i["severity"] == "critical"],
        "high": [i for i in steps if i["severity"] == "high"],
        "medium": [i for i in steps if i["severity"] in ("medium", "low")],
    }
    open_blockers, fixed_blockers, known_blockers = history.blocker_progress(doc, past)
    overall = doc["overall"]
    name = doc["target"].get("name") or doc["target"]["path"]
    estimate = {**plan_schedule, "trend": schedule.trend_text(plan_schedule["days"], (previous or {}).get("estimate_days"))}
    working = [c for c in categories if c["todo"]]
    working.sort(key=lambda c: (min(SEVERITY_ORDER.get(i["severity"], 9) for i in c["todo"]),
                                c["score"] if c["score"] is not None else 0, c["order"]))
    return {
        "title": context.options.get("title") or f"Production readiness: next steps for {name}",
        "date": doc["generated_at"][:10],
        "generated_at": doc["generated_at"],
        "target": doc["target"],
        "tool": doc["tool"],
        "selection": chosen,
        "overall": {**overall, "previous": prev_score, "trend": history.trend_phrase(overall["score"], prev_score),
                    "label": STATUS_LABEL.get(overall["status"], overall["status"])},
        "blockers": {"open": open_blockers, "fixed": fixed_blockers, "known": known_blockers,
                     "ids": history.blocker_ids(doc), "list": matrix["critical"],
                     "with_history": bool(past or previous)},
        "fixed": _fixed(doc, previous, titles),
        "baseline": _baseline_counts(doc),
        "unknown": unknown,
        "errors": errors,
        "categories": categories,
        "working": working,
        "sections": {
            "complete": [c for c in categories if c["status"] == "complete"],
            "in-progress": [c for c in categories if c["status"] == "in-progress"],
            "pending": [c for c in categories if c["status"] == "pending"],
            "n/a": [c for c in categories if c["status"] == "n/a"],
        },
        "settled": [c for c in categories if not c["todo"] and c["status"] != "n/a" and c["done"]],
        "items": items,
        "steps": steps,
        "matrix": matrix,
        "schedule": plan_schedule,
        "estimate": estimate,
        "cat_names": cat_names,
        "frameworks": sorted(frameworks),
        "counts": {"findings": len(doc["findings"]), "checks": len(doc["checks"]),
                   "suppressed": sum(c.get("suppressed", 0) for c in doc["checks"]),
                   "fixable": sum(1 for f in doc["findings"] if f.get("fixable"))},
        "notes": doc.get("notes", []),
        "partial": partial_notice(doc),
    }


def _how_to_decide(check: dict[str, Any], meta: dict[str, Any]) -> str:
    """What the check needs to decide: its own explanation, else the first sentence of its remediation."""
    summary = " ".join(str(check.get("summary") or "").split())
    if len(summary) > 100:  # the summary already says how to provide the data
        return ""
    text = " ".join(str(check.get("explanation") or "").split())
    if text and text != summary:
        return text
    return wording.first_sentence(meta.get("remediation", ""))


def _impact_from(items: list[dict[str, Any]], catalogue: dict[str, dict[str, Any]]) -> str:
    """A category without a built-in impact line (added in configuration) speaks through its worst check."""
    for item in items:
        rationale = catalogue.get(item["check"], {}).get("rationale")
        if rationale:
            return wording.first_sentence(rationale)
    return ""


def _baseline_counts(doc: dict[str, Any]) -> dict[str, Any] | None:
    """"N new, M existing, K fixed" against a baseline, from the result's ``baseline`` section."""
    info = doc.get("baseline")
    if not isinstance(info, dict):
        return None
    from readiness.baseline import baseline_counts

    return {**baseline_counts(info), "source": info.get("source", "")}
