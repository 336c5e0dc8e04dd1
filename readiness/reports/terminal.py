"""The terminal view: the readiness matrix, then the worst findings with ``path:line``.

Sample::

    Production readiness  61.5% (target 80%) · in-progress · 2 critical blockers
    Category                       Current  Target  Status       Blockers
    Secrets Management               50.0%    100%  in-progress         1
    ...
    app/auth.py:12:15  default-secret  JWT_SECRET has a literal fallback
        fix: read the variable without a default so the service refuses to start
"""

from __future__ import annotations

from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from readiness.history import trend_phrase
from readiness.reports import ReportContext, partial_notice

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUS_STYLE = {
    "complete": "green", "in-progress": "yellow", "pending": "red", "n/a": "dim",
    "pass": "green", "fail": "red", "error": "magenta", "skipped": "dim",  # nosec B105 - a status name, not a password
}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _first_sentence(text: str) -> str:
    head = text.split(". ")[0].strip()
    return head if head.endswith(".") else head + "."


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    console = Console(
        file=out, force_terminal=context.color, no_color=not context.color, highlight=False,
        width=context.width or (None if context.color else 100), soft_wrap=False,
    )
    overall = doc["overall"]
    header = Text("Production readiness  ", style="bold")
    header.append(_pct(overall["score"]), style="bold " + STATUS_STYLE.get(overall["status"], ""))
    header.append(f" (target {overall['target']:g}%) · {overall['status']}")
    previous = (context.previous or {}).get("overall", {}).get("score") if context.previous else None
    phrase = trend_phrase(overall["score"], previous)
    if phrase:
        header.append(f" · {phrase}")
    blockers = overall.get("blockers", 0)
    header.append(f" · {blockers} critical blocker{'s' if blockers != 1 else ''} open",
                  style="bold red" if blockers else "")
    console.print(header)
    notice = partial_notice(doc)
    if notice:
        console.print(Text(notice, style="bold yellow"))
    target = doc["target"]
    console.print(Text(f"{target['path']}: {target['files']} files, {target['lines']} lines of Python",
                       style="dim"))

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Category")
    table.add_column("Current", justify="right")
    table.add_column("Target", justify="right")
    table.add_column("Status")
    table.add_column("Blockers", justify="right")
    for cat in doc["categories"]:
        table.add_row(
            cat["name"], _pct(cat["score"]), f"{cat['target']:g}%",
            Text(cat["status"], style=STATUS_STYLE.get(cat["status"], "")),
            str(cat["blockers"]) if cat["blockers"] else "",
        )
    console.print(table)

    info = doc.get("baseline")
    if info:
        console.print(Text(
            f"Against the baseline {info['source']}: {info['new']} new, {info['existing']} existing, "
            f"{len(info['fixed'])} fixed", style="bold",
        ))
        for fixed in info["fixed"][: context.top]:
            console.print(Text(f"  fixed: {fixed['path']}:{fixed['line']}  {fixed['check']}  {fixed['message']}", style="green"))
        for reg in info["regressions"]:
            console.print(Text(f"  fell: {reg['name']} {reg['baseline']:.1f}% → {reg['score']:.1f}%", style="red"))
    errored = [c for c in doc["checks"] if c["status"] == "error"]
    for check in errored:
        console.print(Text(f"error: {check['id']}: {check['explanation']}", style="magenta"))

    findings = sorted(
        doc["findings"], key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["path"], f["line"], f["check"]),
    )
    if findings:
        shown = findings[: context.top]
        console.print()
        console.print(Text(f"Top findings ({len(shown)} of {len(findings)})", style="bold"))
        for finding in shown:
            line = Text()
            line.append(f"{finding['path']}:{finding['line']}:{finding['column']}", style="cyan")
            line.append(f"  {finding['check']}", style=STATUS_STYLE.get("fail", ""))
            line.append(f" [{finding['severity']}]  ", style="dim")
            line.append(finding["message"])
            console.print(line)
            meta = context.catalogue.get(finding["check"])
            if meta and meta.get("remediation"):
                console.print(Text(f"    fix: {_first_sentence(meta['remediation'])}", style="dim"))
    fixable = sum(1 for f in doc["findings"] if f.get("fixable"))
    if fixable:
        console.print(Text(f"{fixable} of {len(findings)} findings can be repaired with `readiness fix`", style="bold"))
    notes = doc.get("notes", [])
    if notes:
        kinds: dict[str, int] = {}
        for note in notes:
            kinds[note["kind"]] = kinds.get(note["kind"], 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        console.print(Text(f"notes: {summary} (see the JSON result for details)", style="dim"))
