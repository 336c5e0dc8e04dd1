"""The terminal view, read like a linter's: findings grouped by check with one fix line each,
the failing repository-level checks with their reason, then the matrix and the headline last,
so both stay on screen after a long list.

Sample::

    Production readiness 15.0% (target 80%) · in progress · 2 critical blockers open

    missing-timeout [high] Outbound calls without a timeout: 3 findings, 2 fixable
      app/clients.py:9:16 requests.post() has no timeout [*]
      fix: Pass `timeout=` on every requests/urllib call (connect and read: `timeout=(3.05, 10)`).

    Failing checks without a line to point at:
      metrics-exported [high] no metrics library found
    Category                       Current  Target  Status       Blockers
    ...
    Production readiness 15.0% (target 80%) · ... · 35 findings, 7 fixable with `readiness fix` ([*])

Options (``context.options``, set by ``readiness scan``): ``statistics`` (one line per check:
count and fixable), ``all`` (every finding rather than the first few), ``min_severity``.
Off a terminal every finding is one line, never wrapped, so ``grep`` and editors can read it.
"""

from __future__ import annotations

from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from readiness.history import trend_phrase
from readiness.lazy_regex import lazy_compile
from readiness.reports import ReportContext, partial_notice, plan, wording

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUS_STYLE = {
    "complete": "green", "in-progress": "yellow", "pending": "red", "n/a": "dim",
    "pass": "green", "fail": "red", "error": "magenta", "skipped": "dim", "unknown": "yellow",  # nosec B105 - status names, not passwords
}
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
FIXABLE_MARK = "[*]"
PER_CHECK = 3  # findings shown per check without --all
_RULE = lazy_compile(r"^([A-Z]{1,4}\d{2,4})\b")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _severity_at_least(severity: str, floor: str | None) -> bool:
    return floor is None or SEVERITY_ORDER.get(severity, 9) <= SEVERITY_ORDER.get(floor, 9)


def _groups(findings: list[dict[str, Any]]) -> list[tuple[tuple[str, str], list[dict[str, Any]]]]:
    """Findings per check, and per rule for engine checks (bandit, ruff), worst first."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in findings:
        groups.setdefault((finding["check"], str(finding.get("code") or "")), []).append(finding)
    return sorted(groups.items(), key=lambda kv: (min(SEVERITY_ORDER.get(f["severity"], 9) for f in kv[1]), -len(kv[1]), kv[0]))


def fix_line(check: str, code: str, meta: dict[str, Any], frameworks: frozenset[str]) -> str:
    """One fix line: the rule's own advice for engine findings, else the check's remediation."""
    if code:
        from readiness.rules import rule_fix

        advice = rule_fix(code)
        if advice:
            return f"{advice} (`readiness explain {code}`)"
    text = wording.first_sentence(wording.for_frameworks(meta.get("remediation", ""), frameworks))
    return text or f"see `readiness explain {check}`"


def headline(doc: dict[str, Any], context: ReportContext) -> Text:
    """The one-line verdict; a partial scan names itself and claims neither a trend nor "0 blockers"."""
    overall = doc["overall"]
    chosen = plan.selection(doc)
    text = Text("Production readiness ", style="bold")
    if chosen["partial"]:
        text.append(f"(partial scan: {chosen['ran']} of {chosen['total']} checks) ", style="bold yellow")
    text.append(_pct(overall["score"]), style="bold " + STATUS_STYLE.get(overall["status"], ""))
    text.append(f" (target {overall['target']:g}%) · {overall['status'].replace('-', ' ')}")
    if not chosen["partial"]:
        previous = (context.previous or {}).get("overall", {}).get("score") if context.previous else None
        phrase = trend_phrase(overall["score"], previous)
        if phrase:
            text.append(f" · {phrase}")
    blockers = overall.get("blockers", 0) or 0
    if chosen["partial"] and not blockers:
        text.append(" · blockers not judged by a partial scan")
    else:
        suffix = " among the checks that ran" if chosen["partial"] else ""
        text.append(f" · {blockers} critical blocker{'s' if blockers != 1 else ''} open{suffix}",
                    style="bold red" if blockers else "")
    return text


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    console = Console(
        file=out, force_terminal=context.color, no_color=not context.color, highlight=False,
        width=context.width or (None if context.color else 100),
        soft_wrap=not context.color,  # off a terminal: one finding per line, never wrapped
    )
    options = context.options
    floor = options.get("min_severity")
    frameworks = wording.frameworks_of(doc)
    console.print(headline(doc, context))
    notice = partial_notice(doc)
    if notice:
        console.print(Text(notice, style="bold yellow"))

    checks = {c["id"]: c for c in doc["checks"]}
    shown = [f for f in doc["findings"] if _severity_at_least(f["severity"], floor)]
    if options.get("statistics"):
        _statistics(console, shown, checks)
    else:
        _findings(console, shown, checks, context, frameworks, every=bool(options.get("all")))

    _undecided(console, doc, floor)
    _repository_level(console, doc, floor)
    _baseline(console, doc, context)
    console.print()
    _matrix(console, doc)
    notes = doc.get("notes", [])
    if notes:
        kinds: dict[str, int] = {}
        for note in notes:
            kinds[note["kind"]] = kinds.get(note["kind"], 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        console.print(Text(f"notes: {summary} (see the JSON result for details)", style="dim"))
    target = doc["target"]
    console.print(Text(f"{target['path']}: {target['files']} files, {target['lines']} lines of Python", style="dim"))
    closing = headline(doc, context)
    total = len(doc["findings"])
    fixable = sum(1 for f in doc["findings"] if f.get("fixable"))
    closing.append(f" · {total} finding{'s' if total != 1 else ''}")
    if fixable:
        closing.append(f", {fixable} fixable with `readiness fix` ({FIXABLE_MARK})")
    if floor and len(shown) != total:
        closing.append(f" · {len(shown)} at {floor} or above shown")
    console.print(closing)


def _findings(console: Console, findings: list[dict[str, Any]], checks: dict[str, dict[str, Any]],
              context: ReportContext, frameworks: frozenset[str], *, every: bool) -> None:
    hidden = 0
    for (check_id, code), group in _groups(findings):
        check = checks.get(check_id, {})
        meta = context.catalogue.get(check_id, {})
        severity = min((f["severity"] for f in group), key=lambda s: SEVERITY_ORDER.get(s, 9))
        fixable = sum(1 for f in group if f.get("fixable"))
        console.print()
        head = Text()
        head.append(check_id, style="bold")
        if code:
            head.append(f" {code}", style="bold")
        head.append(f" [{severity}]", style=SEVERITY_STYLE.get(severity, ""))
        title = check.get("title") or meta.get("title") or ""
        head.append(f" {title}: {len(group)} finding{'s' if len(group) != 1 else ''}")
        if fixable:
            head.append(f", {fixable} fixable")
        console.print(head)
        limit = len(group) if every else PER_CHECK
        for finding in sorted(group, key=lambda f: (f["path"], f["line"], f["column"]))[:limit]:
            line = Text("  ")
            line.append(f"{finding['path']}:{finding['line']}:{finding['column']}", style="cyan")
            line.append(" ")
            message = finding["message"]
            if code and message.startswith(code + " "):
                message = message[len(code) + 1:]
            line.append(message)
            if finding.get("fixable"):
                line.append(f" {FIXABLE_MARK}", style="bold green")
            console.print(line)
        if len(group) > limit:
            hidden += len(group) - limit
            console.print(Text(f"  … {len(group) - limit} more (--all shows every finding)", style="dim"))
        console.print(Text(f"  fix: {fix_line(check_id, code, meta, frameworks)}", style="dim"))


def _statistics(console: Console, findings: list[dict[str, Any]], checks: dict[str, dict[str, Any]]) -> None:
    """One line per check (and rule): count, fixable mark, severity and title, as ``ruff --statistics``."""
    console.print()
    rows = []
    for (check_id, code), group in _groups(findings):
        fixable = sum(1 for f in group if f.get("fixable"))
        label = f"{check_id} {code}" if code else check_id
        title = checks.get(check_id, {}).get("title", "")
        if code:
            first = group[0]["message"]
            title = first[len(code) + 1:] if first.startswith(code + " ") else first
            title = title.split(" (severity ", 1)[0]
        rows.append((len(group), label, FIXABLE_MARK if fixable == len(group) else f"{fixable} fixable" if fixable else "",
                     group[0]["severity"], title))
    width = max((len(r[1]) for r in rows), default=0)
    for count, label, mark, severity, title in rows:
        console.print(Text(f"{count:5d}  {label:<{width}}  {mark:<10}  {severity:<8}  {title}"))


def _undecided(console: Console, doc: dict[str, Any], floor: str | None) -> None:
    """Checks that could not decide (no data) or crashed: never a score, always a reason."""
    unknown = [c for c in doc["checks"] if c["status"] in ("unknown", "error") and _severity_at_least(c["severity"], floor)]
    if not unknown:
        return
    console.print()
    console.print(Text("Not decided:", style="bold yellow"))
    for check in unknown:
        line = Text("  ")
        line.append(check["id"], style="bold")
        line.append(f" [{check['status']}] ", style=STATUS_STYLE.get(check["status"], ""))
        reason = check.get("explanation") or check.get("summary") or "no reason given"
        line.append(" ".join(str(reason).split()))
        console.print(line)


def _repository_level(console: Console, doc: dict[str, Any], floor: str | None) -> None:
    """Failing checks that have no line to point at (no metrics, no tracing, no load tests)."""
    pointless = [c for c in doc["checks"] if c["status"] == "fail" and not c.get("findings")
                 and _severity_at_least(c["severity"], floor)]
    if not pointless:
        return
    pointless.sort(key=lambda c: (SEVERITY_ORDER.get(c["severity"], 9), c["id"]))
    console.print()
    console.print(Text("Failing checks of the repository as a whole:", style="bold"))
    for check in pointless:
        line = Text("  ")
        line.append(check["id"], style="bold")
        line.append(f" [{check['severity']}] ", style=SEVERITY_STYLE.get(check["severity"], ""))
        line.append(" ".join(str(check.get("summary") or check.get("title") or "").split()))
        console.print(line)


def _baseline(console: Console, doc: dict[str, Any], context: ReportContext) -> None:
    info = doc.get("baseline")
    if not info:
        return
    from readiness.baseline import baseline_counts

    fixed = info.get("fixed") or []
    counts = baseline_counts(info)
    console.print()
    console.print(Text(f"Against the baseline {info.get('source', '')}: {counts['new']} new, "
                       f"{counts['existing']} existing, {counts['fixed']} fixed", style="bold"))
    for item in (fixed if isinstance(fixed, list) else [])[: context.top]:
        console.print(Text(f"  fixed: {item['path']}:{item['line']}  {item['check']}  {item['message']}", style="green"),
                      )
    for reg in info.get("regressions") or []:
        console.print(Text(f"  fell: {reg['name']} {reg['baseline']:.1f}% → {reg['score']:.1f}%", style="red"))


def _matrix(console: Console, doc: dict[str, Any]) -> None:
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
