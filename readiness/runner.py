"""Glue shared by the commands: configuration plus plugins, rendering, writing, the gate."""

from __future__ import annotations

import io
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from readiness.cache import Cache
from readiness.categories import CATEGORY_IDS
from readiness.checks.base import Check
from readiness.config import Operator, Settings, read_config, validate_config
from readiness.fsutil import UnsafePath, atomic_write_text, confined
from readiness.registry import load_checks
from readiness.reports import ReportContext, format_for_path, get_renderer


@dataclass
class Prepared:
    settings: Settings
    checks: list[type[Check]]


DEFAULT_TIMEOUT = 1800.0  # seconds: generous, a bound on a hostile tree rather than a budget


def prepare(
    root: Path, config: Path | None = None, *, plugins: Sequence[str] = (), allow_private: bool = False,
    scanning: bool = True,
) -> Prepared:
    """Read the configuration, load the plugins, then validate it against every known id.

    Plugins come from the operator: ``--plugin`` and the ``plugins:`` of a file named with
    ``--config``. A configuration found in the scanned tree names none that load, and no
    entry point installed under the scanned tree is loaded.
    """
    raw = read_config(root, config)
    trusted = config is not None
    wanted = [*plugins, *(raw.plugins if trusted else [])]
    if raw.plugins and not trusted:
        sys.stderr.write(
            f"readiness: warning: {raw.display}: plugins: not loaded from the scanned repository's "
            "configuration (name them with --plugin, or pass the file with --config)\n"
        )
    checks = load_checks(wanted, untrusted_root=root if scanning else None)
    settings = validate_config(
        raw,
        known_checks=[c.id for c in checks],
        known_categories=set(CATEGORY_IDS) | {c.category for c in checks},
    )
    settings.operator = Operator(allow_private=allow_private, trusted_config=trusted)
    return Prepared(settings, checks)


def live_wanted(flag: bool | None, settings: Settings, *, explicit_config: bool, env_pairs: bool) -> bool:
    """Live probes run on the operator's word only: ``--live``, ``--env``, ``--config`` or READINESS_LIVE=1."""
    if flag is not None:
        return flag
    opted_in = explicit_config or env_pairs or os.environ.get("READINESS_LIVE") == "1"
    return opted_in and bool(settings.data.get("environment"))


def errors_gate(doc: dict[str, Any]) -> str | None:
    """A check that errored tells nothing, so it cannot let a scan pass (unless --allow-errors)."""
    errored = [c for c in doc["checks"] if c["status"] == "error"]
    if not errored:
        return None
    names = ", ".join(c["id"] for c in errored[:5]) + (f" and {len(errored) - 5} more" if len(errored) > 5 else "")
    first = " ".join(str(errored[0].get("summary") or "").split())[:160]
    return f"{len(errored)} check{'s' if len(errored) != 1 else ''} errored ({names}): {first} (--allow-errors to pass anyway)"


def catalogue(checks: Sequence[type[Check]]) -> dict[str, dict[str, Any]]:
    return {c.id: c.metadata() for c in checks}


def color_wanted(stream: Any) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("CI"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def render_to_string(fmt: str, doc: dict[str, Any], context: ReportContext) -> str:
    buffer = io.StringIO()
    get_renderer(fmt)(doc, buffer, context)
    return buffer.getvalue()


def write_outputs(outputs: Sequence[Path], doc: dict[str, Any], context: ReportContext) -> None:
    """Render every requested file first, then write each atomically."""
    plain = ReportContext(**{**context.__dict__, "color": False})
    rendered = [(path, render_to_string(format_for_path(str(path)), doc, plain)) for path in outputs]
    for path, text in rendered:
        atomic_write_text(path, text)


def gate(doc: dict[str, Any], fail_under: float | None, fail_on_targets: bool) -> str | None:
    """The one-line reason the gate fails, or None when it passes."""
    overall = doc["overall"]
    if fail_under is not None:
        score = overall["score"]
        if score is None:
            return f"overall score is n/a, below --fail-under {fail_under:g}"
        if score < fail_under:
            return f"overall {score:.1f}% is below --fail-under {fail_under:g}"
    if fail_on_targets:
        below = [c for c in doc["categories"] if c["score"] is not None and c["score"] < c["target"]]
        if below:
            names = ", ".join(f"{c['id']} {c['score']:.1f}% < {c['target']:g}%" for c in below[:5])
            more = f" and {len(below) - 5} more" if len(below) > 5 else ""
            return f"{len(below)} categor{'y is' if len(below) == 1 else 'ies are'} below target: {names}{more}"
    return None


def open_cache(root: Path, settings: Settings, *, enabled: bool) -> Cache | None:
    """The per-file cache, kept inside the scanned root; None (a cold scan) when it would leave it."""
    section = settings.section("cache")
    if not enabled or not section.get("enabled", True):
        return None
    try:
        directory = confined(root, Path(section.get("path") or ".readiness/cache"), "cache.path")
    except UnsafePath as exc:
        sys.stderr.write(f"readiness: warning: cache off: {exc}\n")
        return None
    return Cache(directory)


@contextmanager
def scan_progress(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only on a terminal (never in CI or pipes), after a second."""
    if not enabled or os.environ.get("CI") or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # only on a terminal: a CI scan or a hook never loads rich
    from rich.progress import Progress

    started = time.monotonic()
    state: dict[str, Any] = {}
    progress = Progress(transient=True, console=Console(file=sys.stderr))

    def update(done: int, total: int) -> None:
        if "task" not in state:
            if time.monotonic() - started < 1.0 or done >= total:
                return
            progress.start()
            state["task"] = progress.add_task("analysing files", total=total)
        progress.update(state["task"], completed=done)

    try:
        yield update
    finally:
        if "task" in state:
            progress.stop()
