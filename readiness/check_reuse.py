"""Each check's whole-project result, kept so a rescan re-evaluates only the checks an edit touched.

When the repository phase cannot be answered whole (``readiness.phase_cache``: some Python file
changed), a check's stored result still stands if nothing it used changed:

- every input but the Python files' contents is the same (the stored entry's key covers the same
  things as the phase's key, Python contents left out);
- in every changed file, what the per-file phase gave all checks (imports, modules, role,
  suppression comments) and what it gave this check (outcome, findings, errors, suppressed
  count) is equal to what it gave before;
- the check did not read a changed file (``readiness.read_log`` notes every read, including
  those answered from the project's caches and shared tool results), except through text facts
  that give the same value for the new text; it did not ask for a line total that changed; and
  no file it opened outside the root changed.

Checks that judge the others (``runs_last``), engine checks and live checks always run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from readiness.analysis import FileAnalysis
from readiness.cache import Cache
from readiness.model import CheckResult, Finding
from readiness.phase_cache import unchanged
from readiness.read_log import UNKNOWN, split_fact

_NAME = "checks"
_CHECK = "check:"  # the entry name of a check's record
TOTALS = ("\0lines", "\0app_lines")  # project.lines and project.app_lines, as read_log notes them


@dataclass
class CheckRecord:
    result: CheckResult
    findings: list[Finding]  # as the phase produced them, before roles and merging
    used: frozenset[str]  # files (relative) and totals its evaluation used, but the text facts (``facts``)
    marks: list[tuple[str, int, str]] = field(default_factory=list)  # inline suppressions it used
    dropped: int = 0  # findings the suppressor dropped for it
    outside: list[list[Any]] = field(default_factory=list)  # [path, signature or None] opened outside the root
    facts: dict[str, Any] = field(default_factory=dict)  # text fact used (read_log's key) -> the value it gave


@dataclass
class Evaluated:
    key: str
    digests: dict[str, str]  # Python file -> content digest when these results were made
    totals: dict[str, int]
    checks: dict[str, CheckRecord]
    # the modules only CLI commands import (``Roles.cli_support``) and the files working them out read
    support: frozenset[str] | None = None
    support_used: frozenset[str] = frozenset()


@dataclass
class Reuse:
    """What a scan may take from the stored results: a check's record when ``stands`` says so."""

    prior: Evaluated
    changed: frozenset[str]
    totals: dict[str, int]
    pairs: list[tuple[FileAnalysis, FileAnalysis]]  # (before, now) of each changed file
    fact_now: Callable[[str, str, Callable[[str], Any]], Any] | None = None  # (file, name, function) -> value now

    def support(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """The stored CLI-only modules and what they used, when they still hold: the import graph and the
        roles of changed files are the same (``reuse`` compared them), and no file they read changed."""
        used = self.prior.support_used
        if self.prior.support is None or UNKNOWN in used or not used.isdisjoint(self.changed):
            return None
        return self.prior.support, used

    def stands(self, check_id: str) -> CheckRecord | None:
        record = self.prior.checks.get(check_id)
        if record is None or UNKNOWN in record.used or not record.used.isdisjoint(self.changed):
            return None
        # every other use of a changed file is a text fact (``record.facts`` holds them all): it
        # stands if the new text gives the same value
        for key, value in record.facts.items():
            if key.partition("\0")[0] not in self.changed:
                continue
            fact = split_fact(key)
            if fact is None or self.fact_now is None or self.fact_now(*fact) != value:
                return None
        for total in TOTALS:
            if total in record.used and self.prior.totals.get(total) != self.totals.get(total):
                return None
        for before, now in self.pairs:
            if (before.outcomes.get(check_id) != now.outcomes.get(check_id)
                    or before.findings.get(check_id) != now.findings.get(check_id)
                    or before.errors.get(check_id) != now.errors.get(check_id)
                    or before.suppressed.get(check_id) != now.suppressed.get(check_id)):
                return None
        return record if unchanged(record.outside) else None


def totals(project: Any) -> dict[str, int]:
    """The project totals a check may ask for, under the keys ``readiness.read_log`` notes them by."""
    return {key: getattr(project, key[1:]) for key in TOTALS}


def _same_for_all(before: FileAnalysis, now: FileAnalysis) -> bool:
    """Whether the per-file phase gave every check the same shared facts of this file."""
    return (before.imports == now.imports and before.modules == now.modules and before.role == now.role
            and before.suppressions == now.suppressions)


def load(cache: Cache | None, key: str) -> Evaluated | None:
    if cache is None or not key:
        return None
    entries = cache.load(_NAME, key)
    entry = entries.get("evaluated")
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key and isinstance(entry[1], Evaluated)):
        return None
    stored: Evaluated = entry[1]
    if stored.key != key:
        return None
    records = {name[len(_CHECK):]: record for name, record in entries.items()
               if name.startswith(_CHECK) and isinstance(record, CheckRecord)}
    support = stored.support if isinstance(stored.support, frozenset) and isinstance(stored.support_used, frozenset) else None
    return Evaluated(stored.key, stored.digests, stored.totals, records, support,
                     stored.support_used if support is not None else frozenset())


def reuse(
    prior: Evaluated | None, digests: Mapping[str, str], analyses: Mapping[str, FileAnalysis],
    previous: Mapping[str, tuple[str, FileAnalysis]], totals: dict[str, int],
) -> Reuse | None:
    """The stored results a scan may draw on, or None when the changed files are not all known."""
    if prior is None or set(prior.digests) != set(digests):
        return None
    changed = frozenset(rel for rel, digest in digests.items() if prior.digests.get(rel) != digest)
    pairs = []
    for rel in sorted(changed):
        before = previous.get(rel)
        now = analyses.get(rel)
        if before is None or now is None or before[0] != prior.digests[rel] or not _same_for_all(before[1], now):
            return None
        pairs.append((before[1], now))
    return Reuse(prior, changed, totals, pairs)


def save(cache: Cache | None, evaluated: Evaluated) -> None:
    """One entry per check: a record reused from the last scan is written back as the line it was read from."""
    if cache is not None:
        head = Evaluated(evaluated.key, evaluated.digests, evaluated.totals, {}, evaluated.support, evaluated.support_used)
        records = {f"{_CHECK}{check_id}": record for check_id, record in evaluated.checks.items()}
        cache.save(_NAME, evaluated.key, {"evaluated": (evaluated.key, head), **records})
