"""Live checks of backup freshness and integrity.

Sources come from ``environment.backups`` (or the check's own ``backups`` option, which takes
its place): a file glob on a mounted path, or Percona Backup for MongoDB metadata
(``admin.pbmBackups``, read through ``environment.mongodb``). The newest backup must be
younger than ``max_age``; with ``verify: true`` the newest archive must also read to its end.
"""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.live import LiveConfigError, environment_part, format_age, lazy_module, parse_duration
from readiness.live.egress import MAX_BACKUP_MATCHES
from readiness.live.redact import Redactor
from readiness.measures import Errored, NotApplicable, Share
from readiness.model import Evidence
from readiness.project import Project

_mongo_probe = lazy_module("readiness.live.mongo_probe")
_archives = lazy_module("readiness.live.archives")  # requests/pymongo load only when a live check runs

_STAMP_RE = lazy_compile(
    r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?:[T_\-. ]?(\d{2})[:\-h]?(\d{2})(?:[:\-m]?(\d{2}))?)?(?!\d)"
)
_STALE = "backups/orders-2020-01-01T02-00-00.archive.gz"


def name_timestamp(name: str) -> float | None:
    """Epoch seconds of the first date(-time) in a file name, read as UTC; None without one."""
    for match in _STAMP_RE.finditer(name):
        parts = [int(p) if p else 0 for p in match.groups()]
        try:
            stamp = datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]
        except ValueError:
            continue
        if 1990 <= stamp.year <= 2200:
            return stamp.timestamp()
    return None


@dataclass(frozen=True)
class Newest:
    path: str  # as shown
    full: str
    when: float  # epoch seconds


def glob_base(root: Path, pattern: str) -> Path:
    """The folder a backup glob may not leave: its part before the first wildcard.

    Relative patterns are also held to the scanned root; ``..`` is refused anywhere, so a
    configured glob cannot wander to ``/etc`` or another user's home.
    """
    if ".." in Path(pattern).parts:
        raise LiveConfigError(f"backup path {pattern}: '..' is not allowed")
    fixed: list[str] = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    base = Path(*fixed) if fixed else Path(".")
    if len(fixed) == len(Path(pattern).parts):
        base = base.parent
    return (base if base.is_absolute() else root / base).resolve()


def newest_file(root: Path, pattern: str, order: str) -> tuple[Newest | None, str]:
    """The newest file matching ``pattern`` (relative patterns from ``root``), or a reason.

    Matches that resolve outside the pattern's fixed folder (through a symbolic link) are
    ignored, and at most MAX_BACKUP_MATCHES paths are looked at.
    """
    base = glob_base(root, pattern)
    full_pattern = pattern if os.path.isabs(pattern) else str(root / pattern)
    best: Newest | None = None
    seen = 0
    for match in glob.iglob(full_pattern, recursive=True):
        seen += 1
        if seen > MAX_BACKUP_MATCHES:
            break
        try:
            if not Path(match).resolve().is_relative_to(base) or not os.path.isfile(match):
                continue
            when = os.path.getmtime(match) if order == "mtime" else name_timestamp(os.path.basename(match))
        except (OSError, RuntimeError):
            continue
        if when is None:
            continue
        if best is None or (when, match) > (best.when, best.full):
            shown = os.path.relpath(match, root) if not os.path.isabs(pattern) else match
            best = Newest(shown.replace(os.sep, "/"), match, when)
    if best is None:
        if order == "name" and seen:
            return None, f"no file matching {pattern} has a timestamp in its name"
        return None, f"no backup file matches {pattern}"
    return best, ""


class _BackupCheck(Check):
    kind = "live"
    options: Mapping[str, Any] = {"backups": []}

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        try:
            sources = environment_part(project, options, "backups")
            mongo = environment_part(project, {}, "mongodb")
        except LiveConfigError as exc:
            return Verdict(Errored(str(exc)))
        if not sources:
            return Verdict(NotApplicable("no backups configured (environment.backups)"))
        env = getattr(project.settings, "data", {}).get("environment") if project.settings else None
        redact = Redactor.for_environment(env, {"mongodb": mongo})
        try:
            if mongo and mongo.get("uri") and any(source.get("pbm") for source in sources):
                _mongo_probe.vet_uri(str(mongo["uri"]), allow_private=bool(mongo.get("allow_private")))
            verdict = self.judge(project, sources, mongo)
        except (LiveConfigError, _mongo_probe.MongoConfigError) as exc:
            return Verdict(Errored(redact(str(exc))))
        except Exception as exc:  # a probe bug: report it, but never with a credential in it
            return Verdict(Errored(redact(f"{type(exc).__name__}: {exc}")))
        return Verdict(
            verdict.measure, summary=redact(verdict.summary),
            evidence=tuple(Evidence(redact(e.message), e.path, e.line) for e in verdict.evidence),
        )

    def judge(self, project: Project, sources: list[dict[str, Any]], mongo: Mapping[str, Any] | None) -> Verdict:
        raise NotImplementedError


class BackupFreshness(_BackupCheck):
    id = "backup-freshness"
    category = "disaster-recovery"
    severity = "critical"
    effort = "1d"
    title = "Newest backup is recent"
    rationale = (
        "A backup job that silently stopped is discovered on the day of the restore. How old the newest "
        "backup is bounds how much data a disaster loses (the recovery point)."
    )
    remediation = (
        "Fix or schedule the backup job (CronJob running mongodump, PBM, snapshots) and alert when the "
        "newest backup is older than the recovery point objective."
    )
    scoring = "Share: backup sources whose newest backup is younger than its `max_age`."
    examples = (
        Example({"app/main.py": "x = 1\n"}, status="n/a", note="no environment.backups configured"),
        Example({"backups/nightly.archive.gz": "..."}, status="pass",
                options={"backups": [{"path": "backups/*.archive.gz", "max_age": "26h"}]},
                note="written just now (newest by modification time)"),
        Example({_STALE: "..."}, status="fail",
                options={"backups": [{"path": "backups/*.archive.gz", "max_age": "26h", "order": "name"}]},
                note="the newest backup's name says 2020-01-01"),
        Example({"app/main.py": "x = 1\n"}, status="fail",
                options={"backups": [{"path": "backups/*.archive.gz", "max_age": "26h"}]},
                note="no backup file at all"),
    )

    def judge(self, project: Project, sources: list[dict[str, Any]], mongo: Mapping[str, Any] | None) -> Verdict:
        now = time.time()
        fresh, lines, evidence = 0, [], []
        for source in sources:
            max_age = parse_duration(source.get("max_age") or "26h")
            label, when, problem = self._newest(project, source, mongo)
            if when is None:
                lines.append(problem)
                continue
            age = now - when
            if age <= max_age:
                fresh += 1
                evidence.append(Evidence(f"newest backup {label} is {format_age(max(age, 0))} old (max {source['max_age']})"))
            else:
                lines.append(f"newest backup {label} is {format_age(age)} old (max {source['max_age']})")
        summary = f"{fresh} of {len(sources)} backup sources have a backup younger than max_age"
        if lines:
            summary += ": " + "; ".join(lines)
        return Verdict(Share(fresh, len(sources), "backup sources", "have a backup younger than max_age"),
                       summary=summary, evidence=tuple(evidence))

    def _newest(self, project: Project, source: Mapping[str, Any], mongo: Mapping[str, Any] | None) -> tuple[str, float | None, str]:
        if source.get("pbm"):
            if not mongo or not mongo.get("uri"):
                raise LiveConfigError("a backup source with pbm: true needs environment.mongodb.uri")
            timeout = float(mongo["timeout"])
            try:
                doc = _mongo_probe.newest_pbm_backup(str(mongo["uri"]), timeout)
            except _mongo_probe.PyMongoError as exc:
                return "", None, f"PBM metadata not read: {_mongo_probe.describe_error(exc, timeout)}"
            if doc is None:
                return "", None, "no PBM backup with status done in admin.pbmBackups"
            when = _mongo_probe.pbm_backup_time(doc)
            if when is None:
                return "", None, f"PBM backup {str(doc.get('name', '?'))[:60]} has no timestamp"
            return f"PBM {str(doc.get('name', ''))[:60]}".strip(), when, ""
        if not source.get("path"):
            raise LiveConfigError("a backup source needs a path (a file glob) or pbm: true")
        newest, problem = newest_file(project.root, str(source["path"]), str(source.get("order") or "mtime"))
        if newest is None:
            return "", None, problem
        return newest.path, newest.when, ""


class BackupIntegrity(_BackupCheck):
    id = "backup-integrity"
    category = "disaster-recovery"
    severity = "high"
    effort = "1d"
    title = "Newest backup archive is readable"
    rationale = (
        "Truncated uploads, full disks and killed jobs leave archives that look fine until the restore. "
        "Reading the newest archive to its end catches them while older backups still exist."
    )
    remediation = (
        "Make the backup job fail loudly on errors, write to a temporary name and rename when complete, "
        "and test-restore regularly (mongorestore --dryRun reads a whole archive)."
    )
    scoring = (
        "Share: newest archives (of sources with `verify: true`) that read to the end: gzip intact, mongodump "
        "archive parsed with at least one collection; reading stops at `max_bytes` / `max_seconds`."
    )
    examples = (
        Example({"app/main.py": "x = 1\n"}, status="n/a", note="no environment.backups configured"),
        Example({"backups/orders.archive": "..."}, status="n/a",
                options={"backups": [{"path": "backups/*.archive"}]}, note="verify is not switched on"),
        Example({"backups/orders.archive": "this is not a mongodump archive\n"}, status="fail",
                options={"backups": [{"path": "backups/*.archive", "verify": True}]}, note="wrong magic number"),
        Example({"backups/orders.archive.gz": "plain text, not gzip\n"}, status="fail",
                options={"backups": [{"path": "backups/*.gz", "verify": True}]}, note="named .gz, not gzip"),
    )

    def judge(self, project: Project, sources: list[dict[str, Any]], mongo: Mapping[str, Any] | None) -> Verdict:
        chosen = [s for s in sources if s.get("verify") and s.get("path")]
        if not chosen:
            return Verdict(NotApplicable("no backup file source has verify: true"))
        good, bad, lines, evidence, capped = 0, 0, [], [], []
        for source in chosen:
            newest, problem = newest_file(project.root, str(source["path"]), str(source.get("order") or "mtime"))
            if newest is None:
                bad += 1
                lines.append(problem)
                continue
            try:
                report = _archives.inspect_archive(
                    newest.full, max_bytes=int(source["max_bytes"]), max_seconds=float(source["max_seconds"]))
            except _archives.LimitReached as exc:
                capped.append(f"{newest.path}: {exc}")
                continue
            except _archives.ArchiveError as exc:
                bad += 1
                lines.append(f"{newest.path}: {exc}")
                continue
            except OSError as exc:
                bad += 1
                lines.append(f"{newest.path}: cannot read: {exc.strerror or exc}")
                continue
            if "mongodump" in report.kind and report.collections == 0:
                bad += 1
                lines.append(f"{newest.path}: the archive holds no collections")
                continue
            good += 1
            evidence.append(Evidence(f"{newest.path}: {report.describe()}"))
        if good + bad == 0:
            return Verdict(Errored("; ".join(capped)))
        lines += [f"not judged: {c}" for c in capped]
        summary = f"{good} of {good + bad} newest backup archives read to the end"
        if lines:
            summary += ": " + "; ".join(lines)
        return Verdict(Share(good, good + bad, "newest backup archives", "read to the end"),
                       summary=summary, evidence=tuple(evidence))


CHECKS: list[type[Check]] = [BackupFreshness, BackupIntegrity]
