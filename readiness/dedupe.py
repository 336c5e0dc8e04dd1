"""One finding per problem: a built-in check, bandit and ruff flagging the same line once.

The same missing timeout is ``missing-timeout``, bandit's B113 and ruff's S113; the same
swallowed exception is ``swallowed-exception``, B110, S110, BLE001 and E722. Counting each of
them would score one problem three times. The engine evaluates the built-in checks first, then
the engine checks (bandit, then ruff) through ``keep``, which drops a finding whose problem on
that line is already reported; the finding that stays names the others in its message
(``also bandit B113, ruff S113``). It is one table here, not a rule in every check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from readiness.lazy_regex import lazy_compile
from readiness.model import Finding

# Built-in check -> the engine rules that report the same problem on the same line.
EQUIVALENTS: dict[str, frozenset[str]] = {
    "missing-timeout": frozenset({"bandit B113", "ruff S113"}),
    "swallowed-exception": frozenset({
        "bandit B110", "bandit B112", "ruff S110", "ruff S112", "ruff BLE001", "ruff E722",
    }),
    "hardcoded-secret": frozenset({
        "bandit B105", "bandit B106", "bandit B107", "ruff S105", "ruff S106", "ruff S107",
    }),
    "default-secret": frozenset({
        "bandit B105", "bandit B106", "bandit B107", "ruff S105", "ruff S106", "ruff S107",
    }),
}
# The engine each engine check runs (by the tool it declares); bandit first, being the more specific.
ENGINE_ORDER = ("bandit", "ruff")
# The engine checks of the built-in catalogue, for reading a result JSON.
RESULT_ENGINES = {"sast-findings": "bandit", "lint-errors": "ruff"}
_BANDIT_CODE = lazy_compile(r"B([1-9]\d\d)")
# bandit tests that report one call twice: B308 (blacklisted ``mark_safe``) and B703 (its Django
# plugin) both fire on every ``mark_safe(...)``.
_SAME_BANDIT_PROBLEM = {"B703": "B308"}


def engine_of(check: Any) -> str | None:
    """The engine behind a check (``bandit``, ``ruff``), or None for a built-in check."""
    tools = getattr(check, "tools", None) or {}
    for name in ENGINE_ORDER:
        if name in tools:
            return name
    return None


def engine_rank(check: Any) -> int:
    """Evaluation order: built-in checks (0) before bandit (1) before ruff (2)."""
    engine = engine_of(check)
    return 0 if engine is None else 1 + ENGINE_ORDER.index(engine)


def problem_of(engine: str, code: str) -> str:
    """The engine-neutral name of a rule's problem: bandit's B113 and ruff's S113 are one rule, and
    the rules a built-in check stands for (S110, E722, BLE001) are one problem."""
    builtins = _builtins_for(f"{engine} {code}")
    if builtins:
        return builtins[0]
    if engine == "bandit":
        code = _SAME_BANDIT_PROBLEM.get(code, code)
    match = _BANDIT_CODE.fullmatch(code) if engine == "bandit" else None
    return f"S{match.group(1)}" if match else code


def _builtins_for(rule: str) -> list[str]:
    return [check for check, rules in EQUIVALENTS.items() if rule in rules]


@dataclass
class OneFindingPerProblem:
    """Built-in findings seen so far, engine problems claimed, and what each kept finding stands for."""

    builtin: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (path, line) -> checks
    claimed: dict[tuple[str, int, str], tuple[str, str, str]] = field(default_factory=dict)  # -> check, code, rule
    also: dict[tuple[str, str, int, str], list[str]] = field(default_factory=dict)  # kept finding -> others

    def note_builtin(self, check_id: str, findings: Iterable[Finding]) -> None:
        """Remember where a built-in check that engines duplicate reported a problem."""
        if check_id not in EQUIVALENTS:
            return
        for finding in findings:
            self.builtin.setdefault((finding.path, finding.line), set()).add(check_id)

    def keep(self, check_id: str, engine: str, findings: Sequence[Finding]) -> list[Finding]:
        """The engine findings that are not already reported (by a built-in check, the other engine
        or this one twice): the objects themselves, in order, so a check can map them back."""
        kept: list[Finding] = []
        for finding in findings:
            code = finding.code or finding.message.split(" ", 1)[0]
            rule = f"{engine} {code}"
            here = self.builtin.get((finding.path, finding.line), set())
            owner = next((c for c in _builtins_for(rule) if c in here), None)
            if owner is not None:
                self._add_also((owner, finding.path, finding.line, ""), rule)
                continue
            problem = (finding.path, finding.line, problem_of(engine, code))
            first = self.claimed.get(problem)
            if first is not None:
                if rule != first[2]:  # the same rule twice on a line is simply one finding
                    self._add_also((first[0], finding.path, finding.line, first[1]), rule)
                continue
            self.claimed[problem] = (check_id, code, rule)
            kept.append(finding)
        return kept

    def _add_also(self, key: tuple[str, str, int, str], rule: str) -> None:
        others = self.also.setdefault(key, [])
        if rule not in others:
            others.append(rule)

    def annotate(self, findings: Iterable[Finding]) -> list[Finding]:
        """Each kept finding with the other reports of its problem named in its message."""
        out: list[Finding] = []
        for finding in findings:
            key = (finding.check, finding.path, finding.line, "" if finding.check in EQUIVALENTS else finding.code)
            others = self.also.get(key)
            if others:
                finding = replace(finding, message=f"{finding.message} (also {', '.join(sorted(others))})")
            out.append(finding)
        return out


# -- checking a result ---------------------------------------------------------------------

def _problems(finding: Mapping[str, Any]) -> set[str]:
    """The problems one finding of a result JSON stands for."""
    check, code = str(finding.get("check", "")), str(finding.get("code") or "")
    engine = RESULT_ENGINES.get(check)
    if not code or engine is None:
        return {check}
    return {problem_of(engine, code), *_builtins_for(f"{engine} {code}")}


def duplicates(result: Mapping[str, Any]) -> list[str]:
    """Places where a result JSON reports one problem twice on one line, through an engine (bandit
    or ruff) repeating a built-in check, the other engine or itself (empty when none). Two
    findings of one built-in check on a line are its own business (two routes on one line)."""
    seen: dict[tuple[str, int, str], tuple[str, bool]] = {}
    out: list[str] = []
    for finding in result.get("findings") or []:
        where = (str(finding.get("path")), int(finding.get("line") or 0))
        label = f"{finding.get('check')} {finding.get('code') or ''}".strip()
        from_engine = bool(finding.get("code")) and str(finding.get("check")) in RESULT_ENGINES
        for problem in sorted(_problems(finding)):
            first = seen.get((*where, problem))
            if first is not None and (from_engine or first[1]):
                out.append(f"{where[0]}:{where[1]}: {problem} reported by {first[0]} and {label}")
            elif first is None:
                seen[(*where, problem)] = (label, from_engine)
    return out
