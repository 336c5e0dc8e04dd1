"""The command line: parse options, call the engine and a reporter, exit with the right code.

Exit codes: 0 ok; 1 the gate failed; 2 usage or configuration error.

Each command imports what it uses when it runs: ``--version`` and ``--help`` load neither the
engine nor a check, and ``hook`` none of the repository phase.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, List, Optional

import typer

from readiness import __version__
from readiness.cli_coercion import DirectGroup
from readiness.cli_support import (
    FORMATS_HELP,
    SCAN_TIMEOUT,
    ClickException,
    NoArgsIsHelpError,
    UsageError,
    config_used,
    did_you_mean,
    flat,
    ignore_state_dir,
    usage_line,
    with_id_hint,
)

app = typer.Typer(
    cls=DirectGroup,
    add_completion=True,
    no_args_is_help=True,
    help="Audit how close a Python service is to production.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    sys.stderr.write(f"readiness: {with_id_hint(message)}\n")


def _split_ids(values: Optional[List[str]]) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"readiness {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Audit how close a Python service is to production."""


@app.command()
def scan(
    path: Path = typer.Argument(Path("."), help="Repository to scan."),
    fmt: str = typer.Option("terminal", "--format", "-f", help=FORMATS_HELP),
    output: Optional[List[Path]] = typer.Option(None, "--output", "-o", help="Also write a report; format from the extension. Repeatable."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0, max=100,
                                               help="Exit 1 when the overall score is below N (0-100)."),
    fail_on_targets: bool = typer.Option(False, "--fail-on-targets", help="Exit 1 when any category is below its target."),
    live: Optional[bool] = typer.Option(None, "--live/--no-live", help="Run the live environment checks (default: when configured)."),
    env: Optional[List[str]] = typer.Option(None, "--env", help="Live environment KEY=VALUE, e.g. http.base_url=URL (repeatable)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these check or category ids (comma separated)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these check or category ids (comma separated)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes (default: all cores)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ignore and do not write the per-file cache."),
    no_suppress: bool = typer.Option(False, "--no-suppress", help="Show suppressed findings too."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file (default: readiness.yaml or pyproject.toml)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on stdout; only the exit code and files speak."),
    no_history: bool = typer.Option(False, "--no-history", help="Do not record this scan in the history."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="A saved JSON result: report and gate only on what is new."),
    compare: Optional[Path] = typer.Option(None, "--compare",
                                           help="A saved JSON result (e.g. the default branch's): the trend is shown against it."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let live probes reach loopback, private and link-local addresses."),
    allow_errors: bool = typer.Option(False, "--allow-errors", help="A check that errors does not fail the gate."),
    timeout: float = typer.Option(SCAN_TIMEOUT, "--timeout", help="Seconds the whole scan may take; then it reports what it has."),
    plugin: Optional[List[str]] = typer.Option(None, "--plugin", help="Load checks from this installed module (repeatable)."),
    coverage: Optional[List[Path]] = typer.Option(
        None, "--coverage", help="Coverage data from elsewhere (coverage.xml, coverage.json, .coverage), e.g. a CI artifact. Repeatable."),
    statistics: bool = typer.Option(False, "--statistics", help="Terminal: one line per check (count, fixable) instead of the findings."),
    show_all: bool = typer.Option(False, "--all", help="Terminal: every finding, not the first few of each check."),
    min_severity: Optional[str] = typer.Option(None, "--min-severity",
                                               help="Terminal: findings and checks of this severity or worse (critical|high|medium|low)."),
) -> None:
    """Scan a repository and print its readiness matrix.

    Live probes run only when the operator asks: --live, --env, --config FILE or READINESS_LIVE=1.
    A configuration found in the scanned repository never turns them on by itself.
    """
    from readiness.baseline import apply_baseline, baseline_gate
    from readiness.config import ConfigError
    from readiness.engine import ScanRequest, SelectionError, run_scan, select_checks
    from readiness.history import ScanHistory, summarize
    from readiness.live import apply_overrides
    from readiness.outputs import safe_document
    from readiness.registry import PluginError
    from readiness.reports import ReportContext, UnknownFormat, format_for_path, is_format, unknown_format
    from readiness.runner import (
        catalogue,
        color_wanted,
        errors_gate,
        gate,
        live_wanted,
        open_cache,
        prepare,
        render_to_string,
        scan_progress,
        write_outputs,
    )

    root = path
    if min_severity is not None and min_severity not in ("critical", "high", "medium", "low"):
        _err(f"--min-severity must be critical, high, medium or low, not '{min_severity}'")
        raise typer.Exit(EXIT_USAGE)
    base_doc = _load_result_or_exit(baseline) if baseline is not None else None
    compare_doc = _load_result_or_exit(compare) if compare is not None else None
    if not root.exists():
        _err(f"path does not exist: {root}")
        raise typer.Exit(EXIT_USAGE)
    if not root.is_dir():
        _err(f"not a directory: {root}")
        raise typer.Exit(EXIT_USAGE)
    if config is not None and not config.is_file():
        _err(f"configuration file not found: {config}")
        raise typer.Exit(EXIT_USAGE)
    for data in coverage or []:
        if not data.is_file():
            _err(f"coverage data file not found: {data}")
            raise typer.Exit(EXIT_USAGE)
    try:
        prepared = prepare(root, config, plugins=list(plugin or []), allow_private=allow_private)
        if coverage:
            prepared.settings.operator = replace(prepared.settings.operator, coverage=tuple(str(p.resolve()) for p in coverage))
        apply_overrides(prepared.settings, list(env or []))
        run_live = live_wanted(live, prepared.settings, explicit_config=config is not None, env_pairs=bool(env))
        if not is_format(fmt):
            raise unknown_format(fmt)
        for out in output or []:
            format_for_path(str(out))
        selected, deselected = select_checks(prepared.checks, prepared.settings, _split_ids(select), _split_ids(ignore))
        request = ScanRequest(
            root=root, settings=prepared.settings, checks=selected, deselected=deselected, live=run_live,
            display_path=str(path), deadline=time.monotonic() + max(timeout, 0.0),
            jobs=jobs if jobs is not None else int(prepared.settings.get("jobs", 0) or 0),
            cache=open_cache(root, prepared.settings, enabled=not no_cache), suppress=not no_suppress,
        )
        with scan_progress(enabled=not quiet) as progress:
            request.progress = progress
            result = run_scan(request)
    except (ConfigError, PluginError, SelectionError, UnknownFormat) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    full_doc = safe_document(result.to_dict(), prepared.settings.expanded)
    if select or ignore:  # a partial scan: reports do not compare it with full scans, history does not keep it
        full_doc["selection"] = {"select": _split_ids(select), "ignore": _split_ids(ignore)}
    unused_config = config_used(full_doc, root, prepared.settings.source)
    if unused_config:
        _err(f"note: {unused_config}")
    doc = apply_baseline(full_doc, base_doc, str(baseline)) if base_doc is not None else full_doc
    past = ScanHistory(root, prepared.settings)
    context = ReportContext(catalogue=catalogue(prepared.checks), color=color_wanted(sys.stdout), **past.context_fields())
    if compare_doc is not None:  # the trend against a saved result rather than this machine's history
        context.previous = summarize(compare_doc)
    context.options.update(statistics=statistics, all=show_all, min_severity=min_severity)
    try:
        write_outputs(output or [], doc, context)
    except OSError as exc:
        _err(f"cannot write report: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not quiet:
        sys.stdout.write(render_to_string(fmt, doc, context))
        sys.stdout.flush()
    warning = None if no_history else past.record(full_doc)
    if warning:
        _err(f"warning: {warning}")
    ignore_state_dir(root)
    threshold = fail_under if fail_under is not None else prepared.settings.get("fail_under")
    targets = fail_on_targets or bool(prepared.settings.get("fail_on_targets"))
    if not full_doc.get("python_files"):
        _err(f"warning: no Python files under {path}: nothing was judged")
        if base_doc is not None or threshold is not None or targets:
            _err("gate not applied: there was nothing to judge")
            raise typer.Exit(EXIT_USAGE)
    gated = base_doc is not None or threshold is not None or targets
    reason = errors_gate(doc) if gated and not allow_errors else None
    if reason is None:
        reason = baseline_gate(doc) if base_doc is not None else gate(doc, threshold, targets)
    if reason:
        _err(f"gate failed: {reason}")
        raise typer.Exit(EXIT_GATE)


@app.command("checks")
def list_checks(
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file (for plugins)."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
) -> None:
    """List every check with its category, severity and title."""
    from readiness.runner import color_wanted

    checks = _checks_or_exit(config)
    if as_json:
        sys.stdout.write(json.dumps([c.metadata() for c in checks], indent=2) + "\n")
        return
    from rich.console import Console

    console = Console(highlight=False, no_color=not color_wanted(sys.stdout), width=120 if not sys.stdout.isatty() else None)
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("id", "category", "kind", "severity", "effort", "title"):
        table.add_column(column)
    for check in sorted(checks, key=lambda c: (c.category, c.id)):
        table.add_row(check.id, check.category, check.kind, check.severity, check.effort, check.title)
    console.print(table)


@app.command()
def explain(
    check_id: str = typer.Argument(..., metavar="ID", help="A check id, a category id, a bandit/ruff rule id (B506, E401), or `roles`."),
    examples: bool = typer.Option(False, "--examples", help="The whole page: every example, what counts, which files count."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file (for plugins)."),
) -> None:
    """Explain a check (what, why, one bad and one good example, the fix, options), a category or an engine rule."""
    if check_id == "roles":
        from readiness.roles import roles_markdown

        sys.stdout.write(roles_markdown())
        return
    from readiness.docs import category_markdown, explain_markdown

    checks = {c.id: c for c in _checks_or_exit(config)}
    check = checks.get(check_id)
    if check is not None:
        sys.stdout.write(explain_markdown(check, examples=examples))
        return
    page = category_markdown(check_id, checks.values())
    if page is None:
        from readiness.rules import rule_markdown

        page = rule_markdown(check_id.upper(), examples=examples)
    if page is None:
        categories = {c.category for c in checks.values()}
        hint = did_you_mean(check_id, [*checks, *categories, "roles"])
        _err(f"unknown check, category or rule id '{check_id}'{hint} (see `readiness checks`)")
        raise typer.Exit(EXIT_USAGE)
    sys.stdout.write(page)


@app.command()
def init(
    path: Path = typer.Argument(Path("."), help="Where to write readiness.yaml."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented readiness.yaml with the defaults."""
    from readiness.config import render_default_config
    from readiness.fsutil import atomic_write_text

    target = path / "readiness.yaml" if path.is_dir() else path
    if target.exists() and not force:
        _err(f"{target} already exists (use --force to overwrite)")
        raise typer.Exit(EXIT_USAGE)
    checks = _checks_or_exit(None)
    atomic_write_text(target, render_default_config(c.id for c in checks))
    sys.stdout.write(f"wrote {target}\n")


@app.command()
def report(
    results: List[Path] = typer.Argument(..., metavar="RESULT.json...", help="Saved JSON results."),
    fmt: str = typer.Option("terminal", "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration (report options, plugins)."),
) -> None:
    """Re-render saved JSON results."""
    from readiness.config import ConfigError
    from readiness.fsutil import atomic_write_text
    from readiness.history import report_options
    from readiness.registry import PluginError
    from readiness.reports import ReportContext, UnknownFormat, format_for_path
    from readiness.rollup import render as render_results
    from readiness.runner import catalogue, color_wanted, prepare

    docs = [_load_result_or_exit(path) for path in results]
    try:
        prepared = prepare(Path("."), config, scanning=False)
    except (ConfigError, PluginError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    context = ReportContext(catalogue=catalogue(prepared.checks), color=output is None and color_wanted(sys.stdout),
                            options=report_options(prepared.settings))
    try:
        chosen = format_for_path(str(output)) if output is not None and fmt == "terminal" else fmt
        text = render_results(chosen, docs, context)
    except UnknownFormat as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if output is not None:
        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


@app.command("history")
def show_history(
    path: Path = typer.Argument(Path("."), help="The scanned repository."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file (for history.path)."),
    limit: int = typer.Option(20, "--limit", "-n", help="Show the newest N scans."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored summaries as JSON."),
) -> None:
    """Show the trend of earlier scans: overall, blockers and category changes."""
    from readiness.config import ConfigError
    from readiness.history import HistoryError, ScanHistory, render_table
    from readiness.registry import PluginError
    from readiness.runner import color_wanted, prepare

    try:
        summaries = ScanHistory(path, prepare(path, config).settings).load(limit)
    except (ConfigError, PluginError, HistoryError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(json.dumps(summaries, indent=2) + "\n")
    else:
        render_table(summaries, sys.stdout, color=color_wanted(sys.stdout))


@app.command()
def fix(
    path: Path = typer.Argument(Path("."), help="Repository (or one file in it) to fix."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these fixable check ids (comma separated)."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff and change nothing; exit 1 when there is one."),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if anything would change."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file (default: readiness.yaml or pyproject.toml)."),
) -> None:
    """Repair what the scan flags and a codemod can fix (print-call, missing-timeout, default-secret, swallowed-exception)."""
    from readiness.config import ConfigError
    from readiness.engine import SelectionError
    from readiness.fix.command import FixRequest, run_fix
    from readiness.registry import PluginError
    from readiness.runner import prepare

    if not path.exists():
        _err(f"path does not exist: {path}")
        raise typer.Exit(EXIT_USAGE)
    if config is not None and not config.is_file():
        _err(f"configuration file not found: {config}")
        raise typer.Exit(EXIT_USAGE)
    root, only = path, None
    if path.is_symlink():
        _err(f"{path} is a symbolic link: readiness fix rewrites only regular files")
        raise typer.Exit(EXIT_USAGE)
    if path.is_file():
        cwd = Path.cwd().resolve()
        full = path.absolute()  # not resolved: a link in the parents must not move the root
        root = cwd if full.is_relative_to(cwd) else full.parent
        only = full.relative_to(root).as_posix()
    try:
        prepared = prepare(root, config)
        request = FixRequest(root=root, settings=prepared.settings, checks=prepared.checks, select=_split_ids(select),
                             only=only, diff=diff, check=check)
        code = run_fix(request, sys.stdout, sys.stderr)
    except (ConfigError, PluginError, SelectionError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    sys.stdout.flush()
    raise typer.Exit(code)


@app.command()
def hook(
    files: List[Path] = typer.Argument(None, help="Files to check (pre-commit passes the changed ones)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings that are not in this saved result."),
    min_severity: str = typer.Option("medium", "--min-severity", help="Report this severity and above: critical|high|medium|low."),
    fix_files: bool = typer.Option(False, "--fix", help="Repair what a codemod can in the given files (the readiness-fix hook)."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="With --fix, also apply fixes that change behaviour."),
) -> None:
    """Fast path for pre-commit: the per-file checks on the given files only; exit 1 on any finding.

    No tree walk and no repository-level checks; the scan's cache is left as it is. Findings
    show their severity and `[*]` when `readiness fix` (or `hook --fix`) can repair them."""
    from readiness.config import ConfigError
    from readiness.engine import SelectionError
    from readiness.hook import fix_files as apply_fixes
    from readiness.hook import relative_files, run_hook, summary, without_baseline, write_findings
    from readiness.model import SEVERITIES
    from readiness.outputs import one_line, safe_document
    from readiness.registry import PluginError
    from readiness.runner import open_cache, prepare

    if min_severity not in SEVERITIES:
        _err(f"--min-severity must be one of {', '.join(SEVERITIES)}, not '{min_severity}'")
        raise typer.Exit(EXIT_USAGE)
    root = Path(".")
    base_doc = _load_result_or_exit(baseline) if baseline is not None else None
    try:
        prepared = prepare(root, config)
        cache = open_cache(root, prepared.settings, enabled=True)
        result = run_hook(root, relative_files(root, list(files or [])), prepared.settings, prepared.checks,
                          min_severity="low" if fix_files else min_severity, cache=cache)
    except (ConfigError, PluginError, SelectionError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    ignore_state_dir(root)
    _keep_answer(prepared.checks, cache, fix_files)
    findings = result.findings
    if base_doc is not None:
        findings = without_baseline(findings, base_doc, str(baseline))
    if fix_files:
        apply_fixes(root, findings, prepared.settings, sys.stdout, unsafe=unsafe_fixes)
        return
    masked = safe_document({"findings": [f.message for f in findings], "paths": [f.path for f in findings]},
                           prepared.settings.expanded)
    shown = [replace(f, message=m, path=p) for f, m, p in zip(findings, masked["findings"], masked["paths"], strict=True)]
    write_findings(shown, sys.stdout, one_line)
    for message in result.errors:
        _err(f"warning: check crashed: {one_line(message)}")
    if findings or result.below:
        sys.stdout.write(summary(result, min_severity) + "\n")
    if findings:
        raise typer.Exit(EXIT_GATE)


def _keep_answer(checks: List[Any], cache: Any, fix_files: bool) -> None:
    """Let this hook call's answer be replayed when built-in checks alone judged it, with the default cache."""
    from readiness import hook_answer

    default = (Path.cwd() / ".readiness" / "cache").resolve()
    hook_answer.keepable = (not fix_files and cache is not None and cache.directory.resolve() == default
                            and all(c.__module__.startswith("readiness.") for c in checks))


baseline_app = typer.Typer(cls=DirectGroup, help="Record today's findings so the gate judges only new ones.",
                           no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("save")
def baseline_save(
    path: Path = typer.Argument(Path("."), help="Repository to scan."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write it (default: PATH/readiness-baseline.json)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration file."),
    legacy_path: Optional[Path] = typer.Option(None, "--path", "-p", hidden=True),
) -> None:
    """Scan PATH and save the result as a baseline for `readiness scan --baseline FILE`."""
    from readiness.config import ConfigError
    from readiness.engine import ScanRequest, SelectionError, run_scan, select_checks
    from readiness.fsutil import atomic_write_text
    from readiness.registry import PluginError
    from readiness.reports.json_result import dumps as json_dumps
    from readiness.runner import open_cache, prepare

    if legacy_path is not None:  # the earlier spelling: `baseline save FILE --path REPO`
        if output is not None:
            _err("give the repository as PATH and the file with -o, not --path")
            raise typer.Exit(EXIT_USAGE)
        path, output = legacy_path, path
    output = output if output is not None else path / "readiness-baseline.json"
    if not path.exists():
        _err(f"path does not exist: {path}")
        raise typer.Exit(EXIT_USAGE)
    if not path.is_dir():
        _err(f"not a directory: {path}")
        raise typer.Exit(EXIT_USAGE)
    try:
        prepared = prepare(path, config)
        selected, deselected = select_checks(prepared.checks, prepared.settings)
        result = run_scan(ScanRequest(root=path, settings=prepared.settings, checks=selected, deselected=deselected,
                                      live=False, display_path=str(path),
                                      cache=open_cache(path, prepared.settings, enabled=True)))
    except (ConfigError, PluginError, SelectionError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    doc = result.to_dict()
    try:
        atomic_write_text(output, json_dumps(doc))
    except OSError as exc:
        _err(f"cannot write the baseline: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    ignore_state_dir(path)
    sys.stdout.write(f"baseline: {len(doc['findings'])} findings recorded in {output}\n")


def _load_result_or_exit(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _err(f"{path}: not a readable JSON result: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not isinstance(doc, dict) or doc.get("schema_version") != 1:
        _err(f"{path}: not a readiness result (schema_version 1)")
        raise typer.Exit(EXIT_USAGE)
    return doc


def _checks_or_exit(config: Optional[Path]) -> list[Any]:
    from readiness.config import ConfigError
    from readiness.registry import PluginError
    from readiness.runner import prepare

    try:
        return prepare(Path("."), config, scanning=False).checks
    except (ConfigError, PluginError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None


def main() -> None:
    """Run the command; a usage error is one line on stderr and exit 2, never a traceback or a box."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        code = app(prog_name="readiness", standalone_mode=False)
    except NoArgsIsHelpError:  # the help was shown already
        code = EXIT_USAGE
    except UsageError as exc:
        _err(usage_line(exc))
        code = EXIT_USAGE
    except ClickException as exc:
        _err(flat(exc.format_message()))
        code = EXIT_USAGE
    except typer.Abort:
        code = 130
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
