"""Sentences for people: whole sentences from check metadata, trimmed to the service's framework,
and the one-line impact of each category.

Remediation texts name options for several frameworks ("prometheus-flask-exporter for Flask,
django-prometheus for Django, ..."). A reader of a FastAPI service's plan needs only the FastAPI
options, so clauses that name only frameworks the service does not use are left out. When the
frameworks are not known, the text is shown whole: a report never guesses.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from readiness.lazy_regex import lazy_compile

# A framework, and the words (also inside package names such as django-guid) that name it.
FRAMEWORK_WORDS: dict[str, tuple[str, ...]] = {
    "fastapi": ("fastapi",),
    "flask": ("flask",),
    "django": ("django", "drf"),
    "starlette": ("starlette",),
}
# Frameworks whose options also apply to another (FastAPI runs on Starlette).
_ALSO_USES = {"fastapi": {"starlette"}}
_ABBREVIATION_END = lazy_compile(r"(?<![\w.])(e\.g|i\.e|etc|vs|cf|approx|incl)$", re.IGNORECASE)

CATEGORY_IMPACT: dict[str, str] = {
    "database-security": "An injectable or unscoped query exposes one tenant's data to another, or all of it to an attacker.",
    "error-handling": "Errors that are swallowed or leak as stack traces hide failures and expose internals.",
    "monitoring": "Without health checks and metrics, an outage is found by users before the team.",
    "testing": "Untested paths break in production first; refactoring stays risky.",
    "secrets": "A default or leaked secret hands an attacker the keys to the service.",
    "tracing": "A slow or failing request cannot be followed across services.",
    "db-transactions": "Partial writes leave data inconsistent; connection failures become outages.",
    "code-quality": "Leftover debug output and unfinished code slow down every fix.",
    "api": "Clients break on changes and one heavy caller can exhaust the service.",
    "external-api": "One slow or failing dependency stalls or takes down the whole service.",
    "performance": "Capacity is unknown until the first traffic peak finds the limit.",
    "security-audit": "Known vulnerabilities in code and dependencies ship unnoticed.",
    "disaster-recovery": "Data lost in an incident may not come back.",
}


_DISPLAY = lazy_compile(r"\b(FastAPI|Flask|Django|Starlette)\b")


def frameworks_of(doc: dict[str, Any]) -> frozenset[str]:
    """The web frameworks the service uses: the result's ``stack.frameworks`` when present, else the
    frameworks the checks themselves name in their verdicts ("missing: FastAPI, pymongo"); none known
    otherwise, and then remediation texts are shown whole."""
    stack = doc.get("stack")
    if isinstance(stack, dict) and isinstance(stack.get("frameworks"), list):
        return frozenset(str(f).lower() for f in stack["frameworks"] if str(f).lower() in FRAMEWORK_WORDS)
    named: set[str] = set()
    for check in doc.get("checks", []):
        if check.get("status") not in ("pass", "fail"):
            continue
        texts = [check.get("summary") or "", check.get("explanation") or ""]
        texts += [e.get("message") or "" for e in check.get("evidence") or [] if isinstance(e, dict)]
        for text in texts:
            named.update(m.lower() for m in _DISPLAY.findall(str(text)))
    return frozenset(named)


def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses, brackets and code spans."""
    parts, depth, in_code, start, i = [], 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "`":
            in_code = not in_code
        elif not in_code and ch in "([":
            depth += 1
        elif not in_code and ch in ")]":
            depth = max(0, depth - 1)
        elif not in_code and depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def sentences(text: str) -> list[str]:
    """Whole sentences: never split after an abbreviation, inside parentheses or a code span."""
    text = " ".join((text or "").split())
    out: list[str] = []
    for piece in _split_top(text, ". "):
        if out and (_ABBREVIATION_END.search(out[-1]) or piece[:1].islower()):
            out[-1] = f"{out[-1]}. {piece}"
        else:
            out.append(piece)
    return [s if s.endswith((".", "!", "?", ":")) else s + "." for s in out if s]


def first_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else ""


_CAMEL = lazy_compile(r"(FastAPI|Flask|Django|Starlette)(?=[A-Z])")  # FastAPIInstrumentor, DjangoInstrumentor


def _names(clause: str) -> set[str]:
    lowered = clause.lower()
    found = {fw for fw, words in FRAMEWORK_WORDS.items() if any(re.search(rf"(?<![a-z]){w}(?![a-z])", lowered) for w in words)}
    return found | {m.lower() for m in _CAMEL.findall(clause)}


_NAME = r"[\w.-]+(?: \((?:`[^`]*`|[^()`])*\))?"  # a package, maybe with its usage in parentheses
_ALTERNATIVES = lazy_compile(rf"^(?:or |and )?({_NAME}) or ({_NAME})$")
_NAME_PHRASE = lazy_compile(rf"^(?:or |and |e\.g\. )?(?:use )?(?:{_NAME}(?: or {_NAME})?|`[^`]+`)$")
_DISPLAY_NAMES = lazy_compile(r"\b(?:FastAPI|Flask|Django|Starlette|DRF)\b")
_LEADS_WITH_FRAMEWORK = lazy_compile(r"^(?:or |and )?(?:FastAPI|Flask|Django|Starlette|DRF)\b")
_FOR_FRAMEWORK = lazy_compile(r"\b(?:for|in) (?:FastAPI|Flask|Django|Starlette)$")


def _keep(clause: str, used: frozenset[str], *, last: bool = False) -> bool:
    """Keep a list item unless it is an option for another framework only: it names that framework
    (``... for Flask``, ``Flask-Limiter (...)``) or is a bare package name (``django-guid``). The last
    item of a list may carry the sentence's verb ("..., django-filter or DRF help"), so it goes only
    when it is a name, leads with the framework or ends with "for Flask"."""
    named = _names(clause)
    if not named or named & used:
        return True
    text = clause.strip()
    if last:
        return not (_NAME_PHRASE.match(text) or _LEADS_WITH_FRAMEWORK.match(text) or _FOR_FRAMEWORK.search(text))
    return not (_DISPLAY_NAMES.search(text) or _NAME_PHRASE.match(text))


def _trim_clauses(text: str, used: frozenset[str]) -> str:
    return "; ".join(_trim_list(part, used) for part in _split_top(text, "; "))


def _trim_list(text: str, used: frozenset[str]) -> str:
    """Drop the items of a comma-separated list that name only other frameworks."""
    items = _split_top(text, ", ")
    if len(items) < 2:
        return _trim_parens(text, used)
    kept: list[str] = []
    carry = ""  # the connective of a dropped item ("or use ...") passes to the next item kept
    for n, item in enumerate(items):
        pair = _ALTERNATIVES.match(item)
        if pair and _names(item) - used:  # "Flask-Limiter (...) or django-ratelimit (...)": keep the fitting one
            fitting = [p for p in pair.groups() if _keep(p, used, last=True)]
            if len(fitting) == 1:
                item = ("or " if item.startswith("or ") else "") + fitting[0]
        if _keep(item, used, last=n == len(items) - 1):
            if carry and not item.startswith(("or ", "and ")):
                item = carry + item
            carry = ""
            kept.append(_trim_parens(item, used))
        elif n and not carry:
            carry = (re.match(r"^(?:or |and |e\.g\. )(?:use )?", item) or re.match("", item)).group(0)  # type: ignore[union-attr]
    if not kept:
        return text
    if len(kept) < len(items):
        head = items[0].split(": ", 1)[0] + ": " if ": " in items[0] and not _keep(items[0], used, last=len(items) == 1) else ""
        kept[0] = head + (kept[0][3:] if kept[0].startswith("or ") else kept[0])
        if len(kept) == 1 and kept[0].startswith("and "):
            kept[0] = kept[0][4:]
        alternatives = any(" or " in f" {item}" for item in items)
        if alternatives and len(kept) > 1 and not kept[-1].startswith(("or ", "and ")):
            return ", ".join(kept[:-1]) + " or " + kept[-1]
    return ", ".join(kept)


def _trim_parens(text: str, used: frozenset[str]) -> str:
    def inner(match: re.Match[str]) -> str:
        return "(" + _trim_clauses(match.group(1), used) + ")"

    return re.sub(r"\(([^()`]*)\)", inner, text)


def for_frameworks(text: str, frameworks: Iterable[str]) -> str:
    """``text`` without the options for frameworks the service does not use (whole when unknown)."""
    used = frozenset(frameworks)
    if not used:
        return " ".join((text or "").split())
    used = used | frozenset(x for fw in used for x in _ALSO_USES.get(fw, ()))
    out = []
    for sentence in sentences(text):
        body, end = sentence[:-1], sentence[-1]
        if _names(body) and not _names(body) & used and len(_split_top(body, ", ")) < 2:
            continue  # a sentence about another framework alone
        out.append(_trim_clauses(body, used) + end)
    return " ".join(out) if out else " ".join(text.split())


def task_parts(text: str) -> tuple[str, str]:
    """(head, rest): a remediation "Expose the registry: ..." becomes a bold task and its details."""
    head, sep, rest = text.partition(": ")
    if sep and len(head) <= 60 and "`" not in head and "(" not in head:
        return head, rest
    return "", text


def practice(check: dict[str, Any]) -> str:
    """What a passing check found in place, as a statement (never the bare check title)."""
    evidence = check.get("evidence") or []
    if evidence:
        first = evidence[0]
        where = first.get("path") or ""
        if where and first.get("line"):
            where = f"{where}:{first['line']}"
        return f"{first['message']} ({where})" if where else str(first["message"])
    summary = " ".join(str(check.get("summary") or "").split())
    if re.match(r"0 \w", summary):
        return "no " + summary[2:]
    if summary:
        return summary[0].upper() + summary[1:] if summary[:1].islower() and summary[:2] != "no" else summary
    return f"{check.get('title') or check['id']}: passes"
