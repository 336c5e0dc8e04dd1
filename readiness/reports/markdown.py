"""Markdown: a "production readiness: next steps" document, fit for a pull-request comment.

Sample::

    # Production readiness: next steps for orders
    **Date:** 2025-01-14 · **Overall:** 61.5% (up from 45.0%), target 80% · in progress
    **Critical blockers:** 1 open · 3 of 4 fixed
    ## 🔄 In progress
    ### Secrets Management: 50.0% (target 100%)
    - ✅ Secrets manager: hvac used (app/settings.py:3)
    - ❌ No literal fallbacks: 1 secret-like setting has a literal default
    - [ ] **No literal fallbacks** · priority critical · effort 1d
    ...

Everything taken from the scanned code (paths, messages) is escaped, so a hostile file name
renders as text. The document stays under GitHub's comment limit by shortening lists.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from readiness.lazy_regex import lazy_compile
from readiness.reports import ReportContext, plan

GITHUB_COMMENT_LIMIT = 65_536
BUDGET = 64_000  # characters, with room for a bot's own header
PLAN_CHARS = 14_500  # bytes: about the length of a hand-written plan; later tasks are named, not detailed
# (files per item, evidence lines per check, next steps) from generous to terse
LEVELS = ((10, 8, 40), (5, 4, 25), (3, 2, 15), (1, 1, 10), (0, 0, 10))
_ENTITY = lazy_compile(r"&(?=#?\w+;)")
_SPECIAL = lazy_compile(r"([\\`*_\[\]{}|~#!])")


def escape(value: Any) -> str:
    """Markdown-escape text from the scan: no markup, links, HTML or table breaks survive."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    text = " ".join(value.split())
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def code(value: Any) -> Markup:
    """A code span that holds any text: fences longer than any backtick run inside."""
    text = " ".join(str(value).split()).replace("|", "\u2758")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")  # nosec B704 - Markdown, not HTML: the code span is fenced


def pct(value: Any) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def delta(value: Any) -> str:
    if value is None or value == 0:
        return ""
    return f"{value:+.1f}"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("readiness.reports", "templates"), autoescape=False,  # nosec B701 - Markdown output, escaped by finalize
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=escape)
    env.filters.update(code=code, pct=pct, delta=delta, target=lambda v: Markup(f"{v:g}%"),  # nosec B704 - a number
                       trusted=lambda v: Markup(" ".join(str(v).replace("<", "&lt;").split())))  # nosec B704 - check metadata, not scan data
    return env


def render_text(doc: dict[str, Any], context: ReportContext) -> str:
    """The document at the most detailed level that fits: tasks scheduled late keep their name and
    a pointer to ``readiness explain`` when the whole plan would exceed the length of a hand-written
    one; lists shorten further to fit the comment limit."""
    template = _environment().get_template("markdown.md.j2")
    text = ""
    for files, evidence, steps in LEVELS:
        data = plan.build(doc, context, files_limit=files, evidence_limit=evidence)
        last_week = max((i["week"] or 0 for i in data["items"]), default=0)
        for detail_until in range(last_week, -1, -1):
            text = template.render(plan=data, steps_limit=steps, findings_limit=files, evidence_limit=evidence,
                                   detail_until=detail_until, budget_note=(files, evidence) != LEVELS[0][:2])
            if len(text.encode("utf-8")) <= PLAN_CHARS:
                break
        if len(text) <= BUDGET:
            return text
    cut = text[:BUDGET].rsplit("\n", 1)[0]
    return cut + "\n\n_The report was cut here to fit a comment; see the HTML or JSON report for the rest._\n"


def render(doc: dict[str, Any], out: TextIO, context: ReportContext) -> None:
    out.write(render_text(doc, context))


def render_rollup(data: dict[str, Any], context: ReportContext) -> str:
    """Several repositories in one table: repositories by category (see readiness.rollup)."""
    text = _environment().get_template("rollup.md.j2").render(data=data, title=context.options.get("title"))
    if len(text) > BUDGET:
        text = text[:BUDGET].rsplit("\n", 1)[0] + "\n\n_The table was cut here to fit a comment._\n"
    return text
