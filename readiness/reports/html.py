"""HTML: one self-contained page (no network fetches, works from file://) for people.

It shows the overall gauge, the matrix with bars against targets, the trend chart from the
history (inline SVG), the blockers and next steps, every finding (filterable by category,
severity and path with a few lines of inline JavaScript) and every check's explanation and
remediation. Autoescaped throughout: a file name or message containing markup is shown as text;
the inline JSON is escaped so that ``</script>`` cannot end its block.
"""

from __future__ import annotations

import math
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from readiness import history as history_mod
from readiness.lazy_regex import lazy_compile
from readiness.reports import ReportContext, plan

MAX_FINDINGS = 5000  # rows in the page; the rest are counted
CHART_W, CHART_H, PAD = 640, 200, 36
_CODE = lazy_compile(r"`([^`]+)`")


def prose(text: Any) -> Markup:
    """Check metadata may quote code in backticks: escape, then show those as <code>."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text or ""))))  # nosec B704 - the text is escaped first


def wbr(text: Any) -> Markup:
    """A path that may wrap only after a ``/``, never inside a name."""
    return Markup("/<wbr>".join(str(escape(part)) for part in str(text or "").split("/")))  # nosec B704 - every part is escaped


def gauge(score: float | None, target: float) -> dict[str, Any]:
    radius = 52
    circumference = 2 * math.pi * radius
    value = 0.0 if score is None else max(0.0, min(100.0, score))
    return {"r": radius, "c": round(circumference, 2), "filled": round(circumference * value / 100, 2),
            "target_angle": round(360 * max(0.0, min(100.0, target)) / 100 - 90, 2)}


def trend(doc: dict[str, Any], history: list[dict[str, Any]], current: dict[str, str] | None = None) -> dict[str, Any]:
    """Coordinates of the overall score, one point per commit: the last stored scan of each earlier
    commit, then this one (``current`` is this scan's commit and branch, when in git)."""
    current = current or {}
    past = [s for s in history_mod.per_commit(history)
            if not current.get("commit") or (s.get("git") or {}).get("commit") != current.get("commit")]
    series = [(s.get("generated_at", ""), s.get("overall", {}).get("score")) for s in past]
    series.append((doc["generated_at"], doc["overall"]["score"]))
    same_day = len({date[:10] for date, _ in series}) < len(series)
    series = [(date[5:16].replace("T", " ") if same_day else date[:10], score) for date, score in series]
    series = [(date, score) for date, score in series if score is not None]
    width, height = CHART_W - 2 * PAD, CHART_H - 2 * PAD
    step = width / max(1, len(series) - 1)
    points = [{"x": round(PAD + i * step, 1), "y": round(PAD + height * (1 - score / 100), 1), "date": date, "score": score}
              for i, (date, score) in enumerate(series)]
    target = doc["overall"]["target"]
    return {
        "points": points, "line": " ".join(f"{p['x']},{p['y']}" for p in points), "w": CHART_W, "h": CHART_H, "pad": PAD,
        "target_y": round(PAD + height * (1 - min(100, target) / 100), 1), "target": target,
        "grid": [{"y": round(PAD + height * (1 - v / 100), 1), "v": v} for v in (0, 25, 50, 75, 100)],
        "label_every": max(1, math.ceil(len(points) / 8)),
    }


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("readiness.reports", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(prose=prose, wbr=wbr, pct=lambda v: "n/a" if v is None else f"{v:.1f}%",
                       delta=lambda v: "" if not v else f"{v:+.1f}")
    return env


def page_data(doc: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    data = plan.build(doc, context, files_limit=20, evidence_limit=50)
    severity_rank = plan.SEVERITY_ORDER
    findings = sorted(doc["findings"], key=lambda f: (severity_rank.get(f["severity"], 9), f["path"], f["line"], f["check"]))
    checks = sorted(doc["checks"], key=lambda c: (data["cat_names"].get(c["category"], c["category"]),
                                                   severity_rank.get(c["severity"], 9), c["id"]))
    return {
        "plan": data, "gauge": gauge(doc["overall"]["score"], doc["overall"]["target"]),
        "trend": trend(doc, [] if data["selection"]["partial"] else context.history, context.options.get("git")),
        "findings": findings[:MAX_FINDINGS], "findings_total": len(findings), "checks": checks, "catalogue": context.catalogue,
        "severities": [s for s in plan.SEVERITY_ORDER if any(f["severity"] == s for f in findings)],
        "finding_categories": sorted({c["category"] for c in doc["checks"] if c["findings"] or c["id"] in {f["check"] for f in findings}}),
        "check_category": {c["id"]: c["category"] for c in doc["checks"]},
        "summary": {"overall": doc["overall"], "target": doc["target"], "generated_at": doc["generated_at"],
                    "categories": [{k: c[k] for k in ("id", "name", "score", "target", "status")} for c in doc["categories"]],
                    "findings": len(findings)},
    }


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(_environment().get_template("report.html.j2").render(**page_data(doc, context)))


def render_rollup(data: dict[str, Any], context: ReportContext) -> str:
    """Several repositories on one page: a matrix of repositories by category (see readiness.rollup)."""
    return _environment().get_template("rollup.html.j2").render(data=data, title=context.options.get("title"))
