"""The scan pipeline: discover files, analyse each Python file once, evaluate, score.

``analyze_file`` is a pure function of a file's bytes and the plan, so it runs in worker
processes and its result can be cached by content; everything that needs the whole project
happens afterwards, in this process, in path order, so results never depend on ``--jobs``,
the cache or the order in which workers finish.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from readiness import __version__, check_reuse, phase_cache, read_log
from readiness.analysis import FileAnalysis, PlannedCheck
from readiness.cache import Cache
from readiness.categories import BUILTIN_CATEGORIES
from readiness.checks.base import Check, Collected, Verdict
from readiness.config import ConfigError, Settings
from readiness.declared_roles import declared_roles
from readiness.dedupe import OneFindingPerProblem, engine_of, engine_rank
from readiness.file_facts import FactStore, work_out
from readiness.fileindex import FileIndex
from readiness.measures import Errored, NotApplicable
from readiness.model import CheckResult, Finding, Note, ScanResult
from readiness.profile import CLIENTS, FRAMEWORKS, profile_of
from readiness.project import Project
from readiness.repo_root import result_entry
from readiness.roles import SERVICE, SERVICE_ONLY, options_with_roles, path_role, project_roles, with_roles
from readiness.scoring import DEFAULT_SEVERITY_WEIGHTS, CategorySpec, pass_mark, score_categories, score_measure, score_overall
from readiness.source import NEEDS_PREFIX
from readiness.suppression import Suppressor
from readiness.tree_snapshot import discover_cached


class SelectionError(Exception):
    """An unknown check or category id given on the command line (exit 2)."""


# -- selection and options -----------------------------------------------------------------

def select_checks(
    checks: Sequence[type[Check]], settings: Settings, select: Sequence[str] = (), ignore: Sequence[str] = (),
) -> tuple[list[type[Check]], list[type[Check]]]:
    """(selected, deselected); an unknown id raises SelectionError."""
    categories = {c.category for c in checks} | {c.id for c in BUILTIN_CATEGORIES}
    ids = {c.id for c in checks}
    for ident in [*select, *ignore]:
        if ident not in ids and ident not in categories:
            raise SelectionError(f"unknown check or category id '{ident}' (see `readiness checks`)")
    chosen_select = list(select) or list(settings.get("select", []) or [])
    chosen_ignore = list(ignore) + list(settings.get("ignore", []) or [])
    disabled_cats = {k for k, v in (settings.data.get("categories") or {}).items() if v and v.get("enabled") is False}
    selected, deselected = [], []
    for check in checks:
        keys = {check.id, check.category}
        on = (not chosen_select or keys & set(chosen_select)) and not keys & set(chosen_ignore)
        on = on and settings.check_entry(check.id).get("enabled", True) and check.category not in disabled_cats
        (selected if on else deselected).append(check)
    return selected, deselected


def check_options(check: type[Check], settings: Settings) -> dict[str, Any]:
    given = settings.check_entry(check.id).get("options") or {}
    merged = dict(check.options)
    for key, value in given.items():
        if key not in check.options:
            line = settings.lines.get(("checks", check.id, "options", key))
            where = f":{line}" if line else ""
            known = ", ".join(sorted(check.options)) or "none"
            raise ConfigError(f"{settings.source}{where}: checks.{check.id}.options.{key}: unknown option (known: {known})")
        default = check.options[key]
        if default is not None and not _same_kind(default, value):
            line = settings.lines.get(("checks", check.id, "options", key))
            where = f":{line}" if line else ""
            raise ConfigError(
                f"{settings.source}{where}: checks.{check.id}.options.{key}: expected {type(default).__name__}"
            )
        merged[key] = value
    return merged


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def category_specs(settings: Settings, checks: Iterable[type[Check]]) -> list[CategorySpec]:
    specs: list[CategorySpec] = []
    configured = settings.data.get("categories") or {}
    seen = set()
    for cat in BUILTIN_CATEGORIES:
        entry = configured.get(cat.id) or {}
        seen.add(cat.id)
        if entry.get("enabled") is False:
            continue
        specs.append(CategorySpec(
            cat.id, entry.get("name") or cat.name, float(entry.get("target", cat.target)),
            float(entry.get("weight", cat.weight)),
        ))
    for cat_id, entry in configured.items():
        if cat_id in seen or not entry or entry.get("enabled") is False:
            continue
        specs.append(CategorySpec(cat_id, entry["name"], float(entry["target"]), float(entry.get("weight", 1.0))))
        seen.add(cat_id)
    # A plugin's check may bring a category of its own, with a default target.
    for check in checks:
        if check.category not in seen:
            specs.append(CategorySpec(check.category, check.category.replace("-", " ").title(), 100.0))
            seen.add(check.category)
    return specs


# -- the scan ------------------------------------------------------------------------------

@dataclass
class ScanRequest:
    root: Path
    settings: Settings
    checks: Sequence[type[Check]]
    deselected: Sequence[type[Check]] = ()
    live: bool | None = None
    jobs: int = 1
    cache: Cache | None = None
    progress: Callable[[int, int], None] | None = None
    suppress: bool = True  # False: --no-suppress shows every finding
    only: Sequence[str] | None = None  # analyse just these files (relative paths): the pre-commit fast path
    display_path: str | None = None  # the path as the user gave it
    deadline: float | None = None  # time.monotonic() after which checks are not started: partial results


def live_enabled(request: ScanRequest) -> bool:
    """Live probes run only when the caller says so (the CLI decides on the operator's options)."""
    return bool(request.live)


def run_scan(request: ScanRequest) -> ScanResult:
    started = time.perf_counter()
    root = request.root.resolve()
    settings = request.settings
    cache = request.cache
    if cache is not None:
        cache.bind(root)
    discovered = discover_cached(
        root,
        include=settings.get("include"),
        exclude=settings.get("exclude"),
        respect_gitignore=bool(settings.get("respect_gitignore", True)),
        cache=cache,
    )
    t_discover = time.perf_counter()
    severities = {c.id: settings.check_entry(c.id).get("severity") or c.severity for c in request.checks}
    declared = declared_roles(root, discovered.files)
    options = options_with_roles({c.id: check_options(c, settings) for c in request.checks}, settings, declared)
    plan = [PlannedCheck(c, options[c.id], severities[c.id]) for c in request.checks if c.kind == "static" and c().per_file]
    python_files = discovered.python_files
    if request.only is not None:
        wanted = set(request.only)
        python_files = [f for f in python_files if f in wanted]
    project = Project(root=root, files=tuple(discovered.files), python_files=tuple(python_files), lines=0, settings=settings)
    if not project.repository_level:  # the same files the roles are declared among: not read twice
        project.declared = declared
    index = FileIndex(root, cache, discovered.started_ns)
    index.refresh(discovered.files, discovered.signatures)
    project.facts = FactStore(cache, str(root), index.signatures, project.digests, index.racy)
    # The whole repository phase is answered from one entry when none of its inputs changed;
    # live probes and the pre-commit path (a few files) always run. The file list includes the
    # git root's repository-level files, so one added there (a new workflow) is a new input.
    cacheable = cache is not None and request.only is None and not live_enabled(request)
    key = head = ""
    if cacheable:
        head = phase_cache.input_head(
            root=root, files=project.files, settings=settings, checks=request.checks, deselected=request.deselected,
            options=options, severities=severities, suppress=request.suppress, state=_state_entry(root, cache),
            listed=discovered.listed)
        known = {rel: d for rel in python_files if (d := index.known_digest(rel)) is not None}
        if len(known) == len(python_files):
            key = phase_cache.input_key(head, index=index, files=project.files, digests=known)
    output = phase_cache.load(cache, key) if key else None
    t_analyze = time.perf_counter()
    if output is None:
        from readiness.workers import fewer_collections  # worker processes: only when the phase runs

        reuse_key = ""
        if cacheable:  # the phase's inputs but Python contents: what the stored check results stand on
            reuse_key = phase_cache.input_key(head, index=index, files=project.files, digests={},
                                              contents_of=frozenset(python_files))
        prior = check_reuse.load(cache, reuse_key)
        with phase_cache.record_opens() as opened, fewer_collections():
            output, records = _repository_phase(request, project, python_files, plan, severities, options, index, prior)
        t_analyze = output.t_analyze  # type: ignore[attr-defined]
        del output.t_analyze  # type: ignore[attr-defined]
        if cache is not None and request.only is None:
            project.facts.save(set(project.files))
        if cacheable:
            index.save(project.digests)
            complete = not _out_of_time(output.notes, output.results) and len(project.digests) == len(python_files)
            python = set(python_files)
            if complete and not index.any_racy([rel for rel in discovered.files if rel not in python]):
                support = project_roles(project).known_support()
                check_reuse.save(cache, check_reuse.Evaluated(
                    reuse_key, dict(project.digests), check_reuse.totals(project), records, *(support or (None,))))
            if complete and not index.any_racy(discovered.files):
                key = phase_cache.input_key(head, index=index, files=project.files, digests=project.digests)
                phase_cache.save(cache, key, output, opened.outside(root))
    results = output.results
    findings = output.findings
    notes: list[Note] = [*discovered.notes, *output.notes]
    project.lines = output.lines
    project.suppression_report = output.suppression_report
    t_evaluate = time.perf_counter()
    weights = dict(DEFAULT_SEVERITY_WEIGHTS)
    weights.update(settings.data.get("severity_weights") or {})
    all_checks = [*request.checks, *request.deselected]
    categories = score_categories(category_specs(settings, all_checks), results, weights)
    overall = score_overall(categories, float(settings.get("target", 80)))
    return ScanResult(
        tool_version=__version__,
        target_path=request.display_path or str(root),
        target_name=root.name,
        files=len(discovered.files),
        lines=project.lines,
        generated_at=_now(),
        overall=overall,
        categories=categories,
        checks=tuple(results),
        findings=tuple(findings),
        notes=tuple(sorted(notes, key=lambda n: (n.path, n.kind, n.message))),
        timings={
            "discover": round(t_discover - started, 4),
            "analyze": round(t_analyze - t_discover, 4),
            "evaluate": round(t_evaluate - t_analyze, 4),
            "total": round(time.perf_counter() - started, 4),
        },
        extra={
            "suppressions": {
                "enabled": request.suppress,
                "suppressed": sum(r.suppressed for r in results),
                **project.suppression_report,
            },
            "fixable": sum(1 for f in findings if f.fixable),
            "python_files": len(python_files),
            "live": live_enabled(request),
            **_completeness(notes, results),
            **result_entry(project.git_root, project.scan_prefix, project.repository_level),
            "stack": output.stack,
        },
    )


def _repository_phase(
    request: ScanRequest, project: Project, python_files: Sequence[str], plan: Sequence[PlannedCheck],
    severities: Mapping[str, str], options: Mapping[str, Mapping[str, Any]], index: FileIndex,
    prior: check_reuse.Evaluated | None = None,
) -> tuple[phase_cache.PhaseOutput, dict[str, check_reuse.CheckRecord]]:
    """Analyse every Python file (behind the per-file cache), then run every check's whole-project
    phase, taking from ``prior`` the results of checks no changed file touched; also what each check
    gave and used, for the next scan."""
    settings = request.settings
    cache = request.cache
    from readiness.workers import analyze_files

    previous: dict[str, tuple[str, FileAnalysis]] = {}
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness-tool") as tools:
        analyses = analyze_files(
            project.root, python_files, plan, jobs=request.jobs, cache=cache, progress=request.progress,
            start_tools=lambda: _start_tools(tools, project, request.checks, cache), suppress=request.suppress,
            digests=project.digests, deadline=request.deadline, index=index,
            alongside=lambda read: _work_alongside(tools, project, request.checks, read), previous=previous,
        )
        t_analyze = time.perf_counter()
        project.lines = sum(a.lines for a in analyses)
        project.app_lines = sum(a.lines for a in analyses if path_role(a.path) == SERVICE)
        project.imports = {a.path: a.imports for a in analyses if a.imports}
        project.modules = {a.path: a.modules for a in analyses if a.modules}
        project.file_roles = {a.path: a.role for a in analyses if a.role}
        notes: list[Note] = []
        for analysis in analyses:
            notes.extend(analysis.notes)
        rules = {c.id: settings.check_entry(c.id).get("ignore") or [] for c in request.checks}
        suppressor = Suppressor.build(analyses, rules, enabled=request.suppress)
        project.suppressor = suppressor
        reuse = check_reuse.reuse(prior, project.digests, {a.path: a for a in analyses}, previous,
                                  check_reuse.totals(project))
        if reuse is not None:
            reuse.fact_now = lambda rel, name, compute: project.text_fact(name, rel, compute)
            if (support := reuse.support()) is not None:
                project_roles(project).remember_support(*support)
        records: dict[str, check_reuse.CheckRecord] = {}
        results, findings = _evaluate(request, project, analyses, severities, options, suppressor, reuse, records)
    order = {c.id: i for i, c in enumerate([*request.checks, *request.deselected])}
    results.sort(key=lambda r: order[r.id])
    output = phase_cache.PhaseOutput(
        results=results,
        findings=sorted(with_roles(project, findings), key=lambda f: (f.path, f.line, f.column, f.check)),
        notes=notes, lines=project.lines, suppression_report=project.suppression_report,
        stack=_stack(project),
    )
    output.t_analyze = t_analyze  # type: ignore[attr-defined]
    return output, records


def _stack(project: Project) -> dict[str, list[str]]:
    """What the service is built with, so reports can name only the options that apply to it."""
    profile = profile_of(project)
    return {"frameworks": sorted(FRAMEWORKS[n] for n in profile.frameworks),
            "clients": sorted(CLIENTS[n] for n in profile.components if n in CLIENTS)}


def _evaluate(
    request: ScanRequest, project: Project, analyses: Sequence[FileAnalysis], severities: Mapping[str, str],
    options: Mapping[str, Mapping[str, Any]], suppressor: Suppressor,
    reuse: check_reuse.Reuse | None = None, records: dict[str, check_reuse.CheckRecord] | None = None,
) -> tuple[list[CheckResult], list[Finding]]:
    """The whole-project phase of every check; checks that judge the others (``runs_last``) go last.

    Engine checks (bandit, then ruff) follow the built-in ones, so a problem both report on one
    line is kept once, under the built-in check (``readiness.dedupe``). A check whose stored
    result still stands (``reuse``) is not run again; ``records`` receives what each check gave
    and used, for the next scan."""
    run_live = live_enabled(request)
    results: list[CheckResult] = []
    findings: list[Finding] = []
    merger = OneFindingPerProblem()
    ordered = sorted(request.checks, key=lambda c: (bool(getattr(c, "runs_last", False)), engine_rank(c)))
    # each check's analyses that hold anything for it, in path order: most files hold nothing for most checks
    holding: dict[str, list[FileAnalysis]] = {}
    for analysis in analyses:
        for check_id in {*analysis.errors, *analysis.suppressed, *analysis.outcomes}:
            holding.setdefault(check_id, []).append(analysis)
    # A per-file check that judges only the service saw each file alone; a module that only CLI
    # commands import is known only now (``Roles.cli_support``), and it is left out like a CLI.
    service_only = {c.id for c in ordered if getattr(c, "roles_note", None) == SERVICE_ONLY and c.id in holding}
    for check_cls in ordered:
        runs_last = getattr(check_cls, "runs_last", False)
        if runs_last and not project.suppression_report:
            ran = {r.id for r in results if r.status in ("pass", "fail")}
            project.suppression_report = suppressor.report(ran, {c.id for c in [*request.checks, *request.deselected]})
        engine = engine_of(check_cls)
        record = None
        if (reuse is not None and not runs_last and engine is None and check_cls.kind == "static"
                and (request.deadline is None or time.monotonic() <= request.deadline)):
            record = reuse.stands(check_cls.id)
        if record is not None:
            results.append(record.result)
            suppressor.used.update(record.marks)
            if record.dropped:
                suppressor.dropped[check_cls.id] = suppressor.dropped.get(check_cls.id, 0) + record.dropped
            merger.note_builtin(check_cls.id, record.findings)
            findings.extend(record.findings)
            if records is not None:
                records[check_cls.id] = record
            continue
        marks_before = set(suppressor.used)
        dropped_before = suppressor.dropped.get(check_cls.id, 0)
        with read_log.recording() as used, phase_cache.record_opens() as opened:
            held: Sequence[FileAnalysis] = holding.get(check_cls.id, ())
            if check_cls.id in service_only:  # what the helpers' roles were read from is this check's input too
                support = project_roles(project).cli_support()
                held = [a for a in held if a.path not in support]
            result, check_findings = _evaluate_one(
                request, project, check_cls, engine, held, severities, options, suppressor, merger, run_live)
        results.append(result)
        findings.extend(check_findings)
        if records is not None:
            facts = {key: read_log.fact_value(key) for key in used if key.count("\0") == 2}
            records[check_cls.id] = check_reuse.CheckRecord(
                result, check_findings, frozenset(used.difference(facts)), sorted(suppressor.used - marks_before),
                suppressor.dropped.get(check_cls.id, 0) - dropped_before,
                phase_cache.signatures_of(opened.outside(project.root)), facts)
    findings = merger.annotate(findings)
    if not project.suppression_report:
        ran = {r.id for r in results if r.status in ("pass", "fail")}
        project.suppression_report = suppressor.report(ran, {c.id for c in [*request.checks, *request.deselected]})
    for check_cls in request.deselected:
        results.append(CheckResult(
            id=check_cls.id, category=check_cls.category, severity=check_cls.severity, kind=check_cls.kind,
            title=check_cls.title, status="skipped", score=None, summary="not selected",
            explanation="not selected", effort=check_cls.effort,
        ))
    return results, findings


def _evaluate_one(
    request: ScanRequest, project: Project, check_cls: type[Check], engine: str | None,
    holding: Sequence[FileAnalysis], severities: Mapping[str, str], options: Mapping[str, Mapping[str, Any]],
    suppressor: Suppressor, merger: OneFindingPerProblem, run_live: bool,
) -> tuple[CheckResult, list[Finding]]:
    """One check's whole-project phase over what every file gave it: its result and its findings."""
    check = check_cls()
    severity = severities[check_cls.id]
    collected = Collected(keep=lambda fs, cid=check_cls.id, eng=engine: (
        merger.keep(cid, eng, suppressor.filter(cid, fs)[0]) if eng else suppressor.filter(cid, fs)[0]
    ))
    errors: list[str] = []
    suppressed = 0
    for analysis in holding:
        if check_cls.id in analysis.errors:
            errors.append(analysis.errors[check_cls.id])
        suppressed += analysis.suppressed.get(check_cls.id, 0)
        outcome = analysis.outcomes.get(check_cls.id)
        if outcome is None:
            continue
        collected.files_seen += 1
        for finding in analysis.findings.get(check_cls.id, ()):
            if suppressor.by_config(check_cls.id, finding.path):
                suppressed += 1
            else:
                collected.findings.append(finding)
        collected.evidence.extend(outcome.evidence)
        collected.counts.update(outcome.counts)
        if outcome.facts is not None:
            collected.facts[analysis.path] = outcome.facts
    observed_at = None
    if check_cls.kind == "live" and not run_live:
        verdict = Verdict(NotApplicable(
            "live checks are off: they run only when the operator asks (--live, --env, --config FILE or READINESS_LIVE=1)"
        ))
        status_override = "skipped"
    elif request.deadline is not None and time.monotonic() > request.deadline:
        status_override = None
        verdict = Verdict(Errored("not run: the scan reached its --timeout before this check"))
    elif check_cls.kind == "static" and not project.python_files and request.only is None:
        status_override = None  # a mistyped folder is not a perfect service
        verdict = Verdict(NotApplicable("no Python files under the scanned path"))
    else:
        status_override = None
        if check_cls.kind == "live":
            observed_at = _now()
        if errors:
            verdict = Verdict(Errored(f"check crashed on {len(errors)} file(s): {errors[0]}"))
        else:
            try:
                verdict = check.evaluate(project, collected, options[check_cls.id])
            except Exception as exc:
                verdict = Verdict(Errored(f"{type(exc).__name__}: {exc}"))
    repo_findings, _ = suppressor.filter(check_cls.id, verdict.findings)
    suppressed += suppressor.dropped.get(check_cls.id, 0)
    repo_findings = [
        Finding(f.path, f.line, f.column, check_cls.id, f.message,
                f.severity if engine and f.code and getattr(check_cls, "engine_severity", False) else severity,  # type: ignore[arg-type]
                f.fingerprint or _repo_fingerprint(check_cls.id, f), f.fixable, f.code)
        for f in repo_findings
    ]
    scored = score_measure(verdict.measure, pass_mark(severity, request.settings.check_entry(check_cls.id).get("pass_at")))
    check_findings = sorted(collected.findings + repo_findings)
    if engine is None:
        merger.note_builtin(check_cls.id, check_findings)
    status = status_override or scored.status
    evidence = tuple(sorted(set(collected.evidence) | set(verdict.evidence)))
    return CheckResult(
        id=check_cls.id, category=check_cls.category, severity=severity,  # type: ignore[arg-type]
        kind=check_cls.kind, title=check_cls.title, status=status,  # type: ignore[arg-type]
        score=scored.score if status in ("pass", "fail") else None,
        summary=verdict.summary or scored.explanation, explanation=scored.explanation,
        effort=check_cls.effort, evidence=evidence, findings=len(check_findings),
        suppressed=suppressed, observed_at=observed_at,
    ), check_findings


def _start_tools(
    pool: ThreadPoolExecutor, project: Project, checks: Sequence[type[Check]], cache: Cache | None,
) -> None:
    """Start the external engines (ruff, bandit) so they run alongside the per-file work."""
    for check in checks:
        for name, runner in check.tools.items():
            if name not in project._tools:
                project._tools[name] = pool.submit(runner, project, cache)


def _work_alongside(
    pool: ThreadPoolExecutor, project: Project, checks: Sequence[type[Check]], read: Sequence[tuple[str, bytes]],
) -> Callable[[], None] | None:
    """The shared results (``prefetch``) and the text facts the checks will ask of many files, worked
    out while worker processes analyse (the main process would only wait); the facts stop when the
    workers finish, and evaluate asks for the rest. Without workers nothing starts early: a thread
    would only contend with the main one, and a check that still stands needs none of it. The facts
    of the Python files ``read`` for the workers take their text from those bytes."""
    for check in checks:
        for name, fetch in check.prefetch.items():
            if name not in project._tools:
                project._tools[name] = pool.submit(project.started(name, fetch))
    facts = list({fact.name: fact for check in checks for fact in check.text_facts}.values())  # one each, if two declare it
    if not facts or project.facts is None:
        return None
    stop = threading.Event()
    project.lent = dict(read)
    future = pool.submit(work_out, project, facts, stop)

    def finish() -> None:
        stop.set()
        future.result()
        project.lent = {}

    return finish


def _state_entry(root: Path, cache: Cache | None) -> str:
    """The root entry that holds the cache (``.readiness`` unless configured elsewhere)."""
    if cache is not None and cache.directory.is_relative_to(root):
        parts = cache.directory.relative_to(root).parts
        if parts:
            return parts[0]
    return ".readiness"


def _out_of_time(notes: Sequence[Note], results: Sequence[CheckResult]) -> bool:
    return any("--timeout" in n.message for n in notes) or any(
        r.status == "error" and "--timeout" in (r.summary or "") for r in results)


def _completeness(notes: Sequence[Note], results: Sequence[CheckResult]) -> dict[str, Any]:
    """Whether the result covers the whole tree: files this Python cannot parse (newer syntax)
    and work cut short by the deadline make it partial, and every human report says so first."""
    newer = sorted(n.message.rsplit(NEEDS_PREFIX, 1)[1].split(" ", 1)[0] for n in notes if NEEDS_PREFIX in n.message)
    out_of_time = sum(1 for n in notes if "--timeout" in n.message) + sum(
        1 for r in results if r.status == "error" and "--timeout" in (r.summary or ""))
    if not newer and not out_of_time:
        return {}
    out: dict[str, Any] = {"partial": True}
    if newer:
        out["unread"] = {"files": len(newer), "python": newer[-1],
                         "running": f"{sys.version_info.major}.{sys.version_info.minor}"}
    if out_of_time:
        out["timed_out"] = out_of_time
    return out


def _repo_fingerprint(check: str, finding: Finding) -> str:
    raw = "\0".join([check, finding.path, finding.message])
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
