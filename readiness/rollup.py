"""Re-rendering saved results: one result as scanned; several of one repository as its trend;
several repositories as one roll-up (a matrix of repositories by category).
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

from readiness import history
from readiness.reports import ReportContext, UnknownFormat, get_renderer

ROLLUP_FORMATS = ("terminal", "markdown", "html", "json")


def identity(doc: dict[str, Any]) -> str:
    target = doc.get("target", {})
    return str(target.get("name") or target.get("path") or "")


def group(docs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Results per repository, oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        out.setdefault(identity(doc), []).append(doc)
    for runs in out.values():
        runs.sort(key=lambda d: d.get("generated_at", ""))
    return out


def build(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The roll-up document: each repository's latest scan, by category, with its change."""
    grouped = group(docs)
    categories: dict[str, dict[str, Any]] = {}
    repositories = []
    for name, runs in sorted(grouped.items()):
        latest = runs[-1]
        previous = runs[-2] if len(runs) > 1 else None
        for cat in latest["categories"]:
            categories.setdefault(cat["id"], {"id": cat["id"], "name": cat["name"], "target": cat["target"]})
        prev_score = previous["overall"]["score"] if previous else None
        repositories.append({
            "name": name, "path": latest["target"]["path"], "generated_at": latest["generated_at"],
            "overall": latest["overall"], "blockers": history.blocker_ids(latest),
            "previous": prev_score, "trend": history.trend_phrase(latest["overall"]["score"], prev_score),
            "findings": len(latest.get("findings", [])),
            "categories": {c["id"]: {k: c[k] for k in ("score", "target", "status", "blockers")} for c in latest["categories"]},
        })
    applicable = [c for c in categories.values()
                  if any((r["categories"].get(c["id"]) or {}).get("score") is not None for r in repositories)]
    scores = [r["overall"]["score"] for r in repositories if r["overall"]["score"] is not None]
    return {
        "kind": "rollup",
        "generated_at": max((r["generated_at"] for r in repositories), default=""),
        "overall": {"score": round(sum(scores) / len(scores), 1) if scores else None,
                    "blockers": sum(len(r["blockers"]) for r in repositories), "repositories": len(repositories)},
        "categories": applicable or list(categories.values()),
        "repositories": repositories,
    }


def render(fmt: str, docs: list[dict[str, Any]], context: ReportContext) -> str:
    """Render saved results: a trend for one repository, a roll-up for several."""
    grouped = group(docs)
    if len(grouped) == 1:
        runs = next(iter(grouped.values()))
        past = [history.summarize(d) for d in runs[:-1]]
        context = replace(context, previous=past[-1] if past else context.previous, history=past or context.history)
        buffer = io.StringIO()
        get_renderer(fmt)(runs[-1], buffer, context)
        return buffer.getvalue()
    if fmt not in ROLLUP_FORMATS:
        raise UnknownFormat(f"a roll-up of several repositories renders as {', '.join(ROLLUP_FORMATS)}, not '{fmt}'")
    data = build(docs)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from readiness.reports import markdown

        return markdown.render_rollup(data, context)
    if fmt == "html":
        from readiness.reports import html

        return html.render_rollup(data, context)
    return render_terminal(data, context)


def render_terminal(data: dict[str, Any], context: ReportContext) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=context.color, no_color=not context.color, highlight=False,
                      width=context.width or (None if context.color else 160), soft_wrap=False)
    overall = data["overall"]
    score = "n/a" if overall["score"] is None else f"{overall['score']:.1f}%"
    console.print(Text(f"Production readiness across {overall['repositories']} repositories  {score} (mean) · "
                       f"{overall['blockers']} critical blockers open", style="bold"))
    # Categories as rows and repositories as columns: a dozen categories read down, and the
    # table stays narrow however long the category names are.
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Category")
    table.add_column("Target", justify="right")
    for repo in data["repositories"]:
        table.add_column(repo["name"], justify="right", overflow="fold")
    style = {"complete": "green", "in-progress": "yellow", "pending": "red", "n/a": "dim"}
    for cat in data["categories"]:
        cells: list[Any] = [cat["name"], f"{cat['target']:g}%"]
        for repo in data["repositories"]:
            got = repo["categories"].get(cat["id"])
            if got is None or got["score"] is None:
                cells.append(Text("n/a", style="dim"))
            else:
                cells.append(Text(f"{got['score']:.0f}%", style=style.get(got["status"], "")))
        table.add_row(*cells)
    table.add_section()
    table.add_row("Overall", "", *["n/a" if r["overall"]["score"] is None else f"{r['overall']['score']:.1f}%"
                                   for r in data["repositories"]])
    table.add_row("Trend", "", *[r["trend"] for r in data["repositories"]])
    table.add_row("Blockers", "", *[str(len(r["blockers"])) for r in data["repositories"]])
    console.print(table)
    return buffer.getvalue()
