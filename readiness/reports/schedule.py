"""The week-by-week schedule of pending work, as a lead would draw it.

Tasks are taken in priority order (blockers first, then high, medium, low; shorter first within
a priority), each starts when an engineer is free and the tasks it builds on are done, and the
team works ``team_size`` tasks at a time, five days a week. The same schedule with the low and
the high effort estimates gives the time to production as a range ("4-5 weeks").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from readiness.lazy_regex import lazy_compile

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
WEEK_DAYS = 5
UNKNOWN_EFFORT_DAYS = (1.0, 2.0)  # a task without an estimate still takes time
_EFFORT = lazy_compile(r"(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*([hdwm])", re.I)
_UNIT_DAYS = {"h": 1 / 8, "d": 1.0, "w": 5.0, "m": 20.0}

# Work that builds on other work: a check id -> the checks whose fix comes first.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "metrics-endpoint": ("metrics-exported",),
    "live-metrics": ("metrics-endpoint", "metrics-exported"),
    "correlation-ids": ("structured-logging",),
    "otel-instrumentation": ("otel-sdk",),
    "trace-exporter": ("otel-sdk",),
    "secret-rotation": ("secrets-manager",),
    "coverage-enforced": ("test-coverage", "test-suites"),
    "lint-enforced-in-ci": ("lint-errors",),
    "sast-in-ci": ("sast-findings",),
    "circuit-breaker": ("retry-policy", "missing-timeout"),
    "centralized-timeouts": ("missing-timeout",),
    "restore-procedure": ("backup-job",),
    "backup-verification": ("backup-job",),
    "backup-integrity": ("backup-job",),
    "backup-freshness": ("backup-job",),
    "dr-runbook": ("restore-procedure",),
    "mongo-transactions": ("mongo-replica-set",),
    "performance-benchmarks": ("load-tests",),
    "capacity-limits": ("load-tests",),
    "live-rate-limit": ("rate-limiting",),
}
PHASES = (
    ("immediate", "Immediate (this week)", 1, 1),
    ("short-term", "Short-term (next 2 weeks)", 2, 3),
    ("medium-term", "Medium-term (next month)", 4, 7),
    ("later", "Later", 8, 10_000),
)


def effort_days(effort: str) -> tuple[float, float] | None:
    """'2-3d' -> (2, 3) engineer-days; '4h' -> (0.5, 0.5); None when it cannot be read."""
    match = _EFFORT.search(effort or "")
    if not match:
        return None
    low = float(match.group(1))
    high = float(match.group(2) or low)
    unit = _UNIT_DAYS[match.group(3).lower()]
    return low * unit, high * unit


@dataclass
class Slot:
    start: float
    end: float
    engineer: int


def order(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Priority order: severity, then the shorter task, then category order and id."""
    return sorted(items, key=lambda i: (SEVERITY_ORDER.get(i["severity"], 9), (effort_days(i["effort"]) or (99, 99))[1],
                                        i.get("category_order", 0), i["check"]))


def _plan(items: list[dict[str, Any]], team: int, which: int) -> dict[str, Slot]:
    pending = {i["check"] for i in items}
    free = [0.0] * team
    slots: dict[str, Slot] = {}
    waiting = list(items)
    while waiting:
        for item in waiting:  # the first task in priority order whose prerequisites are scheduled
            deps = [d for d in DEPENDS_ON.get(item["check"], ()) if d in pending and d != item["check"]]
            if all(d in slots for d in deps):
                break
        else:  # a cycle in the table: take the first task regardless
            item, deps = waiting[0], []
        waiting.remove(item)
        engineer = min(range(team), key=lambda e: free[e])
        start = max([free[engineer], *(slots[d].end for d in deps if d in slots)])
        days = (effort_days(item["effort"]) or UNKNOWN_EFFORT_DAYS)[which]
        slots[item["check"]] = Slot(start, start + days, engineer)
        free[engineer] = start + days
    return slots


def build(items: Sequence[dict[str, Any]], team_size: int) -> dict[str, Any]:
    """Week, phase and prerequisites of every task, and the time to production as a range."""
    team = max(1, int(team_size))
    ordered = order(items)
    low, high = _plan(ordered, team, 0), _plan(ordered, team, 1)
    mid = {k: Slot((low[k].start + high[k].start) / 2, (low[k].end + high[k].end) / 2, high[k].engineer) for k in low}
    weeks: dict[int, list[dict[str, Any]]] = {}
    scheduled = []
    for item in sorted(ordered, key=lambda i: (mid[i["check"]].start, ordered.index(i))):
        slot = mid[item["check"]]
        week = int(slot.start // WEEK_DAYS) + 1
        after = [d for d in DEPENDS_ON.get(item["check"], ()) if d in mid]
        entry = {**item, "week": week, "after": after,
                 "phase": next(key for key, _, first, last in PHASES if first <= week <= last)}
        weeks.setdefault(week, []).append(entry)
        scheduled.append(entry)
    phases = []
    for key, label, first, last in PHASES:
        inside = [w for w in sorted(weeks) if first <= w <= last]
        if inside:
            phases.append({"key": key, "label": label, "weeks": [{"week": w, "tasks": weeks[w]} for w in inside]})
    span = (max((s.end for s in low.values()), default=0.0), max((s.end for s in high.values()), default=0.0))
    unknown = sum(1 for i in items if effort_days(i["effort"]) is None)
    return {"items": scheduled, "phases": phases, "team_size": team, "days": [round(span[0], 1), round(span[1], 1)],
            "unknown": unknown, "text": duration_text(span[0], span[1])}


def duration_text(low_days: float, high_days: float) -> str:
    """'ready now', '3-4 working days', '4-5 weeks' for a span of working days."""
    if high_days <= 0:
        return "ready now"
    if high_days <= WEEK_DAYS:
        a, b = max(1, math.ceil(low_days - 1e-9)), max(1, math.ceil(high_days - 1e-9))
        return f"{a} working day{'s' if b != 1 else ''}" if a == b else f"{a}-{b} working days"
    a, b = max(1, math.ceil(low_days / WEEK_DAYS - 1e-9)), math.ceil(high_days / WEEK_DAYS - 1e-9)
    return f"{a} week{'s' if b != 1 else ''}" if a == b else f"{a}-{b} weeks"


def trend_text(now: Sequence[float], before: Any) -> str:
    """'down from 6-8 weeks' when the previous scan's estimate differs; '' otherwise."""
    if not isinstance(before, (list, tuple)) or len(before) != 2 or not all(isinstance(v, (int, float)) for v in before):
        return ""
    old, new = duration_text(float(before[0]), float(before[1])), duration_text(now[0], now[1])
    if old == new:
        return ""
    direction = "down" if before[1] > now[1] or (before[1] == now[1] and before[0] > now[0]) else "up"
    return f"{direction} from {old}"
